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
