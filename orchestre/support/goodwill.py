"""Goodwill gestures: refund part of one order line, or send items again at no charge.

A refund follows the payments' three steps (docs/adr on payments): a short transaction
records the gesture under its unique idempotency key, checking under the line's lock that
the line's refunds stay within its amount; then the provider is called with no transaction
open; then the outcome is recorded. A retry with the same key returns the same gesture and
never refunds twice."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.core.audit import record_change
from orchestre.core.errors import Conflict, DomainError, InvalidInput, NotFound
from orchestre.core.money import quantize
from orchestre.orders.models import Order, OrderLine
from orchestre.payments.models import MAX_AMOUNT, Payment, Refund
from orchestre.payments.selectors import get_payment_for_reference
from orchestre.payments.services import refund_payment
from orchestre.shipping.services import resend_items
from orchestre.support.models import GoodwillGesture, Ticket

Status = GoodwillGesture.Status
# Orders whose goods were paid for and not cancelled or refunded in full.
ELIGIBLE_STATUSES = (
    Order.Status.PAID,
    Order.Status.IN_PREPARATION,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
    Order.Status.PARTIALLY_REFUNDED,
)


def refund_order_line(
    *,
    actor,
    order_line_id: int,
    amount: Decimal | str,
    reason: str,
    idempotency_key: str,
    ticket_id: int | None = None,
) -> GoodwillGesture:
    """Refund `amount` of one product line of a paid web order through its payment, with
    `reason` recorded (and audited). Never call inside a transaction: it calls the payment
    provider. The line's goodwill refunds (pending or done) never exceed its amount, under
    any concurrency (the line's row is locked while checking and recording).

    Idempotent on `idempotency_key`: the same key returns the gesture already recorded.
    Raises InvalidInput (amount, reason, idempotency_key), NotFound (unknown_order_line),
    Conflict (not_refundable, exceeds_line, idempotency_key_reused, goodwill_refund_failed:
    the provider refused it; recorded as failed, a new key may try again) and the payments'
    errors (the gesture is then recorded as failed)."""
    amount = _amount(amount)
    reason = _reason(reason)
    key = _key(idempotency_key)
    with transaction.atomic():
        existing = GoodwillGesture.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.order_line_id != order_line_id or existing.amount != amount:
                raise Conflict(
                    _("This request was already used for another refund."),
                    code="idempotency_key_reused",
                )
            return existing
        line = (
            OrderLine.objects.select_for_update()
            .select_related("order")
            .filter(pk=order_line_id, kind=OrderLine.Kind.PRODUCT)
            .first()
        )
        if line is None:
            raise NotFound(_("No such order line."), code="unknown_order_line")
        payment = _refundable_payment(line.order)
        already = _refunded_on_line(line.pk)
        if already + amount > line.amount:
            remaining = max(line.amount - already, Decimal("0"))
            message = _(
                "At most %(remaining)s %(currency)s of this line can still be refunded."
            ) % {
                "remaining": quantize(remaining, line.order.currency),
                "currency": line.order.currency,
            }
            raise Conflict(message, code="exceeds_line", fields={"amount": [message]})
        gesture = GoodwillGesture.objects.create(
            kind=GoodwillGesture.Kind.REFUND,
            status=Status.PENDING,
            order=line.order,
            order_line=line,
            amount=amount,
            reason=reason,
            ticket=_ticket(ticket_id),
            idempotency_key=key,
            actor=actor,
            created_at=timezone.now(),
        )
        record_change(
            actor=actor,
            action="goodwill.refund",
            target=line.order,
            changes={"amount": [None, str(amount)], "order_line": [None, line.pk]},
            note=reason,
        )
    try:
        refund = refund_payment(payment_id=payment.pk, amount=amount, idempotency_key=key)
    except DomainError as error:
        GoodwillGesture.objects.filter(pk=gesture.pk).update(
            status=Status.FAILED, failure=error.message[:300]
        )
        raise
    status = {
        Refund.Status.SUCCEEDED: Status.DONE,
        Refund.Status.FAILED: Status.FAILED,
    }.get(refund.status, Status.PENDING)
    GoodwillGesture.objects.filter(pk=gesture.pk).update(
        refund=refund, status=status, failure=refund.failure_code
    )
    gesture.refresh_from_db()
    if gesture.status == Status.FAILED:
        raise Conflict(
            _("The payment provider refused the refund (%(code)s); nothing was refunded.")
            % {"code": refund.failure_code or "?"},
            code="goodwill_refund_failed",
        )
    return gesture


def resend_order_items(
    *,
    actor,
    order_id: int,
    quantities: dict[int, int],
    reason: str,
    idempotency_key: str,
    ticket_id: int | None = None,
) -> GoodwillGesture:
    """Send items of an order again at no charge (a replacement shipment through the
    fulfilment service), with `reason` recorded and audited, in one transaction.
    `quantities` maps order line ids to a quantity from 1 to the line's quantity.
    Idempotent on `idempotency_key`. Raises InvalidInput (quantities, reason), NotFound
    (unknown_order), Conflict (not_refundable-style order status), and the shipping
    service's errors (nothing is then recorded)."""
    reason = _reason(reason)
    key = _key(idempotency_key)
    with transaction.atomic():
        existing = GoodwillGesture.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        order = Order.objects.filter(pk=order_id).first()
        if order is None:
            raise NotFound(_("No such order."), code="unknown_order")
        if order.status not in ELIGIBLE_STATUSES:
            raise Conflict(
                _("Items of an order that is not paid, or was cancelled, cannot be resent."),
                code="not_resendable",
            )
        cleaned = _quantities(order, quantities)
        shipment = resend_items(order_id=order.pk, quantities=cleaned, actor=actor, reason=reason)
        gesture = GoodwillGesture.objects.create(
            kind=GoodwillGesture.Kind.RESEND,
            status=Status.DONE,
            order=order,
            quantities={str(line_id): quantity for line_id, quantity in cleaned.items()},
            reason=reason,
            ticket=_ticket(ticket_id),
            shipment_reference=shipment.number,
            idempotency_key=key,
            actor=actor,
            created_at=timezone.now(),
        )
        record_change(
            actor=actor,
            action="goodwill.resend",
            target=order,
            changes={"quantities": [None, gesture.quantities]},
            note=reason,
        )
    return gesture


def refundable_on_lines(order: Order) -> dict[int, Decimal]:
    """What goodwill may still refund on each product line of `order` (one query)."""
    taken = {}
    for gesture in _active_refunds().filter(order=order).values("order_line_id", "amount"):
        line_id = gesture["order_line_id"]
        taken[line_id] = taken.get(line_id, Decimal("0")) + gesture["amount"]
    return {
        line.pk: max(line.amount - taken.get(line.pk, Decimal("0")), Decimal("0"))
        for line in order.product_lines
    }


def _active_refunds():
    return (
        GoodwillGesture.objects.filter(kind=GoodwillGesture.Kind.REFUND)
        .exclude(status=Status.FAILED)
        .exclude(refund__status=Refund.Status.FAILED)
    )


def _refunded_on_line(line_id: int) -> Decimal:
    amounts = _active_refunds().filter(order_line_id=line_id).values_list("amount", flat=True)
    return sum(amounts, Decimal("0"))


def _refundable_payment(order: Order) -> Payment:
    payment = None
    if order.source == Order.Source.WEB and order.status in ELIGIBLE_STATUSES:
        payment = get_payment_for_reference(order.number)
    if payment is None or payment.status != Payment.Status.SUCCEEDED:
        raise Conflict(
            _("This order has no card payment that can be refunded."), code="not_refundable"
        )
    return payment


def _quantities(order: Order, quantities: dict) -> dict[int, int]:
    lines = {
        line.pk: line for line in OrderLine.objects.filter(order=order, kind=OrderLine.Kind.PRODUCT)
    }
    cleaned = {}
    errors = []
    for raw_line_id, raw_quantity in (quantities or {}).items():
        try:
            line_id, quantity = int(raw_line_id), int(raw_quantity)
        except (TypeError, ValueError):
            errors.append(_("Quantities must be whole numbers."))
            continue
        if quantity == 0:
            continue
        line = lines.get(line_id)
        if line is None:
            errors.append(_("Line %(line)s is not a product of this order.") % {"line": line_id})
        elif not 0 < quantity <= line.quantity:
            errors.append(
                _("%(code)s: resend from 1 to %(max)d.") % {"code": line.code, "max": line.quantity}
            )
        else:
            cleaned[line_id] = quantity
    if not cleaned and not errors:
        errors.append(_("Choose at least one item to resend."))
    if errors:
        raise InvalidInput(
            " ".join(errors), code="invalid_quantities", fields={"quantities": errors}
        )
    return cleaned


def _amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        value = None
    if (
        value is None
        or not value.is_finite()
        or not Decimal("0") < value <= MAX_AMOUNT
        or value != value.quantize(Decimal("0.01"))
    ):
        raise InvalidInput(
            _("Enter a positive amount with at most two decimals."),
            code="invalid_amount",
            fields={"amount": [_("Enter a positive amount with at most two decimals.")]},
        )
    return value


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise InvalidInput(
            _("Give the reason for the gesture (1 to 300 characters)."),
            code="invalid_reason",
            fields={"reason": [_("Give the reason for the gesture (1 to 300 characters).")]},
        )
    return reason


def _key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 150:
        raise InvalidInput(
            _("The request key is missing; reload the page and try again."),
            code="invalid_idempotency_key",
        )
    return f"goodwill-{key}"


def _ticket(ticket_id: int | None) -> Ticket | None:
    return Ticket.objects.filter(pk=ticket_id).first() if ticket_id is not None else None
