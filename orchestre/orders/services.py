"""Writes of the orders: placing a web order, recording its payment (with its invoice and
confirmation e-mail) and every later status change. States, numbering and invoice mentions
are described in docs/orders.md."""

import secrets
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orchestre.core.errors import Conflict, InvalidInput
from orchestre.core.money import amount_excluding_vat, quantize
from orchestre.core.outbox import enqueue_email, enqueue_webhook_event
from orchestre.core.sequences import next_number
from orchestre.customers.models import Customer
from orchestre.orders.emails import build_order_confirmation
from orchestre.orders.errors import (
    IllegalTransition,
    InconsistentOrder,
    OrderAlreadyPaid,
    UnknownOrder,
)
from orchestre.orders.formatting import country_name
from orchestre.orders.models import Invoice, Order, OrderLine, OrderStatusChange
from orchestre.orders.states import TRANSITIONS
from orchestre.orders.values import NewDelivery, NewOrderLine, OrderTotals, VatLine

__all__ = [
    "NewDelivery",
    "NewOrderLine",
    "OrderTotals",
    "VatLine",
    "cancel_unpaid_order",
    "mark_order_paid",
    "place_order",
    "transition_order",
]

Status = Order.Status
ZERO = Decimal("0.00")
ACCESS_TOKEN_BYTES = 32  # 256 random bits, 43 URL-safe characters
# A status change that keeps losing the race to concurrent changes gives up with a Conflict.
TRANSITION_ATTEMPTS = 5


def order_number(year: int, value: int) -> str:
    return f"OR-{year}-{value:05d}"


def invoice_number(year: int, value: int) -> str:
    return f"FA-{year}-{value:06d}"


def place_order(
    *,
    email: str,
    language: str,
    user: AbstractBaseUser | None,
    customer: Customer | None,
    lines: Sequence[NewOrderLine],
    shipping_address: dict,
    billing_address: dict,
    delivery: NewDelivery,
    totals: OrderTotals,
    terms_version: str,
    terms_accepted_at: datetime,
    country_code: str,
) -> Order:
    """Record a web order awaiting payment: its lines, its delivery (as a POSTAGE line and in
    the order's delivery fields), its totals and a random access token.

    Runs inside the caller's transaction (or its own when there is none). Its number is the
    next of the year's series `order-<year>` (`OR-2026-00001`): the series' row stays locked
    until the caller's transaction ends, so the caller should commit soon after.
    Raises InconsistentOrder (nothing written) when the lines, delivery and totals do not
    add up or the language is not one of the shop's."""
    _check_order(language=language, lines=lines, delivery=delivery, totals=totals)
    now = timezone.now()
    year = timezone.localdate(now).year
    with transaction.atomic(savepoint=False):
        order = Order.objects.create(
            number=order_number(year, next_number(f"order-{year}")),
            kind=Order.Kind.SALE,
            source=Order.Source.WEB,
            status=Status.AWAITING_PAYMENT,
            customer=customer,
            user=user,
            email=email,
            language=language,
            access_token=secrets.token_urlsafe(ACCESS_TOKEN_BYTES),
            # Imported history records English country names: web orders do the same.
            country=_english_country_name(country_code),
            country_code=country_code,
            placed_at=now,
            currency=settings.SHOP_CURRENCY,
            shipping_address=shipping_address,
            billing_address=billing_address,
            delivery_method_code=delivery.code,
            delivery_method_name=delivery.name,
            estimated_delivery_earliest=delivery.earliest,
            estimated_delivery_latest=delivery.latest,
            subtotal=totals.subtotal,
            discount_total=totals.discount_total,
            delivery_total=totals.delivery_total,
            vat_total=totals.vat_total,
            total=totals.total,
            vat_breakdown=[
                {"rate": str(item.rate), "base": str(item.base), "vat": str(item.vat)}
                for item in totals.vat_breakdown
            ],
            terms_version=terms_version,
            terms_accepted_at=terms_accepted_at,
        )
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    kind=OrderLine.Kind.PRODUCT,
                    product_id=line.product_id,
                    code=line.sku,
                    description=line.name,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    amount=line.amount,
                    vat_rate=line.vat_rate,
                )
                for line in lines
            ]
            + [
                OrderLine(
                    order=order,
                    kind=OrderLine.Kind.POSTAGE,
                    code=delivery.code,
                    description=delivery.name,
                    quantity=1,
                    unit_price=delivery.price,
                    amount=delivery.price,
                    vat_rate=delivery.vat_rate,
                )
            ]
        )
        OrderStatusChange.objects.create(
            order=order, from_status="", to_status=Status.AWAITING_PAYMENT, at=now
        )
    return order


