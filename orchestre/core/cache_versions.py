"""Versioned cache namespaces: bumping a namespace's version invalidates every page cached
under it at once, across all worker processes (the version lives in the shared cache).

A version that is lost (evicted, cache flushed) restarts from the clock, never from a small
number, so it cannot fall back to a value that pages were already cached under."""

import time

from django.core.cache import cache
from django.db import transaction

CATALOG = "catalog"


def _key(namespace: str) -> str:
    return f"version:{namespace}"


def _fresh_version() -> int:
    return time.time_ns() // 1000


def current_version(namespace: str) -> int:
    version = cache.get(_key(namespace))
    if version is None:
        cache.add(_key(namespace), _fresh_version(), timeout=None)
        version = cache.get(_key(namespace))
    return version if version is not None else _fresh_version()


def bump_version(namespace: str) -> None:
    """Invalidate the namespace once the current transaction commits (never before, or a
    concurrent reader could cache the old rows again under the new version)."""

    def bump():
        try:
            cache.incr(_key(namespace))
        except ValueError:
            cache.set(_key(namespace), _fresh_version(), timeout=None)

    transaction.on_commit(bump)
