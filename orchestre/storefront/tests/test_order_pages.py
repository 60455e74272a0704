"""The order page and its invoices, reachable only through the order's access token."""

import re
from html import unescape

import pytest

from orchestre.orders.services import mark_order_paid
from orchestre.orders.tests.factories import paid_test_order, place_test_order

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def text_of(response) -> str:
    return unescape(response.content.decode())


def visible_text(response) -> str:
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", text_of(response)))


def assert_private(response) -> None:
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"


def test_the_order_page_shows_the_order_awaiting_payment_and_polls_for_its_status(client):
    order = place_test_order()
    token = order.access_token

    response = client.get(f"/order/{token}/")

    assert response.status_code == 200
    assert_private(response)
    html = text_of(response)
    text = visible_text(response)
    assert '<meta name="robots" content="noindex">' in html
    assert re.search(rf"<h1>[^<]*{order.number}</h1>", html)
    # Polls itself every 3 s with htmx, with a link for browsers without JavaScript.
    assert f'hx-get="/order/{token}/" hx-trigger="every 3s" hx-swap="outerHTML"' in html
    assert f'<a href="/order/{token}/">' in html
    assert "/invoice" not in html
    assert "Photophore cœur blanc" in text
    assert "85123A" in text
    assert f"5,90{NBSP}€" in text
    assert f"23,05{NBSP}€" in text
    assert f"10,74{NBSP}€ 2,15{NBSP}€" in text  # VAT at 20 %: base and tax
    assert f"9,63{NBSP}€ 0,53{NBSP}€" in text  # VAT at 5.5 %
    assert "5,5 %" in text
    assert "Colissimo à domicile" in text
    assert "mardi 1 décembre 2026" in text and "jeudi 3 décembre 2026" in text
    assert "<address>Camille Durand<br>8 rue des Lilas<br>Bâtiment B<br>69003 Lyon<br>" in html
    assert "<address>Camille Durand<br>3 place Bellecour<br>69002 Lyon<br>" in html


def test_the_status_is_named_and_explained(client):
    order = place_test_order()

    text = visible_text(client.get(f"/en/order/{order.access_token}/"))

    assert "Status: Awaiting payment" in text
    assert "We are waiting for the confirmation of your payment." in text
    assert "This page checks for the confirmation every few seconds. Refresh the page" in text


def test_the_order_page_is_accessible(client):
    order = paid_test_order()

    html = text_of(client.get(f"/order/{order.access_token}/"))

    main = html.split("<main", 1)[1]
    assert main.count("<h1") == 1
    assert main.count("<caption") == 2
    assert main.count('<th scope="col"') == 7
    assert '<th scope="row">' in main
    assert '<div aria-live="polite">' in main
    assert 'aria-labelledby="status-heading"' in main


def test_a_paid_order_links_its_invoice_and_stops_polling(client):
    order = paid_test_order()
    token = order.access_token

    response = client.get(f"/order/{token}/")

    html = text_of(response)
    assert "hx-trigger" not in html.split("<main", 1)[1]
    assert f'<a href="/order/{token}/invoice/">' in html
    assert f'<a href="/order/{token}/invoice.pdf" type="application/pdf">' in html
    assert order.invoice.number in html


def test_the_status_fragment_answers_204_until_the_payment_is_confirmed(client):
    order = place_test_order()
    url = f"/order/{order.access_token}/"

    waiting = client.get(url, headers={"HX-Request": "true"})
    mark_order_paid(order_id=order.pk, payment_reference="pi_123")
    paid = client.get(url, headers={"HX-Request": "true"})

    assert waiting.status_code == 204
    assert_private(waiting)
    assert paid.status_code == 200
    assert_private(paid)
    assert "HX-Request" in paid["Vary"]
    html = text_of(paid)
    assert html.startswith('<section id="order-status"')
    assert "hx-trigger" not in html
    assert f'href="/order/{order.access_token}/invoice/"' in html


