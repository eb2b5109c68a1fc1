"""Schemathesis against the real server: every operation of /openapi.json, every check, 0 failures.

The document is the contract (huida.api.openapi makes it say what the server does); Schemathesis draws
valid and invalid requests from it and checks each answer: no 5xx, a documented status, the documented
content type and body schema, auth enforced where declared, invalid input refused, 405 with `Allow`.
A seeded tenant (robot, rule, category, session, article, image, webhook, channel, key, Aily session...)
is named in path parameters part of the time, so requests reach real objects as well as unknown ids.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from huida.app import create_app
from huida.context import build_context
from tests.materials.imaging import picture
from tests.support.client import Api, new_tenant
from tests.support.server import LiveServer, settings_for_tests, start_server

# Bounded so the module stays within a few minutes on two cores (about 100 operations, three phases).
MAX_EXAMPLES = 6
SEED = 20261207
# A valid request's path names a seeded object this often; otherwise the value Schemathesis drew.
KNOWN_ID_SHARE = 0.6


@dataclass
class Seeded:
    """The seeded tenant and the ids of its objects, by path parameter name."""

    api: Api
    ids: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, *values: Any) -> None:
        self.ids.setdefault(name, []).extend(str(v) for v in values if v is not None)


def _seed_knowledge(api: Api, seeded: Seeded) -> str:
    robot = api.new_robot("模式测试机器人")
    rule = api.new_rule(robot, ["怎么退款", "如何退款"], "七天内可以无理由退款")
    category = api.ok("POST", f"/knowledge/robots/{robot}/categories", json={"name": "售后"})
    seeded.add("robotId", robot)
    seeded.add("ruleId", rule["id"] if "id" in rule else rule.get("ruleId"))
    seeded.add("categoryId", category.get("id"))
    return robot


def _seed_conversation(api: Api, seeded: Seeded, robot: str) -> None:
    answer = api.ok("POST", f"/knowledge/robots/{robot}/ask", json={"question": "怎么退款", "userId": "visitor-1"})
    seeded.add("sessionId", answer.get("sessionId"))
    seeded.add("msgId", answer.get("msgId"))
    levels = api.ok("GET", f"/comment/robots/{robot}/tags")
    for level in levels if isinstance(levels, list) else []:
        seeded.add("levelId", level.get("id"))
        seeded.add("tagId", *(tag.get("id") for tag in level.get("tags") or []))
    reasons = api.ok("GET", f"/comment/robots/{robot}/satisfactionCommentTags")
    seeded.add("tagId", *(reason.get("id") for reason in reasons))
    seeded.add("optionName", "satisfactionCommentInviteSwitch", "robotSatisfactionSwitch")


def _seed_materials(api: Api, seeded: Seeded) -> None:
    media = api.ok("POST", "/material/medias", content=picture("PNG", (32, 32)),
                   headers={"content-type": "image/png"}, params={"filename": "a.png"})
    article = api.ok("POST", "/material/news/articles", json={"title": "退款说明", "html": "<p>七天</p>"})
    seeded.add("mediaId", media.get("mediaId") or media.get("id"))
    seeded.add("articleId", article.get("articleId") or article.get("id"))


def _seed_integrations(api: Api, seeded: Seeded, robot: str) -> None:
    hook = api.ok("POST", f"/robots/{robot}/webhooks",
                  json={"url": "http://127.0.0.1:9/hook", "secret": "s" * 24, "events": ["feedback"]})
    seeded.add("webhookId", hook["webhookId"])
    delivery = api.ok("POST", f"/robots/{robot}/webhooks/{hook['webhookId']}/ping")
    seeded.add("deliveryId", delivery.get("deliveryId") or delivery.get("id"))
    channel = api.ok("POST", f"/v10/tenants/{api.tenant_id}/channels/feishu",
                     json={"robotId": robot, "appId": "cli_test", "appSecret": "x" * 16})
    seeded.add("channelId", channel["channelId"])
    key = api.ok("POST", f"/robots/{robot}/api-keys", json={"name": "schemathesis"})
    seeded.add("keyId", key.get("keyId") or key.get("id"))


def _seed_aily(api: Api, seeded: Seeded, robot: str) -> None:
    aily = api.post("/open-apis/aily/v1/sessions", json={"robot_id": robot}).json()["data"]["session"]
    seeded.add("aily_session_id", aily["id"])
    message = api.post(f"/open-apis/aily/v1/sessions/{aily['id']}/messages",
                       json={"idempotent_id": "seed-1", "content_type": "TEXT", "content": "怎么退款"}).json()
    seeded.add("message_id", message["data"]["message"]["id"])
    run = api.post(f"/open-apis/aily/v1/sessions/{aily['id']}/runs", json={}).json()
    seeded.add("run_id", run["data"]["run"]["id"])
    upload = api.post("/open-apis/aily/v1/files", content=b"hello", params={"file_name": "a.txt"}).json()
    seeded.add("file_id", upload["data"]["file"]["id"])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of this module's own, on SQLite only: the document and the answers' conformance to it do
    not depend on the database (the rest of the suite runs every route on PostgreSQL too), and the
    thousands of made-up logins here would otherwise lock 127.0.0.1 out of the shared server's logins."""
    data_dir = tmp_path_factory.mktemp("schemathesis")
    with start_server(f"sqlite:///{data_dir / 'huida.db'}", data_dir) as live:
        yield live


@pytest.fixture(scope="module")
def seeded(server: LiveServer) -> Iterator[Seeded]:
    with new_tenant(server) as api:
        seeded = Seeded(api)
        seeded.add("tenantId", api.tenant_id)
        api.ok("PUT", "/sso", json={"secret": "s" * 32, "allowedOrigins": ["https://example.com"]})
        robot = _seed_knowledge(api, seeded)
        _seed_conversation(api, seeded, robot)
        _seed_materials(api, seeded)
        _seed_integrations(api, seeded, robot)
        _seed_aily(api, seeded, robot)
        yield seeded


