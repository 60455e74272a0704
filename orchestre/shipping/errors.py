"""Errors of the shipment workflow, with the stable codes the API and the pages show."""

from django.utils.translation import gettext as _

from orchestre.core.errors import Conflict, InvalidInput, NotFound


class UnknownShipment(NotFound):
    code = "unknown_shipment"

    def __init__(self):
        super().__init__(_("No such shipment."))


class ShipmentNotInStatus(Conflict):
    """The shipment is not in a status the step can start from (someone else moved it)."""

    code = "shipment_status"

    def __init__(self, *, number: str, status_label: str, step: str):
        super().__init__(
            _("Shipment %(number)s is “%(status)s”: it cannot be %(step)s.")
            % {"number": number, "status": status_label, "step": step}
        )


class InvalidQuantities(InvalidInput):
    """Quantities per line that cannot be shipped; `fields` says why per line id."""

    code = "invalid_quantities"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None):
        super().__init__(message, fields=fields or {"quantities": [message]})


class OrderNotShippable(Conflict):
    code = "order_not_shippable"


class WrongItem(InvalidInput):
    """A packing scan the parcel does not expect (unknown SKU or one unit too many)."""

    code = "wrong_item"

    def __init__(self, message: str):
        super().__init__(message, fields={"sku": [message]})


class InvalidTrackingWebhook(InvalidInput):
    code = "invalid_signature"
