import subprocess
import sys


def run_cli(*args: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestre", *args],
        env={"ORCHESTRE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_django_management_commands_are_reachable(tmp_path):
    result = run_cli("check", tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_import_without_a_known_source_explains_usage(tmp_path):
    result = run_cli("import", "shopify", "x.csv", tmp_path=tmp_path)

    assert result.returncode == 1
    assert result.stderr.strip() == "usage: orchestre import online-retail PATH"


def test_import_of_a_missing_file_is_a_clear_error(tmp_path):
    result = run_cli("import", "online-retail", str(tmp_path / "missing.csv"), tmp_path=tmp_path)

    assert result.returncode == 1
    assert "missing.csv" in result.stderr
    assert "Traceback" not in result.stderr
