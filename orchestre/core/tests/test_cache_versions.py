from django.core.cache import cache

from orchestre.core.cache_versions import CATALOG, bump_version, current_version


def test_bump_changes_the_version_only_after_commit(db, django_capture_on_commit_callbacks):
    before = current_version(CATALOG)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        bump_version(CATALOG)
        assert current_version(CATALOG) == before

    callbacks[0]()
    assert current_version(CATALOG) == before + 1


def test_a_lost_version_never_restarts_at_or_below_the_previous_one(db):
    first = current_version(CATALOG)
    cache.incr("version:catalog", 3)
    cache.delete("version:catalog")

    assert current_version(CATALOG) > first + 3
