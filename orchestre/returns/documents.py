"""What the returns write down for good: the withdrawal statement as acknowledged, the
credit note's snapshot, and the words shared by its HTML page and its PDF."""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from orchestre.core.money import amount_excluding_vat, quantize
from orchestre.orders.formatting import address_lines, country_name
from orchestre.orders.models import Order
from orchestre.returns.models import CreditNote, ReturnRequest

ZERO = Decimal("0.00")


def _date(moment) -> str:
    if hasattr(moment, "tzinfo"):
        moment = timezone.localtime(moment)
    return date_format(moment, "DATE_FORMAT")


def buyer_name(order: Order) -> str:
    billing = order.billing_address or {}
    return " ".join(part for part in (billing.get("first_name"), billing.get("last_name")) if part)


def withdrawal_statement(
    order: Order,
    *,
    lines: list[tuple[str, str, int]],
    reason: str,
    delivered_on,
    at,
) -> str:
    """The model withdrawal form (annex to article R221-1) filled in with the order, in the
    order's language: `lines` are (description, sku, quantity)."""
    seller = settings.SELLER
    with translation.override(order.language):
        received = _date(delivered_on) if delivered_on else _("not yet received (before delivery)")
        parts = [
            _("To %(seller)s, %(address)s, %(email)s:")
            % {
                "seller": seller.get("name", ""),
                "address": seller.get("address", ""),
                "email": seller.get("email", ""),
            },
            _(
                "I hereby give notice that I withdraw from my contract of sale of the following "
                "goods:"
            ),
            *[
                f"- {quantity} × {description} ({_('SKU')} {sku})"
                for description, sku, quantity in lines
            ],
            _("Order %(number)s, ordered on %(ordered)s, received on %(received)s.")
            % {"number": order.number, "ordered": _date(order.placed_at), "received": received},
            _("Name of consumer: %(name)s") % {"name": buyer_name(order) or order.email},
            _("Address of consumer: %(address)s")
            % {"address": ", ".join(address_lines(order.billing_address))},
        ]
        if reason:
            parts.append(_("Reason given (optional): %(reason)s") % {"reason": reason})
        parts.append(_("Date: %(date)s") % {"date": _date(at)})
    return "\n".join(parts)


def credit_note_snapshot(
    request: ReturnRequest, *, goods: list[dict], delivery: Decimal, delivery_rate
) -> dict:
    """The fields of the credit note of `request`: `goods` are dicts with description, sku,
    quantity, unit_price, vat_rate and amount (VAT included, already prorated)."""
    order = request.order
    currency = order.currency
    lines = [
        {
            "kind": "product",
            "description": item["description"],
            "sku": item["sku"],
            "quantity": item["quantity"],
            "unit_price_including_vat": str(quantize(item["unit_price"], currency)),
            "vat_rate": str(item["vat_rate"]),
            "amount_excluding_vat": str(
                amount_excluding_vat(item["amount"], item["vat_rate"], currency)
            ),
            "amount": str(item["amount"]),
        }
        for item in goods
    ]
    if delivery > 0:
        with translation.override(order.language):
            description = _("Initial delivery cost (%(method)s)") % {
                "method": order.delivery_method_name
            }
        lines.append(
            {
                "kind": "postage",
                "description": description,
                "sku": "",
                "quantity": 1,
                "unit_price_including_vat": str(delivery),
                "vat_rate": str(delivery_rate),
                "amount_excluding_vat": str(amount_excluding_vat(delivery, delivery_rate)),
                "amount": str(delivery),
            }
        )
    by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        by_rate[Decimal(line["vat_rate"])] += Decimal(line["amount"])
    breakdown = []
    for rate in sorted(by_rate):
        total = by_rate[rate]
        base = amount_excluding_vat(total, rate, currency)
        breakdown.append({"rate": str(rate), "base": str(base), "vat": str(total - base)})
    total = sum((Decimal(line["amount"]) for line in lines), ZERO)
    vat_total = sum((Decimal(item["vat"]) for item in breakdown), ZERO)
    invoice = getattr(order, "invoice", None)
    billing = order.billing_address or {}
    with translation.override(order.language):
        buyer = {
            "name": buyer_name(order),
            "email": order.email,
            "billing_address": billing,
            "billing_country": country_name(billing.get("country", "")),
        }
    return {
        "currency": currency,
        "invoice_number": invoice.number if invoice else "",
        "seller": dict(settings.SELLER),
        "buyer": buyer,
        "lines": lines,
        "vat_breakdown": breakdown,
        "totals": {
            "total_excluding_vat": str(total - vat_total),
            "vat_total": str(vat_total),
            "total": str(total),
        },
    }


def credit_note_facts(note: CreditNote) -> list[tuple[str, str]]:
    """(label, value) pairs heading the credit note, in the active language."""
    facts = [
        (_("Credit note number"), note.number),
        (_("Date of issue"), _date(note.issued_at)),
        (_("Order number"), note.order.number),
        (_("Return number"), note.return_request.number),
    ]
    if note.invoice_number:
        facts.append((_("Credits invoice"), note.invoice_number))
    return facts


def credit_note_mentions(note: CreditNote) -> list[str]:
    return [
        _("Refunded on %(date)s to the card used for the order.") % {"date": _date(note.issued_at)},
        _("This credit note cancels the amounts above of the invoice it names."),
    ]
