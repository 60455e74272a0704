import os
import subprocess
import sys


def run_settings(env_overrides: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ORCHESTRE_") and key != "DATABASE_URL"
    }
    env.update({"ORCHESTRE_DATA_DIR": str(tmp_path), **env_overrides})
    code = (
        "import django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'orchestre.config.settings';"
        "from django.conf import settings;"
        "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'])"
    )
    return subprocess.run(
        [
            sys.executable,
            "-c",
            code,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_settings({"ORCHESTRE_ENV": "production"}, tmp_path)

    assert result.returncode == 1
    assert "ORCHESTRE_SECRET_KEY is required" in result.stderr


def test_demo_defaults_are_sqlite_debug_off_and_a_kept_secret_key(tmp_path):
    first = run_settings({}, tmp_path)
    key = (tmp_path / "secret_key").read_text()
    second = run_settings({}, tmp_path)

    assert first.stdout.strip() == "False django.db.backends.sqlite3"
    assert second.returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
    assert len(key) >= 50


def test_database_url_switches_to_postgresql(tmp_path):
    result = run_settings({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x"}, tmp_path)

    assert result.stdout.strip() == "False django.db.backends.postgresql"
