from datetime import timedelta

import pytest
from django.utils import timezone

from orchestre.core.errors import InvalidInput, NotFound
from orchestre.core.models import AuditEntry, OutboxMessage
from orchestre.customers.models import Customer
from orchestre.orders.tests.factories import paid_test_order
from orchestre.support.errors import TicketClosed
from orchestre.support.models import SatisfactionSurvey, Ticket, TicketMessage
from orchestre.support.services import (
    add_customer_message,
    add_internal_note,
    assign_ticket,
    change_ticket_status,
    open_staff_ticket,
    reply_to_ticket,
    save_canned_reply,
    set_ticket_priority,
)
from orchestre.support.tests.factories import customer_ticket
from orchestre.team.tests.factories import customer_user, staff_member

pytestmark = pytest.mark.django_db


def test_a_contact_message_opens_a_numbered_ticket_and_acknowledges_it():
    first = customer_ticket()
    second = customer_ticket(language="en", email="x@example.org")

    assert (first.number, second.number) == ("TK-00001", "TK-00002")
    assert (first.status, first.priority, first.channel) == ("new", "normal", "contact_form")
    assert len(first.access_token) >= 40
    assert list(first.messages.values_list("kind", "body")) == [
        ("customer", "I ordered a week ago and have no news.")
    ]
    email = OutboxMessage.objects.get(key=f"ticket-received-{second.pk}")
    assert email.payload["to"] == "x@example.org"
    assert email.payload["subject"] == "[TK-00002] We have received your message"
    assert (
        f"http://127.0.0.1:8000/en/support/ticket/{second.access_token}/"
        in (email.payload["text_body"])
    )
    assert second.access_token in email.payload["html_body"]
    french = OutboxMessage.objects.get(key=f"ticket-received-{first.pk}")
    assert french.payload["text_body"].count(f"/support/ticket/{first.access_token}/") == 1
    assert "/en/" not in french.payload["text_body"]


def test_a_ticket_from_an_order_page_belongs_to_the_order_and_its_customer():
    order = paid_test_order()
    customer = Customer.objects.create(
        first_name="Camille",
        last_name="Durand",
        email="c@example.org",
        country="FR",
        created_at=timezone.now(),
    )
    order.customer = customer
    order.save()

    ticket = customer_ticket(order_id=order.pk)

    assert (ticket.channel, ticket.order_id, ticket.customer_id) == (
        "order_page",
        order.pk,
        customer.pk,
    )


def test_a_guest_is_never_joined_to_an_accounts_customer_record_by_e_mail():
    user = customer_user(email="claire@example.fr")

    guest = customer_ticket(email="claire@example.fr")
    signed_in = customer_ticket(email="other@example.fr", user=user)

    assert guest.customer_id is None
    assert signed_in.customer_id == user.customer.pk


def test_bad_input_is_refused_field_by_field_and_nothing_is_kept():
    with pytest.raises(InvalidInput) as refused:
        customer_ticket(email="not-an-address", subject=" ", body="x" * 10_001, name="")

    assert refused.value.fields == {
        "email": ["Enter a valid e-mail address."],
        "name": ["Give a name of 1 to 120 characters."],
        "subject": ["Give a subject of 1 to 150 characters."],
        "body": ["Write a message of 1 to 10,000 characters."],
    }
    assert Ticket.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_an_unknown_order_is_refused():
    with pytest.raises(NotFound) as refused:
        customer_ticket(order_id=999_999)
    assert refused.value.code == "unknown_order"
    assert Ticket.objects.count() == 0


def test_a_staff_reply_is_e_mailed_in_the_customers_language_and_audited():
    agent = staff_member("customer-service")
    ticket = customer_ticket(language="en")

    message = reply_to_ticket(actor=agent, ticket_id=ticket.pk, body="It left today.\nSorry!")

    ticket.refresh_from_db()
    assert (message.kind, message.author, ticket.status) == ("reply", agent, "waiting")
    assert ticket.first_response_at == message.created_at
    email = OutboxMessage.objects.get(key=f"ticket-reply-{message.pk}")
    assert email.payload["subject"] == "[TK-00001] Re: Where is my parcel?"
    assert "It left today.\nSorry!" in email.payload["text_body"]
    assert "<p>It left today.<br>Sorry!</p>" in email.payload["html_body"]
    assert "Answer or read the whole conversation" in email.payload["text_body"]
    entry = AuditEntry.objects.get(action="ticket.replied")
    assert (entry.actor, entry.target_label) == (agent, "TK-00001")
    assert entry.changes == {"status": ["new", "waiting"]}


def test_the_first_response_time_is_kept_by_later_replies():
    agent = staff_member("customer-service")
    ticket = customer_ticket()
    first = reply_to_ticket(actor=agent, ticket_id=ticket.pk, body="One")
    reply_to_ticket(actor=agent, ticket_id=ticket.pk, body="Two", then="open")

    ticket.refresh_from_db()
    assert (ticket.first_response_at, ticket.status) == (first.created_at, "open")


