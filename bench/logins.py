"""Ask latency while strangers guess passwords (issue 14, finding 1): idle, then 8 guessing clients.

    .venv/bin/python bench/logins.py                    # SQLite in a temp dir, 20 s per row
    .venv/bin/python bench/logins.py --seconds 8        # a quick run

The server is the real `huida serve` (one process, SQLite, full-strength Argon2, login throttling on as by
default) with its first-start demo robot. One visitor client asks the demo's questions in a closed loop
and every ask is timed; meanwhile 8 guessing clients (threads of another process, so that their Python
work does not hold the visitor client's GIL: a real attacker is another machine; they still share this
machine's CPUs with the server) post wrong passwords to `POST /v10/commons/integration/token` as fast as
the server answers them. Rows (all in one run, so the
ratios hold on a noisy machine):

- idle: no guessers.
- one account, one address: the classic attack; throttling locks it after 5 failures (429 + Retry-After).
- 8 accounts, 8 addresses: one account and one address per guesser (X-Forwarded-For, which uvicorn takes
  from 127.0.0.1); each is locked after its allowance.
- spray: a new account and a new address on every request, so no count ever reaches its allowance and
  every guess costs a full Argon2 verification: what throttling cannot see.
- spray, throttling off: the same with HUIDA_LOGIN_*_ATTEMPTS=0 (a second server), for the cost of the
  verifications alone.

The issue's target: ask p50 with 8 guessers within 2x of idle. Results go to bench/RESULTS-logins.md.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parent / "RESULTS-logins.md"
PASSWORD = "bench-Admin-Passw0rd"
QUESTIONS = ["怎么退货", "运费谁出", "你们发什么快递？", "发票怎么开", "会员有什么权益？", "今天天气怎么样"]
Guess = Callable[[int, int], tuple[str, str | None]]  # (guesser, n) → (username, address)


@dataclass
class Row:
    name: str
    asks: int
    p50_ms: float
    p95_ms: float
    guesses: int
    refused_429: int


@dataclass
class Server:
    base: str
    tenant_id: int
    robot_id: str
    token: str


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def huida_serve(data_dir: Path, extra_env: dict[str, str]) -> Iterator[Server]:
    """`huida serve` on a fresh data directory; the demo login it prints on first start."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUIDA_")}
    env.update(HUIDA_DATA_DIR=str(data_dir), HUIDA_ADMIN_PASSWORD=PASSWORD, HUIDA_LOG_REQUESTS="0",
               PYTHONUNBUFFERED="1", **extra_env)
    command = [sys.executable, "-c", "from huida.cli import main; main()", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        printed = ""
        for line in process.stdout:
            printed += line
            if "printed only this once" in line:
                break
        tenant = re.search(r"demo tenant id\s*:\s*(\d+)", printed)
        robot = re.search(r"demo robot id\s*:\s*(\S+)", printed)
        assert tenant and robot, printed
        base = f"http://127.0.0.1:{port}"
        token = _login_when_ready(base)
        yield Server(base, int(tenant.group(1)), robot.group(1), token)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _login_when_ready(base: str) -> str:
    for _ in range(300):
        try:
            response = httpx.post(f"{base}/v10/commons/integration/token",
                                  json={"username": "admin@huida.local", "password": PASSWORD}, timeout=30)
            return str(response.json()["entity"]["token"])
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("huida serve did not answer")


def ask_loop(server: Server, stop: threading.Event, latencies: list[float]) -> None:
    url = f"/v10/tenants/{server.tenant_id}/knowledge/robots/{server.robot_id}/ask"
    with httpx.Client(base_url=server.base, headers={"token": server.token}, timeout=60) as http:
        for n in itertools.count():
            if stop.is_set():
                return
            started = time.perf_counter()
            response = http.post(url, json={"question": QUESTIONS[n % len(QUESTIONS)], "userId": f"v{n % 50}"})
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text


def guess_loop(server: Server, guesser: int, guess: Guess, stop: threading.Event, counts: list[int]) -> None:
    with httpx.Client(base_url=server.base, timeout=60) as http:
        for n in itertools.count():
            if stop.is_set():
                return
            username, address = guess(guesser, n)
            headers = {"X-Forwarded-For": address} if address else {}
            response = http.post("/v10/commons/integration/token", headers=headers,
                                 json={"username": username, "password": f"guess-{n}"})
            counts[guesser * 2] += 1
            counts[guesser * 2 + 1] += response.status_code == 429


def _guessers(server: Server, attack: int, guessers: int, seconds: float, out: Any) -> None:
    """A process of its own: the guessing clients' Python work must not hold the visitor client's GIL (on a
    real attack they are other machines), so only the server is shared."""
    guess = ATTACKS[attack][1]
    assert guess is not None
    stop, counts = threading.Event(), [0] * (2 * guessers)
    threads = [threading.Thread(target=guess_loop, args=(server, g, guess, stop, counts)) for g in range(guessers)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    out.put((sum(counts[0::2]), sum(counts[1::2])))


def run_row(name: str, server: Server, attack: int | None, seconds: float, guessers: int = 8) -> Row:
    stop, latencies = threading.Event(), []
    asking = threading.Thread(target=ask_loop, args=(server, stop, latencies))
    results: Any = multiprocessing.Queue()
    attackers = None
    if attack is not None:
        attackers = multiprocessing.Process(target=_guessers, args=(server, attack, guessers, seconds, results))
        attackers.start()
    asking.start()
    time.sleep(seconds)
    stop.set()
    asking.join()
    guesses, refused = (0, 0)
    if attackers is not None:
        guesses, refused = results.get(timeout=120)
        attackers.join()
    ordered = sorted(latencies)
    return Row(name, len(ordered), statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))],
               guesses, refused)


