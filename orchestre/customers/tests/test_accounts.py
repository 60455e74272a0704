"""Signing up and changing the account's profile."""

import pytest
from django.utils import translation

from orchestre.core.errors import Conflict, InvalidInput
from orchestre.customers.models import Customer
from orchestre.customers.services import customer_for_account, sign_up_customer, update_profile
from orchestre.customers.tests.factories import CustomerFactory, UserFactory
from orchestre.users.models import User

PASSWORD = "a long enough password 42"


def sign_up(**overrides):
    arguments = {
        "email": " Marie.Curie@Example.FR ",
        "password": PASSWORD,
        "first_name": " Marie ",
        "last_name": "Curie",
        "language": "en",
        "country": "fr",
        **overrides,
    }
    with translation.override("en"):
        return sign_up_customer(**arguments)


def test_sign_up_creates_the_account_and_its_customer(db):
    customer = sign_up()

    user = customer.user
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "marie.curie@example.fr",
        "marie.curie@example.fr",
        "Marie",
        "Curie",
    )
    assert user.preferred_language == "en"
    assert user.check_password(PASSWORD)
    assert not user.is_staff
    assert (customer.email, customer.first_name, customer.country) == (
        "marie.curie@example.fr",
        "Marie",
        "FR",
    )


def test_sign_up_never_takes_over_guest_records(db):
    guest = CustomerFactory(
        user=None, email="marie.curie@example.fr", first_name="Marie", last_name="Curie"
    )

    customer = sign_up()

    assert customer.pk != guest.pk
    guest.refresh_from_db()
    assert guest.user is None


@pytest.mark.parametrize("email", ["marie.curie@example.fr", "MARIE.CURIE@example.fr"])
def test_sign_up_with_an_email_already_used(db, email):
    UserFactory(username="someone", email=email)

    with pytest.raises(Conflict) as raised:
        sign_up()

    assert raised.value.code == "account_exists"
    assert raised.value.fields == {"email": ["An account already exists for this e-mail address."]}
    assert (User.objects.count(), Customer.objects.count()) == (1, 0)


def test_sign_up_with_a_weak_password_changes_nothing(db):
    with pytest.raises(InvalidInput) as raised:
        sign_up(password="password")

    assert raised.value.code == "weak_password"
    assert raised.value.fields["password"] == ["This password is too common."]
    assert (User.objects.count(), Customer.objects.count()) == (0, 0)


def test_sign_up_names_every_bad_field(db):
    with pytest.raises(InvalidInput) as raised:
        sign_up(email="marie", first_name=" ", last_name="x" * 81, language="de")

    assert raised.value.code == "invalid_account"
    assert raised.value.fields == {
        "email": ["Enter a valid e-mail address, e.g. marie@example.fr."],
        "first_name": ["Enter your first name."],
        "last_name": ["Enter at most 80 characters (you entered 81)."],
        "language": ["Choose a language from the list."],
    }
    assert User.objects.count() == 0


def test_sign_up_needs_a_country(db):
    with pytest.raises(InvalidInput) as raised:
        sign_up(country="")

    assert raised.value.fields == {"country": ["Choose a country."]}
    assert User.objects.count() == 0


def test_update_profile_renames_an_account_known_by_its_email(db):
    customer = CustomerFactory(user__username="old@example.fr", user__email="old@example.fr")

    user = update_profile(
        user_id=customer.user_id,
        first_name="Irène",
        last_name="Joliot-Curie",
        email="New@Example.fr",
        language="en",
    )

    user.refresh_from_db()
    customer.refresh_from_db()
    assert (user.username, user.email, user.first_name, user.preferred_language) == (
        "new@example.fr",
        "new@example.fr",
        "Irène",
        "en",
    )
    assert (customer.email, customer.first_name, customer.last_name) == (
        "new@example.fr",
        "Irène",
        "Joliot-Curie",
    )


def test_update_profile_keeps_a_username_that_is_not_the_email(db):
    user = UserFactory(username="mcurie", email="old@example.fr")

    update_profile(
        user_id=user.pk,
        first_name="Marie",
        last_name="Curie",
        email="new@example.fr",
        language="fr",
    )

    user.refresh_from_db()
    assert (user.username, user.email) == ("mcurie", "new@example.fr")


def test_update_profile_to_an_email_of_another_account_changes_nothing(db):
    UserFactory(email="taken@example.fr")
    customer = CustomerFactory(user__email="mine@example.fr", user__username="mine@example.fr")

    with translation.override("en"), pytest.raises(Conflict) as raised:
        update_profile(
            user_id=customer.user_id,
            first_name="Changed",
            last_name="Curie",
            email="TAKEN@example.fr",
            language="fr",
        )

    assert raised.value.code == "account_exists"
    customer.user.refresh_from_db()
    customer.refresh_from_db()
    assert (customer.user.email, customer.user.first_name) == ("mine@example.fr", "Marie")
    assert customer.first_name == "Marie"


def test_customer_for_account_creates_the_record_once(db):
    user = UserFactory(first_name="Paul", last_name="Langevin")

    first = customer_for_account(user=user, country="BE")
    second = customer_for_account(user=user, country="FR")

    assert first.pk == second.pk
    assert (first.first_name, first.last_name, first.email, first.country) == (
        "Paul",
        "Langevin",
        user.email,
        "BE",
    )
