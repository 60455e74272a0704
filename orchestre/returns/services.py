"""Writes of the returns: a withdrawal or return request, its authorisation, receipt,
inspection (restock or write-off), refund with its credit note, or rejection.

Every change runs in one short transaction holding the return's row lock (the order's for
a new request), so concurrent changes queue. The refund calls the payment provider outside
any transaction, with an idempotency key derived from the return: concurrent refunds of
one return reach one provider refund. The legal rules are in `policy`."""

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.core.audit import record_change
from orchestre.core.errors import InvalidInput
from orchestre.core.money import quantize
from orchestre.core.outbox import enqueue_email
from orchestre.core.sequences import next_number
from orchestre.inventory.models import Warehouse
from orchestre.inventory.services import record_movement
from orchestre.orders.errors import IllegalTransition, UnknownOrder
from orchestre.orders.models import Order, OrderLine
from orchestre.orders.services import transition_order
from orchestre.orders.states import allowed
from orchestre.payments.models import Payment, Refund
from orchestre.payments.selectors import get_payment_for_reference
from orchestre.payments.services import refund_payment
from orchestre.returns.documents import credit_note_snapshot, withdrawal_statement
from orchestre.returns.emails import build_acknowledgement, build_refund_notice
from orchestre.returns.errors import (
    IllegalReturnTransition,
    InvalidReturnLines,
    RefundRefused,
    WithdrawalClosed,
)
from orchestre.returns.locks import lock_order, lock_return
from orchestre.returns.models import CreditNote, ReturnLine, ReturnRequest, ReturnStatus
from orchestre.returns.policy import standard_delivery_refund, withdrawal_window
from orchestre.returns.selectors import delivered_at, get_return, returned_quantities

Status = ReturnStatus
MAX_REASON = 1000
ZERO = Decimal("0.00")


def return_number(year: int, value: int) -> str:
    return f"RT-{year}-{value:05d}"


def credit_note_number(year: int, value: int) -> str:
    return f"AV-{year}-{value:06d}"


@dataclass(frozen=True)
class Inspection:
    restock: int
    write_off: int


def request_withdrawal(
    *, order_id: int, quantities: Mapping[int, int], reason: str = ""
) -> ReturnRequest:
    """The buyer withdraws from `order_id` for `quantities` (units per product OrderLine
    id, zero lines ignored): a return `requested`, numbered `RT-<year>-NNNNN`, with the
    filled-in withdrawal statement, and its acknowledgement e-mailed at once (outbox).

    Raises UnknownOrder; WithdrawalClosed when the period is over or the order cannot be
    withdrawn from; InvalidReturnLines (field errors `line-<id>`); InvalidInput
    (reason_too_long). Locks the order's row, so concurrent withdrawals never return more
    than was bought; nothing is written on error."""
    return _create(order_id=order_id, quantities=quantities, reason=reason, actor=None)


def create_return(
    *, order_id: int, quantities: Mapping[int, int], reason: str, actor
) -> ReturnRequest:
    """A return recorded by staff (a withdrawal received by letter or phone, or a
    commercial return after the period): like `request_withdrawal`, but allowed after the
    period (then not a legal withdrawal), audited, and acknowledged to the buyer."""
    return _create(order_id=order_id, quantities=quantities, reason=reason, actor=actor)


def authorise_return(*, return_id: int, actor) -> ReturnRequest:
    """requested → authorised. Raises UnknownReturn, IllegalReturnTransition."""
    with transaction.atomic():
        request = lock_return(return_id)
        _require(request, {Status.REQUESTED}, _("authorised"))
        _move(
            request, Status.AUTHORISED, actor=actor, action="return.authorised", at="authorised_at"
        )
    return get_return(return_id)


