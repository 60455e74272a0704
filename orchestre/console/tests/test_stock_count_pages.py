import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from orchestre.catalog.tests.factories import CategoryFactory
from orchestre.core.models import AuditEntry
from orchestre.inventory.counting import record_counted_quantities, start_cycle_count
from orchestre.inventory.models import CycleCount, CycleCountLine, StockMovement
from orchestre.inventory.services import record_movement
from orchestre.inventory.tests.factories import WarehouseFactory, stocked_product
from orchestre.inventory.tests.stock import everything, ledger_disagreements, levels
from orchestre.team.tests.factories import staff_member


def en(name: str, *args) -> str:
    """The English page, so messages read in their source text."""
    with translation.override("en"):
        return reverse(f"console:{name}", args=args)


def counts_state() -> tuple[list, list, tuple]:
    """Every count, count line and stock row, to show that nothing changed."""
    return (
        list(CycleCount.objects.order_by("pk").values_list()),
        list(CycleCountLine.objects.order_by("pk").values_list()),
        everything(),
    )


@pytest.fixture
def lyon(db):
    return WarehouseFactory(code="lyon", name="Lyon", city="Lyon", priority=1)


@pytest.fixture
def paris(db):
    return WarehouseFactory(code="paris", name="Paris", city="Paris", priority=2)


@pytest.fixture
def lamp(lyon):
    return stocked_product((lyon, 10), sku="LAMP", name="Lampe")


@pytest.fixture
def vase(lyon):
    return stocked_product((lyon, 4), sku="VASE", name="Vase")


@pytest.fixture
def manager(db):
    return staff_member("inventory-manager")


@pytest.fixture
def count(lyon, lamp, vase, manager):
    return start_cycle_count(warehouse_id=lyon.pk, actor=manager)


def line_of(count: CycleCount, sku: str) -> CycleCountLine:
    return count.lines.get(product__sku=sku)


def test_reading_needs_view_stock(console_client, customer_client, count):
    for path in [en("stock_counts"), en("stock_count", count.pk)]:
        assert Client().get(path).status_code == 302
        assert customer_client.get(path).status_code == 403
        assert console_client("content-editor").get(path).status_code == 403
        assert console_client(None).get(path).status_code == 403
        assert console_client("logistics-manager").get(path).status_code == 200
        assert console_client("inventory-manager").get(path).status_code == 200


def test_the_start_page_needs_manage_stock(console_client, customer_client, lyon):
    path = en("stock_count_new")
    assert Client().get(path)["Location"].startswith(reverse("console:sign_in"))
    assert customer_client.get(path).status_code == 403
    assert console_client("logistics-manager").get(path).status_code == 403
    assert console_client("inventory-manager").get(path).status_code == 200


def test_a_reader_sees_no_entry_form_nor_actions(console_client, count):
    page = console_client("logistics-manager").get(en("stock_count", count.pk))
    html = page.content.decode()
    assert 'type="number"' not in html
    assert en("stock_count_confirm", count.pk) not in html
    assert (
        en("stock_count_new")
        not in console_client("logistics-manager").get(en("stock_counts")).content.decode()
    )


def test_writes_need_manage_stock_and_change_nothing_when_refused(
    console_client, customer_client, lyon, count
):
    lamp_line = line_of(count, "LAMP")
    writes = [
        (en("stock_count_new"), {"warehouse": lyon.pk, "skus": "", "note": ""}),
        (en("stock_count_save", count.pk), {f"line-{lamp_line.pk}": "8"}),
        (en("stock_count_confirm", count.pk), {}),
        (en("stock_count_cancel", count.pk), {}),
    ]
    before = counts_state()
    for path, data in writes:
        assert Client().post(path, data).status_code == 302, path
        assert customer_client.post(path, data).status_code == 403, path
        assert console_client("content-editor").post(path, data).status_code == 403, path
        assert console_client("logistics-manager").post(path, data).status_code == 403, path
    assert counts_state() == before
    assert not AuditEntry.objects.filter(channel="console").exists()

    client = console_client("inventory-manager")
    save, cancel = writes[1], writes[3]
    assert client.post(*save).status_code == 302
    assert line_of(count, "LAMP").counted_quantity == 8
    assert client.post(*cancel).status_code == 302
    count.refresh_from_db()
    assert count.status == "cancelled"
    assert client.post(*writes[0]).status_code == 302  # the products are free again
    assert CycleCount.objects.filter(status="open").count() == 1


