"""Creating an account from the storefront."""

import pytest
from django.test import Client

from orchestre.customers.models import Customer
from orchestre.users.models import User

PASSWORD = "a long enough password 42"
SIGN_UP = "/en/account/sign-up/"


def sign_up(client: Client, **overrides):
    data = {
        "first_name": "Marie",
        "last_name": "Curie",
        "email": "Marie.Curie@Example.fr",
        "password": PASSWORD,
        "country": "BE",
        **overrides,
    }
    return client.post(SIGN_UP, data)


def test_sign_up_page(client, db):
    response = client.get(SIGN_UP)

    content = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert '<label for="id_email">E-mail address</label>' in content
    assert 'autocomplete="new-password"' in content
    assert '<option value="FR" selected>France</option>' in content


def test_sign_up_creates_the_account_and_signs_in(client, db):
    response = sign_up(client)

    assert (response.status_code, response["Location"]) == (302, "/en/account/orders/")
    user = User.objects.get()
    assert (user.email, user.preferred_language, user.is_staff) == (
        "marie.curie@example.fr",
        "en",
        False,
    )
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Customer.objects.get(user=user).country == "BE"
    page = client.get(response["Location"]).content.decode()
    assert "Welcome! Your account is ready." in page


def test_sign_up_in_french_keeps_french(client, db):
    client.post(
        "/account/sign-up/",
        {
            "first_name": "Marie",
            "last_name": "Curie",
            "email": "marie@example.fr",
            "password": PASSWORD,
            "country": "FR",
        },
    )

    assert User.objects.get().preferred_language == "fr"


def test_sign_up_with_an_email_already_used(client, db):
    User.objects.create_user(username="marie.curie@example.fr", email="marie.curie@example.fr")

    response = sign_up(client)

    content = response.content.decode()
    assert response.status_code == 200
    assert (
        '<p class="field-error" id="id_email_error">'
        "An account already exists for this e-mail address.</p>"
    ) in content
    assert '<a href="/en/account/password-reset/">Forgot your password?</a>' not in content
    assert User.objects.count() == 1
    assert Customer.objects.count() == 0
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("password", "12345678", "This password is too common. This password is entirely numeric."),
        (
            "password",
            "marie.curie@example",
            "The password is too similar to the e-mail address.",
        ),
        ("email", "marie", "Enter a valid email address."),
        ("first_name", "", "This field is required."),
        ("country", "XX", "Select a valid choice. XX is not one of the available choices."),
    ],
)
def test_sign_up_with_bad_input_changes_nothing(client, db, field, value, message):
    response = sign_up(client, **{field: value})

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<p class="field-error" id="id_{field}_error">{message}</p>' in content
    assert (
        '<div class="notice notice-error" role="alert" tabindex="-1" id="error-summary">' in content
    )
    assert User.objects.count() == 0


def test_a_signed_in_visitor_is_sent_on(client, db):
    client.force_login(User.objects.create_user(username="paul", email="paul@example.fr"))

    assert client.get(SIGN_UP)["Location"] == "/en/account/orders/"
