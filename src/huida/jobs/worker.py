"""The worker: claims due jobs, runs their handlers on a few threads, records what happened.

One dispatcher thread claims jobs (a lease each) while execution threads run them; the dispatcher
also renews the leases of running jobs, so a job is only taken again when its worker stopped renewing
(it died) — at least once, never twice at the same time. Failed attempts are retried with the job
type's backoff; exhausted or permanently failed jobs are marked failed and handed to the type's
failure hook in the same transaction.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from huida.context import AppContext
from huida.db import now_ms
from huida.jobs import store
from huida.jobs.doorbell import Doorbell
from huida.jobs.handlers import load_handlers
from huida.jobs.periodic import schedule_all
from huida.jobs.registry import JobContext, JobType, PermanentError, Registry, RetryableError, registry

log = logging.getLogger("huida.jobs")

DONE_RETENTION_MS = 7 * 24 * 3600 * 1000
PRUNE_EVERY_S = 600.0
Recorder = Callable[[Session], bool]
RECORD_TRIES = 3  # an outcome not recorded means the job runs again after its lease: worth a retry


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    """`start()` runs it on background threads, `stop()` ends it gracefully; `run()` is the blocking loop.

    `app` is the context of the process the worker runs in: its database and settings, and what its handlers
    get as `job.app` (the process's conversation service, so jobs and requests share one knowledge cache)."""

    def __init__(self, app: AppContext, *, concurrency: int | None = None, types: Sequence[str] | None = None,
                 jobs: Registry = registry) -> None:
        load_handlers()
        self.app = app
        self.db = app.db
        self.settings = app.settings
        self.jobs = jobs
        self.id = new_worker_id()
        self.concurrency = max(1, concurrency or self.settings.worker_concurrency)
        self.types = list(types) if types is not None else jobs.names()
        self.lease_ms = int(self.settings.job_lease_seconds * 1000)
        self._tokens = (f"{self.id}#{n}" for n in itertools.count(1))
        self._queue: queue.Queue[store.Claimed | None] = queue.Queue()
        self._running: dict[str, store.Claimed] = {}
        self._lock = threading.Lock()
        self._bell = Doorbell()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._dispatcher: threading.Thread | None = None
        self._next_heartbeat = 0.0
        self._next_prune = 0.0
        self._next_reap = 0.0

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Runs the worker on background threads of this process."""
        self._dispatcher = threading.Thread(target=self.run, name="huida-worker", daemon=True)
        self._dispatcher.start()

    def request_stop(self) -> None:
        """Stop claiming; running jobs finish. Safe to call from a signal handler."""
        self._stopping.set()
        self._bell.ring()

    def stop(self, timeout: float = 15.0) -> None:
        """Stops claiming and waits up to `timeout` seconds for running jobs; jobs still running then keep
        their lease and are taken again by another worker once it expires."""
        self.request_stop()
        if self._dispatcher is not None:
            self._dispatcher.join(timeout)

    @property
    def alive(self) -> bool:
        return self._dispatcher is not None and self._dispatcher.is_alive()

    def join(self, timeout: float | None = None) -> None:
        if self._dispatcher is not None:
            self._dispatcher.join(timeout)

    @property
    def busy(self) -> int:
        with self._lock:
            return len(self._running)

    def run(self) -> None:
        log.info("worker %s started: %d threads, job types %s", self.id, self.concurrency, ", ".join(self.types))
        try:
            schedule_all(self.db, self.types)
        except Exception:  # the sweeps can wait for the next start; the queue must not
            log.exception("worker %s could not schedule its periodic jobs", self.id)
        self._threads = [threading.Thread(target=self._execute_loop, name=f"huida-job-{n}", daemon=True)
                         for n in range(self.concurrency)]
        for thread in self._threads:
            thread.start()
        try:
            while not self._stopping.is_set():
                self._dispatch_once()
        finally:
            self._drain()
        log.info("worker %s stopped", self.id)

    # -- dispatcher --------------------------------------------------------------------------------

    def _dispatch_once(self) -> None:
        try:
            self._maintain()
            free = self.concurrency - self.busy
            claimed = self._claim(free) if free > 0 else []
        except Exception:  # the database may be restarting: wait and try again, never die
            log.exception("worker %s: claiming failed", self.id)
            self._bell.wait(max(1.0, self.settings.job_poll_seconds))
            return
        for job in claimed:
            self._queue.put(job)
        if len(claimed) < free or free <= 0:
            self._bell.wait(self._sleep_seconds())

    def _sleep_seconds(self) -> float:
        until_heartbeat = max(0.01, self._next_heartbeat - time.monotonic())
        return min(self.settings.job_poll_seconds, until_heartbeat)

    def _claim(self, limit: int) -> list[store.Claimed]:
        tokens = [next(self._tokens) for _ in range(limit)]
        with self.db.session() as session:
            # Job groups are webhook subscriptions: the server-wide cap bounds what one receiver may hold.
            claimed = store.claim(session, types=self.types, limit=limit, lease_ms=self.lease_ms, tokens=tokens,
                                  group_cap=self.settings.webhook_max_in_flight)
        with self._lock:
            for job in claimed:
                self._running[job.lease_token] = job
        return claimed

    def _maintain(self) -> None:
        now = time.monotonic()
        if now >= self._next_heartbeat:
            self._next_heartbeat = now + self.settings.job_lease_seconds / 3
            with self._lock:
                tokens = list(self._running)
            if tokens:
                with self.db.session() as session:
                    store.extend_leases(session, tokens, self.lease_ms)
        if now >= self._next_reap:
            self._next_reap = now + self.settings.job_lease_seconds / 4
            with self.db.session() as session:
                store.reap_expired(session)
        if now >= self._next_prune:
            self._next_prune = now + PRUNE_EVERY_S
            with self.db.session() as session:
                store.prune_finished(session, older_than_ms=now_ms() - DONE_RETENTION_MS)

    def _drain(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        deadline = time.monotonic() + 15.0
        while self.busy and time.monotonic() < deadline:
            try:
                self._maintain()  # keep the leases of the jobs finishing
            except Exception:
                log.exception("worker %s: renewing leases failed", self.id)
            time.sleep(0.05)
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    # -- execution ---------------------------------------------------------------------------------

    def _execute_loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                self._execute(job)
            finally:
                with self._lock:
                    self._running.pop(job.lease_token, None)
                self._bell.ring()

    def _context(self, job: store.Claimed, job_type: JobType) -> JobContext:
        return JobContext(id=job.id, type=job.type, payload=job.payload, attempt=job.attempts,
                          max_attempts=job_type.retry.max_attempts, key=job.key, lane=job.lane, app=self.app)

    def _execute(self, job: store.Claimed) -> None:
        job_type = self.jobs.get(job.type)
        assert job_type is not None  # only registered types are claimed
        ctx = self._context(job, job_type)
        if job.attempts > job_type.retry.max_attempts:
            # Its previous attempts ended with their worker's death; do not start another.
            self._record_failed(job, ctx, job_type, "attempts exhausted (the last worker running it died)")
            return
        try:
            job_type.run(ctx)
        except PermanentError as exc:
            self._record_failed(job, ctx, job_type, _describe(exc))
        except RetryableError as exc:
            self._record_retry(job, ctx, job_type, _describe(exc), exc.retry_after)
        except Exception as exc:
            log.exception("job %s (%s) attempt %d raised", job.id, job.type, job.attempts)
            self._record_retry(job, ctx, job_type, _describe(exc), None)
        else:
            self._record(lambda s: store.mark_done(s, job.id, job.lease_token), job, ctx)

    def _record_retry(self, job: store.Claimed, ctx: JobContext, job_type: JobType, error: str,
                      retry_after: float | None) -> None:
        if ctx.is_last_attempt:
            self._record_failed(job, ctx, job_type, error)
            return
        seconds = retry_after if retry_after is not None else (
            job_type.retry.delay(job.attempts) * self.settings.job_backoff_scale)
        self._record(lambda s: store.mark_retry(s, job.id, job.lease_token, delay_ms=int(seconds * 1000),
                                                error=error), job, ctx)

    def _record_failed(self, job: store.Claimed, ctx: JobContext, job_type: JobType, error: str) -> None:
        def fail(session: Session) -> bool:
            if not store.mark_failed(session, job.id, job.lease_token, error=error):
                return False
            if job_type.on_failure is not None:
                try:
                    with session.begin_nested():  # a broken hook must not keep the job alive forever
                        job_type.on_failure(session, ctx, error)
                except Exception:
                    log.exception("job %s (%s): failure hook raised", job.id, job.type)
            return True

        log.warning("job %s (%s) failed after %d attempt(s): %s", job.id, job.type, job.attempts, error)
        self._record(fail, job, ctx)

    def _record(self, action: Recorder, job: store.Claimed, ctx: JobContext) -> None:
        for attempt in range(1, RECORD_TRIES + 1):
            try:
                with self.db.session() as session:
                    # What the attempt did is true even if the lease was lost meanwhile: written either way.
                    for write in ctx.finishers:
                        write(session)
                    if not action(session):
                        log.warning("job %s: lease lost before its outcome was recorded", job.id)
                return
            except Exception:
                log.exception("job %s: recording the outcome failed (try %d)", job.id, attempt)
                time.sleep(0.5 * attempt)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
