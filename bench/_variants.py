"""Out-of-scope-heavy variants of a task: rules left out of the knowledge, their queries expecting no answer.

Real traffic holds many questions a robot's knowledge cannot answer (35-70% on live customer-service
bots); the visible tasks hold 0-20%. Leaving a random share of rules out turns their queries into
out-of-scope ones, at the share asked for, without inventing any text.
"""

from __future__ import annotations

import random
from dataclasses import replace

from huida.engine.matcher import KnowledgeItem
from huida.engine.metrics import LabelledQuery


def oos_variant(items: list[KnowledgeItem], queries: list[LabelledQuery], share: float,
                seed: int = 0) -> tuple[list[KnowledgeItem], list[LabelledQuery]]:
    """The knowledge without enough rules that at least `share` of the queries are out of scope."""
    rng = random.Random(seed)
    by_rule: dict[str, int] = {}
    for q in queries:
        if q.expect is not None:
            by_rule[q.expect] = by_rule.get(q.expect, 0) + 1
    out = sum(q.expect is None for q in queries)
    order = sorted(by_rule)
    rng.shuffle(order)
    left_out: set[str] = set()
    for rule_id in order:
        if out >= share * len(queries) or len(left_out) + 2 > len(items):
            break
        left_out.add(rule_id)
        out += by_rule[rule_id]
    kept = [item for item in items if item.rule_id not in left_out]
    relabelled = [replace(q, expect=None) if q.expect in left_out else q for q in queries]
    return kept, relabelled
