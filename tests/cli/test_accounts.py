"""Operator commands: `huida tenant create` and `huida user create` print the ids; mistakes exit non-zero."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from huida.auth.models import Tenant, User
from huida.auth.security import verify_password
from huida.cli import app

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def huida(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def field(output: str, label: str) -> str:
    match = re.search(rf"^{re.escape(label)}:\s*(\S+)\s*$", output, re.MULTILINE)
    assert match, f"no {label!r} in:\n{output}"
    return match.group(1)


def read(db: str) -> tuple[list[Tenant], list[User]]:
    engine = create_engine(db)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Tenant)).all()), list(session.scalars(select(User)).all())
    finally:
        engine.dispose()


def test_tenant_create_prints_the_ids_and_the_login(db: str) -> None:
    result = huida("tenant", "create", "--name", "示例公司", "--admin-email", "boss@example.com",
                   "--admin-password", "s3cret-enough", "--db", db)
    assert result.exit_code == 0, result.output
    tenant_id = int(field(result.output, "tenant id"))
    user_id = field(result.output, "admin user id")
    assert re.fullmatch(UUID, user_id)
    assert field(result.output, "admin login") == "boss@example.com"
    assert "s3cret-enough" not in result.output  # a password given is never echoed
    tenants, users = read(db)
    assert [(t.id, t.name) for t in tenants] == [(tenant_id, "示例公司")]
    (admin,) = users
    assert (admin.id, admin.tenant_id, admin.username, admin.role) == (user_id, tenant_id, "boss@example.com", "admin")
    assert verify_password(admin.password_hash, "s3cret-enough")


def test_tenant_create_without_a_password_prints_a_random_one(db: str) -> None:
    first = huida("tenant", "create", "--name", "甲", "--admin-email", "a@example.com", "--db", db)
    second = huida("tenant", "create", "--name", "乙", "--admin-email", "b@example.com", "--db", db)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    passwords = [field(r.output, "admin password") for r in (first, second)]
    assert passwords[0] != passwords[1] and min(len(p) for p in passwords) >= 12
    _, users = read(db)
    by_name = {u.username: u for u in users}
    assert verify_password(by_name["a@example.com"].password_hash, passwords[0])
    assert int(field(second.output, "tenant id")) != int(field(first.output, "tenant id"))


def test_the_same_admin_login_in_another_tenant_is_another_user(db: str) -> None:
    """Usernames are unique within a tenant only: a second tenant may have an admin of the same login."""
    first = huida("tenant", "create", "--name", "甲", "--admin-email", "a@example.com", "--db", db)
    second = huida("tenant", "create", "--name", "乙", "--admin-email", "a@example.com", "--db", db)
    assert first.exit_code == second.exit_code == 0
    tenants, users = read(db)
    assert [t.name for t in tenants] == ["甲", "乙"] and len({u.tenant_id for u in users}) == 2


def test_a_taken_login_in_the_same_tenant_fails_cleanly(db: str) -> None:
    tenant_id = field(huida("tenant", "create", "--name", "甲", "--admin-email", "a@example.com", "--db", db).output,
                      "tenant id")
    result = huida("user", "create", "--tenant", tenant_id, "--username", "a@example.com", "--db", db)
    assert result.exit_code != 0
    assert "already taken" in result.output and "Traceback" not in result.output
    _, users = read(db)
    assert len(users) == 1


@pytest.mark.parametrize("args", [
    ["--name", "   ", "--admin-email", "x@example.com"],
    ["--name", "名字", "--admin-email", "  "],
    ["--admin-email", "x@example.com"],
    ["--name", "名字"],
])
def test_bad_tenant_arguments_fail_cleanly(db: str, args: list[str]) -> None:
    result = huida("tenant", "create", *args, "--db", db)
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    tenants, _ = read(db) if Path(db.removeprefix("sqlite:///")).exists() else ([], [])
    assert tenants == []


def test_user_create_prints_the_id(db: str) -> None:
    tenant = huida("tenant", "create", "--name", "甲", "--admin-email", "a@example.com", "--db", db)
    tenant_id = field(tenant.output, "tenant id")
    result = huida("user", "create", "--tenant", tenant_id, "--username", "agent.li@example.com",
                   "--password", "agent-password", "--role", "agent", "--db", db)
    assert result.exit_code == 0, result.output
    user_id = field(result.output, "user id")
    assert re.fullmatch(UUID, user_id) and "agent-password" not in result.output
    _, users = read(db)
    agent = next(u for u in users if u.id == user_id)
    assert (agent.tenant_id, agent.username, agent.role, agent.email) == (int(tenant_id), "agent.li@example.com",
                                                                          "agent", "agent.li@example.com")
    assert verify_password(agent.password_hash, "agent-password")
    # Without --password one is generated and printed; the role defaults to admin.
    result = huida("user", "create", "--tenant", tenant_id, "--username", "ops", "--db", db)
    assert result.exit_code == 0, result.output
    password = field(result.output, "password")
    _, users = read(db)
    ops = next(u for u in users if u.username == "ops")
    assert ops.role == "admin" and ops.email is None and verify_password(ops.password_hash, password)


@pytest.mark.parametrize(("args", "message"), [
    (["--username", "a@example.com"], "already taken"),  # the tenant's admin
    (["--username", "new@example.com", "--role", "superuser"], "role"),
    (["--username", "   "], "username"),
    (["--username", "u" * 201], "username"),
])
def test_bad_users_fail_cleanly(db: str, args: list[str], message: str) -> None:
    tenant_id = field(huida("tenant", "create", "--name", "甲", "--admin-email", "a@example.com", "--db", db).output,
                      "tenant id")
    result = huida("user", "create", "--tenant", tenant_id, *args, "--db", db)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    _, users = read(db)
    assert [u.username for u in users] == ["a@example.com"]


@pytest.mark.parametrize("tenant", [
    "424242",
    "0",
    "99999999999999999999999",
])
def test_a_user_of_an_unknown_tenant_fails_cleanly(db: str, tenant: str) -> None:
    huida("tenant", "create", "--name", "甲", "--admin-email", "a@example.com", "--db", db)
    result = huida("user", "create", "--tenant", tenant, "--username", "x@example.com", "--db", db)
    assert result.exit_code != 0
    assert "tenant" in result.output and "Traceback" not in result.output
    _, users = read(db)
    assert [u.username for u in users] == ["a@example.com"]


def test_the_huida_console_script(tmp_path: Path) -> None:
    """The installed entry point, end to end in a child process: a duplicate exits 1 with a one-line error."""
    db = f"sqlite:///{tmp_path / 'script.db'}"
    created = huida("tenant", "create", "--name", "脚本", "--admin-email", "s@example.com", "--db", db)
    assert created.exit_code == 0
    script = Path(sys.executable).with_name("huida")
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from huida.cli import main; main()"]
    done = subprocess.run([*command, "user", "create", "--tenant", field(created.output, "tenant id"),
                           "--username", "s@example.com", "--db", db], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "already taken" in done.stderr and "Traceback" not in done.stderr
    assert "user id" not in done.stdout
