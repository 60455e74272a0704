"""The withdrawal right (French consumer code, articles L221-18 and following), and what a
refund gives back for the initial delivery (article L221-24).

- The period: open once the order is paid and until 14 days after the day it was marked
  delivered (its latest "delivered" step), moved to the next business day when that day
  is a Saturday, Sunday or French public holiday; open before delivery too.
- Delivery costs: refunded only when a withdrawal brings the whole order back (the
  European Commission's guidance: a partial withdrawal keeps the delivery due), once per
  order, and at most the price of the least expensive standard delivery (home or relay)
  offered today for the same address, parcel weight and order value; the supplement of
  an express delivery stays with the buyer. Return costs are the buyer's (terms of sale).
- Goods: the units received, at the price paid, order discounts prorated."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from orchestre.orders.emails import WITHDRAWAL_DAYS
from orchestre.orders.models import Order
from orchestre.shipping.dates import is_business_day
from orchestre.shipping.models import DeliveryMethod
from orchestre.shipping.selectors import list_delivery_options

Status = Order.Status
# Paid and not yet delivered: withdrawal is open (L221-18 allows it before delivery).
NOT_YET_DELIVERED = frozenset({Status.PAID, Status.IN_PREPARATION, Status.SHIPPED})
COUNTED_FROM_DELIVERY = frozenset({Status.DELIVERED, Status.PARTIALLY_REFUNDED})
STANDARD_KINDS = frozenset({DeliveryMethod.Kind.HOME, DeliveryMethod.Kind.RELAY})


@dataclass(frozen=True)
class WithdrawalWindow:
    is_open: bool
    delivered_on: date | None
    deadline: date | None  # the last day to notify the withdrawal
    closed_reason: str  # why it is closed, in the active language; "" while open


def withdrawal_deadline(delivered_on: date) -> date:
    """14 days from the day of delivery; a period ending on a Saturday, Sunday or public
    holiday runs to the next business day (L221-19, code de procédure civile art. 642)."""
    deadline = delivered_on + timedelta(days=WITHDRAWAL_DAYS)
    while not is_business_day(deadline):
        deadline += timedelta(days=1)
    return deadline


def withdrawal_window(
    order: Order, *, delivered_at: datetime | None, today: date | None = None
) -> WithdrawalWindow:
    """Whether the buyer may still withdraw from `order`, given when it was delivered."""
    today = today or timezone.localdate()
    if order.source != Order.Source.WEB or order.kind != Order.Kind.SALE:
        return WithdrawalWindow(False, None, None, _("This order cannot be withdrawn online."))
    if order.status == Status.AWAITING_PAYMENT:
        reason = _("The order is not paid yet: there is nothing to withdraw from.")
        return WithdrawalWindow(False, None, None, reason)
    if order.status == Status.CANCELLED:
        return WithdrawalWindow(False, None, None, _("This order has been cancelled."))
    if order.status == Status.REFUNDED:
        return WithdrawalWindow(False, None, None, _("This order has been refunded in full."))
    if order.status in NOT_YET_DELIVERED or delivered_at is None:
        return WithdrawalWindow(True, None, None, "")
    delivered_on = timezone.localdate(delivered_at)
    deadline = withdrawal_deadline(delivered_on)
    if today > deadline:
        reason = _(
            "The %(days)s-day withdrawal period ended on %(date)s (the order was delivered on "
            "%(delivered)s). For a fault or a defect, contact customer service: the legal "
            "guarantee of conformity still applies."
        ) % {
            "days": WITHDRAWAL_DAYS,
            "date": _format(deadline),
            "delivered": _format(delivered_on),
        }
        return WithdrawalWindow(False, delivered_on, deadline, reason)
    return WithdrawalWindow(True, delivered_on, deadline, "")


def standard_delivery_refund(order: Order, *, weight_grams: int) -> Decimal:
    """What a full withdrawal gives back of the delivery paid: all of it, except the part
    above the least expensive standard delivery (home or relay) the shop offers today for
    the same address, parcel and order value (L221-24). No standard offer found: all."""
    paid = order.delivery_total
    if paid <= 0:
        return Decimal("0.00")
    address = order.shipping_address or {}
    options = list_delivery_options(
        country=address.get("country", ""),
        postcode=address.get("postcode", ""),
        weight_grams=weight_grams,
        order_value=order.subtotal + order.discount_total,
    )
    standard = [option.price for option in options if option.kind in STANDARD_KINDS]
    return min([paid, *standard])


def _format(day: date) -> str:
    return date_format(day, "DATE_FORMAT")
