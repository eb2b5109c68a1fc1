"""The tenant-isolation matrix: every authenticated route × every way of reaching another tenant's objects.

Two worlds (tests/security/world.py) live on the server: A, the caller, and B, the victim, each holding one of
every object the API has; B's texts carry B's marker and B's ids are markers too. The routes come from the
app's own route table (`create_app(...).routes`, see world.route_table), not from a list kept here, and each
route is filled from tables keyed by its method and path:

- PARAMS: path parameter name → the world id that fills it (OVERRIDES where one name means two things);
- BODIES: every write route's sample body (None: the route takes none), with `{name}` placeholders for ids;
- QUERIES: query parameters (every required one, and those that name objects), placeholders alike.

`test_every_route_is_in_the_matrix` fails as soon as a route is added whose path parameters, required query
parameters or write body are not in these tables, or whose path is in no family (FAMILIES) and not PUBLIC:
a route family added later fails until it joins the matrix.

Cases, one test each (ids `<case>-<METHOD> <path>`):

- cross_tenant: A's credentials, B's tenantId in the path and B's ids everywhere: 401/403/404, never 2xx.
  For the Aily-style API (no tenant in its paths) A's tenant token; for the Feishu callback a message carrying
  A's channel's verification token, posted to B's channel; for the widget API (its key names the tenant) B's
  widget key with A's visitor token.
- foreign_ids: A's tenantId in the path (for the Aily API: A's robot API key; for the widget API: A's widget key
  and visitor), B's object ids everywhere: a 4xx when the path names an object; with B's ids only in the body
  or query, a 4xx or a 2xx showing nothing of B.
- foreign:<param>: one object of B in the path under A's others (B's rule under A's robot, B's file key under
  A's message, B's run in A's session): a 4xx.
- ref:<name>: A's own objects in the path, B's id in the body or query field(s) holding `{name}`, every other
  id A's: a 4xx whose error names that id or field (not one refused for another reason), or a 2xx that shows
  nothing of B.
- control: the same request with A's ids only succeeds (2xx, or a CONTROL_ALSO status), for every write but a
  delete and every read with references: a sample that is refused for being broken would prove nothing.
- signed_link: the signed download link A was given for its own file or image (an Aily file or media, or a
  material's stream, thumbnail or article page, materials/links.py), with B's tenant and ids put in: a 4xx.

In every case: never a 5xx; no marker of B in the answer except an id the request itself carried (an error
naming the id it did not find is no leak); a 2xx shows no object whose tenantId is B's; an error comes in the
family's envelope.

B's world must come out unchanged. Before the first case and after the last (per module, in the fixture's
teardown, so once on each xdist worker) `snapshot` calls every GET route of the table filled with B's ids
through B's own token (for the Aily API too: B's key is never used, its last use is shown), every one must
answer 200 (so the tables name real objects), and the two snapshots must be equal. Normalised, as they move
by themselves: the expiry and signature of the Aily-style signed download URLs (minted anew on every read)
and the knowledge health report's `generatedAt`. Nothing else of B may move while the module runs (its
conversation closes only after the robot's 30-minute session timeout). At the end, every GET route filled
with A's ids must show no marker of B either, B's ids that A itself sent (and may have stored) excepted.
"""

from __future__ import annotations

import difflib
import itertools
import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from huida.channels.aily.files import signed_url
from huida.materials.links import signed_path
from tests.conversation.helpers import png
from tests.security.world import AILY, CALLBACK, PUBLIC, TENANT, WIDGET, Route, World, route_table, worlds
from tests.support.server import LiveServer

# -- the route table --------------------------------------------------------------------------------

ROUTES = route_table()
MATRIX = [r for r in ROUTES if r.key not in PUBLIC]

# -- what fills a route ------------------------------------------------------------------------------

