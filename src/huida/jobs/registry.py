"""Job types: what runs a job, how often it is retried, what happens when it finally fails.

    @handler("webhook.deliver", retry=RetryPolicy(max_attempts=10, base_delay=30, factor=3, max_delay=8 * 3600))
    def deliver(job: JobContext) -> None: ...

A handler returns normally on success, raises `RetryableError` to be tried again later (any other
exception counts as retryable too, and is logged with its traceback) or `PermanentError` to give up now.
Handlers must be idempotent: a job runs at least once, and again if its worker dies mid-way. Database
writes that record what an attempt did go through `job.finish_with(...)`: they commit with the outcome.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from huida.config import Settings
    from huida.context import AppContext
    from huida.db import Database


class RetryableError(Exception):
    """Try again later; `retry_after` (seconds) overrides the policy's next delay."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(Exception):
    """Retrying cannot help: the job is marked failed at once."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter: the delay after failed attempt n is base * factor**(n-1), capped at
    max_delay, then stretched by a random 0..jitter fraction (never shortened, so the schedule's total is a
    lower bound). After `max_attempts` attempts the job is failed."""

    max_attempts: int = 10
    base_delay: float = 10.0
    factor: float = 2.0
    max_delay: float = 3600.0
    jitter: float = 0.2

    def base(self, attempt: int) -> float:
        return min(self.max_delay, self.base_delay * self.factor ** max(0, attempt - 1))

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        spread = (rng or random).uniform(0.0, self.jitter)
        return self.base(attempt) * (1.0 + spread)

    def minimum_span(self) -> float:
        """Seconds from the first to the last attempt, without jitter."""
        return sum(self.base(n) for n in range(1, self.max_attempts))


@dataclass(frozen=True)
class JobContext:
    """What a handler gets: the job and the means to do its work, `app` being the context of the process that
    runs the worker (its database, settings and services such as the conversation service)."""

    id: int
    type: str
    payload: dict[str, Any]
    attempt: int  # 1 for the first run
    max_attempts: int
    key: str | None
    lane: str | None
    app: AppContext
    finishers: list[Callable[[Session], object]] = field(default_factory=list)

    @property
    def db(self) -> Database:
        return self.app.db

    @property
    def settings(self) -> Settings:
        return self.app.settings

    @property
    def is_last_attempt(self) -> bool:
        return self.attempt >= self.max_attempts

    def finish_with(self, write: Callable[[Session], object]) -> None:
        """Runs `write` in the transaction that records this attempt's outcome (done, retry or failed), so
        the handler's bookkeeping and the job's state commit together — and it costs no extra transaction."""
        self.finishers.append(write)


Handler = Callable[[JobContext], None]
# Called in the transaction that marks a job failed (retries exhausted or PermanentError).
FailureHook = Callable[[Session, JobContext, str], object]  # what it returns is ignored


@dataclass(frozen=True)
class JobType:
    name: str
    run: Handler
    retry: RetryPolicy
    on_failure: FailureHook | None = None


class Registry:
    def __init__(self) -> None:
        self._types: dict[str, JobType] = {}

    def register(self, job_type: JobType) -> None:
        existing = self._types.get(job_type.name)
        if existing is not None and existing.run is not job_type.run:
            raise ValueError(f"job type registered twice: {job_type.name}")
        self._types[job_type.name] = job_type

    def get(self, name: str) -> JobType | None:
        return self._types.get(name)

    def names(self) -> list[str]:
        return sorted(self._types)


registry = Registry()


def handler(name: str, *, retry: RetryPolicy | None = None,
            on_failure: FailureHook | None = None) -> Callable[[Handler], Handler]:
    """Registers the decorated function as the handler of job type `name`."""

    def register(func: Handler) -> Handler:
        registry.register(JobType(name, func, retry or RetryPolicy(), on_failure))
        return func

    return register
