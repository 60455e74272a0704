"""Console, customer service: the ticket list, one ticket and its forms, canned replies."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from orchestre.console.support_views import home_panel
from orchestre.core.models import AuditEntry, OutboxMessage
from orchestre.support.models import CannedReply, Ticket, TicketMessage
from orchestre.support.services import add_internal_note, reply_to_ticket
from orchestre.support.tests.factories import aged, customer_ticket
from orchestre.team.tests.factories import customer_user, staff_member

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def agent_client() -> tuple[Client, object]:
    agent = staff_member("customer-service")
    return signed_in(agent), agent


def test_the_list_filters_sorts_flags_overdue_and_exports(django_assert_max_num_queries):
    client, agent = agent_client()
    late = aged(customer_ticket(subject="Broken mug"), hours=12)
    fresh = customer_ticket(subject="Gift wrap?")
    solved = customer_ticket(subject="Thanks")
    client.post(f"/en/console/tickets/{solved.number}/status/", {"status": "solved"})

    with django_assert_max_num_queries(14):
        response = client.get("/en/console/tickets/")
    page = response.content.decode()
    overdue = client.get("/en/console/tickets/", {"overdue": "true"}).content.decode()
    unsolved = client.get("/en/console/tickets/", {"status": "unsolved", "sort": "-opened"})
    mine = client.get("/en/console/tickets/", {"assignee": "me"}).content.decode()
    exported = client.get("/en/console/tickets/", {"format": "csv", "sort": "number"})

    assert response.status_code == 200
    assert page.index(late.number) < page.index(fresh.number)  # oldest first
    assert '<span class="badge">Overdue</span>' in page
    assert late.number in overdue and fresh.number not in overdue
    text = unsolved.content.decode()
    assert solved.number not in text and text.index(fresh.number) < text.index(late.number)
    assert "No ticket matches these filters." in mine
    rows = b"".join(exported.streaming_content).decode().splitlines()
    assert rows[0].startswith("\ufeffnumber,opened at,status,priority,overdue")
    assert [row.split(",")[:5] for row in rows[1:]] == [
        [late.number, late.created_at.isoformat(), "new", "normal", "yes"],
        [fresh.number, fresh.created_at.isoformat(), "new", "normal", "no"],
        [
            solved.number,
            Ticket.objects.get(pk=solved.pk).created_at.isoformat(),
            "solved",
            "normal",
            "no",
        ],
    ]


def test_a_ticket_shows_the_whole_thread_to_staff(django_assert_max_num_queries):
    client, agent = agent_client()
    ticket = customer_ticket(subject="Where is it?")
    add_internal_note(actor=agent, ticket_id=ticket.pk, body="Carrier lost it.")
    reply_to_ticket(actor=agent, ticket_id=ticket.pk, body="We are checking.")

    with django_assert_max_num_queries(16):
        response = client.get(f"/en/console/tickets/{ticket.number}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Ticket TK-00001: Where is it?</h1>" in page
    for text in ("I ordered a week ago", "Carrier lost it.", "We are checking.", "Internal note"):
        assert text in page
    assert client.get("/en/console/tickets/TK-99999/").status_code == 404


def test_a_reply_through_htmx_updates_the_thread_and_e_mails_the_customer():
    client, agent = agent_client()
    ticket = customer_ticket(language="en")

    response = client.post(
        f"/en/console/tickets/{ticket.number}/reply/",
        {"body": "Your parcel left today.", "then": "waiting"},
        HTTP_HX_REQUEST="true",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<div id="conversation">')
    assert "Your parcel left today." in page and "Reply sent to the customer." in page
    ticket.refresh_from_db()
    assert ticket.status == "waiting"
    assert OutboxMessage.objects.filter(key__startswith="ticket-reply-").count() == 1


def test_an_empty_reply_is_explained_and_nothing_is_sent():
    client, agent = agent_client()
    ticket = customer_ticket()

    plain = client.post(
        f"/en/console/tickets/{ticket.number}/reply/", {"body": "  ", "then": "waiting"}
    )
    htmx = client.post(
        f"/en/console/tickets/{ticket.number}/reply/",
        {"body": "", "then": "archived"},
        HTTP_HX_REQUEST="true",
    )

    assert plain.status_code == 400
    assert "This field is required." in plain.content.decode()
    assert htmx.status_code == 200
    assert "Select a valid choice." in htmx.content.decode()
    assert TicketMessage.objects.filter(kind="reply").count() == 0
    assert OutboxMessage.objects.filter(key__startswith="ticket-reply-").count() == 0


def test_notes_assignment_status_and_priority_are_saved_and_audited():
    client, agent = agent_client()
    colleague = staff_member("customer-service")
    ticket = customer_ticket()
    base = f"/en/console/tickets/{ticket.number}"

    assert client.post(f"{base}/note/", {"body": "VIP"}).status_code == 302
    assert client.post(f"{base}/assign/", {"assignee": colleague.pk}).status_code == 302
    assert client.post(f"{base}/status/", {"status": "open"}).status_code == 302
    assert client.post(f"{base}/priority/", {"priority": "high"}).status_code == 302

    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status, ticket.priority) == (colleague, "open", "high")
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "channel")) == [
        ("ticket.noted", "console"),
        ("ticket.assigned", "console"),
        ("ticket.status_changed", "console"),
        ("ticket.priority_changed", "console"),
    ]


def test_assigning_to_someone_outside_customer_service_is_refused():
    client, agent = agent_client()
    outsider = staff_member("logistics-manager")
    ticket = customer_ticket()

    response = client.post(
        f"/en/console/tickets/{ticket.number}/assign/", {"assignee": outsider.pk}
    )

    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert AuditEntry.objects.count() == 0


def test_a_canned_reply_is_inserted_into_the_reply_box():
    client, agent = agent_client()
    canned = CannedReply.objects.create(
        title="Delay", body="Sorry for the delay.", updated_at=timezone.now()
    )
    ticket = customer_ticket()

    fragment = client.get(
        f"/en/console/tickets/{ticket.number}/",
        {"canned": canned.pk, "body": "Hello Camille,"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="reply-form",
    )
    page = client.get(f"/en/console/tickets/{ticket.number}/", {"canned": canned.pk})

    assert fragment.content.decode().startswith('<div id="reply-form">')
    assert "Hello Camille,\n\nSorry for the delay.</textarea>" in fragment.content.decode()
    assert ">\nSorry for the delay.</textarea>" in page.content.decode()


def test_canned_replies_are_added_and_edited_with_clear_errors():
    client, agent = agent_client()

    created = client.post(
        "/en/console/support/canned-replies/",
        {"title": "Delay", "body": "Sorry for the delay.", "is_active": "on"},
    )
    reply = CannedReply.objects.get()
    duplicate = client.post(
        "/en/console/support/canned-replies/", {"title": "Delay", "body": "Again"}
    )
    edited = client.post(
        f"/en/console/support/canned-replies/{reply.pk}/",
        {"title": "Late parcel", "body": "Sorry."},
    )

    assert (created.status_code, duplicate.status_code, edited.status_code) == (302, 400, 302)
    assert "A canned reply with this title already exists." in duplicate.content.decode()
    reply.refresh_from_db()
    assert (reply.title, reply.body, reply.is_active) == ("Late parcel", "Sorry.", False)
    assert CannedReply.objects.count() == 1


def test_staff_open_a_ticket_for_a_customer():
    client, agent = agent_client()
    customer = customer_user().customer

    form = client.get("/en/console/tickets/new/", {"customer": customer.pk})
    created = client.post(
        "/en/console/tickets/new/",
        {
            "name": "Claire Martin",
            "email": customer.email,
            "subject": "Phone call",
            "body": "Wants a gift note.",
            "language": "fr",
            "priority": "normal",
            "customer": customer.pk,
            "order": "",
        },
    )
    refused = client.post("/en/console/tickets/new/", {"name": "x", "order": "NOPE"})

    assert customer.email in form.content.decode()
    ticket = Ticket.objects.get()
    assert created["Location"] == f"/en/console/tickets/{ticket.number}/"
    assert (ticket.customer, ticket.channel) == (customer, "staff")
    assert refused.status_code == 400
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/en/console/tickets/", {}),
        ("get", "/en/console/tickets/TK-00001/", {}),
        ("post", "/en/console/tickets/TK-00001/reply/", {"body": "Hi", "then": "waiting"}),
        ("post", "/en/console/tickets/TK-00001/note/", {"body": "Hi"}),
        ("post", "/en/console/tickets/TK-00001/status/", {"status": "closed"}),
        ("post", "/en/console/tickets/TK-00001/priority/", {"priority": "urgent"}),
        ("post", "/en/console/tickets/TK-00001/assign/", {"assignee": ""}),
        ("get", "/en/console/support/canned-replies/", {}),
        ("post", "/en/console/support/canned-replies/", {"title": "T", "body": "B"}),
        ("get", "/en/console/tickets/new/", {}),
    ],
)
def test_ticket_pages_need_the_manage_tickets_permission(method, path, data):
    customer_ticket()
    anonymous = getattr(Client(), method)(path, data)
    customer = getattr(signed_in(customer_user()), method)(path, data)
    logistics = getattr(signed_in(staff_member("logistics-manager")), method)(path, data)
    allowed = getattr(signed_in(staff_member("customer-service")), method)(path, data)

    assert anonymous.status_code == 302 and "/console/sign-in/" in anonymous["Location"]
    assert (customer.status_code, logistics.status_code) == (403, 403)
    assert allowed.status_code in (200, 302)
    if method == "post":
        # Unassigning an unassigned ticket changes nothing, so it writes no audit entry.
        assert AuditEntry.objects.count() == (0 if path.endswith("assign/") else 1)
        assert TicketMessage.objects.count() == 1 + (path.endswith(("reply/", "note/")))


def test_the_home_panel_lists_open_tickets_overdue_first():
    agent = staff_member("customer-service")
    customer_ticket(subject="New one")
    late = aged(customer_ticket(subject="Old one"), hours=20)

    request = RequestFactory().get("/en/console/")
    request.user = agent

    with translation.override("en"):
        page = render_to_string("console/support/_home_panel.html", home_panel(request))

    assert "Open tickets by age" in page
    assert page.index(late.number) < page.index("TK-00001")
