from datetime import UTC, datetime
from decimal import Decimal

import pytest

from orchestre.catalog.models import Product
from orchestre.ops.online_retail import import_online_retail
from orchestre.ops.tests.online_retail_support import line, write_csv
from orchestre.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db


def imported_lines(tmp_path, rows) -> list[tuple]:
    import_online_retail(path=write_csv(tmp_path / "lines.csv", rows), progress=False)
    return list(
        OrderLine.objects.order_by("pk").values_list(
            "order__number", "code", "kind", "product__sku"
        )
    )


def test_stock_codes_differing_in_case_are_one_product(tmp_path):
    rows = [
        line(invoice="536365", code="85123A"),
        line(invoice="536366", code="85123a", date="2010-12-02T09:00:00"),
        line(invoice="536367", code=" 85123A ", date="2010-12-03T09:00:00"),
    ]

    lines = imported_lines(tmp_path, rows)

    assert list(Product.objects.values_list("sku", flat=True)) == ["85123A"]
    assert lines == [
        ("536365", "85123A", "product", "85123A"),
        ("536366", "85123a", "product", "85123A"),
        ("536367", " 85123A ", "product", "85123A"),
    ]


def test_non_product_codes_create_no_product_and_get_their_line_kind(tmp_path):
    codes = [
        ("POST", "POSTAGE"),
        ("DOT", "DOTCOM POSTAGE"),
        ("C2", "CARRIAGE"),
        ("23444", "Next Day Carriage"),
        ("M", "Manual"),
        ("m", "Manual"),
        ("PADS", "PADS TO MATCH ALL CUSHIONS"),
        ("S", "SAMPLES"),
        ("BANK CHARGES", "Bank Charges"),
        ("AMAZONFEE", "AMAZON FEE"),
        ("gift_0001_20", "Dotcomgiftshop Gift Voucher £20.00"),
        ("22016", "Dotcomgiftshop Gift Voucher £100.00"),
    ]
    rows = [line(code=code, description=description) for code, description in codes]
    rows += [
        line(invoice="C536379", code="D", description="Discount", quantity="-1", price="27.5"),
        line(invoice="C536380", code="CRUK", description="CRUK Commission", quantity="-1"),
        line(invoice="A563185", code="B", description="Adjust bad debt", quantity="1",
             price="11062.06", customer=""),
        line(invoice="536381", code="DCGSSBOY", description="BOYS PARTY BAG", customer=""),
    ]  # fmt: skip

    lines = imported_lines(tmp_path, rows)

    assert list(Product.objects.values_list("sku", flat=True)) == ["DCGSSBOY"]
    assert [(code, kind, sku) for _, code, kind, sku in lines] == [
        ("POST", "postage", None),
        ("DOT", "postage", None),
        ("C2", "postage", None),
        ("23444", "postage", None),
        ("M", "manual", None),
        ("m", "manual", None),
        ("PADS", "manual", None),
        ("S", "samples", None),
        ("BANK CHARGES", "fee", None),
        ("AMAZONFEE", "fee", None),
        ("gift_0001_20", "gift_voucher", None),
        ("22016", "gift_voucher", None),
        ("D", "discount", None),
        ("CRUK", "fee", None),
        ("B", "bad_debt", None),
        ("DCGSSBOY", "product", "DCGSSBOY"),
    ]
    assert dict(Order.objects.values_list("number", "kind")) == {
        "536365": "sale",
        "C536379": "cancellation",
        "C536380": "cancellation",
        "A563185": "adjustment",
        "536381": "sale",
    }


def test_unpriced_lines_without_customer_are_stock_adjustments_linked_to_their_product(
    tmp_path,
):
    rows = [
        line(invoice="536365"),
        line(invoice="536400", description="damaged", quantity="-12", price="0.0", customer=""),
        line(invoice="536401", description="found", quantity="3", price="0.0", customer=""),
        # A free article inside a priced guest order is a sale, not an adjustment.
        line(invoice="536402", code="22423", description="REGENCY CAKESTAND 3 TIER",
             price="12.75", customer=""),
        line(invoice="536402", quantity="1", price="0.0", customer=""),
    ]  # fmt: skip

    lines = imported_lines(tmp_path, rows)

    assert lines == [
        ("536365", "85123A", "product", "85123A"),
        ("536400", "85123A", "stock_adjustment", "85123A"),
        ("536401", "85123A", "stock_adjustment", "85123A"),
        ("536402", "22423", "product", "22423"),
        ("536402", "85123A", "product", "85123A"),
    ]
    product = Product.objects.get(sku="85123A")
    assert product.name == "White Hanging Heart T-Light Holder"
    assert product.units_sold == 7  # 6 sold + 1 given; adjustments are not sales


def test_lines_keep_every_recorded_value_and_exact_duplicates(tmp_path):
    star = "GLASS STAR FROSTED T-LIGHT HOLDER "  # trailing space as recorded
    duplicate = line(invoice="536365", code="21730", description=star, price="4.25")
    rows = [duplicate, duplicate, line(invoice="536365", quantity="32", price="0.001")]

    import_online_retail(path=write_csv(tmp_path / "lines.csv", rows), progress=False)

    assert list(
        OrderLine.objects.order_by("pk").values_list(
            "code", "description", "quantity", "unit_price", "amount"
        )
    ) == [
        ("21730", star, 6, Decimal("4.250"), Decimal("25.500")),
        ("21730", star, 6, Decimal("4.250"), Decimal("25.500")),
        ("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 32, Decimal("0.001"), Decimal("0.032")),
    ]
    order = Order.objects.get()
    assert order.total == Decimal("51.032")
    assert order.currency == "GBP"
    assert order.source == "import"
    assert order.country == "United Kingdom"
    assert order.country_code == "GB"
    assert order.customer.source_ref == "17850"


def test_invoice_times_are_london_time_and_an_order_starts_at_its_first_line(tmp_path):
    rows = [
        line(invoice="548000", date="2011-04-01T10:31:00"),
        line(invoice="548000", code="21730", date="2011-04-01T10:30:00"),
        line(invoice="536365", date="2010-12-01T08:26:00"),
    ]

    import_online_retail(path=write_csv(tmp_path / "times.csv", rows), progress=False)

    assert dict(Order.objects.values_list("number", "placed_at")) == {
        "548000": datetime(2011, 4, 1, 9, 30, tzinfo=UTC),  # British Summer Time, UTC+1
        "536365": datetime(2010, 12, 1, 8, 26, tzinfo=UTC),  # winter, UTC
    }
