from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from orchestre.catalog.models import Category, Product, SearchTerm
from orchestre.customers.models import Customer
from orchestre.inventory.models import StockLevel, StockMovement
from orchestre.ops.online_retail import import_online_retail, shop_is_empty
from orchestre.ops.tests.online_retail_support import (
    SHIPPED_EXTRACT,
    line,
    read_rows,
    snapshot,
    whole_invoices,
    write_csv,
)
from orchestre.pricing.models import Price, PriceHistory

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_sample(tmp_path):
    """The first 400 invoices of the shipped extract: real rows, imported in a second."""
    return write_csv(tmp_path / "sample.csv.gz", whole_invoices(read_rows(SHIPPED_EXTRACT), 400))


def test_a_second_import_changes_nothing(real_sample):
    first = import_online_retail(path=real_sample, progress=False)
    after_first = snapshot()

    second = import_online_retail(path=real_sample, progress=False)

    assert snapshot() == after_first
    assert (first.invoices_created, first.invoices_skipped) == (400, 0)
    assert first.lines_created == first.lines_read
    assert (second.invoices_created, second.invoices_skipped, second.lines_created) == (0, 400, 0)
    assert (second.products_created, second.customers_created, second.products_priced) == (0, 0, 0)
    assert second.units_received == 0


def test_importing_part_then_all_gives_the_same_history_facts_as_all_at_once(tmp_path):
    rows = read_rows(SHIPPED_EXTRACT)
    part = write_csv(tmp_path / "part.csv", whole_invoices(rows, 150))
    whole = write_csv(tmp_path / "whole.csv", whole_invoices(rows, 400))

    def facts():
        products = Product.objects.order_by("sku")
        customers = Customer.objects.order_by("source_ref")
        return {
            "products": list(products.values_list("sku", "units_sold", "created_at")),
            "customers": list(customers.values_list("source_ref", "created_at")),
        }

    with transaction.atomic():
        import_online_retail(path=whole, progress=False)
        at_once = facts()
        transaction.set_rollback(True)
    import_online_retail(path=part, progress=False)
    import_online_retail(path=whole, progress=False)

    assert facts() == at_once
    assert sum(units for _, units, _ in at_once["products"]) > 0


def test_the_stock_ledger_adds_up_to_the_levels(real_sample):
    import_online_retail(path=real_sample, progress=False)

    ledger = defaultdict(int)
    for warehouse, product, quantity, kind, reference in StockMovement.objects.values_list(
        "warehouse__code", "product_id", "quantity", "kind", "reference"
    ):
        assert (kind, reference) == ("receipt", "opening-balance")
        ledger[warehouse, product] += quantity
    levels = {
        (warehouse, product): quantity
        for warehouse, product, quantity in StockLevel.objects.values_list(
            "warehouse__code", "product_id", "quantity"
        )
    }
    assert {key: ledger.get(key, 0) for key in levels} == levels
    assert set(ledger) <= set(levels)
    assert len(levels) == 2 * Product.objects.count()
    assert sum(levels.values()) > 0
    assert StockLevel.objects.filter(quantity=0).exists()


def test_products_get_a_price_history_category_attributes_and_stock(tmp_path):
    rows = [
        line(invoice="536365", code="84029G", description="SET OF 3 CAKE TINS PANTRY DESIGN ",
             quantity="6", price="4.95", date="2010-12-01T08:26:00"),
        line(invoice="540000", code="84029G", description="SET OF 3 CAKE TINS PANTRY DESIGN",
             quantity="4", price="4.25", date="2011-01-04T10:00:00"),
        line(invoice="560000", code="84029G", description="SET OF 3 CAKE TINS PANTRY DESIGN",
             quantity="3", price="4.25", date="2011-07-14T10:00:00"),
        line(invoice="C560001", code="84029G", description="SET OF 3 CAKE TINS PANTRY DESIGN",
             quantity="-2", price="4.25", date="2011-07-15T10:00:00"),
        line(invoice="570000", code="85123A", quantity="10", price="2.55",
             date="2011-09-30T12:00:00"),
    ]  # fmt: skip

    import_online_retail(path=write_csv(tmp_path / "tins.csv", rows), progress=False)

    tins = Product.objects.get(sku="84029G")
    assert (tins.name, tins.source_name) == (
        "Set of 3 Cake Tins Pantry Design",
        "SET OF 3 CAKE TINS PANTRY DESIGN",
    )
    assert tins.slug == "set-of-3-cake-tins-pantry-design-84029g"
    assert (tins.category.slug, tins.category.parent.slug) == ("patisserie", "cuisine-table")
    assert tins.pack_size == 3
    assert sorted(tins.attribute_values.values_list("attribute__code", "code")) == [
        ("material", "metal"),
        ("pack-size", "3"),
    ]
    assert tins.units_sold == 11  # 6 + 4 + 3 sold, 2 cancelled
    assert tins.created_at == datetime(2010, 12, 1, 8, 26, tzinfo=UTC)
    assert tins.is_active
    price = Price.objects.get(product=tins)
    # 4.25 GBP twice beats 4.95 once: 4.25 × 1.1522 × 1.20 = 5.876220 -> 5.88
    assert (price.amount, price.currency, price.vat_rate.code) == (
        Decimal("5.88"),
        "EUR",
        "fr-standard",
    )
    assert price.vat_rate.rate == Decimal("0.2000")
    assert list(PriceHistory.objects.filter(product=tins).values_list("amount", "valid_from")) == [
        (Decimal("5.88"), datetime(2010, 12, 1, 8, 26, tzinfo=UTC))
    ]
    # Last sold 78 days before the end of the data: out of stock in both warehouses.
    assert dict(tins.stock_levels.values_list("warehouse__code", "quantity")) == {
        "paris": 0,
        "lyon": 0,
    }
    heart = Product.objects.get(sku="85123A")
    assert dict(heart.stock_levels.values_list("warehouse__code", "quantity")) == {
        "paris": 7,
        "lyon": 3,
    }


