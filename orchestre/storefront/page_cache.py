"""Whole-page cache for anonymous GET requests, invalidated by the catalogue version.

A page is stored under its full path and query, the active language, whether it is an htmx
fragment, and the current catalogue version (`orchestre.core.cache_versions`). Services that
change a product, a price or a stock level call `bump_version(CATALOG)` in their transaction;
once it commits, every key carries the new version, so no page rendered from the old rows is
served again, on any worker.

Why not Django's `cache_page`: it keys on the URL and headers only, so it cannot include the
catalogue version and would go on serving old prices until its timeout; and it caches pages
whose only per-visitor part is the CSRF token of the language form as they are, token
included. Here the token is left out of the stored page and filled in for each visitor.
"""

import hashlib
from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language

from orchestre.core.cache_versions import CATALOG, current_version

CSRF_PLACEHOLDER = "__csrf_token_placeholder__"
_STORED_HEADERS = (
    "Content-Type",
    "Cache-Control",
    "Content-Security-Policy",
    "ETag",
    "Last-Modified",
    "Vary",
    "X-Robots-Tag",
)


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request for part of a page (a history restore asks for the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def page_cache_key(request: HttpRequest) -> str:
    fragment = "fragment" if wants_fragment(request) else "page"
    path_hash = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"storefront:page:{current_version(CATALOG)}:{get_language()}:{fragment}:{path_hash}"


def csrf_token_for(request: HttpRequest) -> str:
    """The token for a form in a page: a placeholder while the page is rendered for the
    cache (filled in per response by `cache_public_page`), the visitor's token otherwise."""
    if getattr(request, "_page_cache_fills_csrf", False):
        return CSRF_PLACEHOLDER
    return get_token(request)


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
            request._page_cache_fills_csrf = True
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not response.is_rendered:
                response = response.render()
            if _is_cacheable(request, response):
                cache.set(key, _to_entry(response), settings.PAGE_CACHE_SECONDS)
        else:
            response = _from_entry(entry)
        _fill_csrf_token(request, response)
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
        # Any {% csrf_token %} other than the placeholder put the visitor's own token in.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _to_entry(response: HttpResponse) -> tuple[bytes, dict[str, str]]:
    headers = {name: response[name] for name in _STORED_HEADERS if response.has_header(name)}
    return response.content, headers


def _from_entry(entry: tuple[bytes, dict[str, str]]) -> HttpResponse:
    content, headers = entry
    return HttpResponse(content, headers=headers)


def _fill_csrf_token(request: HttpRequest, response: HttpResponse) -> None:
    placeholder = CSRF_PLACEHOLDER.encode()
    if not response.streaming and placeholder in response.content:
        response.content = response.content.replace(placeholder, get_token(request).encode())
