"""Reads of the returns: requests with their lines and credit note, what an order may still
return, and its withdrawal window."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from orchestre.orders.models import Order, OrderLine, OrderStatusChange
from orchestre.returns.errors import UnknownCreditNote, UnknownReturn
from orchestre.returns.models import CreditNote, ReturnLine, ReturnRequest, ReturnStatus
from orchestre.returns.policy import COUNTED_FROM_DELIVERY, WithdrawalWindow, withdrawal_window


@dataclass(frozen=True)
class ReturnableLine:
    line: OrderLine
    ordered: int
    already_returned: int

    @property
    def remaining(self) -> int:
        return max(self.ordered - self.already_returned, 0)


@dataclass(frozen=True)
class OrderReturns:
    """What the order page shows about withdrawal: the window, the order's returns (with
    lines and credit note) and whether any unit is left to withdraw."""

    window: WithdrawalWindow
    returns: list[ReturnRequest]
    units_left: int

    @property
    def can_withdraw(self) -> bool:
        return self.window.is_open and self.units_left > 0


def returns() -> QuerySet[ReturnRequest]:
    """Every return with its order, credit note and lines (three queries when evaluated)."""
    return ReturnRequest.objects.select_related("order", "credit_note").prefetch_related(
        Prefetch("lines", queryset=ReturnLine.objects.order_by("pk"))
    )


def list_returns_for_orders(order_ids: list[int]) -> list[ReturnRequest]:
    """The returns of these orders, latest first, with lines and credit note (two queries
    at most; none for no ids)."""
    if not order_ids:
        return []
    return list(returns().filter(order_id__in=order_ids).order_by("-requested_at", "-pk"))


def get_return(return_id: int) -> ReturnRequest:
    """Raises UnknownReturn."""
    found = returns().filter(pk=return_id).first()
    if found is None:
        raise UnknownReturn()
    return found


def get_return_by_number(number: str) -> ReturnRequest:
    """Raises UnknownReturn."""
    found = returns().filter(number=number).first() if number else None
    if found is None:
        raise UnknownReturn()
    return found


def get_return_for_order(order: Order, number: str) -> ReturnRequest:
    """The return `number` if it belongs to `order`; UnknownReturn otherwise, so one
    buyer's link never opens another buyer's return."""
    found = returns().filter(order=order, number=number).first() if number else None
    if found is None:
        raise UnknownReturn()
    return found


def get_credit_note_for_order(order: Order, number: str) -> CreditNote:
    """The credit note `number` if it belongs to `order` (one query). Raises
    UnknownCreditNote."""
    found = (
        CreditNote.objects.select_related("order", "return_request")
        .filter(order=order, number=number)
        .first()
        if number
        else None
    )
    if found is None:
        raise UnknownCreditNote()
    return found


def get_credit_note_by_number(number: str) -> CreditNote:
    found = (
        CreditNote.objects.select_related("order", "return_request").filter(number=number).first()
        if number
        else None
    )
    if found is None:
        raise UnknownCreditNote()
    return found


def delivered_at(order: Order) -> datetime | None:
    """When the order was marked delivered (its latest such step), or None; no query for
    an order that was never delivered."""
    if order.status not in COUNTED_FROM_DELIVERY:
        return None
    return (
        OrderStatusChange.objects.filter(order=order, to_status=Order.Status.DELIVERED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )


def returned_quantities(order_id: int) -> dict[int, int]:
    """Units per order line already in a return that is not closed (one query)."""
    counted: dict[int, int] = defaultdict(int)
    rows = (
        ReturnLine.objects.filter(return_request__order_id=order_id)
        .exclude(return_request__status=ReturnStatus.CLOSED)
        .values_list("order_line_id", "quantity")
    )
    for line_id, quantity in rows:
        counted[line_id] += quantity
    return dict(counted)


def returnable_lines(order: Order) -> list[ReturnableLine]:
    """The order's product lines with what may still be returned (reads the order's
    prefetched lines, plus one query)."""
    counted = returned_quantities(order.pk)
    return [
        ReturnableLine(line=line, ordered=line.quantity, already_returned=counted.get(line.pk, 0))
        for line in order.product_lines
    ]


def order_returns(order: Order) -> OrderReturns:
    """The withdrawal window and returns of an order whose lines are prefetched (at most
    three queries: delivery date, returns, their lines)."""
    window = withdrawal_window(order, delivered_at=delivered_at(order))
    found = list_returns_for_orders([order.pk])
    returned = sum(
        line.quantity
        for request in found
        if request.status != ReturnStatus.CLOSED
        for line in request.lines.all()
    )
    ordered = sum(line.quantity for line in order.product_lines)
    return OrderReturns(window=window, returns=found, units_left=max(ordered - returned, 0))


def list_returns(
    *, status: str = "", since=None, until=None, search: str = ""
) -> QuerySet[ReturnRequest]:
    """Returns for the back office, filtered; with order and credit note."""
    queryset = ReturnRequest.objects.select_related("order", "credit_note")
    if status:
        queryset = queryset.filter(status=status)
    if since:
        queryset = queryset.filter(requested_at__date__gte=since)
    if until:
        queryset = queryset.filter(requested_at__date__lte=until)
    if search:
        queryset = queryset.filter(
            Q(number__iexact=search) | Q(order__number__iexact=search) | Q(order__email=search)
        )
    return queryset


def count_returns_to_act_on() -> dict[str, int]:
    """How many returns wait for authorisation, receipt, inspection and refund (one
    query)."""
    counts = dict.fromkeys(
        (
            ReturnStatus.REQUESTED,
            ReturnStatus.AUTHORISED,
            ReturnStatus.RECEIVED,
            ReturnStatus.INSPECTED,
        ),
        0,
    )
    for row in (
        ReturnRequest.objects.filter(status__in=list(counts))
        .values("status")
        .annotate(count=Count("pk"))
    ):
        counts[row["status"]] = row["count"]
    return counts
