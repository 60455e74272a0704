"""Reads of customer records and address books."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from orchestre.customers.errors import UnknownAddress
from orchestre.customers.models import Address, Customer


def username_for_email(email: str) -> str | None:
    """The username of the account with this e-mail address (case aside), if any (one
    query). Two accounts whose addresses differ only by case: the exact one."""
    usernames = dict(
        get_user_model().objects.filter(email__iexact=email).values_list("email", "username")
    )
    if len(usernames) == 1:
        return next(iter(usernames.values()))
    return usernames.get(email)


def get_customer_for_user(user) -> Customer | None:
    """The customer record of a signed-in account (one query), or None (anonymous, or an
    account that has neither ordered nor saved an address yet)."""
    if user is None or not user.is_authenticated:
        return None
    return Customer.objects.filter(user=user).first()


def list_addresses(customer_id: int | None) -> QuerySet[Address]:
    """The customer's address book: the default delivery address first, then the default
    billing one, then the others, newest first (one query; none without a customer)."""
    if customer_id is None:
        return Address.objects.none()
    return Address.objects.filter(customer_id=customer_id).order_by(
        "-is_default_shipping", "-is_default_billing", "-created_at", "-pk"
    )


def get_address(*, customer_id: int | None, address_id: int) -> Address:
    """One address of the customer's book (one query). Raises UnknownAddress for an
    address of anyone else, so another customer's address answers exactly like a missing
    one."""
    address = (
        Address.objects.filter(customer_id=customer_id, pk=address_id).first()
        if customer_id is not None
        else None
    )
    if address is None:
        raise UnknownAddress()
    return address


def get_default_address(*, customer_id: int, kind: str) -> Address | None:
    """The default "shipping" or "billing" address of the customer, if any (one query)."""
    flag = {"shipping": "is_default_shipping", "billing": "is_default_billing"}[kind]
    return Address.objects.filter(customer_id=customer_id, **{flag: True}).first()
