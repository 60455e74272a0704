"""Orders, readable by whoever holds the order's access token (anyone else: 404)."""

import secrets
from datetime import date

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from orchestre.api.errors import ErrorOut
from orchestre.core.errors import NotFound
from orchestre.orders.models import Order
from orchestre.orders.selectors import get_order_by_number
from orchestre.payments.models import Payment
from orchestre.payments.selectors import get_payment_for_reference

router = Router(tags=["orders"])


class OrderLineOut(Schema):
    sku: str
    name: str
    quantity: int
    unit_price: str
    vat_rate: str
    amount: str


class VatLineOut(Schema):
    rate: str
    base: str
    vat: str


class DeliveryOut(Schema):
    code: str
    name: str
    price: str
    earliest_delivery: date | None
    latest_delivery: date | None


class PaymentOut(Schema):
    provider: str
    status: str
    next_action_url: str
    failure_code: str
    failure_message: str


class OrderOut(Schema):
    number: str
    status: str
    access_token: str
    email: str
    currency: str
    subtotal: str
    discount_total: str
    delivery_total: str
    vat_total: str
    total: str
    vat_breakdown: list[VatLineOut]
    lines: list[OrderLineOut]
    delivery: DeliveryOut
    shipping_address: dict
    billing_address: dict
    payment: PaymentOut | None
    order_url: str
    invoice_url: str | None


def _money(amount) -> str:
    return f"{amount:.2f}"


def order_out(order: Order, payment: Payment | None = None) -> dict:
    product_lines = [line for line in order.lines.all() if line.kind == line.Kind.PRODUCT]
    paid = order.status not in (Order.Status.AWAITING_PAYMENT, Order.Status.CANCELLED)
    return {
        "number": order.number,
        "status": order.status,
        "access_token": order.access_token,
        "email": order.email,
        "currency": order.currency,
        "subtotal": _money(order.subtotal),
        "discount_total": _money(order.discount_total),
        "delivery_total": _money(order.delivery_total),
        "vat_total": _money(order.vat_total),
        "total": _money(order.total),
        "vat_breakdown": [
            {"rate": str(vat.rate), "base": _money(vat.base), "vat": _money(vat.vat)}
            for vat in order.vat_lines
        ],
        "lines": [
            {
                "sku": line.code,
                "name": line.description,
                "quantity": line.quantity,
                "unit_price": _money(line.unit_price),
                "vat_rate": str(line.vat_rate),
                "amount": _money(line.amount),
            }
            for line in product_lines
        ],
        "delivery": {
            "code": order.delivery_method_code,
            "name": order.delivery_method_name,
            "price": _money(order.delivery_total),
            "earliest_delivery": order.estimated_delivery_earliest,
            "latest_delivery": order.estimated_delivery_latest,
        },
        "shipping_address": order.shipping_address or {},
        "billing_address": order.billing_address or {},
        "payment": None
        if payment is None
        else {
            "provider": payment.provider,
            "status": payment.status,
            "next_action_url": payment.next_action_url,
            "failure_code": payment.failure_code,
            "failure_message": payment.failure_message,
        },
        "order_url": settings.SHOP_URL + reverse("storefront:order", args=[order.access_token]),
        "invoice_url": settings.SHOP_URL
        + reverse("storefront:invoice_pdf", args=[order.access_token])
        if paid
        else None,
    }


@router.get(
    "/orders/{number}",
    response={200: OrderOut, 404: ErrorOut},
    summary="An order, with its access token",
    description="Send the order's `access_token` in the `X-Order-Token` header (or the "
    "`access_token` query parameter). Without the right token the order does not exist.",
)
def order_detail(request: HttpRequest, number: str, access_token: str = ""):
    token = request.headers.get("X-Order-Token", "") or access_token
    try:
        order = get_order_by_number(number)
    except NotFound:
        order = None
    if (
        order is None
        or not order.access_token
        or not secrets.compare_digest(order.access_token.encode(), token.encode())
    ):
        raise NotFound(_("No order with this number and access token."), code="unknown_order")
    return order_out(order, get_payment_for_reference(order.number))
