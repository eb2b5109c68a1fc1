"""The whole decision, on every task and its out-of-scope-heavy variants (rules left out of the knowledge).

.venv/bin/python bench/decisions.py --before                 # every task; out-of-scope 0 (as is), 35, 50, 70%
.venv/bin/python bench/decisions.py --tasks bq-dev --shares 0.5

In scope: answered right / answered wrong / recommended with the right rule / recommended without it /
default. Out of scope: answered (wrong) / recommended / default. wrong % = wrong direct answers over all
direct answers (the calibration's target is 10% at target precision 0.9); verbatim wrong = of those, answers
to a query equal to a stored question of another rule (the stored-question invariant; in the pair-derived
tasks mostly the same question filed under two clusters); wrong % scored = the wrong share of the other
direct answers, the ones the calibrated threshold decided; oos rec % = out-of-scope questions
answered with recommendations (issue 22's target: at most 40%); right+rec = in-scope questions answered
right or recommended with the right rule.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from _data import load_kb, load_queries, tasks  # noqa: E402
from _variants import oos_variant  # noqa: E402
from huida.engine.matcher import MatcherOptions, build_matcher  # noqa: E402
from huida.engine.metrics import evaluate, threshold_decider  # noqa: E402

# The calibration before issues 13 and 22 (precision assumed at 20% out of scope, recommendations unbounded),
# next to today's defaults, in the same run.
SYSTEMS = {"before": MatcherOptions(oos_share=0.2, oos_recommend_budget=1.0), "Huida": MatcherOptions()}
COLUMNS = ("task", "system", "oos %", "rules", "ans right", "ans wrong", "rec right", "rec w/o", "default",
           "oos ans/rec/def", "wrong %", "verbatim wrong", "wrong % scored", "oos rec %", "right+rec %",
           "answer rate %", "thr ans/rec", "s")


def run(task: str, share: float, options: MatcherOptions, limit: int) -> list[str]:
    items, queries = load_kb(task), load_queries(task)
    if share > 0:
        items, queries = oos_variant(items, queries, share)
    queries = queries[:limit] if limit else queries
    start = time.perf_counter()
    matcher = build_matcher(items, options)
    t = matcher.thresholds
    report = evaluate(queries, lambda q: matcher.search(q, 5), threshold_decider(t.answer, t.recommend))
    b = report.breakdown
    assert b is not None
    n_in, n_out = max(report.n_in_scope, 1), report.n_out_of_scope
    verbatim_wrong, scored_wrong = _verbatim_wrong(matcher, queries), b.answered_wrong + b.oos_answered
    scored_wrong -= verbatim_wrong
    scored = b.answered - sum(1 for q in queries if (r := matcher.search(q.text, 1)) and r[0].exact)
    return [task, "", f"{100 * n_out / max(n_out + report.n_in_scope, 1):.0f}", str(len(items)),
            str(b.answered_right), str(b.answered_wrong), str(b.recommended_right), str(b.recommended_without),
            str(b.default_reply), f"{b.oos_answered}/{b.oos_recommended}/{b.oos_default}",
            f"{100 * b.wrong_share:.1f}", str(verbatim_wrong), f"{100 * scored_wrong / max(scored, 1):.1f}",
            f"{100 * b.oos_recommended / max(n_out, 1):.1f}" if n_out else "-",
            f"{100 * (b.answered_right + b.recommended_right) / n_in:.1f}",
            f"{100 * b.answered / max(n_out + report.n_in_scope, 1):.1f}",
            f"{t.answer:.2f}/{t.recommend:.2f}", f"{time.perf_counter() - start:.1f}"]


def _verbatim_wrong(matcher, queries) -> int:
    """Direct answers forced by a query equal to a stored question of another rule: in the pair-derived
    tasks these are mostly the same question filed under two clusters (label noise), not calibration."""
    wrong = 0
    for q in queries:
        found = matcher.search(q.text, 2)
        exact = [c for c in found if c.exact]
        wrong += len(exact) == 1 and exact[0].rule_id != q.expect
    return wrong


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", nargs="*", default=None)
    parser.add_argument("--shares", nargs="*", type=float, default=[0.0, 0.35, 0.5, 0.7],
                        help="out-of-scope shares (0: the task as it is)")
    parser.add_argument("--limit", type=int, default=0, help="first N queries only (quick runs)")
    parser.add_argument("--before", action="store_true", help="also the calibration before issues 13 and 22")
    args = parser.parse_args(argv)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    console = Console(width=220)
    table = Table(title="Decisions on every task and its out-of-scope-heavy variants")
    for col in COLUMNS:
        table.add_column(col, justify="left" if col == "task" else "right")
    systems = SYSTEMS if args.before else {"Huida": SYSTEMS["Huida"]}
    for task in args.tasks or tasks():
        for share in args.shares:
            for name, options in systems.items():
                row = run(task, share, options, args.limit)
                row[1] = name
                print("# " + " | ".join(row), flush=True)
                table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    main()
