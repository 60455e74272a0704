"""Writing the catalogue side of an import: categories, attributes, products, prices,
warehouses and opening stock. Called inside the import's transaction.

Products are keyed by SKU. A product the shop already has keeps what the team may have
edited since (name, slug, category, attributes, price, stock); only facts of the sales
history move (``units_sold``, ``created_at``), when the file brings invoices not
imported before.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.text import slugify

from orchestre.catalog.models import Attribute, AttributeValue, Category, Product
from orchestre.inventory.models import StockLevel, StockMovement, Warehouse
from orchestre.ops.online_retail import attributes, classification, conversion, stock
from orchestre.ops.online_retail.batching import chunked
from orchestre.ops.online_retail.history import imported_sales
from orchestre.ops.online_retail.plan import InvoicePlan, ProductPlan, units_sold_by_sku
from orchestre.pricing.models import Price, PriceHistory, VatRate

BATCH_SIZE = 2000
MAX_NAME_SLUG = 100  # + "-" + SKU stays within Product.slug's 140 characters


def ensure_categories() -> dict[str, int]:
    """Create the departments and leaves of classification.py that are missing (existing
    ones are left as the team may have renamed them); return the id of every slug."""
    Category.objects.bulk_create(
        [
            Category(slug=department.slug, name_fr=department.name_fr,
                     name_en=department.name_en, position=position)
            for position, department in enumerate(classification.DEPARTMENTS)
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    departments = dict(
        Category.objects.filter(
            slug__in=[department.slug for department in classification.DEPARTMENTS]
        ).values_list("slug", "id")
    )
    Category.objects.bulk_create(
        [
            Category(slug=leaf.slug, name_fr=leaf.name_fr, name_en=leaf.name_en,
                     parent_id=departments[leaf.parent], position=position)
            for position, leaf in enumerate(classification.LEAVES)
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    return dict(
        Category.objects.filter(
            slug__in=[
                category.slug for category in classification.DEPARTMENTS + classification.LEAVES
            ]
        ).values_list("slug", "id")
    )


def ensure_attribute_values(pack_sizes: Iterable[int]) -> dict[tuple[str, str], int]:
    """Create the attributes and values the import uses (colours, materials and the given
    pack sizes) that are missing; return {(attribute code, value code): value id}."""
    Attribute.objects.bulk_create(
        [
            Attribute(code=definition.code, name_fr=definition.name_fr,
                      name_en=definition.name_en, position=definition.position)
            for definition in attributes.ATTRIBUTES
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    attribute_ids = dict(
        Attribute.objects.filter(
            code__in=[definition.code for definition in attributes.ATTRIBUTES]
        ).values_list("code", "id")
    )
    values = [
        (attributes.COLOUR.code, value.code, value.name_fr, value.name_en)
        for value in attributes.COLOURS
    ] + [
        (attributes.MATERIAL.code, value.code, value.name_fr, value.name_en)
        for value in attributes.MATERIALS
    ] + [
        (attributes.PACK_SIZE.code, str(size), f"Lot de {size}", f"Pack of {size}")
        for size in sorted(set(pack_sizes))
    ]  # fmt: skip
    AttributeValue.objects.bulk_create(
        [
            AttributeValue(attribute_id=attribute_ids[attribute], code=code, name_fr=name_fr,
                           name_en=name_en)
            for attribute, code, name_fr, name_en in values
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    return {
        (attribute, code): value_id
        for attribute, code, value_id in AttributeValue.objects.filter(
            attribute_id__in=attribute_ids.values()
        ).values_list("attribute__code", "code", "id")
    }


def ensure_vat_rate() -> VatRate:
    """The French standard VAT rate the shop prices include (created if missing)."""
    vat_rate, _ = VatRate.objects.get_or_create(
        code=conversion.VAT_RATE_CODE,
        defaults={
            "country": conversion.VAT_COUNTRY,
            "rate": conversion.VAT_RATE,
            "label": conversion.VAT_LABEL,
        },
    )
    return vat_rate


def ensure_warehouses() -> dict[str, int]:
    """The two warehouses of stock.py (created if missing); {code: id}."""
    return {
        definition.code: Warehouse.objects.get_or_create(
            code=definition.code,
            defaults={
                "name": definition.name,
                "city": definition.city,
                "priority": definition.priority,
            },
        )[0].id
        for definition in stock.WAREHOUSES
    }


@dataclass(frozen=True)
class SavedProducts:
    product_ids: dict[str, int]  # every SKU of the file -> product id
    created: list[int]  # ids of the products created
    priced: list[int]  # ids of the products given their first price


def save_products(
    plans: list[ProductPlan], *, new_invoices: list[InvoicePlan], category_ids: dict[str, int],
    value_ids: dict[tuple[str, str], int], vat_rate: VatRate,
) -> SavedProducts:  # fmt: skip
    """Create the products the shop lacks (with attributes), bring the sales history of
    the others up to date with ``new_invoices`` (the invoices not imported before), and
    give a price to every product that can have one and has none."""
    existing = {
        sku: (product_id, created_at)
        for sku, product_id, created_at in Product.objects.values_list("sku", "id", "created_at")
    }
    units_sold = units_sold_by_sku(new_invoices)
    new = [plan for plan in plans if plan.sku not in existing]
    product_ids = {sku: product_id for sku, (product_id, _) in existing.items()}
    created = _create_products(new, category_ids=category_ids, units_sold=units_sold)
    product_ids.update(created)
    _link_attribute_values(new, product_ids=product_ids, value_ids=value_ids)
    in_new_invoices = {sku for invoice in new_invoices for _, _, sku in invoice.lines if sku}
    touched = [plan for plan in plans if plan.sku in existing and plan.sku in in_new_invoices]
    if touched:
        _record_sales_history(
            touched, existing=existing, units_sold=units_sold, imported_before=imported_sales()
        )
    priced = _create_missing_prices(plans, product_ids=product_ids, vat_rate=vat_rate)
    return SavedProducts(product_ids, list(created.values()), priced)


def product_slug(name: str, sku: str) -> str:
    """A unique slug: the name's, cut to a readable length, then the SKU."""
    return "-".join(filter(None, [slugify(name)[:MAX_NAME_SLUG].strip("-"), slugify(sku)]))


