"""A "world": one tenant holding one of every object the API has, each text carrying the tenant's marker.

`build_world` makes, through the public API (as an admin of a fresh tenant): a robot, categories, a media
(PNG), a news article, rules (text, picture, news and menu answers), a conversation (ask) rated, commented
and thumbed, a comment level with a tag, a reason tag, a robot option, a webhook subscription with delivered
deliveries, an API key, an Aily session with a file, a message and a run, SSO settings, a Feishu channel, and a
widget key with a visitor who asked through it.
Every text contains `world.marker` (`MARKER-<label>-<uuid>`), the ids the client may choose contain it too,
and the ids the server chooses (uuids and the like) are markers as well (`world.markers()`): one of them in
an answer to another tenant is a leak.

`world.ids` maps the name of every path (and body, query) parameter the routes use to the world's value.

`route_table()` is the app's own table of routes (what `create_app` serves), for tests that go over all of them.
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from huida.app import create_app
from huida.config import Settings
from huida.context import AppContext
from huida.db import Database
from huida.reading.views import THREAD_PREFIX
from huida.webhooks.events import EVENTS
from tests.channels.aily.helpers import BASE as AILY_BASE
from tests.conversation.helpers import png
from tests.support.client import Api, new_tenant
from tests.support.receiver import Receiver, wait_until
from tests.support.server import LiveServer

# -- the route table ----------------------------------------------------------------------------------

TENANT = "/v10/tenants/{tenantId}"
AILY = "/open-apis/aily/v1"
CALLBACK = "/channels/feishu/{channelId}/events"
WIDGET = "/widget/v1"
# Families by path prefix: how a caller authenticates, and in which envelope errors come.
FAMILIES = {TENANT: "tenant", "/v11/tenants/{tenantId}": "tenant", AILY: "aily", CALLBACK: "callback",
            WIDGET: "widget"}
# Routes anyone may call: nothing of a tenant is behind them (the login, SSO's redirect, health, the widget's
# script and the CORS preflight of its API, which says only whether some widget key lists an origin).
PUBLIC = {"GET /healthz", "GET /readyz", "POST /v10/commons/integration/token", "GET /v10/commons/access",
          "GET /widget.js", f"OPTIONS {WIDGET}/{{rest}}"}
# The web console's static files: it reaches tenants only through the API, with the signed-in user's token.
PUBLIC |= {"GET /console", "GET /console/{client_path}", "GET /console/assets/{name}"}
# The console's SSO session: no tenant in the path, the caller's own tenant only (the cookie's), behind the
# console header and an Origin check (tests/auth/test_sso_console.py covers them, other tenants included).
PUBLIC |= {"POST /v10/commons/session/token", "POST /v10/commons/session/logout"}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    params: tuple[str, ...]  # path parameters, in order
    required_query: tuple[str, ...]
    module: str  # the endpoint's module: the route's package ("huida.webhooks.routes")

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def family(self) -> str | None:
        return next((f for prefix, f in FAMILIES.items() if self.path.startswith(prefix)), None)


def _query_fields(dependant: Dependant) -> Iterator[Any]:
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from _query_fields(sub)


@functools.cache
def route_table() -> tuple[Route, ...]:
    """Every API route of the app as `create_app` builds it (on a context whose database is never opened)."""
    settings = Settings(run_worker=False, log_requests=False, database_url="sqlite://")
    unopened = Database(f"sqlite:///{tempfile.gettempdir()}/huida-route-table-never-opened.db")
    app = create_app(ctx=AppContext(settings, unopened, "unused"))
    routes = []
    for route in routing.iter_route_contexts(app.routes):  # included routers wrap their routes
        if not isinstance(route.original_route, APIRoute):
            continue
        required = tuple(f.alias for f in _query_fields(route.dependant) if f.field_info.is_required())
        params = tuple(re.findall(r"{(\w+)}", route.path_format))
        module = getattr(route.endpoint, "__module__", "")
        routes.extend(Route(m, route.path_format, params, required, module) for m in sorted(route.methods))
    return tuple(routes)


# -- worlds ------------------------------------------------------------------------------------------

# A file a visitor attaches in the Aily session; its name and bytes carry the marker too.
FILE_TEXT = "attachment of {marker}\n"
FILE_KEY = re.compile(r'<file key="([^"]+)"')
MIN_MARKER_ID = 8  # shorter ids (small integers: tenant, level and tag ids) would be found by chance everywhere
NOT_MARKERS = {"optionName"}  # the same switch name in every world


@dataclass(frozen=True)
class FeishuApp:
    app_id: str
    app_secret: str
    verification_token: str

    def message_event(self, text: str) -> dict[str, Any]:
        """A visitor's message as Feishu posts it to a channel's callback (schema 2.0, plaintext)."""
        stamp = str(int(time.time() * 1000))
        message = {"message_id": f"om_{uuid.uuid4().hex}", "root_id": "", "parent_id": "", "create_time": stamp,
                   "update_time": stamp, "chat_id": f"oc_{uuid.uuid4().hex[:16]}", "thread_id": "",
                   "chat_type": "p2p", "message_type": "text", "content": json.dumps({"text": text}),
                   "mentions": []}
        sender = f"ou_{uuid.uuid4().hex}"
        event = {"sender": {"sender_id": {"union_id": f"on_{sender}", "user_id": None, "open_id": sender},
                            "sender_type": "user", "tenant_key": "tenant-probe"}, "message": message}
        header = {"event_id": uuid.uuid4().hex, "event_type": "im.message.receive_v1", "create_time": stamp,
                  "token": self.verification_token, "app_id": self.app_id, "tenant_key": "tenant-probe"}
        return {"schema": "2.0", "header": header, "event": event}


@dataclass
class World:
    label: str
    api: Api
    marker: str
    http: httpx.Client  # the server's, with no credentials (api.http sends the admin's token on every call)
    ids: dict[str, Any] = field(default_factory=dict)
    key: str = ""  # the robot's Aily API key (a secret)
    app: FeishuApp | None = None  # the Feishu app bound to the world's channel
    widget: dict[str, str] = field(default_factory=dict)  # the widget visitor's headers (key, token, origin)
    secrets: list[str] = field(default_factory=list)

    @property
    def tenant_id(self) -> int:
        return self.api.tenant_id

    @property
    def token(self) -> str:
        return self.api.token

    def markers(self) -> set[str]:
        """Strings that must never reach another tenant: the marker (in every text), secrets, string ids."""
        ids = {v for k, v in self.ids.items()
               if isinstance(v, str) and len(v) >= MIN_MARKER_ID and k not in NOT_MARKERS}
        return {self.marker, *self.secrets, *ids}

    def text(self, what: str) -> str:
        return f"{self.marker} {what}"

    # -- calls ---------------------------------------------------------------------------------------

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.api.ok(method, path, **kwargs)

    def aily(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.key}", **kwargs.pop("headers", {})}
        response = self.http.request(method, AILY_BASE + path, headers=headers, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["code"] == 0, body
        return body["data"]


def _robot(world: World) -> str:
    robot = world.api.new_robot(world.text("robot"), description=world.text("description"))
    world.ids["robotId"] = robot
    return robot


def _knowledge(world: World, robot: str) -> None:
    m, ids = world.marker, world.ids
    knowledge = f"/knowledge/robots/{robot}"
    ids["categoryId"] = world.ok("POST", f"{knowledge}/categories",
                                 json={"id": f"cat-{m}", "name": world.text("category")})["id"]
    ids["otherCategoryId"] = world.ok("POST", f"{knowledge}/categories",
                                      json={"id": f"cat2-{m}", "name": world.text("category 2")})["id"]
    media = world.ok("POST", "/material/medias",
                     files={"file": (f"{m}.png", png(40, 30), "image/png")})
    ids["mediaId"] = ids["media_id"] = media["id"]
    ids["articleId"] = world.ok("POST", "/material/news/articles", json={
        "title": world.text("article"), "digest": world.text("digest"), "html": f"<p>{world.text('page')}</p>",
        "picMediaId": media["id"]})["id"]
    ids["ruleId"] = world.api.new_rule(robot, [world.text("question")], world.text("answer"), id=f"rule-{m}",
                                       categoryIds=[ids["categoryId"]])["id"]
    world.api.new_rule(robot, [world.text("picture")], id=f"pic-{m}",
                       answers=[{"type": "PIC", "content": {"mediaId": media["id"]}}])
    world.api.new_rule(robot, [world.text("news")], id=f"news-{m}",
                       answers=[{"type": "NEWS", "content": {"articleIds": [ids["articleId"]]}}])
    world.api.new_rule(robot, [world.text("menu")], id=f"menu-{m}", answers=[{"type": "MENU", "content": {
        "title": world.text("menu title"), "items": [{"knowledgeId": ids["ruleId"], "text": world.text("item")}]}}])


def _webhook(world: World, robot: str, receiver: Receiver) -> None:
    secret = f"whsec-{world.marker}"
    world.secrets.append(secret)
    world.ids["webhookId"] = world.ok("POST", f"/robots/{robot}/webhooks", json={
        "url": receiver.url(f"/{world.marker}"), "secret": secret, "events": list(EVENTS)})["webhookId"]


def _conversation(world: World, robot: str) -> None:
    """A visitor asks (the answer is the marked rule's), rates, comments and thumbs the answer."""
    m, ids = world.marker, world.ids
    ids["visitor"] = f"visitor-{m}"
    answer = world.ok("POST", f"/knowledge/robots/{robot}/ask", json={
        "userId": ids["visitor"], "question": world.text("question"), "type": "TEXT"})
    ids["sessionId"], ids["msgId"] = answer["sessionId"], answer["msgId"]
    world.ok("PUT", f"/predefined/robots/{robot}/options/evaluateSwitch", json={"optionValue": "true"})
    ids["optionName"] = "evaluateSwitch"
    comment = f"/comment/robots/{robot}"
    level = world.ok("GET", f"{comment}/tags")[0]  # the default levels, one per score
    ids["levelId"] = level["id"]
    world.ok("PUT", f"{comment}/levels/{level['id']}", json={"name": world.text("level")})
    ids["tagId"] = world.ok("POST", f"{comment}/levels/{level['id']}/tags", json={"name": world.text("tag")})["id"]
    ids["reasonTagId"] = world.ok("POST", f"{comment}/satisfactionCommentTags",
                                  json={"name": world.text("reason")})["id"]
    world.ok("POST", f"{comment}/satisfactionComments", json={
        "sessionId": ids["sessionId"], "msgId": ids["msgId"], "type": 2, "comment": world.text("rating")})
    world.ok("POST", f"{comment}/comments", json={
        "sessionId": ids["sessionId"], "score": level["score"], "comment": world.text("comment")})
    world.ok("POST", f"/knowledge/robots/{robot}/messages/{ids['msgId']}/feedback", json={
        "feedbackStatus": "thumb-down", "feedback": world.text("thumbs")})


def _aily(world: World, robot: str) -> None:
    m, ids = world.marker, world.ids
    created = world.ok("POST", f"/robots/{robot}/api-keys", json={"name": world.text("key")})
    ids["keyId"], world.key = created["id"], created["key"]
    world.secrets.append(world.key)
    biz = {"X-Aily-BizUserID": f"biz-{m}"}
    ids["aily_session_id"] = world.aily("POST", "/sessions", headers=biz, json={
        "channel_context": world.text("context"), "metadata": world.text("metadata")})["session"]["id"]
    data = FILE_TEXT.format(marker=m).encode()
    ids["file_id"] = world.aily("POST", "/files", files={"file": (f"{m}.txt", data, "text/plain")})["file"]["id"]
    session = ids["aily_session_id"]
    message = world.aily("POST", f"/sessions/{session}/messages", headers=biz, json={
        "idempotent_id": f"idem-{m}", "content_type": "TEXT", "content": world.text("question"),
        "file_ids": [ids["file_id"]]})["message"]
    ids["message_id"] = message["id"]
    run = world.aily("POST", f"/sessions/{session}/runs", json={"metadata": world.text("run")})["run"]
    ids["run_id"] = run["id"]
    wait_until(lambda: world.aily("GET", f"/sessions/{session}/runs/{run['id']}")["run"]["status"]
               in ("COMPLETED", "FAILED"), timeout=30, message=f"the Aily run of {world.label}")


def _reading(world: World) -> None:
    """The reading API's ids: the ask's thread, and the file key of the Aily message's attachment."""
    ids = world.ids
    items = world.ok("GET", "/conversations/messages", params={"chat_id": ids["aily_session_id"]})["items"]
    visitor = next(i for i in items if i["message_id"] == ids["message_id"])
    ids["file_key"] = FILE_KEY.search(visitor["content"])[1]
    asked = world.ok("GET", "/conversations/messages", params={"chat_id": ids["sessionId"]})["items"]
    question = next(i for i in asked if i["sender"]["sender_type"] == "user")
    ids["thread_id"] = THREAD_PREFIX + question["message_id"]
    ids["chat_id"] = ids["sessionId"]


def _feishu(world: World, robot: str) -> None:
    """A channel (a verification token, no encrypt key). No message goes through it: the first would load the
    Feishu SDK in the server (seconds of CPU); a forged callback would leave a delivery, which the
    snapshot of the channel's delivery log sees."""
    suffix = uuid.uuid4().hex
    app = FeishuApp(app_id=f"cli_{suffix[:16]}", app_secret=f"appsecret-{world.marker}",
                    verification_token=f"vt-{suffix}")
    world.app = app
    world.secrets += [app.app_secret, app.verification_token]
    channel = world.ok("POST", f"/v10/tenants/{world.tenant_id}/channels/feishu", json={
        "name": world.text("channel"), "robotId": robot, "appId": app.app_id, "appSecret": app.app_secret,
        "verificationToken": app.verification_token, "domain": "feishu"})
    world.ids["channelId"] = channel["channelId"]


def _widget(world: World, robot: str) -> None:
    """A widget key (its welcome shows the world's menu) and a visitor who asked through it."""
    m, ids = world.marker, world.ids
    origin = f"https://{world.label.lower()}.example.com"
    created = world.ok("POST", f"/robots/{robot}/widget-keys", json={"allowedOrigins": [origin],
                                                                     "welcomeMenu": f"menu-{m}"})
    ids["widgetKeyId"] = created["id"]
    world.secrets.append(created["key"])  # public in its own pages, but no other tenant's answer shows it
    world.widget = {"X-Huida-Widget-Key": created["key"], "Origin": origin}
    ids["widgetVisitor"] = f"wv-{m}"
    visitor = world.http.post("/widget/v1/visitors", headers=world.widget, json={"visitorId": ids["widgetVisitor"]})
    assert visitor.status_code == 200, visitor.text
    world.widget["X-Huida-Visitor-Token"] = visitor.json()["entity"]["token"]
    answer = world.http.post("/widget/v1/ask", headers=world.widget, json={"question": world.text("question")})
    assert answer.status_code == 200, answer.text
    ids["widgetMsgId"] = answer.json()["entity"]["msgId"]


def settle(world: World) -> None:
    """Waits until nothing of the world is still moving: its webhook deliveries (and a ping) delivered."""
    robot, ids = world.ids["robotId"], world.ids
    hooks = f"/robots/{robot}/webhooks/{ids['webhookId']}"
    if "deliveryId" not in ids:
        ids["deliveryId"] = world.ok("POST", f"{hooks}/ping")["deliveryId"]

    def delivered() -> bool:
        rows = world.api.get(f"{hooks}/deliveries", params={"size": 100}).json()["entity"]
        return bool(rows) and all(r["state"] == "delivered" for r in rows)

    wait_until(delivered, timeout=30, message=f"the webhook deliveries of {world.label}")


def build_world(receiver: Receiver, http: httpx.Client, api: Api, label: str) -> World:
    world = World(label, api, f"MARKER-{label}-{uuid.uuid4().hex}", http)
    world.ids["tenantId"] = api.tenant_id
    robot = _robot(world)
    _knowledge(world, robot)
    _webhook(world, robot, receiver)
    _conversation(world, robot)
    _aily(world, robot)
    _reading(world)
    _feishu(world, robot)
    _widget(world, robot)
    sso_secret = f"sso-{world.marker}"
    world.secrets.append(sso_secret)
    world.ok("PUT", "/sso", json={"secret": sso_secret, "allowedOrigins": [f"https://{label.lower()}.example.com"]})
    settle(world)
    return world


@contextmanager
def worlds(server: LiveServer, *labels: str) -> Iterator[list[World]]:
    """Worlds of the given labels on `server` (fresh tenants), with the webhook receiver they need."""
    with Receiver() as receiver, httpx.Client(base_url=server.base_url, timeout=30) as http, ExitStack() as stack:
        apis = [stack.enter_context(new_tenant(server)) for _ in labels]
        yield [build_world(receiver, http, api, label) for api, label in zip(apis, labels, strict=True)]
