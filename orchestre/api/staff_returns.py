"""Staff API of the returns: list and read them (view_orders), record, authorise,
receive, inspect and reject them (manage_returns), refund them (refund_payments)."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from orchestre.api.staff_auth import staff_token, staff_token_for
from orchestre.core.errors import InvalidInput
from orchestre.inventory.models import Warehouse
from orchestre.orders.selectors import get_order_by_number
from orchestre.returns import services
from orchestre.returns.models import ReturnRequest, ReturnStatus
from orchestre.returns.selectors import get_return_by_number, list_returns
from orchestre.team.permissions import Action

router = Router(auth=staff_token, tags=["staff: returns"])


class ReturnFilters(Schema):
    limit: int = Field(25, ge=1, le=100)
    offset: int = Field(0, ge=0)
    status: ReturnStatus | None = None
    requested_from: date | None = None
    requested_to: date | None = None
    q: str | None = Field(None, max_length=100)


class LineOut(Schema):
    id: int
    order_line_id: int
    sku: str
    description: str
    unit_price: Decimal
    quantity: int
    quantity_received: int
    quantity_restocked: int
    quantity_written_off: int


class ReturnOut(Schema):
    number: str
    order: str
    status: str
    origin: str
    is_withdrawal: bool
    reason: str
    rejection_reason: str
    requested_at: datetime
    authorised_at: datetime | None
    received_at: datetime | None
    inspected_at: datetime | None
    refunded_at: datetime | None
    closed_at: datetime | None
    goods_refunded: Decimal | None
    delivery_refunded: Decimal | None
    credit_note: str | None


class ReturnDetailOut(ReturnOut):
    statement: str
    lines: list[LineOut]


class ReturnsOut(Schema):
    count: int
    results: list[ReturnOut]


class QuantityIn(Schema):
    line_id: int = Field(description="OrderLine id (create) or ReturnLine id (receive).")
    quantity: int


class CreateIn(Schema):
    order: str = Field(max_length=20)
    lines: list[QuantityIn] = Field(max_length=200)
    reason: str = Field("", max_length=1000)


class ReceiveIn(Schema):
    lines: list[QuantityIn] = Field(max_length=200)


class InspectionIn(Schema):
    line_id: int
    restock: int
    write_off: int


class InspectIn(Schema):
    warehouse: str = Field(max_length=20)
    lines: list[InspectionIn] = Field(max_length=200)


class RejectIn(Schema):
    reason: str = Field(max_length=1000)


def _summary(item: ReturnRequest) -> dict:
    note = getattr(item, "credit_note", None)
    return {
        **{
            name: getattr(item, name)
            for name in ReturnOut.model_fields
            if name not in ("order", "credit_note")
        },
        "order": item.order.number,
        "credit_note": note.number if note else None,
    }


def _detail(item: ReturnRequest) -> dict:
    return {
        **_summary(item),
        "statement": item.statement,
        "lines": [
            {name: getattr(line, name) for name in LineOut.model_fields}
            for line in item.lines.all()
        ],
    }


def _by_line(lines: list, value) -> dict:
    """The payload's lines by id; a line given twice is refused."""
    mapped = {}
    for line in lines:
        if line.line_id in mapped:
            message = _("Line %(line)s is given twice.") % {"line": line.line_id}
            raise InvalidInput(message, code="duplicate_line", fields={"lines": [message]})
        mapped[line.line_id] = value(line)
    return mapped


@router.get("/staff/returns", response=ReturnsOut, auth=staff_token_for(Action.VIEW_ORDERS))
def returns(request: HttpRequest, filters: Query[ReturnFilters]):
    found = list_returns(
        status=filters.status or "",
        since=filters.requested_from,
        until=filters.requested_to,
        search=(filters.q or "").strip(),
    ).order_by("-requested_at", "-pk")
    window = found[filters.offset : filters.offset + filters.limit]
    return {"count": found.count(), "results": [_summary(item) for item in window]}


@router.get(
    "/staff/returns/{number}", response=ReturnDetailOut, auth=staff_token_for(Action.VIEW_ORDERS)
)
def return_detail(request: HttpRequest, number: str):
    return _detail(get_return_by_number(number))


@router.post(
    "/staff/returns", response={201: ReturnDetailOut}, auth=staff_token_for(Action.MANAGE_RETURNS)
)
def create(request: HttpRequest, payload: CreateIn):
    order = get_order_by_number(payload.order)
    created = services.create_return(
        order_id=order.pk,
        quantities=_by_line(payload.lines, lambda line: line.quantity),
        reason=payload.reason,
        actor=request.auth,
    )
    return Status(201, _detail(created))


@router.post(
    "/staff/returns/{number}/authorise",
    response=ReturnDetailOut,
    auth=staff_token_for(Action.MANAGE_RETURNS),
)
def authorise(request: HttpRequest, number: str):
    found = get_return_by_number(number)
    return _detail(services.authorise_return(return_id=found.pk, actor=request.auth))


@router.post(
    "/staff/returns/{number}/receive",
    response=ReturnDetailOut,
    auth=staff_token_for(Action.MANAGE_RETURNS),
)
def receive(request: HttpRequest, number: str, payload: ReceiveIn):
    found = get_return_by_number(number)
    received = _by_line(payload.lines, lambda line: line.quantity)
    return _detail(
        services.receive_return(return_id=found.pk, received=received, actor=request.auth)
    )


@router.post(
    "/staff/returns/{number}/inspect",
    response=ReturnDetailOut,
    auth=staff_token_for(Action.MANAGE_RETURNS),
)
def inspect(request: HttpRequest, number: str, payload: InspectIn):
    found = get_return_by_number(number)
    decisions = _by_line(
        payload.lines, lambda line: services.Inspection(line.restock, line.write_off)
    )
    warehouse = Warehouse.objects.filter(code=payload.warehouse).values_list("pk", flat=True)
    inspected = services.inspect_return(
        return_id=found.pk,
        decisions=decisions,
        warehouse_id=warehouse.first() or 0,
        actor=request.auth,
    )
    return _detail(inspected)


@router.post(
    "/staff/returns/{number}/refund",
    response=ReturnDetailOut,
    auth=staff_token_for(Action.REFUND_PAYMENTS),
)
def refund(request: HttpRequest, number: str):
    found = get_return_by_number(number)
    return _detail(services.refund_return(return_id=found.pk, actor=request.auth))


@router.post(
    "/staff/returns/{number}/reject",
    response=ReturnDetailOut,
    auth=staff_token_for(Action.MANAGE_RETURNS),
)
def reject(request: HttpRequest, number: str, payload: RejectIn):
    found = get_return_by_number(number)
    return _detail(
        services.reject_return(return_id=found.pk, reason=payload.reason, actor=request.auth)
    )