def receive_return(*, return_id: int, received: Mapping[int, int], actor) -> ReturnRequest:
    """authorised → received, with the units received per ReturnLine id (0 up to the
    quantity returned; at least one unit in all). Raises UnknownReturn,
    IllegalReturnTransition, InvalidReturnLines (nothing changed)."""
    with transaction.atomic():
        request = lock_return(return_id)
        _require(request, {Status.AUTHORISED}, _("received"))
        lines = list(request.lines.order_by("pk"))
        errors, counts = {}, {}
        _unknown_lines(received, {line.pk for line in lines}, errors)
        for line in lines:
            value = received.get(line.pk, 0)
            if not _is_count(value) or value > line.quantity:
                errors[f"line-{line.pk}"] = [
                    _("Enter a whole number from 0 to %(max)s (units returned).")
                    % {"max": line.quantity}
                ]
            else:
                counts[line.pk] = value
        if not errors and not any(counts.values()):
            errors["__all__"] = [_("Enter the units received for at least one line.")]
        _raise_if(errors)
        for line in lines:
            ReturnLine.objects.filter(pk=line.pk).update(quantity_received=counts[line.pk])
        _move(
            request,
            Status.RECEIVED,
            actor=actor,
            action="return.received",
            at="received_at",
            changes={"received": {str(key): value for key, value in counts.items()}},
        )
    return get_return(return_id)


def inspect_return(
    *, return_id: int, decisions: Mapping[int, Inspection], warehouse_id: int, actor
) -> ReturnRequest:
    """received → inspected: per ReturnLine id, the units put back on sale in
    `warehouse_id` (a stock movement of kind "return") and the units written off; together
    exactly the units received. Restocking more than was returned is refused.

    Raises UnknownReturn, IllegalReturnTransition, InvalidReturnLines, InvalidInput
    (unknown_warehouse); nothing changes on error."""
    with transaction.atomic():
        request = lock_return(return_id)
        _require(request, {Status.RECEIVED}, _("inspected"))
        if not Warehouse.objects.filter(pk=warehouse_id).exists():
            message = _("Choose a warehouse.")
            raise InvalidInput(message, code="unknown_warehouse", fields={"warehouse": [message]})
        lines = list(request.lines.select_related("order_line").order_by("pk"))
        errors = {}
        _unknown_lines(decisions, {line.pk for line in lines}, errors)
        for line in lines:
            decision = decisions.get(line.pk, Inspection(0, 0))
            problem = _inspection_problem(line, decision)
            if problem:
                errors[f"line-{line.pk}"] = [problem]
        _raise_if(errors)
        for line in lines:
            decision = decisions.get(line.pk, Inspection(0, 0))
            ReturnLine.objects.filter(pk=line.pk).update(
                quantity_restocked=decision.restock, quantity_written_off=decision.write_off
            )
            if decision.restock and line.order_line.product_id:
                record_movement(
                    warehouse_id=warehouse_id,
                    product_id=line.order_line.product_id,
                    kind="return",
                    quantity=decision.restock,
                    reference=request.number,
                    actor=actor,
                    note=_("Returned in %(number)s") % {"number": request.number},
                )
        _move(
            request,
            Status.INSPECTED,
            actor=actor,
            action="return.inspected",
            at="inspected_at",
            changes={
                "warehouse": warehouse_id,
                "restocked": {str(k): v.restock for k, v in decisions.items()},
                "written_off": {str(k): v.write_off for k, v in decisions.items()},
            },
        )
    return get_return(return_id)


def reject_return(*, return_id: int, reason: str, actor) -> ReturnRequest:
    """requested, authorised or received → closed, with the reason (required). Raises
    UnknownReturn, IllegalReturnTransition, InvalidInput (reason_required)."""
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        message = _("Give the reason for the rejection (at most %(max)s characters).") % {
            "max": MAX_REASON
        }
        raise InvalidInput(message, code="reason_required", fields={"reason": [message]})
    with transaction.atomic():
        request = lock_return(return_id)
        _require(request, {Status.REQUESTED, Status.AUTHORISED, Status.RECEIVED}, _("rejected"))
        ReturnRequest.objects.filter(pk=request.pk).update(rejection_reason=reason)
        _move(
            request,
            Status.CLOSED,
            actor=actor,
            action="return.rejected",
            at="closed_at",
            note=reason,
        )
    return get_return(return_id)