def _document() -> dict[str, Any]:
    """The served document, built from the app itself (the same code answers GET /openapi.json)."""
    data_dir = Path(tempfile.mkdtemp(prefix="huida-openapi-"))
    ctx = build_context(settings_for_tests(f"sqlite:///{data_dir / 'huida.db'}", data_dir, run_worker=False))
    try:
        return create_app(ctx=ctx).openapi()
    finally:
        ctx.db.dispose()
        shutil.rmtree(data_dir, ignore_errors=True)


# `positive_data_acceptance` (a request valid by the schema gets no 400) cannot hold where the server checks
# what JSON Schema cannot say; each is narrowed for its operation only, with the reason.
SCHEMA_CANNOT_SAY = {
    ("POST", "/v10/tenants/{tenantId}/knowledge/robots/{robotId}/ask"):
        "body copies of the path ids must equal the path; TEXT needs a question or a knowledgeId",
    ("POST", "/v10/tenants/{tenantId}/comment/robots/{robotId}/comments"):
        "body copies of the path ids must equal the path; tags must belong to the score's level",
    ("POST", "/v10/tenants/{tenantId}/comment/robots/{robotId}/satisfactionComments"):
        "body copies of the path ids must equal the path; the message must be the session's",
    ("POST", "/v10/tenants/{tenantId}/knowledge/robots/{robotId}/messages/{msgId}/feedback"):
        "a feedback text is accepted with thumb-down only",
    ("POST", "/v10/tenants/{tenantId}/knowledge/robots/{robotId}/rules"):
        "a rule's questions must not be blank once trimmed, and each answer type needs its own fields",
    ("PUT", "/v10/tenants/{tenantId}/knowledge/robots/{robotId}/rules/{ruleId}"):
        "a rule's questions must not be blank once trimmed, and each answer type needs its own fields",
    ("POST", "/v10/tenants/{tenantId}/robots"): "`settings` is merged into the robot's and checked as a whole",
    ("PUT", "/v10/tenants/{tenantId}/robots/{robotId}"): "`settings` is merged into the robot's and checked as a whole",
    ("POST", "/v10/tenants/{tenantId}/material/news/articles"): "media ids in the body must name stored images",
    ("PUT", "/v10/tenants/{tenantId}/material/news/articles/{articleId}"): "media ids must name stored images",
    ("POST", "/v10/tenants/{tenantId}/material/medias"): "the bytes must decode as an image of a supported type",
    ("POST", "/v10/tenants/{tenantId}/knowledge/robots/{robotId}/evaluate"): "the body is JSONL of labelled queries",
    ("POST", "/open-apis/aily/v1/sessions"): "robot_id is required with a user's token, not with a robot's key",
    ("GET", "/open-apis/aily/v1/sessions/{aily_session_id}/runs"): "page_token is opaque and signed",
    ("GET", "/open-apis/aily/v1/sessions/{aily_session_id}/messages"): "page_token is opaque and signed",
    ("GET", "/v10/tenants/{tenantId}/conversations/messages"):
        "exactly one of chat_id and open_id; the time filters must agree; page_token is opaque and signed",
    ("GET", "/v10/tenants/{tenantId}/conversations/search"): "at least one filter; page_token is opaque and signed",
    ("GET", "/v10/tenants/{tenantId}/conversations/threads/{thread_id}/messages"): "page_token is opaque and signed",
}
# `allow_header_conformance` compares `Allow` with one path of the document, but these fixed paths are also
# matched by `.../rules/{ruleId}`, whose GET, PUT and DELETE the server really allows on them.
OVERLAPPING_PATHS = [
    "/v10/tenants/{tenantId}/knowledge/robots/{robotId}/rules/import",
    "/v10/tenants/{tenantId}/knowledge/robots/{robotId}/rules/export",
    "/v10/tenants/{tenantId}/knowledge/robots/{robotId}/rules/search",
]


def _narrowed() -> list[dict[str, Any]]:
    off = [{"include-method": method, "include-path": path, "checks": {"positive_data_acceptance": {"enabled": False}}}
           for method, path in SCHEMA_CANNOT_SAY]
    return off + [{"include-path": path, "checks": {"allow_header_conformance": {"enabled": False}}}
                  for path in OVERLAPPING_PATHS]


# Loaded at import so that each operation is its own test (xdist spreads them over the workers).
schema = schemathesis.openapi.from_dict(_document(), config=SchemathesisConfig.from_dict({
    "seed": SEED, "generation": {"mode": "all", "max-examples": MAX_EXAMPLES}, "operations": _narrowed(),
}))
_draw = random.Random(SEED)


def _aim_at_seeded_objects(case: Any, seeded: Seeded) -> None:
    """A valid request names the seeded tenant, and its other ids name seeded objects part of the time.
    Invalid requests keep what Schemathesis drew: replacing a value could make them valid."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if case.query and "tenantId" in case.query:  # single sign-on names the tenant in its query
        case.query["tenantId"] = int(seeded.ids["tenantId"][0])
    for name in case.path_parameters or {}:
        known = seeded.ids.get(name)
        if known and (name == "tenantId" or _draw.random() < KNOWN_ID_SHARE):
            value = _draw.choice(known)
            case.path_parameters[name] = int(value) if name == "tenantId" else value


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_document(case: Any, server: LiveServer, seeded: Seeded) -> None:
    _aim_at_seeded_objects(case, seeded)
    case.call_and_validate(base_url=server.base_url, headers={"token": seeded.api.token})
