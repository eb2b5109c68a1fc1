"""Robots of random, uneven shapes drawn from the visible tasks, and the invariants every robot must keep.

Real FAQ knowledge is uneven: a few rules carry dozens of similar questions, many carry one or two, some
questions repeat inside a rule, some are filed under two rules, some are one word. `draw_robot` makes such
robots from the tasks' own questions (3 to 2,000 rules; 1 to 60 questions a rule; Chinese or English) and
keeps one unused similar question of some rules as a held-out query. `check_robot` builds Huida's matcher
and BM25 on the same knowledge and reports invariant violations and both hit@1 on the held-out queries.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from _data import load_kb
from _recipes import bm25_jieba
from huida.engine.matcher import KnowledgeItem, MatcherOptions, build_matcher
from huida.engine.matcher.exact import EXACT_SCORE, exact_key
from huida.engine.metrics import threshold_decider
from huida.engine.text import normalize

LANGUAGES = {"zh": ("bq-train", "lcqmc-dev"), "en": ("clinc150-val", "banking77")}
ONE_WORD = {"zh": ("退款", "你好", "不是", "发票", "人工"), "en": ("Hi", "No", "refund", "help", "card")}


@dataclass
class Robot:
    language: str
    items: list[KnowledgeItem]
    held_out: list[tuple[str, str]] = field(default_factory=list)  # (question, right rule)

    def describe(self) -> str:
        sizes = sorted(len(i.questions) for i in self.items)
        return f"{self.language} {len(self.items)} rules, {sizes[0]}-{sizes[-1]} questions a rule"


def _pools() -> dict[str, list[KnowledgeItem]]:
    pools = {}
    for language, names in LANGUAGES.items():
        pools[language] = [item for name in names for item in load_kb(name) if len(item.questions) >= 1]
    return pools


_POOLS: dict[str, list[KnowledgeItem]] | None = None


def pools() -> dict[str, list[KnowledgeItem]]:
    global _POOLS
    if _POOLS is None:
        _POOLS = _pools()
    return _POOLS


def _size(rng: random.Random) -> int:
    """Uneven: most rules carry a few questions, some dozens (a heavy tail, 1 to 60)."""
    return min(60, max(1, int(rng.paretovariate(0.9))))


def _variant(text: str, rng: random.Random) -> str:
    """The same question as a spreadsheet repeats it: other case, spaces or punctuation."""
    return rng.choice([text.upper(), f" {text} ", f"{text}？", f"{text}!", text.replace(" ", "  ")])


def draw_robot(rng: random.Random, max_rules: int = 2000) -> Robot:
    language = rng.choice(sorted(LANGUAGES))
    pool = pools()[language]
    n_rules = min(len(pool), max_rules, int(round(3 * (max_rules / 3) ** rng.random())))
    picked = rng.sample(pool, n_rules)
    items, held = [], []
    for source in picked:
        questions = list(source.questions[: _size(rng)])
        rest = source.questions[len(questions):]
        if rest and rng.random() < 0.5:
            held.append((rest[0], source.rule_id))
        if rng.random() < 0.1:
            questions.append(_variant(rng.choice(questions), rng))  # a repeat inside the rule
        items.append(KnowledgeItem(source.rule_id, tuple(questions)))
    _file_twice(items, rng)
    _one_word_rules(items, language, rng)
    return Robot(language, items, held)


def _file_twice(items: list[KnowledgeItem], rng: random.Random) -> None:
    """A few questions filed under a second rule, as merged spreadsheets do."""
    for _ in range(rng.randint(0, max(1, len(items) // 20))):
        a, b = rng.sample(range(len(items)), 2) if len(items) > 1 else (0, 0)
        if a != b:
            items[b] = KnowledgeItem(items[b].rule_id, (*items[b].questions, rng.choice(items[a].questions)))


def _one_word_rules(items: list[KnowledgeItem], language: str, rng: random.Random) -> None:
    for i, word in enumerate(rng.sample(ONE_WORD[language], rng.randint(0, 2))):
        items.append(KnowledgeItem(f"one-word-{i}", (word,)))


@dataclass
class Check:
    violations: list[str]
    hit1: float
    bm25_hit1: float
    n_held: int


def owners(items: list[KnowledgeItem]) -> dict[str, set[str]]:
    """Exact key of every stored question -> the rules it is filed under."""
    out: dict[str, set[str]] = defaultdict(set)
    for item in items:
        for q in item.questions:
            if key := exact_key(normalize(q)):
                out[key].add(item.rule_id)
    return out


def check_robot(robot: Robot, options: MatcherOptions | None = None, max_asked: int = 300) -> Check:
    matcher = build_matcher(robot.items, options or MatcherOptions())
    t = matcher.thresholds
    decide = threshold_decider(t.answer, t.recommend, k=5)
    violations = []
    if t.answer > EXACT_SCORE:
        violations.append(f"answer threshold {t.answer} above a verbatim question's score")
    filed = owners(robot.items)
    asked = [(q, item.rule_id) for item in robot.items for q in item.questions]
    for question, _ in random.Random(0).sample(asked, min(max_asked, len(asked))):
        rules = filed.get(exact_key(normalize(question)), set())
        decision = decide(question, matcher.search(question, 10))
        expected = ("answer", rules) if len(rules) == 1 else ("recommend", rules)
        if rules and (decision.action, set(decision.rule_ids)) != expected:
            violations.append(f"{question!r} filed under {sorted(rules)}: got {decision.action} {decision.rule_ids}")
    return Check(violations, *_hit1(robot, matcher))


def _hit1(robot: Robot, matcher) -> tuple[float, float, int]:
    if not robot.held_out:
        return 1.0, 1.0, 0
    bm25 = bm25_jieba(robot.items)
    ours = sum(matcher.search(q, 1)[:1] and matcher.search(q, 1)[0].rule_id == r for q, r in robot.held_out)
    theirs = sum(bm25(q)[0].rule_id == r for q, r in robot.held_out)
    n = len(robot.held_out)
    return ours / n, theirs / n, n
