"""What an invoice says besides its figures, in the active language, shared by the HTML
invoice and the PDF so both always carry the same mentions (list in docs/orders.md)."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from orchestre.orders.emails import WITHDRAWAL_DAYS
from orchestre.orders.formatting import address_lines
from orchestre.orders.models import Invoice

LEGAL_GUARANTEE_YEARS = 2  # code de la consommation, art. L217-3 and L217-7


def _date(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def invoice_facts(invoice: Invoice) -> list[tuple[str, str]]:
    """(label, value) pairs heading the invoice: number, dates, order reference."""
    return [
        (_("Invoice number"), invoice.number),
        (_("Date of issue"), _date(invoice.issued_at)),
        (_("Date of sale"), _date(invoice.order.placed_at)),
        (_("Payment date"), _date(invoice.paid_at)),
        (_("Order number"), invoice.order.number),
    ]


def seller_lines(invoice: Invoice) -> list[str]:
    """The seller's identity as recorded at issue (name, legal form and capital, address,
    SIREN, RCS, intra-EU VAT number)."""
    seller = invoice.seller
    lines = [
        seller.get("name", ""),
        seller.get("legal_form", ""),
        seller.get("address", ""),
        _("SIREN: %(siren)s") % {"siren": seller["siren"]} if seller.get("siren") else "",
        seller.get("rcs", ""),
        _("VAT number: %(number)s") % {"number": seller["vat_number"]}
        if seller.get("vat_number")
        else "",
        seller.get("email", ""),
    ]
    return [line for line in lines if line]


def billing_lines(invoice: Invoice) -> list[str]:
    """The buyer as billed: name and billing address, then the e-mail address."""
    buyer = invoice.buyer
    lines = address_lines(buyer.get("billing_address"), country=buyer.get("billing_country"))
    return [*lines, buyer.get("email", "")] if buyer.get("email") else lines


def delivery_lines(invoice: Invoice) -> list[str]:
    """The delivery address when it differs from the billing address, else []."""
    buyer = invoice.buyer
    shipping = buyer.get("shipping_address")
    if not shipping or shipping == buyer.get("billing_address"):
        return []
    return address_lines(shipping, country=buyer.get("shipping_country"))


def legal_mentions(invoice: Invoice) -> list[str]:
    """The payment terms and consumer mentions printed under the totals."""
    return [
        _("Paid in full by card on %(date)s, at the time of order.")
        % {"date": _date(invoice.paid_at)},
        _("Late-payment penalties: none (paid at order). No discount for early payment."),
        _("Nature of the operation: sale of goods."),
        _(
            "Legal guarantee of conformity: %(years)s years from delivery (French consumer "
            "code, articles L217-3 and following)."
        )
        % {"years": LEGAL_GUARANTEE_YEARS},
        _(
            "Right of withdrawal: %(days)s days from delivery (French consumer code, article "
            "L221-18)."
        )
        % {"days": WITHDRAWAL_DAYS},
    ]
