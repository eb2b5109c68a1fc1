"""Deliveries to a real receiver: body, headers and signature; retries; the log; redelivery; ordering."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import select, update

from huida.auth.service import create_tenant
from huida.context import AppContext
from huida.db import now_ms
from huida.jobs.models import Job
from huida.jobs.worker import Worker
from huida.robots.service import create_robot
from huida.webhooks import emit_event
from huida.webhooks.delivery import WEBHOOK_RETRY
from huida.webhooks.models import WebhookDelivery
from huida.webhooks.service import create_webhook, ping
from huida.webhooks.signing import verify
from tests.support.client import Api, expect_error
from tests.support.receiver import Hit, Receiver, wait_until
from tests.support.server import free_port

SECRET = "receiver-secret-42"
FEEDBACK = {  # the seed 003 feedback callback body, as the feedback feature will emit it
    "botId": "bot-1", "sessionId": "s-1", "execId": "e-1",
    "triggerEvent": {"triggerType": "receive-text-message", "sessionId": "s-1",
                     "receiveTextMessage": {"text": "怎么退款？", "role": "user"},
                     "history": [{"content": [{"type": "text", "text": "怎么退款？"}], "role": "user"}]},
    "outputActions": [{"type": "send-text-message", "status": "success", "payload": {"text": "七天内可退"},
                       "nodeId": "n1"}],
    "feedbackStatus": "thumb-down", "feedback": "没解决", "messageId": "m-1", "receiverId": None,
    "contactId": "u-1", "roomId": None,
}


def subscribe(api: Api, url: str, events: list[str] | None = None, robot: str | None = None) -> tuple[str, str]:
    robot = robot or api.new_robot()
    hook = api.ok("POST", f"/robots/{robot}/webhooks",
                  json={"url": url, "secret": SECRET, "events": events or ["feedback", "comment"]})
    return robot, hook["webhookId"]


def emit(api: Api, robot: str, event: str, body: dict[str, Any], order_key: str | None = None) -> list[str]:
    with api.server.ctx.db.session() as session:
        return emit_event(session, tenant_id=api.tenant_id, robot_id=robot, event=event, body=body,
                          order_key=order_key)


def delivery(api: Api, robot: str, hook: str, delivery_id: str) -> dict[str, Any]:
    return api.ok("GET", f"/robots/{robot}/webhooks/{hook}/deliveries/{delivery_id}")


def wait_state(api: Api, robot: str, hook: str, delivery_id: str, state: str, timeout: float = 30) -> dict:
    return wait_until(lambda: (d := delivery(api, robot, hook, delivery_id))["state"] == state and d,
                      timeout=timeout, message=f"delivery {delivery_id} to be {state}")


def check_signature(hit: Hit) -> None:
    """Recomputes the documented signature independently of Huida's own helper."""
    timestamp = hit.headers["x-huida-timestamp"]
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + hit.body, hashlib.sha256).hexdigest()
    assert hit.headers["x-huida-signature"] == f"sha256={expected}"
    assert abs(time.time() - int(timestamp)) < 120
    assert verify(SECRET, timestamp, hit.body, hit.headers["x-huida-signature"])
    assert not verify("wrong-secret", timestamp, hit.body, hit.headers["x-huida-signature"])


def test_an_event_reaches_the_receiver_signed(hapi: Api, receiver: Receiver) -> None:
    robot, hook = subscribe(hapi, receiver.url())
    [delivery_id] = emit(hapi, robot, "feedback", FEEDBACK)
    [hit] = wait_until(lambda: receiver.hits_on("/hook"), message="the delivery")
    assert json.loads(hit.body) == FEEDBACK  # the body is exactly what was emitted
    assert hit.headers["content-type"] == "application/json; charset=utf-8"
    assert hit.event == "feedback" and hit.delivery_id == delivery_id
    check_signature(hit)
    done = wait_state(hapi, robot, hook, delivery_id, "delivered")
    assert done["attempts"] == 1 and done["lastStatusCode"] == 200 and done["lastError"] is None
    assert done["body"] == FEEDBACK and done["event"] == "feedback"
    [attempt] = done["attemptLog"]
    assert attempt["attempt"] == 1 and attempt["statusCode"] == 200 and attempt["latencyMs"] >= 0
    assert attempt["response"] == '{"ok":true}'


