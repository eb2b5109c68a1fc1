"""Fixtures for the materials tests: a non-admin user of the `api` tenant."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from huida.auth.security import issue_token
from huida.auth.service import create_user
from tests.support.client import Api


@pytest.fixture
def agent(api: Api) -> Iterator[httpx.Client]:
    """An HTTP client carrying the token of an agent (not an admin) of the `api` tenant."""
    username = f"agent-{uuid.uuid4().hex[:8]}@example.com"
    with api.server.ctx.db.session() as session:
        user_id = create_user(session, api.tenant_id, username, "agent password 1", role="agent").id
    token, _ = issue_token(api.server.ctx.secret_key, tenant_id=api.tenant_id, user_id=user_id,
                           username=username, role="agent", ttl_seconds=3600)
    with httpx.Client(base_url=api.server.base_url, timeout=30, headers={"token": token}) as client:
        yield client
