"""The only place customer rows are locked."""

from orchestre.customers.errors import UnknownAddress
from orchestre.customers.models import Customer


def lock_customer(customer_id: int) -> Customer:
    """The customer, locked until the transaction ends: every change to an address book
    takes this lock first, so two requests cannot both make an address the default.
    Raises UnknownAddress when there is no such customer (the address cannot be theirs)."""
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise UnknownAddress()
    return customer