def _create_products(
    plans: list[ProductPlan], *, category_ids: dict[str, int], units_sold: dict[str, int]
) -> dict[str, int]:
    """Insert the planned products (none may exist yet) and return {sku: id}. A product
    with no price to sell it at is created inactive."""
    products = [
        Product(
            sku=plan.sku,
            slug=product_slug(plan.name, plan.sku),
            name=plan.name,
            source_name=plan.source_name,
            category_id=category_ids[plan.category],
            pack_size=plan.attributes.pack_size,
            is_active=plan.price is not None,
            units_sold=max(units_sold.get(plan.sku, 0), 0),
            created_at=plan.listed_at,
        )
        for plan in plans
    ]
    Product.objects.bulk_create(products, batch_size=BATCH_SIZE)
    return {product.sku: product.id for product in products}


def _link_attribute_values(
    plans: list[ProductPlan], *, product_ids: dict[str, int], value_ids: dict[tuple[str, str], int]
) -> None:
    """Attach each new product's colours, materials and pack size."""
    through = Product.attribute_values.through
    links = []
    for plan in plans:
        codes = [(attributes.COLOUR.code, code) for code in plan.attributes.colours]
        codes += [(attributes.MATERIAL.code, code) for code in plan.attributes.materials]
        if plan.attributes.pack_size:
            codes.append((attributes.PACK_SIZE.code, str(plan.attributes.pack_size)))
        links += [
            through(product_id=product_ids[plan.sku], attributevalue_id=value_ids[code])
            for code in codes
        ]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE, ignore_conflicts=True)


