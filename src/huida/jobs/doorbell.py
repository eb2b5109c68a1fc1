"""Wakes the workers of this process as soon as a transaction that enqueued a job commits.

Workers of other processes find new jobs by polling (HUIDA_JOB_POLL_SECONDS).
"""

from __future__ import annotations

import threading
import weakref

_bells: weakref.WeakSet[Doorbell] = weakref.WeakSet()
_lock = threading.Lock()


class Doorbell:
    def __init__(self) -> None:
        self._event = threading.Event()
        with _lock:
            _bells.add(self)

    def ring(self) -> None:
        self._event.set()

    def wait(self, timeout: float) -> bool:
        """Sleeps until rung or `timeout` seconds; a ring that came while awake is not lost."""
        rung = self._event.wait(timeout)
        self._event.clear()
        return rung


def ring_all() -> None:
    with _lock:
        bells = list(_bells)
    for bell in bells:
        bell.ring()
