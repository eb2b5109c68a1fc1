"""The typed reply and its Easemob view: every kind renders in the seed's shape, stores and reads back."""

from __future__ import annotations

import pytest

from huida.conversation import easemob
from huida.conversation import reply as r
from huida.conversation.models import Message
from huida.conversation.stored import content_body, content_of, reply_extra, reply_of
from huida.materials.links import MaterialLinks

LINKS = MaterialLinks(7, sign=lambda path: path + "?sig=1", base_url="https://h.example")
MENU = r.Menu(title="请选择", items=(r.Choice(knowledge_id="k1", text="退货"),),
              transfer=r.Choice(knowledge_id="MenuBtn-TransferToHuman-x", text="转人工"))
ARTICLES = r.Articles(articles=(r.Article(id="a1", title="T", digest="D", thumb_media_id="m1", pic_media_id="m2",
                                          created_at=1_700_000_000_000),), show_directly=False)
EVERY_KIND: list[tuple[r.Content, dict]] = [
    (r.Text(text="好"), {"msg": "好", "type": "txt"}),
    (r.Text(text="抱歉", transfer=r.Choice(knowledge_id="DefaultBtn-TransferToHuman-1", text="转人工")),
     {"transferToHumanId": "DefaultBtn-TransferToHuman-1", "suggestionTransferToHumanLabel": "转人工", "msg": "抱歉",
      "type": "txt"}),
    (r.Image(media_id="m1", filename="a.png", width=3, height=2),
     {"size": {"width": 3, "height": 2}, "url": "m1", "filename": "a.png",
      "link": "https://h.example/v10/tenants/7/material/medias/m1/stream?sig=1", "type": "img"}),
    (MENU, {"texts": [{"knowledgeId": "k1", "text": "退货"},
                      {"knowledgeId": "MenuBtn-TransferToHuman-x", "text": "转人工"}],
            "title": "请选择", "titile": "请选择", "type": "menu"}),
    (r.Recommendations(title="您是不是要问", items=(r.Choice(knowledge_id="k2", text="怎么退款"),)),
     {"texts": [{"knowledgeId": "k2", "text": "怎么退款"}], "title": "您是不是要问", "type": "recommend"}),
    (r.Handover(prompt="稍等", properties=(r.Property(name="技能组", value="售后"),)),
     {"transferPrompt": "稍等", "enableTransferPrompt": True, "properties": [{"name": "技能组", "value": "售后"}],
      "type": "human"}),
    (r.Media(kind="video", url="https://v.example/1.mp4"),
     {"url": "https://v.example/1.mp4", "type": "video"}),
    (r.Group(parts=(r.Text(text="一"), r.Text(text="二"))),
     {"answers": [{"msg": "一", "type": "txt"}, {"msg": "二", "type": "txt"}], "type": "group"}),
]


@pytest.mark.parametrize(("content", "seed"), EVERY_KIND, ids=lambda v: getattr(v, "kind", ""))
def test_every_kind_renders_in_the_seeds_shape_and_reads_back(content: r.Content, seed: dict) -> None:
    assert easemob.content(content, LINKS) == seed
    assert content_of(Message(body=content_body(content))) == content  # as stored now
    if content.kind != "group":  # answers stored before typing: the seed shape read back
        assert easemob.parse_content(seed) == content


def test_articles_carry_the_seeds_ids_and_links_a_browser_opens() -> None:
    article = easemob.content(ARTICLES, LINKS)["articles"][0]
    assert (article["url"], article["thumbUrl"], article["picurl"]) == ("a1", "m1", "m2")
    assert article["link"] == "https://h.example/v10/tenants/7/material/news/articles/a1/html?sig=1"
    assert article["thumbLink"].endswith("/medias/m1/stream/thumbnail?sig=1")
    assert easemob.parse_content(easemob.content(ARTICLES, LINKS)) == ARTICLES


def test_answers_stored_with_server_paths_before_typing_read_back() -> None:
    old = {"size": {"width": 1, "height": 1}, "url": "/v10/tenants/7/material/medias/m9/stream", "filename": "x.png",
           "type": "img"}
    assert easemob.parse_content(old) == r.Image(media_id="m9", filename="x.png", width=1, height=1)
    gone = {"size": None, "url": "m9", "filename": None, "type": "img"}
    assert not easemob.parse_content(gone).found


def test_a_stored_reply_is_replayed_as_it_was() -> None:
    reply = r.Reply(msg_id="a", session_id="s", question_id="q", tenant_id=7, robot_id="rb", user_id="u",
                    question="怎么退货", answer_type="BEST_ANSWER", answer_source="RULE", sub_type="DEFAULT",
                    content=MENU, rule_id="k0", rule_question="退货", satisfaction_invitation=True)
    message = Message(id="a", body=content_body(MENU), extra={"reply": reply_extra(reply)})
    again = reply_of(message)
    assert again.replayed and again.model_copy(update={"replayed": False}) == reply
    assert easemob.entity(again, LINKS) == easemob.entity(reply, LINKS)
