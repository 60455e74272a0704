"""Customer-service writes: tickets and their threads, canned replies, CSAT surveys.

Every service owns one short transaction; e-mails are written to the outbox inside it, so a
rolled-back change sends nothing. Staff services take `actor` and write the audit log.
Goodwill gestures (refunds, resends) are in `goodwill.py`."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.core.audit import diff, record_change, snapshot
from orchestre.core.errors import InvalidInput, NotFound
from orchestre.core.sequences import next_number
from orchestre.customers.models import Customer
from orchestre.orders.models import Order
from orchestre.support import emails
from orchestre.support.errors import (
    SurveyAlreadyAnswered,
    TicketClosed,
    UnknownSurvey,
    UnknownTicket,
)
from orchestre.support.models import (
    CannedReply,
    SatisfactionSurvey,
    Ticket,
    TicketMessage,
    TicketPriority,
    TicketStatus,
)
from orchestre.team.permissions import Action, can

MAX_BODY = 10_000
MAX_COMMENT = 2_000
# A delivery survey goes out a day after delivery, and not for deliveries older than this.
DELIVERY_SURVEY_DELAY = timedelta(days=1)
DELIVERY_SURVEY_WINDOW = timedelta(days=30)
# The statuses staff may set by hand: "new" only ever starts a ticket.
STAFF_STATUSES = (
    TicketStatus.OPEN,
    TicketStatus.WAITING,
    TicketStatus.SOLVED,
    TicketStatus.CLOSED,
)
AUDITED_FIELDS = ("status", "priority", "assignee", "solved_at")


def open_customer_ticket(
    *,
    email: str,
    name: str,
    subject: str,
    body: str,
    language: str,
    user=None,
    order_id: int | None = None,
) -> Ticket:
    """Open a ticket from the storefront (contact form, or an order page when `order_id` is
    given) and acknowledge it by e-mail with the link to its thread.

    The ticket belongs to the signed-in `user`'s customer record, else the order's, else the
    latest guest record with that e-mail (an account's record is never joined by e-mail
    alone). Raises InvalidInput (fields name, email, subject, body) or UnknownOrder-style
    NotFound (unknown_order). Takes the next number of the "ticket" series (locks its row)."""
    values = _clean_request(email=email, name=name, subject=subject, body=body)
    with transaction.atomic():
        order = _order(order_id) if order_id is not None else None
        customer = _customer_for(user=user, order=order, email=values["email"])
        ticket = _create_ticket(
            **values,
            language=_language(language),
            channel=Ticket.Channel.ORDER_PAGE if order else Ticket.Channel.CONTACT_FORM,
            customer=customer,
            order=order,
        )
        _add_message(ticket, kind=TicketMessage.Kind.CUSTOMER, body=values["body"])
        emails.enqueue_ticket_received(ticket)
    return ticket


def open_staff_ticket(
    *,
    actor,
    email: str,
    name: str,
    subject: str,
    body: str,
    language: str = "fr",
    priority: str = TicketPriority.NORMAL,
    customer_id: int | None = None,
    order_id: int | None = None,
) -> Ticket:
    """Open a ticket on a customer's behalf (a call, a letter): `body` is their request as
    staff noted it, kept as the customer's first message. Nothing is e-mailed. Raises
    InvalidInput, NotFound (unknown_customer, unknown_order)."""
    values = _clean_request(email=email, name=name, subject=subject, body=body)
    _check_choice(priority, TicketPriority, field="priority")
    with transaction.atomic():
        order = _order(order_id) if order_id is not None else None
        customer = None
        if customer_id is not None:
            customer = Customer.objects.filter(pk=customer_id).first()
            if customer is None:
                raise NotFound(
                    _("No such customer."),
                    code="unknown_customer",
                    fields={"customer": [_("No such customer.")]},
                )
        elif order is not None:
            customer = order.customer
        ticket = _create_ticket(
            **values,
            language=_language(language),
            channel=Ticket.Channel.STAFF,
            customer=customer,
            order=order,
            priority=priority,
        )
        _add_message(ticket, kind=TicketMessage.Kind.CUSTOMER, body=values["body"], author=actor)
        record_change(actor=actor, action="ticket.created", target=ticket)
    return ticket


def add_customer_message(*, ticket_id: int, body: str) -> TicketMessage:
    """The customer answers on their page of the thread: the message is added and a ticket
    that was waiting or solved is open again. Raises InvalidInput (body), TicketClosed,
    UnknownTicket. Locks the ticket's row."""
    body = _clean_body(body)
    with transaction.atomic():
        ticket = _locked_ticket(ticket_id)
        if ticket.status == TicketStatus.CLOSED:
            raise TicketClosed()
        message = _add_message(ticket, kind=TicketMessage.Kind.CUSTOMER, body=body)
        if ticket.status in (TicketStatus.WAITING, TicketStatus.SOLVED):
            ticket.status = TicketStatus.OPEN
            ticket.solved_at = None
        ticket.save(update_fields=["status", "solved_at", "updated_at"])
    return message


