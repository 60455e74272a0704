"""Staff API of customer service (manage_tickets): list and read tickets (internal notes
included), open a ticket for a customer, reply or add a note, change the status."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from orchestre.api.staff_auth import staff_token, staff_token_for
from orchestre.orders.selectors import get_order_by_number
from orchestre.support import services
from orchestre.support.models import Ticket, TicketMessage, TicketPriority, TicketStatus
from orchestre.support.selectors import get_ticket, list_tickets, overdue_condition
from orchestre.team.permissions import Action

router = Router(auth=staff_token, tags=["staff: tickets"])


class TicketFilters(Schema):
    limit: int = Field(25, ge=1, le=100)
    offset: int = Field(0, ge=0)
    status: TicketStatus | None = None
    assignee: str | None = Field(None, max_length=150, description="A username.")
    overdue: bool = False


class TicketOut(Schema):
    number: str
    subject: str
    status: str
    priority: str
    channel: str
    name: str
    email: str
    language: str
    customer_id: int | None
    order: str | None
    assignee: str | None
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    overdue: bool


class MessageOut(Schema):
    id: int
    kind: str
    author: str | None
    body: str
    created_at: datetime


class TicketDetailOut(TicketOut):
    messages: list[MessageOut]


class TicketsOut(Schema):
    count: int
    results: list[TicketOut]


class TicketIn(Schema):
    name: str = Field(max_length=120)
    email: str = Field(max_length=254)
    subject: str = Field(max_length=150)
    body: str = Field(max_length=10_000, description="The customer's request.")
    language: str = Field("fr", max_length=8)
    priority: TicketPriority = TicketPriority.NORMAL
    customer_id: int | None = None
    order: str | None = Field(None, max_length=20, description="An order number.")


class ReplyIn(Schema):
    body: str = Field(max_length=10_000)
    internal: bool = Field(False, description="An internal note, never sent to the customer.")
    then: TicketStatus = Field(
        TicketStatus.WAITING, description="The status after a reply: open, waiting or solved."
    )


class StatusIn(Schema):
    status: TicketStatus


def _ticket_out(ticket: Ticket, *, overdue: bool | None = None) -> dict:
    return {
        **{name: getattr(ticket, name) for name in TicketOut.model_fields if hasattr(ticket, name)},
        "order": ticket.order.number if ticket.order_id else None,
        "assignee": ticket.assignee.get_username() if ticket.assignee_id else None,
        "overdue": ticket.is_overdue if overdue is None else overdue,
    }


def _message_out(message: TicketMessage) -> dict:
    return {
        "id": message.pk,
        "kind": message.kind,
        "author": message.author.get_username() if message.author_id else None,
        "body": message.body,
        "created_at": message.created_at,
    }


def _detail(number: str) -> dict:
    ticket = get_ticket(number)
    return {
        **_ticket_out(ticket),
        "messages": [_message_out(message) for message in ticket.messages.all()],
    }


@router.get("/staff/tickets", response=TicketsOut, auth=staff_token_for(Action.MANAGE_TICKETS))
def tickets(request: HttpRequest, filters: Query[TicketFilters]):
    found = list_tickets()
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.assignee:
        found = found.filter(assignee__username=filters.assignee)
    if filters.overdue:
        found = found.filter(overdue_condition())
    found = found.order_by("created_at", "pk")
    window = found[filters.offset : filters.offset + filters.limit]
    return {
        "count": found.count(),
        "results": [_ticket_out(ticket, overdue=bool(ticket.overdue_now)) for ticket in window],
    }


@router.get(
    "/staff/tickets/{number}", response=TicketDetailOut, auth=staff_token_for(Action.MANAGE_TICKETS)
)
def ticket(request: HttpRequest, number: str):
    return _detail(number)


@router.post(
    "/staff/tickets", response={201: TicketDetailOut}, auth=staff_token_for(Action.MANAGE_TICKETS)
)
def create(request: HttpRequest, payload: TicketIn):
    order = get_order_by_number(payload.order) if payload.order else None
    created = services.open_staff_ticket(
        actor=request.auth,
        email=payload.email,
        name=payload.name,
        subject=payload.subject,
        body=payload.body,
        language=payload.language,
        priority=payload.priority,
        customer_id=payload.customer_id,
        order_id=order.pk if order else None,
    )
    return Status(201, _detail(created.number))


@router.post(
    "/staff/tickets/{number}/replies",
    response={201: TicketDetailOut},
    auth=staff_token_for(Action.MANAGE_TICKETS),
)
def reply(request: HttpRequest, number: str, payload: ReplyIn):
    found = get_ticket(number)
    if payload.internal:
        services.add_internal_note(actor=request.auth, ticket_id=found.pk, body=payload.body)
    else:
        services.reply_to_ticket(
            actor=request.auth, ticket_id=found.pk, body=payload.body, then=payload.then
        )
    return Status(201, _detail(number))


@router.post(
    "/staff/tickets/{number}/status",
    response=TicketDetailOut,
    auth=staff_token_for(Action.MANAGE_TICKETS),
)
def status(request: HttpRequest, number: str, payload: StatusIn):
    found = get_ticket(number)
    services.change_ticket_status(actor=request.auth, ticket_id=found.pk, status=payload.status)
    return _detail(number)
