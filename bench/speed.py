"""Matching speed, engine only, one core: latency per match, index build time, memory, one-rule updates.

    .venv/bin/python bench/speed.py                      # 10k, 100k and 1M questions
    .venv/bin/python bench/speed.py --sizes 10000        # one size
    .venv/bin/python bench/speed.py --pairs              # after learning the bq-train pairs (as kept, and every signal)

Each size runs in its own process (clean resident-memory numbers). The large knowledge bases combine every
task's questions and vary them (prefixes, suffixes, dropped and swapped characters) up to the size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

from _data import PAIRS, load_kb, load_queries, tasks  # noqa: E402
from huida.engine.matcher import HybridMatcher, KnowledgeItem, MatcherOptions, read_labelled_pairs  # noqa: E402
from huida.engine.matcher.judging import PAIR_SIGNALS  # noqa: E402

_ZH_PREFIX = ["", "请问", "你好", "您好，", "我想问下", "咨询一下", "麻烦问下", "在吗", "客服", "问一下"]
_ZH_SUFFIX = ["", "？", "呢", "啊", "谢谢", "急", "怎么办", "可以吗", "是吗", "吧"]
_EN_PREFIX = ["", "hi ", "hello, ", "please ", "quick question: ", "hey ", "excuse me, ", "sorry, ", "so ", "um "]
_EN_SUFFIX = ["", "?", " please", " thanks", " asap", " now", " today", " again", " pls", " thank you"]


def _vary(text: str, v: int, rng: np.random.Generator) -> str:
    if v == 0:
        return text
    zh = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    pre, suf = (_ZH_PREFIX, _ZH_SUFFIX) if zh else (_EN_PREFIX, _EN_SUFFIX)
    chars = list(text)
    if len(chars) > 4:
        i = int(rng.integers(0, len(chars) - 1))
        if v % 2:
            del chars[i]
        else:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return pre[v % 10] + "".join(chars) + suf[(v // 10) % 10]


def synthetic_kb(n_questions: int, seed: int = 0) -> list[KnowledgeItem]:
    rng = np.random.default_rng(seed)
    base = [(f"{t}:{item.rule_id}", item.questions) for t in tasks() for item in load_kb(t)]
    base = [base[i] for i in rng.permutation(len(base))]  # every size mixes every kind of knowledge
    items: list[KnowledgeItem] = []
    total, v = 0, 0
    while total < n_questions:
        for rule_id, questions in base:
            qs = tuple(_vary(q, v, rng) for q in questions)[: n_questions - total]
            if not qs:
                break
            items.append(KnowledgeItem(f"{rule_id}#v{v}", qs))
            total += len(qs)
        v += 1
    return items


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(size: int, n_queries: int, n_updates: int, task: str = "", pairs: bool = False) -> dict[str, float]:
    items = load_kb(task) if task else synthetic_kb(size)
    size = sum(len(i.questions) for i in items)
    queries = [q.text for t in tasks() for q in load_queries(t)]
    shuffled = [queries[i] for i in np.random.default_rng(1).permutation(len(queries))]
    queries, others = shuffled[:n_queries], shuffled[n_queries : 2 * n_queries]
    rss0 = rss_mb()
    cpu0 = time.process_time()
    start = time.perf_counter()
    matcher = HybridMatcher(MatcherOptions(cv_queries=1000 if size > 100_000 else 3000))
    matcher.add_items(items)
    indexed = time.perf_counter() - start
    if pairs:
        matcher.learn_labelled_pairs(read_labelled_pairs(PAIRS / "bq-train.tsv"))
    matcher.refresh()
    built = time.perf_counter() - start
    build_cpu = time.process_time() - cpu0
    kept = matcher.pair_signals
    for q in queries[:20]:  # warm caches (jieba, pinyin) as a running server would have
        matcher.search(q)
    lat, cpu = _timed([lambda q=q: matcher.search(q, 5) for q in queries])
    every = {}
    if pairs:  # the worst case: every pair signal computed, kept by the robot or not (other questions, so
        # the first run's cached encodings do not flatter it)
        matcher.pair_signals = frozenset(PAIR_SIGNALS)
        _, every_cpu = _timed([lambda q=q: matcher.search(q, 5) for q in others])
        every = {"every_p50_ms": _pct(every_cpu, 50), "every_p99_ms": _pct(every_cpu, 99)}
        matcher.pair_signals = kept
    changes = []
    for i in range(n_updates):
        item = items[(i * 7919) % len(items)]
        changes.append(lambda item=item, i=i: matcher.upsert(KnowledgeItem(item.rule_id, (*item.questions, f"v{i}"))))
    upd, upd_cpu = _timed(changes)
    _, refreshed = _timed([matcher.refresh])  # after the changes: compaction, retraining, recalibration
    return {
        "kb": task or "mixed",
        "size": size,
        "rules": len(items),
        "classifier": matcher.classifier is not None,
        "pairs_kept": ",".join(sorted(kept)) or "-",
        "index_s": indexed,
        "build_s": built,
        "build_cpu_s": build_cpu,
        "rss_mb": rss_mb(),
        "rss_delta_mb": rss_mb() - rss0,
        "p50_ms": _pct(lat, 50),
        "p99_ms": _pct(lat, 99),
        "cpu_p50_ms": _pct(cpu, 50),
        "cpu_p99_ms": _pct(cpu, 99),
        "update_p50_ms": _pct(upd_cpu, 50),
        "update_p99_ms": _pct(upd_cpu, 99),
        "update_max_ms": _pct(upd_cpu, 100),
        "refresh_cpu_s": refreshed[0],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **every,
    }


def _timed(calls: list) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each call (CPU time is the engine's own cost on a shared machine)."""
    wall, cpu = [], []
    for call in calls:
        w0, c0 = time.perf_counter(), time.process_time()
        call()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return wall, cpu


