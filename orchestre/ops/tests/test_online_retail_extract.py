import pytest
from django.core.management import call_command

from orchestre.ops.online_retail import ImportFileError
from orchestre.ops.online_retail.extract import make_extract
from orchestre.ops.tests.online_retail_support import line, read_rows, write_csv


def source_rows() -> list[tuple[str, ...]]:
    return [
        line(invoice="536361", code="85123A"),  # not a multiple of 5: only if needed
        line(invoice="536361", code="71053"),
        line(invoice="536370", code="85123A"),  # a multiple of 5: kept whole
        line(invoice="536370", code="22728"),
        line(invoice="536371", code="71053"),  # the smallest invoice with 71053
        line(invoice="536372", code="85123a"),  # a spelling of its own
        line(invoice="536372", code="84406B"),
        line(invoice="536373", code="84406B"),
        line(invoice="C536375", code="22728", quantity="-1"),  # 536375: kept
        line(invoice="536376", code="POST"),
        line(invoice="536377", code="POST"),
    ]


def test_the_extract_keeps_whole_sampled_invoices_and_covers_every_code(tmp_path):
    source = write_csv(tmp_path / "source.csv", source_rows())

    summary = make_extract(source, tmp_path / "extract.csv.gz")

    rows = read_rows(tmp_path / "extract.csv.gz")
    assert [(row[0], row[1]) for row in rows] == [
        ("536370", "85123A"),
        ("536370", "22728"),
        ("536371", "71053"),
        ("536372", "85123a"),
        ("536372", "84406B"),
        ("C536375", "22728"),
        ("536376", "POST"),
    ]
    assert rows[0] == list(source_rows()[2])
    assert (summary.lines, summary.invoices, summary.sampled_invoices) == (7, 5, 2)
    assert summary.stock_codes == 6


def test_the_extract_is_the_same_bytes_every_time(tmp_path):
    source = write_csv(tmp_path / "source.csv.gz", source_rows())

    make_extract(source, tmp_path / "first.csv.gz", every=2)
    make_extract(source, tmp_path / "second.csv.gz", every=2)

    assert (tmp_path / "first.csv.gz").read_bytes() == (tmp_path / "second.csv.gz").read_bytes()


def test_the_command_writes_the_extract(tmp_path, capsys):
    source = write_csv(tmp_path / "source.csv", source_rows())

    call_command("make_demo_extract", str(source), str(tmp_path / "extract.csv.gz"), "--every", "5")

    assert capsys.readouterr().out == (
        f"Wrote {tmp_path / 'extract.csv.gz'}: 7 lines, 5 invoices (2 sampled), "
        "6 stock codes, " + f"{(tmp_path / 'extract.csv.gz').stat().st_size:,} bytes\n"
    )


def test_a_file_without_the_header_is_refused(tmp_path):
    source = write_csv(tmp_path / "source.csv", source_rows(), header=("a", "b"))

    with pytest.raises(ImportFileError, match="does not start with the header invoice,stock_code"):
        make_extract(source, tmp_path / "extract.csv.gz")
