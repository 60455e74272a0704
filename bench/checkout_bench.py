"""Checkout benchmark: completed guest checkouts per second and p50/p95 latency of the API
purchase path under concurrent buyers, on SQLite and on PostgreSQL, beside the Django Oscar
peer's guest checkout (../shared/peers/oscar) measured in the same run; then a flash sale
(500 buyers, 100 units) on each database.

    python bench/checkout_bench.py [--duration 30] [--warmup 10] [--buyers 16 64]
        [--databases sqlite postgres] [--workers 5] [--threads 4] [--flash-buyers 500]
        [--no-flash] [--no-oscar] [--no-oscar-flash]

One checkout, timed end to end, is what an API client does for a guest purchase:
    POST  /api/v1/carts                              {}                       → 201
    POST  /api/v1/carts/{id}/lines                   1 to 3 products, 1 to 3 units each → 201
    GET   /api/v1/carts/{id}/delivery-methods?country=FR                      → 200
    PATCH /api/v1/carts/{id}                         e-mail, address, colissimo-home → 200
    POST  /api/v1/carts/{id}/complete                sandbox tok_success, Idempotency-Key → 201
5 to 7 requests on one keep-alive connection, a new connection for each checkout.

Set up for each database, from scratch every run:
- SQLite: the data directory /tmp/orchestre-bench-sqlite is deleted, then
  `orchestre demo --no-serve` imports the shipped extract (3,774 products) into it.
- PostgreSQL: the database orchestre_bench on 127.0.0.1:5432 (user postgres, trust auth) is
  dropped and created, then the same command runs with DATABASE_URL pointing at it (data
  directory /tmp/orchestre-bench-postgres for the secret key, file cache and static files).
- The 200 sellable products with the most stock get 100,000 units each in the first
  warehouse, so the figures measure the purchase path, not stock-outs; the next one becomes
  the flash-sale product with exactly 100 units (60 + 40 over two warehouses). Each change is
  recorded as an adjustment movement, so the stock ledger still adds up.
- `orchestre serve` (gunicorn gthread, --workers × --threads), ORCHESTRE_ENV left at demo,
  file cache (no REDIS_URL), no background worker: order e-mails stay queued in the outbox.

Each load phase: --warmup seconds of load, then --duration seconds measured; a checkout
counts when its complete answers 201 within the measured window. Failed requests are
counted by step and status; in-flight checkouts finish after the window but are not counted.
The CPU time of the server, the database's backends, the load generator and the whole
machine is read at both ends of the window: a large "other" share means the machine was not
quiet and the figures should be taken again.

Flash sale: --flash-buyers carts are prepared (1 unit of the flash product each), then all
completes are released at the same instant; the database then says how many orders were
paid, how much stock is left, and that nothing was oversold.

Oscar (its peer scripts' setup: 2 gunicorn sync workers, its own PostgreSQL on port 55432):
`run.sh restart`, then for each buyer count its checkout_driver.py (14 HTTP requests per
order, cookie-based HTML checkout, 1 unit of 1 product) for --warmup seconds, discarded, and
for --duration seconds, each after `peer_reset_state`; its orders/s are its driver's own
(flows started before the deadline finish and count). Then its flash_sale.py in barrier
mode with as many buyers, and `peer_flash_report`. Orchestre's servers are stopped by then.
Needs ../shared/peers/oscar/setup.sh run once; skipped with a message otherwise.

The load generator, the servers and the databases share the machine's cores.
Prints Markdown tables on stdout, progress on stderr.
"""

import argparse
import gzip
import http.client
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORCHESTRE = Path(sys.executable).parent / "orchestre"
OSCAR_DIR = ROOT.parent / "shared" / "peers" / "oscar"
OSCAR_PYTHON = Path("/tmp/oscar-venv/bin/python")
OSCAR_URLS = Path("/tmp/oscar-peer/bench_urls.json")
OSCAR_URL = "http://127.0.0.1:8101"
OSCAR_GUNICORN_PID = Path("/tmp/oscar-peer/gunicorn.pid")
OSCAR_POSTMASTER_PID = Path("/tmp/oscar-peer/pgdata/postmaster.pid")
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"

