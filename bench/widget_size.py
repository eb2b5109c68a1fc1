"""The chat widget's size against its budget (issue 17): widget.js raw and gzipped.

    .venv/bin/python bench/widget_size.py              # prints the table, writes bench/RESULTS-widget.md
    .venv/bin/python bench/widget_size.py --no-write   # prints only

The widget is one hand-written, dependency-free file (src/huida/channels/widget/static/widget.js) that a
company's page loads with one tag, so what a visitor downloads is exactly this file. Rows: the file as it is
on disk, gzipped at level 6 (what nginx and most proxies use by default) and at level 9 (what `GET /widget.js`
sends to a browser that accepts gzip, as every browser does). The budget is 30 KB (30,720 bytes) gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import shlex
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
WIDGET = ROOT / "src" / "huida" / "channels" / "widget" / "static" / "widget.js"
RESULTS = Path(__file__).resolve().parent / "RESULTS-widget.md"
BUDGET = 30 * 1024  # bytes, gzipped


def measure(data: bytes) -> list[tuple[str, int]]:
    # mtime=0: the same bytes give the same size whenever the bench runs.
    return [("raw", len(data)), ("gzip -6", len(gzip.compress(data, 6, mtime=0))),
            ("gzip -9", len(gzip.compress(data, 9, mtime=0)))]


def render(rows: list[tuple[str, int]], command: str) -> tuple[Table, str]:
    table = Table(title=f"widget.js against its budget ({BUDGET:,} bytes gzipped)")
    header = ("encoding", "bytes", "KB", "share of the 30 KB budget")
    for column in header:
        table.add_column(column, justify="left" if column == "encoding" else "right")
    lines = ["| " + " | ".join(header) + " |", "|---|---|---|---|"]
    for name, size in rows:
        share = f"{size / BUDGET:.0%}" if name.startswith("gzip") else "—"
        cells = [name, f"{size:,}", f"{size / 1024:.1f}", share]
        table.add_row(*cells)
        lines.append("| " + " | ".join(cells) + " |")
    return table, f"`{command}`\n\n" + "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args()
    rows = measure(WIDGET.read_bytes())
    command = ("python bench/widget_size.py " + shlex.join(sys.argv[1:])).strip()
    table, markdown = render(rows, command)
    console = Console()
    console.print(table)
    gzipped = max(size for name, size in rows if name.startswith("gzip"))
    verdict = "within" if gzipped <= BUDGET else "OVER"
    console.print(f"{verdict} budget: {gzipped:,} of {BUDGET:,} bytes gzipped")
    if not args.no_write:
        RESULTS.write_text("# Chat widget size (issue 17)\n\n" + markdown, encoding="utf-8")
        console.print(f"written to {RESULTS}", style="dim")
    if gzipped > BUDGET:
        sys.exit(1)


if __name__ == "__main__":
    main()
