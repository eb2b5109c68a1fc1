"""The Easemob view (seed 004 §1.3-§1.5): a typed reply as the open API's entity and content.

Images and articles carry the seed's ids in `url`, `thumbUrl` and `picurl` (its clients build the stream and
article paths from them), and beside them links a browser can open as they are (`link`, `thumbLink`,
`picLink`: signed, so a visitor without a token sees the picture).

Answers stored before replies were typed hold only this rendering; `parse_content` reads one back so that
they can still be replayed and read (the one place that reads this dictionary).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from huida.context import AppContext
from huida.conversation import reply as r
from huida.engine.dialogue import types as t
from huida.materials.links import material_links
from huida.timefmt import format_datetime


class Links(Protocol):
    """Where a visitor's browser finds a material (absolute or server-relative, signed)."""

    def media(self, media_id: str) -> str: ...

    def thumbnail(self, media_id: str) -> str: ...

    def article(self, article_id: str) -> str: ...


def _text(part: r.Text, links: Links) -> dict[str, Any]:
    button = ({"transferToHumanId": part.transfer.knowledge_id,
               "suggestionTransferToHumanLabel": part.transfer.text} if part.transfer else {})
    return {**button, "msg": part.text, "type": "txt"}


def _image(part: r.Image, links: Links) -> dict[str, Any]:
    if not part.found:
        return {"size": None, "url": part.media_id, "filename": None, "link": None, "type": "img"}
    return {"size": {"width": part.width, "height": part.height}, "url": part.media_id,
            "filename": part.filename, "link": links.media(part.media_id), "type": "img"}


def _article(article: r.Article, links: Links) -> dict[str, Any]:
    thumb, pic = article.thumb_media_id, article.pic_media_id
    return {"title": article.title, "digest": article.digest, "description": article.digest,
            "url": article.id, "thumbUrl": thumb, "picurl": pic, "link": links.article(article.id),
            "thumbLink": links.thumbnail(thumb) if thumb else None, "picLink": links.media(pic) if pic else None,
            "createdTime": article.created_at, "date": format_datetime(article.created_at)}


def _articles(part: r.Articles, links: Links) -> dict[str, Any]:
    body: dict[str, Any] = {"articles": [_article(a, links) for a in part.articles], "type": "news"}
    if part.show_directly is not None:
        body["showDirectly"] = part.show_directly
    if part.card_view_option is not None:
        body["cardViewOption"] = part.card_view_option
    return body


def _choices(items: tuple[r.Choice, ...]) -> list[dict[str, str]]:
    return [{"knowledgeId": item.knowledge_id, "text": item.text} for item in items]


def _menu(part: r.Menu, links: Links) -> dict[str, Any]:
    items = part.items + ((part.transfer,) if part.transfer else ())
    return {"texts": _choices(items), "title": part.title, "titile": part.title, "type": "menu"}


def _recommend(part: r.Recommendations, links: Links) -> dict[str, Any]:
    return {"texts": _choices(part.items), "title": part.title, "type": "recommend"}


def _handover(part: r.Handover, links: Links) -> dict[str, Any]:
    return {"transferPrompt": part.prompt, "enableTransferPrompt": part.show_prompt,
            "properties": [{"name": p.name, "value": p.value} for p in part.properties], "type": "human"}


def _media(part: r.Media, links: Links) -> dict[str, Any]:
    if part.media_id:  # a material of this server: its id, and where a browser opens it
        return {"url": links.media(part.media_id), "mediaId": part.media_id, "type": part.kind}
    return {"url": part.url, "type": part.kind}


def _group(part: r.Group, links: Links) -> dict[str, Any]:
    return {"answers": [content(p, links) for p in part.parts], "type": "group"}


_BY_KIND: dict[str, Callable[[Any, Links], dict[str, Any]]] = {
    "text": _text, "image": _image, "articles": _articles, "menu": _menu, "recommendations": _recommend,
    "handover": _handover, "video": _media, "audio": _media, "group": _group,
}


_TYPES = {"text": "txt", "image": "img", "articles": "news", "menu": "menu", "recommendations": "recommend",
          "handover": "human", "video": "video", "audio": "audio", "group": "group"}


def content_type(part: r.Content) -> str:
    """The seed's `content.type` of a content (txt, img, news, ...)."""
    return _TYPES[part.kind]


def content(part: r.Content, links: Links) -> dict[str, Any]:
    """Seed 004 §1.5 `content` of an answer."""
    return _BY_KIND[part.kind](part, links)


def _domain(reply: r.Reply) -> str | None:
    if reply.rule_id is not None:
        return "_new_faq_"
    return "_default_dm_" if reply.answer_type == t.DEFAULT else None


