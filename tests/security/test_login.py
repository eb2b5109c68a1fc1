"""Password logins (seed 004 §1.1) that cannot stall the robot's writes or be guessed.

    POST /v10/commons/integration/token {"username", "password"}     → 200 | 401 BAD_CREDENTIALS
    ... the account's 6th wrong password in a row                      → 429 TOO_MANY_REQUESTS, Retry-After: 1
    ... an address's 21st wrong password (any accounts)                → 429, Retry-After
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

import huida.auth.service
from huida.auth.models import LoginThrottle
from huida.auth.routes import REFUSAL_DELAY_SECONDS
from huida.auth.service import create_tenant
from huida.auth.throttle import ThrottleRule
from huida.system import SystemValue
from tests.support.client import Api, expect_error, new_tenant
from tests.support.server import LiveServer, start_server

TOKEN = "/v10/commons/integration/token"
FIRST_LOCK = 60  # seconds: long enough that no test races the lock's end; time passes by editing the rows


@pytest.fixture(scope="module")
def guarded(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with start_server(backend_url, tmp_path_factory.mktemp("guarded"), login_lock_seconds=FIRST_LOCK) as live:
        yield live


@pytest.fixture
def api(guarded: LiveServer) -> Iterator[Api]:
    with new_tenant(guarded) as client:
        yield client


def let_time_pass(server: LiveServer) -> None:
    """Every lock ends now (as if its Retry-After had been waited out)."""
    with server.ctx.db.session() as session:
        for row in session.scalars(select(LoginThrottle)):
            row.locked_until = 0


def attempt(base_url: str, username: str, password: str, address: str | None = None,
            **extra: object) -> httpx.Response:
    # uvicorn takes X-Forwarded-For from 127.0.0.1 (its default --forwarded-allow-ips): one address per test.
    headers = {"X-Forwarded-For": address} if address else {}
    return httpx.post(f"{base_url}{TOKEN}", json={"username": username, "password": password, **extra},
                      headers=headers, timeout=30)


def fresh_address() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


def expect_throttled(response: httpx.Response) -> int:
    body = expect_error(response, 429, "TOO_MANY_REQUESTS")
    wait = int(response.headers["Retry-After"])
    assert wait >= 1 and f"{wait} s" in body["errorDescription"]
    return wait


def test_guessing_one_account_is_locked_after_five_failures(api: Api) -> None:
    address = fresh_address()
    statuses = [attempt(api.server.base_url, api.username, f"guess-{n}", address).status_code for n in range(12)]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429] * 7
    # Locked means locked: the right password waits too (from any address), and nothing was verified.
    expect_throttled(attempt(api.server.base_url, api.username, api.password, fresh_address()))


def test_a_refused_login_answers_late_without_holding_a_thread(api: Api) -> None:
    """A locked login's 429 waits REFUSAL_DELAY_SECONDS (an asyncio sleep): a client that waits for its answer
    guesses about once a second; many waiting at once hold no worker thread, so the robot keeps answering."""
    base, address = api.server.base_url, fresh_address()
    for n in range(5):
        expect_error(attempt(base, api.username, f"guess-{n}", address), 401, "BAD_CREDENTIALS")
    started = time.monotonic()
    expect_throttled(attempt(base, api.username, "guess-5", address))
    assert time.monotonic() - started >= REFUSAL_DELAY_SECONDS * 0.9
    robot = api.new_robot()
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    with httpx.Client(base_url=base, limits=limits, timeout=30) as http, ThreadPoolExecutor(60) as pool:

        def refused(n: int) -> tuple[int, float]:
            response = http.post(TOKEN, json={"username": api.username, "password": f"more-{n}"},
                                 headers={"X-Forwarded-For": address})
            return response.status_code, time.monotonic()

        sent = time.monotonic()
        refusals = [pool.submit(refused, n) for n in range(60)]  # more than the server's worker threads (40)
        time.sleep(0.2)
        answered = api.get(f"/robots/{robot}")  # a route that needs a worker thread, meanwhile
        answered_at = time.monotonic()
        results = [f.result() for f in refusals]
    assert answered.status_code == 200
    assert [status for status, _ in results] == [429] * 60
    first_refusal = min(at for _, at in results)
    assert answered_at < first_refusal and first_refusal - sent >= REFUSAL_DELAY_SECONDS * 0.9


def test_the_lock_lifts_and_a_success_clears_the_count(api: Api) -> None:
    base, address = api.server.base_url, fresh_address()
    for n in range(5):
        expect_error(attempt(base, api.username, f"guess-{n}", address), 401, "BAD_CREDENTIALS")
    wait = expect_throttled(attempt(base, api.username, api.password, address))
    assert FIRST_LOCK - 2 <= wait <= FIRST_LOCK
    let_time_pass(api.server)
    expect_error(attempt(base, api.username, "guess-5", address), 401)  # the 6th failure doubles the lock
    assert expect_throttled(attempt(base, api.username, api.password, address)) >= 2 * FIRST_LOCK - 2
    let_time_pass(api.server)
    unlocked = attempt(base, api.username, api.password, address)
    assert unlocked.status_code == 200, unlocked.text
    with api.server.ctx.db.read() as session:
        keys = session.scalars(select(LoginThrottle.key)).all()
    assert f"account:{api.username.casefold()}" not in keys  # the success forgot the account's failures
    assert f"address:{address}" in keys  # ... but not the address's (a valid login must not launder guesses)


def test_one_address_guessing_many_accounts_is_locked(guarded: LiveServer) -> None:
    server = guarded
    address = fresh_address()
    names = [f"nobody-{uuid.uuid4().hex[:8]}@example.com" for _ in range(21)]
    statuses = [attempt(server.base_url, name, "guess", address).status_code for name in names]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429
    with new_tenant(server) as victim:  # an account never guessed is locked from that address only
        expect_throttled(attempt(server.base_url, victim.username, victim.password, address))
        assert attempt(server.base_url, victim.username, victim.password, fresh_address()).status_code == 200


def test_the_count_holds_across_processes(guarded: LiveServer, backend_url: str, tmp_path: Path) -> None:
    """Two servers on one database (two processes of a deployment) share the failures."""
    server = guarded
    with new_tenant(server) as api, start_server(backend_url, tmp_path / "second",
                                                 login_lock_seconds=FIRST_LOCK) as second:
        address = fresh_address()
        for n in range(5):
            target = server if n % 2 else second
            expect_error(attempt(target.base_url, api.username, f"guess-{n}", address), 401)
        expect_throttled(attempt(second.base_url, api.username, "guess", address))
        expect_throttled(attempt(server.base_url, api.username, "guess", address))


def test_lockouts_are_logged(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    address = fresh_address()
    with caplog.at_level("WARNING", logger="huida.auth"):
        for n in range(5):
            attempt(api.server.base_url, api.username, f"guess-{n}", address)
    locked = [r.getMessage() for r in caplog.records if "login locked" in r.getMessage()]
    assert locked and api.username.casefold() in locked[0]


@pytest.fixture
def verifying(monkeypatch: pytest.MonkeyPatch, guarded: LiveServer) -> Iterator[list[bool]]:
    """While the server verifies a password, another thread writes to the database; True when it could."""
    real = huida.auth.service.verify_password
    outcomes: list[bool] = []

    def write_meanwhile(password_hash: str | None, password: str) -> bool:
        done = threading.Event()

        def write() -> None:
            with guarded.ctx.db.session() as session:
                session.add(SystemValue(key=f"probe-{uuid.uuid4().hex}", value="written during a login"))
            done.set()

        threading.Thread(target=write, daemon=True).start()
        outcomes.append(done.wait(timeout=5))
        return real(password_hash, password)

    monkeypatch.setattr(huida.auth.service, "verify_password", write_meanwhile)
    yield outcomes


def test_the_password_is_verified_outside_any_write_transaction(api: Api, verifying: list[bool]) -> None:
    """Finding 1: Argon2 (~0.1-0.2 s) ran while the login held SQLite's write lock, stalling every ask."""
    address = fresh_address()
    assert attempt(api.server.base_url, api.username, api.password, address).status_code == 200
    expect_error(attempt(api.server.base_url, api.username, "wrong", address), 401)
    assert verifying == [True, True]