def test_only_matching_active_subscriptions_get_the_event(hapi: Api, receiver: Receiver) -> None:
    robot, wants_feedback = subscribe(hapi, receiver.url("/a"), ["feedback"])
    _, wants_comments = subscribe(hapi, receiver.url("/b"), ["comment"], robot=robot)
    _, inactive = subscribe(hapi, receiver.url("/c"), ["feedback"], robot=robot)
    hapi.ok("PUT", f"/robots/{robot}/webhooks/{inactive}", json={"active": False})
    other_robot, _ = subscribe(hapi, receiver.url("/d"), ["feedback"])
    ids = emit(hapi, robot, "feedback", {"n": 1})
    assert len(ids) == 1
    assert emit(hapi, robot, "session-closed", {"n": 2}) == []
    wait_until(lambda: receiver.hits_on("/a"), message="the delivery")
    wait_state(hapi, robot, wants_feedback, ids[0], "delivered")
    assert {h.path for h in receiver.hits} == {"/a"}
    assert hapi.get(f"/robots/{robot}/webhooks/{wants_comments}/deliveries").json()["totalElements"] == 0
    assert other_robot


def test_nothing_is_emitted_when_the_transaction_rolls_back(hapi: Api, receiver: Receiver) -> None:
    robot, hook = subscribe(hapi, receiver.url())
    with pytest.raises(RuntimeError), hapi.server.ctx.db.session() as session:
        emit_event(session, tenant_id=hapi.tenant_id, robot_id=robot, event="feedback", body={"n": 1})
        raise RuntimeError("the rating failed to save")
    [kept] = emit(hapi, robot, "feedback", {"n": 2})
    wait_state(hapi, robot, hook, kept, "delivered")
    assert [json.loads(h.body) for h in receiver.hits] == [{"n": 2}]
    assert hapi.get(f"/robots/{robot}/webhooks/{hook}/deliveries").json()["totalElements"] == 1


def test_unknown_events_are_a_programming_error(hapi: Api) -> None:
    with pytest.raises(ValueError), hapi.server.ctx.db.session() as session:
        emit_event(session, tenant_id=hapi.tenant_id, robot_id="x", event="rating", body={})


def test_ping_goes_through_the_outbox(hapi: Api, receiver: Receiver) -> None:
    robot, hook = subscribe(hapi, receiver.url())
    ping = hapi.ok("POST", f"/robots/{robot}/webhooks/{hook}/ping")
    assert ping["event"] == "ping" and ping["state"] == "pending" and ping["attempts"] == 0
    [hit] = wait_until(lambda: receiver.hits_on("/hook"), message="the ping")
    assert hit.event == "ping" and hit.delivery_id == ping["deliveryId"]
    body = json.loads(hit.body)
    assert body["event"] == "ping" and body["webhookId"] == hook and body["robotId"] == robot
    check_signature(hit)
    wait_state(hapi, robot, hook, ping["deliveryId"], "delivered")


def test_retries_on_500_with_the_same_delivery_id(hapi: Api, receiver: Receiver) -> None:
    receiver.script("/hook", [500, 503, 200])
    robot, hook = subscribe(hapi, receiver.url())
    [delivery_id] = emit(hapi, robot, "comment", {"score": 5})
    done = wait_state(hapi, robot, hook, delivery_id, "delivered")
    hits = receiver.hits_on("/hook")
    assert [h.delivery_id for h in hits] == [delivery_id] * 3
    assert len({h.body for h in hits}) == 1  # the same body every time, each attempt signed afresh
    for hit in hits:
        check_signature(hit)
    assert done["attempts"] == 3 and done["lastStatusCode"] == 200 and done["lastError"] is None
    assert [(a["attempt"], a["statusCode"], a["error"]) for a in done["attemptLog"]] == [
        (1, 500, "HTTP 500"), (2, 503, "HTTP 503"), (3, 200, None)]