def mark_order_paid(
    *, order_id: int, payment_reference: str, paid_at: datetime | None = None
) -> Order:
    """Record the payment of an order awaiting payment, in one transaction: status paid
    (conditional UPDATE), its invoice with the next number of the year's gapless series
    `invoice-<year>` (`FA-2026-000001`), the confirmation e-mail and the `order.paid` webhook
    event in the outbox.

    Idempotent: an order already paid (whatever its status since) is returned unchanged
    and nothing new is written. Raises UnknownOrder, or IllegalTransition when the order was
    cancelled unpaid. Locks the order's row and the invoice series' row until commit."""
    paid_at = paid_at or timezone.now()
    with transaction.atomic():
        changed = _change_status(
            order_id,
            to=Status.PAID,
            note=f"payment {payment_reference}",
            unless=lambda order: order.paid_at is not None,
            paid_at=paid_at,
            payment_reference=payment_reference,
        )
        order = _order_with_lines(order_id)
        if not changed:
            return order
        _issue_invoice(order, paid_at=paid_at)
        subject, text_body, html_body = build_order_confirmation(order)
        enqueue_email(
            key=f"order-confirmation:{order.number}",
            to=order.email,
            subject=subject,
            text_body=text_body,
            html_body=html_body,
        )
        enqueue_webhook_event(
            key=f"order.paid:{order.number}",
            event_type="order.paid",
            data=_paid_event(order),
        )
    return order


def transition_order(*, order_id: int, to: str, note: str = "") -> Order:
    """Move an order to status `to` if the state machine allows it from its current status
    (docs/orders.md), by a conditional UPDATE, and record the change in its history.

    Raises UnknownOrder; InvalidInput (code "unknown_status") for a status that does not
    exist, (code "payment_not_recorded") for "paid", which only `mark_order_paid` sets since
    it issues the invoice; IllegalTransition naming both statuses. Locks the order's row
    until commit."""
    if to not in Status.values:
        raise InvalidInput(
            _("“%(status)s” is not an order status.") % {"status": to}, code="unknown_status"
        )
    if to == Status.PAID:
        raise InvalidInput(
            _("An order becomes paid only when its payment is recorded."),
            code="payment_not_recorded",
        )
    with transaction.atomic():
        _change_status(order_id, to=to, note=note)
    return _order_with_lines(order_id)


def cancel_unpaid_order(*, order_id: int, reason: str) -> Order:
    """Cancel an order still awaiting payment (declined payment, expired reservation), with
    `reason` in its history. Stock and payment are the caller's business.

    Idempotent: an order already cancelled unpaid is returned unchanged. Raises
    UnknownOrder, or OrderAlreadyPaid (a paid order is cancelled with `transition_order`
    once its refund is under way). Locks the order's row until commit."""
    with transaction.atomic():
        _change_status(
            order_id,
            to=Status.CANCELLED,
            note=reason,
            unless=lambda order: order.status == Status.CANCELLED and order.paid_at is None,
            guard=_refuse_paid,
        )
    return _order_with_lines(order_id)


def _refuse_paid(order: Order) -> None:
    if order.paid_at is not None:
        raise OrderAlreadyPaid()


def _change_status(
    order_id: int,
    *,
    to: str,
    note: str = "",
    unless: Callable[[Order], bool] | None = None,
    guard: Callable[[Order], None] | None = None,
    **fields,
) -> bool:
    """Compare-and-set of the status: read it, check the transition, then UPDATE only if the
    row still has the status just read, so the history records exactly where the order came
    from and two concurrent changes can never both apply. Returns False, changing nothing,
    when `unless(order)` holds (the change was already made); `guard(order)` may raise to
    refuse the change."""
    for _attempt in range(TRANSITION_ATTEMPTS):
        order = Order.objects.filter(pk=order_id).only("status", "paid_at").first()
        if order is None:
            raise UnknownOrder()
        if unless is not None and unless(order):
            return False
        if guard is not None:
            guard(order)
        if to not in TRANSITIONS[order.status]:
            raise IllegalTransition(from_status=order.status, to_status=to)
        if Order.objects.filter(pk=order_id, status=order.status).update(status=to, **fields):
            OrderStatusChange.objects.create(
                order_id=order_id,
                from_status=order.status,
                to_status=to,
                at=timezone.now(),
                note=note[:200],
            )
            return True
    raise Conflict(_("This order is being changed by someone else; try again."), code="order_busy")


