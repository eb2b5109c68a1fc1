"""Knowledge health on a real FAQ: merge the rule pairs health suggests, then measure before and after.

.venv/bin/python bench/health.py                       # bq-dev, at the matcher's own answer threshold
.venv/bin/python bench/health.py --threshold 0.5       # suggest pairs at a lower threshold than calibrated

The bare engine matcher (default options) is built on the task's KB; the overlapping pairs come from the
same pure function as GET .../health (`huida.knowledge.health.overlapping_pairs`). Each connected group
of suggested rules is merged into one rule (the union of their questions, under the id of the group's
rule with the most questions), the matcher is rebuilt and the queries are measured again:

- after, group labels: a query expecting any rule of a group is right when the merged rule comes first;
- after, original labels: the labels as given (a query expecting a rule merged away is now always wrong).
Merging changes what "right" means, so both are printed. "pair thr" is the score a crossing question needs
to suggest a pair; "ans thr" is the calibrated answer threshold behind "ans right / wrong"; "suggested
pairs" after merging are those health still finds in the merged KB; s = build, search and evaluation seconds.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from _data import load_kb, load_queries  # noqa: E402
from huida.engine.matcher import HybridMatcher, KnowledgeItem, build_matcher  # noqa: E402
from huida.engine.metrics import LabelledQuery, Report, evaluate, threshold_decider  # noqa: E402
from huida.knowledge.health import MAX_QUESTIONS, OverlapPair, Overlaps, overlapping_pairs  # noqa: E402


@dataclass
class Row:
    system: str
    rules: int
    questions: int
    pairs: int | str
    groups: int | str
    report: Report
    pair_threshold: float  # the score a crossing question needs (suggestions)
    answer_threshold: float  # the matcher's calibrated answer threshold (the decisions counted)
    seconds: float


def merge_groups(items: Sequence[KnowledgeItem], pairs: Sequence[OverlapPair]) -> list[list[str]]:
    """Connected groups of the suggested pairs (union-find), each in KB order."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        a, b = root(pair.rule_ids[0]), root(pair.rule_ids[1])
        if a != b:
            parent[b] = a
    groups: dict[str, list[str]] = {}
    for item in items:
        if item.rule_id in parent:
            groups.setdefault(root(item.rule_id), []).append(item.rule_id)
    return [g for g in groups.values() if len(g) > 1]


def merge(items: Sequence[KnowledgeItem],
          groups: Sequence[Sequence[str]]) -> tuple[list[KnowledgeItem], dict[str, str]]:
    """The merged KB (each group under its rule with the most questions) and rule id -> merged rule id."""
    by_id = {item.rule_id: item for item in items}
    target: dict[str, str] = {}
    for group in groups:
        keeper = max(group, key=lambda r: (len(by_id[r].questions), -group.index(r)))
        target.update(dict.fromkeys(group, keeper))
    merged_questions: dict[str, list[str]] = {}
    for item in items:
        into = target.get(item.rule_id, item.rule_id)
        merged_questions.setdefault(into, [])
        if into == item.rule_id:  # the keeper's own questions first (its standard question stays standard)
            merged_questions[into][:0] = list(item.questions)
        else:
            merged_questions[into].extend(item.questions)
    merged = [KnowledgeItem(r, tuple(dict.fromkeys(qs))) for r, qs in merged_questions.items()]
    return merged, target


def relabel(queries: Sequence[LabelledQuery], target: dict[str, str]) -> list[LabelledQuery]:
    return [LabelledQuery(q.text, target.get(q.expect, q.expect) if q.expect else None) for q in queries]


def measure(matcher: HybridMatcher, queries: Sequence[LabelledQuery]) -> Report:
    t = matcher.thresholds
    return evaluate(queries, lambda q: matcher.search(q, 5), threshold_decider(t.answer, t.recommend))


def suggest(items: Sequence[KnowledgeItem], matcher: HybridMatcher, threshold: float | None,
            max_questions: int) -> Overlaps:
    answer = matcher.thresholds.answer if threshold is None else threshold
    return overlapping_pairs(items, matcher.search, answer, max_questions=max_questions)


def run(task: str, threshold: float | None, max_questions: int, limit: int) -> tuple[list[Row], Overlaps, list]:
    items, queries = load_kb(task), load_queries(task)
    queries = queries[:limit] if limit else queries
    start = time.perf_counter()
    before = build_matcher(items)
    overlaps = suggest(items, before, threshold, max_questions)
    groups = merge_groups(items, overlaps.pairs)
    report = measure(before, queries)
    n_q = sum(len(i.questions) for i in items)
    rows = [Row("before", len(items), n_q, len(overlaps.pairs), "", report, overlaps.threshold,
                before.thresholds.answer, time.perf_counter() - start)]
    start = time.perf_counter()
    merged, target = merge(items, groups)
    after = build_matcher(merged)
    left = suggest(merged, after, threshold, max_questions)
    n_merged = sum(len(i.questions) for i in merged)
    seconds = time.perf_counter() - start
    rows.append(Row("after, group labels", len(merged), n_merged, len(left.pairs), len(groups),
                    measure(after, relabel(queries, target)), left.threshold, after.thresholds.answer, seconds))
    rows.append(Row("after, original labels", len(merged), n_merged, len(left.pairs), len(groups),
                    measure(after, queries), left.threshold, after.thresholds.answer, 0.0))
    return rows, overlaps, groups


def table(task: str, rows: Sequence[Row], overlaps: Overlaps) -> Table:
    sampled = f", {overlaps.questions_checked} of {overlaps.questions_total} questions sampled" \
        if overlaps.sampled else ""
    out = Table(title=f"Knowledge health on {task}: merging the suggested overlapping rules{sampled}")
    for col in ("system", "rules", "questions", "pair thr", "suggested pairs", "merged groups", "hit@1", "hit@3",
                "ans thr", "ans right", "ans wrong", "s"):
        out.add_column(col, justify="left" if col == "system" else "right")
    for r in rows:
        b = r.report.breakdown
        assert b is not None
        out.add_row(r.system, str(r.rules), str(r.questions), f"{r.pair_threshold:.3f}", str(r.pairs), str(r.groups),
                    f"{r.report.hit1:.3f}", f"{r.report.hit3:.3f}", f"{r.answer_threshold:.3f}",
                    str(b.answered_right), str(b.answered_wrong), f"{r.seconds:.1f}")
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", default="bq-dev", help="a folder of ../shared/data/faq (default bq-dev)")
    parser.add_argument("--threshold", type=float, default=None,
                        help="suggest pairs at this score (default: the matcher's calibrated answer threshold)")
    parser.add_argument("--max-questions", type=int, default=MAX_QUESTIONS, help="questions searched at most")
    parser.add_argument("--limit", type=int, default=0, help="first N queries only (quick runs)")
    parser.add_argument("--show", type=int, default=10, help="suggested pairs listed")
    args = parser.parse_args(argv)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    rows, overlaps, groups = run(args.task, args.threshold, args.max_questions, args.limit)
    console = Console(width=200)
    console.print(table(args.task, rows, overlaps))
    if overlaps.pairs and args.show:
        listed = Table("rules", "crossing", "best", "example question", title="suggested pairs (first listed)")
        for p in overlaps.pairs[: args.show]:
            listed.add_row(" + ".join(p.rule_ids), str(p.crossing), f"{p.best_score:.3f}", p.example_question)
        console.print(listed)
    return {"rows": rows, "overlaps": overlaps, "groups": groups}


if __name__ == "__main__":
    main()
