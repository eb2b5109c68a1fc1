"""Run states a worker decides: QUEUED until a worker takes the run, CANCELLED on request (and the worker then
does nothing), EXPIRED when no worker took it in time. A server without an in-process worker keeps runs queued
until the test starts one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import delete, select, update

from huida.channels.aily.models import AilyRun
from huida.channels.aily.run_job import _start
from huida.channels.aily.runs import JOB_TYPE, RUN_TTL_MS
from huida.conversation.models import Message
from huida.jobs.models import DONE, Job
from huida.jobs.worker import Worker
from tests.channels.aily.helpers import Aily, expect_aily_error, tenant_client
from tests.support.client import new_tenant
from tests.support.outbox import fresh_database
from tests.support.receiver import wait_until
from tests.support.server import LiveServer, start_server


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def quiet_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with fresh_database(request.param, tmp_path_factory.mktemp("aily-quiet")) as url, \
            start_server(url, tmp_path_factory.mktemp("aily-quiet-data"), run_worker=False) as live:
        yield live


@pytest.fixture
def aily(quiet_server: LiveServer) -> Iterator[Aily]:
    with new_tenant(quiet_server) as api:
        yield tenant_client(api, api.new_robot())


@contextmanager
def worker(server: LiveServer) -> Iterator[None]:
    running = Worker(server.ctx, types=[JOB_TYPE])
    running.start()
    try:
        yield
    finally:
        running.stop()


def job_done(server: LiveServer, run_id: str) -> bool:
    with server.ctx.db.read() as session:
        return session.scalar(select(Job.status).where(Job.key == f"{JOB_TYPE}:{run_id}")) == DONE


def assistant_messages(aily: Aily, session: str) -> list[dict]:
    return [m for m in aily.messages(session)["items"] if m["sender"]["sender_type"] == "ASSISTANT"]


def test_a_queued_run_is_cancelled_and_the_worker_leaves_it(aily: Aily, quiet_server: LiveServer) -> None:
    session = aily.new_session()["id"]
    aily.post(session, "你好")
    run = aily.start_run(session)
    assert run["status"] == "QUEUED" and run["started_at"] is None
    busy = aily.call("POST", f"/sessions/{session}/runs", json={})
    expect_aily_error(busy, 409, 2700009, run["id"], "QUEUED")
    cancelled = aily.ok("POST", f"/sessions/{session}/runs/{run['id']}/cancel")["run"]
    assert cancelled["status"] == "CANCELLED" and cancelled["ended_at"]
    with worker(quiet_server):
        wait_until(lambda: job_done(quiet_server, run["id"]), message="the cancelled run's job")
        assert aily.run(session, run["id"])["status"] == "CANCELLED"
        assert assistant_messages(aily, session) == []
        # The message is still unanswered: a new run answers it.
        retry = aily.start_run(session)
        assert aily.wait(session, retry["id"])["status"] == "COMPLETED"
    assert len(assistant_messages(aily, session)) == 1


def test_a_run_no_worker_took_in_time_expires(aily: Aily, quiet_server: LiveServer) -> None:
    session = aily.new_session()["id"]
    aily.post(session, "你好")
    run = aily.start_run(session)
    with quiet_server.ctx.db.session() as db:  # queued for longer than a run may wait
        db.execute(update(AilyRun).where(AilyRun.id == run["id"])
                   .values(created_at=AilyRun.created_at - RUN_TTL_MS - 1000))
    assert aily.run(session, run["id"])["status"] == "EXPIRED"
    expect_aily_error(aily.call("POST", f"/sessions/{session}/runs/{run['id']}/cancel"), 409, 2700009, "EXPIRED")
    with worker(quiet_server):
        wait_until(lambda: job_done(quiet_server, run["id"]), message="the expired run's job")
        assert aily.run(session, run["id"])["status"] == "EXPIRED"
        assert assistant_messages(aily, session) == []
        fresh = aily.start_run(session)
        assert aily.wait(session, fresh["id"])["status"] == "COMPLETED"


def test_a_run_whose_message_is_gone_fails_with_the_reason(aily: Aily, quiet_server: LiveServer) -> None:
    session = aily.new_session()["id"]
    posted = aily.post(session, "你好")
    run = aily.start_run(session)
    with quiet_server.ctx.db.session() as db:  # removed (say, by a retention job) before a worker took the run
        db.execute(delete(Message).where(Message.id == posted["id"]))
    with worker(quiet_server):
        wait_until(lambda: job_done(quiet_server, run["id"]), message="the run's job")
    failed = aily.run(session, run["id"])
    assert failed["status"] == "FAILED" and failed["ended_at"]
    assert failed["error"]["code"] == "MESSAGE_GONE" and "no longer exists" in failed["error"]["message"]
    assert assistant_messages(aily, session) == []


def test_a_run_in_progress_shows_it_and_can_be_cancelled(aily: Aily, quiet_server: LiveServer) -> None:
    session = aily.new_session()["id"]
    aily.post(session, "你好")
    run = aily.start_run(session)
    assert _start(quiet_server.ctx.db, run["id"]) is not None  # a worker took the run (QUEUED -> IN_PROGRESS)
    taken = aily.run(session, run["id"])
    assert taken["status"] == "IN_PROGRESS" and taken["started_at"] and taken["ended_at"] is None
    expect_aily_error(aily.call("POST", f"/sessions/{session}/runs", json={}), 409, 2700009, "IN_PROGRESS")
    assert aily.ok("POST", f"/sessions/{session}/runs/{run['id']}/cancel")["run"]["status"] == "CANCELLED"
    with worker(quiet_server):  # the queued job finds the run cancelled and leaves it
        wait_until(lambda: job_done(quiet_server, run["id"]), message="the cancelled run's job")
    assert aily.run(session, run["id"])["status"] == "CANCELLED" and assistant_messages(aily, session) == []
