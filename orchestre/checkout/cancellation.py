"""Cancelling an order from the back office."""

from django.db import transaction
from django.utils.translation import gettext as _

from orchestre.checkout import locks
from orchestre.checkout.models import CheckoutAttempt
from orchestre.checkout.services import abandon_order, sync_order_payment
from orchestre.core.audit import record_change
from orchestre.core.errors import Conflict, InvalidInput
from orchestre.orders.models import Order
from orchestre.orders.selectors import get_order_by_number

REASON_MAX_LENGTH = 200


def cancel_unpaid_order_by_staff(*, order_number: str, actor, reason: str) -> Order:
    """Cancel an order still awaiting payment: its reserved stock goes back on sale and its
    cart reopens, as when a payment fails. The provider is asked first, so a payment that
    went through meanwhile settles the order instead (then Conflict). A paid order is not
    cancelled here: its money goes back through a return, which issues the credit note.

    Raises InvalidInput (reason missing or too long), NotFound (unknown order), Conflict
    (order_not_cancellable). Locks the order; audited."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX_LENGTH:
        message = _("Give the reason for the cancellation (at most 200 characters).")
        raise InvalidInput(message, code="invalid_reason", fields={"reason": [message]})
    order = sync_order_payment(order=get_order_by_number(order_number))
    with transaction.atomic():
        order = locks.lock_order(order.number)
        if order.status != Order.Status.AWAITING_PAYMENT:
            raise Conflict(
                _(
                    "Only an order awaiting payment can be cancelled here; this one is "
                    "“%(status)s”. A paid order is refunded through a return."
                )
                % {"status": order.get_status_display()},
                code="order_not_cancellable",
            )
        attempt = CheckoutAttempt.objects.filter(order_number=order.number).first()
        order = abandon_order(order, attempt, note=f"cancelled by staff: {reason}")
        record_change(
            actor=actor,
            action="order.cancelled",
            target=order,
            changes={"status": [Order.Status.AWAITING_PAYMENT, Order.Status.CANCELLED]},
            note=reason,
        )
    return order
