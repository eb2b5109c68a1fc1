"""Matching quality: three reference recipes and Huida's matcher on every task, one table.

.venv/bin/python bench/matching.py                       # every task in ../shared/data/faq
.venv/bin/python bench/matching.py --tasks bq-dev --pairs  # also bq-dev after learning bq-train pairs
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

from _data import PAIRS, load_kb, load_queries, tasks  # noqa: E402
from _recipes import RECIPES  # noqa: E402
from huida.embeddings import embedder_from_env  # noqa: E402
from huida.engine.matcher import MatcherOptions, build_matcher, read_labelled_pairs  # noqa: E402
from huida.engine.metrics import Report, evaluate, threshold_decider  # noqa: E402


def run_huida(task: str, queries, options: MatcherOptions, pairs_file: Path | None = None) -> tuple[Report, float]:
    items = load_kb(task)
    start = time.perf_counter()
    if pairs_file is None:
        matcher = build_matcher(items, options)
    else:
        from huida.engine.matcher import HybridMatcher

        matcher = HybridMatcher(options)
        matcher.add_items(items)
        matcher.learn_labelled_pairs(read_labelled_pairs(pairs_file))
        matcher.refresh()
    built = time.perf_counter() - start
    t = matcher.thresholds
    report = evaluate(queries, lambda q: matcher.search(q, 5), threshold_decider(t.answer, t.recommend))
    report.extra.update(answer=t.answer, recommend=t.recommend)
    return report, built


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", nargs="*", default=None)
    parser.add_argument("--no-refs", action="store_true", help="skip the reference recipes")
    parser.add_argument("--pairs", action="store_true", help="also run bq-dev after learning bq-train pairs")
    parser.add_argument("--dense", action="store_true", help="use HUIDA_EMBEDDING_MODEL / _URL embeddings")
    parser.add_argument("--limit", type=int, default=0, help="first N queries only (quick runs)")
    args = parser.parse_args(argv)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    options = MatcherOptions(embedder=embedder_from_env() if args.dense else None)
    console = Console(width=200)
    table = _table()
    for task in args.tasks or tasks():
        queries = load_queries(task)
        queries = queries[: args.limit] if args.limit else queries
        if not args.no_refs:
            items = load_kb(task)
            for name, recipe in RECIPES.items():
                start = time.perf_counter()
                rank = recipe(items)
                _add(table, task, name, evaluate(queries, rank), time.perf_counter() - start)
        report, built = run_huida(task, queries, options)
        _add(table, task, "Huida", report, built)
        if args.pairs and task == "bq-dev":
            report, built = run_huida(task, queries, options, PAIRS / "bq-train.tsv")
            _add(table, task, "Huida + bq-train pairs", report, built)
        console.print(f"done {task}", style="dim")
    console.print(table)


def _table() -> Table:
    table = Table(title="Matching quality (hit@k over in-scope; C@P over all; decisions with calibrated thresholds)")
    for col in (
        "task",
        "system",
        "hit@1",
        "hit@3",
        "C@P90",
        "C@P95",
        "ans right",
        "ans wrong",
        "rec right",
        "rec w/o",
        "default",
        "oos ans/rec/def",
        "wrong %",
        "thr ans/rec",
        "s",
    ):
        table.add_column(col, justify="left" if col in ("task", "system") else "right")
    return table


def _add(table: Table, task: str, system: str, r: Report, seconds: float) -> None:
    print(
        f"# {task} | {system} | hit@1 {r.hit1:.3f} | hit@3 {r.hit3:.3f} | C@P90 {r.coverage_at_precision[0.9]:.3f}"
        f" | C@P95 {r.coverage_at_precision[0.95]:.3f} | {r.breakdown} | {r.extra} | {seconds:.1f}s",
        flush=True,
    )
    row = [
        task,
        system,
        f"{r.hit1:.3f}",
        f"{r.hit3:.3f}",
        f"{r.coverage_at_precision[0.9]:.3f}",
        f"{r.coverage_at_precision[0.95]:.3f}",
    ]
    b = r.breakdown
    if b is None:
        row += [""] * 8
    else:
        row += [
            str(b.answered_right),
            str(b.answered_wrong),
            str(b.recommended_right),
            str(b.recommended_without),
            str(b.default_reply),
            f"{b.oos_answered}/{b.oos_recommended}/{b.oos_default}",
            f"{100 * b.wrong_share:.1f}",
            f"{r.extra['answer']:.2f}/{r.extra['recommend']:.2f}",
        ]
    row.append(f"{seconds:.1f}")
    table.add_row(*row)


if __name__ == "__main__":
    main()