def test_a_product_never_sold_at_a_price_is_imported_inactive_without_price(tmp_path):
    rows = [line(invoice="536400", code="90037D", description="", quantity="-1", price="0.0",
                 customer="")]  # fmt: skip

    import_online_retail(path=write_csv(tmp_path / "old.csv", rows), progress=False)

    product = Product.objects.get()
    assert (product.sku, product.name, product.is_active) == ("90037D", "Article 90037D", False)
    assert product.category.slug == "cadeaux-divers"
    assert not Price.objects.exists()
    assert product.units_sold == 0


def test_customers_get_a_fictitious_identity_their_main_country_and_first_invoice_date(tmp_path):
    rows = [
        line(invoice="536365", customer="12431", country="Belgium", date="2011-01-05T10:00:00"),
        line(invoice="536366", customer="12431", country="Australia", date="2010-12-05T10:00:00"),
        line(invoice="536367", customer="12431", country="Australia", date="2011-02-05T10:00:00"),
        line(invoice="536368", customer="14911", country="EIRE"),
        line(invoice="536369", customer=""),
    ]

    import_online_retail(path=write_csv(tmp_path / "customers.csv", rows), progress=False)

    assert list(
        Customer.objects.order_by("source_ref").values_list(
            "source_ref", "country", "created_at", "is_fictitious"
        )
    ) == [
        ("12431", "AU", datetime(2010, 12, 5, 10, 0, tzinfo=UTC), True),
        ("14911", "IE", datetime(2010, 12, 1, 8, 26, tzinfo=UTC), True),
    ]
    for customer in Customer.objects.all():
        assert customer.email.endswith(f".{customer.source_ref}@example.com")
        assert customer.first_name and customer.last_name
    assert Customer.objects.count() == 2


def test_the_category_tree_and_attributes_are_created_once(real_sample):
    import_online_retail(path=real_sample, progress=False)
    import_online_retail(path=real_sample, progress=False)

    assert Category.objects.filter(parent__isnull=True).count() == 7
    assert Category.objects.filter(parent__isnull=False).count() == 23
    assert Category.objects.filter(parent__parent__isnull=False).count() == 0
    gifts = Category.objects.get(slug="cadeaux-divers")
    assert (gifts.name_fr, gifts.name_en) == ("Cadeaux divers", "Gifts & more")
    assert not Product.objects.filter(category__parent__isnull=True).exists()


def test_imported_products_are_searchable_and_the_shop_is_no_longer_empty(real_sample):
    assert shop_is_empty()

    import_online_retail(path=real_sample, progress=False)

    assert not shop_is_empty()
    indexed = set(SearchTerm.objects.values_list("product_id", flat=True))
    assert indexed == set(Product.objects.filter(is_active=True).values_list("pk", flat=True))


def test_the_command_prints_a_summary(real_sample, capsys):
    call_command("import_online_retail", str(real_sample), "--no-progress")

    output = capsys.readouterr().out
    assert output.startswith(f"Imported {real_sample}\n")
    assert "invoices            400 in file" in output
    assert "Gift ideas             Gifts & more" in output
    assert " lines/s\n" in output
