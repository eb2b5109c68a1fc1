"""End to end: `huida serve` on an empty data directory prints the demo login once, and it works."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.demo.serve_process import ServeProcess, serve_env
from tests.support.server import free_port

FIELDS = {"tenant": r"demo tenant id\s*:\s*(\d+)", "robot": r"demo robot id\s*:\s*([0-9a-f-]{36})",
          "login": r"admin login\s*:\s*(\S+)", "password": r"admin password\s*:\s*(\S+)",
          "docs": r"API docs\s*:\s*(\S+)", "health": r"health\s*:\s*(\S+)"}


def parse_block(lines: list[str]) -> dict[str, str]:
    text = "\n".join(lines)
    found = {name: re.search(pattern, text) for name, pattern in FIELDS.items()}
    missing = [name for name, match in found.items() if match is None]
    assert not missing, f"missing {missing} in:\n{text}"
    return {name: match.group(1) for name, match in found.items() if match}


def check_running(server: ServeProcess, block: dict[str, str]) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        assert http.get(block["health"]).json()["status"] == "OK"
        assert http.get("/readyz").json() == {"status": "OK", "database": "reachable"}
        assert http.get(block["docs"]).status_code == 200
        login = http.post("/v10/commons/integration/token",
                          json={"username": block["login"], "password": block["password"]})
        assert login.status_code == 200, login.text
        entity = login.json()["entity"]
        assert entity["tenantId"] == int(block["tenant"]) and entity["role"] == "admin"
        search = http.get(f"/v10/tenants/{block['tenant']}/knowledge/robots/{block['robot']}/rules/search",
                          params={"q": "发票"}, headers={"token": entity["token"]})
        assert search.status_code == 200 and search.json()["totalElements"] >= 1


def test_first_start_prints_the_login_once(tmp_path: Path) -> None:
    """The out-of-the-box run: no database configured, so SQLite under HUIDA_DATA_DIR.

    (Seeding on PostgreSQL is covered in-process by test_demo_seed; a second pair of child processes
    would only repeat the several seconds of start-up.)
    """
    env = serve_env(tmp_path / "data")
    first = ServeProcess(free_port(), tmp_path, env)
    try:
        block = parse_block(first.read_until("printed only this once"))
        assert block["docs"] == f"{first.base_url}/docs" and block["health"] == f"{first.base_url}/healthz"
        first.wait_ready()
        check_running(first, block)
    finally:
        first.stop()
    assert (tmp_path / "data" / "huida.db").is_file()

    second = ServeProcess(free_port(), tmp_path, env)
    try:
        second.read_until("Huida serving on")
        second.wait_ready()
        check_running(second, {**block, "docs": "/docs", "health": "/healthz"})
    finally:
        printed = "\n".join(second.stop())
    assert block["password"] not in printed and "admin password" not in printed


def test_db_option_chooses_the_database(tmp_path: Path) -> None:
    """`--db URL` wins over the data directory: the database (and the demo) go where the URL says."""
    elsewhere = tmp_path / "elsewhere" / "chosen.db"
    elsewhere.parent.mkdir()
    env = serve_env(tmp_path / "data")
    server = ServeProcess(free_port(), tmp_path, env, db=f"sqlite:///{elsewhere}")
    try:
        block = parse_block(server.read_until("printed only this once"))
        server.wait_ready()
        check_running(server, block)
    finally:
        server.stop()
    assert elsewhere.is_file() and not (tmp_path / "data" / "huida.db").exists()


def test_a_supplied_admin_password_is_never_printed(tmp_path: Path) -> None:
    """HUIDA_ADMIN_PASSWORD chosen by the operator: the first start says where the password came from and
    does not echo it (anywhere: stdout or the log), and that password logs in."""
    supplied = "operator-Chose-this-7731"
    env = {**serve_env(tmp_path / "data"), "HUIDA_ADMIN_PASSWORD": supplied}
    server = ServeProcess(free_port(), tmp_path, env)
    try:
        lines = server.read_until("printed only this once")
        server.wait_ready()
        text = "\n".join(lines)
        assert "HUIDA_ADMIN_PASSWORD" in text
        login = re.search(FIELDS["login"], text)
        assert login is not None
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            token = http.post("/v10/commons/integration/token", json={"username": login.group(1), "password": supplied})
        assert token.status_code == 200, token.text
    finally:
        printed = "\n".join(server.stop())
    assert supplied not in printed and supplied not in server.stderr_text()
