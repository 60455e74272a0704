"""The console's gate, and the permission matrix checked cell by cell on every console page
that takes no argument: a role that has the page's action gets it, any other gets 403."""

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from orchestre.team.permissions import ACTION_CODES, MATRIX, can
from orchestre.team.roles import STAFF_ROLE_CODES
from orchestre.team.tests.factories import staff_member


def _console_pages():
    """(url name, action) of every console page without arguments, read from the URLconf."""
    resolver = get_resolver().url_patterns
    console = next(
        pattern
        for entry in resolver
        for pattern in getattr(entry, "url_patterns", [])
        if getattr(pattern, "namespace", None) == "console"
    )
    pages = []
    for pattern in console.url_patterns:
        if isinstance(pattern, URLPattern) and not pattern.pattern.regex.groupindex:
            action = getattr(pattern.callback, "console_action", "public")
            if action != "public":
                pages.append((f"console:{pattern.name}", action))
    return pages


PAGES = _console_pages()


def test_the_groups_hold_exactly_the_matrix(db):
    for role in STAFF_ROLE_CODES:
        member = staff_member(role)
        granted = {action for action in ACTION_CODES if can(member, action)}
        assert granted == set(MATRIX[role]), role


@pytest.mark.parametrize("role", STAFF_ROLE_CODES)
def test_every_page_answers_each_role_as_the_matrix_says(db, role):
    client = Client()
    client.force_login(staff_member(role))
    assert PAGES, "the console has pages"
    for url_name, action in PAGES:
        response = client.get(reverse(url_name))
        if response.status_code == 405:
            continue  # an action taken by POST only; its own tests check who may
        if action is None or action in MATRIX[role]:
            # A page may send back to its list when nothing was chosen (a pick list).
            assert response.status_code in (200, 302), (url_name, action)
            assert "sign-in" not in response.get("Location", ""), url_name
        else:
            assert response.status_code == 403, (url_name, action)


def test_a_staff_member_without_a_role_reaches_only_the_pages_for_everyone(db):
    client = Client()
    client.force_login(staff_member(None))
    for url_name, action in PAGES:
        status = client.get(reverse(url_name)).status_code
        assert status in (405, 200 if action is None else 403), url_name


def test_anonymous_visitors_are_sent_to_the_staff_sign_in(db):
    response = Client().get("/en/console/orders/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("console:sign_in"))


def test_a_customer_is_refused_the_console(customer_client):
    response = customer_client.get("/en/console/")
    assert response.status_code == 403
    assert "customer account" in response.content.decode()


def test_a_deactivated_member_is_refused(db):
    member = staff_member("customer-service")
    client = Client()
    client.force_login(member)
    member.is_active = False
    member.save()
    assert client.get("/en/console/").status_code == 302


def test_console_pages_set_the_staff_session_expiry(db, settings):
    settings.STAFF_SESSION_SECONDS = 1800
    client = Client()
    client.force_login(staff_member("logistics-manager"))
    client.get("/en/console/")
    assert client.session.get_expiry_age() == 1800
