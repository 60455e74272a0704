"""``orchestre make_demo_extract SRC DEST``: write the compact demo extract."""

from django.core.management.base import BaseCommand, CommandError

from orchestre.ops.online_retail import ImportFileError
from orchestre.ops.online_retail.extract import DEFAULT_EVERY, make_extract


class Command(BaseCommand):
    help = (
        "Write the demo extract of the online-retail transactions: every invoice whose "
        "number is a multiple of --every, plus the smallest invoice of each stock code not "
        "covered yet. Deterministic: the same source gives the same bytes."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="the full transactions file, .csv or .csv.gz")
        parser.add_argument("destination", help="the extract to write, .csv.gz")
        parser.add_argument("--every", type=int, default=DEFAULT_EVERY)

    def handle(self, *args, source: str, destination: str, every: int, **options):
        if every < 1:
            raise CommandError("--every must be 1 or more")
        try:
            summary = make_extract(source, destination, every=every)
        except (ImportFileError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Wrote {destination}: {summary.lines:,} lines, {summary.invoices:,} invoices "
            f"({summary.sampled_invoices:,} sampled), {summary.stock_codes:,} stock codes, "
            f"{summary.size_bytes:,} bytes"
        )