def test_the_same_login_in_two_tenants(guarded: LiveServer) -> None:
    """Usernames are unique per tenant: a login that exists twice works with its own password, and needs
    tenantId only when both tenants' users have the same password."""
    name = f"twin-{uuid.uuid4().hex[:6]}@example.com"
    server = guarded
    with server.ctx.db.session() as session:
        first = create_tenant(session, "甲", name, "first-password-1").tenant.id
        second = create_tenant(session, "乙", name, "second-password-2").tenant.id
        third = create_tenant(session, "丙", name, "second-password-2").tenant.id
    address = fresh_address()
    assert attempt(server.base_url, name, "first-password-1", address).json()["entity"]["tenantId"] == first
    expect_error(attempt(server.base_url, name, "second-password-2", address), 400, "TENANT_REQUIRED")
    chosen = attempt(server.base_url, name, "second-password-2", address, tenantId=third)
    assert chosen.json()["entity"]["tenantId"] == third
    expect_error(attempt(server.base_url, name, "first-password-1", address, tenantId=second), 401)


@pytest.mark.parametrize("free", [1, 3, 5, 20])
def test_back_off_doubles_from_one_second_and_is_capped(free: int) -> None:
    rule = ThrottleRule(free)
    locks = [rule.lock_ms(n) for n in range(free + 40)]
    assert locks[:free] == [0] * free
    assert locks[free:free + 4] == [1000, 2000, 4000, 8000]
    assert max(locks) == 15 * 60 * 1000 and locks == sorted(locks)
    assert ThrottleRule(0).lock_ms(10_000) == 0  # 0 turns the count off
