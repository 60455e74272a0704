"""Test-wide settings. The data directory is already a temporary one
(orchestre/config/pytest_environment.py)."""

import shutil
import uuid

import pytest


def pytest_configure(config):
    from django.conf import settings

    # The manifest storage needs `collectstatic`; tests (and the live server, which serves
    # static files from the apps through the finders) use the plain storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.CACHES = _memory_cache()
    # Tasks run as soon as they are enqueued (after commit), so a test sees their effect.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def pytest_unconfigure(config):
    from django.conf import settings

    shutil.rmtree(settings.DATA_DIR, ignore_errors=True)


def _memory_cache() -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"tests-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Every test starts with an empty cache of its own (pages, cache versions, rate limits)."""
    settings.CACHES = _memory_cache()


@pytest.fixture(autouse=True)
def _fresh_search_caches():
    """Forget the search vocabulary held in process memory: it is keyed by the catalogue
    cache version, which every test's fresh cache starts again at 1."""
    from orchestre.catalog import search

    search.clear_caches()
