"""Errors of the cart, with the stable codes the API and the pages show."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orchestre.core.errors import Conflict, InvalidInput, NotFound

MIN_QUANTITY = 1
MAX_QUANTITY = 99


class UnknownCart(NotFound):
    code = "unknown_cart"

    def __init__(self):
        super().__init__(_("No cart with this id."))


class UnknownLine(NotFound):
    code = "unknown_line"

    def __init__(self):
        super().__init__(_("This line is not in the cart."))


class UnknownSku(NotFound):
    code = "unknown_sku"

    def __init__(self, sku: str):
        message = _("No product with the SKU %(sku)s.") % {"sku": sku}
        super().__init__(message, fields={"sku": [message]})


class InvalidQuantity(InvalidInput):
    code = "invalid_quantity"

    def __init__(self):
        message = _("Enter a quantity from %(min)d to %(max)d.") % {
            "min": MIN_QUANTITY,
            "max": MAX_QUANTITY,
        }
        super().__init__(message, fields={"quantity": [message]})


class NotForSale(InvalidInput):
    code = "not_for_sale"

    def __init__(self, name: str):
        message = _("%(name)s is not for sale at the moment.") % {"name": name}
        super().__init__(message, fields={"sku": [message]})


class NotEnoughStock(Conflict):
    """The cart would hold more of a product than can be ordered now."""

    code = "insufficient_stock"

    def __init__(self, *, sku: str, name: str, available: int, in_cart: int):
        self.sku = sku
        self.name = name
        self.available = available
        self.in_cart = in_cart
        if available <= 0:
            message = _("%(name)s is out of stock.") % {"name": name}
        elif in_cart:
            message = ngettext(
                "Only %(available)d left, and your cart already holds %(in_cart)d.",
                "Only %(available)d left, and your cart already holds %(in_cart)d.",
                available,
            ) % {"available": available, "in_cart": in_cart}
        else:
            message = ngettext(
                "Only %(available)d left.", "Only %(available)d left.", available
            ) % {"available": available}
        super().__init__(message, fields={"quantity": [message]})


class CartClosed(Conflict):
    """The cart is being ordered or was ordered: its lines can no longer change."""

    code = "cart_closed"

    def __init__(self, *, completed: bool = False):
        if completed:
            super().__init__(_("This cart has already been ordered and can no longer change."))
        else:
            super().__init__(_("This cart is being ordered and can no longer change."))


class CartExpired(Conflict):
    code = "cart_expired"

    def __init__(self):
        super().__init__(_("This cart has expired; start a new one."))


class CartCompleted(Conflict):
    code = "cart_completed"

    def __init__(self):
        super().__init__(_("This cart has already been ordered."))


class CheckoutInProgress(Conflict):
    code = "checkout_in_progress"

    def __init__(self):
        super().__init__(_("This cart is being ordered; wait for the payment result."))


class EmptyCart(InvalidInput):
    code = "empty_cart"

    def __init__(self):
        super().__init__(_("The cart is empty."))
