"""Page benchmark: req/s and p50/p99 latency of the storefront's home, category, product and
search pages under wrk, against `orchestre serve` on the fully imported catalogue, and the
same figures for the Django Oscar peer (../shared/peers/oscar) from the same run.

    python bench/pages.py [--data-dir DIR] [--duration 20] [--connections 32] [--oscar]

The data directory is imported from the full online-retail file on first use. Requires wrk
(apt-get install wrk). Prints a Markdown table.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FULL_FILE = SHARED / "data" / "online-retail" / "transactions.csv.gz"
OSCAR_DIR = SHARED / "peers" / "oscar"
OSCAR_URLS = Path("/tmp/oscar-peer/bench_urls.json")
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_json.lua"
PAGES = ("home", "category", "product", "search")


def orchestre(*args: str, env: dict, **kwargs) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "orchestre"), *args]
    return subprocess.run(command, env=env, check=True, **kwargs)


def prepare(data_dir: Path) -> dict:
    env = {**os.environ, "ORCHESTRE_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    orchestre("migrate", "-v0", env=env)
    counted = orchestre(
        "shell",
        "--no-imports",
        "-c",
        "from orchestre.catalog.models import Product; print(Product.objects.count())",
        env=env,
        capture_output=True,
        text=True,
    )
    if int(counted.stdout.strip() or 0) == 0:
        started = time.monotonic()
        orchestre("import", "online-retail", str(FULL_FILE), env=env)
        print(f"full import: {time.monotonic() - started:.1f} s", file=sys.stderr)
    return env


def sample_urls(env: dict) -> dict[str, str]:
    code = (
        "import json; from django.db.models import Count;"
        "from orchestre.catalog.models import Category, Product;"
        "c = Category.objects.filter(parent__isnull=False)"
        ".annotate(n=Count('products')).order_by('-n').first();"
        "p = Product.objects.order_by('-units_sold').first();"
        "print(json.dumps({'home': '/', 'category': f'/c/{c.slug}/', 'product': f'/p/{p.slug}/',"
        " 'search': '/search/?q=lantern'}))"
    )
    result = orchestre("shell", "--no-imports", "-c", code, env=env, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def transferred_bytes(url: str) -> int:
    """Bytes on the wire for a browser-like request (gzip accepted), headers excluded."""
    result = subprocess.run(
        ["curl", "-s", "--compressed", "-o", "/dev/null", "-w", "%{size_download}", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout)


def run_wrk(url: str, *, duration: int, connections: int) -> dict:
    subprocess.run(["wrk", "-t2", "-c4", "-d3s", url], capture_output=True, check=True)
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "30s",
            "-H",
            "Accept-Encoding: gzip",
            "-s",
            str(WRK_SCRIPT),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench_pages(base: str, urls: dict[str, str], args) -> dict[str, dict]:
    figures = {}
    for page in PAGES:
        url = base + urls[page]
        figures[page] = {"path": urls[page], "bytes": transferred_bytes(url)}
        figures[page].update(run_wrk(url, duration=args.duration, connections=args.connections))
    return figures


def bench_orchestre(args) -> dict[str, dict]:
    env = prepare(args.data_dir)
    urls = sample_urls(env)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "orchestre"), "serve", "--port", str(args.port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until_up(base + "/")
        return bench_pages(base, urls, args)
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench_oscar(args) -> dict[str, dict]:
    subprocess.run([str(OSCAR_DIR / "run.sh"), "restart"], check=True, stdout=subprocess.DEVNULL)
    try:
        return bench_pages("http://127.0.0.1:8101", json.loads(OSCAR_URLS.read_text()), args)
    finally:
        subprocess.run([str(OSCAR_DIR / "run.sh"), "stop"], check=True, stdout=subprocess.DEVNULL)


def print_table(ours: dict, oscar: dict | None) -> None:
    header = "| page | Orchestre req/s | p50 ms | p99 ms | bytes |"
    rule = "| --- | ---: | ---: | ---: | ---: |"
    if oscar:
        header += " Oscar req/s | p50 ms | p99 ms | bytes | throughput ratio |"
        rule += " ---: | ---: | ---: | ---: | ---: |"
    print(header)
    print(rule)
    for page in PAGES:
        row = ours[page]
        line = (
            f"| {page} `{row['path']}` | {row['rps']:.0f} | {row['p50_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {row['bytes']:,} |"
        )
        if oscar:
            peer = oscar[page]
            line += (
                f" {peer['rps']:.1f} | {peer['p50_ms']:.0f} | {peer['p99_ms']:.0f} | "
                f"{peer['bytes']:,} | ×{row['rps'] / peer['rps']:.0f} |"
            )
        print(line)
    errors = sum(ours[page]["non_2xx_or_socket_errors"] for page in PAGES)
    print(f"\nOrchestre errors (non-2xx or socket): {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/orchestre-bench"))
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--oscar", action="store_true", help="also bench the Oscar peer")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    print(
        f"wrk: {args.connections} connections, 2 threads, {args.duration} s per page, "
        f"{os.cpu_count()} CPUs shared by load generator, server and database",
        file=sys.stderr,
    )
    ours = bench_orchestre(args)
    oscar = bench_oscar(args) if args.oscar else None
    print_table(ours, oscar)


if __name__ == "__main__":
    main()