BENCH_SKUS = 200
TOP_UP_UNITS = 100_000
FLASH_UNITS = 100
DELIVERY_METHOD = "colissimo-home"
ADDRESS = {
    "first_name": "Marie",
    "last_name": "Curie",
    "line1": "12 rue de la Paix",
    "postcode": "75002",
    "city": "Paris",
    "country": "FR",
}
PAYMENT = {"payment": {"provider": "sandbox", "token": "tok_success"}, "accept_terms": True}
STEPS = ("create cart", "add line", "delivery methods", "details", "complete")
CHECKOUT_EMAILS = "checkout.bench.example"
FLASH_EMAILS = "flash.bench.example"


# Inside Django: the script runs itself with the shop's settings for the database work ----


def in_django(env: dict, function: str, **params) -> dict:
    """Run one of the functions below in a child process set up like `orchestre` commands,
    on the database `env` points at, and return what it printed as JSON."""
    result = subprocess.run(
        [sys.executable, __file__, "in-django", function, json.dumps(params)],
        env={**env, "DJANGO_SETTINGS_MODULE": "orchestre.config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def set_available_stock(product_id: int, units_by_warehouse: dict) -> None:
    """Make exactly these units available, one adjustment movement per change."""
    from django.db.models import F
    from django.utils import timezone

    from orchestre.inventory.models import StockLevel, StockMovement

    for warehouse, units in units_by_warehouse.items():
        level, _ = StockLevel.objects.get_or_create(product_id=product_id, warehouse=warehouse)
        change = level.reserved + units - level.quantity
        if change:
            StockLevel.objects.filter(pk=level.pk).update(quantity=F("quantity") + change)
            StockMovement.objects.create(
                warehouse=warehouse,
                product_id=product_id,
                kind=StockMovement.Kind.ADJUSTMENT,
                quantity=change,
                reference="checkout benchmark",
                created_at=timezone.now(),
            )


def prepare_stock(*, sku_count: int, top_up: int, flash_units: int) -> dict:
    from django.db import transaction
    from django.db.models import F, Sum

    from orchestre.catalog.models import Product
    from orchestre.core.cache_versions import CATALOG, bump_version
    from orchestre.inventory.models import Warehouse

    ranked = list(
        Product.objects.filter(is_active=True, price__isnull=False)
        .annotate(available=Sum(F("stock_levels__quantity") - F("stock_levels__reserved")))
        .order_by(F("available").desc(nulls_last=True), "pk")
        .values_list("pk", "sku")[: sku_count + 1]
    )
    *bench, (flash_id, flash_sku) = ranked
    warehouses = list(Warehouse.objects.order_by("priority", "pk")[:2])
    first_share = flash_units * 3 // 5 if len(warehouses) == 2 else flash_units
    flash_split = dict(zip(warehouses, (first_share, flash_units - first_share), strict=False))
    with transaction.atomic():
        for product_id, _ in bench:
            set_available_stock(product_id, {warehouses[0]: top_up})
        set_available_stock(flash_id, flash_split)
        bump_version(CATALOG)
    return {
        "skus": [sku for _, sku in bench],
        "flash_sku": flash_sku,
        "flash_split": list(flash_split.values()),
    }


def flash_report(*, sku: str, email_domain: str) -> dict:
    from django.db.models import Count, Sum

    from orchestre.inventory.models import Reservation, StockLevel, StockMovement
    from orchestre.orders.models import Order, OrderLine

    orders = Order.objects.filter(email__endswith="@" + email_domain)
    levels = StockLevel.objects.filter(product__sku=sku).aggregate(
        quantity=Sum("quantity"), reserved=Sum("reserved")
    )
    sold = StockMovement.objects.filter(product__sku=sku, kind=StockMovement.Kind.SALE)
    return {
        "orders_by_status": dict(
            orders.values_list("status").annotate(count=Count("pk")).order_by()
        ),
        "units_in_paid_orders": OrderLine.objects.filter(
            order__in=orders.filter(status=Order.Status.PAID), product__sku=sku
        ).aggregate(units=Sum("quantity"))["units"]
        or 0,
        "units_sold_in_ledger": -(sold.aggregate(units=Sum("quantity"))["units"] or 0),
        "stock_quantity": levels["quantity"],
        "stock_reserved": levels["reserved"],
        "active_reservations": Reservation.objects.filter(
            product__sku=sku, status=Reservation.Status.ACTIVE
        ).count(),
    }


def run_in_django(function: str, params: str) -> None:
    import django

    django.setup()
    functions = {"prepare_stock": prepare_stock, "flash_report": flash_report}
    print(json.dumps(functions[function](**json.loads(params))))


# HTTP client ------------------------------------------------------------------------------


class StepFailed(Exception):
    def __init__(self, step: str, outcome: str, body: str = ""):
        super().__init__(f"{step}: {outcome} {body[:300]}")
        self.step = step
        self.outcome = outcome
        self.body = body


@dataclass
class Answer:
    status: int
    raw: bytes
    seconds: float

    def json(self) -> dict:
        return json.loads(self.raw)


def send(connection, step: str, method: str, path: str, body=None, headers=None) -> Answer:
    """One request; the body is read in full, as a client would, before the clock stops."""
    started = time.perf_counter()
    try:
        connection.request(
            method,
            path,
            body=None if body is None else json.dumps(body).encode(),
            # Accept gzip like common HTTP clients do, so the server pays for compression.
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Accept-Encoding": "gzip",
                **(headers or {}),
            },
        )
        response = connection.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException) as error:
        raise StepFailed(step, type(error).__name__, str(error)) from None
    seconds = time.perf_counter() - started
    if response.getheader("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    return Answer(response.status, raw, seconds)


def new_connection(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=120)


class Client:
    """One buyer's keep-alive connection, timing each request by step."""

    def __init__(self, port: int):
        self.connection = new_connection(port)
        self.timings: list[tuple[str, float]] = []

    def step(self, step: str, status: int, method: str, path: str, body=None, headers=None):
        answer = send(self.connection, step, method, path, body, headers)
        if answer.status != status:
            raise StepFailed(step, str(answer.status), answer.raw.decode(errors="replace"))
        self.timings.append((step, answer.seconds))
        return answer

    def ready_cart(self, lines: list[tuple[str, int]], email: str) -> str:
        """A cart holding `lines`, with e-mail, address and delivery method set."""
        cart = (
            "/api/v1/carts/"
            + self.step("create cart", 201, "POST", "/api/v1/carts", {}).json()["id"]
        )
        for sku, quantity in lines:
            self.step("add line", 201, "POST", f"{cart}/lines", {"sku": sku, "quantity": quantity})
        self.step("delivery methods", 200, "GET", f"{cart}/delivery-methods?country=FR")
        details = {"email": email, "shipping_address": ADDRESS, "delivery_method": DELIVERY_METHOD}
        self.step("details", 200, "PATCH", cart, details)
        return cart

    def close(self) -> None:
        self.connection.close()


def idempotency_key() -> dict[str, str]:
    return {"Idempotency-Key": f"bench-{uuid.uuid4().hex}"}


def checkout(port: int, rng: random.Random, skus: list[str], email: str) -> list:
    """The whole purchase path on one keep-alive connection; returns (step, seconds) pairs."""
    client = Client(port)
    try:
        lines = [(sku, rng.randint(1, 3)) for sku in rng.sample(skus, rng.randint(1, 3))]
        cart = client.ready_cart(lines, email)
        answer = client.step(
            "complete", 201, "POST", f"{cart}/complete", PAYMENT, idempotency_key()
        )
        if "number" not in answer.json():
            raise StepFailed("complete", "201 without number", answer.raw.decode())
    finally:
        client.close()
    return client.timings


# CPU accounting: the load generator, the server and the database share the cores ------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(*, server_pid: int, database_pid: int | None = None) -> dict[str, float]:
    """CPU seconds used so far by the server's processes, the database (the processes under
    `database_pid`, else the bench database's backends), this load generator and the
    drivers it waited for, and the whole machine (busy time, all cores)."""
    parents, used, reaped, backends = {}, {}, {}, 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # ended meanwhile
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        used[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        # Children that ended (PostgreSQL backends of closed connections) count here.
        reaped[pid] = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
        if command.startswith(b"postgres: ") and b"orchestre_bench" in command:
            backends += used[pid]

    def under(root: int) -> float:
        def descends(pid: int) -> bool:
            while pid > 1:
                if pid == root:
                    return True
                pid = parents.get(pid, 1)
            return False

        return sum(used[pid] + reaped[pid] for pid in used if descends(pid))

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine = [int(value) for value in Path("/proc/stat").read_text().split()[1:9]]
    idle = machine[3] + machine[4]
    return {
        "server": under(server_pid),
        "database": under(database_pid) if database_pid else backends,
        "load generator": time.process_time() + children.ru_utime + children.ru_stime,
        "machine": (sum(machine) - idle) / CLOCK_TICKS,
    }


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {role: after[role] - before[role] for role in before}


# Load phases ------------------------------------------------------------------------------


def percentile(values: list[float], rank: float) -> float:
    """Nearest-rank percentile, as the Oscar peer's drivers compute it."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(rank / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


@dataclass
class PhaseResult:
    buyers: int
    seconds: float
    checkouts: list[float] = field(default_factory=list)
    requests: int = 0
    steps: dict[str, list[float]] = field(default_factory=lambda: {step: [] for step in STEPS})
    errors: Counter = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    def row(self) -> dict:
        return {
            "per_second": len(self.checkouts) / self.seconds,
            "p50_ms": percentile(self.checkouts, 50) * 1000,
            "p95_ms": percentile(self.checkouts, 95) * 1000,
            "count": len(self.checkouts),
            "requests": self.requests / len(self.checkouts) if self.checkouts else float("nan"),
            "errors": sum(self.errors.values()),
        }


def run_phase(
    port: int, skus: list[str], *, buyers: int, warmup: float, duration: float, seed, cpu
):
    """`cpu()` is read at both ends of the measured window, to say where the time went."""
    result = PhaseResult(buyers=buyers, seconds=duration)
    lock = threading.Lock()
    window_start = time.monotonic() + warmup
    window_end = window_start + duration
    readings = []
    for delay in (warmup, warmup + duration):
        threading.Timer(delay, lambda: readings.append(cpu())).start()

    def buyer(index: int) -> None:
        rng = random.Random(seed * 1_000_003 + index)
        sequence = 0
        while time.monotonic() < window_end:
            sequence += 1
            email = f"buyer{buyers}-{index}-{sequence}@{CHECKOUT_EMAILS}"
            started = time.perf_counter()
            try:
                timings = checkout(port, rng, skus, email)
            except StepFailed as failure:
                if window_start <= time.monotonic() <= window_end:
                    label = f"{failure.step} → {failure.outcome}"
                    with lock:
                        result.errors[label] += 1
                        result.samples.setdefault(label, failure.body[:500])
                continue
            seconds = time.perf_counter() - started
            if window_start <= time.monotonic() <= window_end:
                with lock:
                    result.checkouts.append(seconds)
                    result.requests += len(timings)
                    for step, step_seconds in timings:
                        result.steps[step].append(step_seconds)

    with ThreadPoolExecutor(max_workers=buyers) as pool:
        list(pool.map(buyer, range(buyers)))
    result.cpu = cpu_used(*readings)
    return result


def run_flash_sale(port: int, sku: str, *, buyers: int) -> dict:
    """Every buyer holds a ready cart with 1 unit; all completes leave at the same instant."""

    def prepare(index: int) -> str | None:
        client = Client(port)
        try:
            return client.ready_cart([(sku, 1)], f"flash{index}@{FLASH_EMAILS}")
        except StepFailed as failure:
            note(f"flash sale, preparing: {failure}")
            return None
        finally:
            client.close()

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        carts = [cart for cart in pool.map(prepare, range(buyers)) if cart]
    prepared = time.monotonic() - started
    release = threading.Barrier(len(carts))

    def buy(cart: str) -> tuple[str, float, str]:
        connection = new_connection(port)
        release.wait()
        try:
            path = f"{cart}/complete"
            answer = send(connection, "complete", "POST", path, PAYMENT, idempotency_key())
        except StepFailed as failure:
            return failure.outcome, 0.0, failure.body
        finally:
            connection.close()
        if 400 <= answer.status < 500:
            return str(answer.status), answer.seconds, answer.json().get("code", "")
        return str(answer.status), answer.seconds, answer.raw.decode(errors="replace")[:300]

    burst_started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(carts)) as pool:
        answers = list(pool.map(buy, carts))
    statuses = Counter(status for status, _, _ in answers)
    completes = [seconds for status, seconds, _ in answers if status.isdigit()]
    return {
        "buyers": buyers,
        "ready_carts": len(carts),
        "prepare_s": prepared,
        "burst_s": time.monotonic() - burst_started,
        "statuses": dict(statuses),
        "refusal_codes": dict(Counter(detail for status, _, detail in answers if status == "409")),
        "server_errors": sum(1 for status in statuses.elements() if status.startswith("5")),
        "server_error_samples": [detail for status, _, detail in answers if status[0] == "5"][:3],
        "complete_p50_ms": percentile(completes, 50) * 1000,
        "complete_p95_ms": percentile(completes, 95) * 1000,
    }


# Orchestre ------------------------------------------------------------------------------


def orchestre_environment(database: str, base_url: str) -> dict:
    data_dir = Path(f"/tmp/orchestre-bench-{database}")
    shutil.rmtree(data_dir, ignore_errors=True)
    env = {
        **os.environ,
        "ORCHESTRE_DATA_DIR": str(data_dir),
        "ORCHESTRE_SHOP_URL": base_url,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if database == "postgres":
        import psycopg
        from psycopg import sql

        name = "orchestre_bench"
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        env["DATABASE_URL"] = f"{POSTGRES_SERVER}/{name}"
    return env


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds} s")


@contextmanager
def orchestre_server(env: dict, args, log: Path):
    command = [str(ORCHESTRE), "serve", "--port", str(args.port)]
    command += ["--workers", str(args.workers), "--threads", str(args.threads)]
    with log.open("w") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=output)
        try:
            wait_until_up(f"http://127.0.0.1:{args.port}/api/v1/openapi.json", server)
            yield server
        finally:
            server.terminate()
            server.wait(timeout=30)


def bench_orchestre(database: str, args) -> dict:
    base_url = f"http://127.0.0.1:{args.port}"
    env = orchestre_environment(database, base_url)
    started = time.monotonic()
    subprocess.run([str(ORCHESTRE), "demo", "--no-serve"], env=env, check=True, capture_output=True)
    note(f"{database}: demo data loaded in {time.monotonic() - started:.0f} s")
    stock = in_django(
        env, "prepare_stock", sku_count=BENCH_SKUS, top_up=TOP_UP_UNITS, flash_units=FLASH_UNITS
    )
    log = Path(f"/tmp/orchestre-bench-{database}.server.log")
    figures: dict = {"phases": [], "log": str(log)}
    with orchestre_server(env, args, log) as server:
        for buyers in args.buyers:
            note(f"{database}: {buyers} buyers, {args.warmup} s warm-up + {args.duration} s")
            phase = run_phase(
                args.port,
                stock["skus"],
                buyers=buyers,
                warmup=args.warmup,
                duration=args.duration,
                seed=args.seed,
                cpu=lambda: cpu_seconds(server_pid=server.pid),
            )
            figures["phases"].append(phase)
            note(f"  {phase.row()} {dict(phase.errors) or ''}")
        if args.flash:
            note(f"{database}: flash sale, {args.flash_buyers} buyers, {FLASH_UNITS} units")
            flash = run_flash_sale(args.port, stock["flash_sku"], buyers=args.flash_buyers)
            flash["database"] = in_django(
                env, "flash_report", sku=stock["flash_sku"], email_domain=FLASH_EMAILS
            )
            flash["split"] = stock["flash_split"]
            figures["flash"] = flash
            note(f"  {flash}")
    server_errors = [line for line in log.read_text().splitlines() if "Traceback" in line]
    figures["tracebacks"] = len(server_errors)
    return figures


# Oscar ----------------------------------------------------------------------------------


def oscar_missing() -> str:
    if not (OSCAR_PYTHON.exists() and OSCAR_URLS.exists()):
        return f"the Oscar peer is not set up: run {OSCAR_DIR / 'setup.sh'} once (or --no-oscar)"
    return ""


def oscar(*command: str, **kwargs) -> subprocess.CompletedProcess:
    """A peer script or driver, run as its bench.sh runs it (no bytecode in its folder)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        command, cwd=OSCAR_DIR, env=env, check=True, capture_output=True, text=True, **kwargs
    )


def oscar_manage(*args: str) -> str:
    script = 'source "$0/common.sh" && manage "$@"'
    return oscar("bash", "-c", script, str(OSCAR_DIR), *args).stdout


def oscar_driver(script: str, *args: str) -> dict:
    common = ["--base-url", OSCAR_URL, "--urls", str(OSCAR_URLS)]
    output = oscar(str(OSCAR_PYTHON), script, *common, *args).stdout
    return json.loads(output.strip().splitlines()[-1])


def bench_oscar(args) -> dict:
    oscar(str(OSCAR_DIR / "run.sh"), "restart")
    figures: dict = {"phases": []}
    try:
        for buyers in args.buyers:
            note(f"oscar: {buyers} shoppers, {args.warmup} s warm-up + {args.duration} s")
            oscar_manage("peer_reset_state")
            shoppers = ["--shoppers", str(buyers), "--seed", str(args.seed)]
            oscar_driver("checkout_driver.py", *shoppers, "--duration", str(args.warmup))
            oscar_manage("peer_reset_state")
            pids = {"server_pid": int(OSCAR_GUNICORN_PID.read_text())}
            pids["database_pid"] = int(OSCAR_POSTMASTER_PID.read_text().split()[0])
            before, started = cpu_seconds(**pids), time.monotonic()
            phase = oscar_driver("checkout_driver.py", *shoppers, "--duration", str(args.duration))
            phase["cpu"] = cpu_used(before, cpu_seconds(**pids))
            phase["wall_s"] = time.monotonic() - started
            figures["phases"].append(phase)
            note(f"  {phase}")
        if args.flash and args.oscar_flash:
            note(f"oscar: flash sale, {args.flash_buyers} shoppers, barrier mode")
            oscar_manage("peer_reset_state")
            # One page view first, as bench.sh does before its flash runs.
            product = json.loads(OSCAR_URLS.read_text())["flash_product_url"]
            urllib.request.urlopen(OSCAR_URL + product, timeout=60).read()
            flash = oscar_driver(
                "flash_sale.py", "--shoppers", str(args.flash_buyers), "--mode", "barrier"
            )
            flash["database"] = json.loads(oscar_manage("peer_flash_report").strip())
            figures["flash"] = flash
            note(f"  {flash}")
        oscar_manage("peer_reset_state")
    finally:
        oscar(str(OSCAR_DIR / "run.sh"), "stop")
    return figures


# Report ---------------------------------------------------------------------------------


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def print_cpu(shop: str, database: str, buyers: int, cpu: dict, count: int, seconds: float):
    count = max(count, 1)
    other = cpu["machine"] - cpu["server"] - cpu["database"] - cpu["load generator"]
    capacity = seconds * (os.cpu_count() or 1)
    database_ms = "in server" if database == "sqlite" else f"{cpu['database'] * 1000 / count:.0f}"
    print(
        f"| {shop} | {database} | {buyers} | {cpu['server'] * 1000 / count:.0f} | "
        f"{database_ms} | {cpu['load generator'] * 1000 / count:.0f} | "
        f"{cpu['machine'] / capacity:.0%} | {other / capacity:.0%} |"
    )


def print_report(ours: dict[str, dict], peer: dict | None, args) -> None:
    peer_by_buyers = {phase["shoppers"]: phase for phase in (peer or {}).get("phases", [])}
    version = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True
    ).stdout.strip()
    print(
        f"Checkouts completed per second ({args.duration:g} s measured after {args.warmup:g} s "
        f"of warm-up; {os.cpu_count()} CPUs shared by load generator, servers and databases; "
        f"Orchestre {version or 'unknown version'}, {args.workers} gunicorn workers × "
        f"{args.threads} threads)\n"
    )
    print("| shop | database | buyers | checkouts/s | p50 ms | p95 ms | checkouts | "
          "requests/checkout | errors | × Oscar |")  # fmt: skip
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for database, figures in ours.items():
        for phase in figures["phases"]:
            row = phase.row()
            versus = peer_by_buyers.get(phase.buyers)
            ratio = f"×{row['per_second'] / versus['orders_per_s']:.1f}" if versus else "–"
            print(
                f"| Orchestre | {database} | {phase.buyers} | {row['per_second']:.1f} | "
                f"{row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['count']:,} | "
                f"{row['requests']:.1f} | {row['errors']} | {ratio} |"
            )
    for buyers, phase in peer_by_buyers.items():
        failures = sum(phase["failures"].values()) + phase["in_flight_cancelled"]
        print(
            f"| Oscar 4.2.1 | postgres | {buyers} | {phase['orders_per_s']:.1f} | "
            f"{phase['flow_p50_ms']:.0f} | {phase['flow_p95_ms']:.0f} | {phase['orders']:,} | "
            f"{phase['http_requests_per_flow']} | {failures} | |"
        )

    print("\nOrchestre per request, p50 / p95 ms\n")
    print("| database | buyers | " + " | ".join(STEPS) + " |")
    print("| --- | ---: |" + " ---: |" * len(STEPS))
    for database, figures in ours.items():
        for phase in figures["phases"]:
            cells = [
                f"{percentile(phase.steps[step], 50) * 1000:.0f} / "
                f"{percentile(phase.steps[step], 95) * 1000:.0f}"
                for step in STEPS
            ]
            print(f"| {database} | {phase.buyers} | " + " | ".join(cells) + " |")
    for buyers, phase in peer_by_buyers.items():
        print(f"\nOscar step p50 ms at {buyers} shoppers: `{json.dumps(phase['step_p50_ms'])}`")

    print(
        "\nCPU per completed checkout, ms (Orchestre: the measured window; Oscar: its whole "
        "driver run); machine busy and the share of it taken by other processes, % of all "
        "cores: a large share means the machine was not quiet\n"
    )
    print(
        "| shop | database | buyers | server | database | load generator | machine busy | other |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for database, figures in ours.items():
        for phase in figures["phases"]:
            print_cpu(
                "Orchestre", database, phase.buyers, phase.cpu, len(phase.checkouts), phase.seconds
            )
    for buyers, phase in peer_by_buyers.items():
        print_cpu("Oscar 4.2.1", "postgres", buyers, phase["cpu"], phase["orders"], phase["wall_s"])

    errors = [
        (database, phase.buyers, label, count, phase.samples[label])
        for database, figures in ours.items()
        for phase in figures["phases"]
        for label, count in phase.errors.items()
    ]
    if errors:
        print("\nOrchestre errors (database, buyers, step → status, count, first body):\n")
        for database, buyers, label, count, sample in errors:
            print(f"- {database}, {buyers}: {label} × {count}: `{sample[:300]}`")
    for database, figures in ours.items():
        if figures["tracebacks"]:
            print(f"\n{database}: {figures['tracebacks']} tracebacks in {figures['log']}")

    flashes = [
        (database, figures["flash"]) for database, figures in ours.items() if "flash" in figures
    ]
    if not flashes:
        return
    print(f"\nFlash sale: {args.flash_buyers} buyers, 1 unit each, {FLASH_UNITS} units in stock\n")
    print("| shop | database | paid orders | units sold | stock left | refused | 5xx | "
          "other failures | burst s | complete p50 / p95 ms | oversold |")  # fmt: skip
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for database, flash in flashes:
        report = flash["database"]
        paid = report["orders_by_status"].get("paid", 0)
        statuses = Counter(flash["statuses"])
        refused = statuses["409"]
        other = sum(statuses.values()) - statuses["201"] - refused - flash["server_errors"]
        other += flash["buyers"] - flash["ready_carts"]
        left = report["stock_quantity"] - report["stock_reserved"]
        oversold = report["units_sold_in_ledger"] > FLASH_UNITS or report["stock_quantity"] < 0
        print(
            f"| Orchestre | {database} | {paid} | {report['units_sold_in_ledger']} | {left} | "
            f"{refused} | {flash['server_errors']} | {other} | {flash['burst_s']:.1f} | "
            f"{flash['complete_p50_ms']:.0f} / {flash['complete_p95_ms']:.0f} | "
            f"{'YES' if oversold else 'no'} |"
        )
    if peer and "flash" in peer:
        flash, report = peer["flash"], peer["flash"]["database"]
        # Oscar refuses an order it cannot fill by sending the shopper back to the basket:
        # its driver counts that as a failure of the "place" step. It does not report 5xx.
        failures = Counter(flash["failures_by_step"])
        refused = failures.pop("place", 0)
        print(
            f"| Oscar 4.2.1 | postgres | {report['flash_orders']} | "
            f"{report['flash_units_ordered']} | {report['net_stock_level']} | {refused} | – | "
            f"{sum(failures.values())} | {flash.get('place_burst_s', 0):.1f} | "
            f"{flash['place_p50_ms']:.0f} / {flash['place_p95_ms']:.0f} | "
            f"{'YES' if report['oversold'] else 'no'} |"
        )
    print()
    for database, flash in flashes:
        print(
            f"- Orchestre {database}: statuses {flash['statuses']}, refusals "
            f"{flash['refusal_codes']}, orders by status {flash['database']['orders_by_status']}, "
            f"stock split {flash['split']}, {flash['prepare_s']:.1f} s to prepare the carts"
        )
        for sample in flash["server_error_samples"]:
            print(f"  - 5xx body: `{sample}`")
    if peer and "flash" in peer:
        print(f"- Oscar: `{json.dumps(peer['flash'])}`")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of load before that")
    parser.add_argument("--buyers", type=int, nargs="+", default=[16, 64])
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"]
    )
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--flash-buyers", type=int, default=500)
    parser.add_argument("--no-flash", dest="flash", action="store_false")
    parser.add_argument("--no-oscar", dest="oscar", action="store_false")
    parser.add_argument(
        "--no-oscar-flash",
        dest="oscar_flash",
        action="store_false",
        help="skip Oscar's flash sale (about 2 minutes)",
    )
    args = parser.parse_args()
    note(
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; Orchestre: {args.workers} "
        f"gunicorn workers × {args.threads} threads"
    )
    peer_problem = oscar_missing() if args.oscar else ""
    if peer_problem:
        note(f"Oscar skipped: {peer_problem}")
    ours = {database: bench_orchestre(database, args) for database in args.databases}
    peer = bench_oscar(args) if args.oscar and not peer_problem else None
    print_report(ours, peer, args)
    note(f"load average at the end: {os.getloadavg()[0]:.2f}")
    if peer_problem:
        print(f"\nOscar skipped: {peer_problem}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["in-django"]:
        run_in_django(*sys.argv[2:4])
    else:
        main()
