"""Withdrawal from the order page, the return's page and the credit note, reachable only
through the order's access token."""

import re
from html import unescape

import pytest

from orchestre.core.models import OutboxMessage
from orchestre.orders.tests.factories import place_test_order
from orchestre.returns.models import ReturnRequest
from orchestre.returns.services import refund_return
from orchestre.returns.tests.factories import delivered_order, inspected, paid_order, withdrawn
from orchestre.team.tests.factories import staff_member

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", unescape(response.content.decode())))


def test_the_order_page_offers_withdrawal_while_the_period_is_open(client):
    order = delivered_order(days_ago=3)

    page = client.get(f"/en/order/{order.access_token}/")

    html = page.content.decode()
    assert f'href="/en/order/{order.access_token}/withdraw/"' in html
    assert "Withdraw from the contract" in html
    assert 'href="/en/terms-of-sale/#withdrawal-form-title"' in html
    assert "You may withdraw from this purchase until " in text(page)


def test_before_delivery_withdrawal_is_offered_too(client):
    order = paid_order()

    page = client.get(f"/en/order/{order.access_token}/")

    assert "until 14 days after delivery" in text(page)


def test_after_the_period_the_order_page_and_the_form_say_why(client):
    order = delivered_order(days_ago=30)

    page = client.get(f"/en/order/{order.access_token}/")
    form = client.get(f"/en/order/{order.access_token}/withdraw/")
    post = client.post(
        f"/en/order/{order.access_token}/withdraw/",
        {f"line-{order.product_lines[0].pk}": "1", "step": "confirm"},
    )

    assert "/withdraw/" not in page.content.decode()
    assert "The 14-day withdrawal period ended on " in text(page)
    assert form.status_code == 200
    assert "Withdrawal is not available for this order" in text(form)
    assert "The 14-day withdrawal period ended on " in text(form)
    assert post.status_code == 200
    assert not ReturnRequest.objects.exists()


def test_an_unpaid_order_offers_no_withdrawal(client):
    order = place_test_order()

    page = client.get(f"/en/order/{order.access_token}/")

    assert "Withdrawal and returns" not in page.content.decode()


def test_choose_review_confirm_then_see_the_return(client):
    order = delivered_order()
    heart, mug, book = order.product_lines
    address = f"/en/order/{order.access_token}/withdraw/"

    form = client.get(address)
    review = client.post(
        address, {f"line-{heart.pk}": "1", f"line-{mug.pk}": "0", f"line-{book.pk}": "1"}
    )
    assert not ReturnRequest.objects.exists()
    confirmed = client.post(
        address,
        {
            f"line-{heart.pk}": "1",
            f"line-{mug.pk}": "0",
            f"line-{book.pk}": "1",
            "reason": "Cadeau en double",
            "step": "confirm",
        },
    )

    assert form.status_code == 200
    assert form["Cache-Control"] == "private, no-store"
    assert form["X-Robots-Tag"] == "noindex"
    assert f'name="line-{heart.pk}"' in form.content.decode()
    assert 'value="2"' in form.content.decode()  # everything chosen at first
    assert review.status_code == 200
    assert "Confirm the withdrawal" in review.content.decode()
    request = ReturnRequest.objects.get()
    assert [(line.sku, line.quantity) for line in request.lines.all()] == [
        ("85123A", 1),
        ("22988", 1),
    ]
    assert request.reason == "Cadeau en double"
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/en/order/{order.access_token}/returns/{request.number}/"
    page = client.get(confirmed["Location"])
    assert "Status: Requested" in text(page)
    assert "Cadeau en double" in text(page)
    assert OutboxMessage.objects.filter(key=f"return-acknowledgement:{request.number}").exists()
    order_page = client.get(f"/en/order/{order.access_token}/")
    assert f"Return {request.number}" in text(order_page)


@pytest.mark.parametrize(
    ("value", "message"),
    [("3", "Ensure this value is less than or equal to 2."), ("x", "Enter a whole number.")],
)
def test_bad_quantities_are_shown_next_to_the_line_and_nothing_is_recorded(client, value, message):
    order = delivered_order()
    heart = order.product_lines[0]

    answer = client.post(
        f"/en/order/{order.access_token}/withdraw/", {f"line-{heart.pk}": value, "step": "confirm"}
    )

    assert answer.status_code == 400
    html = unescape(answer.content.decode())
    assert message in html
    assert f'aria-describedby="id_line-{heart.pk}-error"' in html
    assert not ReturnRequest.objects.exists()


def test_choosing_nothing_is_explained(client):
    order = delivered_order()

    answer = client.post(
        f"/en/order/{order.access_token}/withdraw/",
        {f"line-{line.pk}": "0" for line in order.product_lines},
    )

    assert answer.status_code == 400
    assert "Choose at least one item to return." in answer.content.decode()


def test_the_credit_note_is_reachable_from_the_order_page(client):
    order = delivered_order()
    staff = staff_member("customer-service")
    request = refund_return(return_id=inspected(order, staff).pk, actor=staff)
    note = request.credit_note

    order_page = client.get(f"/en/order/{order.access_token}/")
    html_note = client.get(f"/en/order/{order.access_token}/credit-notes/{note.number}/")
    pdf = client.get(f"/en/order/{order.access_token}/credit-notes/{note.number}.pdf")

    assert f"/en/order/{order.access_token}/credit-notes/{note.number}/" in (
        order_page.content.decode()
    )
    assert html_note.status_code == 200
    assert f"Numéro de commande {order.number}" in text(html_note)  # the order's language
    assert "23,05" in text(html_note)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-1.")


def test_another_buyers_return_or_credit_note_is_a_404(client):
    mine = delivered_order()
    theirs = delivered_order()
    staff = staff_member("customer-service")
    their_request = refund_return(return_id=inspected(theirs, staff).pk, actor=staff)
    note = their_request.credit_note
    token = mine.access_token

    assert client.get(f"/order/{token}/returns/{their_request.number}/").status_code == 404
    assert client.get(f"/order/{token}/credit-notes/{note.number}/").status_code == 404
    assert client.get(f"/order/{token}/credit-notes/{note.number}.pdf").status_code == 404
    assert client.get("/order/unknown-token/withdraw/").status_code == 404
    assert client.post("/order/unknown-token/withdraw/", {}).status_code == 404


def test_a_signed_in_customer_cannot_open_another_customers_return(client):
    from orchestre.team.tests.factories import customer_user

    buyer = customer_user()
    other = delivered_order()
    request = withdrawn(other)
    mine = delivered_order(user=buyer)
    client.force_login(buyer)

    answer = client.get(f"/order/{mine.access_token}/returns/{request.number}/")

    assert answer.status_code == 404


def test_page_queries(client, django_assert_num_queries):
    order = delivered_order()
    request = withdrawn(order)

    # The order with its invoice and lines, its shipments; the returns panel: delivery
    # date, returns, their lines.
    with django_assert_num_queries(6):
        client.get(f"/order/{order.access_token}/")
    # Order; returns, lines; and again for what is left: delivery date, returned units.
    with django_assert_num_queries(4):
        client.get(f"/order/{order.access_token}/withdraw/")
    with django_assert_num_queries(4):
        client.get(f"/order/{order.access_token}/returns/{request.number}/")
