"""Staff sign-in: username or e-mail, staff only, lockout after repeated failures, session
expiry, sign-out."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import formats, timezone, translation

from orchestre.team.tests.factories import customer_user, staff_member

PASSWORD = "Staff-pass-2026!"
SIGN_IN = "/en/console/sign-in/"
REFUSAL = "This username or e-mail address and password do not match a staff account."


@pytest.fixture(autouse=True)
def _friendly_lockout(settings):
    settings.AXES_LOCKOUT_CALLABLE = "orchestre.storefront.account_views.lockout_response"


@pytest.fixture
def member(db):
    return staff_member("logistics-manager", username="lea", email="lea.martin@staff.example")


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password, **extra})


def test_sign_in_page(client, db):
    response = client.get(SIGN_IN)

    content = response.content.decode()
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert "<h1>Staff sign-in</h1>" in content
    assert '<label for="id_username">Username or e-mail address</label>' in content
    assert 'autocomplete="username"' in content
    assert 'autocomplete="current-password"' in content


@pytest.mark.parametrize(
    "identifier", ["lea", "lea.martin@staff.example", "LEA.Martin@staff.example"]
)
def test_staff_sign_in_by_username_or_email(client, member, settings, identifier):
    settings.STAFF_SESSION_SECONDS = 3600

    response = sign_in(client, identifier)

    assert (response.status_code, response["Location"]) == (302, "/en/console/")
    assert client.session[SESSION_KEY] == str(member.pk)
    assert client.session.get_expiry_age() == 3600
    assert client.session.get_expire_at_browser_close() is False
    assert client.get("/en/console/two-factor/").status_code == 200


def test_sign_in_follows_a_safe_next_address_only(client, member):
    assert sign_in(client, "lea", next="/en/console/orders/")["Location"] == "/en/console/orders/"
    client.logout()
    assert sign_in(client, "lea", next="https://evil.example/")["Location"] == "/en/console/"


@pytest.mark.parametrize(
    ("username", "password"), [("lea", "wrong password"), ("nobody", PASSWORD)]
)
def test_wrong_username_or_password(client, member, username, password):
    response = sign_in(client, username, password)

    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_customer_is_refused_in_the_same_words(client, db):
    customer = customer_user(email="claire@example.fr", password=PASSWORD)

    response = sign_in(client, customer.email)

    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AccessAttempt.objects.get(username=customer.username).failures_since_start == 1


def test_an_inactive_member_is_refused(client, member):
    member.is_active = False
    member.save()

    response = sign_in(client, "lea")

    assert REFUSAL in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_signed_in_member_is_sent_on(client, member):
    client.force_login(member)

    response = client.get(SIGN_IN)

    assert (response.status_code, response["Location"]) == (302, "/en/console/")


def test_sign_in_needs_the_csrf_token(member):
    assert sign_in(Client(enforce_csrf_checks=True), "lea").status_code == 403


# Lockout -------------------------------------------------------------------------------


def fail(client: Client, username: str, times: int) -> list[int]:
    return [sign_in(client, username, "wrong password").status_code for _ in range(times)]


def test_five_failures_lock_the_account_out_even_with_the_right_password(client, member):
    assert fail(client, "lea", 4) == [200, 200, 200, 200]

    fifth = sign_in(client, "lea", "wrong password")
    sixth = sign_in(client, "lea")

    for response in (fifth, sixth):
        content = response.content.decode()
        assert response.status_code == 429
        assert (
            "Too many failed sign-in attempts. For your security, signing in is paused: " in content
        )
        assert "try again after " in content
        assert REFUSAL not in content
    assert SESSION_KEY not in client.session


def test_the_lockout_message_says_when_to_retry(client, member, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    fail(client, "lea", 5)

    before = retry_time(minutes=15)
    response = sign_in(client, "lea")
    after = retry_time(minutes=15)

    content = response.content.decode()
    assert any(f"try again after {time}." in content for time in {before, after})


def retry_time(*, minutes: int) -> str:
    with translation.override("en"):
        moment = timezone.localtime(timezone.now() + timedelta(minutes=minutes))
        return formats.time_format(moment, "TIME_FORMAT")


def test_unknown_usernames_are_locked_out_alike(client, db):
    assert fail(client, "nobody", 5) == [200, 200, 200, 200, 429]

    response = sign_in(client, "nobody")

    assert response.status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, member, settings):
    fail(client, "lea", 5)
    assert sign_in(client, "lea").status_code == 429

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    response = sign_in(client, "lea")

    assert (response.status_code, response["Location"]) == (302, "/en/console/")
    assert AccessAttempt.objects.count() == 0


def test_a_success_before_the_limit_clears_the_failures(client, member):
    fail(client, "lea", 4)
    sign_in(client, "lea")
    client.logout()
    fail(client, "lea", 4)

    assert sign_in(client, "lea").status_code == 302


def test_the_lockout_is_per_account(client, member):
    staff_member(None, username="hugo")
    fail(client, "lea", 5)

    assert sign_in(client, "hugo").status_code == 302


# Expiry and sign-out -------------------------------------------------------------------


def test_an_expired_staff_session_is_sent_back_to_sign_in(client, member):
    from django.contrib.sessions.models import Session

    sign_in(client, "lea")
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get("/en/console/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/console/sign-in/")


def test_sign_out_takes_post_and_ends_the_session(client, member):
    client.force_login(member)

    assert client.get("/en/console/sign-out/").status_code == 405
    response = client.post("/en/console/sign-out/")

    assert (response.status_code, response["Location"]) == (302, "/en/console/sign-in/")
    assert SESSION_KEY not in client.session
    assert "You are signed out." in client.get(response["Location"]).content.decode()
