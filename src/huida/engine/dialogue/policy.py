"""Decide the reply: the steps of issue #3, in order, each a small function that decides or passes.

    1. (the session is the caller's business)
    2. menu clicks, transfer buttons, and menu item texts sent as questions
    3. sensitive words            -> SENSITIVE_WORD_INTERCEPTION
    4. an explicit ask for a person -> HUMAN
    5. the same question N times  -> REPEAT
    6. strong negative sentiment  -> NEG_SENTIMENT (unless a rule was written for exactly that question)
    7. a stored question asked word for word -> that rule's answer (several rules own it: recommend them)
    8. a match above the answer threshold    -> the rule's answer
    9. small talk                 -> FREECHAT (a greeting is not a reason to recommend rules)
   10. a match above the recommend threshold -> RECOMMENDATE_QUESTIONS
   11. otherwise                  -> DEFAULT
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import replace

from huida.engine.dialogue import types as t
from huida.engine.dialogue.intents import asks_for_human
from huida.engine.dialogue.repeat import is_repeat
from huida.engine.dialogue.sensitive import find_sensitive
from huida.engine.dialogue.sentiment import VERY_NEGATIVE, sentiment_labels
from huida.engine.dialogue.smalltalk import small_talk_reply
from huida.engine.strategies import allowed_answers, choose_answer
from huida.engine.text import normalize

SEARCH_DEPTH = 10  # candidates fetched per question: enough to skip rules outside their time window


def default_reply(kind: str = "default") -> t.Decision:
    return t.Decision(t.DEFAULT, t.SOURCE_DEFAULT, reply_kind=kind)


def rule_reply(s: t.Situation, rule: t.RuleView, source: str, score: float | None = None,
               rng: random.Random | None = None) -> t.Decision:
    """The rule's answer chosen by the §9.4 strategy rules; DEFAULT when every answer is ruled out."""
    if rule.send_all:
        chosen = allowed_answers(rule.answers, lambda a: a.strategies, s.strategy_context)
    else:
        one = choose_answer(rule.answers, lambda a: a.strategies, s.strategy_context, rng)
        chosen = [one] if one is not None else []
    if not chosen:
        return default_reply()
    answer, *more = chosen
    return t.Decision(t.BEST_ANSWER, source, rule=rule, answer=answer, more_answers=tuple(more),
                      transfer=any(a.type == "HUMAN" for a in chosen), score=score)


def _transfer(sub_type: str, source: str = t.SOURCE_HUMAN) -> t.Decision:
    return t.Decision(t.BEST_ANSWER, source, sub_type, transfer=True)


TRANSFER_BUTTONS = {
    t.MENU_TRANSFER_PREFIX: t.SUB_HUMAN_MENU_CLICK,
    t.DEFAULT_TRANSFER_PREFIX: t.SUB_HUMAN_DEFAULT_CLICK,
    t.CLICK_TRANSFER_PREFIX: t.SUB_HUMAN_CLICK,
}


def menu_step(s: t.Situation) -> t.Decision | None:
    if s.turn.kind == "MENU_CLICK":
        knowledge_id = s.turn.knowledge_id or ""
        for prefix, sub_type in TRANSFER_BUTTONS.items():
            if knowledge_id.startswith(prefix):
                return _transfer(sub_type)
        rule = _live_rule(s, knowledge_id)
        return rule_reply(s, rule, t.SOURCE_MENU) if rule else default_reply()
    # §1.4.2: an item of the menu just shown, typed instead of clicked.
    target = next((kid for kid, text in s.session.last_menu if normalize(text) == s.normalized), None)
    rule = _live_rule(s, target)
    return rule_reply(s, rule, t.SOURCE_MENU) if rule else None


def _live_rule(s: t.Situation, rule_id: str | None) -> t.RuleView | None:
    """The rule, if it may answer now: disabled rules and rules outside their window never answer."""
    rule = s.knowledge.rule(rule_id) if rule_id else None
    return rule if rule is not None and rule.answerable_at(s.now_ms) else None


def sensitive_step(s: t.Situation) -> t.Decision | None:
    if find_sensitive(s.normalized, s.config.sensitive_words):
        return t.Decision(t.SENSITIVE, t.SOURCE_DEFAULT, reply_kind="sensitive")
    return None


def human_step(s: t.Situation) -> t.Decision | None:
    if not asks_for_human(s.normalized, s.config.human_keywords):
        return None
    source = t.SOURCE_HUMAN_FIRST_ROUND if s.session.is_first_question else t.SOURCE_HUMAN
    custom = asks_for_human(s.normalized, s.config.custom_human_keywords)
    return _transfer(t.SUB_HUMAN_CUSTOM if custom else t.SUB_HUMAN_INTENTION, source)


def repeat_step(s: t.Situation) -> t.Decision | None:
    if is_repeat(s.normalized, s.session.recent_questions, s.config.repeat_limit):
        return t.Decision(t.REPEAT, t.SOURCE_REPEAT, reply_kind="repeat")
    return None


