"""The "your parcel is on its way" e-mail, in HTML and plain text, in the order's language."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from orchestre.orders.emails import order_links
from orchestre.orders.models import Order
from orchestre.shipping.models import Shipment


def build_shipment_email(shipment: Shipment, order: Order) -> tuple[str, str, str]:
    """(subject, text, html) telling the buyer that `shipment` left: carrier, tracking
    number and link, the items in the parcel, and the order page's link."""
    with translation.override(order.language):
        context = {
            "order": order,
            "shipment": shipment,
            "lines": [line for line in shipment.lines.all() if line.quantity],
            "shop_name": settings.SHOP_NAME,
            "shop_url": settings.SHOP_URL,
            "order_url": order_links(order)["order_url"],
        }
        subject = _("Your order %(number)s is on its way") % {"number": order.number}
        text = render_to_string("emails/shipment_shipped.txt", context)
        html = render_to_string("emails/shipment_shipped.html", context)
    return subject, text, html