def _create_missing_prices(
    plans: list[ProductPlan], *, product_ids: dict[str, int], vat_rate: VatRate
) -> list[int]:
    """Give every planned product with a price and no Price row its price (EUR incl.
    VAT), one PriceHistory row from its first sale, and make it active; returns the ids
    of the products that got a price."""
    priced = {plan.sku: plan for plan in plans if plan.price is not None}
    # Whole-table reads: a catalogue is a few thousand rows, and a filter on thousands of
    # ids would pass the parameter limit of some SQLite builds.
    already = set(Price.objects.values_list("product_id", flat=True))
    with_history = set(PriceHistory.objects.values_list("product_id", flat=True).distinct())
    new = [plan for sku, plan in priced.items() if product_ids[sku] not in already]
    Price.objects.bulk_create(
        [
            Price(product_id=product_ids[plan.sku], amount=plan.price, currency="EUR",
                  vat_rate=vat_rate, updated_at=plan.listed_at)
            for plan in new
        ],
        batch_size=BATCH_SIZE,
    )  # fmt: skip
    PriceHistory.objects.bulk_create(
        [
            PriceHistory(product_id=product_ids[plan.sku], amount=plan.price, currency="EUR",
                         valid_from=plan.listed_at)
            for plan in new
            if product_ids[plan.sku] not in with_history
        ],
        batch_size=BATCH_SIZE,
    )  # fmt: skip
    new_ids = [product_ids[plan.sku] for plan in new]
    for chunk in chunked(new_ids):
        Product.objects.filter(id__in=chunk, is_active=False).update(is_active=True)
    return new_ids


def create_opening_stock(
    plans: list[ProductPlan], *, product_ids: dict[str, int], warehouse_ids: dict[str, int],
    opened_at: datetime,
) -> int:  # fmt: skip
    """Stock levels in every warehouse for planned products that have none yet, with one
    receipt movement per non-zero level; returns the units received."""
    stocked = set(StockLevel.objects.values_list("product_id", flat=True).distinct())
    levels, movements = [], []
    for plan in plans:
        product_id = product_ids[plan.sku]
        if product_id in stocked:
            continue
        for code, quantity in plan.opening_stock.items():
            warehouse_id = warehouse_ids[code]
            levels.append(
                StockLevel(warehouse_id=warehouse_id, product_id=product_id, quantity=quantity)
            )
            if quantity:
                movements.append(
                    StockMovement(
                        warehouse_id=warehouse_id, product_id=product_id,
                        kind=StockMovement.Kind.RECEIPT, quantity=quantity,
                        reference=stock.OPENING_REFERENCE, created_at=opened_at,
                    )
                )  # fmt: skip
    StockLevel.objects.bulk_create(levels, batch_size=BATCH_SIZE)
    StockMovement.objects.bulk_create(movements, batch_size=BATCH_SIZE)
    return sum(movement.quantity for movement in movements)


def _record_sales_history(
    plans: list[ProductPlan], *, existing: dict[str, tuple[int, datetime]],
    units_sold: dict[str, int], imported_before: dict[int, tuple[int, datetime | None]],
) -> None:  # fmt: skip
    """Bring the history facts of products that already existed up to date with the
    invoices this import adds (``units_sold``: their net units per SKU), given what the
    invoices imported earlier say (``imported_before``: net units and first sale per
    product id), so that importing files one after the other ends where importing them
    together would:
    - the imported history counts for max(0, its net units) in ``units_sold``; the change
      is applied with F(), so units the shop recorded itself meanwhile are kept;
    - ``created_at`` is the first sale of all imported invoices; for a product never sold,
      its earliest appearance."""
    for plan in plans:
        product_id, created_at = existing[plan.sku]
        units_before, first_sold_before = imported_before.get(product_id, (0, None))
        changes = {}
        change = max(units_before + units_sold.get(plan.sku, 0), 0) - max(units_before, 0)
        if change:
            changes["units_sold"] = Greatest(F("units_sold") + change, 0)
        sales = [moment for moment in (first_sold_before, plan.first_sold) if moment]
        listed_at = min(sales) if sales else min(created_at, plan.first_seen)
        if listed_at != created_at:
            changes["created_at"] = listed_at
        if changes:
            Product.objects.filter(id=product_id).update(**changes)
