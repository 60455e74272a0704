"""Whole-page cache for anonymous GET requests, invalidated by the catalogue version.

A page is stored under its full path and query, the active language, whether it is an htmx
fragment, and the current catalogue version (`orchestre.core.cache_versions`). Services that
change a product, a price or a stock level call `bump_version(CATALOG)` in their transaction;
once it commits, every key carries the new version, so no page rendered from the old rows is
served again, on any worker.

The stored entry also holds the body already gzip-compressed, served as is to clients that
accept gzip, so a hit does not compress the page again (GZipMiddleware leaves responses
that carry a Content-Encoding alone). Its random-padding defence against BREACH is not
needed here: stored pages hold no secret.

Why not Django's `cache_page`: it keys on the URL and headers only, so it cannot include the
catalogue version and would go on serving old prices until its timeout. Pages holding a
per-visitor part (a CSRF token) are never stored, so catalogue pages carry no form that
needs one.
"""

import hashlib
import re
from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import get_language

from orchestre.core.cache_versions import CATALOG, current_version

_STORED_HEADERS = (
    "Content-Type",
    "Cache-Control",
    "Content-Security-Policy",
    "ETag",
    "Last-Modified",
    "Vary",
    "X-Robots-Tag",
)
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
_MIN_COMPRESSED_LENGTH = 200  # as GZipMiddleware: smaller bodies are not worth it


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request for part of a page (a history restore asks for the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def page_cache_key(request: HttpRequest) -> str:
    fragment = "fragment" if wants_fragment(request) else "page"
    path_hash = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"storefront:page:{current_version(CATALOG)}:{get_language()}:{fragment}:{path_hash}"


def cache_public_page(view=None, *, same_for_everyone: bool = False):
    """Serve anonymous GET requests of `view` from the shared cache (see the module
    docstring). Responses are stored only when they are 200, set no cookie, are not
    private and hold no visitor-specific token; signed-in visitors are never served from
    or stored in the cache. A hit costs no database query (one when the visitor has a
    session cookie, to tell that they are not signed in).

    `same_for_everyone=True` is for responses that cannot depend on the visitor (pictures,
    the sitemap): everyone shares them, and the session is not even looked at, so the
    response does not vary on cookies and shared HTTP caches can keep it."""
    if view is None:
        return partial(cache_public_page, same_for_everyone=same_for_everyone)

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "GET" or (not same_for_everyone and request.user.is_authenticated):
            return view(request, *args, **kwargs)
        key = page_cache_key(request)
        entry = cache.get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not response.is_rendered:
                response = response.render()
            if _is_cacheable(request, response):
                cache.set(key, _to_entry(response), settings.PAGE_CACHE_SECONDS)
        else:
            response = _from_entry(entry, request)
        if response.status_code == 200 and response.has_header("ETag"):
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response

    return cached_view


def _is_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (session is not None and session.modified)
        # A CSRF token in the page is the visitor's own.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


Entry = tuple[bytes, bytes | None, dict[str, str]]


def _to_entry(response: HttpResponse) -> Entry:
    headers = {name: response[name] for name in _STORED_HEADERS if response.has_header(name)}
    content = response.content
    compressed = compress_string(content) if len(content) >= _MIN_COMPRESSED_LENGTH else None
    if compressed is not None and len(compressed) >= len(content):
        compressed = None
    return content, compressed, headers


def _from_entry(entry: Entry, request: HttpRequest) -> HttpResponse:
    content, compressed, headers = entry
    if compressed is None or not _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(content, headers=headers)
        if compressed is not None:
            patch_vary_headers(response, ("Accept-Encoding",))
        return response
    response = HttpResponse(compressed, headers=headers)
    response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    etag = response.get("ETag")
    if etag and not etag.startswith("W/"):
        response["ETag"] = f"W/{etag}"  # the bytes differ from the uncompressed variant's
    return response
