"""`huida serve` as a real child process: its printed lines, its readiness, a clean stop."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

HUIDA = Path(sys.executable).with_name("huida")
# Only a safety net against a hung child: every wait below ends as soon as its event happens.
DEADLINE_S = 120


def serve_env(data_dir: Path) -> dict[str, str]:
    """No HUIDA_* settings from the test run leak in (no admin password, no database URL)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUIDA_")}
    env.update(HUIDA_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    return env


class ServeProcess:
    def __init__(self, port: int, cwd: Path, env: dict[str, str], db: str | None = None) -> None:
        command = [str(HUIDA), "serve", "--port", str(port)] + (["--db", db] if db else [])
        self.base_url = f"http://127.0.0.1:{port}"
        self.stderr = (cwd / f"serve-{port}.stderr").open("wb")
        self.proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=self.stderr,
                                     text=True, encoding="utf-8")
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def read_until(self, marker: str) -> list[str]:
        """Printed lines up to and including the first one containing `marker`."""
        while True:
            line = self._queue.get(timeout=DEADLINE_S)
            if line is None:
                raise AssertionError(f"huida serve exited ({self.proc.wait()}) before printing {marker!r}: "
                                     f"{self.lines}\n{self.stderr_text()}")
            self.lines.append(line)
            if marker in line:
                return list(self.lines)

    def wait_ready(self) -> None:
        """Polls /healthz until the server answers (it starts listening right after printing)."""
        with httpx.Client(base_url=self.base_url, timeout=5) as http:
            for _ in range(DEADLINE_S * 10):
                if self.proc.poll() is not None:
                    raise AssertionError(f"huida serve exited early:\n{self.stderr_text()}")
                try:
                    http.get("/healthz")
                    return
                except httpx.TransportError:
                    time.sleep(0.1)
        raise AssertionError("huida serve never answered /healthz")

    def stop(self) -> list[str]:
        """Stops the server like Ctrl-C does and returns everything it printed."""
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=DEADLINE_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=DEADLINE_S)
        while not self._queue.empty():
            line = self._queue.get_nowait()
            if line is not None:
                self.lines.append(line)
        self.stderr.close()
        return self.lines

    def stderr_text(self) -> str:
        if not self.stderr.closed:
            self.stderr.flush()
        return Path(self.stderr.name).read_text(errors="replace")[-4000:]
