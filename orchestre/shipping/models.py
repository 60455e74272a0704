"""The delivery offer: zones (where), methods (how) and rates (how much).

A method is offered for an address when it is active, allowed in the address's country, and
has a rate in the address's zone that holds the parcel's weight; otherwise it is simply not
shown. How the rate is picked and the dates estimated: `orchestre/shipping/selectors.py` and
docs/delivery.md."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from orchestre.shipping.addresses import COUNTRIES


def _in_active_language(french: str, english: str) -> str:
    return english if (get_language() or "fr").startswith("en") else french


def _check_country_codes(**codes_by_field) -> None:
    errors = {}
    for field, codes in codes_by_field.items():
        unknown = sorted(set(codes) - COUNTRIES.keys())
        if unknown:
            errors[field] = _("Unknown country codes: %s.") % ", ".join(unknown)
    if errors:
        raise ValidationError(errors)


class DeliveryZone(models.Model):
    """A set of countries priced alike. An address belongs to the first zone (by position)
    that lists its country, unless its postcode starts with one of the zone's excluded
    prefixes for that country (overseas France, the Canary Islands...); addresses no zone
    claims belong to the rest-of-world zone."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    countries = models.JSONField(
        _("countries"), default=list, blank=True, help_text=_('ISO codes, e.g. ["FR", "MC"].')
    )
    excluded_postcodes = models.JSONField(
        _("excluded postcodes"),
        default=dict,
        blank=True,
        help_text=_(
            "Postcode prefixes per country that belong to the rest of the world instead, "
            'e.g. {"FR": ["97", "98"]}.'
        ),
    )
    is_rest_of_world = models.BooleanField(
        _("rest of the world"),
        default=False,
        help_text=_("Takes every address that no other zone claims."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("delivery zone")
        verbose_name_plural = _("delivery zones")
        constraints = [
            models.UniqueConstraint(
                fields=["is_rest_of_world"],
                condition=models.Q(is_rest_of_world=True),
                name="delivery_zone_one_rest_of_world",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_active_language(self.name_fr, self.name_en)

    def clean(self) -> None:
        _check_country_codes(countries=self.countries, excluded_postcodes=self.excluded_postcodes)

    def claims(self, country: str, postcode: str) -> bool:
        """Whether an address in `country` with `postcode` (both normalised) is in this zone."""
        if country not in self.countries:
            return False
        excluded = self.excluded_postcodes.get(country, ())
        return not postcode.replace(" ", "").startswith(tuple(excluded))


class DeliveryMethod(models.Model):
    class Kind(models.TextChoices):
        HOME = "home", _("Home delivery")
        RELAY = "relay", _("Relay point")
        EXPRESS = "express", _("Express delivery")
        CLICK_COLLECT = "click_collect", _("Click and collect")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    min_days = models.PositiveSmallIntegerField(
        _("minimum business days"), help_text=_("From the day the parcel leaves the warehouse.")
    )
    max_days = models.PositiveSmallIntegerField(_("maximum business days"))
    countries = models.JSONField(
        _("only in these countries"),
        default=list,
        blank=True,
        help_text=_("ISO codes; empty means every country of the zones it has rates in."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("delivery method")
        verbose_name_plural = _("delivery methods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_days__lte=models.F("max_days")),
                name="delivery_method_days_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_active_language(self.name_fr, self.name_en)

    def clean(self) -> None:
        _check_country_codes(countries=self.countries)

    def serves(self, country: str) -> bool:
        return not self.countries or country in self.countries


class DeliveryRate(models.Model):
    """The price of a method in a zone for parcels up to `max_weight_grams` (empty: any
    weight) and orders of at least `min_order_value`. Prices include VAT; delivery is
    free from `free_above` (order value, VAT included)."""

    method = models.ForeignKey(DeliveryMethod, related_name="rates", on_delete=models.CASCADE)
    zone = models.ForeignKey(DeliveryZone, related_name="rates", on_delete=models.CASCADE)
    max_weight_grams = models.PositiveIntegerField(
        _("up to weight (g)"), null=True, blank=True, help_text=_("Empty: any weight.")
    )
    min_order_value = models.DecimalField(
        _("from order value"), max_digits=10, decimal_places=2, default=0
    )
    price = models.DecimalField(_("price incl. VAT"), max_digits=10, decimal_places=2)
    free_above = models.DecimalField(
        _("free from order value"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["method", "zone", "min_order_value", "max_weight_grams"]
        verbose_name = _("delivery rate")
        verbose_name_plural = _("delivery rates")
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="delivery_rate_price"),
            models.CheckConstraint(
                condition=models.Q(min_order_value__gte=0), name="delivery_rate_min_order_value"
            ),
            models.CheckConstraint(
                condition=models.Q(free_above__isnull=True) | models.Q(free_above__gt=0),
                name="delivery_rate_free_above",
            ),
            models.CheckConstraint(
                condition=models.Q(max_weight_grams__isnull=True)
                | models.Q(max_weight_grams__gt=0),
                name="delivery_rate_max_weight",
            ),
            # Two constraints because NULLs are distinct in a plain unique index on every
            # engine: one band per weight limit, and one "any weight" band.
            models.UniqueConstraint(
                fields=["method", "zone", "min_order_value", "max_weight_grams"],
                name="delivery_rate_unique_band",
            ),
            models.UniqueConstraint(
                fields=["method", "zone", "min_order_value"],
                condition=models.Q(max_weight_grams__isnull=True),
                name="delivery_rate_unique_open_band",
            ),
        ]

    def __str__(self) -> str:
        weight = f"≤ {self.max_weight_grams} g" if self.max_weight_grams else "∞"
        return f"{self.method.code} / {self.zone.code} / {weight} / ≥ {self.min_order_value}"

    def holds(self, weight_grams: int) -> bool:
        return self.max_weight_grams is None or weight_grams <= self.max_weight_grams


class ShipmentStatus(models.TextChoices):
    TO_PICK = "to_pick", _("To pick")
    PICKED = "picked", _("Picked")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class Shipment(models.Model):
    """One parcel of an order, sent from one warehouse: to pick → picked → packed → shipped
    → delivered, or cancelled before it leaves. An order may ship in several parcels; the
    units of its lines in parcels that are not cancelled never exceed what was ordered
    (`services` checks it under the order's lock). Orders and warehouses are referred to by
    name: the shipment workflow sits on top of both (docs/fulfilment.md)."""

    Status = ShipmentStatus
    OPEN_STATUSES = (ShipmentStatus.TO_PICK, ShipmentStatus.PICKED, ShipmentStatus.PACKED)

    number = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey("orders.Order", related_name="shipments", on_delete=models.PROTECT)
    warehouse = models.ForeignKey(
        "inventory.Warehouse", related_name="shipments", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ShipmentStatus.choices, default=ShipmentStatus.TO_PICK
    )
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    tracking_url = models.URLField(_("tracking link"), blank=True)
    is_replacement = models.BooleanField(
        _("replacement"), default=False, help_text=_("Sent again at no charge.")
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    picked_at = models.DateTimeField(_("picked at"), null=True, blank=True)
    packed_at = models.DateTimeField(_("packed at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ShipmentStatus.values), name="shipment_status_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["shipped", "delivered"])
                | (~models.Q(tracking_number="") & models.Q(shipped_at__isnull=False)),
                name="shipment_shipped_has_tracking",
            ),
            models.UniqueConstraint(
                fields=["tracking_number"],
                condition=~models.Q(tracking_number=""),
                name="shipment_tracking_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ShipmentLine(models.Model):
    """Units of one order line in a shipment. `quantity` is what the parcel holds,
    `missing` what the picker could not find (back-ordered: it goes in a later parcel),
    `packed` what the packer has checked by SKU so far."""

    shipment = models.ForeignKey(Shipment, related_name="lines", on_delete=models.CASCADE)
    order_line = models.ForeignKey(
        "orders.OrderLine", related_name="shipment_lines", on_delete=models.PROTECT
    )
    sku = models.CharField(_("SKU"), max_length=32)
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    missing = models.PositiveIntegerField(_("missing"), default=0)
    packed = models.PositiveIntegerField(_("packed"), default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "order_line"], name="shipment_line_unique_order_line"
            ),
            models.CheckConstraint(
                condition=models.Q(packed__lte=models.F("quantity")),
                name="shipment_line_packed_within_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0) | models.Q(missing__gt=0),
                name="shipment_line_not_empty",
            ),
        ]


class TrackingEvent(models.Model):
    """What the carrier reported about a parcel. `external_id` is the carrier's event id:
    the same event arriving twice (webhook and poll) is recorded once."""

    class Code(models.TextChoices):
        LABEL_CREATED = "label_created", _("Label created")
        IN_TRANSIT = "in_transit", _("In transit")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        DELIVERED = "delivered", _("Delivered")
        EXCEPTION = "exception", _("Delivery problem")

    shipment = models.ForeignKey(Shipment, related_name="events", on_delete=models.CASCADE)
    external_id = models.CharField(max_length=80, unique=True)
    code = models.CharField(_("event"), max_length=20, choices=Code.choices)
    occurred_at = models.DateTimeField(_("at"))
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