def test_retries_on_timeout(hapi: Api, receiver: Receiver) -> None:
    # The test server's timeout is 1 s (5 s by default); the receiver answers the first try after 2.5 s.
    receiver.respond("/hook", lambda _path, n: (200, 2.5 if n == 0 else 0.0))
    robot, hook = subscribe(hapi, receiver.url())
    [delivery_id] = emit(hapi, robot, "feedback", {"slow": True})
    done = wait_state(hapi, robot, hook, delivery_id, "delivered")
    first, second = done["attemptLog"]
    assert first["statusCode"] is None and "timed out" in first["error"]
    assert second["statusCode"] == 200
    assert receiver.delivery_ids("/hook") == [delivery_id, delivery_id]


def test_retries_on_a_closed_port_until_it_opens(hapi: Api) -> None:
    port = free_port()
    robot, hook = subscribe(hapi, f"http://127.0.0.1:{port}/hook")
    [delivery_id] = emit(hapi, robot, "feedback", {"n": 1})
    wait_until(lambda: delivery(hapi, robot, hook, delivery_id)["attempts"] >= 2, message="two failed attempts")
    failed = delivery(hapi, robot, hook, delivery_id)
    assert failed["state"] == "pending" and failed["lastStatusCode"] is None
    assert "ConnectError" in failed["lastError"]
    with Receiver(port) as late:
        done = wait_state(hapi, robot, hook, delivery_id, "delivered")
        assert late.delivery_ids("/hook") == [delivery_id]
    assert done["attempts"] >= 3 and done["attemptLog"][-1]["statusCode"] == 200


def test_redirects_are_not_followed(hapi: Api, receiver: Receiver) -> None:
    receiver.script("/hook", [302, 200])
    robot, hook = subscribe(hapi, receiver.url())
    [delivery_id] = emit(hapi, robot, "feedback", {"n": 1})
    done = wait_state(hapi, robot, hook, delivery_id, "delivered")
    assert done["attemptLog"][0]["statusCode"] == 302 and "redirects" in done["attemptLog"][0]["error"]
    assert receiver.hits_on("/redirected") == []


def test_gives_up_after_ten_attempts_then_redelivers(hapi: Api, receiver: Receiver) -> None:
    receiver.script("/hook", [500])
    robot, hook = subscribe(hapi, receiver.url())
    [delivery_id] = emit(hapi, robot, "feedback", {"n": 1})
    failed = wait_state(hapi, robot, hook, delivery_id, "failed", timeout=60)
    assert failed["attempts"] == WEBHOOK_RETRY.max_attempts == 10
    assert len(failed["attemptLog"]) == 10 and failed["lastError"] == "HTTP 500"
    assert failed["nextAttemptDateTime"] is None
    listing = hapi.get(f"/robots/{robot}/webhooks/{hook}/deliveries?state=failed").json()
    assert [d["deliveryId"] for d in listing["entity"]] == [delivery_id]

    receiver.script("/hook", [200])
    again = hapi.ok("POST", f"/robots/{robot}/webhooks/{hook}/deliveries/{delivery_id}/redeliver")
    assert again["deliveryId"] == delivery_id and again["state"] == "pending"
    done = wait_state(hapi, robot, hook, delivery_id, "delivered")
    assert done["attempts"] == 11 and done["attemptLog"][-1]["statusCode"] == 200
    assert set(receiver.delivery_ids("/hook")) == {delivery_id}

    # A delivered delivery can be sent again too; a pending one cannot.
    hapi.ok("POST", f"/robots/{robot}/webhooks/{hook}/deliveries/{delivery_id}/redeliver")
    wait_state(hapi, robot, hook, delivery_id, "delivered")
    receiver.respond("/hook", lambda _p, _n: (200, 1.5))
    [slow_id] = emit(hapi, robot, "feedback", {"n": 2})
    expect_error(hapi.post(f"/robots/{robot}/webhooks/{hook}/deliveries/{slow_id}/redeliver"), 409,
                 "DELIVERY_PENDING")


