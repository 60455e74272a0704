from django.core.management import call_command
from django.core.management.base import BaseCommand

from orchestre.ops.server import default_worker_count, serve


class Command(BaseCommand):
    help = "Serve the shop with gunicorn (collects static files first)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=default_worker_count())
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, host, port, workers, threads, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Orchestre is serving on http://{host}:{port}/ (Ctrl+C to stop)")
        self.stdout.flush()
        serve(host=host, port=port, workers=workers, threads=threads)
