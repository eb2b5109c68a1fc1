"""`huida import` and `huida export`: a robot's rules from and to JSONL, CSV or XLSX files.

The same service as POST .../rules/import and GET .../rules/export, on the database named by --db.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from huida.cli.base import DbOption, app, console, err_console, fail, open_context
from huida.errors import DomainError
from huida.knowledge.importexport.formats import FORMATS, Format, detect_format, format_named
from huida.knowledge.importexport.service import MODES, ImportResult, export_rules, import_rules
from huida.robots.service import get_robot

TenantOption = Annotated[int, typer.Option("--tenant", help="Tenant id")]
RobotOption = Annotated[str, typer.Option("--robot", help="Robot id")]
FormatOption = Annotated[str | None, typer.Option("--format", help=f"{' | '.join(FORMATS)} (default: from the name)")]
STAGES = {"read": "reading", "check": "checking", "write": "writing"}
MAX_SHOWN = 200  # bad rows printed; the rest are counted
MAX_NOTES = 5  # warnings and conflicts printed after an import; the rest are counted


def _error_table(errors: list[dict[str, Any]]) -> Table:
    table = Table(title="bad rows (nothing was imported)", show_lines=False)
    table.add_column("line", justify="right")
    table.add_column("id")
    table.add_column("reason", overflow="fold")
    for error in errors[:MAX_SHOWN]:
        table.add_row("-" if error["line"] is None else str(error["line"]), error["id"] or "", error["reason"])
    return table


def _notes(result: ImportResult) -> None:
    """A line counting the repeated questions and the conflicts, then the first few of each."""
    if not result.warnings and not result.conflicts:
        return
    console.print(f"{len(result.warnings)} warnings (a question repeated in its rule, stored once), "
                  f"{len(result.conflicts)} conflicts (a question filed under several rules)")
    for w in result.warnings[:MAX_NOTES]:
        console.print(f"  warning: line {w.line}, rule {w.id}: {w.question!r} repeats {w.kept!r}; stored once",
                      markup=False)
    if len(result.warnings) > MAX_NOTES:
        console.print(f"  ... and {len(result.warnings) - MAX_NOTES} more warnings")
    for c in result.conflicts[:MAX_NOTES]:
        where = f" (lines {', '.join(map(str, c.lines))})" if c.lines else ""
        console.print(f"  conflict: {c.question!r} is filed under rules {', '.join(c.rule_ids)}{where}",
                      markup=False)
    if len(result.conflicts) > MAX_NOTES:
        console.print(f"  ... and {len(result.conflicts) - MAX_NOTES} more conflicts")


def _report(exc: DomainError) -> typer.Exit:
    errors = (exc.entity or {}).get("errors") if isinstance(exc.entity, dict) else None
    if errors:
        err_console.print(_error_table(errors))
        if len(errors) > MAX_SHOWN:
            err_console.print(f"... and {len(errors) - MAX_SHOWN} more bad rows")
    return fail(exc.description)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="The rules file (.jsonl, .csv or .xlsx)", exists=True, dir_okay=False)],
    tenant: TenantOption,
    robot: RobotOption,
    format_name: FormatOption = None,
    mode: Annotated[str, typer.Option("--mode", help="append (replace same ids) or replace (all rules)")] = "append",
    db: DbOption = None,
) -> None:
    """Import rules into a robot: all of the file or, when any row is bad, nothing (bad rows are listed)."""
    if mode not in MODES:
        raise fail(f"--mode must be one of {', '.join(MODES)}", code=2)
    data = file.read_bytes()
    ctx = open_context(db)
    columns = (TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=err_console, transient=True) as progress:
            task = progress.add_task("reading", total=None)

            def advance(stage: str, done: int, total: int) -> None:
                progress.update(task, description=STAGES.get(stage, stage), completed=done, total=total)

            with ctx.db.session() as session:
                get_robot(session, tenant, robot)
                fmt = detect_format(format_name, file.name, None, data)
                result = import_rules(session, tenant, robot, data, fmt, mode, progress=advance)
    except DomainError as exc:
        raise _report(exc) from exc
    finally:
        ctx.db.dispose()
    console.print(f"imported {result.imported} rules ({result.replaced} replaced, {result.deleted} deleted); "
                  f"the robot now has {result.total}; knowledge version {result.knowledge_version}")
    _notes(result)


def _export_format(format_name: str | None, output: Path | None) -> Format:
    if format_name:
        return format_named(format_name)
    if output is not None and output.suffix:
        return detect_format(None, output.name, None, b"")
    return FORMATS["jsonl"]


@app.command("export")
def export_command(
    tenant: TenantOption,
    robot: RobotOption,
    format_name: FormatOption = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: stdout)")] = None,
    db: DbOption = None,
) -> None:
    """Export a robot's rules; importing the file into an empty robot gives the same rules back."""
    ctx = open_context(db)
    try:
        fmt = _export_format(format_name, output)
        with ctx.db.read() as session:
            get_robot(session, tenant, robot)
            data = export_rules(session, robot, fmt)
    except DomainError as exc:
        raise fail(exc.description) from exc
    finally:
        ctx.db.dispose()
    if output is None:
        if fmt.name == "xlsx" and sys.stdout.isatty():
            raise fail("refusing to write a binary XLSX file to a terminal: use -o FILE", code=2)
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    output.write_bytes(data)
    err_console.print(f"wrote {output} ({len(data)} bytes, {fmt.name})")
