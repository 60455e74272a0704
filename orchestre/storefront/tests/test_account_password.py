"""Password reset by e-mail (through the outbox, in the account's language, no
enumeration) and password change."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client

from orchestre.core.models import OutboxMessage
from orchestre.users.models import User

PASSWORD = "a long enough password 42"
NEW_PASSWORD = "another fine password 77"


@pytest.fixture(autouse=True)
def _friendly_lockout(settings):
    settings.AXES_LOCKOUT_CALLABLE = "orchestre.storefront.account_views.lockout_response"


@pytest.fixture
def marie(db):
    return User.objects.create_user(
        username="marie@example.fr",
        email="marie@example.fr",
        first_name="Marie",
        password=PASSWORD,
        preferred_language="en",
    )


def reset_emails() -> list[dict]:
    return [
        message.payload
        for message in OutboxMessage.objects.filter(key__startswith="password-reset:")
    ]


def link_in(payload: dict) -> str:
    return re.search(r"https?://\S+", payload["text_body"]).group(0)


def test_reset_sends_the_link_through_the_outbox_in_the_accounts_language(client, marie, settings):
    settings.SHOP_URL = "https://shop.example"

    response = client.post("/account/password-reset/", {"email": "MARIE@example.fr"})

    assert response["Location"] == "/account/password-reset/sent/"
    [email] = reset_emails()
    assert email["to"] == "marie@example.fr"
    assert email["subject"] == f"Choose a new password for {settings.SHOP_NAME}"
    assert email["text_body"].startswith("Hello Marie,\n")
    assert link_in(email).startswith("https://shop.example/en/account/reset/")


def test_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(client, marie):
    response = client.post("/en/account/password-reset/", {"email": "nobody@example.fr"})

    assert response["Location"] == "/en/account/password-reset/sent/"
    assert reset_emails() == []
    page = client.get(response["Location"]).content.decode()
    assert "If an account uses this address, we have sent it a link" in page


def test_asking_again_at_once_sends_no_second_email(client, marie):
    client.post("/en/account/password-reset/", {"email": marie.email})
    client.post("/en/account/password-reset/", {"email": marie.email})

    assert len(reset_emails()) == 1


def test_reset_with_a_bad_address(client, marie):
    response = client.post("/en/account/password-reset/", {"email": "not an address"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert reset_emails() == []


def test_the_link_sets_a_new_password_once(client, marie):
    for _ in range(5):
        client.post("/en/account/sign-in/", {"email": marie.email, "password": "wrong"})
    client.post("/en/account/password-reset/", {"email": marie.email})
    link = link_in(reset_emails()[0]).removeprefix("http://127.0.0.1:8000")

    form_page = client.get(link, follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_password_url, {"new_password1": "short", "new_password2": "short"})
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert "This password is too short." in weak.content.decode()
    assert done["Location"] == "/en/account/reset/done/"
    marie.refresh_from_db()
    assert marie.check_password(NEW_PASSWORD)
    assert AccessAttempt.objects.count() == 0
    again = client.get(link)
    assert "This link has expired or was already used." in again.content.decode()


def test_a_forged_link_is_refused(client, marie):
    response = client.get("/en/account/reset/MQ/abc-123/")

    assert response.status_code == 200
    assert "This link has expired or was already used." in response.content.decode()


# Password change -----------------------------------------------------------------------


def change(client: Client, old: str, new: str = NEW_PASSWORD):
    return client.post(
        "/en/account/password/",
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_password_change_keeps_the_session(client, marie):
    client.force_login(marie)

    response = change(client, PASSWORD)

    assert response["Location"] == "/en/account/profile/"
    marie.refresh_from_db()
    assert marie.check_password(NEW_PASSWORD)
    assert client.get("/en/account/orders/").status_code == 200


def test_password_change_with_a_wrong_current_password(client, marie):
    client.force_login(marie)

    response = change(client, "wrong")

    assert response.status_code == 200
    assert (
        '<p class="field-error" id="id_old_password_error">This password is not right.</p>'
        in response.content.decode()
    )
    marie.refresh_from_db()
    assert marie.check_password(PASSWORD)


def test_guessing_the_current_password_is_locked_out(client, marie):
    client.force_login(marie)

    statuses = [change(client, "wrong").status_code for _ in range(5)]
    right = change(client, PASSWORD)

    assert statuses == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    marie.refresh_from_db()
    assert marie.check_password(PASSWORD)


def test_password_change_needs_a_signed_in_account(client, db):
    assert client.get("/en/account/password/")["Location"] == (
        "/en/account/sign-in/?next=/en/account/password/"
    )
