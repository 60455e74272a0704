"""Price writes. Every change of a selling price is also written to `PriceHistory`, which
the EU prior-lowest-price rule (Omnibus directive) reads: a price reduction must be shown
against the lowest price of the 30 days before it."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.catalog.locks import lock_products
from orchestre.core.audit import record_change
from orchestre.core.cache_versions import CATALOG, bump_version
from orchestre.core.errors import InvalidInput, NotFound
from orchestre.core.money import MINOR_UNITS
from orchestre.pricing.models import Price, PriceHistory, VatRate

MAX_PRICE = Decimal("999999.99")
DEFAULT_VAT_RATE = "fr-standard"


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_price", fields={field: [message]})


def parse_amount(amount: Decimal | str, currency: str = "EUR") -> Decimal:
    """A price as typed (a comma is taken as the decimal mark), checked: positive, at most
    the currency's minor unit (cents), at most MAX_PRICE. Raises InvalidInput."""
    if isinstance(amount, float):
        raise TypeError("Prices are never floats.")
    try:
        value = Decimal(str(amount).strip().replace(",", "."))
    except InvalidOperation:
        raise _invalid("amount", _("Enter a price such as 12.50.")) from None
    if not value.is_finite():
        raise _invalid("amount", _("Enter a price such as 12.50."))
    if value < 0:
        raise _invalid("amount", _("A price cannot be negative."))
    if value == 0:
        raise _invalid("amount", _("A price must be above zero."))
    if value.as_tuple().exponent < -MINOR_UNITS[currency]:
        raise _invalid(
            "amount",
            _("At most %(places)d decimal places (cents).") % {"places": MINOR_UNITS[currency]},
        )
    if value > MAX_PRICE:
        raise _invalid("amount", _("At most %(max)s.") % {"max": MAX_PRICE})
    return value.quantize(Decimal(1).scaleb(-MINOR_UNITS[currency]))


def set_price(
    *,
    product_id: int,
    amount: Decimal | str,
    actor,
    vat_rate_id: int | None = None,
    currency: str = "EUR",
) -> Price:
    """Set a product's selling price (VAT included) and, when it changes, record it in the
    price history and the audit log and invalidate the cached storefront.

    A product without a price gets one (with `vat_rate_id`, else the standard French rate).
    Setting the same amount and rate again changes nothing. Locks the product row, so
    concurrent changes apply one after the other and the history follows their order.
    Raises InvalidInput (bad amount or rate) or NotFound; nothing changes then."""
    if currency not in MINOR_UNITS:
        raise _invalid("currency", _("Unknown currency."))
    value = parse_amount(amount, currency)
    vat_rate = None
    if vat_rate_id is not None:
        vat_rate = VatRate.objects.filter(pk=vat_rate_id).first()
        if vat_rate is None:
            raise _invalid("vat_rate", _("Choose a VAT rate."))
    with transaction.atomic():
        if not lock_products([product_id]):
            raise NotFound(_("No such product."), code="product_not_found")
        price = Price.objects.select_related("vat_rate").filter(product_id=product_id).first()
        now = timezone.now()
        if price is None:
            vat_rate = vat_rate or VatRate.objects.filter(code=DEFAULT_VAT_RATE).first()
            if vat_rate is None:
                raise _invalid("vat_rate", _("Choose a VAT rate."))
            price = Price(product_id=product_id, currency=currency, vat_rate=vat_rate)
            before = {"amount": None, "vat_rate": None}
        else:
            if price.currency != currency:
                raise _invalid("currency", _("This product is priced in another currency."))
            before = {"amount": str(price.amount), "vat_rate": price.vat_rate_id}
            if price.amount == value and (vat_rate is None or vat_rate.pk == price.vat_rate_id):
                return price
            vat_rate = vat_rate or price.vat_rate
        price.amount = value
        price.vat_rate = vat_rate
        price.updated_at = now
        price.save()
        after = {"amount": str(value), "vat_rate": vat_rate.pk}
        if before["amount"] != after["amount"]:
            PriceHistory.objects.create(
                product_id=product_id, amount=value, currency=currency, valid_from=now
            )
        record_change(
            actor=actor,
            action="price.changed",
            target=price.product,
            changes={
                name: [before[name], after[name]] for name in after if before[name] != after[name]
            },
        )
        # Prices are not search terms: the index stays as it is, only cached pages go.
        bump_version(CATALOG)
    return price