def _address(*parts: int) -> str:
    return f"10.{parts[0] % 250}.{parts[1] // 250 % 250}.{parts[1] % 250 + 1}"


def _one_account(g: int, n: int) -> tuple[str, str | None]:
    return "admin@huida.local", "10.9.9.9"


def _own_account(g: int, n: int) -> tuple[str, str | None]:
    return f"user{g}@example.com", _address(g, 0)


def _spray(g: int, n: int) -> tuple[str, str | None]:
    return f"spray{g}-{n}@example.com", _address(g + 1, n)


ATTACKS: list[tuple[str, Guess | None]] = [
    ("idle", None),
    ("8 guessers: one account, one address", _one_account),
    ("8 guessers: 8 accounts, 8 addresses", _own_account),
    ("8 guessers: spray (new account and address each time)", _spray),
]
SPRAY = 3


def measure(seconds: float) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        with huida_serve(Path(tmp) / "throttled", {}) as server:
            run_row("warm-up", server, None, 2)
            rows += [run_row(name, server, None if guess is None else i, seconds)
                     for i, (name, guess) in enumerate(ATTACKS)]
        off = {"HUIDA_LOGIN_ACCOUNT_ATTEMPTS": "0", "HUIDA_LOGIN_ADDRESS_ATTEMPTS": "0"}
        with huida_serve(Path(tmp) / "unthrottled", off) as server:
            run_row("warm-up", server, None, 2)
            rows.append(run_row("idle (throttling off)", server, None, seconds))
            rows.append(run_row("8 guessers: spray, throttling off", server, SPRAY, seconds))
    return rows


def render(rows: list[Row], command: str) -> tuple[Table, str]:
    idle = rows[0].p50_ms
    table = Table(title="Ask latency while 8 clients guess passwords (one `huida serve`, SQLite)")
    for column in ("load", "asks", "ask p50 ms", "ask p95 ms", "p50 vs idle", "guesses", "of which 429"):
        table.add_column(column, justify="left" if column == "load" else "right")
    lines = ["| load | asks | ask p50 ms | ask p95 ms | p50 vs idle | guesses | of which 429 |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        base = rows[4].p50_ms if "throttling off" in row.name else idle
        cells = [row.name, str(row.asks), f"{row.p50_ms:.1f}", f"{row.p95_ms:.1f}", f"{row.p50_ms / base:.2f}x",
                 str(row.guesses), str(row.refused_429)]
        table.add_row(*cells)
        lines.append("| " + " | ".join(cells) + " |")
    markdown = f"`{command}`\n\n" + "\n".join(lines) + "\n"
    return table, markdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each row")
    args = parser.parse_args()
    rows = measure(args.seconds)
    command = "python bench/logins.py " + shlex.join(sys.argv[1:])
    table, markdown = render(rows, command.strip())
    Console().print(table)
    RESULTS.write_text("# Ask latency under password guessing\n\n" + markdown)


if __name__ == "__main__":
    main()
