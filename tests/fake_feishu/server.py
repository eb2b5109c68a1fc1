"""A fake Feishu open platform on 127.0.0.1 (the SDK accepts plain http only on loopback).

Serves what the real SDK calls — tenant token, bot info, reply, create, image upload and the long-connection
endpoint — in Feishu's wire format, records every request, remembers every message it "sent", and can be
told to fail: `fail("/reply", "token")` (the app's tokens are revoked, so the call answers 99991663),
`"rate_limit"` (HTTP 429, code 99991400, x-ogw-ratelimit-reset: 1), `"500"` (HTTP 500, not JSON) or
`"invalid"` (code 230001) — for one app when `app_id` is given.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.fake_feishu.wire import FakeApp, new_app, seal
from tests.fake_feishu.ws import FakeWs
from tests.support.server import free_port

INVALID_TOKEN = {"code": 99991663, "msg": "Invalid access token for authorization. Please make a request with "
                                          "token attached."}
MISSING_TOKEN = {"code": 99991661, "msg": "Missing access token for authorization."}
MAX_CARD_BYTES = 30 * 1024


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    answered: int = 200

    @property
    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Sent:
    """A message the fake delivered on behalf of an app."""

    message_id: str
    app_id: str
    chat_id: str
    msg_type: str
    content: dict[str, Any]
    uuid: str | None
    reply_to: str | None


@dataclass
class Failure:
    path_part: str
    kind: str  # token | rate_limit | 500 | invalid
    times: int
    app_id: str | None = None  # only requests of this app (by token or body); None: any


@dataclass
class State:
    apps: dict[str, FakeApp] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    chats: dict[str, str] = field(default_factory=dict)  # message id -> chat id (messages seen or sent)
    images: dict[str, bytes] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeFeishu:
    def __init__(self) -> None:
        self.port = free_port()
        self.state = State()
        self.ws = FakeWs(free_port())
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def __enter__(self) -> FakeFeishu:
        self._thread.start()
        self.ws.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.ws.stop()
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- set-up --------------------------------------------------------------------------------------

    def new_app(self, **kwargs: Any) -> FakeApp:
        app = new_app(**kwargs)
        with self.state.lock:
            self.state.apps[app.app_id] = app
        return app

    def fail(self, path_part: str, kind: str, times: int = 1, app_id: str | None = None) -> None:
        with self.state.lock:
            self.state.failures.append(Failure(path_part, kind, times, app_id))

    def know_message(self, message_id: str, chat_id: str) -> None:
        with self.state.lock:
            self.state.chats[message_id] = chat_id

    # -- what happened -------------------------------------------------------------------------------

    def requests(self, path_part: str = "", app_id: str | None = None) -> list[Recorded]:
        with self.state.lock:
            found = [r for r in self.state.requests if path_part in r.path]
        return [r for r in found if app_id is None or self.app_of(r) == app_id]

    def app_of(self, request: Recorded) -> str | None:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        body = request.json if request.body[:1] == b"{" else {}
        return _owner(self.state, token) or (body or {}).get("app_id") or (body or {}).get("AppID")

    def sent(self, app_id: str | None = None) -> list[Sent]:
        with self.state.lock:
            return [s for s in self.state.sent if app_id is None or s.app_id == app_id]

    def replies_to(self, message_id: str) -> list[Sent]:
        with self.state.lock:
            return [s for s in self.state.sent if s.reply_to == message_id]

    # -- playing Feishu towards Huida ----------------------------------------------------------------

    def deliver(self, url: str, app: FakeApp, payload: dict[str, Any], **seal_options: Any) -> httpx.Response:
        """POSTs an event to a callback URL as Feishu would (encrypted and signed when the app has a key)."""
        event = payload.get("event") or {}
        message = event.get("message") if isinstance(event, dict) else None
        if isinstance(message, dict):
            self.know_message(message["message_id"], message["chat_id"])
        headers, body = seal(app, payload, **seal_options)
        return httpx.post(url, content=body, headers=headers, timeout=10)


def _owner(state: State, token: str) -> str | None:
    with state.lock:
        return next((a.app_id for a in state.apps.values() if token in a.tokens), None)


def _request_app(state: State, headers: dict[str, str], raw: bytes) -> str | None:
    token = headers.get("authorization", "").removeprefix("Bearer ").strip()
    body = json.loads(raw) if raw[:1] == b"{" else {}
    return _owner(state, token) or body.get("app_id") or body.get("AppID")


def _take_failure(state: State, path: str, app_id: str | None) -> str | None:
    with state.lock:
        for failure in state.failures:
            if failure.app_id not in (None, app_id):
                continue
            if failure.path_part in path and failure.times > 0:
                failure.times -= 1
                return failure.kind
    return None


# -- the endpoints -----------------------------------------------------------------------------------

Answer = tuple[int, dict[str, Any], dict[str, str]]


def _ok(data: dict[str, Any] | None = None, **top: Any) -> Answer:
    body: dict[str, Any] = {"code": 0, "msg": "success", **top}
    if data is not None:
        body["data"] = data
    return 200, body, {}


def _token(fake: FakeFeishu, body: dict[str, Any]) -> Answer:
    app = fake.state.apps.get(str(body.get("app_id")))
    if app is None or app.app_secret != body.get("app_secret"):
        return 200, {"code": 10014, "msg": "app secret invalid"}, {}
    with fake.state.lock:
        app.issued += 1
        token = f"t-{app.app_id}-{app.issued}-{uuid.uuid4().hex[:6]}"
        app.tokens.add(token)
    return _ok(tenant_access_token=token, expire=7200)


def _authorized(fake: FakeFeishu, headers: dict[str, str]) -> FakeApp | Answer:
    auth = headers.get("authorization", "")
    if not auth.startswith("Bearer ") or not auth[7:].strip():
        return 400, MISSING_TOKEN, {}
    owner = _owner(fake.state, auth[7:].strip())
    return fake.state.apps[owner] if owner else (400, INVALID_TOKEN, {})


def _check_content(msg_type: str, content: Any, fake: FakeFeishu) -> str | None:
    """Why Feishu would refuse this message content, or None."""
    try:
        body = json.loads(content)
    except (TypeError, ValueError):
        return "content is not a JSON string"
    if msg_type == "text" and not isinstance(body.get("text"), str):
        return "text content needs text"
    if msg_type == "image" and body.get("image_key") not in fake.state.images:
        return "unknown image_key"
    if msg_type == "interactive":
        if len(content.encode("utf-8")) > MAX_CARD_BYTES:
            return "card larger than 30 KB"
        if body.get("schema") == "2.0" and not isinstance((body.get("body") or {}).get("elements"), list):
            return "card 2.0 needs body.elements"
    if msg_type not in ("text", "image", "interactive", "post"):
        return f"unsupported msg_type {msg_type}"
    return None


def _send(fake: FakeFeishu, app: FakeApp, body: dict[str, Any], *, chat_id: str, reply_to: str | None) -> Answer:
    msg_type, content, dedupe = body.get("msg_type"), body.get("content"), body.get("uuid")
    problem = _check_content(str(msg_type), content, fake)
    if problem:
        return 400, {"code": 230001, "msg": f"invalid parameter: {problem}"}, {}
    with fake.state.lock:
        if dedupe and dedupe in app.uuids:  # Feishu sends one message per uuid (within an hour)
            return _ok(app.uuids[dedupe])
        message_id = f"om_sent_{uuid.uuid4().hex}"
        sent = Sent(message_id, app.app_id, chat_id, str(msg_type), json.loads(content), dedupe, reply_to)
        fake.state.sent.append(sent)
        fake.state.chats[message_id] = chat_id
        stamp = str(int(time.time() * 1000))
        data = {"message_id": message_id, "root_id": reply_to or "", "parent_id": reply_to or "",
                "msg_type": msg_type, "create_time": stamp, "update_time": stamp, "deleted": False, "updated": False,
                "chat_id": chat_id, "sender": {"id": app.app_id, "id_type": "app_id", "sender_type": "app",
                                               "tenant_key": app.tenant_key},
                "body": {"content": content}, "upper_message_id": ""}
        if dedupe:
            app.uuids[dedupe] = data
    return _ok(data)


def _reply(fake: FakeFeishu, app: FakeApp, message_id: str, body: dict[str, Any]) -> Answer:
    chat_id = fake.state.chats.get(message_id)
    if chat_id is None:
        return 400, {"code": 230001, "msg": f"invalid parameter: message {message_id} not found"}, {}
    return _send(fake, app, body, chat_id=chat_id, reply_to=message_id)


def _image(fake: FakeFeishu, headers: dict[str, str], raw: bytes) -> Answer:
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(b"Content-Type: " + headers.get("content-type", "").encode() + b"\r\n\r\n" + raw)
    parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
    image = parts.get("image")
    if image is None or parts.get("image_type") is None or not image.get_payload(decode=True):
        return 400, {"code": 234001, "msg": "invalid image"}, {}
    key = f"img_v3_{uuid.uuid4().hex}"
    with fake.state.lock:
        fake.state.images[key] = image.get_payload(decode=True)
    return _ok({"image_key": key})


def _ws_endpoint(fake: FakeFeishu, body: dict[str, Any]) -> Answer:
    app = fake.state.apps.get(str(body.get("AppID")))
    if app is None or app.app_secret != body.get("AppSecret"):
        return 200, {"code": 1000040351, "msg": "app id or secret invalid"}, {}
    config = {"ReconnectCount": -1, "ReconnectInterval": 1, "ReconnectNonce": 0, "PingInterval": 120}
    with fake.state.lock:
        app.issued += 1
        url = fake.ws.url(app.app_id, app.issued)
    return 200, {"code": 0, "msg": "ok", "data": {"URL": url, "ClientConfig": config}}, {}


def _injected(kind: str, fake: FakeFeishu, headers: dict[str, str]) -> Answer | None:
    if kind == "rate_limit":
        return 429, {"code": 99991400, "msg": "request trigger frequency limit"}, {
            "x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": "1"}
    if kind == "500":
        return 500, {}, {}
    if kind == "invalid":
        return 400, {"code": 230001, "msg": "invalid parameter"}, {}
    if kind == "token":  # the app's tokens expire behind the SDK's back
        owner = _owner(fake.state, headers.get("authorization", "").removeprefix("Bearer ").strip())
        if owner:
            with fake.state.lock:
                fake.state.apps[owner].tokens.clear()
    return None


def _route(fake: FakeFeishu, method: str, path: str, headers: dict[str, str], raw: bytes) -> Answer:
    kind = _take_failure(fake.state, path, _request_app(fake.state, headers, raw))
    injected = _injected(kind, fake, headers) if kind else None
    if injected is not None:
        return injected
    body = json.loads(raw) if raw[:1] == b"{" else {}
    if path == "/open-apis/auth/v3/tenant_access_token/internal" and method == "POST":
        return _token(fake, body)
    if path == "/callback/ws/endpoint" and method == "POST":
        return _ws_endpoint(fake, body)
    app = _authorized(fake, headers)
    if not isinstance(app, FakeApp):
        return app
    if path == "/open-apis/bot/v3/info" and method == "GET":
        return 200, {"code": 0, "msg": "ok", "bot": {"activate_status": 2, "app_name": app.bot_name,
                                                      "avatar_url": "", "ip_white_list": [],
                                                      "open_id": app.bot_open_id}}, {}
    if path.startswith("/open-apis/im/v1/messages/") and path.endswith("/reply") and method == "POST":
        return _reply(fake, app, path.split("/")[5], body)
    if path == "/open-apis/im/v1/messages" and method == "POST":
        return _send(fake, app, body, chat_id=str(body.get("receive_id")), reply_to=None)
    if path == "/open-apis/im/v1/images" and method == "POST":
        return _image(fake, headers, raw)
    return 404, {"code": 404, "msg": "not found"}, {}


def _handler_for(fake: FakeFeishu) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self, method: str) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, body, extra = _route(fake, method, parts.path, headers, raw)
            with fake.state.lock:
                fake.state.requests.append(Recorded(method, parts.path, parse_qs(parts.query), headers, raw, status))
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8") if status != 500 else b"upstream error"
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8" if status != 500 else "text/plain")
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802
            self._handle("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._handle("POST")

        def log_message(self, *_: Any) -> None:
            pass

    return Handler
