"""A live shop for the concurrency proofs: the production server (gunicorn, threaded
workers) in a child process, on the test database, and a small JSON client for it."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

ADDRESS = {
    "first_name": "Marie",
    "last_name": "Curie",
    "line1": "12 rue de la Paix",
    "postcode": "75002",
    "city": "Paris",
    "country": "FR",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_environment() -> dict[str, str]:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"ORCHESTRE_SQLITE_PATH": str(settings["NAME"]), "DATABASE_URL": ""}
    user, host, port = settings["USER"], settings["HOST"], settings["PORT"] or 5432
    return {"DATABASE_URL": f"postgres://{user}@{host}:{port}/{settings['NAME']}"}


@contextmanager
def live_shop(*, workers: int = 2, threads: int = 8):
    """Serve the shop on a free port until the block ends; yields its base address."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, **_database_environment(), "ORCHESTRE_SHOP_URL": base_url}
    if not environment["DATABASE_URL"]:
        del environment["DATABASE_URL"]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "orchestre.config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=gthread",
            f"--threads={threads}",
            "--backlog=2048",
            "--timeout=120",
            "--log-level=warning",
        ],
        env=environment,
    )
    try:
        _wait_until_up(base_url, server)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(base_url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"The shop server exited with {server.returncode}.")
        try:
            with urllib.request.urlopen(base_url + "/api/v1/openapi.json", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError("The shop server did not start within 60 s.")


@dataclass
class Answer:
    status: int
    body: dict


class ShopClient:
    """JSON over HTTP, one new connection per request, like independent buyers."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def request(self, method: str, path: str, body=None, headers=None) -> Answer:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return Answer(response.status, json.loads(response.read() or b"{}"))
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return Answer(error.code, json.loads(raw or b"{}"))
            except ValueError:
                return Answer(error.code, {"raw": raw.decode(errors="replace")[:500]})

    def ready_cart(self, sku: str, quantity: int, email: str, delivery_method: str) -> str:
        """A cart with one line and every detail filled in, ready to complete."""
        cart = self.request("POST", "/api/v1/carts", {})
        assert cart.status == 201, cart
        cart_id = cart.body["id"]
        line = self.request(
            "POST", f"/api/v1/carts/{cart_id}/lines", {"sku": sku, "quantity": quantity}
        )
        assert line.status == 201, line
        details = self.request(
            "PATCH",
            f"/api/v1/carts/{cart_id}",
            {"email": email, "shipping_address": ADDRESS, "delivery_method": delivery_method},
        )
        assert details.status == 200, details
        return cart_id

    def complete(self, cart_id: str, key: str, token: str = "tok_success") -> Answer:
        return self.request(
            "POST",
            f"/api/v1/carts/{cart_id}/complete",
            {"payment": {"provider": "sandbox", "token": token}, "accept_terms": True},
            headers={"Idempotency-Key": key},
        )
