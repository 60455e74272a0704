import logging
from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand
from django_tasks_db.compat import TASKS_LOGGER

from orchestre.ops.worker import run_worker


def positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise ArgumentTypeError(f"expected a number of seconds above 0, got {value!r}")
    return seconds


class Command(BaseCommand):
    help = (
        "Run background tasks (database task backend) and enqueue the periodic jobs: outbox "
        "relay, payment webhooks, reservation expiry. Stops cleanly on SIGTERM or Ctrl+C."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Enqueue every periodic job, run every waiting task, then exit.",
        )
        parser.add_argument(
            "--interval",
            type=positive_seconds,
            default=1.0,
            help="Seconds to wait before looking for new tasks when idle (default 1).",
        )

    def handle(self, *args, once, interval, verbosity, **options):
        # Verbosity 1 shows what Orchestre sends and gives up on; 2 adds every task run.
        logging.getLogger("orchestre").setLevel(logging.INFO if verbosity else logging.WARNING)
        task_level = logging.INFO if verbosity >= 2 else logging.WARNING
        logging.getLogger(TASKS_LOGGER).setLevel(task_level)
        logging.getLogger("django_tasks_db").setLevel(task_level)
        run_worker(once=once, interval=interval)