def test_a_count_from_start_to_confirmation(console_client, lyon, paris, lamp, vase):
    stocked_product((paris, 3), sku="ELSEWHERE")
    client = console_client("inventory-manager")

    started = client.post(
        en("stock_count_new"), {"warehouse": lyon.pk, "skus": "LAMP, VASE", "note": "Aisle 3"}
    )
    count = CycleCount.objects.get()
    assert started["Location"] == en("stock_count", count.pk)
    assert {line.product.sku: line.expected_quantity for line in count.lines.all()} == {
        "LAMP": 10,
        "VASE": 4,
    }
    lamp_line, vase_line = line_of(count, "LAMP"), line_of(count, "VASE")

    # Sold before the shelf was counted: in the books and gone from the shelf alike.
    record_movement(
        warehouse_id=lyon.pk, product_id=lamp.pk, kind="sale", quantity=-1, reference="OR-1"
    )
    saved = client.post(
        en("stock_count_save", count.pk), {f"line-{lamp_line.pk}": "7", f"line-{vase_line.pk}": "5"}
    )
    assert saved.status_code == 302

    page = client.get(en("stock_count", count.pk))
    shown = [row["line"] for row in page.context["lines"]]
    assert [
        (line.product.sku, line.expected_quantity, line.counted_quantity, line.variance)
        for line in shown
    ] == [("LAMP", 9, 7, -2), ("VASE", 4, 5, 1)]
    html = page.content.decode()
    assert '<span class="badge danger">-2 · 2 units missing</span>' in html
    assert '<span class="badge warn">+1 · 1 unit extra</span>' in html
    assert f'<label class="visually-hidden" for="line-{lamp_line.pk}">Units of LAMP counted' in html

    confirmed = client.post(en("stock_count_confirm", count.pk))
    assert confirmed.status_code == 302
    count.refresh_from_db()
    assert count.status == "confirmed"
    assert list(
        StockMovement.objects.filter(kind="count")
        .order_by("product__sku")
        .values_list("product__sku", "warehouse__code", "quantity", "reference")
    ) == [
        ("LAMP", "lyon", -2, f"COUNT-{count.pk}"),
        ("VASE", "lyon", 1, f"COUNT-{count.pk}"),
    ]
    assert levels(lamp) == {"lyon": (7, 0)}
    assert levels(vase) == {"lyon": (5, 0)}
    assert ledger_disagreements() == []
    assert AuditEntry.objects.get(action="cycle_count.confirmed").channel == "console"

    before = counts_state()
    again = client.post(en("stock_count_confirm", count.pk))
    assert again.status_code == 409
    assert "This count is closed: it can no longer change." in again.content.decode()
    assert counts_state() == before


def test_saving_unchanged_lines_keeps_their_book_quantity(console_client, lyon, lamp, count):
    client = console_client("inventory-manager")
    lamp_line, vase_line = line_of(count, "LAMP"), line_of(count, "VASE")
    client.post(en("stock_count_save", count.pk), {f"line-{lamp_line.pk}": "10"})
    record_movement(
        warehouse_id=lyon.pk, product_id=lamp.pk, kind="sale", quantity=-1, reference="OR-2"
    )

    client.post(
        en("stock_count_save", count.pk), {f"line-{lamp_line.pk}": "10", f"line-{vase_line.pk}": ""}
    )

    assert line_of(count, "LAMP").expected_quantity == 10
    assert line_of(count, "VASE").counted_quantity is None


@pytest.mark.parametrize("value", ["-3", "abc", "2.5", "1000001"])
def test_a_bad_counted_quantity_is_explained_next_to_its_field(console_client, count, value):
    lamp_line, vase_line = line_of(count, "LAMP"), line_of(count, "VASE")
    before = counts_state()

    page = console_client("inventory-manager").post(
        en("stock_count_save", count.pk),
        {f"line-{lamp_line.pk}": value, f"line-{vase_line.pk}": "4"},
    )

    assert page.status_code == 400
    rows = {row["line"].pk: row for row in page.context["lines"]}
    assert rows[lamp_line.pk]["errors"] == ["Enter a whole number of units, 0 or more."]
    assert rows[lamp_line.pk]["value"] == value
    assert rows[vase_line.pk]["errors"] == []
    html = page.content.decode()
    assert "Some counted quantities need correcting." in html
    assert f'aria-describedby="line-{lamp_line.pk}-error"' in html
    assert counts_state() == before


