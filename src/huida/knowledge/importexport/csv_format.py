"""CSV: one row per rule (see table.py), UTF-8 with a BOM on export so that Excel shows Chinese right."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from huida.knowledge.importexport import table
from huida.knowledge.importexport.rows import FileError, SourceRow, decode_text


def _delimiter(text: str) -> str:
    """Comma, unless the header line plainly uses tabs or semicolons (some locales' Excel does)."""
    first = text.split("\n", 1)[0]
    if "," in first:
        return ","
    return next((d for d in ("\t", ";") if d in first), ",")


def read(data: bytes) -> list[SourceRow]:
    if data.startswith(b"PK\x03\x04"):
        raise FileError("this is a ZIP (XLSX) file, not CSV: use format=xlsx")
    text = decode_text(data, "CSV")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows: list[SourceRow] = []
    try:
        header = next(reader, None) or []
        if not any(cell.strip() for cell in header):
            raise table.missing_header(any(cell.strip() for row in reader for cell in row))
        fields = table.read_header(header)
        # Row numbers as a spreadsheet shows them (header = 1), even when a cell spans several lines.
        for number, cells in enumerate(reader, 2):
            row = table.source_row(number, fields, cells)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        raise FileError(f"not a readable CSV file: {exc}", line=reader.line_num) from exc
    if not rows:
        raise FileError("the file holds no rules")
    return rows


def write(records: Iterable[dict[str, Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(table.HEADER)
    for record in records:
        writer.writerow(table.record_cells(record))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
