"""Per-robot settings: every text, threshold and switch of the conversation, with sensible defaults.

Stored as JSON on the robot; unknown keys are refused so that a typo is an error, not a silent no-op.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
)

from huida.engine.strategies import StrategyError, normalize_strategies
from huida.robots.smalltalk_defaults import DEFAULT_SMALL_TALK

DEFAULT_HUMAN_KEYWORDS = [
    "转人工", "人工客服", "人工服务", "找人工", "真人", "找真人", "转接人工", "人工",
    "human agent", "talk to a human", "real person", "speak to an agent", "live agent", "customer service agent",
]


def _no_blank_words(values: list[str]) -> list[str]:
    """Keyword lists match by substring: a blank entry would match every message."""
    if any(not value.strip() for value in values):
        raise ValueError("entries must not be blank")
    return values


class WelcomeVariant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=2000)
    strategies: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("strategies")
    @classmethod
    def _strategies(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        try:
            return normalize_strategies(value)
        except StrategyError as exc:
            raise ValueError(str(exc)) from exc


def _name_field() -> Any:
    return Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")


class _WithoutNulls(BaseModel):
    """Optional fields left out are left out of reads too: an entry stored before `name` existed reads back
    exactly as it was written, and a change shows only what it changes."""

    @model_serializer(mode="wrap")
    def _without_nulls(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {key: value for key, value in handler(self).items() if value is not None}


class SmallTalkEntry(_WithoutNulls):
    """One topic of small talk in one language: the whole messages it answers, and its reply."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = _name_field()  # what smallTalkExtra refers to; the defaults are all named
    patterns: list[str] = Field(min_length=1)
    reply: str = Field(min_length=1, max_length=2000)

    @field_validator("patterns")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        return _no_blank_words(value)