def reply_to_ticket(
    *, actor, ticket_id: int, body: str, then: str = TicketStatus.WAITING
) -> TicketMessage:
    """Send a staff reply: recorded in the thread, e-mailed to the customer in their
    language with the link to the thread, and the ticket moves to `then` (waiting for the
    customer by default, or open or solved; solved sends the CSAT survey). The first reply
    sets the ticket's first response time. Raises InvalidInput (body, then), TicketClosed,
    UnknownTicket. Locks the ticket's row."""
    body = _clean_body(body)
    if then not in (TicketStatus.OPEN, TicketStatus.WAITING, TicketStatus.SOLVED):
        raise InvalidInput(
            _("After a reply a ticket is open, waiting for the customer or solved."),
            code="invalid_status",
            fields={"then": [_("Choose open, waiting for customer or solved.")]},
        )
    with transaction.atomic():
        ticket = _locked_ticket(ticket_id)
        if ticket.status == TicketStatus.CLOSED:
            raise TicketClosed()
        before = snapshot(ticket, AUDITED_FIELDS)
        message = _add_message(ticket, kind=TicketMessage.Kind.REPLY, body=body, author=actor)
        if ticket.first_response_at is None:
            ticket.first_response_at = message.created_at
        _set_status(ticket, then)
        ticket.save()
        emails.enqueue_ticket_reply(ticket, message)
        record_change(
            actor=actor,
            action="ticket.replied",
            target=ticket,
            changes=diff(before, snapshot(ticket, AUDITED_FIELDS)),
            note=body[:300],
        )
    return message


def add_internal_note(*, actor, ticket_id: int, body: str) -> TicketMessage:
    """Add a note for staff only: never shown or e-mailed to the customer. Raises
    InvalidInput (body), UnknownTicket."""
    body = _clean_body(body)
    with transaction.atomic():
        ticket = _locked_ticket(ticket_id)
        message = _add_message(ticket, kind=TicketMessage.Kind.NOTE, body=body, author=actor)
        ticket.save(update_fields=["updated_at"])
        record_change(actor=actor, action="ticket.noted", target=ticket, note=body[:300])
    return message


def assign_ticket(*, actor, ticket_id: int, assignee_id: int | None) -> Ticket:
    """Give the ticket to a staff member who may answer tickets (None: to nobody). Raises
    InvalidInput (assignee), UnknownTicket. Locks the ticket's row."""
    assignee = None
    if assignee_id is not None:
        assignee = get_user_model().objects.filter(pk=assignee_id).first()
        if assignee is None or not can(assignee, Action.MANAGE_TICKETS):
            raise InvalidInput(
                _("Tickets can only be assigned to staff who answer tickets."),
                code="invalid_assignee",
                fields={"assignee": [_("Choose a member of customer service.")]},
            )
    with transaction.atomic():
        ticket = _locked_ticket(ticket_id)
        if ticket.assignee_id == assignee_id:
            return ticket
        before = snapshot(ticket, AUDITED_FIELDS)
        ticket.assignee = assignee
        ticket.save(update_fields=["assignee", "updated_at"])
        record_change(
            actor=actor,
            action="ticket.assigned",
            target=ticket,
            changes=diff(before, snapshot(ticket, AUDITED_FIELDS)),
        )
    return ticket


