"""The formats by name, and how an upload's format is told when the caller does not say."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from huida.errors import InvalidInput
from huida.knowledge.importexport import csv_format, jsonl, xlsx
from huida.knowledge.importexport.rows import SourceRow

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    read: Callable[[bytes], list[SourceRow]]
    write: Callable[[Iterable[dict[str, Any]]], bytes]

    @property
    def extension(self) -> str:
        return self.name


FORMATS = {
    "jsonl": Format("jsonl", "application/x-ndjson; charset=utf-8", jsonl.read, jsonl.write),
    "csv": Format("csv", "text/csv; charset=utf-8", csv_format.read, csv_format.write),
    "xlsx": Format("xlsx", XLSX_TYPE, xlsx.read, xlsx.write),
}
# Other names for the same formats: in ?format=, as file extensions and as media types.
ALIASES = {
    "json": "jsonl", "ndjson": "jsonl", "jsonlines": "jsonl", "excel": "xlsx", "tsv": "csv", "txt": "csv",
    "application/x-ndjson": "jsonl", "application/jsonl": "jsonl", "application/json": "jsonl",
    "application/jsonlines": "jsonl", "text/csv": "csv", "text/tab-separated-values": "csv", XLSX_TYPE: "xlsx",
}


def _lookup(name: str) -> Format | None:
    key = name.strip().lower()
    return FORMATS.get(ALIASES.get(key, key))


def unsupported(what: str) -> InvalidInput:
    return InvalidInput("UNSUPPORTED_FORMAT", f"{what}; supported formats: {', '.join(FORMATS)}")


def format_named(name: str) -> Format:
    found = _lookup(name)
    if found is None:
        raise unsupported(f"unknown format {name!r}")
    return found


def _sniff(data: bytes) -> Format:
    if data.startswith(b"PK\x03\x04"):
        return FORMATS["xlsx"]
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    return FORMATS["jsonl"] if start.startswith(b"{") else FORMATS["csv"]


def detect_format(name: str | None, filename: str | None, content_type: str | None, data: bytes) -> Format:
    """The format named by the caller, else by the file name, else by the media type, else by the bytes."""
    if name:
        return format_named(name)
    suffix = PurePath(filename).suffix.lstrip(".") if filename else ""
    if suffix:
        found = _lookup(suffix)
        if found is None:
            raise unsupported(f"cannot tell the format of {filename!r}; pass ?format=")
        return found
    media = (content_type or "").split(";", 1)[0]
    return (_lookup(media) if media else None) or _sniff(data)
