"""Concurrent deliveries to one subscription: several chat sessions at once, each in order, never more than
the subscription's maxInFlight — measured at a real receiver, not by the clock."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from dataclasses import replace
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from huida.auth.service import create_tenant
from huida.context import AppContext
from huida.db import now_ms
from huida.jobs.models import Job
from huida.jobs.worker import Worker
from huida.robots.service import create_robot
from huida.webhooks import emit_event
from huida.webhooks.service import create_webhook
from tests.support.client import Api
from tests.support.outbox import delivery_states, start_worker_process, stop_process
from tests.support.receiver import Receiver, wait_until
from tests.webhooks.test_delivery import SECRET, subscribe

Sessions = dict[str, list[str]]  # session id -> its delivery ids, in emit order


def emit_sessions(session: Session, tenant_id: int, robot_id: str, sessions: int, per_session: int) -> Sessions:
    """Events of `sessions` chat sessions, interleaved as a busy robot produces them."""
    emitted: Sessions = {f"s{n}": [] for n in range(sessions)}
    for n in range(per_session):
        for chat, ids in emitted.items():
            ids += emit_event(session, tenant_id=tenant_id, robot_id=robot_id, event="feedback",
                              body={"session": chat, "n": n}, order_key=chat)
    return emitted


def emit_in_one_go(api: Api, robot_id: str, sessions: int, per_session: int) -> Sessions:
    with api.server.ctx.db.session() as session:
        return emit_sessions(session, api.tenant_id, robot_id, sessions, per_session)


def assert_sessions_in_order(receiver: Receiver, emitted: Sessions) -> None:
    arrived = receiver.delivery_ids()
    for ids in emitted.values():
        mine = [d for d in arrived if d in ids]
        collapsed = [d for n, d in enumerate(mine) if n == 0 or mine[n - 1] != d]
        assert collapsed == ids  # retries repeat an id in place; nothing of the session overtakes


def all_arrived(receiver: Receiver, emitted: Sessions) -> bool:
    return set(receiver.delivery_ids()) >= {d for ids in emitted.values() for d in ids}


def test_a_slow_receiver_gets_several_sessions_at_once(hapi: Api, receiver: Receiver) -> None:
    receiver.default_delay = 0.3  # long enough that a loaded machine still starts the ten side by side
    robot, _hook = subscribe(hapi, receiver.url(), ["feedback"])
    emitted = emit_in_one_go(hapi, robot, sessions=10, per_session=3)
    wait_until(lambda: all_arrived(receiver, emitted), timeout=60, message="all 30 deliveries")
    # Ten sessions were ready at once: one subscription had most of them in flight together.
    assert receiver.max_in_flight >= 8, receiver.max_in_flight
    assert receiver.overlaps == []
    assert_sessions_in_order(receiver, emitted)


def test_never_more_than_max_in_flight(hapi: Api, receiver: Receiver) -> None:
    receiver.default_delay = 0.2
    robot, hook = subscribe(hapi, receiver.url(), ["feedback"])
    hapi.ok("PUT", f"/robots/{robot}/webhooks/{hook}", json={"maxInFlight": 3})
    emitted = emit_in_one_go(hapi, robot, sessions=12, per_session=2)
    ping = hapi.ok("POST", f"/robots/{robot}/webhooks/{hook}/ping")["deliveryId"]  # a ping takes a slot too
    wait_until(lambda: all_arrived(receiver, emitted) and ping in receiver.delivery_ids(), timeout=60,
               message="all 25 deliveries")
    assert receiver.max_in_flight == 3  # reached, never passed
    assert_sessions_in_order(receiver, emitted)


def test_each_session_stays_in_order_through_retries(hapi: Api, receiver: Receiver) -> None:
    failing: dict[str, int] = {}  # delivery id -> failed answers it still gets
    lock = threading.Lock()

    def answer(path: str, n: int) -> tuple[int, float]:
        delivery_id = receiver.hits_on(path)[n].delivery_id  # the n-th hit on the path is this request
        with lock:
            if failing.get(delivery_id, 0) > 0:
                failing[delivery_id] -= 1
                return 500, 0.05
        return 200, 0.05

    receiver.respond("/hook", answer)
    robot, _hook = subscribe(hapi, receiver.url(), ["feedback"])
    with hapi.server.ctx.db.session() as session:  # the failures are set before the commit sends anything
        emitted = emit_sessions(session, hapi.tenant_id, robot, sessions=6, per_session=4)
        retried = {emitted["s0"][0]: 2, emitted["s1"][1]: 1, emitted["s2"][3]: 3}
        failing.update(retried)

    def retried_through() -> bool:
        hits = Counter(receiver.delivery_ids())  # each retry carries the same X-Huida-Delivery id
        return all(hits[d] == fails + 1 for d, fails in retried.items())

    wait_until(lambda: all_arrived(receiver, emitted) and retried_through(), timeout=60, message="all 24 deliveries")
    assert_sessions_in_order(receiver, emitted)
    assert receiver.max_in_flight > 1


def subscription(ctx: AppContext, url: str, max_in_flight: int) -> tuple[int, str]:
    with ctx.db.session() as session:
        tenant = create_tenant(session, "lanes", f"admin-{uuid.uuid4().hex[:8]}@example.com", "pw 12345678")
        robot = create_robot(session, tenant.tenant.id, "robot")
        create_webhook(session, tenant.tenant.id, robot.robot_id, url=url, secret=SECRET, events=["feedback"],
                       active=True, allow_private=True, max_in_flight=max_in_flight)
        return tenant.tenant.id, robot.robot_id


def test_a_failing_event_holds_back_only_its_own_session(quiet_db: AppContext, receiver: Receiver) -> None:
    """With the production retry schedule (30 s before the second attempt) the other sessions carry on."""
    tenant_id, robot_id = subscription(quiet_db, receiver.url(), max_in_flight=4)
    failing: set[str] = set()
    receiver.respond("/hook", lambda path, n: (500 if receiver.hits_on(path)[n].delivery_id in failing else 200,
                                               0.02))
    with quiet_db.db.session() as session:
        emitted = emit_sessions(session, tenant_id, robot_id, sessions=5, per_session=3)
        stuck, *held = emitted["s0"]
        failing.add(stuck)
    others = {k: v for k, v in emitted.items() if k != "s0"}
    worker = Worker(replace(quiet_db, settings=quiet_db.settings.with_overrides(job_backoff_scale=1.0)))
    worker.start()
    try:
        wait_until(lambda: all_arrived(receiver, others), timeout=60, message="the other sessions")
        assert receiver.delivery_ids().count(stuck) == 1 and not set(held) & set(receiver.delivery_ids())
        failing.clear()  # the receiver is fixed; instead of waiting 30 s, the retry is made due
        with quiet_db.db.session() as session:
            session.execute(update(Job).where(Job.lane.endswith(":s0"), Job.status == "pending")
                            .values(run_at=now_ms()))
        wait_until(lambda: all_arrived(receiver, emitted), timeout=60, message="the held session")
    finally:
        worker.stop()
    assert_sessions_in_order(receiver, emitted)


def test_worker_processes_share_the_bound(quiet_db: AppContext, receiver: Receiver, tmp_path: Path) -> None:
    """Two `huida worker` processes (PostgreSQL's deployment; on SQLite safe too) keep to one bound."""
    receiver.default_delay = 0.1
    tenant_id, robot_id = subscription(quiet_db, receiver.url(), max_in_flight=4)
    with quiet_db.db.session() as session:
        emitted = emit_sessions(session, tenant_id, robot_id, sessions=10, per_session=4)
    url = quiet_db.settings.database_url
    workers = [start_worker_process(url, concurrency=8, log=tmp_path / f"w{n}.log") for n in range(2)]
    try:
        wait_until(lambda: delivery_states(quiet_db).get("delivered") == 40, timeout=120,
                   message="all 40 deliveries")
    finally:
        codes = [stop_process(worker) for worker in workers]
    assert codes == [0, 0]
    assert receiver.max_in_flight == 4 and receiver.overlaps == []
    assert_sessions_in_order(receiver, emitted)