def change_ticket_status(*, actor, ticket_id: int, status: str) -> Ticket:
    """Set the status (open, waiting for customer, solved, closed). Solving records the time
    and e-mails the CSAT survey (once per ticket); reopening clears the solved time. The same
    status again changes nothing. Raises InvalidInput (status), UnknownTicket. Locks the
    ticket's row."""
    if status not in STAFF_STATUSES:
        raise InvalidInput(
            _("“%(status)s” is not a status staff can set.") % {"status": status},
            code="invalid_status",
            fields={"status": [_("Choose open, waiting for customer, solved or closed.")]},
        )
    with transaction.atomic():
        ticket = _locked_ticket(ticket_id)
        if ticket.status == status:
            return ticket
        before = snapshot(ticket, AUDITED_FIELDS)
        _set_status(ticket, status)
        ticket.save()
        record_change(
            actor=actor,
            action="ticket.status_changed",
            target=ticket,
            changes=diff(before, snapshot(ticket, AUDITED_FIELDS)),
        )
    return ticket


def set_ticket_priority(*, actor, ticket_id: int, priority: str) -> Ticket:
    """Raises InvalidInput (priority), UnknownTicket. Locks the ticket's row."""
    _check_choice(priority, TicketPriority, field="priority")
    with transaction.atomic():
        ticket = _locked_ticket(ticket_id)
        if ticket.priority == priority:
            return ticket
        before = snapshot(ticket, AUDITED_FIELDS)
        ticket.priority = priority
        ticket.save(update_fields=["priority", "updated_at"])
        record_change(
            actor=actor,
            action="ticket.priority_changed",
            target=ticket,
            changes=diff(before, snapshot(ticket, AUDITED_FIELDS)),
        )
    return ticket


def save_canned_reply(
    *, actor, title: str, body: str, is_active: bool = True, canned_reply_id: int | None = None
) -> CannedReply:
    """Create a canned reply, or change the one of `canned_reply_id`. Raises InvalidInput
    (title, body; a title already used), NotFound (unknown_canned_reply)."""
    title = (title or "").strip()
    body = (body or "").strip()
    errors = {}
    if not title or len(title) > 100:
        errors["title"] = [_("Give a title of 1 to 100 characters.")]
    if not body or len(body) > MAX_BODY:
        errors["body"] = [_("Write a text of 1 to 10,000 characters.")]
    if errors:
        raise InvalidInput(_("Please correct the canned reply."), fields=errors)
    with transaction.atomic():
        if canned_reply_id is None:
            reply = CannedReply(title=title, body=body, is_active=is_active)
            before = {}
        else:
            reply = CannedReply.objects.select_for_update().filter(pk=canned_reply_id).first()
            if reply is None:
                raise NotFound(_("No such canned reply."), code="unknown_canned_reply")
            before = snapshot(reply, ("title", "body", "is_active"))
            reply.title, reply.body, reply.is_active = title, body, is_active
        reply.updated_at = timezone.now()
        try:
            with transaction.atomic():
                reply.save()
        except IntegrityError:
            raise InvalidInput(
                _("A canned reply with this title already exists."),
                code="duplicate_title",
                fields={"title": [_("A canned reply with this title already exists.")]},
            ) from None
        record_change(
            actor=actor,
            action="canned_reply.saved",
            target=reply,
            changes=diff(before, snapshot(reply, ("title", "body", "is_active"))),
        )
    return reply


def answer_survey(*, token: str, score, comment: str = "") -> SatisfactionSurvey:
    """Record the one answer of a survey: a score from 1 to 5 and an optional comment.
    A conditional UPDATE (still unanswered) makes a second answer, even a concurrent one,
    change nothing. Raises InvalidInput (score, comment), UnknownSurvey,
    SurveyAlreadyAnswered."""
    survey = SatisfactionSurvey.objects.filter(access_token=token).first() if token else None
    if survey is None:
        raise UnknownSurvey()
    errors = {}
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        errors["score"] = [_("Choose a score from 1 to 5.")]
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = [_("Keep the comment under 2,000 characters.")]
    if errors:
        raise InvalidInput(_("Please correct your answer."), code="invalid_answer", fields=errors)
    answered = SatisfactionSurvey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
        score=score, comment=comment, answered_at=timezone.now()
    )
    if not answered:
        raise SurveyAlreadyAnswered()
    survey.refresh_from_db()
    return survey


