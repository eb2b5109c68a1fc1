"""The shapes a rule takes on the way in: the seed's rule object, or the simple FAQ line.

Validation that needs no database happens here; references (media, articles, menu targets,
categories) are checked by `references.py` against the robot's data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from huida.engine.strategies import StrategyError, normalize_strategies
from huida.knowledge.models import FOREVER_MS
from huida.knowledge.similar import DroppedQuestion, dedupe_questions, question_keys

RULE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ANSWER_TYPES = ("TEXT", "PIC", "NEWS", "MENU", "HUMAN", "VIDEO", "AUDIO")
AnswerType = Literal["TEXT", "PIC", "NEWS", "MENU", "HUMAN", "VIDEO", "AUDIO"]
MAX_QUESTION = 2000
MAX_ANSWER = 20000
MAX_TIME_MS = 253402300799999  # 9999-12-31T23:59:59.999Z; larger values do not fit a database integer
CategoryName = Annotated[str, Field(max_length=200)]


def _finite(value: Any) -> Any:
    """Free-form JSON must be real JSON: NaN and Infinity cannot be stored, exported or sent on."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite (NaN and Infinity are not JSON)")
    if isinstance(value, dict):
        for item in value.values():
            _finite(item)
    elif isinstance(value, list):
        for item in value:
            _finite(item)
    return value


FreeJson = Annotated[dict[str, Any], AfterValidator(_finite)]


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    question: str
    attributes: FreeJson = Field(default_factory=dict)


class MenuItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    knowledgeId: str = Field(min_length=1, max_length=64)
    text: str | None = Field(None, max_length=200)


class MenuContent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field("", max_length=500)
    items: list[MenuItem] = Field(min_length=1, max_length=50)
    transferToHuman: bool = False


class HumanContent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    transferPrompt: str | None = Field(None, max_length=2000)
    enableTransferPrompt: bool = True
    properties: dict[str, str] = Field(default_factory=dict)


class MediaContent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mediaId: str = Field(min_length=1, max_length=64)


class NewsContent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articleIds: list[str] = Field(min_length=1, max_length=8)
    showDirectly: bool = False
    cardViewOption: str | None = Field(None, max_length=50)


class LinkContent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mediaId: str | None = Field(None, max_length=64)
    url: str | None = Field(None, max_length=2000)

    @model_validator(mode="after")
    def _one_source(self) -> LinkContent:
        if not self.mediaId and not self.url:
            raise ValueError("needs mediaId or url")
        return self