def refund_return(*, return_id: int, actor) -> ReturnRequest:
    """inspected → refunded: refund the units received (at the price paid, discounts
    prorated) and, when a withdrawal brings the whole order back, the initial delivery up
    to the least expensive standard delivery (policy.standard_delivery_refund), through the
    payment provider; then, in one transaction, the credit note (`AV-<year>-NNNNNN`), the
    order's status (refunded or partially refunded), the audit entry and the buyer's
    e-mail.

    Never call inside a transaction: it calls the provider. The idempotency key is derived
    from the return and its attempt, so concurrent calls make one provider refund and one
    credit note; a refused refund moves to a new key for the next try. Raises
    UnknownReturn, IllegalReturnTransition, RefundRefused (order status, no succeeded
    payment, provider refusal, refund still pending), and the payment errors
    (RefundExceedsPayment: never more than was paid)."""
    with transaction.atomic():
        request = lock_return(return_id)
        _require(request, {Status.INSPECTED}, _("refunded"))
        order = request.order
        goods, delivery, delivery_rate = _refund_amounts(request)
        amount = sum((item["amount"] for item in goods), ZERO) + delivery
        payment = get_payment_for_reference(order.number)
        _check_refundable(order, payment, amount)
        key = f"return-refund:{request.number}:{request.refund_attempt}"
        attempt = request.refund_attempt
    refund = refund_payment(payment_id=payment.pk, amount=amount, idempotency_key=key)
    with transaction.atomic():
        request = lock_return(return_id)
        if request.status == Status.REFUNDED:
            return get_return(return_id)  # a concurrent call with the same key finished it
        if refund.status == Refund.Status.FAILED:
            ReturnRequest.objects.filter(pk=request.pk, refund_attempt=attempt).update(
                refund_attempt=attempt + 1
            )
            record_change(
                actor=actor, action="return.refund_failed", target=request, note=refund.failure_code
            )
        else:
            ReturnRequest.objects.filter(pk=request.pk).update(payment_refund_id=refund.pk)
            if refund.status == Refund.Status.SUCCEEDED:
                _finish_refund(request, goods, delivery, delivery_rate, actor=actor)
    if refund.status == Refund.Status.FAILED:
        raise RefundRefused(
            _(
                "The payment provider refused the refund (%(code)s). Nothing was refunded; "
                "try again."
            )
            % {"code": refund.failure_code or "declined"},
            code="refund_failed",
        )
    if refund.status == Refund.Status.PENDING:
        raise RefundRefused(
            _("The payment provider has not confirmed the refund yet; try again in a minute."),
            code="refund_pending",
        )
    return get_return(return_id)


def _finish_refund(request, goods, delivery, delivery_rate, *, actor) -> None:
    order = request.order
    now = timezone.now()
    goods_total = sum((item["amount"] for item in goods), ZERO)
    ReturnRequest.objects.filter(pk=request.pk).update(
        status=Status.REFUNDED,
        refunded_at=now,
        goods_refunded=goods_total,
        delivery_refunded=delivery,
    )
    request.refresh_from_db()
    snapshot = credit_note_snapshot(
        request, goods=goods, delivery=delivery, delivery_rate=delivery_rate
    )
    year = timezone.localdate(now).year
    note = CreditNote.objects.create(
        return_request=request,
        order=order,
        number=credit_note_number(year, next_number(f"credit-note-{year}")),
        issued_at=now,
        **snapshot,
    )
    payment = get_payment_for_reference(order.number)
    whole = payment.amount_refunded >= payment.amount
    target = Order.Status.REFUNDED if whole else Order.Status.PARTIALLY_REFUNDED
    # Checked before the refund; if a concurrent change of the order won, the money is back
    # and the credit note issued all the same.
    with suppress(IllegalTransition):
        transition_order(order_id=order.pk, to=target, note=f"{request.number} {note.number}")
    record_change(
        actor=actor,
        action="return.refunded",
        target=request,
        changes={
            "status": [Status.INSPECTED, Status.REFUNDED],
            "refunded": str(goods_total + delivery),
            "credit_note": note.number,
        },
    )
    subject, text, html = build_refund_notice(request, note)
    enqueue_email(
        key=f"return-refunded:{request.number}",
        to=order.email,
        subject=subject,
        text_body=text,
        html_body=html,
    )