def test_the_retry_schedule_spans_more_than_a_day() -> None:
    assert WEBHOOK_RETRY.max_attempts == 10
    assert WEBHOOK_RETRY.minimum_span() >= 24 * 3600


def test_delivery_log_pages_and_filters(hapi: Api, receiver: Receiver) -> None:
    robot, hook = subscribe(hapi, receiver.url(), ["feedback", "comment"])
    ids = [emit(hapi, robot, "feedback" if n % 2 else "comment", {"n": n})[0] for n in range(5)]
    for delivery_id in ids:
        wait_state(hapi, robot, hook, delivery_id, "delivered")
    base = f"/robots/{robot}/webhooks/{hook}/deliveries"
    first = hapi.get(f"{base}?size=2").json()
    assert first["totalElements"] == 5 and first["totalPages"] == 3 and first["first"] is True
    assert [d["deliveryId"] for d in first["entity"]] == ids[::-1][:2]  # newest first
    assert "body" not in first["entity"][0]
    last = hapi.get(f"{base}?size=2&page=2").json()
    assert last["last"] is True and [d["deliveryId"] for d in last["entity"]] == [ids[0]]
    comments = hapi.get(f"{base}?event=comment").json()
    assert comments["totalElements"] == 3
    assert hapi.get(f"{base}?state=pending").json()["totalElements"] == 0
    expect_error(hapi.get(f"{base}?state=lost"), 400, "INVALID_PARAMETER")
    expect_error(hapi.get(f"{base}?page=-1"), 400)
    expect_error(hapi.get(f"{base}/not-a-delivery"), 404, "DELIVERY_NOT_FOUND")
    expect_error(hapi.post(f"{base}/not-a-delivery/redeliver"), 404, "DELIVERY_NOT_FOUND")


def test_deliveries_are_scoped_to_their_webhook(hapi: Api, other_hapi: Api, receiver: Receiver) -> None:
    robot, hook = subscribe(hapi, receiver.url())
    _, sibling = subscribe(hapi, receiver.url("/other"), robot=robot)
    [delivery_id, _] = emit(hapi, robot, "feedback", {"n": 1})
    expect_error(hapi.get(f"/robots/{robot}/webhooks/{sibling}/deliveries/{delivery_id}"), 404)
    other_robot, other_hook = subscribe(other_hapi, receiver.url("/x"))
    expect_error(other_hapi.get(f"/robots/{other_robot}/webhooks/{other_hook}/deliveries/{delivery_id}"), 404)
    expect_error(other_hapi.post(f"/robots/{other_robot}/webhooks/{hook}/deliveries/{delivery_id}/redeliver"),
                 404)
    wait_state(hapi, robot, hook, delivery_id, "delivered")


def test_deleting_a_webhook_drops_its_pending_deliveries(hapi: Api) -> None:
    port = free_port()  # nobody listens: the delivery keeps failing
    robot, hook = subscribe(hapi, f"http://127.0.0.1:{port}/hook")
    [delivery_id] = emit(hapi, robot, "feedback", {"n": 1})
    wait_until(lambda: delivery(hapi, robot, hook, delivery_id)["attempts"] >= 1, message="a first attempt")
    hapi.ok("DELETE", f"/robots/{robot}/webhooks/{hook}")
    with hapi.server.ctx.db.session() as session:
        assert session.scalar(select(WebhookDelivery).where(WebhookDelivery.delivery_id == delivery_id)) is None
        job_ids = [j.id for j in session.scalars(select(Job).where(Job.lane == f"webhook:{hook}"))]
    # Its job finds nothing left to send and ends quietly.
    wait_until(lambda: job_status(hapi, job_ids[0]) == "done", message="the orphaned job to end")


