"""The pure parts of reading: search terms, time windows, page tokens, resource rules."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from huida.conversation import reply as r
from huida.conversation.models import Message
from huida.reading import pagetoken, texts
from huida.reading.fetch import MAX_BYTES
from huida.reading.markdown import content_markdown
from huida.reading.resources import message_resources
from huida.reading.terms import index_terms, plan_query
from huida.reading.timefilter import TimeFilterError, Window, time_window

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 18, 15, 30, 0, tzinfo=SHANGHAI)  # a Wednesday


def ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=SHANGHAI).timestamp() * 1000)


def found(text: str, query: str) -> bool:
    """Would the index find `text` for `query` (terms present and phrases contained)?"""
    plan, terms = plan_query(query), index_terms(text)
    return all(t in terms for t in plan.terms) and all(p in text for p in plan.phrases)


@pytest.mark.parametrize(("text", "query"), [
    ("请问一下项目进度怎么样了", "项目进度"),
    ("我的信用卡还款日是哪天", "信用"),  # a word inside a longer word
    ("我的信用卡还款日是哪天", "还款"),
    ("张三丰说明天来取货", "张三丰"),  # a name jieba does not know
    ("退钱了吗？", "钱"),  # a single character
    ("Refunds take 3 days", "refund"),
    ("订单号 A1001 的物流", "a1001"),
    ("我想查詢訂單狀態", "订单状态"),  # traditional text, simplified query
])
def test_words_are_found_inside_sentences(text: str, query: str) -> None:
    assert found(text, query)


@pytest.mark.parametrize(("text", "query"), [
    ("我和服务员说了", "和服"),  # characters across two words are not a word
    ("项目已经上线", "进度"),
])
def test_unrelated_text_is_not_found(text: str, query: str) -> None:
    assert not found(text, query)


def test_relative_windows() -> None:
    assert time_window("today", None, None, now=NOW) == Window(ms(2026, 3, 18), int(NOW.timestamp() * 1000))
    assert time_window("yesterday", None, None, now=NOW) == Window(ms(2026, 3, 17), ms(2026, 3, 18) - 1)
    assert time_window("day_before_yesterday", None, None, now=NOW).start_ms == ms(2026, 3, 16)
    assert time_window("this_week", None, None, now=NOW).start_ms == ms(2026, 3, 16)  # Monday
    assert time_window("last_week", None, None, now=NOW) == Window(ms(2026, 3, 9), ms(2026, 3, 16) - 1)
    assert time_window("this_month", None, None, now=NOW).start_ms == ms(2026, 3, 1)
    assert time_window("last_month", None, None, now=NOW) == Window(ms(2026, 2, 1), ms(2026, 3, 1) - 1)
    last = time_window("last_90_minutes", None, None, now=NOW)
    assert last.end_ms - last.start_ms == 90 * 60 * 1000
    assert time_window("last_2_days", None, None, now=NOW).start_ms == ms(2026, 3, 16, 15, 30)


def test_exact_windows_and_mistakes() -> None:
    window = time_window(None, "2026-03-01T08:00:00+08:00", "2026-03-02", now=NOW)
    assert window == Window(ms(2026, 3, 1, 8), ms(2026, 3, 2))
    assert time_window(None, "2026-03-01T00:00:00Z", None, now=NOW).start_ms == ms(2026, 3, 1, 8)
    with pytest.raises(TimeFilterError, match="cannot be used at the same time"):
        time_window("today", "2026-03-01", None, now=NOW)
    for bad in ("tomorrow", "last_0_days", "last_5_weeks", "last_x_days"):
        with pytest.raises(TimeFilterError, match="relative_time"):
            time_window(bad, None, None, now=NOW)
    with pytest.raises(TimeFilterError, match="start_time must be an ISO 8601"):
        time_window(None, "yesterday noon", None, now=NOW)
    with pytest.raises(TimeFilterError, match="not be later"):
        time_window(None, "2026-03-02", "2026-03-01", now=NOW)
    assert texts.BOTH_TIME_FORMS.startswith("relative_time and start_time/end_time cannot be used")


def test_page_tokens_belong_to_their_listing() -> None:
    token = pagetoken.encode(pagetoken.Cursor(42, Window(1, 2)), "scope-a", True)
    assert pagetoken.decode(token, "scope-a", True) == pagetoken.Cursor(42, Window(1, 2))
    for scope, descending, raw in (("scope-b", True, token), ("scope-a", False, token), ("scope-a", True, "xx!")):
        with pytest.raises(pagetoken.PageTokenError):
            pagetoken.decode(raw, scope, descending)


def test_resources_of_messages() -> None:
    visitor = Message(role="visitor", text="", body=None, extra={"files": [
        {"key": "file_a", "kind": "image", "name": "a.png", "store": "aily"},
        {"key": "file_b", "kind": "video", "name": "b.mp4", "store": "aily", "sticker": True}]})
    image, video = message_resources(visitor)
    assert (image.fetch_type, image.search_kind, video.fetch_type, video.search_kind) == ("image", "image", "file",
                                                                                          "media")
    assert video.sticker and not image.sticker
    news = Message(role="robot", text="", extra={}, body={"type": "news", "articles": [
        {"picurl": "/v10/tenants/1/material/medias/m1/stream", "thumbUrl": "/v10/tenants/1/material/medias/m1/stream/"
         "thumbnail"}]})
    [picture] = message_resources(news)
    assert picture.key == "img_m1" and picture.in_card
    assert MAX_BYTES == 100 * 1024 * 1024


def test_robot_answers_as_markdown() -> None:
    def image(part: r.Image) -> str:
        return f"![{part.filename}](img)"

    recommend = r.Recommendations(title="您是不是想问：", items=(r.Choice(knowledge_id="r1", text="如何退款"),
                                                          r.Choice(knowledge_id="r2", text="退款多久到账")))
    assert content_markdown(recommend, image) == (
        "您是不是想问：\n\n- 如何退款 (knowledgeId: r1)\n- 退款多久到账 (knowledgeId: r2)")
    default = r.Text(text="抱歉，我没有听懂。", transfer=r.Choice(knowledge_id="default_transfer_x", text="转人工"))
    assert content_markdown(default, image) == "抱歉，我没有听懂。\n\n- 转人工 (knowledgeId: default_transfer_x)"
    news = r.Articles(articles=(r.Article(id="1", title="618 大促", digest="低至 5 折"),))
    assert content_markdown(news, image, lambda a: f"/a/{a.id}") == "**[618 大促](/a/1)**\n\n低至 5 折"
    assert content_markdown(news, image) == "**618 大促**\n\n低至 5 折"
    assert content_markdown(r.Image(media_id="m", filename="尺码表.png"), image) == "![尺码表.png](img)"
    assert content_markdown(r.Handover(prompt="正在转接"), image) == "正在转接"
    group = r.Group(parts=(r.Text(text="一"), r.Handover(prompt="二")))
    assert content_markdown(group, image) == "一\n\n二"