# Path parameter → the world id (world.ids key) that fills it.
PARAMS = {
    "tenantId": "tenantId", "robotId": "robotId", "ruleId": "ruleId", "categoryId": "categoryId",
    "mediaId": "mediaId", "articleId": "articleId", "optionName": "optionName", "levelId": "levelId",
    "tagId": "tagId", "sessionId": "sessionId", "msgId": "msgId", "webhookId": "webhookId",
    "deliveryId": "deliveryId", "channelId": "channelId", "keyId": "keyId", "aily_session_id": "aily_session_id",
    "message_id": "message_id", "run_id": "run_id", "file_id": "file_id", "media_id": "media_id",
    "thread_id": "thread_id", "file_key": "file_key",
}
# (a fragment of the path, parameter) → the world id, where a name means another object than in PARAMS.
OVERRIDES = {("/satisfactionCommentTags/{tagId}", "tagId"): "reasonTagId",
             ("/widget-keys/{keyId}", "keyId"): "widgetKeyId",
             (f"{WIDGET}/messages/{{msgId}}", "msgId"): "widgetMsgId"}
# Placeholders that are no object of a world.
FRESH = "fresh"  # a new unique string per request (ids that must not collide)
# World ids that are not an object of the tenant (the same switch name in every world): never a case.
NOT_REFERENCES = {"optionName"}


def slot(route: Route, name: str) -> str:
    return next((key for (fragment, param), key in OVERRIDES.items() if param == name and fragment in route.path),
                PARAMS.get(name, name))


@dataclass(frozen=True)
class Raw:
    """A non-JSON body: `content` with placeholders, its content type, query parameters."""
    content: str
    content_type: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Upload:
    """A multipart upload of field `file`."""
    filename: str
    data: bytes
    content_type: str


@dataclass(frozen=True)
class Callback:
    """A Feishu message event carrying the caller's channel's verification token (plaintext channels)."""


K = TENANT + "/knowledge/robots/{robotId}"
C = TENANT + "/comment/robots/{robotId}"
W = TENANT + "/robots/{robotId}/webhooks"
F = TENANT + "/channels/feishu"
RULE: dict[str, Any] = {
    "questions": ["probe question"], "categoryIds": ["{categoryId}"], "answers": [
        {"type": "TEXT", "answer": "probe answer"},
        {"type": "PIC", "content": {"mediaId": "{mediaId}"}},
        {"type": "NEWS", "content": {"articleIds": ["{articleId}"]}},
        {"type": "MENU", "content": {"title": "probe menu", "items": [{"knowledgeId": "{ruleId}", "text": "probe"}]}},
    ]}
IMPORTED = {"id": "probe-{fresh}", "questions": ["probe import {fresh}"], "answer": "probe",
            "categoryIds": ["{categoryId}"]}
