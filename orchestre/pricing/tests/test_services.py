import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from orchestre.catalog.tests.factories import ProductFactory
from orchestre.core.cache_versions import CATALOG, current_version
from orchestre.core.errors import InvalidInput, NotFound
from orchestre.core.models import AuditEntry
from orchestre.pricing.models import Price, PriceHistory
from orchestre.pricing.selectors import get_prior_lowest_price, list_price_history
from orchestre.pricing.services import set_price
from orchestre.pricing.tests.factories import PriceFactory, VatRateFactory


@pytest.fixture
def marketer(db):
    return get_user_model().objects.create_user(
        username="marketer", email="marketer@staff.example", password="x", is_staff=True
    )


def test_set_price_records_history_audit_and_invalidates_pages(
    marketer, django_capture_on_commit_callbacks
):
    price = PriceFactory(amount=Decimal("12.50"))
    version = current_version(CATALOG)

    with django_capture_on_commit_callbacks(execute=True):
        set_price(product_id=price.product_id, amount="9,90", actor=marketer)

    assert Price.objects.get(pk=price.pk).amount == Decimal("9.90")
    assert [entry.amount for entry in list_price_history(price.product_id)] == [Decimal("9.90")]
    entry = AuditEntry.objects.get(action="price.changed")
    assert (entry.actor, entry.changes) == (marketer, {"amount": ["12.50", "9.90"]})
    assert current_version(CATALOG) != version


def test_setting_the_same_price_again_changes_nothing(marketer):
    price = PriceFactory(amount=Decimal("12.50"))

    set_price(product_id=price.product_id, amount=Decimal("12.5"), actor=marketer)

    assert not PriceHistory.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_product_without_price_gets_one_at_the_standard_rate(marketer):
    product = ProductFactory()
    rate = VatRateFactory()

    price = set_price(product_id=product.pk, amount="4.95", actor=marketer)

    assert (price.amount, price.vat_rate_id, price.currency) == (Decimal("4.95"), rate.pk, "EUR")
    assert PriceHistory.objects.get().amount == Decimal("4.95")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1.00", "A price cannot be negative."),
        ("1.999", "At most 2 decimal places (cents)."),
        ("0", "A price must be above zero."),
        ("abc", "Enter a price such as 12.50."),
        ("NaN", "Enter a price such as 12.50."),
        ("1000000", "At most 999999.99."),
    ],
)
def test_a_bad_price_is_refused_and_nothing_changes(marketer, amount, message):
    price = PriceFactory(amount=Decimal("12.50"))

    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        set_price(product_id=price.product_id, amount=amount, actor=marketer)

    assert caught.value.fields == {"amount": [message]}
    assert Price.objects.get(pk=price.pk).amount == Decimal("12.50")
    assert not PriceHistory.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_unknown_product_is_not_found(marketer):
    VatRateFactory()
    with pytest.raises(NotFound):
        set_price(product_id=999_999, amount="1.00", actor=marketer)


def test_the_prior_lowest_price_counts_the_price_in_force_30_days_before(db):
    product = ProductFactory()
    now = timezone.now()
    for days_ago, amount in ((90, "8.00"), (40, "10.00"), (20, "12.00"), (5, "11.00")):
        PriceHistory.objects.create(
            product=product,
            amount=Decimal(amount),
            valid_from=now - datetime.timedelta(days=days_ago),
        )

    assert get_prior_lowest_price(product.pk, at=now) == Decimal("10.00")
    assert get_prior_lowest_price(product.pk, at=now - datetime.timedelta(days=30)) == Decimal(
        "8.00"
    )
    assert get_prior_lowest_price(product.pk, at=now - datetime.timedelta(days=100)) is None
