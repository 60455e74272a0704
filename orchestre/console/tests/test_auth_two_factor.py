"""Optional TOTP two-factor sign-in: enrolment, the verification step, wrong codes and
their throttling, turning it off."""

import re
from base64 import b32decode
from binascii import unhexlify

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from orchestre.core.models import AuditEntry
from orchestre.team.tests.factories import customer_user, staff_member

PASSWORD = "Staff-pass-2026!"
TWO_FACTOR = "/en/console/two-factor/"
VERIFY = "/en/console/sign-in/code/"


@pytest.fixture
def member(db):
    return staff_member("customer-service", username="sam")


@pytest.fixture
def device(member):
    return TOTPDevice.objects.create(user=member, name="authenticator", confirmed=True)


def code_for(key_hex: str, offset: int = 0) -> str:
    return f"{totp(unhexlify(key_hex), drift=offset):06d}"


def secret_on(page: str) -> str:
    """The hex key behind the secret shown as text on the enrolment page."""
    secret = re.search(r'<code id="secret-key">([A-Z2-7 ]+)</code>', page).group(1)
    return b32decode(secret.replace(" ", "")).hex()


# Enrolment -----------------------------------------------------------------------------


def test_enrolment_needs_a_staff_member(client, db):
    assert client.get(TWO_FACTOR)["Location"] == f"/en/console/sign-in/?next={TWO_FACTOR}"
    customer = Client()
    customer.force_login(customer_user())
    assert customer.get(TWO_FACTOR).status_code == 403


def test_enrolment_page_shows_the_qr_code_and_the_secret(client, member):
    client.force_login(member)

    first = client.get(TWO_FACTOR).content.decode()
    second = client.get(TWO_FACTOR).content.decode()

    assert (
        '<div class="qr-code" role="img" '
        'aria-label="QR code holding the secret key shown below"><svg ' in first
    )
    assert "http://" not in first.split('<div class="qr-code"')[1].split("</div>")[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    assert len(secret_on(first)) == 40
    assert secret_on(first) == secret_on(second)
    assert TOTPDevice.objects.count() == 0


def test_enrolment_with_a_wrong_code_stores_nothing(client, member):
    client.force_login(member)
    key = secret_on(client.get(TWO_FACTOR).content.decode())

    response = client.post(TWO_FACTOR, {"code": code_for(key, offset=5)})

    assert response.status_code == 200
    assert (
        "This code does not match: check the app&#x27;s clock and enter the newest code."
        in response.content.decode()
    )
    assert TOTPDevice.objects.count() == 0


def test_enrolment_with_a_badly_typed_code(client, member):
    client.force_login(member)
    client.get(TWO_FACTOR)

    response = client.post(TWO_FACTOR, {"code": "12ab56"})

    assert "Enter the 6-digit code shown by your authenticator app." in response.content.decode()
    assert TOTPDevice.objects.count() == 0


def test_enrolment_with_the_right_code_turns_it_on(client, member):
    client.force_login(member)
    key = secret_on(client.get(TWO_FACTOR).content.decode())

    response = client.post(TWO_FACTOR, {"code": code_for(key)[:3] + " " + code_for(key)[3:]})

    assert (response.status_code, response["Location"]) == (302, TWO_FACTOR)
    device = TOTPDevice.objects.get(user=member)
    assert (device.key, device.confirmed) == (key, True)
    page = client.get(TWO_FACTOR).content.decode()
    assert "Two-factor sign-in is on." in page
    assert "Turn two-factor sign-in off" in page
    # The session that enrolled is verified: the console stays open.
    assert client.get(TWO_FACTOR).status_code == 200
    entry = AuditEntry.objects.get(action="two_factor.enabled")
    assert (entry.actor, entry.target_id, entry.channel) == (member, str(member.pk), "console")


# The second step -----------------------------------------------------------------------


def test_sign_in_with_a_device_asks_for_a_code(client, device):
    response = client.post("/en/console/sign-in/", {"username": "sam", "password": PASSWORD})

    assert response["Location"] == f"{VERIFY}?next=/en/console/"
    assert client.session[SESSION_KEY] == str(device.user_id)
    assert client.get("/en/console/orders/")["Location"] == f"{VERIFY}?next=/en/console/orders/"
    page = client.get(response["Location"]).content.decode()
    assert '<label for="id_code">Code from your authenticator app</label>' in page
    assert 'autocomplete="one-time-code"' in page


def test_the_right_code_verifies_the_session(client, device):
    client.force_login(device.user)

    response = client.post(VERIFY, {"code": code_for(device.key), "next": "/en/console/orders/"})

    assert (response.status_code, response["Location"]) == (302, "/en/console/orders/")
    assert client.get(TWO_FACTOR).status_code == 200


def test_a_wrong_code_is_refused_then_throttled(client, device):
    client.force_login(device.user)

    wrong = client.post(VERIFY, {"code": code_for(device.key, offset=5)})
    right_too_soon = client.post(VERIFY, {"code": code_for(device.key)})

    assert wrong.status_code == 200
    assert "This code is not right: enter the newest code shown by your app." in (
        wrong.content.decode()
    )
    assert right_too_soon.status_code == 429
    assert "Too many wrong codes. Wait until " in right_too_soon.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert client.get("/en/console/")["Location"] == f"{VERIFY}?next=/en/console/"


def test_a_code_is_accepted_again_once_the_throttle_has_passed(client, device):
    client.force_login(device.user)
    client.post(VERIFY, {"code": code_for(device.key, offset=5)})
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)

    response = client.post(VERIFY, {"code": code_for(device.key)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_used_code_cannot_be_used_again(device):
    first, second = Client(), Client()
    first.force_login(device.user)
    second.force_login(device.user)
    code = code_for(device.key)

    assert first.post(VERIFY, {"code": code}).status_code == 302
    assert second.post(VERIFY, {"code": code}).status_code == 200


def test_the_code_step_without_a_device_or_session(client, member):
    assert client.get(VERIFY)["Location"] == f"/en/console/sign-in/?next={VERIFY}"
    client.force_login(member)
    assert client.get(VERIFY)["Location"] == "/en/console/"


# Turning it off ------------------------------------------------------------------------


def verified_client(device) -> Client:
    client = Client()
    client.force_login(device.user)
    assert client.post(VERIFY, {"code": code_for(device.key)}).status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return client


def test_turning_off_needs_a_current_code(device):
    client = verified_client(device)

    response = client.post("/en/console/two-factor/disable/", {"code": code_for(device.key, 5)})

    assert "This code is not right" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert not AuditEntry.objects.filter(action="two_factor.disabled").exists()


def test_turning_off_with_a_current_code(device):
    client = verified_client(device)

    response = client.post("/en/console/two-factor/disable/", {"code": code_for(device.key)})

    assert (response.status_code, response["Location"]) == (302, TWO_FACTOR)
    assert TOTPDevice.objects.count() == 0
    assert "Two-factor sign-in is off." in client.get(TWO_FACTOR).content.decode()
    assert AuditEntry.objects.filter(action="two_factor.disabled", actor=device.user).count() == 1


def test_turning_off_takes_post_only(device):
    client = verified_client(device)

    assert client.get("/en/console/two-factor/disable/").status_code == 405
