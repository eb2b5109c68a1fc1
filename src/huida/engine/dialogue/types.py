"""Values the policy reads and returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from huida.engine.candidate import Candidate as Candidate  # re-exported: t.Candidate
from huida.engine.strategies import StrategyContext

# answerType (seed 004 §1.4)
BEST_ANSWER = "BEST_ANSWER"
DEFAULT = "DEFAULT"
RECOMMEND = "RECOMMENDATE_QUESTIONS"
REPEAT = "REPEAT"
SENSITIVE = "SENSITIVE_WORD_INTERCEPTION"
WELCOME = "WELCOME"

# answerSource
SOURCE_RULE = "RULE"
SOURCE_MENU = "MENU"
SOURCE_HUMAN = "HUMAN"
SOURCE_HUMAN_FIRST_ROUND = "HUMAN_FIRST_ROUND"
SOURCE_REPEAT = "REPEAT"
SOURCE_DEFAULT = "DEFAULT"
SOURCE_FREECHAT = "FREECHAT"
SOURCE_RECOMMEND = "RECOMMENDATE"
SOURCE_NEG_SENTIMENT = "NEG_SENTIMENT"

# subType
SUB_DEFAULT = "DEFAULT"
SUB_HUMAN_INTENTION = "HUMAN_INTENTION"
SUB_HUMAN_MENU_CLICK = "HUMAN_MENU_CLICK"
SUB_HUMAN_DEFAULT_CLICK = "HUMAN_DEFAULT_CLICK"
SUB_HUMAN_CLICK = "HUMAN_CLICK"  # a transfer button under another reply (repeat, negative sentiment)
SUB_HUMAN_CUSTOM = "HUMAN_CUSTOM"  # a transfer keyword the robot's operator added to the defaults

MENU_TRANSFER_PREFIX = "MenuBtn-TransferToHuman-"
DEFAULT_TRANSFER_PREFIX = "DefaultBtn-TransferToHuman-"
CLICK_TRANSFER_PREFIX = "Btn-TransferToHuman-"
TRANSFER_PREFIXES = (MENU_TRANSFER_PREFIX, DEFAULT_TRANSFER_PREFIX, CLICK_TRANSFER_PREFIX)


@dataclass(frozen=True)
class Turn:
    """What the visitor sent."""

    kind: str  # "TEXT" or "MENU_CLICK"
    question: str
    knowledge_id: str | None = None


@dataclass(frozen=True)
class SessionView:
    """What the policy needs to know about the conversation so far."""

    is_first_question: bool = True
    recent_questions: tuple[str, ...] = ()  # normalised, oldest first, this turn excluded
    last_menu: tuple[tuple[str, str], ...] = ()  # (knowledgeId, text) of the last menu/recommend shown


@dataclass(frozen=True)
class AnswerView:
    id: str
    type: str
    answer: str
    content: dict[str, Any] | None
    strategies: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class RuleView:
    rule_id: str
    standard_question: str
    answers: tuple[AnswerView, ...]
    status: str = "ENABLE"
    enable_time: int = 0
    disable_time: int = 4102444800000
    send_all: bool = False  # every answer the strategies allow is sent together (seed 004 `group`)

    def answerable_at(self, now_ms: int) -> bool:
        return self.status == "ENABLE" and self.enable_time <= now_ms < self.disable_time


class Knowledge(Protocol):
    """A robot's knowledge as the policy sees it."""

    def rule(self, rule_id: str) -> RuleView | None: ...

    def search(self, question: str, k: int) -> Sequence[Candidate]: ...


@dataclass(frozen=True)
class SmallTalk:
    patterns: tuple[str, ...]
    reply: str


@dataclass(frozen=True)
class PolicyConfig:
    """The robot settings the policy uses (built from RobotSettings by the conversation service)."""

    answer_threshold: float = 0.8
    recommend_threshold: float = 0.5
    recommend_max: int = 5
    repeat_limit: int = 3
    human_keywords: tuple[str, ...] = ()
    custom_human_keywords: tuple[str, ...] = ()  # those of human_keywords the operator added (HUMAN_CUSTOM)
    sensitive_words: tuple[str, ...] = ()
    negative_sentiment: bool = True
    small_talk: tuple[SmallTalk, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The policy's verdict; the conversation service renders it into the seed's content."""

    answer_type: str
    answer_source: str
    sub_type: str = SUB_DEFAULT
    rule: RuleView | None = None
    answer: AnswerView | None = None  # the answer given (the first, when several are sent together)
    more_answers: tuple[AnswerView, ...] = ()  # the others sent with it (a rule that sends all its answers)
    recommendations: tuple[Candidate, ...] = ()
    text: str | None = None  # small-talk reply text
    reply_kind: str | None = None  # which configured text: "sensitive", "repeat", "negative", "default"
    transfer: bool = False  # a transfer-to-human answer (handover starts)
    sentiment_labels: tuple[str, ...] = ()
    score: float | None = None
    candidates: tuple[Candidate, ...] = field(default=())


@dataclass(frozen=True)
class Situation:
    """Everything one decision depends on."""

    turn: Turn
    normalized: str
    session: SessionView
    config: PolicyConfig
    knowledge: Knowledge
    strategy_context: StrategyContext
    now_ms: int
