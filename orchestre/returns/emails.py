"""The returns' e-mails to the buyer, HTML and plain text, in the order's language."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from orchestre.returns.models import CreditNote, ReturnRequest


def return_url(request: ReturnRequest) -> str:
    return settings.SHOP_URL + reverse(
        "storefront:return",
        kwargs={"token": request.order.access_token, "number": request.number},
    )


def credit_note_urls(note: CreditNote) -> dict[str, str]:
    kwargs = {"token": note.order.access_token, "number": note.number}
    return {
        "credit_note_url": settings.SHOP_URL + reverse("storefront:credit_note", kwargs=kwargs),
        "credit_note_pdf_url": settings.SHOP_URL
        + reverse("storefront:credit_note_pdf", kwargs=kwargs),
    }


def build_acknowledgement(request: ReturnRequest, lines: list) -> tuple[str, str, str]:
    """(subject, text, html) acknowledging a withdrawal or return on a durable medium: the
    full statement, its date, the lines and what happens next."""
    order = request.order
    with translation.override(order.language):
        context = {
            "request": request,
            "order": order,
            "lines": lines,
            "seller": settings.SELLER,
            "shop_name": settings.SHOP_NAME,
            "return_url": return_url(request),
        }
        subject = _("We have received your withdrawal %(number)s (order %(order)s)") % {
            "number": request.number,
            "order": order.number,
        }
        text = render_to_string("storefront/returns/emails/acknowledgement.txt", context)
        html = render_to_string("storefront/returns/emails/acknowledgement.html", context)
    return subject, text, html


def build_refund_notice(request: ReturnRequest, note: CreditNote) -> tuple[str, str, str]:
    order = request.order
    with translation.override(order.language):
        context = {
            "request": request,
            "order": order,
            "note": note,
            "shop_name": settings.SHOP_NAME,
            **credit_note_urls(note),
        }
        subject = _("Your refund for return %(number)s") % {"number": request.number}
        text = render_to_string("storefront/returns/emails/refund.txt", context)
        html = render_to_string("storefront/returns/emails/refund.html", context)
    return subject, text, html
