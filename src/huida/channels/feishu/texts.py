"""What the Feishu channel says on its own (Chinese first, with English)."""

from __future__ import annotations

TEXT_ONLY = ("抱歉，我目前只能理解文字消息，请用文字描述您的问题。\n"
             "Sorry, I can only read text messages for now. Please type your question.")
OPTION_GONE = ("抱歉，该选项已失效，请重新提问。\n"
               "Sorry, this option is no longer available. Please ask again.")
HANDOVER = "正在为您转接人工客服，请稍候。"
READ_MORE = "查看详情"
THUMB_UP = "👍 有帮助"
THUMB_DOWN = "👎 没帮助"
MENU_TITLE = "请选择："
NEWS_TITLE = "图文消息"


def chosen(label: str) -> tuple[str, str]:
    """Toast after a menu click: (zh_cn, en_us)."""
    return f"已选择：{label}", f"Selected: {label}"


FEEDBACK_THANKS = ("感谢您的反馈！", "Thanks for your feedback!")
FEEDBACK_INVALID = ("无法记录该反馈。", "This feedback could not be recorded.")
INVALID_ACTION = ("无法处理该操作。", "This action cannot be handled.")


def toast(kind: str, message: tuple[str, str]) -> dict[str, object]:
    """A card callback's answer: a toast (info | success | error | warning) in Chinese and English."""
    zh, en = message
    return {"toast": {"type": kind, "content": zh, "i18n": {"zh_cn": zh, "en_us": en}}}