def _check_refundable(order: Order, payment: Payment | None, amount: Decimal) -> None:
    if payment is None or payment.status != Payment.Status.SUCCEEDED:
        raise RefundRefused(_("This order has no succeeded payment to refund."), code="no_payment")
    if amount <= 0:
        raise RefundRefused(
            _("Nothing was received, so there is nothing to refund."), code="nothing_to_refund"
        )
    if not allowed(order.status, Order.Status.PARTIALLY_REFUNDED):
        raise RefundRefused(
            _("The order is “%(status)s”: it cannot be refunded.")
            % {"status": Order.Status(order.status).label},
            code="order_not_refundable",
        )


def _refund_amounts(request: ReturnRequest) -> tuple[list[dict], Decimal, Decimal]:
    """The goods received (VAT included, order discounts prorated) and the delivery to give
    back with them, with the delivery's VAT rate."""
    order = Order.objects.prefetch_related("lines__product").get(pk=request.order_id)
    request.order = order
    factor = Decimal(1)
    if order.discount_total and order.subtotal:
        factor = (order.subtotal + order.discount_total) / order.subtotal
    goods = []
    for line in request.lines.order_by("pk"):
        if not line.quantity_received:
            continue
        goods.append(
            {
                "description": line.description,
                "sku": line.sku,
                "quantity": line.quantity_received,
                "unit_price": line.unit_price,
                "vat_rate": line.vat_rate or ZERO,
                "amount": quantize(line.unit_price * line.quantity_received * factor),
            }
        )
    postage = order.delivery_line
    delivery_rate = postage.vat_rate if postage and postage.vat_rate is not None else ZERO
    if not request.is_withdrawal or order.delivery_total <= 0:
        return goods, ZERO, delivery_rate
    others = ReturnRequest.objects.filter(order=order).exclude(pk=request.pk)
    if others.filter(delivery_refunded__gt=0).exists():
        return goods, ZERO, delivery_rate
    back = (
        ReturnLine.objects.filter(
            return_request__order=order,
            return_request__status__in=[Status.INSPECTED, Status.REFUNDED],
        ).aggregate(total=Sum("quantity_received"))["total"]
        or 0
    )
    products = order.product_lines
    if back < sum(line.quantity for line in products):
        return goods, ZERO, delivery_rate  # part of the order kept: delivery stays due
    weight = sum(
        (line.product.weight_grams or 0) * line.quantity for line in products if line.product
    )
    return goods, standard_delivery_refund(order, weight_grams=weight), delivery_rate


