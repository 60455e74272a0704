"""The `orchestre` command: the shop's own commands plus every Django management command.

orchestre demo [--port 8000] [--no-serve]
orchestre serve [--host 127.0.0.1] [--port 8000] [--workers N] [--with-worker]
orchestre worker [--once] [--interval SECONDS]
orchestre import online-retail PATH
orchestre <any Django management command>
"""

import os
import sys

ALIASES = {("import", "online-retail"): "import_online_retail"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orchestre.config.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) >= 2 and (args[0], args[1]) in ALIASES:
        args = [ALIASES[(args[0], args[1])], *args[2:]]
    elif args[:1] == ["import"]:
        sys.exit("usage: orchestre import online-retail PATH")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["orchestre", *args])


if __name__ == "__main__":
    main()
