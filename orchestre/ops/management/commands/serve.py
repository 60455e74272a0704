from contextlib import nullcontext

from django.core.management import call_command
from django.core.management.base import BaseCommand

from orchestre.ops.server import (
    default_worker_count,
    email_destination,
    serve,
    worker_beside_server,
)


class Command(BaseCommand):
    help = (
        "Serve the shop with gunicorn (collects static files first); --with-worker also runs "
        "`orchestre worker` beside it, for a single machine."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=default_worker_count())
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="Also run the background worker as a child process (one-machine setups).",
        )

    def handle(self, *args, host, port, workers, threads, with_worker, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Orchestre is serving on http://{host}:{port}/ (Ctrl+C to stop)")
        if with_worker:
            self.stdout.write("Background worker: running beside the server")
        self.stdout.write(f"E-mails: {email_destination()}")
        self.stdout.flush()
        with worker_beside_server() if with_worker else nullcontext():
            serve(host=host, port=port, workers=workers, threads=threads)
