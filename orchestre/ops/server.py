"""Serve the shop with gunicorn (threaded workers), the production-grade WSGI server, and
optionally `orchestre worker` beside it as a child process (one-machine setups)."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from gunicorn.app.base import BaseApplication

WORKER_COMMAND = (sys.executable, "-m", "orchestre.cli", "worker")
WORKER_STOP_SECONDS = 30


class OrchestreServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from orchestre.config.wsgi import application

        return application


def default_worker_count() -> int:
    return int(os.environ.get("ORCHESTRE_WORKERS", 2 * (os.cpu_count() or 1) + 1))


def serve(*, host: str, port: int, workers: int, threads: int) -> None:
    OrchestreServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "keepalive": 5,
            "timeout": 30,
            "graceful_timeout": 10,
            "accesslog": os.environ.get("ORCHESTRE_ACCESS_LOG") or None,
            "errorlog": "-",
            "loglevel": "warning",
        }
    ).run()


@contextmanager
def worker_beside_server() -> Iterator[subprocess.Popen]:
    """Run `orchestre worker` as a child process while the block runs; stop it after
    (SIGTERM, so it finishes its current task; killed if it does not stop in time)."""
    process = subprocess.Popen(WORKER_COMMAND)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def email_destination() -> str:
    """Where outgoing e-mail goes, for the start-up banner."""
    if settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":
        return f"written as files to {settings.EMAIL_FILE_PATH}"
    return f"sent with {settings.EMAIL_BACKEND}"