def send_delivery_surveys(*, now: datetime | None = None, limit: int = 200) -> int:
    """E-mail a survey for up to `limit` web orders delivered between 30 days and 1 day ago
    that have none yet; return how many were sent. Each survey is created in its own short
    transaction; the one-survey-per-order constraint makes concurrent runs harmless."""
    now = now or timezone.now()
    orders = list(
        Order.objects.filter(
            source=Order.Source.WEB,
            status=Order.Status.DELIVERED,
            survey__isnull=True,
            status_changes__to_status=Order.Status.DELIVERED,
            status_changes__at__lte=now - DELIVERY_SURVEY_DELAY,
            status_changes__at__gte=now - DELIVERY_SURVEY_WINDOW,
        )
        .exclude(email="")
        .only("pk", "email", "language", "number")
        .distinct()
        .order_by("pk")[:limit]
    )
    sent = 0
    for order in orders:
        try:
            with transaction.atomic():
                survey = SatisfactionSurvey.objects.create(
                    kind=SatisfactionSurvey.Kind.DELIVERY,
                    order=order,
                    email=order.email,
                    language=_language(order.language),
                    access_token=secrets.token_urlsafe(32),
                    sent_at=now,
                )
                emails.enqueue_survey(survey)
        except IntegrityError:
            continue  # another run sent it
        sent += 1
    return sent


def _set_status(ticket: Ticket, status: str) -> None:
    if status == TicketStatus.SOLVED and ticket.status != TicketStatus.SOLVED:
        ticket.solved_at = timezone.now()
        _send_ticket_survey(ticket)
    elif status in (TicketStatus.OPEN, TicketStatus.WAITING):
        ticket.solved_at = None
    ticket.status = status
    ticket.updated_at = timezone.now()


def _send_ticket_survey(ticket: Ticket) -> None:
    if SatisfactionSurvey.objects.filter(ticket=ticket).exists():
        return
    survey = SatisfactionSurvey.objects.create(
        kind=SatisfactionSurvey.Kind.TICKET,
        ticket=ticket,
        email=ticket.email,
        language=ticket.language,
        access_token=secrets.token_urlsafe(32),
        sent_at=timezone.now(),
    )
    emails.enqueue_survey(survey)


def _create_ticket(*, channel: str, **fields) -> Ticket:
    now = timezone.now()
    return Ticket.objects.create(
        number=f"TK-{next_number('ticket'):05d}",
        channel=channel,
        access_token=secrets.token_urlsafe(32),
        created_at=now,
        updated_at=now,
        **{name: value for name, value in fields.items() if name != "body"},
    )


def _add_message(ticket: Ticket, *, kind: str, body: str, author=None) -> TicketMessage:
    now = timezone.now()
    ticket.updated_at = now
    return TicketMessage.objects.create(
        ticket=ticket, kind=kind, body=body, author=author, created_at=now
    )


def _locked_ticket(ticket_id: int) -> Ticket:
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise UnknownTicket()
    return ticket


def _order(order_id: int) -> Order:
    order = Order.objects.filter(pk=order_id).select_related("customer").first()
    if order is None:
        raise NotFound(
            _("No such order."), code="unknown_order", fields={"order": [_("No such order.")]}
        )
    return order


def _customer_for(*, user, order: Order | None, email: str) -> Customer | None:
    if user is not None and user.is_authenticated:
        customer = Customer.objects.filter(user=user).first()
        if customer is not None:
            return customer
    if order is not None and order.customer_id:
        return order.customer
    return (
        Customer.objects.filter(email__iexact=email, user__isnull=True, is_fictitious=False)
        .order_by("-pk")
        .first()
    )


def _clean_request(*, email: str, name: str, subject: str, body: str) -> dict:
    errors = {}
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    name = (name or "").strip()
    if not name or len(name) > 120:
        errors["name"] = [_("Give a name of 1 to 120 characters.")]
    subject = (subject or "").strip()
    if not subject or len(subject) > 150:
        errors["subject"] = [_("Give a subject of 1 to 150 characters.")]
    body = (body or "").strip()
    if not body or len(body) > MAX_BODY:
        errors["body"] = [_("Write a message of 1 to 10,000 characters.")]
    if errors:
        raise InvalidInput(_("Please correct the highlighted fields."), fields=errors)
    return {"email": email, "name": name, "subject": subject, "body": body}


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body or len(body) > MAX_BODY:
        raise InvalidInput(
            _("Write a message of 1 to 10,000 characters."),
            code="invalid_body",
            fields={"body": [_("Write a message of 1 to 10,000 characters.")]},
        )
    return body


def _check_choice(value: str, choices, *, field: str) -> None:
    if value not in choices.values:
        raise InvalidInput(
            _("“%(value)s” is not a valid choice.") % {"value": value},
            code=f"invalid_{field}",
            fields={field: [_("Choose one of the listed values.")]},
        )


def _language(language: str) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE
