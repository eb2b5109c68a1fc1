"""Roles: every route names the least role it needs, and each role gets exactly that (auth/roles.py).

    viewer < agent < editor < admin
    a call that needs more than the caller's role → 403 {AGENT|EDITOR|ADMIN}_REQUIRED, and nothing changes

The first test reads the app's own route table, so a route added later without the right dependency fails
here until the table below says which role it needs.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from huida.app import ROUTERS
from huida.auth.roles import ROLES, allows
from huida.auth.security import issue_token
from huida.auth.service import create_user
from tests.support.client import Api, expect_error, new_tenant
from tests.support.server import LiveServer

# (methods, path pattern, least role): the first row that matches a tenant route decides.
POLICY: list[tuple[str, str, str]] = [
    ("GET PUT", r"/sso$", "admin"),  # the tenant's single sign-on secret and trust
    ("GET", r".", "viewer"),  # every other read
    ("POST PUT DELETE", r"/(webhooks|api-keys|widget-keys|channels/feishu)\b", "admin"),  # what calls out or lets in
    ("POST", r"/robots$", "admin"),
    ("DELETE", r"/robots/\{robotId\}$", "admin"),
    ("POST", r"/(ask|visitor-welcome|transfer-human-confirmation|hit-test|comments|satisfactionComments"
             r"|feedback)$", "agent"),  # a conversation
    ("POST PUT DELETE", r".", "editor"),  # knowledge, materials, robot settings, rating tags, evaluations
]
# member_or_signed: any member's token, or a signed link a visitor got in an answer (materials/links.py).
GUARDS = {"tenant_principal": "viewer", "reader": "viewer", "member_or_signed": "viewer", "require_agent": "agent",
          "require_editor": "editor", "require_admin": "admin"}


def _dependencies(dependant: Any) -> Iterator[str]:
    for sub in dependant.dependencies:
        yield getattr(sub.call, "__name__", "")
        yield from _dependencies(sub)


def declared_role(route: APIRoute) -> str | None:
    """The strongest role guard among the route's dependencies (None: not a tenant-member route)."""
    roles = [GUARDS[name] for name in _dependencies(route.dependant) if name in GUARDS]
    return max(roles, key=ROLES.index) if roles else None


def expected_role(method: str, path: str) -> str:
    return next(role for methods, pattern, role in POLICY if method in methods.split() and re.search(pattern, path))


TENANT_ROUTES = [(method, route.path, route) for router in ROUTERS for route in router.routes
                 if isinstance(route, APIRoute) and "{tenantId}" in route.path for method in sorted(route.methods)]


@pytest.mark.parametrize(("method", "path", "route"), TENANT_ROUTES, ids=[f"{m} {p}" for m, p, _ in TENANT_ROUTES])
def test_every_tenant_route_needs_the_role_its_family_needs(method: str, path: str, route: APIRoute) -> None:
    assert declared_role(route) == expected_role(method, path)


# --- each role against one call of every family, over HTTP ----------------------------------------------

RULE = {"questions": ["角色测试的问题"], "answer": "角色测试的答案"}
# (family, method, path, body); {robot} is filled in. Reads first, then writes from the least privileged up.
CALLS: list[tuple[str, str, str, dict[str, Any] | None]] = [
    ("robots", "GET", "/robots", None),
    ("knowledge", "GET", "/knowledge/robots/{robot}/rules/search", None),
    ("reading", "GET", "/conversations/search?query=你好", None),
    ("conversation", "POST", "/knowledge/robots/{robot}/ask", {"question": "你好", "userId": "role-visitor"}),
    ("hit test", "POST", "/knowledge/robots/{robot}/hit-test", {"question": "你好"}),
    ("knowledge", "POST", "/knowledge/robots/{robot}/rules", RULE),
    ("categories", "POST", "/knowledge/robots/{robot}/categories", {"name": "角色分类"}),
    ("robot settings", "PUT", "/robots/{robot}", {"name": "改名的机器人"}),
    ("materials", "DELETE", "/material/medias/no-such-media", None),
    ("rating tags", "POST", "/comment/robots/{robot}/satisfactionCommentTags", {"name": "太慢"}),
    ("comment levels", "POST", "/comment/robots/{robot}/levels", {"name": "满意", "score": 5}),
    ("robots", "POST", "/robots", {"name": "新机器人"}),
    ("webhooks", "POST", "/robots/{robot}/webhooks", {"url": "https://hooks.example.com/huida"}),
    ("api keys", "POST", "/robots/{robot}/api-keys", {"name": "角色测试"}),
    ("feishu", "DELETE", "/channels/feishu/no-such-channel", None),
    ("sso", "GET", "/sso", None),
]


@pytest.fixture(scope="module")
def owner(server: LiveServer) -> Iterator[Api]:
    with new_tenant(server) as client:
        yield client


@pytest.fixture(scope="module")
def robot(owner: Api) -> str:
    return owner.new_robot("角色测试机器人")


def member(owner: Api, role: str) -> httpx.Client:
    """A client with the token of a new user of `role` in the owner's tenant (its user id in `.user_id`)."""
    with owner.server.ctx.db.session() as session:
        user = create_user(session, owner.tenant_id, f"{role}-{uuid.uuid4().hex[:8]}", "a role's password",
                           role=role)
        user_id, username = user.id, user.username
    token, _ = issue_token(owner.server.ctx.secret_key, tenant_id=owner.tenant_id, user_id=user_id,
                           username=username, role=role, ttl_seconds=600)
    client = httpx.Client(base_url=f"{owner.server.base_url}/v10/tenants/{owner.tenant_id}",
                          headers={"token": token, "x-user-id": user_id}, timeout=30)
    return client


def snapshot(owner: Api, robot: str) -> Any:
    return (owner.ok("GET", "/robots"), owner.ok("GET", f"/knowledge/robots/{robot}/rules/search"),
            owner.ok("GET", f"/comment/robots/{robot}/satisfactionCommentTags"),
            owner.ok("GET", f"/robots/{robot}/webhooks"), owner.ok("GET", f"/robots/{robot}/api-keys"))


@pytest.mark.parametrize("role", ROLES)
def test_each_role_does_what_its_family_allows_and_nothing_more(owner: Api, robot: str, role: str) -> None:
    with member(owner, role) as client:
        for family, method, path, body in CALLS:
            needed = expected_role(method, path.split("?")[0].replace("{robot}", "{robotId}"))
            before = snapshot(owner, robot)
            response = client.request(method, path.format(robot=robot), json=body)
            if allows(role, needed):
                assert response.status_code < 500 and response.status_code != 403, (role, family, response.text)
            else:
                expect_error(response, 403, f"{needed.upper()}_REQUIRED")
                assert snapshot(owner, robot) == before, (role, family)


def test_a_demoted_user_loses_the_role_within_seconds(owner: Api, robot: str) -> None:
    """The role is read from the database (cached for 5 s), not trusted from a 7-day token."""
    import time

    from huida.auth.models import User

    with member(owner, "editor") as client:
        assert client.post(f"/knowledge/robots/{robot}/categories", json={"name": "降级前"}).status_code == 200
        with owner.server.ctx.db.session() as session:
            user = session.get(User, client.headers["x-user-id"])
            assert user is not None
            user.role = "viewer"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            response = client.post(f"/knowledge/robots/{robot}/categories", json={"name": "降级后"})
            if response.status_code == 403:
                break
            time.sleep(0.5)
        expect_error(response, 403, "EDITOR_REQUIRED")