def entity(reply: r.Reply, links: Links) -> dict[str, Any]:
    """Seed 004 §1.4 `entity` of an ask."""
    return {
        "msgId": reply.msg_id, "userId": reply.user_id, "tenantId": reply.tenant_id, "question": reply.question,
        "tag": None, "answerType": reply.answer_type, "answerSource": reply.answer_source,
        "content": content(reply.content, links), "dlgFinished": reply.dialogue.finished,
        "sessionId": reply.session_id, "satisfactionCommentInvitation": reply.satisfaction_invitation,
        "multiTurnDialogueId": reply.dialogue.id, "multiTurnDialogueStarted": reply.dialogue.started,
        "multiTurnDialogueFinished": reply.dialogue.finished,
        "resourceId": reply.rule_id, "resourceName": reply.rule_question,
        "resourceType": "RULE" if reply.from_rule else None, "answerId": reply.answer_id,
        "subType": reply.sub_type, "domain": _domain(reply), "intention": None, "robotIntent": None,
        "sentimentLabels": list(reply.sentiment_labels),
    }


def welcome_entity(welcome: r.Welcome, links: Links) -> dict[str, Any]:
    """Seed 004 §1.3 `entity` of a welcome."""
    return {"tenantId": welcome.tenant_id, "answerType": t.WELCOME, "answerSource": "WELCOME",
            "content": content(welcome.content, links)}


def links(ctx: AppContext, tenant_id: int) -> Links:
    """The links of the open API's answers: server paths under HUIDA_PUBLIC_BASE_URL, signed for visitors."""
    return material_links(ctx, tenant_id)


# --- answers stored before replies were typed ------------------------------------------------------------
_MATERIAL_ID = re.compile(r"/(?:medias|articles)/([^/?#]+)(?:/stream(?:/thumbnail)?|/html)?(?:[?#].*)?$")


def _ident(value: Any) -> str | None:
    """A material id from a stored `url` field: a bare id, or the id inside a server path."""
    if not isinstance(value, str) or not value:
        return None
    found = _MATERIAL_ID.search(value)
    return found.group(1) if found else (value if "/" not in value else None)


def _parsed_choices(items: Any) -> tuple[r.Choice, ...]:
    return tuple(r.Choice(knowledge_id=str(i.get("knowledgeId") or ""), text=str(i.get("text") or ""))
                 for i in items or [] if isinstance(i, dict))


def _parsed_text(body: dict[str, Any]) -> r.Text:
    button = body.get("transferToHumanId")
    transfer = r.Choice(knowledge_id=str(button), text=str(body.get("suggestionTransferToHumanLabel") or ""))
    return r.Text(text=str(body.get("msg") or ""), transfer=transfer if button else None)


def _parsed_menu(body: dict[str, Any]) -> r.Menu:
    items = _parsed_choices(body.get("texts"))
    buttons = [i for i in items if i.knowledge_id.startswith(t.TRANSFER_PREFIXES)]
    return r.Menu(title=str(body.get("title") or ""), items=tuple(i for i in items if i not in buttons),
                  transfer=buttons[0] if buttons else None)


def _parsed_image(body: dict[str, Any]) -> r.Image:
    size = body.get("size") if isinstance(body.get("size"), dict) else None
    media_id = _ident(body.get("url"))
    return r.Image(media_id=media_id or "", filename=body.get("filename"), found=bool(size and media_id),
                   width=(size or {}).get("width"), height=(size or {}).get("height"))


def _parsed_article(a: dict[str, Any]) -> r.Article:
    return r.Article(id=_ident(a.get("url")) or "", title=str(a.get("title") or ""), digest=str(a.get("digest") or ""),
                     thumb_media_id=_ident(a.get("thumbUrl")), pic_media_id=_ident(a.get("picurl")),
                     created_at=int(a.get("createdTime") or 0))


def _parsed_handover(body: dict[str, Any]) -> r.Handover:
    props = body.get("properties") or {}
    pairs = props.items() if isinstance(props, dict) else ((p.get("name"), p.get("value")) for p in props)
    return r.Handover(prompt=str(body.get("transferPrompt") or ""),
                      show_prompt=body.get("enableTransferPrompt", True) is not False,
                      properties=tuple(r.Property(name=str(k), value=str(v)) for k, v in pairs))


_PARSERS: dict[str, Callable[[dict[str, Any]], r.Content]] = {
    "txt": _parsed_text,
    "img": _parsed_image,
    "news": lambda b: r.Articles(articles=tuple(_parsed_article(a) for a in b.get("articles") or []),
                                 show_directly=b.get("showDirectly"), card_view_option=b.get("cardViewOption")),
    "menu": _parsed_menu,
    "recommend": lambda b: r.Recommendations(title=str(b.get("title") or ""), items=_parsed_choices(b.get("texts"))),
    "human": _parsed_handover,
    "video": lambda b: r.Media(kind="video", media_id=_ident(b.get("url")), url=b.get("url")),
    "audio": lambda b: r.Media(kind="audio", media_id=_ident(b.get("url")), url=b.get("url")),
}


def parse_content(body: dict[str, Any] | None) -> r.Content:
    """Typed content of an answer stored in this rendering only (before replies were typed)."""
    body = body or {}
    parse = _PARSERS.get(str(body.get("type")))
    return parse(body) if parse else r.Text(text=str(body.get("msg") or ""))
