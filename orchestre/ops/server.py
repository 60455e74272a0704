"""Serve the shop with gunicorn (threaded workers), the production-grade WSGI server."""

import os

from gunicorn.app.base import BaseApplication


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