def _answers_exactly(s: t.Situation) -> bool:
    """The question is word for word one of a live rule's own questions (and of that rule only)."""
    exact = [c for c, _ in answerable(s, s.knowledge.search(s.turn.question, SEARCH_DEPTH)) if c.exact]
    return len(exact) == 1


def sentiment_step(s: t.Situation) -> t.Decision | None:
    if not s.config.negative_sentiment or VERY_NEGATIVE not in sentiment_labels(s.normalized, s.turn.question):
        return None
    # A rule the operator wrote for exactly this question ("我要投诉") answers it, not the generic reply.
    if _answers_exactly(s):
        return None
    return t.Decision(t.BEST_ANSWER, t.SOURCE_NEG_SENTIMENT, reply_kind="negative", sentiment_labels=(VERY_NEGATIVE,))


BEFORE_MATCHING: tuple[Callable[[t.Situation], t.Decision | None], ...] = (
    menu_step, sensitive_step, human_step, repeat_step, sentiment_step,
)


Found = list[tuple[t.Candidate, t.RuleView]]  # candidates whose rule may answer now, with that rule


def answerable(s: t.Situation, candidates: Sequence[t.Candidate]) -> Found:
    """Candidates whose rule exists and may answer now (enabled, inside its time window)."""
    out = []
    for candidate in candidates:
        rule = s.knowledge.rule(candidate.rule_id)
        if rule is not None and rule.answerable_at(s.now_ms):
            out.append((candidate, rule))
    return out


def match_verdict(top_score: float | None, config: t.PolicyConfig) -> str:
    """BEST_ANSWER, RECOMMENDATE_QUESTIONS or DEFAULT for the best candidate's score."""
    if top_score is not None and top_score >= config.answer_threshold:
        return t.BEST_ANSWER
    if top_score is not None and top_score >= config.recommend_threshold:
        return t.RECOMMEND
    return t.DEFAULT


def recommendations(s: t.Situation, found: Found) -> tuple[t.Candidate, ...]:
    picked = [(c, rule) for c, rule in found if c.score >= s.config.recommend_threshold][: s.config.recommend_max]
    return tuple(t.Candidate(c.rule_id, rule.standard_question, c.score) for c, rule in picked)


def exact_step(s: t.Situation, found: Found) -> t.Decision | None:
    """A stored question asked word for word answers with its rule whatever the thresholds say; filed under
    several rules, it recommends them all rather than silently picking one."""
    exact = [(c, rule) for c, rule in found if c.exact]
    if len(exact) == 1:
        candidate, rule = exact[0]
        return _rule_answer(s, candidate, rule, found)
    if exact:
        shown = tuple(t.Candidate(c.rule_id, rule.standard_question, c.score, True) for c, rule in exact)
        return t.Decision(t.RECOMMEND, t.SOURCE_RECOMMEND, recommendations=shown[: s.config.recommend_max],
                          score=exact[0][0].score, candidates=_of(found))
    return None


def answer_step(s: t.Situation, found: Found) -> t.Decision | None:
    if found and match_verdict(found[0][0].score, s.config) == t.BEST_ANSWER:
        candidate, rule = found[0]
        return _rule_answer(s, candidate, rule, found)
    return None


def recommend_step(s: t.Situation, found: Found) -> t.Decision | None:
    if found and match_verdict(found[0][0].score, s.config) == t.RECOMMEND:
        return t.Decision(t.RECOMMEND, t.SOURCE_RECOMMEND, recommendations=recommendations(s, found),
                          score=found[0][0].score, candidates=_of(found))
    return None


def _rule_answer(s: t.Situation, candidate: t.Candidate, rule: t.RuleView, found: Found) -> t.Decision:
    return replace(rule_reply(s, rule, t.SOURCE_RULE, candidate.score), candidates=_of(found))


def _of(found: Found) -> tuple[t.Candidate, ...]:
    return tuple(c for c, _ in found)


def small_talk_step(s: t.Situation, found: Found | None = None) -> t.Decision | None:
    entry = small_talk_reply(s.turn.question, s.normalized, s.config.small_talk)
    return t.Decision(t.BEST_ANSWER, t.SOURCE_FREECHAT, text=entry.reply) if entry else None


# After the steps that need no matching: the order in which a match, small talk and doubt are weighed.
AFTER_MATCHING: tuple[Callable[[t.Situation, Found], t.Decision | None], ...] = (
    exact_step, answer_step, small_talk_step, recommend_step,
)


def decide(s: t.Situation) -> t.Decision:
    """The reply for one turn."""
    if s.turn.kind == "TEXT" and not s.normalized:  # nothing to match; 👍 or :) is still small talk
        return small_talk_step(s) or default_reply()
    for step in BEFORE_MATCHING:
        decision = step(s)
        if decision is not None:
            return decision
    found = answerable(s, s.knowledge.search(s.turn.question, SEARCH_DEPTH))
    for matched in AFTER_MATCHING:
        decision = matched(s, found)
        if decision is not None:
            return decision
    return default_reply()
