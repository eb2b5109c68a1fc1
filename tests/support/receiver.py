"""A real webhook receiver on 127.0.0.1: records every request and can answer slowly or with errors.

It also watches concurrency: a delivery id arriving while the same id is still being handled is recorded
in `overlaps` (two workers delivering one job at the same time), and the same for a lane key.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.server import free_port

# (status, seconds to wait before answering); called with the path and how many hits that path had before.
Responder = Callable[[str, int], tuple[int, float]]


@dataclass(frozen=True)
class Hit:
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    received_at: float  # time.monotonic()

    @property
    def delivery_id(self) -> str:
        return self.headers.get("x-huida-delivery", "")

    @property
    def event(self) -> str:
        return self.headers.get("x-huida-event", "")


class Receiver:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.hits: list[Hit] = []
        self.overlaps: list[str] = []
        self.max_in_flight = 0
        self.responders: dict[str, Responder] = {}
        self.default_delay = 0.0
        self._in_flight: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def respond(self, path: str, responder: Responder) -> None:
        self.responders[path] = responder

    def script(self, path: str, statuses: list[int], delay: float = 0.0) -> None:
        """Answers the n-th hit on `path` with statuses[n]; the last status repeats."""
        self.respond(path, lambda _p, n: (statuses[min(n, len(statuses) - 1)], delay))

    # -- what was seen -------------------------------------------------------------------------------

    def hits_on(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    def delivery_ids(self, path: str | None = None) -> list[str]:
        with self._lock:
            return [h.delivery_id for h in self.hits if path is None or h.path == path]

    # -- request handling ----------------------------------------------------------------------------

    def _enter(self, hit: Hit) -> tuple[int, float]:
        with self._lock:
            seen_before = sum(1 for h in self.hits if h.path == hit.path)
            self.hits.append(hit)
            if self._in_flight[hit.delivery_id]:
                self.overlaps.append(hit.delivery_id)
            self._in_flight[hit.delivery_id] += 1
            self.max_in_flight = max(self.max_in_flight, sum(self._in_flight.values()))
        responder = self.responders.get(hit.path)
        return responder(hit.path, seen_before) if responder else (200, self.default_delay)

    def _leave(self, hit: Hit) -> None:
        with self._lock:
            self._in_flight[hit.delivery_id] -= 1


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802  (http.server naming)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            hit = Hit(self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic())
            status, delay = receiver._enter(hit)
            try:
                if delay:
                    time.sleep(delay)
                payload = b'{"ok":true}'
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", receiver.url("/redirected"))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the sender gave up (timeout) and closed the connection
            finally:
                receiver._leave(hit)

        def log_message(self, *_: Any) -> None:
            pass

    return Handler


def wait_until(predicate: Callable[[], Any], *, timeout: float = 30.0, interval: float = 0.05,
               message: str = "condition") -> Any:
    """Polls until `predicate()` is truthy and returns its value; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(interval)