CONTENT_MODELS: dict[str, type[BaseModel]] = {
    "PIC": MediaContent, "NEWS": NewsContent, "MENU": MenuContent, "HUMAN": HumanContent,
    "VIDEO": LinkContent, "AUDIO": LinkContent,
}


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: AnswerType = "TEXT"
    answer: str | None = Field(None, max_length=MAX_ANSWER)
    content: dict[str, Any] | None = None
    display: str | None = Field(None, max_length=MAX_ANSWER)
    strategies: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("type", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check(self) -> AnswerIn:
        if self.type == "TEXT":
            if not (self.answer or "").strip():
                raise ValueError("a TEXT answer needs a non-empty answer")
            self.content = None
        else:
            if self.content is None and self.type in ("PIC", "VIDEO", "AUDIO") and self.answer:
                self.content = {"mediaId": self.answer}
            if self.content is None:
                raise ValueError(f"a {self.type} answer needs content")
            self.content = CONTENT_MODELS[self.type].model_validate(self.content).model_dump(exclude_none=True)
        try:
            self.strategies = normalize_strategies(self.strategies)
        except StrategyError as exc:
            raise ValueError(str(exc)) from exc
        return self


class RuleIn(BaseModel):
    """A rule as clients send it: the seed's read shape is accepted back, derived fields ignored."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    questions: list[str | QuestionIn] = Field(min_length=1, max_length=1000)
    answers: list[AnswerIn] | None = Field(None, min_length=1, max_length=50)
    answer: str | None = Field(None, max_length=MAX_ANSWER)  # the simple FAQ line's single text answer
    categoryIds: list[str] | None = Field(None, max_length=20)
    category: str | None = Field(None, max_length=200)  # a category *name* (FAQ line / import)
    categories: list[CategoryName] | None = Field(None, max_length=20)  # category names (export format)
    status: Literal["ENABLE", "DISABLE"] = "ENABLE"
    enableTime: int = Field(0, ge=0, le=MAX_TIME_MS)
    disableTime: int = Field(FOREVER_MS, ge=0, le=MAX_TIME_MS)
    strategyGroupId: str | None = Field(None, max_length=64)
    extInfo: FreeJson = Field(default_factory=dict)
    topic: str | None = Field(None, max_length=200)
    answerMode: Literal["ONE", "ALL"] = "ONE"  # ALL: every answer sent together (seed 004 `group`)

    @field_validator("id")
    @classmethod
    def _rule_id(cls, value: str | None) -> str | None:
        if value is not None and not RULE_ID.match(value):
            raise ValueError("id must be 1-64 letters, digits, '-' or '_'")
        return value

    @field_validator("status", "answerMode", mode="before")
    @classmethod
    def _status_upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("questions")
    @classmethod
    def _questions(cls, values: list[str | QuestionIn]) -> list[str | QuestionIn]:
        # Repeated (similar) questions are no error: `to_draft` keeps the first and says which it dropped.
        for value in values:
            text = (value if isinstance(value, str) else value.question).strip()
            if not text:
                raise ValueError("questions must not be empty")
            if len(text) > MAX_QUESTION:
                raise ValueError(f"a question is longer than {MAX_QUESTION} characters")
        return values

    @model_validator(mode="after")
    def _check(self) -> RuleIn:
        if self.answers is None:
            if not (self.answer or "").strip():
                raise ValueError("a rule needs answers (or a text answer)")
            self.answers = [AnswerIn(type="TEXT", answer=self.answer)]
        if self.enableTime >= self.disableTime:
            raise ValueError("enableTime must be before disableTime")
        return self


@dataclass
class AnswerDraft:
    type: str
    answer: str
    content: dict[str, Any] | None
    display: str | None
    strategies: list[dict[str, Any]]


@dataclass
class RuleDraft:
    """A validated rule, ready to be written; categories are ids and/or names to resolve."""

    rule_id: str | None
    questions: list[tuple[str, dict[str, Any]]]
    answers: list[AnswerDraft]
    category_ids: list[str] = field(default_factory=list)
    category_names: list[str] = field(default_factory=list)
    status: str = "ENABLE"
    enable_time: int = 0
    disable_time: int = FOREVER_MS
    strategy_group_id: str | None = None
    ext_info: dict[str, Any] = field(default_factory=dict)
    topic: str | None = None
    answer_mode: str = "ONE"
    question_keys: list[str] = field(default_factory=list)  # similar.question_keys of `questions`, if known
    dropped_questions: list[DroppedQuestion] = field(default_factory=list)  # repeats left out by to_draft


def _answer_text(answer: AnswerIn) -> str:
    """The `answer` string the seed shows in answersArray: the text, or a short description."""
    if answer.type == "TEXT":
        return (answer.answer or "").strip()
    if answer.answer:
        return answer.answer
    content = answer.content or {}
    return {
        "PIC": lambda: content.get("mediaId", ""),
        "NEWS": lambda: ",".join(content.get("articleIds", [])),
        "MENU": lambda: content.get("title", ""),
        "HUMAN": lambda: content.get("transferPrompt") or "",
    }.get(answer.type, lambda: content.get("mediaId") or content.get("url") or "")()


def _questions_of(rule: RuleIn) -> list[tuple[str, dict[str, Any]]]:
    return [(q.strip(), {}) if isinstance(q, str) else (q.question.strip(), q.attributes) for q in rule.questions]


def to_draft(rule: RuleIn) -> RuleDraft:
    """The rule to write; a question repeating an earlier one of the rule (similar.py) is kept once."""
    return _draft(rule, _questions_of(rule), None)


def to_drafts(rules: Sequence[RuleIn]) -> list[RuleDraft]:
    """`to_draft` of each rule; the keys of all their questions computed in one go (much faster, for imports)."""
    questions = [_questions_of(rule) for rule in rules]
    keys = iter(question_keys([text for listed in questions for text, _ in listed]))
    return [_draft(rule, listed, [next(keys) for _ in listed]) for rule, listed in zip(rules, questions, strict=True)]


def _draft(rule: RuleIn, given: list[tuple[str, dict[str, Any]]], keys: list[str] | None) -> RuleDraft:
    questions, keys, dropped = dedupe_questions(given, keys)
    names = [n.strip() for n in (rule.categories or []) if n.strip()]
    if rule.category and rule.category.strip():
        names.insert(0, rule.category.strip())
    return RuleDraft(
        rule_id=rule.id,
        questions=questions,
        answers=[AnswerDraft(a.type, _answer_text(a), a.content, a.display, a.strategies) for a in rule.answers or []],
        category_ids=list(dict.fromkeys(rule.categoryIds or [])),
        category_names=list(dict.fromkeys(names)),
        status=rule.status,
        enable_time=rule.enableTime,
        disable_time=rule.disableTime,
        strategy_group_id=rule.strategyGroupId,
        ext_info=rule.extInfo,
        topic=rule.topic,
        answer_mode=rule.answerMode,
        question_keys=keys,
        dropped_questions=dropped,
    )
