"""The account's address book pages: validation, defaults, and 404 for anyone else's."""

import pytest
from django.test import Client

from orchestre.customers.models import Address, Customer
from orchestre.customers.tests.factories import AddressFactory, CustomerFactory
from orchestre.users.models import User

ADDRESSES = "/en/account/addresses/"


@pytest.fixture
def customer(db):
    return CustomerFactory()


@pytest.fixture
def signed_in(customer) -> Client:
    client = Client()
    client.force_login(customer.user)
    return client


def form_data(**overrides) -> dict:
    return {
        "first_name": "Marie",
        "last_name": "Curie",
        "line1": " 12  rue de la Paix ",
        "postcode": "1012ab",
        "city": "Amsterdam",
        "country": "NL",
        "phone": "",
        **overrides,
    }


def test_addresses_need_a_signed_in_account(client, db):
    assert client.get(ADDRESSES)["Location"] == f"/en/account/sign-in/?next={ADDRESSES}"


def test_address_book_lists_the_accounts_addresses(signed_in, customer, django_assert_num_queries):
    AddressFactory(customer=customer, line1="1 rue A", is_default_shipping=True)
    AddressFactory(customer=customer, line1="2 rue B", is_default_billing=True)
    AddressFactory(line1="9 rue d'un autre")

    # session, user, customer, addresses
    with django_assert_num_queries(4):
        response = signed_in.get(ADDRESSES)

    content = response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert "1 rue A" in content and "2 rue B" in content
    assert "un autre" not in content
    assert "<strong>Default delivery address</strong>" in content
    assert "<strong>Default billing address</strong>" in content
    assert "<br>France</address>" in content


def test_an_empty_address_book(signed_in):
    assert "Your address book is empty." in signed_in.get(ADDRESSES).content.decode()


def test_adding_the_first_address_normalises_it_and_makes_it_the_default(signed_in, customer):
    response = signed_in.post("/en/account/addresses/new/", form_data())

    assert response["Location"] == ADDRESSES
    address = Address.objects.get(customer=customer)
    assert (address.line1, address.postcode, address.country) == (
        "12 rue de la Paix",
        "1012 AB",
        "NL",
    )
    assert (address.is_default_shipping, address.is_default_billing) == (True, True)
    assert "The address is added to your address book." in signed_in.get(ADDRESSES).content.decode()


def test_an_account_without_a_customer_record_gets_one(db):
    user = User.objects.create_user(username="new@example.fr", email="new@example.fr")
    client = Client()
    client.force_login(user)

    client.post("/en/account/addresses/new/", form_data(country="BE", postcode="1000"))

    assert Customer.objects.get(user=user).country == "BE"
    assert Address.objects.get().customer.user == user


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"postcode": "ABC"},
            "postcode",
            "Enter a Dutch postcode of 4 digits and 2 letters, e.g. 1012 AB.",
        ),
        ({"line1": ""}, "line1", "Enter the street address."),
        ({"country": ""}, "country", "Choose a country."),
        (
            {"country": "ZZ"},
            "country",
            "Select a valid choice. ZZ is not one of the available choices.",
        ),
        (
            {"phone": "call me"},
            "phone",
            "Enter a phone number with digits only, e.g. +33 6 12 34 56 78.",
        ),
        ({"city": "x" * 61}, "city", "Enter at most 60 characters (you entered 61)."),
    ],
)
def test_a_bad_address_is_explained_and_not_saved(signed_in, overrides, field, message):
    response = signed_in.post("/en/account/addresses/new/", form_data(**overrides))

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<p class="field-error" id="id_{field}_error">{message}</p>' in content
    assert f'<li><a href="#id_{field}">' in content
    assert Address.objects.count() == 0


def test_editing_an_address(signed_in, customer):
    address = AddressFactory(customer=customer, is_default_billing=True)

    page = signed_in.get(f"/en/account/addresses/{address.pk}/edit/").content.decode()
    response = signed_in.post(
        f"/en/account/addresses/{address.pk}/edit/",
        form_data(country="FR", postcode="69001", city="Lyon"),
    )

    assert 'value="12 rue de la Paix"' in page
    assert response["Location"] == ADDRESSES
    address.refresh_from_db()
    assert (address.city, address.postcode, address.is_default_billing) == ("Lyon", "69001", True)


def test_editing_with_bad_input_changes_nothing(signed_in, customer):
    address = AddressFactory(customer=customer, city="Paris")

    response = signed_in.post(
        f"/en/account/addresses/{address.pk}/edit/", form_data(country="FR", postcode="1")
    )

    assert "Enter a 5-digit French postcode, e.g. 75002." in response.content.decode()
    address.refresh_from_db()
    assert (address.city, address.postcode) == ("Paris", "75002")


def test_deleting_asks_first_then_deletes(signed_in, customer):
    address = AddressFactory(customer=customer)

    confirm = signed_in.get(f"/en/account/addresses/{address.pk}/delete/")
    response = signed_in.post(f"/en/account/addresses/{address.pk}/delete/")

    assert "<h1>Delete this address?</h1>" in confirm.content.decode()
    assert response["Location"] == ADDRESSES
    assert Address.objects.count() == 0


def test_choosing_the_default_addresses(signed_in, customer):
    first = AddressFactory(customer=customer, is_default_shipping=True, is_default_billing=True)
    second = AddressFactory(customer=customer)

    response = signed_in.post(f"/en/account/addresses/{second.pk}/default/", {"kind": "billing"})
    bad = signed_in.post(f"/en/account/addresses/{second.pk}/default/", {"kind": "gift"})

    assert response["Location"] == ADDRESSES
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_default_shipping, first.is_default_billing) == (True, False)
    assert (second.is_default_shipping, second.is_default_billing) == (False, True)
    assert "Choose delivery or billing." in signed_in.get(bad["Location"]).content.decode()
    assert signed_in.get(f"/en/account/addresses/{second.pk}/default/").status_code == 405


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "edit/"),
        ("post", "edit/"),
        ("get", "delete/"),
        ("post", "delete/"),
        ("post", "default/"),
    ],
)
def test_another_accounts_address_is_not_found(signed_in, method, path):
    theirs = AddressFactory(city="Lille")

    response = getattr(signed_in, method)(
        f"/en/account/addresses/{theirs.pk}/{path}", form_data(city="Nice", kind="billing")
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.city, theirs.is_default_billing) == ("Lille", False)
    assert Address.objects.count() == 1


def test_an_account_without_addresses_finds_none(db):
    theirs = AddressFactory()
    client = Client()
    client.force_login(User.objects.create_user(username="x@example.fr", email="x@example.fr"))

    assert client.get(f"/en/account/addresses/{theirs.pk}/edit/").status_code == 404
