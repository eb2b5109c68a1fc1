"""Knowledge health: what an admin should fix in a robot's FAQ rules (pure: rules and a search function in).

Four findings, each computed from plain values so that the API, the CLI and the benchmark share them:

1. the same question (normalised, spaces and punctuation ignored) filed under more than one rule;
2. pairs of enabled rules that overlap: a question of one matches the other at or above the answer
   threshold, so the robot cannot tell them apart (suggestion: merge);
3. enabled rules with only one question (suggestion: add similar questions);
4. enabled rules not hit in the last N days (never hit counts, however new the rule).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from huida.engine.matcher.exact import exact_key
from huida.engine.text import normalize

DAY_MS = 86_400_000
DEFAULT_DAYS = 30
MAX_QUESTIONS = 5000  # overlap search: at most this many questions (a deterministic sample beyond)
SEARCH_K = 5
LIST_CAP = 100  # items shown per finding; totals are always complete
SAMPLE_SEED = 0


class Scored(Protocol):
    @property
    def rule_id(self) -> str: ...

    @property
    def score(self) -> float: ...


class HasQuestions(Protocol):
    @property
    def rule_id(self) -> str: ...

    @property
    def questions(self) -> tuple[str, ...]: ...


Search = Callable[[str, int], Sequence[Scored]]


@dataclass(frozen=True, slots=True)
class RuleFacts:
    """What health needs to know about one rule (questions: standard first)."""

    rule_id: str
    questions: tuple[str, ...]
    enabled: bool = True
    hit_count: int = 0
    last_hit_time: int | None = None  # epoch ms
    create_time: int = 0  # epoch ms

    @property
    def standard_question(self) -> str:
        return self.questions[0] if self.questions else ""


@dataclass(frozen=True, slots=True)
class DuplicateQuestion:
    question: str  # the text as first filed
    rule_ids: tuple[str, ...]  # in rule order


@dataclass(slots=True)
class OverlapPair:
    rule_ids: tuple[str, str]  # in rule order
    crossing: int = 0  # questions of either rule that match the other at or above the threshold
    best_score: float = 0.0
    example_question: str = ""
    example_rule_id: str = ""  # the rule the example question belongs to


@dataclass(frozen=True, slots=True)
class Overlaps:
    pairs: list[OverlapPair]
    questions_total: int
    questions_checked: int
    threshold: float

    @property
    def sampled(self) -> bool:
        return self.questions_checked < self.questions_total


def question_key(text: str) -> str:
    """The identity of a question: the project's normalisation, spaces (and so punctuation) ignored."""
    return exact_key(normalize(text))


def duplicate_questions(rules: Iterable[HasQuestions]) -> list[DuplicateQuestion]:
    """Questions filed under more than one rule, in the order they were first filed."""
    owners: dict[str, list[str]] = {}
    first_text: dict[str, str] = {}
    for rule in rules:
        for question in rule.questions:
            key = question_key(question)
            if not key:
                continue
            first_text.setdefault(key, question)
            ids = owners.setdefault(key, [])
            if rule.rule_id not in ids:
                ids.append(rule.rule_id)
    return [DuplicateQuestion(first_text[key], tuple(ids)) for key, ids in owners.items() if len(ids) > 1]


def _sample(total: int, limit: int) -> list[int]:
    if total <= limit:
        return list(range(total))
    return sorted(random.Random(SAMPLE_SEED).sample(range(total), limit))


def _questions(rules: Sequence[HasQuestions]) -> list[tuple[str, str, str]]:
    """(rule id, question, key) of every distinct question of every rule, in rule order."""
    out = []
    for rule in rules:
        seen: set[str] = set()
        for question in rule.questions:
            key = question_key(question)
            if key and key not in seen:
                seen.add(key)
                out.append((rule.rule_id, question, key))
    return out


def overlapping_pairs(rules: Sequence[HasQuestions], search: Search, threshold: float, *,
                      max_questions: int = MAX_QUESTIONS, k: int = SEARCH_K) -> Overlaps:
    """Pairs of `rules` (the enabled ones) where a question of one scores >= `threshold` for the other.

    Each question is searched (top `k`); the question's own rule is skipped wherever it ranks, and so is
    a rule that files the very same question (that is a duplicate, reported by `duplicate_questions`).
    Beyond `max_questions`, a deterministic sample of the questions is searched."""
    order = {rule.rule_id: i for i, rule in enumerate(rules)}
    questions = _questions(rules)
    owners: dict[str, set[str]] = {}
    for rule_id, _, key in questions:
        owners.setdefault(key, set()).add(rule_id)
    pairs: dict[tuple[str, str], OverlapPair] = {}
    picked = _sample(len(questions), max_questions)
    for index in picked:
        rule_id, question, key = questions[index]
        crossed: set[tuple[str, str]] = set()
        for candidate in search(question, k):
            other = candidate.rule_id
            if other == rule_id or other not in order or other in owners[key] or candidate.score < threshold:
                continue
            ids = (rule_id, other) if order[rule_id] < order[other] else (other, rule_id)
            pair = pairs.setdefault(ids, OverlapPair(ids))
            if ids not in crossed:  # one question counts once per pair, whatever k shows
                crossed.add(ids)
                pair.crossing += 1
            if candidate.score > pair.best_score:
                pair.best_score, pair.example_question, pair.example_rule_id = candidate.score, question, rule_id
    ranked = sorted(pairs.values(), key=lambda p: (-p.crossing, -p.best_score, order[p.rule_ids[0]],
                                                   order[p.rule_ids[1]]))
    return Overlaps(ranked, len(questions), len(picked), threshold)


