"""Cell by cell, the refusals of the permission matrix on every console route, pages and
actions alike: a role without the route's action gets 403 for GET and POST, and nothing in
the database changes. (What each allowed role can do is tested with each workspace.)"""

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, get_resolver

from orchestre.orders.tests.factories import paid_test_order
from orchestre.team.permissions import MATRIX
from orchestre.team.roles import STAFF_ROLE_CODES
from orchestre.team.tests.factories import staff_member

# Converter class → (its name in routes, a value to put there).
ARGUMENTS = {
    "IntConverter": ("int", "1"),
    "StringConverter": ("str", "OR-2026-00001"),
    "SlugConverter": ("slug", "x"),
    "PathConverter": ("path", "x"),
    "UUIDConverter": ("uuid", "0" * 32),
}


def _console_routes():
    console = next(
        pattern
        for entry in get_resolver().url_patterns
        for pattern in getattr(entry, "url_patterns", [])
        if getattr(pattern, "namespace", None) == "console"
    )
    routes = []
    for pattern in console.url_patterns:
        action = getattr(pattern.callback, "console_action", "public")
        if not isinstance(pattern, URLPattern) or action in ("public", None):
            continue
        route = str(pattern.pattern)
        for name, converter in pattern.pattern.converters.items():
            kind, value = ARGUMENTS[type(converter).__name__]
            route = route.replace(f"<{kind}:{name}>", value)
        routes.append((f"/en/console/{route}", action))
    return routes


ROUTES = _console_routes()


def _fingerprint() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


@pytest.mark.parametrize("role", STAFF_ROLE_CODES)
def test_a_role_without_the_action_is_refused_everywhere_and_nothing_changes(db, role):
    paid_test_order()
    client = Client()
    client.force_login(staff_member(role))
    before = _fingerprint()
    refused = 0
    for address, action in ROUTES:
        if action in MATRIX[role]:
            continue
        get = client.get(address)
        post = client.post(address, {"reason": "x", "quantity": "1", "body": "x"})
        # 405: the route takes only the other method; the gate refuses the one it takes.
        statuses = {get.status_code, post.status_code}
        assert statuses in ({403}, {403, 405}), (address, action, statuses)
        refused += 1
    after = _fingerprint()
    assert {
        label: (before[label], after[label]) for label in before if before[label] != after[label]
    } in (
        {},
        # Django's session row is the only one a refusal may write.
        {"sessions.Session": (before["sessions.Session"], after["sessions.Session"])},
    )
    assert refused == sum(1 for _address, action in ROUTES if action not in MATRIX[role])


def test_every_console_route_goes_through_the_gate_but_the_sign_in_steps():
    console = next(
        pattern
        for entry in get_resolver().url_patterns
        for pattern in getattr(entry, "url_patterns", [])
        if getattr(pattern, "namespace", None) == "console"
    )
    ungated = {
        pattern.name
        for pattern in console.url_patterns
        if not hasattr(pattern.callback, "console_action")
    }
    assert ungated == {"sign_in", "sign_out", "verify_otp"}
