"""Errors of the orders, with the stable codes the API and the pages show."""

from django.utils.translation import gettext as _

from orchestre.core.errors import Conflict, InvalidInput, NotFound
from orchestre.orders.models import OrderStatus


class UnknownOrder(NotFound):
    code = "unknown_order"

    def __init__(self):
        super().__init__(_("No such order."))


class IllegalTransition(Conflict):
    """A status change the state machine does not allow (docs/orders.md)."""

    code = "illegal_transition"

    def __init__(self, *, from_status: str, to_status: str):
        super().__init__(
            _("An order cannot go from “%(from)s” to “%(to)s”.")
            % {"from": OrderStatus(from_status).label, "to": OrderStatus(to_status).label}
        )
        self.from_status = from_status
        self.to_status = to_status


class OrderAlreadyPaid(Conflict):
    code = "order_paid"

    def __init__(self):
        super().__init__(_("This order is paid: cancelling it requires a refund."))


class InconsistentOrder(InvalidInput):
    """The lines, delivery and totals handed to `place_order` do not add up."""

    code = "inconsistent_order"