# Every write route's body (None: it takes none). `{name}` is the world's id of that name.
BODIES: dict[str, Any] = {
    f"PUT {TENANT}/sso": {"allowedOrigins": ["https://probe.example.com"]},
    f"POST {TENANT}/robots": {"name": "probe robot"},
    f"PUT {TENANT}/robots/{{robotId}}": {"description": "probe", "robotId": "{robotId}", "tenantId": "{tenantId}"},
    f"DELETE {TENANT}/robots/{{robotId}}": None,
    f"POST {K}/rules/import": Raw(json.dumps(IMPORTED) + "\n", "application/octet-stream", {"format": "jsonl"}),
    f"POST {K}/rules": RULE,
    f"PUT {K}/rules/{{ruleId}}": RULE,
    f"DELETE {K}/rules/{{ruleId}}": None,
    f"POST {K}/categories": {"name": "probe category {fresh}", "parentId": "{categoryId}"},
    f"PUT {K}/categories/{{categoryId}}": {"name": "probe category", "parentId": "{otherCategoryId}"},
    f"DELETE {K}/categories/{{categoryId}}": None,
    f"POST {TENANT}/material/medias": Upload("probe.png", png(20, 20), "image/png"),
    f"DELETE {TENANT}/material/medias/{{mediaId}}": None,
    f"POST {TENANT}/material/news/articles": {"title": "probe", "picMediaId": "{mediaId}", "thumbMediaId": "{mediaId}"},
    f"PUT {TENANT}/material/news/articles/{{articleId}}": {"title": "probe", "picMediaId": "{mediaId}",
                                                          "thumbMediaId": "{mediaId}"},
    f"DELETE {TENANT}/material/news/articles/{{articleId}}": None,
    f"POST {K}/ask": {"userId": "{visitor}", "type": "MENU_CLICK", "knowledgeId": "{ruleId}",
                      "tenantId": "{tenantId}", "robotId": "{robotId}"},
    f"POST {K}/visitor-welcome": {"originType": "probe"},
    "POST /v11/tenants/{tenantId}/knowledge/robots/{robotId}/visitor-welcome": {"originType": "probe"},
    f"POST {K}/transfer-human-confirmation": {"msgId": "{msgId}", "sessionId": "{sessionId}", "result": "Success"},
    f"POST {K}/hit-test": {"question": "probe"},
    f"POST {K}/evaluate": Raw('{"text": "probe", "expect": "{ruleId}"}\n', "application/x-ndjson"),
    f"PUT {TENANT}/predefined/robots/{{robotId}}/options/{{optionName}}": {"optionValue": "true"},
    f"POST {C}/comments": {"sessionId": "{sessionId}", "score": 5, "comment": "probe", "tenantId": "{tenantId}",
                           "robotId": "{robotId}"},
    f"POST {C}/levels": {"name": "probe level", "score": 3},
    f"PUT {C}/levels/{{levelId}}": {"name": "probe level"},
    f"DELETE {C}/levels/{{levelId}}": None,
    f"POST {C}/levels/{{levelId}}/tags": {"name": "probe tag {fresh}"},
    f"PUT {C}/levels/{{levelId}}/tags/{{tagId}}": {"name": "probe tag"},
    f"DELETE {C}/levels/{{levelId}}/tags/{{tagId}}": None,
    f"POST {C}/satisfactionComments": {"sessionId": "{sessionId}", "msgId": "{msgId}", "type": 1,
                                       "tenantId": "{tenantId}", "robotId": "{robotId}"},
    f"POST {C}/satisfactionCommentTags": {"name": "probe reason {fresh}"},
    f"PUT {C}/satisfactionCommentTags/{{tagId}}": {"name": "probe reason"},
    f"DELETE {C}/satisfactionCommentTags/{{tagId}}": None,
    f"POST {K}/messages/{{msgId}}/feedback": {"feedbackStatus": "thumb-down", "feedback": "probe"},
    f"POST {W}": {"url": "http://127.0.0.1:9/probe", "secret": "probe-secret-0123456789", "events": ["feedback"],
                  "webhookId": "{webhookId}", "robotId": "{robotId}", "tenantId": "{tenantId}"},
    f"PUT {W}/{{webhookId}}": {"active": True, "webhookId": "{webhookId}", "robotId": "{robotId}",
                               "tenantId": "{tenantId}"},
    f"DELETE {W}/{{webhookId}}": None,
    f"POST {W}/{{webhookId}}/ping": None,
    f"POST {W}/{{webhookId}}/deliveries/{{deliveryId}}/redeliver": None,
    f"POST {F}": {"robotId": "{robotId}", "appId": "cli_{fresh}", "appSecret": "probe-app-secret",
                  "verificationToken": "probe-token", "domain": "feishu", "channelId": "{channelId}",
                  "tenantId": "{tenantId}"},
    f"PUT {F}/{{channelId}}": {"robotId": "{robotId}", "name": "probe channel", "channelId": "{channelId}",
                               "tenantId": "{tenantId}"},
    f"DELETE {F}/{{channelId}}": None,
    f"POST {CALLBACK}": Callback(),
    f"POST {TENANT}/robots/{{robotId}}/api-keys": {"name": "probe key"},
    f"DELETE {TENANT}/robots/{{robotId}}/api-keys/{{keyId}}": None,
    f"POST {AILY}/sessions": {"robot_id": "{robotId}", "metadata": "probe"},
    f"PUT {AILY}/sessions/{{aily_session_id}}": {"metadata": "probe"},
    f"DELETE {AILY}/sessions/{{aily_session_id}}": None,
    f"POST {AILY}/sessions/{{aily_session_id}}/messages": {
        "idempotent_id": "{fresh}", "content_type": "TEXT", "content": "probe", "file_ids": ["{file_id}"],
        "quote_message_id": "{message_id}"},
    f"POST {AILY}/sessions/{{aily_session_id}}/runs": {"app_id": "{robotId}", "metadata": "probe"},
    f"POST {AILY}/sessions/{{aily_session_id}}/runs/{{run_id}}/cancel": None,
    f"POST {AILY}/files": Upload("probe.txt", b"probe file\n", "text/plain"),
    f"POST {TENANT}/robots/{{robotId}}/widget-keys": {"allowedOrigins": ["https://probe.example.com"],
                                                      "welcomeMenu": "{ruleId}"},
    f"DELETE {TENANT}/robots/{{robotId}}/widget-keys/{{keyId}}": None,
    f"POST {WIDGET}/visitors": {"visitorId": "{fresh}"},
    f"POST {WIDGET}/welcome": None,
    f"POST {WIDGET}/ask": {"type": "MENU_CLICK", "knowledgeId": "{ruleId}"},
    f"POST {WIDGET}/messages/{{msgId}}/feedback": {"feedbackStatus": "thumb-down", "feedback": "probe"},
    f"POST {WIDGET}/satisfaction": {"msgId": "{widgetMsgId}", "type": 1, "comment": "probe"},
}
# Query parameters: every required one, and every one that names an object.
QUERIES: dict[str, dict[str, str]] = {
    f"GET {TENANT}/session-history/robots/{{robotId}}/playback/from/sessionId": {"sessionId": "{sessionId}"},
    f"GET {C}/comment": {"sessionId": "{sessionId}"},
    f"GET {K}/rules/search": {"categoryIds": "{categoryId}"},
    f"GET {TENANT}/conversations/messages": {"chat_id": "{chat_id}"},
    f"GET {TENANT}/conversations/search": {"query": "question", "sender_ids": "{visitor}"},
    f"GET {TENANT}/conversations/messages/{{message_id}}/resources/{{file_key}}": {"type": "file"},
    f"GET {AILY}/sessions/{{aily_session_id}}/messages": {"run_id": "{run_id}"},
}
# A control (A's ids only) answers 2xx, or one of these statuses where the request cannot succeed twice.
CONTROL_ALSO: dict[str, set[int]] = {
    f"POST {C}/levels": {409},  # every score has its level already
    f"POST {AILY}/sessions/{{aily_session_id}}/runs/{{run_id}}/cancel": {409},  # the run has ended
    f"POST {AILY}/sessions/{{aily_session_id}}/runs": {409},  # unless the messages control came first
}

