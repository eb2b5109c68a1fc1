"""Tenant isolation on every ratings and feedback route: another tenant's path is 403 and changes nothing;
another tenant's robot under your own path is 404, and so are its levels, tags, sessions and messages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from huida.feedback.models import CommentLevel, CommentTag, RobotOption, SatisfactionTag
from tests.feedback.helpers import REFUND_Q, Desk, ratings_stored, talk
from tests.support.client import Api, expect_error, new_tenant
from tests.support.server import LiveServer


@dataclass
class Ids:
    robot: str
    level: int
    tag: int
    reason: int
    session: str
    msg: str


# (method, path under /v10/tenants/{tenantId}, body, the not-found code when the robot is yours but the rest is not)
ROUTES: list[tuple[str, str, dict[str, Any] | None, str | None]] = [
    ("GET", "/predefined/robots/{robot}/options/evaluateSwitch", None, None),
    ("PUT", "/predefined/robots/{robot}/options/evaluateSwitch", {"optionValue": "false"}, None),
    ("GET", "/comment/robots/{robot}/tags", None, None),
    ("POST", "/comment/robots/{robot}/levels", {"name": "新等级", "score": 1}, None),
    ("GET", "/comment/robots/{robot}/levels/{level}", None, "COMMENT_LEVEL_NOT_FOUND"),
    ("PUT", "/comment/robots/{robot}/levels/{level}", {"name": "改名"}, "COMMENT_LEVEL_NOT_FOUND"),
    ("DELETE", "/comment/robots/{robot}/levels/{level}", None, "COMMENT_LEVEL_NOT_FOUND"),
    ("POST", "/comment/robots/{robot}/levels/{level}/tags", {"name": "新标签"}, "COMMENT_LEVEL_NOT_FOUND"),
    ("PUT", "/comment/robots/{robot}/levels/{level}/tags/{tag}", {"name": "改名"}, "COMMENT_LEVEL_NOT_FOUND"),
    ("DELETE", "/comment/robots/{robot}/levels/{level}/tags/{tag}", None, "COMMENT_LEVEL_NOT_FOUND"),
    ("POST", "/comment/robots/{robot}/comments", {"sessionId": "{session}", "score": 5}, "SESSION_NOT_FOUND"),
    ("GET", "/comment/robots/{robot}/comment?sessionId={session}", None, "SESSION_NOT_FOUND"),
    ("GET", "/comment/robots/{robot}/satisfactionCommentTags", None, None),
    ("POST", "/comment/robots/{robot}/satisfactionCommentTags", {"name": "新原因"}, None),
    ("PUT", "/comment/robots/{robot}/satisfactionCommentTags/{reason}", {"name": "改名"},
     "SATISFACTION_COMMENT_TAG_NOT_FOUND"),
    ("DELETE", "/comment/robots/{robot}/satisfactionCommentTags/{reason}", None, "SATISFACTION_COMMENT_TAG_NOT_FOUND"),
    ("POST", "/comment/robots/{robot}/satisfactionComments", {"sessionId": "{session}", "msgId": "{msg}", "type": 1},
     "SESSION_NOT_FOUND"),
    ("GET", "/comment/robots/{robot}/session/{session}/satisfactionComments", None, "SESSION_NOT_FOUND"),
    ("POST", "/knowledge/robots/{robot}/messages/{msg}/feedback", {"feedbackStatus": "thumb-up"}, "MESSAGE_NOT_FOUND"),
    ("GET", "/knowledge/robots/{robot}/messages/{msg}/feedback", None, "MESSAGE_NOT_FOUND"),
]


def ids_of(desk: Desk) -> Ids:
    level = desk.api.ok("GET", f"{desk.comment}/tags")[0]
    reason = desk.api.ok("GET", f"{desk.comment}/satisfactionCommentTags")[0]
    [answer] = talk(desk, REFUND_Q)
    return Ids(desk.robot, level["id"], level["tagList"][0]["id"], reason["id"], answer["sessionId"], answer["msgId"])


def fill(template: Any, ids: Ids, **mine: Any) -> Any:
    values = {**ids.__dict__, **mine}
    if isinstance(template, dict):
        return {k: fill(v, ids, **mine) for k, v in template.items()}
    if isinstance(template, str):
        return template.format(**values)
    return template


def state(api: Api, robot: str) -> tuple[Any, ...]:
    """Everything of the robot a route could change."""
    with api.server.ctx.db.read() as session:
        counts = tuple(session.scalar(select(func.count()).select_from(m).where(m.robot_id == robot))
                       for m in (CommentLevel, CommentTag, SatisfactionTag, RobotOption))
        names = tuple(session.scalars(select(CommentLevel.name).where(CommentLevel.robot_id == robot)
                                      .order_by(CommentLevel.id)))
    return counts, names, ratings_stored(api, robot), api.ok("GET", f"/robots/{robot}")["settings"]["evaluateSwitch"]


@pytest.fixture(scope="module")
def mine(hook_server: LiveServer) -> Iterator[Desk]:
    """Nothing is expected to change, so both tenants are shared by the module (robots without rules:
    the default reply is an answer like any other)."""
    with new_tenant(hook_server) as api:
        yield Desk(api, api.new_robot())


@pytest.fixture(scope="module")
def other(hook_server: LiveServer) -> Iterator[Desk]:
    with new_tenant(hook_server) as api:
        yield Desk(api, api.new_robot())


@pytest.fixture(scope="module")
def theirs(other: Desk) -> Ids:
    return ids_of(other)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_another_tenants_path_is_403_and_changes_nothing(mine: Desk, other: Desk, theirs: Ids, route: tuple) -> None:
    method, path, body, _ = route
    before = state(other.api, theirs.robot)
    url = f"/v10/tenants/{other.api.tenant_id}{fill(path, theirs)}"
    expect_error(mine.api.request(method, url, json=fill(body, theirs)), 403, "FORBIDDEN")
    assert state(other.api, theirs.robot) == before


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_another_tenants_robot_and_its_things_are_404(mine: Desk, other: Desk, theirs: Ids, route: tuple) -> None:
    method, path, body, code = route
    before = state(other.api, theirs.robot)
    expect_error(mine.api.request(method, fill(path, theirs), json=fill(body, theirs)), 404, "ROBOT_NOT_FOUND")
    if code is not None:  # my robot, their level, tag, reason, session or message
        url = fill(path, theirs, robot=mine.robot)
        expect_error(mine.api.request(method, url, json=fill(body, theirs, robot=mine.robot)), 404, code)
    assert state(other.api, theirs.robot) == before
