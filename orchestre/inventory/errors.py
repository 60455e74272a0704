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


class InvalidMovement(InvalidInput):
    """A movement, adjustment or transfer that makes no sense as asked; `fields` names the
    offending input."""

    code = "invalid_movement"

    def __init__(self, message: str, *, field: str = "quantity"):
        super().__init__(message, fields={field: [message]})


class UnknownStockItem(NotFound):
    """A product or warehouse that does not exist (or, for a product, is not stocked)."""

    code = "unknown_stock_item"

    def __init__(self, message: str, *, field: str):
        super().__init__(message, fields={field: [message]})


class InvalidPurchaseOrder(InvalidInput):
    code = "invalid_purchase_order"

    def __init__(self, message: str, *, fields: dict | None = None):
        super().__init__(message, fields=fields)


class PurchaseOrderStateConflict(Conflict):
    """The purchase order's status does not allow what was asked (receiving a draft,
    cancelling received goods…)."""

    code = "purchase_order_status"


class ReceivingTooMuch(Conflict):
    """More units received than are still outstanding on a line; `fields` says, per
    line id, how many are outstanding."""

    code = "receiving_too_much"

    def __init__(self, outstanding: dict[str, tuple[str, int]]):
        fields = {
            line_id: [
                _("Only %(count)d unit(s) of %(sku)s are still expected.")
                % {"count": units, "sku": sku}
            ]
            for line_id, (sku, units) in outstanding.items()
        }
        super().__init__(
            _("You cannot receive more than is still expected on the purchase order."),
            fields=fields,
        )


class InvalidCount(InvalidInput):
    code = "invalid_count"

    def __init__(self, message: str, *, fields: dict | None = None):
        super().__init__(message, fields=fields)


class CountStateConflict(Conflict):
    code = "count_status"


class InvalidWarehouse(InvalidInput):
    code = "invalid_warehouse"

    def __init__(self, message: str, *, field: str):
        super().__init__(message, fields={field: [message]})
