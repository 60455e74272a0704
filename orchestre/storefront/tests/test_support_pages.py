"""Customer service on the storefront: contact form, thread by token, own tickets, CSAT."""

import pytest
from django.test import Client

from orchestre.core.models import OutboxMessage
from orchestre.orders.tests.factories import paid_test_order
from orchestre.storefront.support_views import CONTACT_LIMIT
from orchestre.support.models import SatisfactionSurvey, Ticket, TicketMessage
from orchestre.support.services import add_internal_note, change_ticket_status, reply_to_ticket
from orchestre.support.tests.factories import customer_ticket
from orchestre.team.tests.factories import customer_user, staff_member

pytestmark = pytest.mark.django_db

CONTACT = {
    "name": "Camille Durand",
    "email": "camille@example.org",
    "subject": "Gift wrap",
    "body": "Can you wrap my order?",
    "website": "",
}


def test_the_contact_form_opens_a_ticket_and_shows_its_thread(
    client, django_assert_max_num_queries
):
    form = client.get("/en/support/contact/")
    response = client.post("/en/support/contact/", CONTACT)

    ticket = Ticket.objects.get()
    assert form.status_code == 200
    assert form["Cache-Control"] == "private, no-store"
    assert response.status_code == 302
    assert response["Location"] == f"/en/support/ticket/{ticket.access_token}/"
    assert (ticket.language, ticket.channel, ticket.subject) == ("en", "contact_form", "Gift wrap")
    with django_assert_max_num_queries(6):
        thread = client.get(response["Location"])
    page = thread.content.decode()
    assert thread["X-Robots-Tag"] == "noindex"
    assert "Thank you, we have received your message TK-00001." in page
    assert "Can you wrap my order?" in page


def test_bad_input_is_explained_next_to_the_fields_and_nothing_is_kept(client):
    response = client.post("/en/support/contact/", CONTACT | {"email": "nope", "body": ""})

    page = response.content.decode()
    assert response.status_code == 400
    assert '<p class="field-error" id="id_email_error">Enter a valid email address.</p>' in page
    assert '<p class="field-error" id="id_body_error">This field is required.</p>' in page
    assert 'role="alert"' in page
    assert Ticket.objects.count() == 0


def test_a_robot_filling_the_honeypot_is_thanked_but_nothing_is_kept(client):
    response = client.post("/en/support/contact/", CONTACT | {"website": "http://spam.example"})

    assert response.status_code == 302
    assert response["Location"] == "/en/support/contact/"
    assert Ticket.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_an_address_sending_too_many_messages_is_slowed_down(client):
    for _ in range(CONTACT_LIMIT):
        assert client.post("/en/support/contact/", CONTACT).status_code == 302

    refused = client.post("/en/support/contact/", CONTACT)
    other_address = client.post("/en/support/contact/", CONTACT, REMOTE_ADDR="10.0.0.9")

    assert refused.status_code == 429
    assert "You have sent several messages in a short time." in refused.content.decode()
    assert other_address.status_code == 302
    assert Ticket.objects.count() == CONTACT_LIMIT + 1


def test_the_order_page_links_to_a_contact_form_tied_to_the_order(client):
    order = paid_test_order(language="en")

    order_page = client.get(f"/en/order/{order.access_token}/").content.decode()
    link = f"/en/support/contact/?order={order.access_token}"
    form = client.get(link)
    response = client.post(link, CONTACT | {"subject": "Missing item"})

    assert "Contact us about this order" in order_page and link in order_page
    assert f"Your message will be about order {order.number}." in form.content.decode()
    assert 'value="camille.durand@example.org"' in form.content.decode()
    ticket = Ticket.objects.get()
    assert (ticket.order, ticket.channel) == (order, "order_page")
    assert response.status_code == 302
    assert client.get("/en/support/contact/?order=not-a-token").status_code == 404


def test_the_thread_hides_internal_notes_and_takes_an_answer(client):
    agent = staff_member("customer-service")
    ticket = customer_ticket(language="en")
    add_internal_note(actor=agent, ticket_id=ticket.pk, body="Secret: customer is grumpy.")
    reply_to_ticket(actor=agent, ticket_id=ticket.pk, body="It left today.")
    url = f"/en/support/ticket/{ticket.access_token}/"

    page = client.get(url).content.decode()
    answered = client.post(url, {"body": "Thanks, received!"})
    empty = client.post(url, {"body": "   "})

    assert "It left today." in page and "Secret" not in page
    assert answered.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert empty.status_code == 400
    assert TicketMessage.objects.filter(kind="customer").count() == 2


def test_a_closed_thread_takes_no_more_answers(client):
    agent = staff_member("customer-service")
    ticket = customer_ticket(language="en")
    change_ticket_status(actor=agent, ticket_id=ticket.pk, status="closed")
    url = f"/en/support/ticket/{ticket.access_token}/"

    page = client.get(url).content.decode()
    refused = client.post(url, {"body": "Hello?"})

    assert "This conversation is closed." in page and "<textarea" not in page
    assert refused.status_code == 400
    assert TicketMessage.objects.count() == 1


def test_unknown_tokens_are_not_found(client):
    assert client.get("/en/support/ticket/not-a-token/").status_code == 404
    assert client.post("/en/support/ticket/not-a-token/", {"body": "x"}).status_code == 404
    assert client.get("/en/support/survey/not-a-token/").status_code == 404


def test_a_customer_never_reaches_another_customers_ticket():
    owner = customer_user()
    stranger = customer_user()
    ticket = customer_ticket(user=owner)
    owner_client, stranger_client = Client(), Client()
    owner_client.force_login(owner)
    stranger_client.force_login(stranger)

    own = owner_client.get(f"/en/support/tickets/{ticket.number}/")
    other = stranger_client.get(f"/en/support/tickets/{ticket.number}/")
    own_list = owner_client.get("/en/support/tickets/").content.decode()
    other_list = stranger_client.get("/en/support/tickets/").content.decode()

    assert (
        own.status_code == 302 and own["Location"] == f"/en/support/ticket/{ticket.access_token}/"
    )
    assert other.status_code == 404
    assert ticket.number in own_list and ticket.number not in other_list
    assert Client().get(f"/en/support/tickets/{ticket.number}/").status_code == 302  # sign in


def test_the_survey_is_an_accessible_radio_group_answered_once(client):
    agent = staff_member("customer-service")
    ticket = customer_ticket(language="en")
    change_ticket_status(actor=agent, ticket_id=ticket.pk, status="solved")
    survey = SatisfactionSurvey.objects.get()
    url = f"/en/support/survey/{survey.access_token}/"

    page = client.get(url).content.decode()
    missing = client.post(url, {"comment": "No score"})
    answered = client.post(url, {"score": "5", "comment": "Great"})
    again = client.post(url, {"score": "1"})

    assert "<fieldset" in page and "<legend>How satisfied are you?</legend>" in page
    assert page.count('type="radio" name="score"') == 5
    assert '<label for="id_score_4">5 – Very satisfied</label>' in page
    assert missing.status_code == 400 and "Choose a score from 1 to 5." in missing.content.decode()
    assert answered.status_code == 200 and "Thank you for your answer!" in answered.content.decode()
    assert again.status_code == 409
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (5, "Great")
