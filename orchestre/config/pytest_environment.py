"""Loaded by pytest (`-p` in pyproject) before pytest-django imports the settings, so that
everything the settings derive from the data directory (SQLite file, secret key, cache,
e-mails) lands in a temporary directory, never in ./var."""

import os
import tempfile

os.environ["ORCHESTRE_DATA_DIR"] = tempfile.mkdtemp(prefix="orchestre-tests-")
