"""``orchestre import online-retail PATH``: import the online-retail transactions."""

import sys

from django.core.management.base import BaseCommand, CommandError

from orchestre.ops.online_retail import ImportFileError, import_online_retail


class Command(BaseCommand):
    help = (
        "Import the UCI Online Retail transactions (.csv or .csv.gz): catalogue, stock, "
        "customers and historical orders. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the transactions file, .csv or .csv.gz")
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="do not show progress bars (they only show on a terminal anyway)",
        )

    def handle(self, *args, path: str, no_progress: bool, **options):
        try:
            summary = import_online_retail(
                path=path, progress=not no_progress and sys.stderr.isatty()
            )
        except ImportFileError as error:
            raise CommandError(f"{path}: {error.message}") from error
        self.stdout.write(summary.describe())
