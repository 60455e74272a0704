"""The PDF of an invoice (reportlab), in the language of its order.

Built-in Helvetica in WinAnsi encoding: no font file to ship, and the € sign prints. The few
characters that encoding lacks (some Central European letters in a name or a street) are
printed without their accent rather than as a blank box."""

import unicodedata
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from orchestre.orders.formatting import format_amount, format_rate
from orchestre.orders.invoices import (
    billing_lines,
    delivery_lines,
    invoice_facts,
    legal_mentions,
    seller_lines,
)
from orchestre.orders.models import Invoice

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
MARGIN = 18 * mm
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10)
RIGHT = ParagraphStyle("right", parent=BODY, alignment=TA_RIGHT)
HEADING = ParagraphStyle("heading", parent=BODY, fontName=BOLD, fontSize=10, leading=13)
TITLE = ParagraphStyle("title", parent=BODY, fontName=BOLD, fontSize=16, leading=20)
GRID = colors.HexColor("#c8c8d0")
SHADE = colors.HexColor("#f0f0f4")
# Letters WinAnsi lacks and that Unicode does not decompose into a base letter and accent.
_FALLBACKS = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "\u202f": " "}


def render_invoice_pdf(invoice: Invoice, *, compress: bool = True) -> bytes:
    """The invoice as an A4 PDF document. `compress=False` leaves the page streams readable
    (tests search them for the printed text). Reads `invoice.order` (select it with the
    invoice, see `selectors.get_invoice_by_token`)."""
    buffer = BytesIO()
    with translation.override(invoice.order.language):
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=_("Invoice %(number)s") % {"number": invoice.number},
            author=_pdf_text(invoice.seller.get("name", "")),
            pageCompression=1 if compress else 0,
        )
        document.build(_story(invoice))
    return buffer.getvalue()


def _story(invoice: Invoice) -> list:
    currency = invoice.currency
    story = [
        Paragraph(_text(_("Invoice %(number)s") % {"number": invoice.number}), TITLE),
        Spacer(0, 4 * mm),
        _two_columns(
            [_lines_paragraph(seller_lines(invoice), first_bold=True)],
            [_facts_table(invoice)],
        ),
        Spacer(0, 6 * mm),
        _addresses(invoice),
        Spacer(0, 6 * mm),
        _lines_table(invoice, currency),
        Spacer(0, 4 * mm),
        _two_columns([_vat_table(invoice, currency)], [_totals_table(invoice, currency)]),
        Spacer(0, 6 * mm),
    ]
    story += [Paragraph(_text(mention), SMALL) for mention in legal_mentions(invoice)]
    return story


def _facts_table(invoice: Invoice) -> Table:
    rows = [
        [Paragraph(_text(label), BODY), Paragraph(_text(value), RIGHT)]
        for label, value in invoice_facts(invoice)
    ]
    return _table(rows, [35 * mm, 40 * mm], header=False)


def _addresses(invoice: Invoice) -> Table:
    billed = [
        Paragraph(_text(_("Billed to")), HEADING),
        _lines_paragraph(billing_lines(invoice)),
    ]
    delivered = delivery_lines(invoice)
    shipped = (
        [Paragraph(_text(_("Delivered to")), HEADING), _lines_paragraph(delivered)]
        if delivered
        else []
    )
    return _two_columns(billed, shipped)


def _lines_table(invoice: Invoice, currency: str) -> Table:
    header = [
        _("Description"),
        _("Qty"),
        _("Unit price excl. VAT"),
        _("VAT rate"),
        _("Amount excl. VAT"),
        _("Amount incl. VAT"),
    ]
    rows = [[Paragraph(_text(label), HEADING) for label in header]]
    for line in invoice.lines:
        description = line["description"]
        if line.get("sku"):
            description = f"{description} ({_('SKU')} {line['sku']})"
        rows.append(
            [
                Paragraph(_text(description), BODY),
                Paragraph(str(line["quantity"]), RIGHT),
                Paragraph(_text(format_amount(line["unit_price_excluding_vat"], currency)), RIGHT),
                Paragraph(_text(format_rate(line["vat_rate"])), RIGHT),
                Paragraph(_text(format_amount(line["amount_excluding_vat"], currency)), RIGHT),
                Paragraph(_text(format_amount(line["amount"], currency)), RIGHT),
            ]
        )
    widths = [60 * mm, 12 * mm, 26 * mm, 16 * mm, 28 * mm, 28 * mm]  # 170 mm: the frame
    return _table(rows, widths, header=True)


def _vat_table(invoice: Invoice, currency: str) -> Table:
    rows = [
        [
            Paragraph(_text(_("VAT rate")), HEADING),
            Paragraph(_text(_("Base excl. VAT")), HEADING),
            Paragraph(_text(_("VAT")), HEADING),
        ]
    ]
    for vat in invoice.vat_breakdown:
        rows.append(
            [
                Paragraph(_text(format_rate(vat["rate"])), BODY),
                Paragraph(_text(format_amount(vat["base"], currency)), RIGHT),
                Paragraph(_text(format_amount(vat["vat"], currency)), RIGHT),
            ]
        )
    return _table(rows, [22 * mm, 30 * mm, 26 * mm], header=True)


def _totals_table(invoice: Invoice, currency: str) -> Table:
    totals = invoice.totals
    rows = []
    if Decimal(totals["discount_total"]):
        rows.append((_("Discounts incl. VAT (deducted)"), totals["discount_total"]))
    rows += [
        (_("Total excl. VAT"), totals["total_excluding_vat"]),
        (_("Total VAT"), totals["vat_total"]),
        (_("Total incl. VAT"), totals["total"]),
        (_("Amount paid"), totals["total"]),
        (_("Amount due"), "0"),
    ]
    table_rows = [
        [Paragraph(_text(label), BODY), Paragraph(_text(format_amount(amount, currency)), RIGHT)]
        for label, amount in rows
    ]
    table = _table(table_rows, [45 * mm, 30 * mm], header=False)
    grand_total = len(rows) - 3  # before "amount paid" and "amount due"
    table.setStyle(TableStyle([("BACKGROUND", (0, grand_total), (-1, grand_total), SHADE)]))
    return table


def _two_columns(left: list, right: list) -> Table:
    table = Table([[left, right]], colWidths=["50%", "50%"])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ]
        )
    )
    return table


def _table(rows: list, widths: list, *, header: bool) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="RIGHT")
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    table.setStyle(TableStyle(style))
    return table


def _lines_paragraph(lines: list[str], *, first_bold: bool = False) -> Paragraph:
    escaped = [_text(line) for line in lines]
    if first_bold and escaped:
        escaped[0] = f"<b>{escaped[0]}</b>"
    return Paragraph("<br/>".join(escaped), BODY)


def _text(value: str) -> str:
    """Paragraph markup for a plain string: escaped, in characters WinAnsi can print."""
    return escape(_pdf_text(value))


def _pdf_text(value: str) -> str:
    return "".join(_printable(character) for character in str(value))


def _printable(character: str) -> str:
    if _in_winansi(character):
        return character
    if character in _FALLBACKS:
        return _FALLBACKS[character]
    base = "".join(
        part
        for part in unicodedata.normalize("NFKD", character)
        if not unicodedata.combining(part) and _in_winansi(part)
    )
    return base or "?"


def _in_winansi(character: str) -> bool:
    try:
        character.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True