def _pct(seconds: list[float], q: float) -> float:
    return float(np.percentile(np.array(seconds) * 1000, q))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--updates", type=int, default=50)
    parser.add_argument("--tasks", nargs="*", default=["clinc150-val"], help="real task KBs to time as well")
    parser.add_argument("--pairs", action="store_true", help="learn the bq-train pairs before the refresh")
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child-task", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child or args.child_task:
        print(json.dumps(measure(args.child, args.queries, args.updates, args.child_task, args.pairs)))
        return
    rows = []
    jobs = [("--child", str(size)) for size in args.sizes] + [("--child-task", task) for task in args.tasks]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for flag, value in jobs:
        cmd = [sys.executable, __file__, flag, value, "--queries", str(args.queries), "--updates", str(args.updates)]
        cmd += ["--pairs"] if args.pairs else []
        if sys.platform.startswith("linux"):
            cmd = ["taskset", "-c", "0", *cmd]  # one core
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    _print(rows)


def _print(rows: list[dict[str, float]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title="Matching speed (engine only, pinned to one core; match = search(question, k=5); "
        "CPU = the process's own CPU time, wall = elapsed on a shared machine)"
    )
    cols = [
        ("knowledge", "kb", "{}"),
        ("classifier", "classifier", "{}"),
        ("questions", "size", "{:,.0f}"),
        ("rules", "rules", "{:,.0f}"),
        ("index s", "index_s", "{:.1f}"),
        ("build s (+fusion, calibration)", "build_s", "{:.1f}"),
        ("build CPU s", "build_cpu_s", "{:.1f}"),
        ("RSS MB", "rss_mb", "{:.0f}"),
        ("peak RSS MB", "peak_rss_mb", "{:.0f}"),
        ("match CPU p50 ms", "cpu_p50_ms", "{:.2f}"),
        ("match CPU p99 ms", "cpu_p99_ms", "{:.2f}"),
        ("wall p50 ms", "p50_ms", "{:.2f}"),
        ("wall p99 ms", "p99_ms", "{:.2f}"),
        ("update CPU p50 ms", "update_p50_ms", "{:.1f}"),
        ("update p99 ms", "update_p99_ms", "{:.1f}"),
        ("update max ms", "update_max_ms", "{:.1f}"),
        ("refresh after updates CPU s", "refresh_cpu_s", "{:.1f}"),
    ]
    if all("every_p50_ms" in row for row in rows):
        cols[11:11] = [("every pair signal CPU p50 ms", "every_p50_ms", "{:.2f}"), ("p99", "every_p99_ms", "{:.2f}")]
    for title, _, _ in cols:
        table.add_column(title, justify="right")
    for row in rows:
        table.add_row(*[fmt.format(row[key]) for _, key, fmt in cols])
    console = Console(width=200)
    console.print(table)
    for row in rows:
        if row.get("pairs_kept", "-") != "-":
            console.print(f"{row['kb']} {row['size']:,}: pair signals the robot kept: {row['pairs_kept']}")


if __name__ == "__main__":
    main()