def _create(*, order_id: int, quantities: Mapping[int, int], reason: str, actor) -> ReturnRequest:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        message = _("At most %(max)s characters.") % {"max": MAX_REASON}
        raise InvalidInput(message, code="reason_too_long", fields={"reason": [message]})
    now = timezone.now()
    with transaction.atomic():
        order = lock_order(order_id)
        if order is None:
            raise UnknownOrder()
        order = Order.objects.prefetch_related("lines").get(pk=order_id)
        delivered = delivered_at(order)
        window = withdrawal_window(order, delivered_at=delivered)
        # Staff may still take back goods once the period is over (then not a withdrawal).
        if not window.is_open and (actor is None or window.delivered_on is None):
            raise WithdrawalClosed(window.closed_reason)
        chosen = _chosen_lines(order, quantities)
        year = timezone.localdate(now).year
        request = ReturnRequest.objects.create(
            number=return_number(year, next_number(f"return-{year}")),
            order=order,
            status=Status.REQUESTED,
            origin=ReturnRequest.Origin.CUSTOMER if actor is None else ReturnRequest.Origin.STAFF,
            is_withdrawal=window.is_open,
            reason=reason,
            requested_at=now,
            created_by=actor if getattr(actor, "pk", None) else None,
            statement=withdrawal_statement(
                order,
                lines=[(line.description, line.code, count) for line, count in chosen],
                reason=reason,
                delivered_on=window.delivered_on,
                at=now,
            ),
        )
        ReturnLine.objects.bulk_create(
            [
                ReturnLine(
                    return_request=request,
                    order_line=line,
                    sku=line.code,
                    description=line.description,
                    unit_price=line.unit_price,
                    vat_rate=line.vat_rate,
                    quantity=count,
                )
                for line, count in chosen
            ]
        )
        if actor is not None:
            record_change(
                actor=actor,
                action="return.created",
                target=request,
                changes={"lines": {line.code: count for line, count in chosen}},
                note=reason,
            )
        subject, text, html = build_acknowledgement(request, chosen)
        enqueue_email(
            key=f"return-acknowledgement:{request.number}",
            to=order.email,
            subject=subject,
            text_body=text,
            html_body=html,
        )
    return get_return(request.pk)


def _chosen_lines(order: Order, quantities: Mapping[int, int]) -> list[tuple[OrderLine, int]]:
    lines = order.product_lines
    counted = returned_quantities(order.pk)
    errors: dict[str, list[str]] = {}
    _unknown_lines(quantities, {line.pk for line in lines}, errors)
    chosen = []
    for line in lines:
        value = quantities.get(line.pk, 0)
        left = line.quantity - counted.get(line.pk, 0)
        if not _is_count(value) or value > left:
            errors[f"line-{line.pk}"] = [
                _("Enter a whole number from 0 to %(max)s.") % {"max": max(left, 0)}
            ]
        elif value:
            chosen.append((line, value))
    if not errors and not chosen:
        errors["__all__"] = [_("Choose at least one item to return.")]
    _raise_if(errors)
    return chosen


def _inspection_problem(line: ReturnLine, decision: Inspection) -> str:
    if not (_is_count(decision.restock) and _is_count(decision.write_off)):
        return _("Enter whole numbers of 0 or more.")
    if decision.restock > line.quantity_received:
        return _("You cannot restock more than was returned (%(count)s received).") % {
            "count": line.quantity_received
        }
    if decision.restock + decision.write_off != line.quantity_received:
        return _("Restocked and written-off units must add up to the %(count)s received.") % {
            "count": line.quantity_received
        }
    return ""


def _unknown_lines(values: Mapping, known: set[int], errors: dict) -> None:
    unknown = sorted(str(key) for key in values if key not in known)
    if unknown:
        errors["__all__"] = [
            _("These lines are not part of this order or return: %(lines)s.")
            % {"lines": ", ".join(unknown)}
        ]


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _raise_if(errors: dict) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidReturnLines(first, fields=errors)


def _require(request: ReturnRequest, statuses: set[str], action: str) -> None:
    if request.status not in statuses:
        raise IllegalReturnTransition(from_status=request.status, action=action)


def _move(
    request: ReturnRequest,
    to: str,
    *,
    actor,
    action: str,
    at: str,
    changes: dict | None = None,
    note: str = "",
) -> None:
    """Set the status and its date on the locked row, and audit it."""
    ReturnRequest.objects.filter(pk=request.pk).update(status=to, **{at: timezone.now()})
    record_change(
        actor=actor,
        action=action,
        target=request,
        changes={"status": [request.status, to], **(changes or {})},
        note=note,
    )
