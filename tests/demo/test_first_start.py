"""What the very first start decides for good: the demo admin's password and the token secret.

- HUIDA_ADMIN_PASSWORD, when set, is the demo admin's password (stored as an Argon2 hash, never in clear);
- without HUIDA_SECRET_KEY a secret is generated once and stored, so every process (and every restart) on
  that database accepts the same tokens; a configured HUIDA_SECRET_KEY wins over the stored one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
from sqlalchemy import select

from huida.auth.models import User
from huida.context import AppContext, build_context
from huida.demo.seed import DEMO_USERNAME, ensure_demo
from tests.support.server import serve_app, settings_for_tests

TOKEN_URL = "/v10/commons/integration/token"


def login(base_url: str, password: str) -> httpx.Response:
    return httpx.post(f"{base_url}{TOKEN_URL}", json={"username": DEMO_USERNAME, "password": password}, timeout=30)


def robots(base_url: str, tenant_id: int, token: str) -> httpx.Response:
    return httpx.get(f"{base_url}/v10/tenants/{tenant_id}/robots", headers={"token": token}, timeout=30)


def context(db_url: str, data_dir: Path, **overrides: object) -> AppContext:
    return build_context(replace(settings_for_tests(db_url, data_dir), **overrides))


def test_the_admin_password_comes_from_the_setting(fresh_db_url: str, tmp_path: Path) -> None:
    ctx = context(fresh_db_url, tmp_path / "data", admin_password="演示-Passw0rd-2026")
    try:
        info = ensure_demo(ctx)
        assert info is not None and info.password is None  # supplied by the operator: never handed back to print
        with ctx.db.session() as session:
            stored = session.scalar(select(User.password_hash).where(User.username == DEMO_USERNAME))
        assert stored and stored.startswith("$argon2id$") and "Passw0rd" not in stored
        with serve_app(ctx) as base_url:
            assert login(base_url, "演示-Passw0rd-2026").status_code == 200
            refused = login(base_url, "wrong-password")
            assert refused.status_code == 401 and refused.json()["status"] == "FAIL"
    finally:
        ctx.db.dispose()


def test_a_generated_secret_is_stored_and_shared_by_every_process(fresh_db_url: str, tmp_path: Path) -> None:
    first = context(fresh_db_url, tmp_path / "a", secret_key=None)
    second = context(fresh_db_url, tmp_path / "b", secret_key=None)
    configured = context(fresh_db_url, tmp_path / "c", secret_key="another-configured-secret-0123456789")
    try:
        assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
        assert configured.secret_key == "another-configured-secret-0123456789"
        info = ensure_demo(first)
        assert info is not None and info.password is not None  # generated: printed once
        with serve_app(first) as base_url:
            token = login(base_url, info.password).json()["entity"]["token"]
            assert robots(base_url, info.tenant_id, token).status_code == 200
        with serve_app(second) as base_url:  # a second process, or the same one restarted
            assert robots(base_url, info.tenant_id, token).status_code == 200
        with serve_app(configured) as base_url:  # HUIDA_SECRET_KEY set: tokens of the stored secret are foreign
            refused = robots(base_url, info.tenant_id, token)
            assert refused.status_code == 401 and refused.json()["status"] == "FAIL"
    finally:
        for ctx in (first, second, configured):
            ctx.db.dispose()
