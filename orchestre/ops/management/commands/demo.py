import time
from importlib.resources import files

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation

from orchestre.ops.demo_accounts import ensure_demo_accounts
from orchestre.ops.demo_fulfilment import seed_fulfilment_demo
from orchestre.ops.demo_orders import seed_demo_orders
from orchestre.ops.demo_returns import seed_returns_demo
from orchestre.ops.demo_stock import seed_stock_demo
from orchestre.ops.demo_support import seed_support_demo
from orchestre.ops.online_retail import import_online_retail, shop_is_empty
from orchestre.ops.server import (
    default_worker_count,
    email_destination,
    serve,
    worker_beside_server,
)

# Work for the team's workspaces, each step idempotent.
DEMO_WORK = (
    seed_stock_demo,
    seed_demo_orders,
    seed_fulfilment_demo,
    seed_returns_demo,
    seed_support_demo,
)
DEMO_EXTRACT = files("orchestre.ops") / "data" / "online-retail-extract.csv.gz"


class Command(BaseCommand):
    help = (
        "Create and migrate the database, import the demo data if the shop is empty, "
        "create one account per team role, then serve the shop with a background worker "
        "beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Set up, then stop.")

    def handle(self, *args, host, port, no_serve, **options):
        started = time.monotonic()
        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        if shop_is_empty():
            self.stdout.write("Importing the demo catalogue and order history (first start only)…")
            summary = import_online_retail(path=DEMO_EXTRACT, progress=True)
            self.stdout.write(summary.describe())
        with translation.override("en"):
            accounts = ensure_demo_accounts()
        # The demo's orders, parcels and tickets are French, as the shop's default language.
        for seed in DEMO_WORK:
            self.stdout.write(seed())
        self.stdout.write(f"Ready in {time.monotonic() - started:.1f} s.\n")
        self.stdout.write("Demo accounts (one per team role):")
        width = max(len(account.username) for account in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.username:<{width}}  {account.password}  {account.role}")
        if no_serve:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"\nShop:       http://{host}:{port}/")
        self.stdout.write(f"Console:    http://{host}:{port}/console/ (demo accounts above)")
        self.stdout.write(f"API docs:   http://{host}:{port}/api/v1/docs")
        self.stdout.write(f"Admin:      http://{host}:{port}/admin/")
        self.stdout.write(f"E-mails:    {email_destination()}\n")
        self.stdout.flush()
        with worker_beside_server():
            serve(host=host, port=port, workers=default_worker_count(), threads=4)