def single_question_rules(rules: Iterable[RuleFacts]) -> list[RuleFacts]:
    """Enabled rules with one question (after normalisation): they need similar questions to be found."""
    return [r for r in rules if r.enabled and len({question_key(q) for q in r.questions} - {""}) == 1]


def never_hit_rules(rules: Iterable[RuleFacts], now_ms: int, days: int) -> list[RuleFacts]:
    """Enabled rules without a hit since `days` days ago, never-hit first, then the longest unhit."""
    since = now_ms - days * DAY_MS
    stale = [r for r in rules if r.enabled and (r.last_hit_time is None or r.last_hit_time < since)]
    return sorted(stale, key=lambda r: (r.last_hit_time is not None, r.last_hit_time or 0, r.create_time))


@dataclass(frozen=True)
class HealthInput:
    """Everything a report is made of; `search` and `threshold` are the robot's own matcher and answer threshold."""

    rules: Sequence[RuleFacts]
    search: Search
    threshold: float
    now_ms: int
    days: int = DEFAULT_DAYS
    limit: int = LIST_CAP
    max_questions: int = MAX_QUESTIONS
    extra: dict[str, Any] = field(default_factory=dict)  # fields added to the report as they are (robotId ...)


def health_report(given: HealthInput) -> dict[str, Any]:
    """The report (camelCase, lists capped at `limit` with complete totals)."""
    rules = list(given.rules)
    enabled = [r for r in rules if r.enabled and r.questions]
    duplicates = duplicate_questions(rules)
    overlaps = overlapping_pairs(enabled, given.search, given.threshold, max_questions=given.max_questions)
    singles = single_question_rules(rules)
    stale = never_hit_rules(rules, given.now_ms, given.days)
    by_id = {r.rule_id: r for r in rules}
    cap = given.limit
    summary = {
        "rules": len(rules), "enabledRules": len(enabled), "questions": sum(len(r.questions) for r in rules),
        "duplicateQuestions": len(duplicates), "overlappingPairs": len(overlaps.pairs),
        "singleQuestionRules": len(singles), "neverHitRules": len(stale),
        "questionsChecked": overlaps.questions_checked, "sampled": overlaps.sampled,
    }
    return {
        **given.extra, "generatedAt": given.now_ms, "days": given.days, "answerThreshold": round(given.threshold, 6),
        "summary": summary,
        "duplicateQuestions": _section(duplicates, cap, lambda d: _duplicate_entity(d, by_id),
                                       "Keep each question under one rule."),
        "overlappingPairs": {
            **_section(overlaps.pairs, cap, lambda p: _pair_entity(p, by_id),
                       "The robot cannot tell these rules apart: merge them, or reword their questions."),
            "sampled": overlaps.sampled, "questionsChecked": overlaps.questions_checked,
            "questionsTotal": overlaps.questions_total},
        "singleQuestionRules": _section(singles, cap, lambda r: _rule_entity(r, "addSimilarQuestions"),
                                        "Add similar questions (how visitors really ask) to these rules."),
        "neverHitRules": _section(stale, cap, lambda r: _stale_entity(r),
                                  f"Not answered in the last {given.days} days: check their wording, or disable them."),
    }


def _section(items: Sequence[Any], cap: int, entity: Callable[[Any], dict[str, Any]], advice: str) -> dict[str, Any]:
    return {"total": len(items), "items": [entity(item) for item in items[:cap]], "advice": advice}


def _brief(rule_id: str, by_id: dict[str, RuleFacts]) -> dict[str, Any]:
    rule = by_id.get(rule_id)
    return {"ruleId": rule_id, "standardQuestion": rule.standard_question if rule else None,
            "enabled": rule.enabled if rule else None}


def _duplicate_entity(d: DuplicateQuestion, by_id: dict[str, RuleFacts]) -> dict[str, Any]:
    return {"question": d.question, "ruleIds": list(d.rule_ids), "rules": [_brief(r, by_id) for r in d.rule_ids],
            "suggestion": "keepOne"}


def _pair_entity(p: OverlapPair, by_id: dict[str, RuleFacts]) -> dict[str, Any]:
    return {"ruleIds": list(p.rule_ids), "rules": [_brief(r, by_id) for r in p.rule_ids],
            "crossingQuestions": p.crossing, "bestScore": round(p.best_score, 6),
            "exampleQuestion": p.example_question, "exampleRuleId": p.example_rule_id, "suggestion": "merge"}


def _rule_entity(r: RuleFacts, suggestion: str) -> dict[str, Any]:
    return {"ruleId": r.rule_id, "standardQuestion": r.standard_question, "questions": len(r.questions),
            "suggestion": suggestion}


def _stale_entity(r: RuleFacts) -> dict[str, Any]:
    return {**_rule_entity(r, "review"), "hitCount": r.hit_count, "lastHitTime": r.last_hit_time,
            "createTime": r.create_time}
