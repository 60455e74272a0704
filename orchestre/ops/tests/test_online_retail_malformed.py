import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from orchestre.ops.online_retail import ImportFileError, import_online_retail
from orchestre.ops.tests.online_retail_support import HEADER, line, snapshot, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path):
    """A shop that already holds one imported invoice, so 'nothing changed' means more
    than 'still empty'."""
    import_online_retail(path=write_csv(tmp_path / "first.csv", [line()]), progress=False)
    return snapshot()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [line(invoice="536366"), line(invoice="536366", quantity="abc")],
            "line 3: quantity 'abc' is not an integer",
        ),
        (
            [line(invoice="536366", quantity="1.5")],
            "line 2: quantity '1.5' is not an integer",
        ),
        (
            [line(invoice="536366"), line(invoice="536366"), line(date="2011-02-30T10:00:00")],
            "line 4: invoice_date '2011-02-30T10:00:00' is not a date and time "
            "(YYYY-MM-DDTHH:MM:SS)",
        ),
        (
            [line(date="01/12/2010 08:26")],
            "line 2: invoice_date '01/12/2010 08:26' is not a date and time (YYYY-MM-DDTHH:MM:SS)",
        ),
        (
            [line(invoice="536366", price="2,55")],
            "line 2: unit_price '2,55' is not a price (a number with at most 3 decimals)",
        ),
        (
            [line(invoice="536366", price="2.5555")],
            "line 2: unit_price '2.5555' is not a price (a number with at most 3 decimals)",
        ),
        (
            [line(invoice="536366"), line(invoice="536366")[:7]],
            "line 3: expected 8 columns, found 7",
        ),
        (
            [line(invoice="X536366")],
            "line 2: invoice 'X536366' is not an invoice number "
            "(digits, with an optional C or A prefix)",
        ),
        (
            [line(invoice="536366", customer="17850.0")],
            "line 2: customer_id '17850.0' is not a customer number (digits)",
        ),
        (
            [line(invoice="536366", code=" ")],
            "line 2: stock_code is empty",
        ),
        (
            [line(invoice="536366"), line(invoice="536366", customer="13047")],
            "line 3: invoice 536366 is recorded for customer '13047' in 'United Kingdom' "
            "here but for customer '17850' in 'United Kingdom' on line 2",
        ),
    ],
)
def test_a_bad_row_names_its_line_and_changes_nothing(tmp_path, imported, rows, message):
    path = write_csv(tmp_path / "bad.csv", rows)

    with pytest.raises(ImportFileError) as raised:
        import_online_retail(path=path, progress=False)

    assert raised.value.message == message
    assert raised.value.code == "import_file_invalid"
    assert snapshot() == imported


def test_a_wrong_header_is_refused(tmp_path, imported):
    header = ("invoice", "stock_code", "description", "quantity", "date", "price", "customer")
    path = write_csv(tmp_path / "bad.csv", [line()[:7]], header=header)

    with pytest.raises(ImportFileError) as raised:
        import_online_retail(path=path, progress=False)

    assert raised.value.message == (
        "line 1: header is 'invoice,stock_code,description,quantity,date,price,customer', "
        "expected 'invoice,stock_code,description,quantity,invoice_date,unit_price,"
        "customer_id,country'"
    )
    assert snapshot() == imported


def test_a_bad_row_late_in_a_gzip_file_changes_nothing(tmp_path, imported):
    rows = [line(invoice=str(540000 + number // 3)) for number in range(3000)]
    rows.append(line(invoice="541000", quantity="ten"))
    path = write_csv(tmp_path / "bad.csv.gz", rows)

    with pytest.raises(ImportFileError) as raised:
        import_online_retail(path=path, progress=False)

    assert raised.value.message == "line 3002: quantity 'ten' is not an integer"
    assert snapshot() == imported


def test_empty_truncated_and_misnamed_files_are_refused(tmp_path, imported):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.csv.gz"
    truncated.write_bytes(write_csv(tmp_path / "whole.csv.gz", [line()]).read_bytes()[:30])
    misnamed = write_csv(tmp_path / "data.txt", [line()])
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(write_csv(tmp_path / "utf8.csv", [line(description="CAFÉ MUG")])
                       .read_bytes().decode().encode("latin-1"))  # fmt: skip

    messages = []
    for path in (empty, truncated, misnamed, tmp_path / "missing.csv", latin1):
        with pytest.raises(ImportFileError) as raised:
            import_online_retail(path=path, progress=False)
        messages.append(raised.value.message)

    assert messages == [
        "the file is empty; expected the header " + ",".join(HEADER),
        "not a complete gzip file",
        "expected a .csv or .csv.gz file",
        "cannot read the file: No such file or directory",
        "the file is not UTF-8 text",
    ]
    assert snapshot() == imported


def test_the_command_reports_a_bad_file_as_a_command_error(tmp_path, imported):
    path = write_csv(tmp_path / "bad.csv", [line(invoice="536366", quantity="abc")])

    with pytest.raises(CommandError) as raised:
        call_command("import_online_retail", str(path), "--no-progress")

    assert str(raised.value) == f"{path}: line 2: quantity 'abc' is not an integer"
    assert snapshot() == imported


@pytest.mark.django_db(databases=[])
def test_the_command_line_prints_the_error_and_exits_non_zero(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [line(invoice="536366", date="yesterday")])

    result = subprocess.run(
        [sys.executable, "-m", "orchestre", "import", "online-retail", str(path), "--skip-checks"],
        env={"ORCHESTRE_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert result.stderr == (
        f"CommandError: {path}: line 2: invoice_date 'yesterday' is not a date and time "
        "(YYYY-MM-DDTHH:MM:SS)\n"
    )
