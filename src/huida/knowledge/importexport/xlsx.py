"""XLSX (openpyxl): the same one-row-per-rule layout as CSV, on the first worksheet.

Characters XML cannot hold (control characters; also CR, which XML parsers turn into LF) are written
as `_xHHHH_`, the escape OOXML defines and Excel decodes, so text survives a round trip exactly.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from huida.knowledge.importexport import table
from huida.knowledge.importexport.rows import FileError, SourceRow

WIDTHS = {"id": 16, "standardQuestion": 36, "similarQuestions": 48, "answer": 48, "answersJson": 40,
          "categories": 16}
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")
_LITERAL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def escape(text: str) -> str:
    text = _LITERAL_ESCAPE.sub(r"_x005F_\1", text)  # a literal "_x0041_" must not decode to "A"
    return _UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def cell_text(value: Any) -> str:
    """A cell as the text an operator typed: 1001 not 1001.0, ISO dates, `_xHHHH_` decoded."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unescape(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def _open(data: bytes) -> Any:
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InvalidFileException as exc:
        raise FileError(f"not a readable XLSX file: {exc}") from exc
    except Exception as exc:  # noqa: BLE001  a corrupt archive raises anything from zipfile, XML or openpyxl
        raise FileError("not a readable XLSX file (corrupt or not an Excel 2007+ workbook)") from exc


def read(data: bytes) -> list[SourceRow]:
    if not data.strip():
        raise FileError("the file is empty")
    workbook = _open(data)
    try:
        return _read_sheet(workbook.worksheets[0])
    except FileError:
        raise
    except Exception as exc:  # noqa: BLE001  the archive may only turn out corrupt while rows stream in
        raise FileError("not a readable XLSX file (corrupt worksheet)") from exc
    finally:
        workbook.close()


def _read_sheet(sheet: Any) -> list[SourceRow]:
    values = sheet.iter_rows(values_only=True)
    header = [cell_text(v) for v in next(values, None) or ()]
    if not any(cell.strip() for cell in header):
        raise table.missing_header(any(v is not None for row in values for v in row))
    fields = table.read_header(header)
    rows: list[SourceRow] = []
    for number, cells in enumerate(values, 2):
        row = table.source_row(number, fields, [cell_text(v) for v in cells])
        if row is not None:
            rows.append(row)
    if not rows:
        raise FileError("the file holds no rules")
    return rows


def _cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if not value:
        return None  # no cell at all: half the cells of a typical sheet, and readers skip them fast
    value = escape(value)
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # text, even when it starts with "=" (openpyxl would store a formula)
    return cell


def write(records: Iterable[dict[str, Any]]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("rules")
    for name, width in WIDTHS.items():
        sheet.column_dimensions[get_column_letter(table.HEADER.index(name) + 1)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(table.HEADER)
    for record in records:
        sheet.append([_cell(sheet, value) for value in table.record_cells(record)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
