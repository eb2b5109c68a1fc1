"""`huida health`: what to fix in a robot's FAQ knowledge, the same report as GET .../health."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from huida.cli.base import DbOption, app, check_optional_features, console, fail, open_context
from huida.conversation.service import ConversationService
from huida.errors import DomainError
from huida.evaluation.health import robot_health
from huida.knowledge.health import DEFAULT_DAYS, LIST_CAP


def _when(ms: int | None) -> str:
    return "never" if ms is None else datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M")


def _rules(rules: list[dict[str, Any]]) -> str:
    return "\n".join(f"{r['ruleId']} · {r['standardQuestion'] or ''}" for r in rules)


def _summary(report: dict[str, Any]) -> Table:
    s = report["summary"]
    table = Table("finding", "count", title=f"knowledge health · robot {report['robotId']}", title_justify="left")
    table.add_row("rules (enabled)", f"{s['rules']} ({s['enabledRules']})")
    table.add_row("questions", str(s["questions"]))
    table.add_row("questions filed under more than one rule", str(s["duplicateQuestions"]))
    checked = f" (sampled {s['questionsChecked']} questions)" if s["sampled"] else ""
    table.add_row(f"overlapping rule pairs ≥ {report['answerThreshold']:.3f}{checked}", str(s["overlappingPairs"]))
    table.add_row("rules with only one question", str(s["singleQuestionRules"]))
    table.add_row(f"rules not hit in {report['days']} days", str(s["neverHitRules"]))
    return table


def _shown(section: dict[str, Any], title: str) -> str:
    more = section["total"] - len(section["items"])
    return f"{title} (first {len(section['items'])} of {section['total']})" if more > 0 else title


def _details(report: dict[str, Any]) -> list[Table]:
    tables = []
    dup = report["duplicateQuestions"]
    if dup["total"]:
        table = Table("question", "rules", title=_shown(dup, "questions under more than one rule"),
                      title_justify="left", show_lines=True)
        for item in dup["items"]:
            table.add_row(escape(item["question"]), escape(_rules(item["rules"])))
        tables.append(table)
    pairs = report["overlappingPairs"]
    if pairs["total"]:
        table = Table("rules", "crossing", "best", "example question", "suggestion",
                      title=_shown(pairs, "overlapping rules"), title_justify="left", show_lines=True)
        for item in pairs["items"]:
            table.add_row(escape(_rules(item["rules"])), str(item["crossingQuestions"]), f"{item['bestScore']:.3f}",
                          escape(item["exampleQuestion"]), item["suggestion"])
        tables.append(table)
    singles = report["singleQuestionRules"]
    if singles["total"]:
        table = Table("rule", "standard question", "suggestion", title=_shown(singles, "rules with one question"),
                      title_justify="left")
        for item in singles["items"]:
            table.add_row(item["ruleId"], escape(item["standardQuestion"]), "add similar questions")
        tables.append(table)
    stale = report["neverHitRules"]
    if stale["total"]:
        table = Table("rule", "standard question", "hits", "last hit", "created",
                      title=_shown(stale, f"rules not hit in {report['days']} days"), title_justify="left")
        for item in stale["items"]:
            table.add_row(item["ruleId"], escape(item["standardQuestion"]), str(item["hitCount"]),
                          _when(item["lastHitTime"]), _when(item["createTime"]))
        tables.append(table)
    return tables


@app.command()
def health(
    tenant: Annotated[int, typer.Option("--tenant", min=1, max=2**63 - 1, help="Tenant id")],
    robot: Annotated[str, typer.Option("--robot", help="Robot id")],
    days: Annotated[int, typer.Option("--days", min=1, max=3650, help="List rules not hit in this many days")]
    = DEFAULT_DAYS,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Items shown per finding")] = LIST_CAP,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as the API's JSON entity")] = False,
    db: DbOption = None,
) -> None:
    """Duplicate questions, overlapping rules (merge them), one-question rules and rules not hit lately."""
    check_optional_features()
    ctx = open_context(db)
    service = ConversationService(ctx)
    try:
        with console.status("searching every question of the robot ..."):
            report = robot_health(service, tenant, robot, days=days, limit=limit)
    except DomainError as exc:
        raise fail(exc.description) from exc
    finally:
        for stop in reversed(ctx.shutdown):
            stop()
        ctx.db.dispose()
    if as_json:
        console.print_json(json.dumps(report, ensure_ascii=False))
        return
    console.print(_summary(report))
    for table in _details(report):
        console.print(table)