def _order_with_lines(order_id: int) -> Order:
    return (
        Order.objects.select_related("invoice")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk")))
        .get(pk=order_id)
    )


def _issue_invoice(order: Order, *, paid_at: datetime) -> Invoice:
    """The invoice of a just-paid order: every printed fact is copied (docs/orders.md lists
    the mentions). Its number is taken last, so the series stays locked for the least time."""
    issued_at = timezone.now()
    with translation.override(order.language):
        seller = dict(settings.SELLER)
        billing = order.billing_address or {}
        buyer = {
            "name": " ".join(
                part for part in (billing.get("first_name"), billing.get("last_name")) if part
            ),
            "company": billing.get("company", ""),
            "email": order.email,
            "billing_address": billing,
            "billing_country": country_name(billing.get("country", "")),
            "shipping_address": order.shipping_address or {},
            "shipping_country": country_name((order.shipping_address or {}).get("country", "")),
        }
    year = timezone.localdate(issued_at).year
    invoice = Invoice.objects.create(
        order=order,
        number=invoice_number(year, next_number(f"invoice-{year}")),
        issued_at=issued_at,
        paid_at=paid_at,
        currency=order.currency,
        seller=seller,
        buyer=buyer,
        lines=[_invoice_line(line, order.currency) for line in order.lines.all()],
        vat_breakdown=order.vat_breakdown,
        totals={
            "subtotal": _money(order.subtotal, order.currency),
            "discount_total": _money(order.discount_total, order.currency),
            "delivery_total": _money(order.delivery_total, order.currency),
            "total_excluding_vat": _money(order.total - order.vat_total, order.currency),
            "vat_total": _money(order.vat_total, order.currency),
            "total": _money(order.total, order.currency),
        },
    )
    return invoice


def _invoice_line(line: OrderLine, currency: str) -> dict:
    rate = line.vat_rate if line.vat_rate is not None else ZERO
    return {
        "kind": line.kind,
        "description": line.description,
        "sku": line.code if line.kind == OrderLine.Kind.PRODUCT else "",
        "quantity": line.quantity,
        "unit_price_excluding_vat": str(amount_excluding_vat(line.unit_price, rate, currency)),
        "unit_price_including_vat": _money(line.unit_price, currency),
        "vat_rate": str(rate),
        "amount_excluding_vat": str(amount_excluding_vat(line.amount, rate, currency)),
        "amount": _money(line.amount, currency),
    }


def _paid_event(order: Order) -> dict:
    return {
        "number": order.number,
        "status": order.status,
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
        "currency": order.currency,
        "total": _money(order.total, order.currency),
        "vat_total": _money(order.vat_total, order.currency),
        "invoice_number": order.invoice.number,
        "delivery_method": order.delivery_method_code,
        "lines": [
            {"sku": line.code, "quantity": line.quantity, "amount": _money(line.amount)}
            for line in order.product_lines
        ],
    }


def _check_order(
    *, language: str, lines: Sequence[NewOrderLine], delivery: NewDelivery, totals: OrderTotals
) -> None:
    """The pricing pipeline's figures are trusted only once they add up."""
    problems = []
    if language not in dict(settings.LANGUAGES):
        problems.append(_("Unknown language “%(language)s”.") % {"language": language})
    if not lines:
        problems.append(_("An order needs at least one line."))
    for line in lines:
        if line.quantity < 1 or line.amount != quantize(line.unit_price * line.quantity):
            problems.append(_("Line %(sku)s does not add up.") % {"sku": line.sku})
    if totals.subtotal != sum((line.amount for line in lines), ZERO):
        problems.append(_("The subtotal is not the sum of the lines."))
    if totals.delivery_total != delivery.price:
        problems.append(_("The delivery total is not the delivery price."))
    if totals.discount_total > 0:
        problems.append(_("A discount total cannot be positive."))
    if totals.total != totals.subtotal + totals.discount_total + totals.delivery_total:
        problems.append(_("The total is not subtotal + discounts + delivery."))
    if totals.vat_total != sum((item.vat for item in totals.vat_breakdown), ZERO):
        problems.append(_("The VAT total is not the sum of the VAT per rate."))
    if totals.total != sum((item.base + item.vat for item in totals.vat_breakdown), ZERO):
        problems.append(_("The VAT breakdown does not add up to the total."))
    if problems:
        raise InconsistentOrder(" ".join(problems))


def _english_country_name(code: str) -> str:
    with translation.override("en"):
        return country_name(code)


def _money(amount: Decimal, currency: str = "EUR") -> str:
    return str(quantize(amount, currency))
