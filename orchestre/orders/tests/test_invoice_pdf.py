import re

import pytest

from orchestre.orders.invoice_pdf import render_invoice_pdf
from orchestre.orders.selectors import get_invoice_by_token
from orchestre.orders.tests.factories import BILLING_ADDRESS, paid_test_order

pytestmark = pytest.mark.django_db


def page_text(pdf: bytes) -> bytes:
    """The strings drawn on the pages of an uncompressed PDF, in WinAnsi bytes."""
    return b" ".join(re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", pdf))


def test_the_pdf_is_a_pdf_carrying_the_invoice():
    order = paid_test_order()
    invoice = get_invoice_by_token(order.access_token)

    pdf = render_invoice_pdf(invoice, compress=False)

    assert pdf.startswith(b"%PDF-1.")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert b"/BaseFont /Helvetica /Encoding /WinAnsiEncoding" in pdf
    text = page_text(pdf)
    assert invoice.number.encode() in text
    assert order.number.encode() in text
    for mention in (
        b"Orchestre D\\351mo SAS",
        b"SAS au capital de 10 000 \\200",  # the euro sign is WinAnsi's \200
        b"12 rue de la Paix, 75002 Paris, France",
        b"000 000 000",
        b"RCS Paris 000 000 000",
        b"FR00000000000",
        b"3 place Bellecour",
        b"Photophore c\\234ur blanc",
        b"23,05 \\200",  # reportlab draws the no-break space as a plain one
        b"10,74 \\200",
        b"5,5 %",
        b"P\\351nalit\\351s de retard : n\\351ant",  # the order is in French
    ):
        assert mention in text, mention


def test_the_compressed_pdf_hides_its_text_in_compressed_streams():
    invoice = get_invoice_by_token(paid_test_order().access_token)

    pdf = render_invoice_pdf(invoice)

    assert pdf.startswith(b"%PDF-1.")
    assert b"/FlateDecode" in pdf
    assert invoice.number.encode() not in page_text(pdf)


def test_letters_outside_winansi_lose_their_accent_not_their_place():
    billing = {**BILLING_ADDRESS, "first_name": "Łukasz", "last_name": "Wałęsa", "city": "Gdańsk"}
    invoice = get_invoice_by_token(paid_test_order(billing_address=billing).access_token)

    text = page_text(render_invoice_pdf(invoice, compress=False))

    assert b"Lukasz Walesa" in text
    assert b"69002 Gdansk" in text


def test_the_pdf_is_in_the_language_of_the_order():
    invoice = get_invoice_by_token(paid_test_order(language="en").access_token)

    text = page_text(render_invoice_pdf(invoice, compress=False))

    assert b"\\20023.05" in text
    assert b"Invoice number" in text
