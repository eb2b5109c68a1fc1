"""Rate limits of the widget API: requests per visitor and per widget key, in a sliding window of 60 s.

In-process: each API process counts its own requests (behind a load balancer of N processes a client gets at
most N times the limit). That is enough for what the limits are for, keeping one visitor or one page from
flooding the robot; a shared store would add a database write to every widget request.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from huida.errors import TooManyRequests

WINDOW_SECONDS = 60.0
MAX_TRACKED = 100_000  # names kept at most; the oldest are forgotten first (a flood of made-up visitor ids)


class SlidingWindow:
    """At most `limit` hits per name within the last WINDOW_SECONDS (0: no limit)."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS) -> None:
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, name: str, now: float | None = None) -> int:
        """Counts a hit; returns 0 when it is allowed, else the seconds until it would be."""
        if self.limit <= 0:
            return 0
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.pop(name, None) or deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            self._hits[name] = hits  # re-inserted: the dict's order is least recently used first
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            while len(self._hits) > MAX_TRACKED:
                del self._hits[next(iter(self._hits))]
            return 0


class WidgetLimits:
    def __init__(self, per_visitor: int, per_key: int) -> None:
        self.visitors = SlidingWindow(per_visitor)
        self.keys = SlidingWindow(per_key)

    def check(self, key_id: str, visitor: str | None) -> None:
        """Raises TooManyRequests (with Retry-After) when the key or the visitor is over its limit."""
        wait = self.keys.hit(key_id)
        if wait:
            raise TooManyRequests("RATE_LIMITED", "too many requests through this widget key; retry later",
                                  retry_after=wait)
        if visitor is not None:
            wait = self.visitors.hit(f"{key_id}:{visitor}")
            if wait:
                raise TooManyRequests("RATE_LIMITED", "too many requests from this visitor; retry later",
                                      retry_after=wait)
