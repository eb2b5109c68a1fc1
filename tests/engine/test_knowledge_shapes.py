"""Property tests over knowledge shapes (issue 13): robots of random, uneven shapes drawn from the visible
tasks keep the invariants, and rank their held-out questions no worse than BM25. A bounded, seeded set;
`bench/shapes.py` runs the larger sweep. Needs ../shared/data (skipped with the reason without it)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "faq"
if not (DATA / "bq-train" / "kb.jsonl").exists():
    pytest.skip(f"benchmark data not found at {DATA} (it sits beside the project)", allow_module_level=True)
sys.path.insert(0, str(BENCH))

from _shapes import check_robot, draw_robot  # noqa: E402

pytest.importorskip("rank_bm25")


@pytest.mark.parametrize("seed", range(8))
def test_a_robot_of_a_random_shape_keeps_the_invariants(seed: int) -> None:
    robot = draw_robot(random.Random(seed), max_rules=300)
    check = check_robot(robot, max_asked=150)
    assert check.violations == [], robot.describe()
    # No worse than BM25 on its held-out questions, give or take one question of noise.
    assert check.hit1 * check.n_held >= check.bm25_hit1 * check.n_held - 1, robot.describe()
