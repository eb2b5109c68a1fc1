"""Evaluate a robot on labelled queries through the conversation engine's own decision code.

Each query is ranked by the robot's knowledge snapshot and decided by the dialogue policy exactly as an
ask would be (as the first question of a fresh session), but nothing is stored and no hit count moves.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from huida.auth.service import create_tenant
from huida.config import Settings
from huida.context import build_context
from huida.conversation.service import ConversationService, RobotView, strategy_context
from huida.conversation.snapshots import expected_view, signal_views
from huida.engine.dialogue import types as t
from huida.engine.dialogue.policy import answerable, decide
from huida.engine.metrics import Decision, LabelledQuery, Report, evaluate
from huida.errors import InvalidInput
from huida.knowledge.importexport.formats import detect_format
from huida.knowledge.importexport.service import import_rules
from huida.learning.training import train_pairs
from huida.robots.service import create_robot

MAX_QUERIES = 100_000
SEARCH_DEPTH = 10


def read_queries(data: bytes) -> list[LabelledQuery]:
    """`{"text", "expect"}` per line (expect = the right rule id, or null when the robot must not answer)."""
    queries = []
    for number, line in enumerate(data.decode("utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, expect = row["text"], row.get("expect")
            if not isinstance(text, str) or not (expect is None or isinstance(expect, str)):
                raise TypeError
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput("INVALID_QUERIES", f"line {number}: expected {{\"text\": str, \"expect\": str|null}}") \
                from exc
        queries.append(LabelledQuery(text, expect))
    if not queries or len(queries) > MAX_QUERIES:
        raise InvalidInput("INVALID_QUERIES", f"need 1 to {MAX_QUERIES} labelled queries")
    return queries


def _as_decision(decision: t.Decision) -> Decision:
    if decision.answer_type == t.RECOMMEND:
        return Decision("recommend", tuple(c.rule_id for c in decision.recommendations))
    if decision.rule is not None and decision.answer is not None:
        return Decision("answer", (decision.rule.rule_id,))
    return Decision("default")


def evaluate_view(view: RobotView, queries: Iterable[LabelledQuery]) -> Report:
    config = view.config()
    context = strategy_context(view.settings, None, None)

    def rank(text: str) -> Sequence[t.Candidate]:
        situation = view.first_turn(text, config, context)
        return [c for c, _ in answerable(situation, view.knowledge.search(text, SEARCH_DEPTH))]

    def policy(text: str, _ranked: Sequence[t.Candidate]) -> Decision:
        return _as_decision(decide(view.first_turn(text, config, context)))

    return evaluate(queries, rank, policy)


def report_dict(report: Report, view: RobotView | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "inScope": report.n_in_scope, "outOfScope": report.n_out_of_scope,
        "hit1": round(report.hit1, 4), "hit3": round(report.hit3, 4),
        "coverageAtPrecision": {f"{p:g}": round(v, 4) for p, v in report.coverage_at_precision.items()},
    }
    if report.breakdown is not None:
        body["decisions"] = asdict(report.breakdown)
        body["wrongShare"] = round(report.breakdown.wrong_share, 4)
    if view is not None:
        answer, recommend = view.thresholds()
        body["thresholds"] = {"answer": answer, "recommend": recommend}
        body["expected"] = expected_view(view.knowledge.thresholds)
        body["signals"] = signal_views(view.knowledge)
    return body


def evaluate_files(kb: Path, queries: Path, *, pairs: Path | None = None,
                   work_dir: Path | None = None) -> tuple[Report, RobotView]:
    """Imports the KB into a scratch robot (a temporary SQLite database), learns the labelled `pairs`
    if given, and evaluates the queries."""
    labelled = read_queries(queries.read_bytes())
    with tempfile.TemporaryDirectory(dir=work_dir) as folder:
        settings = Settings(data_dir=Path(folder), run_worker=False, log_requests=False)
        ctx = build_context(settings)
        try:
            with ctx.db.session() as session:
                tenant = create_tenant(session, "eval", "eval@huida.local").tenant
                robot = create_robot(session, tenant.id, "eval")
                data = kb.read_bytes()
                import_rules(session, tenant.id, robot.robot_id, data, detect_format(None, kb.name, None, data))
                tenant_id, robot_id = tenant.id, robot.robot_id
                if pairs is not None:
                    train_pairs(session, robot_id, pairs)
            service = ConversationService(ctx)
            view = service.robot_view(tenant_id, robot_id)
            return evaluate_view(view, labelled), view
        finally:
            for stop in reversed(ctx.shutdown):
                stop()
            ctx.db.dispose()
