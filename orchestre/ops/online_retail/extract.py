"""The compact demo extract shipped in orchestre/ops/data/.

The full file is 370,931 lines; the demo needs a real-looking history that imports in
seconds. The extract keeps whole invoices, chosen by a fixed rule:
1. every invoice whose number (the digits after an optional C or A) is a multiple of
   ``every`` (5 by default): a sample spread evenly over the ten months, cancellations
   included;
2. then, for each stock code (as recorded, so ``85123a`` beside ``85123A``) that no kept
   invoice has yet, in order of first appearance, the invoice with the fewest lines that
   has it (the earliest on a tie), so every product of the catalogue is in the extract.
Rows stay in file order with the same header and format. The gzip stream carries no name
and no time, so the same source always gives the same bytes.
"""

import csv
import gzip
import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from orchestre.ops.online_retail.errors import ImportFileError
from orchestre.ops.online_retail.reader import COLUMNS

DEFAULT_EVERY = 5


@dataclass(frozen=True)
class ExtractSummary:
    lines: int
    invoices: int
    sampled_invoices: int  # chosen by rule 1
    stock_codes: int
    size_bytes: int


def make_extract(source: Path, destination: Path, *, every: int = DEFAULT_EVERY) -> ExtractSummary:
    """Write the extract of ``source`` (.csv or .csv.gz) to ``destination`` (.csv.gz).
    Raises ImportFileError when the source does not have the online-retail header."""
    header, rows = _read_rows(Path(source))
    invoice_lines: dict[str, int] = defaultdict(int)
    codes_by_invoice: dict[str, set[str]] = defaultdict(set)
    invoices_by_code: dict[str, list[str]] = defaultdict(list)  # in order of appearance
    for row in rows:
        invoice, code = row[0], row[1]
        invoice_lines[invoice] += 1
        if code not in codes_by_invoice[invoice]:
            codes_by_invoice[invoice].add(code)
            invoices_by_code[code].append(invoice)

    kept = {invoice for invoice in invoice_lines if int(invoice.lstrip("CA")) % every == 0}
    sampled = len(kept)
    covered = set().union(*(codes_by_invoice[invoice] for invoice in kept))
    for code, invoices in invoices_by_code.items():
        if code in covered:
            continue
        # min() keeps the first of equal candidates: the earliest invoice on a tie.
        smallest = min(invoices, key=lambda invoice: invoice_lines[invoice])
        kept.add(smallest)
        covered |= codes_by_invoice[smallest]

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    selected = [row for row in rows if row[0] in kept]
    writer.writerows(selected)
    data = gzip.compress(text.getvalue().encode("utf-8"), mtime=0)
    Path(destination).write_bytes(data)
    return ExtractSummary(
        lines=len(selected),
        invoices=len(kept),
        sampled_invoices=sampled,
        stock_codes=len(covered),
        size_bytes=len(data),
    )


def _read_rows(source: Path) -> tuple[list[str], list[list[str]]]:
    opener = gzip.open if source.name.endswith(".gz") else open
    with opener(source, "rt", encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise ImportFileError(f"{source.name} does not start with the header {','.join(COLUMNS)}")
    return rows[0], rows[1:]