def test_confirming_with_lines_not_counted_is_refused(console_client, count, manager):
    record_counted_quantities(
        count_id=count.pk, counted={line_of(count, "LAMP").pk: 9}, actor=manager
    )
    before = counts_state()

    page = console_client("inventory-manager").post(en("stock_count_confirm", count.pk))

    assert page.status_code == 400
    assert page.context["error_message"] == (
        "Count every line before confirming; not counted yet: VASE."
    )
    assert counts_state() == before


def test_a_closed_count_takes_no_more_entries(console_client, count):
    client = console_client("inventory-manager")
    client.post(en("stock_count_cancel", count.pk))
    before = counts_state()

    saved = client.post(en("stock_count_save", count.pk), {f"line-{line_of(count, 'LAMP').pk}": 1})
    cancelled = client.post(en("stock_count_cancel", count.pk))

    assert (saved.status_code, cancelled.status_code) == (409, 409)
    assert "This count is closed: it can no longer change." in saved.content.decode()
    assert counts_state() == before


def test_starting_a_count_explains_bad_choices(console_client, lyon, count):
    client = console_client("inventory-manager")
    before = counts_state()

    unknown = client.post(en("stock_count_new"), {"warehouse": lyon.pk, "skus": "LAMP NOPE"})
    busy = client.post(en("stock_count_new"), {"warehouse": lyon.pk, "skus": "LAMP"})
    no_warehouse = client.post(en("stock_count_new"), {"warehouse": "x", "skus": ""})

    assert unknown.status_code == busy.status_code == no_warehouse.status_code == 400
    assert unknown.context["form"].errors == {"skus": ["Unknown SKUs: NOPE."]}
    assert busy.context["form"].errors == {
        "skus": ["Already in an open count of this warehouse: LAMP."]
    }
    assert list(no_warehouse.context["form"].errors) == ["warehouse"]
    assert counts_state() == before


def test_a_count_of_one_category(console_client, lyon, lamp):
    category = CategoryFactory()
    stocked_product((lyon, 2), sku="MUG", category=category)
    stocked_product((lyon, 1), sku="CUP", category=category)

    page = console_client("inventory-manager").post(
        en("stock_count_new"), {"warehouse": lyon.pk, "category": category.parent_id}
    )

    assert page.status_code == 302
    assert sorted(CycleCount.objects.get().lines.values_list("product__sku", flat=True)) == [
        "CUP",
        "MUG",
    ]


def test_an_unknown_count_is_not_found(console_client, db):
    client = console_client("inventory-manager")
    assert client.get(en("stock_count", 999)).status_code == 404
    assert client.post(en("stock_count_confirm", 999)).status_code == 404
    assert client.post(en("stock_count_save", 999), {}).status_code == 404


def test_the_list_filters_sorts_and_exports(
    console_client, lyon, paris, count, manager, django_assert_num_queries
):
    stocked_product((paris, 3), sku="JAR")
    other = start_cycle_count(warehouse_id=paris.pk, actor=manager, note="Réserve")
    client = console_client("logistics-manager")
    client.get(en("stock_counts"))  # warms the session and permission caches

    with django_assert_num_queries(12):
        page = client.get(en("stock_counts"), {"warehouse": paris.pk, "sort": "-started"})

    assert page.status_code == 200
    assert [item.pk for item in page.context["listing"].page] == [other.pk]
    everything_page = client.get(en("stock_counts"), {"status": "open", "sort": "number"})
    assert [item.pk for item in everything_page.context["listing"].page] == [count.pk, other.pk]
    export = client.get(en("stock_counts"), {"format": "csv", "warehouse": lyon.pk})
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert rows[0] == "\ufeffreference,warehouse,status,started at,confirmed at,counted,lines"
    assert rows[1].startswith(f"COUNT-{count.pk},lyon,open,")
    assert rows[1].endswith(",,0,2")
    assert len(rows) == 2


def test_list_and_detail_queries_do_not_grow_with_rows(
    console_client, lyon, paris, count, manager, django_assert_num_queries
):
    jars = [stocked_product((paris, number + 1), sku=f"JAR-{number}") for number in range(10)]
    for jar in jars[:4]:
        start_cycle_count(warehouse_id=paris.pk, product_ids=[jar.pk], actor=manager)
    big = start_cycle_count(
        warehouse_id=paris.pk, product_ids=[jar.pk for jar in jars[4:]], actor=manager
    )
    client = console_client("inventory-manager")
    client.get(en("stock_counts"))

    with django_assert_num_queries(11):
        assert client.get(en("stock_counts")).status_code == 200
    for shown in (count, big):
        with django_assert_num_queries(10):
            assert client.get(en("stock_count", shown.pk)).status_code == 200
