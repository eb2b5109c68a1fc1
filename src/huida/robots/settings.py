"""Per-robot settings: every text, threshold and switch of the conversation, with sensible defaults.

Stored as JSON on the robot; unknown keys are refused so that a typo is an error, not a silent no-op.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from huida.engine.strategies import StrategyError, normalize_strategies

DEFAULT_HUMAN_KEYWORDS = [
    "转人工", "人工客服", "人工服务", "找人工", "真人", "找真人", "转接人工", "人工",
    "human agent", "talk to a human", "real person", "speak to an agent", "live agent", "customer service agent",
]

DEFAULT_SMALL_TALK: list[dict[str, Any]] = [
    {"patterns": ["你好", "您好", "在吗", "嗨", "哈喽", "hello", "hi", "hey", "good morning"],
     "reply": "您好！请问有什么可以帮您？"},
    {"patterns": ["谢谢", "多谢", "感谢", "谢啦", "thanks", "thank you", "thx"],
     "reply": "不客气，很高兴能帮到您！"},
    {"patterns": ["再见", "拜拜", "下次见", "bye", "goodbye", "see you"],
     "reply": "再见，祝您生活愉快！"},
    {"patterns": ["你是谁", "你叫什么", "你是机器人吗", "who are you", "are you a robot", "are you a bot"],
     "reply": "我是智能客服机器人，可以回答您的常见问题。"},
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


class SmallTalkEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    patterns: list[str] = Field(min_length=1)
    reply: str = Field(min_length=1, max_length=2000)

    @field_validator("patterns")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        return _no_blank_words(value)


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
    timezone: str = Field("Asia/Shanghai", max_length=64)
    transferProperties: dict[str, str] = Field(default_factory=dict)

    @field_validator("sensitiveWords", "humanKeywords")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        return _no_blank_words(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone: {value}") from exc
        return value


def resolve_settings(stored: dict[str, Any] | None) -> RobotSettings:
    return RobotSettings.model_validate(stored or {})
