"""The printed documents of the warehouse (reportlab): the pick list and the parcel label.

Built-in Helvetica in WinAnsi encoding, like the invoice: no font file to ship."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.barcode import code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from orchestre.orders.invoice_pdf import _pdf_text
from orchestre.shipping.models import Shipment
from orchestre.shipping.selectors import PickList

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
HEADING = ParagraphStyle("heading", parent=BODY, fontName=BOLD)
TITLE = ParagraphStyle("title", parent=BODY, fontName=BOLD, fontSize=15, leading=19)
BIG = ParagraphStyle("big", parent=BODY, fontName=BOLD, fontSize=12, leading=15)
GRID = colors.HexColor("#c8c8d0")
SHADE = colors.HexColor("#f0f0f4")


def render_pick_list_pdf(pick_list: PickList, *, compress: bool = True) -> bytes:
    """A4 pick list: one row per SKU with the units to take and, per order, how many; a
    box to tick. `compress=False` leaves the text readable (tests)."""
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Pick list"),
        pageCompression=1 if compress else 0,
    )
    heading = _("Pick list")
    if pick_list.warehouse_name:
        heading = f"{heading} — {pick_list.warehouse_name}"
    story = [
        Paragraph(_text(heading), TITLE),
        Paragraph(
            _text(
                _("Printed %(when)s · %(orders)d orders · %(units)d units")
                % {
                    "when": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
                    "orders": len(pick_list.order_numbers),
                    "units": pick_list.units,
                }
            ),
            BODY,
        ),
        Spacer(0, 5 * mm),
    ]
    rows = [
        [
            Paragraph(_text(label), HEADING)
            for label in (_("SKU"), _("Item"), _("Units"), _("Orders"), _("Picked"))
        ]
    ]
    for row in pick_list.rows:
        orders = ", ".join(f"{number} × {units}" for number, units in row.orders)
        rows.append(
            [
                Paragraph(_text(row.sku), HEADING),
                Paragraph(_text(row.description), BODY),
                Paragraph(str(row.units), BIG),
                Paragraph(_text(orders), BODY),
                "",
            ]
        )
    if len(rows) == 1:
        rows.append([Paragraph(_text(_("Nothing to pick.")), BODY), "", "", "", ""])
    table = Table(rows, colWidths=[25 * mm, 60 * mm, 15 * mm, 65 * mm, 15 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ]
        )
    )
    story.append(table)
    document.build(story)
    return buffer.getvalue()


def render_label_pdf(shipment: Shipment, *, compress: bool = True) -> bytes:
    """A6 shipping label: carrier, tracking number as text and Code 128 barcode, the
    delivery address, the parcel and order numbers. Reads `shipment.order` and its lines
    (select them, see `selectors.get_shipment`)."""
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A6,
        leftMargin=6 * mm,
        rightMargin=6 * mm,
        topMargin=6 * mm,
        bottomMargin=6 * mm,
        title=_("Label %(number)s") % {"number": shipment.number},
        pageCompression=1 if compress else 0,
    )
    order = shipment.order
    story = [
        Paragraph(_text(shipment.carrier or _("Carrier to be chosen")), TITLE),
        Spacer(0, 2 * mm),
    ]
    if shipment.tracking_number:
        story += [
            code128.Code128(shipment.tracking_number, barHeight=14 * mm, barWidth=0.3 * mm),
            Paragraph(_text(shipment.tracking_number), BIG),
        ]
    else:
        story.append(Paragraph(_text(_("Not shipped yet: no tracking number.")), BODY))
    story += [
        Spacer(0, 3 * mm),
        Paragraph(_text(_("Deliver to")), HEADING),
        Paragraph("<br/>".join(_text(line) for line in order.shipping_address_lines) or "—", BIG),
        Spacer(0, 3 * mm),
        Paragraph(
            _text(
                _("Parcel %(parcel)s · order %(order)s · %(units)d units")
                % {
                    "parcel": shipment.number,
                    "order": order.number,
                    "units": sum(line.quantity for line in shipment.lines.all()),
                }
            ),
            BODY,
        ),
    ]
    document.build(story)
    return buffer.getvalue()


def _text(value: str) -> str:
    return escape(_pdf_text(value))
