"""Versioned cache namespaces: bumping a namespace's version invalidates every page cached
under it at once, across all worker processes (the version lives in the shared cache)."""

from django.core.cache import cache
from django.db import transaction

CATALOG = "catalog"


def current_version(namespace: str) -> int:
    key = f"version:{namespace}"
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)
        version = cache.get(key, 1)
    return version


def bump_version(namespace: str) -> None:
    """Invalidate the namespace once the current transaction commits (never before, or a
    concurrent reader could cache the old rows again under the new version)."""

    def bump():
        key = f"version:{namespace}"
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 2, timeout=None)

    transaction.on_commit(bump)