def test_the_order_page_in_english(client):
    order = paid_test_order()

    response = client.get(f"/en/order/{order.access_token}/")

    text = visible_text(response)
    assert response.status_code == 200
    assert f"Order {order.number}" in text
    assert "Status: Paid Your payment has been received." in text
    assert "€23.05" in text
    assert f'href="/en/order/{order.access_token}/invoice/"' in text_of(response)


@pytest.mark.parametrize("suffix", ["", "invoice/", "invoice.pdf"])
def test_an_unknown_token_is_a_404(client, suffix):
    paid_test_order()

    response = client.get(f"/order/not-a-token/{suffix}")

    assert response.status_code == 404


@pytest.mark.parametrize("suffix", ["invoice/", "invoice.pdf"])
def test_an_unpaid_order_has_no_invoice_yet(client, suffix):
    order = place_test_order()

    assert client.get(f"/order/{order.access_token}/{suffix}").status_code == 404


def test_the_pages_only_answer_reads(client):
    order = paid_test_order()

    assert client.post(f"/order/{order.access_token}/").status_code == 405


def test_the_html_invoice_carries_the_french_mentions(client):
    order = paid_test_order(language="en")
    invoice = order.invoice

    response = client.get(f"/en/order/{order.access_token}/invoice/")

    assert response.status_code == 200
    assert_private(response)
    html = text_of(response)
    text = visible_text(response)
    assert '<meta name="robots" content="noindex">' in html
    assert '<article class="panel summary invoice" lang="en"' in html
    for mention in (
        invoice.number,
        order.number,
        "Orchestre Démo SAS",
        "SAS au capital de 10 000 €",
        "12 rue de la Paix, 75002 Paris, France",
        "000 000 000",
        "RCS Paris 000 000 000",
        "FR00000000000",
        "Camille Durand",
        "3 place Bellecour",
        "69002 Lyon",
        "8 rue des Lilas",  # delivered elsewhere than billed
        "Photophore cœur blanc (SKU 85123A) 2 €2.46 20 % €4.92 €5.90",
        "Livre de recettes (SKU 22988) 1 €7.58 5.5 % €7.58 €8.00",
        "Colissimo à domicile 1 €4.08 20 % €4.08 €4.90",
        "5.5 % €9.63 €0.53",
        "20 % €10.74 €2.15",
        "Total excl. VAT €20.37",
        "Total VAT €2.68",
        "Total incl. VAT €23.05",
        "Amount due €0.00",
        "Invoice number " + invoice.number,
        "Order number " + order.number,
        "Payment date ",
        "Late-payment penalties: none (paid at order). No discount for early payment.",
        "Legal guarantee of conformity: 2 years from delivery",
        "Right of withdrawal: 14 days from delivery",
    ):
        assert mention in text, mention
    main = html.split("<main", 1)[1]
    assert main.count("<caption>") == 3
    assert '<th scope="row">' in main


def test_the_html_invoice_stays_in_the_order_language_on_the_english_site(client):
    order = paid_test_order(language="fr")

    response = client.get(f"/en/order/{order.access_token}/invoice/")

    html = text_of(response)
    assert '<html lang="en">' in html
    assert '<article class="panel summary invoice" lang="fr"' in html
    assert f"23,05{NBSP}€" in html
    assert "€23.05" not in html


def test_the_pdf_invoice(client):
    order = paid_test_order()

    response = client.get(f"/order/{order.access_token}/invoice.pdf")

    assert response.status_code == 200
    assert_private(response)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{order.invoice.number}.pdf"'
    assert response.content.startswith(b"%PDF-1.")


@pytest.mark.parametrize(
    ("suffix", "headers", "queries"),
    [
        # the order with its invoice, its lines, its returns
        ("", {}, 3),
        # number, status and invoice number
        ("", {"HX-Request": "true"}, 1),
        # the invoice with its order
        ("invoice/", {}, 1),
        ("invoice.pdf", {}, 1),
    ],
)
def test_page_queries(client, django_assert_num_queries, suffix, headers, queries):
    order = paid_test_order()

    with django_assert_num_queries(queries):
        response = client.get(f"/order/{order.access_token}/{suffix}", headers=headers)

    assert response.status_code == 200
