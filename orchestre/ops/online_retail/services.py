"""Entry points of the online-retail import: ``import_online_retail`` and ``shop_is_empty``."""

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Count
from tqdm import tqdm

from orchestre.catalog.models import Category, Product
from orchestre.catalog.services import index_products
from orchestre.core.cache_versions import CATALOG, bump_version
from orchestre.ops.online_retail import catalogue, history
from orchestre.ops.online_retail.plan import build_plan
from orchestre.ops.online_retail.reader import read_transactions
from orchestre.orders.models import Order, OrderLine


@dataclass(frozen=True)
class CategoryCount:
    department: str
    category: str
    products: int


@dataclass(frozen=True)
class ImportSummary:
    """What one import read and what it changed. ``*_in_file`` counts describe the file;
    ``*_created`` counts what this run added (all zero when the file was imported before)."""

    path: str
    lines_read: int
    invoices_in_file: int
    cancellations_in_file: int
    adjustments_in_file: int
    invoices_created: int
    invoices_skipped: int
    lines_created: int
    products_in_file: int
    products_created: int
    products_priced: int
    categories: int
    customers_in_file: int
    customers_created: int
    units_received: int
    line_kinds: dict[str, int]
    unknown_countries: tuple[str, ...]
    category_distribution: tuple[CategoryCount, ...]
    duration_seconds: float
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def lines_per_second(self) -> float:
        return self.lines_read / self.duration_seconds if self.duration_seconds else 0.0

    def describe(self) -> str:
        """The summary printed at the end of an import (plain text, English)."""
        kinds = ", ".join(f"{kind} {count:,}" for kind, count in self.line_kinds.items() if count)
        total_products = sum(entry.products for entry in self.category_distribution) or 1
        lines = [
            f"Imported {self.path}",
            f"  lines read          {self.lines_read:,} ({self.lines_created:,} written)",
            f"  invoices            {self.invoices_in_file:,} in file: "
            f"{self.cancellations_in_file:,} cancellations, "
            f"{self.adjustments_in_file:,} adjustments; "
            f"{self.invoices_created:,} created, {self.invoices_skipped:,} already there",
            f"  line kinds          {kinds}",
            f"  products            {self.products_in_file:,} in file, "
            f"{self.products_created:,} created, {self.products_priced:,} priced",
            f"  categories          {self.categories:,}",
            f"  customers           {self.customers_in_file:,} in file, "
            f"{self.customers_created:,} created",
            f"  opening stock       {self.units_received:,} units received",
        ]
        if self.unknown_countries:
            lines.append(f"  countries without code: {', '.join(self.unknown_countries)}")
        lines.append("  products per category (whole catalogue):")
        lines += [
            f"    {entry.department:<22} {entry.category:<24} {entry.products:>6,} "
            f"{100 * entry.products / total_products:5.1f} %"
            for entry in self.category_distribution
        ]
        timings = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in self.timings.items())
        lines.append(
            f"  duration            {self.duration_seconds:.1f} s ({timings}), "
            f"{self.lines_per_second:,.0f} lines/s"
        )
        return "\n".join(lines)


def shop_is_empty() -> bool:
    """True while the catalogue has no product (the demo imports its data then)."""
    return not Product.objects.exists()


def import_online_retail(*, path: Path | str, progress: bool = True) -> ImportSummary:
    """Import an online-retail file (.csv or .csv.gz, see data/online-retail/README.md).

    The whole file is read, validated and planned before the database is touched; then
    everything is written in one transaction. Guarantees:
    - a bad file raises ImportFileError naming the line and the problem, and changes
      nothing;
    - importing a file again changes nothing: invoices already imported (by number) are
      skipped, products are matched by SKU and customers by source number;
    - order totals and lines equal the file, duplicate rows included.
    ``progress`` shows progress bars on stderr."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    transactions = read_transactions(Path(path), progress=progress)
    timings["read"] = time.perf_counter() - started
    plan = build_plan(transactions)
    timings["plan"] = time.perf_counter() - started - timings["read"]
    products = list(plan.products.values())

    with transaction.atomic():
        written_from = time.perf_counter()
        category_ids = catalogue.ensure_categories()
        value_ids = catalogue.ensure_attribute_values(
            product.attributes.pack_size for product in products if product.attributes.pack_size
        )
        vat_rate = catalogue.ensure_vat_rate()
        warehouse_ids = catalogue.ensure_warehouses()

        skipped = history.existing_invoice_numbers(list(plan.invoices))
        new_invoices = [
            invoice for number, invoice in plan.invoices.items() if number not in skipped
        ]
        saved = catalogue.save_products(
            products,
            new_invoices=new_invoices,
            category_ids=category_ids,
            value_ids=value_ids,
            vat_rate=vat_rate,
        )
        units_received = catalogue.create_opening_stock(
            products,
            product_ids=saved.product_ids,
            warehouse_ids=warehouse_ids,
            opened_at=max(invoice.placed_at for invoice in plan.invoices.values()),
        )
        customer_ids, customers_created = history.save_customers(plan.customers)
        new_line_count = sum(len(invoice.lines) for invoice in new_invoices)
        with tqdm(
            total=new_line_count, unit=" lines", desc="Writing", disable=not progress, leave=False
        ) as bar:
            lines_created = history.create_orders(
                new_invoices,
                customer_ids=customer_ids,
                product_ids=saved.product_ids,
                progress=bar.update,
            )
        # The search index covers active products: new ones and those just given a price.
        index_products(saved.created + saved.priced)
        if new_invoices:
            bump_version(CATALOG)  # bestsellers and listings change with units_sold
    timings["write"] = time.perf_counter() - written_from  # the commit included

    kinds = Counter(invoice.kind for invoice in plan.invoices.values())
    return ImportSummary(
        path=str(path),
        lines_read=len(transactions),
        invoices_in_file=len(plan.invoices),
        cancellations_in_file=kinds[Order.Kind.CANCELLATION],
        adjustments_in_file=kinds[Order.Kind.ADJUSTMENT],
        invoices_created=len(new_invoices),
        invoices_skipped=len(skipped),
        lines_created=lines_created,
        products_in_file=len(products),
        products_created=len(saved.created),
        products_priced=len(saved.priced),
        categories=Category.objects.count(),
        customers_in_file=len(plan.customers),
        customers_created=customers_created,
        units_received=units_received,
        line_kinds={kind: plan.line_kinds[kind] for kind in OrderLine.Kind.values},
        unknown_countries=tuple(sorted(plan.unknown_countries)),
        category_distribution=category_distribution(),
        duration_seconds=time.perf_counter() - started,
        timings=timings,
    )


def category_distribution() -> tuple[CategoryCount, ...]:
    """Products per leaf category, in tree order, leaves without products included."""
    leaves = (
        Category.objects.filter(parent__isnull=False)
        .select_related("parent")
        .annotate(product_count=Count("products"))
        .order_by("parent__position", "parent__slug", "position", "slug")
    )
    return tuple(
        CategoryCount(leaf.parent.name_en, leaf.name_en, leaf.product_count) for leaf in leaves
    )