# -- filling placeholders ----------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"{(\w+)}")


def placeholders(value: Any) -> set[str]:
    if isinstance(value, str):
        return set(PLACEHOLDER.findall(value))
    if isinstance(value, dict):
        return set().union(*(placeholders(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(placeholders(v) for v in value)) if value else set()
    if isinstance(value, Raw):
        return placeholders(value.content) | placeholders(value.params)
    return set()


def fields_naming(value: Any, name: str, key: str = "") -> set[str]:
    """The body or query fields whose value holds the placeholder `{name}`."""
    if isinstance(value, dict):
        return set().union(*(fields_naming(v, name, k) for k, v in value.items())) if value else set()
    if isinstance(value, list):
        return set().union(*(fields_naming(v, name, key) for v in value)) if value else set()
    if isinstance(value, Raw):  # a file: its errors name the value itself
        return fields_naming(value.params, name)
    return {key} if isinstance(value, str) and f"{{{name}}}" in value and key else set()


def references(route: Route) -> list[str]:
    """The world ids a route's body and query name (what the ref cases swap for B's, one at a time)."""
    names = placeholders(BODIES.get(route.key)) | placeholders(QUERIES.get(route.key, {}))
    return sorted(names - {FRESH} - NOT_REFERENCES)


@dataclass
class Filler:
    """Fills placeholders with ids of the world `default`, but of `victim` for the path parameters in
    `in_path` and the body and query fields in `in_refs`; records which of the victim's values went into
    the request (the ones an answer may echo)."""

    default: World
    victim: World
    in_path: set[str]
    in_refs: set[str]
    sent: set[str] = field(default_factory=set)

    def value(self, name: str, victims: set[str]) -> Any:
        if name == FRESH:
            return uuid.uuid4().hex
        world = self.victim if name in victims else self.default
        value = world.ids[name]
        if world is self.victim:
            self.sent.add(str(value))
        return value

    def fill(self, value: Any) -> Any:
        if isinstance(value, str):
            whole = PLACEHOLDER.fullmatch(value)
            if whole:
                return self.value(whole[1], self.in_refs)
            return PLACEHOLDER.sub(lambda m: str(self.value(m[1], self.in_refs)), value)
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        return value

    def path(self, route: Route) -> str:
        return PLACEHOLDER.sub(lambda m: str(self.value(slot(route, m[1]), self.in_path)), route.path)


# -- requests ------------------------------------------------------------------------------------------

@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    params: dict[str, Any]
    kwargs: dict[str, Any]
    sent: set[str]  # the victim's values the request carries

    def send(self, http: httpx.Client) -> httpx.Response:
        return http.request(self.method, self.path, headers=self.headers, params=self.params, **self.kwargs)


def credentials(route: Route, caller: World, *, key: bool, default: World | None = None) -> dict[str, str]:
    if route.family == "widget":  # the widget key (and origin) of the world whose ids fill the request,
        owner = default or caller  # the visitor token of the caller: B's key with A's visitor is cross-tenant
        return {**owner.widget, "X-Huida-Visitor-Token": caller.widget["X-Huida-Visitor-Token"]}
    if route.family == "aily":
        return {"Authorization": f"Bearer {caller.key if key else caller.token}"}
    if route.family == "tenant":
        return {"token": caller.token}
    return {}


def build_call(route: Route, caller: World, default: World, victim: World, in_path: set[str] = frozenset(),
               in_refs: set[str] = frozenset(), *, key: bool = False) -> Call:
    """The route's request by `caller`, with ids of `default` except those `victim`'s named in `in_path` (path
    parameters) and `in_refs` (body and query fields)."""
    filler = Filler(default, victim, set(in_path), set(in_refs))
    path = filler.path(route)
    params = filler.fill(QUERIES.get(route.key, {}))
    body = BODIES.get(route.key)
    headers = credentials(route, caller, key=key, default=default)
    kwargs: dict[str, Any] = {}
    if isinstance(body, Raw):
        kwargs["content"] = filler.fill(body.content).encode()
        headers["content-type"] = body.content_type
        params = {**params, **filler.fill(body.params)}
    elif isinstance(body, Upload):
        kwargs["files"] = {"file": (body.filename, body.data, body.content_type)}
    elif isinstance(body, Callback):
        assert caller.app is not None
        kwargs["content"] = json.dumps(caller.app.message_event("probe")).encode()
        headers["content-type"] = "application/json"
    elif body is not None:
        kwargs["json"] = filler.fill(body)
    return Call(route.method, path, headers, params, kwargs, filler.sent)


@dataclass(frozen=True)
class Case:
    route: Route
    kind: str  # cross_tenant | foreign_ids | foreign:<param> | ref:<name> | control | signed_link

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.route.key}"


ALL_IDS = frozenset(PARAMS.values()) | frozenset(OVERRIDES.values())


def object_slots(route: Route) -> set[str]:
    """The world ids a request of the route carries besides the tenant: path, body and query."""
    return ({slot(route, p) for p in route.params} | set(references(route))) - {"tenantId"} - NOT_REFERENCES


def path_objects(route: Route) -> set[str]:
    return {slot(route, p) for p in route.params} - {"tenantId"} - NOT_REFERENCES


def is_material_link(route: Route) -> bool:
    """A material route a signed link in an answer opens (materials/links.py)."""
    return route.method == "GET" and "/material/" in route.path and route.path.endswith(
        ("/stream", "/stream/thumbnail", "/html"))


def cases_of(route: Route) -> list[Case]:
    family, slots, refs = route.family, object_slots(route), references(route)
    cases = []
    if family in ("tenant", "callback") or slots:  # an Aily upload with A's token names nothing of B
        cases.append(Case(route, "cross_tenant"))
    if slots and family != "callback":
        cases.append(Case(route, "foreign_ids"))
    # One foreign path id under A's others (B's rule under A's robot), where that differs from foreign_ids.
    in_path = sorted(path_objects(route))
    if len(in_path) > 1 or (in_path and refs):
        cases += [Case(route, f"foreign:{name}") for name in in_path]
    # A ref case differs from foreign_ids when something else of the request stays A's.
    cases += [Case(route, f"ref:{name}") for name in refs if path_objects(route) or set(refs) - {name}]
    # Every write but a delete (and every read with references) succeeds with A's ids alone: the samples work.
    if refs or (route.method != "GET" and route.method != "DELETE"):
        cases.append(Case(route, "control"))
    if (family == "aily" and route.path.endswith("/content")) or is_material_link(route):
        cases.append(Case(route, "signed_link"))
    return cases


CASES = [case for route in MATRIX for case in cases_of(route)]


# -- what an answer may show -----------------------------------------------------------------------------

def leaked(response: httpx.Response | str, victim: World, sent: set[str]) -> list[str]:
    """The victim's markers in the answer, once the victim's values the request carried are blanked out."""
    text = response if isinstance(response, str) else response.content.decode("utf-8", "replace")
    for value in sorted(sent, key=len, reverse=True):
        if len(value) >= 8:
            text = text.replace(value, "<sent>")
    return sorted(m for m in victim.markers() if m in text)


def tenant_ids(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("tenantId", "tenant_id"):
                yield v
            yield from tenant_ids(v)
    elif isinstance(value, list):
        for v in value:
            yield from tenant_ids(v)


def check_error_envelope(route: Route, response: httpx.Response) -> None:
    body = response.json()
    if route.family in ("tenant", "widget"):
        assert body["status"] == "FAIL" and body["errorCode"] and body["errorDescription"], body
    elif route.family == "aily":
        assert set(body) == {"code", "msg", "data"} and body["code"] != 0, body
    else:
        assert body["code"] == response.status_code and body["msg"], body


def check_answer(case: Case, call: Call, response: httpx.Response, victim: World) -> None:
    status = response.status_code
    where = f"{case.id}: {call.method} {call.path} {call.params} → {status} {response.text[:500]}"
    assert status < 500, where
    assert not leaked(response, victim, call.sent), f"{where}\nleaked: {leaked(response, victim, call.sent)}"
    if 200 <= status < 300:
        if response.headers.get("content-type", "").startswith("application/json"):
            assert victim.tenant_id not in set(tenant_ids(response.json())), f"{where}\nan object of B's tenant"
    else:
        check_error_envelope(case.route, response)


# -- fixtures --------------------------------------------------------------------------------------------

# What moves by itself between two reads: the expiry and signature of signed download links (minted per
# read), and when the knowledge health report was made.
VOLATILE = [
    (re.compile(r"expires=\d+&signature=[A-Za-z0-9_\-]+"), "expires=…&signature=…"),
    (re.compile(r'"(expired_at|generatedAt)": ?"?\d+"?'), r'"\1": …'),
]


def normalised(response: httpx.Response) -> str:
    text = response.content.decode("utf-8", "replace")
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def signed(server: LiveServer, path: str) -> tuple[str, dict[str, str]]:
    if path.startswith(AILY):
        url = signed_url(server.ctx.secret_key, "", path)["url"]
    else:
        url = signed_path(path, server.ctx.secret_key, int(time.time()), 3600)
    bare, _, query = url.partition("?")
    return bare, dict(part.split("=", 1) for part in query.split("&"))


def snapshot(server: LiveServer, http: httpx.Client, world: World) -> dict[str, tuple[int, str]]:
    """Every GET route of the table, filled with the world's ids, through the world's own token (for the Aily
    API too: not its key, whose last use is shown)."""
    seen = {}
    for route in MATRIX:
        if route.method != "GET":
            continue
        call = build_call(route, world, world, world)
        if route.path.endswith("/content"):  # the signed links the world's messages carry
            call.path, call.params = signed(server, call.path)
        response = call.send(http)
        seen[route.key] = (response.status_code, normalised(response))
    return seen


def differences(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> str:
    out = []
    for key, (status, text) in before.items():
        new_status, new_text = after.get(key, (None, ""))
        if (status, text) != (new_status, new_text):
            diff = difflib.unified_diff(text.split(","), new_text.split(","), lineterm="", n=1)
            out.append(f"{key}: {status} → {new_status}\n" + "\n".join(itertools.islice(diff, 40)))
    return "\n\n".join(out)


@dataclass
class Pair:
    server: LiveServer
    a: World
    b: World
    sent: set[str] = field(default_factory=set)  # B's values A's requests carried (A may have stored them)


@pytest.fixture(scope="module")
def pair(server: LiveServer) -> Iterator[Pair]:
    with worlds(server, "A", "B") as (a, b):
        before = snapshot(server, a.http, b)
        failing = {k: v for k, v in before.items() if v[0] != 200}
        assert not failing, f"GET routes that B's own ids do not open (the tables name no real object): {failing}"
        pair = Pair(server, a, b)
        yield pair
        after = snapshot(server, a.http, b)
        assert after == before, f"B's world changed:\n{differences(before, after)}"
        for key, (status, text) in snapshot(server, a.http, a).items():
            shown = leaked(text, b, pair.sent)  # an id of B that A sent may be in A's objects: A typed it
            assert not shown, f"A's {key} ({status}) shows B's {shown}"


# -- the tests -------------------------------------------------------------------------------------------

def test_every_route_is_in_the_matrix() -> None:
    """A route family added later fails here until its parameters, queries and bodies are in the tables."""
    keys = {r.key for r in ROUTES}
    assert keys >= PUBLIC, PUBLIC - keys
    unknown = [r.key for r in MATRIX if r.family is None]
    assert not unknown, f"routes in no family (add the family, or to PUBLIC if nothing of a tenant is behind it): " \
                        f"{unknown}"
    unmapped = sorted({f"{r.key}: {p}" for r in MATRIX for p in r.params if slot(r, p) not in ALL_IDS})
    assert not unmapped, f"path parameters with no world id in PARAMS: {unmapped}"
    bodiless = sorted(r.key for r in MATRIX if r.method != "GET" and r.key not in BODIES)
    assert not bodiless, f"write routes with no sample body in BODIES (None if they take none): {bodiless}"
    queries = sorted(f"{r.key}: {q}" for r in MATRIX for q in r.required_query if q not in QUERIES.get(r.key, {}))
    assert not queries, f"required query parameters missing from QUERIES: {queries}"
    stale = sorted((set(BODIES) | set(QUERIES) | set(CONTROL_ALSO)) - keys)
    assert not stale, f"table entries for routes that no longer exist: {stale}"


def call_for(case: Case, pair: Pair) -> Call:
    a, b, route = pair.a, pair.b, case.route
    everything = ALL_IDS | set(references(route)) | {"tenantId"}
    kind, _, name = case.kind.partition(":")
    if kind == "cross_tenant":
        return build_call(route, a, b, b, everything, everything)
    if kind == "foreign_ids":
        foreign = everything - {"tenantId"}
        return build_call(route, a, a, b, foreign, foreign, key=True)
    if kind == "foreign":
        return build_call(route, a, a, b, in_path={name}, key=True)
    if kind == "ref":
        return build_call(route, a, a, b, in_refs={name}, key=True)
    if kind == "signed_link":  # the link A was given for its own file, pointed at B's
        _, signature = signed(pair.server, build_call(route, a, a, b).path)
        call = build_call(route, a, b, b, everything, everything)
        call.headers, call.params = {}, signature
        return call
    assert kind == "control", kind
    call = build_call(route, a, a, a, key=True)
    if route.family == "callback" and a.app:  # Feishu's challenge: a message would make the server call Feishu
        challenge = {"type": "url_verification", "challenge": "probe", "token": a.app.verification_token}
        call.kwargs["content"] = json.dumps(challenge).encode()
    return call


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_isolation(pair: Pair, case: Case) -> None:
    call = call_for(case, pair)
    pair.sent |= call.sent
    response = call.send(pair.a.http)
    check_answer(case, call, response, pair.b)
    status, route, kind = response.status_code, case.route, case.kind.partition(":")[0]
    shown = f"{case.id}: {status} {response.text[:500]}"
    if kind == "control":
        assert 200 <= status < 300 or status in CONTROL_ALSO.get(route.key, set()), f"a broken sample: {shown}"
    elif kind == "cross_tenant":
        assert status in (401, 403, 404), shown
    elif kind in ("foreign", "signed_link") or (kind == "foreign_ids" and path_objects(route)):
        # B's object named in the path is not found. B's ids only in the body or query (foreign_ids without
        # path objects, ref) are refused or may be mere filters (a search by sender): a clean 2xx is fine.
        assert 400 <= status < 500, shown
    elif kind == "ref" and status >= 400:
        # Refused for B's id, not for something else (a 4xx for a broken sample would prove nothing): the
        # error names the id or the field that carried it.
        name = case.kind.partition(":")[2]
        fields = fields_naming(BODIES.get(route.key), name) | fields_naming(QUERIES.get(route.key, {}), name)
        named = {v for v in call.sent if len(v) >= 8} | fields
        assert any(v in response.text for v in named), f"refused for another reason? {shown}"
