"""The PDF of a credit note (reportlab), in the language of its order, laid out like the
invoice's PDF (orders/invoice_pdf.py), whose table and text helpers it shares."""

from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from orchestre.orders.formatting import address_lines, format_amount, format_rate
from orchestre.orders.invoice_pdf import (
    BODY,
    HEADING,
    MARGIN,
    RIGHT,
    SMALL,
    TITLE,
    _lines_paragraph,
    _pdf_text,
    _table,
    _text,
    _two_columns,
)
from orchestre.returns.documents import credit_note_facts, credit_note_mentions
from orchestre.returns.models import CreditNote


def render_credit_note_pdf(note: CreditNote, *, compress: bool = True) -> bytes:
    """The credit note as an A4 PDF. `compress=False` leaves the text readable (tests).
    Reads `note.order` and `note.return_request` (selected with it by the selectors)."""
    buffer = BytesIO()
    with translation.override(note.order.language):
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=_("Credit note %(number)s") % {"number": note.number},
            author=_pdf_text(note.seller.get("name", "")),
            pageCompression=1 if compress else 0,
        )
        document.build(_story(note))
    return buffer.getvalue()


def _story(note: CreditNote) -> list:
    currency = note.currency
    seller = note.seller
    seller_lines = [seller.get("name", ""), seller.get("legal_form", ""), seller.get("address", "")]
    if seller.get("vat_number"):
        seller_lines.append(_("VAT number: %(number)s") % {"number": seller["vat_number"]})
    facts = [
        [Paragraph(_text(label), BODY), Paragraph(_text(value), RIGHT)]
        for label, value in credit_note_facts(note)
    ]
    buyer = note.buyer
    billed = address_lines(buyer.get("billing_address"), country=buyer.get("billing_country"))
    header = [_("Description"), _("Qty"), _("VAT rate"), _("Amount excl. VAT"), _("Amount")]
    rows = [[Paragraph(_text(label), HEADING) for label in header]]
    for line in note.lines:
        description = line["description"]
        if line.get("sku"):
            description = f"{description} ({_('SKU')} {line['sku']})"
        rows.append(
            [
                Paragraph(_text(description), BODY),
                Paragraph(str(line["quantity"]), RIGHT),
                Paragraph(_text(format_rate(line["vat_rate"])), RIGHT),
                Paragraph(_text(format_amount(line["amount_excluding_vat"], currency)), RIGHT),
                Paragraph(_text(format_amount(line["amount"], currency)), RIGHT),
            ]
        )
    totals = note.totals
    total_rows = [
        (_("Total excl. VAT"), totals["total_excluding_vat"]),
        (_("Total VAT"), totals["vat_total"]),
        (_("Total refunded incl. VAT"), totals["total"]),
    ]
    story = [
        Paragraph(_text(_("Credit note %(number)s") % {"number": note.number}), TITLE),
        Spacer(0, 4 * mm),
        _two_columns(
            [_lines_paragraph([line for line in seller_lines if line], first_bold=True)],
            [_table(facts, [35 * mm, 40 * mm], header=False)],
        ),
        Spacer(0, 6 * mm),
        Paragraph(_text(_("Credited to")), HEADING),
        _lines_paragraph([*billed, buyer.get("email", "")]),
        Spacer(0, 6 * mm),
        _table(rows, [74 * mm, 14 * mm, 22 * mm, 30 * mm, 30 * mm], header=True),
        Spacer(0, 4 * mm),
        _table(
            [
                [
                    Paragraph(_text(label), BODY),
                    Paragraph(_text(format_amount(value, currency)), RIGHT),
                ]
                for label, value in total_rows
            ],
            [45 * mm, 30 * mm],
            header=False,
        ),
        Spacer(0, 6 * mm),
    ]
    story += [Paragraph(_text(mention), SMALL) for mention in credit_note_mentions(note)]
    return story
