"""The address book: defaults, ownership and limits."""

import pytest
from django.db import IntegrityError, transaction

from orchestre.core.errors import InvalidInput
from orchestre.customers.errors import AddressBookFull, UnknownAddress
from orchestre.customers.models import Address
from orchestre.customers.selectors import get_address, get_default_address, list_addresses
from orchestre.customers.services import (
    ADDRESS_BOOK_LIMIT,
    create_address,
    delete_address,
    set_default_address,
    update_address,
)
from orchestre.customers.tests.factories import AddressFactory, CustomerFactory, address_fields


def defaults(customer) -> list[tuple[str, bool, bool]]:
    return [
        (address.line1, address.is_default_shipping, address.is_default_billing)
        for address in Address.objects.filter(customer=customer).order_by("pk")
    ]


def test_the_first_address_is_the_default_for_both(db):
    customer = CustomerFactory()

    address = create_address(customer_id=customer.pk, address=address_fields(line2="Bât. B"))

    assert (address.is_default_shipping, address.is_default_billing) == (True, True)
    assert (address.line2, address.postcode, address.city) == ("Bât. B", "75002", "Paris")


def test_a_new_default_takes_over_from_the_old_one(db):
    customer = CustomerFactory()
    create_address(customer_id=customer.pk, address=address_fields(line1="1 rue A"))
    create_address(customer_id=customer.pk, address=address_fields(line1="2 rue B"))
    create_address(
        customer_id=customer.pk, address=address_fields(line1="3 rue C"), default_billing=True
    )

    assert defaults(customer) == [
        ("1 rue A", True, False),
        ("2 rue B", False, False),
        ("3 rue C", False, True),
    ]


def test_set_default_moves_one_kind_only(db):
    customer = CustomerFactory()
    first = create_address(customer_id=customer.pk, address=address_fields(line1="1 rue A"))
    second = create_address(customer_id=customer.pk, address=address_fields(line1="2 rue B"))

    set_default_address(customer_id=customer.pk, address_id=second.pk, kind="shipping")

    assert defaults(customer) == [("1 rue A", False, True), ("2 rue B", True, False)]
    assert get_default_address(customer_id=customer.pk, kind="shipping") == second
    assert get_default_address(customer_id=customer.pk, kind="billing") == first


def test_set_default_with_an_unknown_kind(db):
    address = AddressFactory()

    with pytest.raises(InvalidInput) as raised:
        set_default_address(customer_id=address.customer_id, address_id=address.pk, kind="gift")

    assert raised.value.code == "invalid_default_kind"


def test_deleting_the_default_passes_it_to_the_newest(db):
    customer = CustomerFactory()
    first = create_address(customer_id=customer.pk, address=address_fields(line1="1 rue A"))
    create_address(customer_id=customer.pk, address=address_fields(line1="2 rue B"))
    create_address(customer_id=customer.pk, address=address_fields(line1="3 rue C"))

    delete_address(customer_id=customer.pk, address_id=first.pk)

    assert defaults(customer) == [("2 rue B", False, False), ("3 rue C", True, True)]


def test_update_keeps_the_defaults(db):
    customer = CustomerFactory()
    address = create_address(customer_id=customer.pk, address=address_fields())

    update_address(
        customer_id=customer.pk, address_id=address.pk, address=address_fields(city="Lyon")
    )

    address.refresh_from_db()
    assert (address.city, address.is_default_shipping, address.is_default_billing) == (
        "Lyon",
        True,
        True,
    )


@pytest.mark.parametrize("action", ["update", "delete", "default", "get"])
def test_another_customers_address_is_unknown(db, action):
    mine = CustomerFactory()
    theirs = AddressFactory(city="Lille")
    calls = {
        "update": lambda: update_address(
            customer_id=mine.pk, address_id=theirs.pk, address=address_fields(city="Nice")
        ),
        "delete": lambda: delete_address(customer_id=mine.pk, address_id=theirs.pk),
        "default": lambda: set_default_address(
            customer_id=mine.pk, address_id=theirs.pk, kind="billing"
        ),
        "get": lambda: get_address(customer_id=mine.pk, address_id=theirs.pk),
    }

    with pytest.raises(UnknownAddress):
        calls[action]()

    theirs.refresh_from_db()
    assert (theirs.city, theirs.is_default_billing) == ("Lille", False)


def test_the_address_book_has_a_limit(db):
    customer = CustomerFactory()
    AddressFactory.create_batch(ADDRESS_BOOK_LIMIT, customer=customer)

    with pytest.raises(AddressBookFull) as raised:
        create_address(customer_id=customer.pk, address=address_fields())

    assert raised.value.status == 409
    assert Address.objects.filter(customer=customer).count() == ADDRESS_BOOK_LIMIT


def test_the_database_refuses_two_defaults(db):
    customer = CustomerFactory()
    AddressFactory(customer=customer, is_default_shipping=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        AddressFactory(customer=customer, is_default_shipping=True)


def test_list_addresses_puts_the_defaults_first(db, django_assert_num_queries):
    customer = CustomerFactory()
    create_address(customer_id=customer.pk, address=address_fields(line1="1 rue A"))
    create_address(customer_id=customer.pk, address=address_fields(line1="2 rue B"))
    third = create_address(customer_id=customer.pk, address=address_fields(line1="3 rue C"))
    set_default_address(customer_id=customer.pk, address_id=third.pk, kind="shipping")
    AddressFactory()

    with django_assert_num_queries(1):
        lines = [address.line1 for address in list_addresses(customer.pk)]

    assert lines == ["3 rue C", "1 rue A", "2 rue B"]
    assert list(list_addresses(None)) == []
