"""Benchmark data, read in place from ../shared/data (licences forbid copying it into the project)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from huida.engine.matcher import KnowledgeItem
from huida.engine.metrics import LabelledQuery

DATA = Path(os.environ.get("HUIDA_BENCH_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
FAQ = DATA / "faq"
PAIRS = DATA / "pairs"


def tasks() -> list[str]:
    return sorted(p.name for p in FAQ.iterdir() if (p / "kb.jsonl").exists())


def load_kb(task: str) -> list[KnowledgeItem]:
    with open(FAQ / task / "kb.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [KnowledgeItem(str(r["id"]), tuple(r["questions"])) for r in rows]


def load_queries(task: str) -> list[LabelledQuery]:
    with open(FAQ / task / "queries.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [LabelledQuery(r["text"], r["expect"]) for r in rows]
