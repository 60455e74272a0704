"""Errors of the inventory, with the stable codes the API and the pages show."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orchestre.core.errors import Conflict, InvalidInput, NotFound


class InsufficientStock(Conflict):
    """Some products cannot be covered: `shortages` maps each short SKU to the units that
    were available, and `fields` says it per SKU."""

    code = "insufficient_stock"

    def __init__(self, message: str | None = None, *, shortages: dict[str, int]):
        self.shortages = dict(shortages)
        if message is None:
            message = _("Not enough stock for %(skus)s.") % {"skus": ", ".join(sorted(shortages))}
        super().__init__(
            message,
            fields={sku: [_left_in_stock(available)] for sku, available in shortages.items()},
        )


def _left_in_stock(available: int) -> str:
    if available <= 0:
        return _("Out of stock.")
    return ngettext("Only %(count)d left.", "Only %(count)d left.", available) % {
        "count": available
    }


class InvalidReservationQuantity(InvalidInput):
    code = "invalid_quantity"

    def __init__(self, product_id: int):
        message = _("A reserved quantity must be a whole number of at least 1.")
        super().__init__(message, fields={str(product_id): [message]})


class UnknownReservation(NotFound):
    """Allocation was asked for a reference that never reserved anything: allocating
    nothing silently would leave the sale out of the stock."""

    code = "unknown_reservation"

    def __init__(self, reference: str):
        super().__init__(_("No stock is reserved under %(reference)s.") % {"reference": reference})
