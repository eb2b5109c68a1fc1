"""`huida eval` (measure matching on labelled queries) and `huida train` (learn from labelled pairs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from huida.cli.base import DbOption, app, check_optional_features, console, fail, open_context
from huida.errors import DomainError
from huida.evaluation.service import evaluate_files, report_dict
from huida.learning.training import train_pairs
from huida.robots.service import get_robot

Existing = typer.Argument(exists=True, dir_okay=False, readable=True)


def _print_report(name: str, body: dict) -> None:
    table = Table("metric", "value", title=f"huida eval · {name}", title_justify="left")
    for key in ("inScope", "outOfScope", "hit1", "hit3"):
        table.add_row(key, str(body[key]))
    for precision, value in body["coverageAtPrecision"].items():
        table.add_row(f"C@P{round(float(precision) * 100)}", str(value))
    for key, value in body.get("decisions", {}).items():
        table.add_row(key, str(value))
    table.add_row("wrong share of direct answers", str(body.get("wrongShare")))
    table.add_row("thresholds (answer / recommend)",
                  f"{body['thresholds']['answer']:.3f} / {body['thresholds']['recommend']:.3f}")
    expected = body.get("expected") or {}
    if expected.get("precision") is not None:
        table.add_row("expected precision / answer rate (calibration)",
                      f"{expected['precision']:.3f} / {expected['answerRate']:.3f}")
    for signal in body.get("signals", []):
        table.add_row(f"signal {signal['name']}", f"{'on' if signal['on'] else 'off'}: {signal['reason']}")
    console.print(table)


@app.command("eval")
def eval_command(
    kb: Annotated[Path, Existing],
    queries: Annotated[Path, Existing],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    pairs: Annotated[Path | None, typer.Option("--pairs", exists=True, dir_okay=False,
                                               help="Learn these labelled pairs (q1\\tq2\\tlabel) first")] = None,
) -> None:
    """Import KB into a scratch robot and measure it on QUERIES through the conversation engine."""
    check_optional_features()
    try:
        with console.status("building the scratch robot and asking every query ..."):
            report, view = evaluate_files(kb, queries, pairs=pairs)
    except DomainError as exc:
        raise fail(exc.description) from exc
    body = report_dict(report, view)
    if as_json:
        console.print_json(json.dumps(body))
    else:
        _print_report(kb.parent.name or kb.name, body)


@app.command()
def train(
    tenant: Annotated[int, typer.Option("--tenant", min=1, max=2**63 - 1, help="Tenant id")],
    robot: Annotated[str, typer.Option("--robot", help="Robot id")],
    pairs: Annotated[Path, typer.Option("--pairs", exists=True, dir_okay=False,
                                        help="Labelled pairs: q1 \\t q2 \\t label (1 = same meaning)")],
    db: DbOption = None,
) -> None:
    """Teach a robot from labelled question pairs; every process rebuilds its matcher with them."""
    check_optional_features()
    ctx = open_context(db)
    try:
        with console.status(f"learning from {pairs.name} ..."), ctx.db.session() as session:
            get_robot(session, tenant, robot)
            count = train_pairs(session, robot, pairs)
    except DomainError as exc:
        raise fail(exc.description) from exc
    console.print(f"learned from {count} labelled pairs; robot {robot} rebuilds its matcher with them")