class SmallTalkChange(_WithoutNulls):
    """An entry of smallTalkExtra: a new entry, or a change to the smallTalk entry of the same name (only the
    fields given change; `enabled: false` switches that entry off)."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = _name_field()
    patterns: list[str] | None = Field(None, min_length=1)
    reply: str | None = Field(None, min_length=1, max_length=2000)
    enabled: bool = True

    @field_validator("patterns")
    @classmethod
    def _patterns(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _no_blank_words(value)


class RobotSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    welcomeText: str = Field("您好，我是智能客服小答，请问有什么可以帮您？", max_length=2000)
    welcomeVariants: list[WelcomeVariant] = Field(default_factory=list)
    defaultReply: str = Field("抱歉，我没能理解您的问题。您可以换个说法再问，或者转人工客服。", max_length=2000)
    transferToHumanLabel: str = Field("转人工", min_length=1, max_length=50)
    defaultReplyTransferButton: bool = True
    menuTransferButton: bool = False  # on: every menu offers the transfer button; off: menus that ask for it
    transferPrompt: str = Field("正在为您转接人工客服，请稍候。", max_length=2000)
    enableTransferPrompt: bool = True
    evaluateSwitch: bool = True
    satisfactionInvitation: bool = True
    answerThreshold: float | None = Field(None, ge=0, le=1)
    recommendThreshold: float | None = Field(None, ge=0, le=1)
    targetPrecision: float = Field(0.9, gt=0, le=1)
    # The share of visitors' questions the knowledge cannot answer at which targetPrecision must still hold
    # (live customer-service traffic: 35-70%). Lower it when the robot's traffic is mostly in scope: it
    # answers more directly (settings show expectedPrecision and expectedAnswerRate).
    outOfScopeShare: float = Field(0.7, ge=0, le=0.95)
    recommendTitle: str = Field("您是不是要咨询以下问题：", max_length=200)
    recommendMax: int = Field(5, ge=1, le=10)
    sessionTimeoutMinutes: int = Field(30, ge=1, le=7 * 24 * 60)
    repeatLimit: int = Field(3, ge=2, le=20)
    repeatReply: str = Field(
        "您已经多次询问相同的问题了，可以换个说法试试，或者点击转人工由客服为您解答。", max_length=2000
    )
    sensitiveWords: list[str] = Field(default_factory=list)
    sensitiveReply: str = Field("您的消息包含敏感内容，请文明用语，换个说法试试。", max_length=2000)
    humanKeywords: list[str] = Field(default_factory=lambda: list(DEFAULT_HUMAN_KEYWORDS))
    negativeSentimentEnabled: bool = True
    negativeSentimentReply: str = Field("非常抱歉给您带来了不好的体验，需要为您转接人工客服吗？", max_length=2000)
    smallTalkEnabled: bool = True
    smallTalk: list[SmallTalkEntry] = Field(
        default_factory=lambda: [SmallTalkEntry(**entry) for entry in DEFAULT_SMALL_TALK]
    )
    # Changes and additions to smallTalk, so that a robot can edit a few entries and still get the defaults
    # of later versions (setting smallTalk itself replaces the whole list). See effective_small_talk.
    smallTalkExtra: list[SmallTalkChange] = Field(default_factory=list)
    timezone: str = Field("Asia/Shanghai", max_length=64)
    transferProperties: dict[str, str] = Field(default_factory=dict)

    @field_validator("sensitiveWords", "humanKeywords")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        return _no_blank_words(value)

    @field_validator("smallTalk")
    @classmethod
    def _small_talk_names(cls, value: list[SmallTalkEntry]) -> list[SmallTalkEntry]:
        _unique_names(value)
        return value

    @field_validator("smallTalkExtra")
    @classmethod
    def _small_talk_extra(cls, value: list[SmallTalkChange], info: ValidationInfo) -> list[SmallTalkChange]:
        _unique_names(value)
        base = info.data.get("smallTalk")
        if base is None:  # smallTalk itself was invalid: that error is the one reported
            return value
        known = {entry.name for entry in base if entry.name}
        for i, change in enumerate(value):
            if change.name in known:
                continue
            # Not a change of an existing entry, so a new one: it needs all of it. Switching off an entry
            # that does not exist is refused too: it is a typo, and would silently do nothing.
            if not change.enabled:
                raise ValueError(f"[{i}] switches off {change.name!r}, but smallTalk has no entry of that name")
            if change.patterns is None or change.reply is None:
                what = f"{change.name!r} is not in smallTalk" if change.name else "an entry without a name is new"
                raise ValueError(f"[{i}] {what}, so it needs patterns and a reply")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone: {value}") from exc
        return value


def _unique_names(entries: list[SmallTalkEntry] | list[SmallTalkChange]) -> None:
    names = [entry.name for entry in entries if entry.name]
    if len(names) != len(set(names)):
        raise ValueError(f"entry names must be unique: {sorted({n for n in names if names.count(n) > 1})}")


def effective_small_talk(settings: RobotSettings) -> list[SmallTalkEntry]:
    """The entries a robot answers with: smallTalk with smallTalkExtra applied (none when switched off).

    New extra entries come first: where one of their patterns is also a default's, the operator's reply wins.
    """
    if not settings.smallTalkEnabled:
        return []
    entries: list[SmallTalkEntry | None] = list(settings.smallTalk)
    at = {entry.name: i for i, entry in enumerate(settings.smallTalk) if entry.name}
    added: list[SmallTalkEntry] = []
    for change in settings.smallTalkExtra:
        i = at.get(change.name or "")
        if i is None:  # validation made sure a new entry has patterns and a reply
            added.append(SmallTalkEntry(name=change.name, patterns=change.patterns or [], reply=change.reply or ""))
        elif not change.enabled:
            entries[i] = None
        elif (current := entries[i]) is not None:
            given = {"patterns": change.patterns, "reply": change.reply}
            entries[i] = current.model_copy(update={k: v for k, v in given.items() if v is not None})
    return added + [entry for entry in entries if entry is not None]


def resolve_settings(stored: dict[str, Any] | None) -> RobotSettings:
    return RobotSettings.model_validate(stored or {})
