"""Invariants over knowledge shapes: robots of random, uneven shapes drawn from the visible tasks.

.venv/bin/python bench/shapes.py                 # 60 robots (3 to 2,000 rules), seed 0
.venv/bin/python bench/shapes.py --robots 200 --seed 1

For each robot: the invariants (a stored question of one rule is answered by it; of several, they are
recommended; no threshold above a verbatim question's score) and hit@1 over held-out similar questions,
Huida's next to BM25's (rank-bm25 over jieba words) on the same knowledge. The table groups robots by
shape (language, size).
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from _shapes import check_robot, draw_robot  # noqa: E402


def _size_band(n: int) -> str:
    return next(band for limit, band in ((10, "3-10"), (100, "11-100"), (500, "101-500")) if n <= limit) \
        if n <= 500 else "501-2000"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--robots", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-rules", type=int, default=2000)
    args = parser.parse_args(argv)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    rng = random.Random(args.seed)
    groups: dict[tuple[str, str], list] = defaultdict(list)
    violations: list[str] = []
    for number in range(args.robots):
        robot = draw_robot(rng, args.max_rules)
        check = check_robot(robot)
        violations += [f"robot {number} ({robot.describe()}): {v}" for v in check.violations]
        groups[(robot.language, _size_band(len(robot.items)))].append(check)
        print(f"# robot {number}: {robot.describe()} | violations {len(check.violations)} | hit@1 "
              f"{check.hit1:.3f} vs BM25 {check.bm25_hit1:.3f} on {check.n_held}", flush=True)
    table = Table(title=f"Knowledge shapes: {args.robots} robots, seed {args.seed}; invariant violations: "
                        f"{len(violations)}")
    for col in ("language", "rules", "robots", "held-out questions", "hit@1 Huida", "hit@1 BM25",
                "robots below BM25"):
        table.add_column(col, justify="left" if col == "language" else "right")
    for (language, band), checks in sorted(groups.items()):
        n = sum(c.n_held for c in checks)
        ours = sum(c.hit1 * c.n_held for c in checks) / max(n, 1)
        theirs = sum(c.bm25_hit1 * c.n_held for c in checks) / max(n, 1)
        below = sum(c.hit1 < c.bm25_hit1 for c in checks)
        table.add_row(language, band, str(len(checks)), str(n), f"{ours:.3f}", f"{theirs:.3f}", str(below))
    Console(width=160).print(table)
    for line in violations[:20]:
        print(line)


if __name__ == "__main__":
    main()