def test_an_internal_note_is_never_e_mailed():
    agent = staff_member("customer-service")
    ticket = customer_ticket()
    emails_before = OutboxMessage.objects.count()

    note = add_internal_note(actor=agent, ticket_id=ticket.pk, body="Customer is a VIP.")

    assert note.kind == "note" and not note.is_public
    assert OutboxMessage.objects.count() == emails_before
    ticket.refresh_from_db()
    assert (ticket.status, ticket.first_response_at) == ("new", None)
    assert AuditEntry.objects.filter(action="ticket.noted").count() == 1


def test_a_customer_answer_reopens_a_waiting_or_solved_ticket_but_not_a_closed_one():
    agent = staff_member("customer-service")
    ticket = customer_ticket()
    reply_to_ticket(actor=agent, ticket_id=ticket.pk, body="Done.", then="solved")

    add_customer_message(ticket_id=ticket.pk, body="Not received yet, actually.")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.solved_at) == ("open", None)

    change_ticket_status(actor=agent, ticket_id=ticket.pk, status="closed")
    with pytest.raises(TicketClosed):
        add_customer_message(ticket_id=ticket.pk, body="Hello?")
    assert ticket.messages.count() == 3


def test_solving_sends_one_survey_per_ticket():
    agent = staff_member("customer-service")
    ticket = customer_ticket()

    change_ticket_status(actor=agent, ticket_id=ticket.pk, status="solved")
    change_ticket_status(actor=agent, ticket_id=ticket.pk, status="open")
    change_ticket_status(actor=agent, ticket_id=ticket.pk, status="solved")

    survey = SatisfactionSurvey.objects.get()
    assert (survey.kind, survey.ticket, survey.email) == ("ticket", ticket, ticket.email)
    email = OutboxMessage.objects.get(key=f"survey-{survey.pk}")
    assert f"/support/survey/{survey.access_token}/" in email.payload["text_body"]
    assert [entry.changes["status"] for entry in AuditEntry.objects.order_by("pk")] == [
        ["new", "solved"],
        ["solved", "open"],
        ["open", "solved"],
    ]


def test_staff_cannot_set_new_or_an_unknown_status_and_nothing_changes():
    agent = staff_member("customer-service")
    ticket = customer_ticket()

    for status in ("new", "archived", ""):
        with pytest.raises(InvalidInput) as refused:
            change_ticket_status(actor=agent, ticket_id=ticket.pk, status=status)
        assert refused.value.code == "invalid_status"
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert AuditEntry.objects.count() == 0


def test_tickets_are_assigned_only_to_staff_who_answer_tickets():
    agent = staff_member("customer-service")
    colleague = staff_member("customer-service")
    ticket = customer_ticket()

    assign_ticket(actor=agent, ticket_id=ticket.pk, assignee_id=colleague.pk)
    for outsider in (staff_member("logistics-manager"), customer_user()):
        with pytest.raises(InvalidInput):
            assign_ticket(actor=agent, ticket_id=ticket.pk, assignee_id=outsider.pk)

    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.changes) == ("ticket.assigned", {"assignee": [None, colleague.pk]})


def test_priority_changes_are_checked_and_audited():
    agent = staff_member("customer-service")
    ticket = customer_ticket()

    set_ticket_priority(actor=agent, ticket_id=ticket.pk, priority="urgent")
    with pytest.raises(InvalidInput):
        set_ticket_priority(actor=agent, ticket_id=ticket.pk, priority="asap")

    ticket.refresh_from_db()
    assert ticket.priority == "urgent"
    assert AuditEntry.objects.get().changes == {"priority": ["normal", "urgent"]}


def test_staff_open_a_ticket_for_a_customer_without_e_mailing_them():
    agent = staff_member("customer-service")
    customer = customer_user().customer

    ticket = open_staff_ticket(
        actor=agent,
        email=customer.email,
        name=str(customer),
        subject="Phone call",
        body="Asked for a gift wrap.",
        customer_id=customer.pk,
        priority="high",
    )

    assert (ticket.channel, ticket.customer, ticket.priority) == ("staff", customer, "high")
    assert ticket.messages.get().author == agent
    assert OutboxMessage.objects.count() == 0
    assert AuditEntry.objects.get().action == "ticket.created"


def test_an_overdue_ticket_is_flagged_until_answered():
    agent = staff_member("customer-service")
    ticket = customer_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - timedelta(hours=9))
    ticket.refresh_from_db()
    assert ticket.is_overdue

    reply_to_ticket(actor=agent, ticket_id=ticket.pk, body="Sorry for the wait.", then="open")
    ticket.refresh_from_db()
    assert not ticket.is_overdue


def test_canned_replies_have_unique_titles():
    agent = staff_member("customer-service")
    reply = save_canned_reply(actor=agent, title="Delay", body="Sorry for the delay.")
    save_canned_reply(actor=agent, title="Thanks", body="Thank you.")

    with pytest.raises(InvalidInput) as refused:
        save_canned_reply(actor=agent, title="Thanks", body="x", canned_reply_id=reply.pk)

    assert refused.value.fields == {"title": ["A canned reply with this title already exists."]}
    reply.refresh_from_db()
    assert (reply.title, reply.body) == ("Delay", "Sorry for the delay.")
    assert TicketMessage.objects.count() == 0
