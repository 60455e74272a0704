"""Console benchmark: server time (median and p95 of in-process requests) and query count of
the back office's busiest pages on the fully imported history (about 20,000 orders, 4,300
customers, 3,800 products), for the role that uses each.

    python bench/console_bench.py [--data-dir DIR] [--repeat 30]

Shares its data directory with pages.py (imported from the full online-retail file on first
use). Prints a Markdown table.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import prepare  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/orchestre-bench"))
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    os.environ.update(prepare(args.data_dir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "orchestre.config.settings"

    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from orchestre.customers.models import Customer
    from orchestre.ops.demo_accounts import ensure_demo_accounts
    from orchestre.orders.models import Order

    ensure_demo_accounts()
    order = Order.objects.order_by("-total").first()
    customer = Customer.objects.order_by("pk").first()
    pages = [
        ("customer-service", "orders, newest first", "/en/console/orders/"),
        ("customer-service", "orders sorted by total", "/en/console/orders/?sort=-total"),
        ("customer-service", "orders of one country", "/en/console/orders/?country=France"),
        ("customer-service", "one order", f"/en/console/orders/{order.number}/"),
        ("customer-service", "search by e-mail", f"/en/console/search/?q={customer.email}"),
        ("customer-service", "customers", "/en/console/customers/"),
        ("customer-service", "customer 360", f"/en/console/customers/{customer.pk}/"),
        ("customer-service", "tickets", "/en/console/tickets/"),
        ("inventory-manager", "stock levels", "/en/console/stock/"),
        ("inventory-manager", "reorder worklist", "/en/console/stock/reorder/"),
        ("content-editor", "catalogue", "/en/console/catalog/"),
        ("content-editor", "completeness worklist", "/en/console/catalog/worklist/"),
        ("logistics-manager", "orders to prepare", "/en/console/fulfilment/"),
        ("ecommerce-manager", "home (sales summary)", "/en/console/"),
        ("ecommerce-manager", "audit log", "/en/console/audit-log/"),
    ]
    from django.contrib.auth import get_user_model

    clients = {}
    print(f"{Order.objects.count():,} orders, {Customer.objects.count():,} customers\n")
    print("| role | page | median ms | p95 ms | queries | KB |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for role, label, path in pages:
        if role not in clients:
            clients[role] = Client(HTTP_HOST="127.0.0.1")
            clients[role].force_login(get_user_model().objects.get(username=role))
        client = clients[role]
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        # Read now: the next requests reopen the connection, which empties its query log.
        queries = len(captured)
        assert response.status_code == 200, (path, response.status_code)
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(
            f"| {role} | {label} | {statistics.median(timings):.1f} | {p95:.1f} "
            f"| {queries} | {len(response.content) / 1024:.0f} |"
        )


if __name__ == "__main__":
    main()
