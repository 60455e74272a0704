"""The profile page: names, e-mail (with the current password) and language."""

import pytest

from orchestre.customers.tests.factories import PASSWORD, CustomerFactory, UserFactory

PROFILE = "/en/account/profile/"


@pytest.fixture
def customer(db):
    return CustomerFactory(user__username="marie@example.fr", user__email="marie@example.fr")


@pytest.fixture
def client_of(client, customer):
    client.force_login(customer.user)
    return client


def form_data(**overrides) -> dict:
    return {
        "first_name": "Marie",
        "last_name": "Curie",
        "email": "marie@example.fr",
        "language": "fr",
        "current_password": "",
        **overrides,
    }


def test_profile_needs_a_signed_in_account(client, db):
    assert client.get(PROFILE)["Location"] == f"/en/account/sign-in/?next={PROFILE}"


def test_profile_page_shows_the_account(client_of, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client_of.get(PROFILE)

    content = response.content.decode()
    assert 'value="marie@example.fr"' in content
    assert '<option value="fr" selected>French</option>' in content
    assert '<a href="/en/account/profile/" aria-current="page">Profile</a>' in content


def test_changing_names_and_language_needs_no_password(client_of, customer):
    response = client_of.post(PROFILE, form_data(first_name="Irène", language="en"))

    assert response["Location"] == PROFILE
    customer.refresh_from_db()
    customer.user.refresh_from_db()
    assert (customer.first_name, customer.user.first_name) == ("Irène", "Irène")
    assert customer.user.preferred_language == "en"
    assert "Your profile is saved." in client_of.get(PROFILE).content.decode()


def test_changing_the_email_needs_the_current_password(client_of, customer):
    missing = client_of.post(PROFILE, form_data(email="new@example.fr"))
    wrong = client_of.post(PROFILE, form_data(email="new@example.fr", current_password="no"))

    assert "Enter your current password to change your e-mail address." in (
        missing.content.decode()
    )
    assert "This password is not right." in wrong.content.decode()
    customer.user.refresh_from_db()
    assert customer.user.email == "marie@example.fr"


def test_changing_the_email(client_of, customer):
    response = client_of.post(PROFILE, form_data(email="New@Example.fr", current_password=PASSWORD))

    assert response["Location"] == PROFILE
    customer.user.refresh_from_db()
    customer.refresh_from_db()
    assert (customer.user.username, customer.user.email, customer.email) == (
        "new@example.fr",
        "new@example.fr",
        "new@example.fr",
    )


def test_an_email_of_another_account_is_refused(client_of, customer):
    UserFactory(email="taken@example.fr")

    response = client_of.post(
        PROFILE, form_data(email="taken@example.fr", current_password=PASSWORD, last_name="X")
    )

    assert (
        '<p class="field-error" id="id_email_error">'
        "An account already exists for this e-mail address.</p>"
    ) in response.content.decode()
    customer.user.refresh_from_db()
    assert (customer.user.email, customer.user.last_name) == ("marie@example.fr", "Curie")


def test_bad_input_is_explained(client_of, customer):
    response = client_of.post(PROFILE, form_data(first_name="", language="de"))

    content = response.content.decode()
    assert '<p class="field-error" id="id_first_name_error">This field is required.</p>' in content
    assert "Select a valid choice. de is not one of the available choices." in content
    customer.user.refresh_from_db()
    assert customer.user.first_name == "Marie"
