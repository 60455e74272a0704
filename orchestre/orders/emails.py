"""The order confirmation e-mail, in HTML and plain text, in the buyer's language."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from orchestre.orders.models import Order

WITHDRAWAL_DAYS = 14  # code de la consommation, art. L221-18


def order_links(order: Order) -> dict[str, str]:
    """The absolute addresses of the order's page and invoices, in the active language.
    Anyone holding them can read the order: they go to the buyer only."""
    token = {"token": order.access_token}
    return {
        "order_url": settings.SHOP_URL + reverse("storefront:order", kwargs=token),
        "invoice_url": settings.SHOP_URL + reverse("storefront:invoice", kwargs=token),
        "invoice_pdf_url": settings.SHOP_URL + reverse("storefront:invoice_pdf", kwargs=token),
    }


def build_order_confirmation(order: Order) -> tuple[str, str, str]:
    """(subject, text, html) of the e-mail confirming a paid order, in `order.language`:
    number, lines, VAT per rate, delivery method and estimated dates, addresses, the links to
    the order page and the invoice, and the 14-day withdrawal right. Reads the order's
    prefetched lines and invoice (selectors), so it costs no query."""
    with translation.override(order.language):
        context = {
            "order": order,
            "shop_name": settings.SHOP_NAME,
            "shop_url": settings.SHOP_URL,
            "seller": settings.SELLER,
            "withdrawal_days": WITHDRAWAL_DAYS,
            **order_links(order),
        }
        subject = _("Your order %(number)s at %(shop)s is confirmed") % {
            "number": order.number,
            "shop": settings.SHOP_NAME,
        }
        text = render_to_string("emails/order_confirmation.txt", context)
        html = render_to_string("emails/order_confirmation.html", context)
    return subject, text, html