def job_status(api: Api, job_id: int) -> str:
    with api.server.ctx.db.session() as session:
        return session.get(Job, job_id).status


def test_many_events_arrive_in_order(hapi: Api, receiver: Receiver) -> None:
    """Guarantee: events without an order key reach a subscription one at a time, in emit order — even while
    one is retried (it holds back the later ones). Several workers or threads do not change that."""
    receiver.respond("/hook", lambda _p, n: (500 if n in (3, 4, 17) else 200, 0.0))
    robot, hook = subscribe(hapi, receiver.url(), ["comment"])
    ids = [emit(hapi, robot, "comment", {"n": n})[0] for n in range(40)]
    wait_until(lambda: len(set(receiver.delivery_ids("/hook"))) == 40, message="all 40 deliveries")
    seen: list[str] = []
    for delivery_id in receiver.delivery_ids("/hook"):
        if not seen or seen[-1] != delivery_id:
            seen.append(delivery_id)
    assert seen == ids  # retries repeat an id in place; nothing overtakes
    assert receiver.max_in_flight == 1
    wait_until(lambda: delivery(hapi, robot, hook, ids[-1])["state"] == "delivered", message="the last one")


def test_order_keys_order_only_within_a_key(hapi: Api, receiver: Receiver) -> None:
    """With an order key (e.g. a session id), a stuck key does not hold back the others."""
    receiver.respond("/hook", lambda _p, _n: (200, 0.0))
    robot, hook = subscribe(hapi, receiver.url(), ["feedback"])
    stuck = free_port()
    _, blocked_hook = subscribe(hapi, f"http://127.0.0.1:{stuck}/never", ["feedback"], robot=robot)
    per_session: dict[str, list[str]] = {}
    for n in range(12):
        session_id = f"s{n % 3}"
        ids = emit(hapi, robot, "feedback", {"n": n, "session": session_id}, order_key=session_id)
        per_session.setdefault(session_id, []).append(ids[0])
    wait_until(lambda: len(set(receiver.delivery_ids("/hook"))) == 12, message="all 12 deliveries")
    arrived = receiver.delivery_ids("/hook")
    for ids in per_session.values():
        assert [d for d in arrived if d in ids] == ids
    assert blocked_hook


def test_a_ping_that_gets_through_wakes_the_backlog(quiet_db: AppContext, receiver: Receiver) -> None:
    """A subscription whose events wait hours for their next retry is served as soon as a ping succeeds."""
    with quiet_db.db.session() as session:
        tenant = create_tenant(session, "wake", f"admin-{uuid.uuid4().hex[:8]}@example.com", "pw 12345678")
        robot = create_robot(session, tenant.tenant.id, "robot")
        hook = create_webhook(session, tenant.tenant.id, robot.robot_id, url=receiver.url(), secret=SECRET,
                              events=["feedback"], active=True, allow_private=True)
        waiting = [emit_event(session, tenant_id=tenant.tenant.id, robot_id=robot.robot_id, event="feedback",
                              body={"n": n}, order_key=key)[0] for n, key in enumerate((None, "s1"))]
        # As if both had failed and were now in a long backoff.
        session.execute(update(Job).where(Job.lane.startswith(f"webhook:{hook.webhook_id}"))
                        .values(run_at=now_ms() + 3_600_000))
    worker = Worker(quiet_db)
    worker.start()
    try:
        time.sleep(0.3)
        assert receiver.hits == []
        with quiet_db.db.session() as session:
            ping_id = ping(session, session.merge(hook)).delivery_id
        wait_until(lambda: set(receiver.delivery_ids()) == {ping_id, *waiting}, message="the backlog")
    finally:
        worker.stop()
