"""The pure pieces of the channel: decryption, signatures, domain rules, reading messages, rendering answers."""

from __future__ import annotations

import json

import pytest

from huida.channels.feishu import cards, crypto, texts
from huida.channels.feishu.events import Mention, question_text
from huida.channels.feishu.outbound import Style, render
from huida.channels.feishu.service import origin_problem
from huida.channels.feishu.verify import Keys, Rejection, check_token, open_callback
from huida.conversation import reply as r
from huida.materials.links import MaterialLinks
from tests.fake_feishu.wire import encrypt, sign


def test_the_official_decryption_vector() -> None:
    assert crypto.decrypt("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=") == "hello world"
    assert crypto.decrypt("键 key", encrypt("键 key", '{"a": "飞书"}')) == '{"a": "飞书"}'
    for broken in ("", "AAAA", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk", "!!!!"):
        with pytest.raises(crypto.DecryptError):
            crypto.decrypt("test key", broken)
    with pytest.raises(crypto.DecryptError):
        crypto.decrypt("other key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=")


def test_signature_matches_feishus() -> None:
    body = b'{"encrypt":"x"}'
    assert crypto.signature("1700000000", "n1", "k", body) == sign("1700000000", "n1", "k", body)


@pytest.mark.parametrize("url", [
    "https://open.feishu.cn", "https://open.example.com:8443", "http://127.0.0.1:9", "http://localhost:1",
    "http://[::1]:8080", "http://10.0.0.5:8080", "ftp://x.y", "https://x.y/path", "https://u:p@x.y", "https://",
    "https://x.y?q=1", "http://example.com",
])
def test_domain_rules_are_the_sdks(url: str) -> None:
    from lark_oapi.client import _validate_domain

    try:
        _validate_domain(url)
        sdk_accepts = True
    except ValueError:
        sdk_accepts = False
    assert (origin_problem(url) is None) == sdk_accepts


def test_token_rules() -> None:
    keys = Keys("", "tok")
    check_token(keys, {"header": {"token": "tok"}})
    for payload in ({"header": {"token": "bad"}}, {"header": {}}, {"token": "tok2", "type": "url_verification"}):
        with pytest.raises(Rejection):
            check_token(keys, payload)
    check_token(Keys("key", "tok"), {"header": {}})  # a signed, encrypted event needs no token
    with pytest.raises(Rejection) as refused:
        open_callback(Keys("", ""), {}, b"{}")
    assert refused.value.status == 403


def test_mentions_are_resolved() -> None:
    mentions = [Mention("@_user_1", "ou_bot", "小答"), Mention("@_user_10", "ou_wang", "王五")]
    text = "@_user_1 请问 @_user_10  怎么退款"
    assert question_text(text, mentions, "ou_bot") == "请问 @王五 怎么退款"
    assert question_text(text, mentions, None) == "@小答 请问 @王五 怎么退款"
    assert question_text("@_all 通知", [], "ou_bot") == "@_all 通知"


def reply(content: r.Content, **fields: object) -> r.Reply:
    base = {"msg_id": "m-1", "session_id": "s", "question_id": "q", "tenant_id": 1, "robot_id": "rb", "user_id": "u",
            "question": "?", "answer_type": "BEST_ANSWER", "answer_source": "RULE", "sub_type": "DEFAULT"}
    return r.Reply(**{**base, **fields}, content=content)


def test_rendering_every_answer_type() -> None:
    links = MaterialLinks(1, base_url="https://h.example")
    style, no_images = Style("group", links=links), lambda _m: None
    assert render(reply(r.Text(text="好")), style, no_images).content == {"text": "好"}
    button_of_default = r.Choice(knowledge_id="DefaultBtn-TransferToHuman-1", text="找客服")
    default = render(reply(r.Text(text="抱歉", transfer=button_of_default)), style, no_images)
    assert default.msg_type == "interactive" and "找客服" in json.dumps(default.content, ensure_ascii=False)
    button = default.content["body"]["elements"][1]
    assert button["behaviors"] == [{"type": "callback", "value": cards.menu_value(
        "DefaultBtn-TransferToHuman-1", "找客服", "group")}]
    image = render(reply(r.Image(media_id="abc", filename="a.png")), style, lambda media: f"img_{media}")
    assert (image.msg_type, image.content) == ("image", {"image_key": "img_abc"})
    gone = render(reply(r.Image(media_id="abc", filename="a.png")), style, no_images)
    assert gone.msg_type == "text" and "a.png" in gone.content["text"]
    human = render(reply(r.Handover(prompt="稍等")), style, no_images)
    assert human.content == {"text": "稍等"}
    hidden = render(reply(r.Handover(prompt="稍等", show_prompt=False)), style, no_images)
    assert hidden.content == {"text": texts.HANDOVER}
    news = render(reply(r.Articles(articles=(r.Article(id="a1", title="T", digest="D"),)), rule_id="rule"), style,
                  no_images)
    link = "https://h.example/v10/tenants/1/material/news/articles/a1/html"
    assert link in json.dumps(news.content) and "👍" in json.dumps(news.content, ensure_ascii=False)
    items = tuple(r.Choice(knowledge_id=f"k{i}", text="甲") for i in range(30))
    menu = render(reply(r.Menu(title="", items=items)), style, no_images)
    assert len(menu.content["body"]["elements"]) == cards.MAX_BUTTONS
    assert all(m.uuid == "m-1" for m in (default, image, human, news, menu))
    assert len(json.dumps(menu.content, ensure_ascii=False).encode()) < 30 * 1024
