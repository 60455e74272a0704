"""Product search timings: index rebuild, searches, suggestions and the API listing.

    # a synthetic catalogue in a fresh data directory
    ORCHESTRE_DATA_DIR=/tmp/orchestre-bench .venv/bin/python bench/search_bench.py --synthetic 4000
    # an imported shop (rebuilds its search index)
    ORCHESTRE_DATA_DIR=/path/to/data .venv/bin/python bench/search_bench.py

Prints, for each operation, the median and worst time over the runs and its number of
database queries (with the vocabulary already loaded)."""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orchestre.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from orchestre.catalog import search  # noqa: E402
from orchestre.catalog.models import Category, Product  # noqa: E402
from orchestre.catalog.services import rebuild_search_index  # noqa: E402
from orchestre.inventory.models import StockLevel, Warehouse  # noqa: E402
from orchestre.pricing.models import Price, VatRate  # noqa: E402

RUNS = 30
SEARCHES = [
    "lantern",
    "lanterns",
    "christmas",
    "chrismas",
    "lanten",
    "red heart",
    "white hanging heart t-light holder",
    "bougies",
    "jumbo bag retrospt",
    "vintage paper",
    "zzzz",
]
SUGGESTIONS = ["la", "lant", "chr", "white h", "vintage pa"]
API_LISTINGS = [
    "/api/v1/products",
    "/api/v1/products?q=christmas",
    "/api/v1/products?q=lanten&sort=price&page_size=100",
    "/api/v1/products?category=decoration&in_stock=1",
]

COLOURS = [
    "red",
    "pink",
    "blue",
    "green",
    "white",
    "black",
    "ivory",
    "gold",
    "silver",
    "cream",
    "purple",
    "orange",
]
MATERIALS = [
    "glass",
    "metal",
    "wooden",
    "ceramic",
    "enamel",
    "paper",
    "felt",
    "wicker",
    "zinc",
    "tin",
    "cotton",
]
STYLES = [
    "vintage",
    "retro",
    "regency",
    "spotty",
    "floral",
    "heart",
    "star",
    "bird",
    "owl",
    "christmas",
    "polkadot",
    "botanical",
    "moroccan",
    "french",
    "victorian",
    "scandi",
    "rustic",
]
THINGS = [
    "lantern",
    "candle",
    "holder",
    "mug",
    "jar",
    "tin",
    "bag",
    "box",
    "frame",
    "clock",
    "sign",
    "garland",
    "bunting",
    "bowl",
    "plate",
    "cup",
    "teapot",
    "cushion",
    "doorstop",
    "hook",
    "coaster",
    "card",
    "wrap",
    "notebook",
    "tray",
    "basket",
    "cake",
    "stand",
    "bottle",
    "lamp",
    "mirror",
    "ornament",
    "bauble",
    "wreath",
    "tag",
    "ribbon",
    "apron",
]
EXTRAS = [
    "set",
    "small",
    "large",
    "jumbo",
    "mini",
    "hanging",
    "decoration",
    "kit",
    "assorted",
    "design",
]


def synthetic_catalogue(size: int) -> None:
    call_command("migrate", verbosity=0)
    if Product.objects.exists():
        sys.exit("The database already holds products; use a fresh data directory.")
    randomiser = random.Random(42)
    now = timezone.now()
    with transaction.atomic():
        vat = VatRate.objects.create(code="fr-standard", country="FR", rate="0.2", label="TVA")
        warehouse = Warehouse.objects.create(code="main", name="Main", city="Lyon")
        categories = []
        for department_number in range(8):
            department = Category.objects.create(
                slug=f"department-{department_number}",
                name_fr=f"Rayon {STYLES[department_number]}",
                name_en=f"{STYLES[department_number].title()} department",
            )
            for number in range(6):
                thing = THINGS[(department_number * 6 + number) % len(THINGS)]
                categories.append(
                    Category.objects.create(
                        parent=department,
                        slug=f"{department.slug}-{thing}s",
                        name_fr=f"Les {thing}s",
                        name_en=f"{thing.title()}s",
                    )
                )
        products = []
        for number in range(size):
            words = [
                randomiser.choice(COLOURS),
                randomiser.choice(STYLES),
                randomiser.choice(MATERIALS),
                randomiser.choice(THINGS),
                *randomiser.sample(EXTRAS, randomiser.randint(0, 2)),
                f"{number}" if number % 7 == 0 else "",
            ]
            products.append(
                Product(
                    sku=f"{20000 + number}",
                    slug=f"product-{number}",
                    name=" ".join(word for word in words if word).capitalize(),
                    category=randomiser.choice(categories),
                    units_sold=randomiser.randint(0, 5000),
                    created_at=now - timedelta(days=randomiser.randint(0, 400)),
                )
            )
        Product.objects.bulk_create(products, batch_size=500)
        Price.objects.bulk_create(
            [
                Price(
                    product=product,
                    amount=Decimal(randomiser.randint(50, 5000)) / 100,
                    vat_rate=vat,
                    updated_at=now,
                )
                for product in products
            ],
            batch_size=500,
        )
        StockLevel.objects.bulk_create(
            [
                StockLevel(warehouse=warehouse, product=product, quantity=randomiser.randint(0, 50))
                for product in products
            ],
            batch_size=500,
        )


def measure(label: str, operation) -> None:
    operation()  # warm: vocabulary and categories loaded
    queries = []
    # Counted with a wrapper: a request resets the connection's query log when it starts.
    with connection.execute_wrapper(lambda execute, *args: queries.append(1) or execute(*args)):
        operation()
    timings = []
    for _run in range(RUNS):
        start = time.perf_counter()
        operation()
        timings.append((time.perf_counter() - start) * 1000)
    print(
        f"{label:<60} median {statistics.median(timings):7.2f} ms"
        f"   worst {max(timings):7.2f} ms   {len(queries)} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=0, help="build this many products")
    arguments = parser.parse_args()
    if arguments.synthetic:
        synthetic_catalogue(arguments.synthetic)

    print(f"{connection.vendor}, {Product.objects.filter(is_active=True).count()} products")
    start = time.perf_counter()
    rows = rebuild_search_index()
    print(f"rebuild_search_index: {rows} rows in {time.perf_counter() - start:.2f} s")
    search.clear_caches()
    start = time.perf_counter()
    search.search_product_ids("lantern")
    print(f"first search (loads the vocabulary): {(time.perf_counter() - start) * 1000:.1f} ms")

    for text in SEARCHES:
        found = len(search.search_product_ids(text))
        measure(
            f"search_product_ids({text!r}) → {found}",
            lambda text=text: search.search_product_ids(text),
        )
    for text in SUGGESTIONS:
        measure(f"suggest({text!r})", lambda text=text: search.suggest(text))
    client = Client(HTTP_HOST="localhost")
    for url in API_LISTINGS:
        measure(f"GET {url}", lambda url=url: client.get(url))


if __name__ == "__main__":
    main()
