"""Seed 002 §5: downloading a message's images and files by the keys its content shows."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from huida.channels.aily.models import AilyFile
from huida.conversation.models import Message
from huida.conversation.service import AskRequest, conversation_service
from huida.reading.resources import message_resources
from tests.channels.aily.helpers import PDF
from tests.reading.conftest import World
from tests.support.client import expect_error

IMAGE = re.compile(r"!\[image\]\(((?:img|file)_[^)]+)\)")
FILE = re.compile(r'<file key="([^"]+)" name="([^"]*)"/>')


def _carol(world: World) -> dict:
    return next(i for i in world.read("/messages", chat_id=world.aily_session)["items"]
                if i["sender"]["sender_type"] == "user")


def resource(world: World, message_id: str, key: str, kind: str) -> object:
    return world.api.get(f"/conversations/messages/{message_id}/resources/{key}", params={"type": kind})


def test_files_and_images_a_visitor_sent(world: World) -> None:
    carol = _carol(world)
    assert carol["msg_type"] == "post"
    [(file_key, name)] = FILE.findall(carol["content"])
    [image_key] = IMAGE.findall(carol["content"])
    assert name == "退货协议.pdf" and carol["content"].startswith("加急：@戴夫 请处理我的退货申请")
    pdf = resource(world, carol["message_id"], file_key, "file")
    assert pdf.status_code == 200 and pdf.content == PDF
    assert pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    photo = resource(world, carol["message_id"], image_key, "image")
    assert photo.status_code == 200 and photo.content == world.photo
    wrong_type = expect_error(resource(world, carol["message_id"], image_key, "file"), 400)
    assert "use type=image" in wrong_type["errorDescription"]
    expect_error(resource(world, carol["message_id"], file_key, "picture"), 400)


def test_the_image_the_robot_answered_with(world: World) -> None:
    session = world.asked["尺码表在哪里看"]["sessionId"]
    answer = next(i for i in world.read("/messages", chat_id=session)["items"] if i["msg_type"] == "image")
    [key] = IMAGE.findall(answer["content"])
    assert key.startswith("img_")
    image = resource(world, answer["message_id"], key, "image")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"


def test_a_key_must_come_from_that_message(world: World) -> None:
    carol = _carol(world)
    [image_key] = IMAGE.findall(carol["content"])
    other = world.read("/search", query="项目进度")["items"][0]
    body = expect_error(resource(world, other["message_id"], image_key, "image"), 400, "RESOURCE_NOT_IN_MESSAGE")
    assert f"file_key {image_key} does not belong to message {other['message_id']}" in body["errorDescription"]
    expect_error(resource(world, "no-such-message", image_key, "image"), 404, "MESSAGE_NOT_FOUND")
    # Another tenant's message is not there at all.
    other_tenant = world.other.get(f"/conversations/messages/{carol['message_id']}/resources/{image_key}",
                                   params={"type": "image"})
    expect_error(other_tenant, 404, "MESSAGE_NOT_FOUND")


def test_resources_over_100_mb_are_refused(world: World) -> None:
    aily = world.aily
    pdf = aily.call("POST", "/files", files={"file": ("巨大.pdf", PDF, "application/pdf")}).json()["data"]["file"]
    posted = aily.post(world.aily_session, "附件很大", file_ids=[pdf["id"]])
    with world.api.server.ctx.db.session() as db:  # as if 101 MB had been stored
        db.execute(update(AilyFile).where(AilyFile.id == pdf["id"]).values(size=101 * 1024 * 1024))
    body = expect_error(resource(world, posted["id"], pdf["id"], "file"), 400, "RESOURCE_NOT_DOWNLOADABLE")
    assert "larger than 100 MB" in body["errorDescription"]


def test_pictures_in_cards_and_stickers_are_refused(world: World) -> None:
    session = world.asked["最近有什么优惠活动"]["sessionId"]
    card = next(i for i in world.read("/messages", chat_id=session)["items"] if i["msg_type"] == "interactive")
    assert "618 年中大促" in card["content"] and "img_" not in card["content"]
    with world.api.server.ctx.db.read() as db:  # the key a card's picture would have
        [picture] = message_resources(db.scalar(select(Message).where(Message.id == card["message_id"])))
    refused = expect_error(resource(world, card["message_id"], picture.key, "image"), 400, "RESOURCE_NOT_DOWNLOADABLE")
    assert "inside cards" in refused["errorDescription"]
    # A sticker a channel stored: shown, never downloaded.
    file_id = world.aily.call("POST", "/files", files={"file": ("s.png", world.photo, "image/png")}).json()
    sticker = {"key": "sticker_1", "id": file_id["data"]["file"]["id"], "kind": "image", "store": "aily",
               "sticker": True}
    conversation_service(world.api.server.ctx).ask(AskRequest(
        tenant_id=world.api.tenant_id, robot_id=world.robot, user_id="ou_sticker", question="",
        channel="feishu", visitor_key="feishu:oc_s:ou_sticker", chat_id="oc_s", extra={"files": [sticker]}))
    [message] = [i for i in world.read("/messages", chat_id="oc_s")["items"] if i["sender"]["id"] == "ou_sticker"]
    body = expect_error(resource(world, message["message_id"], "sticker_1", "image"), 400, "RESOURCE_NOT_DOWNLOADABLE")
    assert "stickers" in body["errorDescription"]
