"""Soak: a steady mix of open-API traffic for `--minutes` against one real `huida serve`, the server's memory
sampled every `--sample-seconds`; after a warm-up its RSS must stay flat.

    .venv/bin/python bench/soak.py --write                          # 30 minutes, SQLite in a temp dir
    .venv/bin/python bench/soak.py --minutes 2 --sample-seconds 10  # a quick check
    .venv/bin/python bench/soak.py --db postgresql://postgres@127.0.0.1:5432/huida_soak   # adds a tenant

What runs:
- The server is the real `huida serve` command in a subprocess (uvicorn, one process, the in-process worker
  delivering webhooks, request logging on as by default), with HUIDA_WEBHOOK_ALLOW_PRIVATE=1 so that
  deliveries may go to 127.0.0.1. Before it starts, this script adds a tenant with a known password and a
  robot loaded with the demo shop's knowledge (src/huida/demo: 29 rules, text, picture, news, two menu
  levels, a transfer to a human). Through the API it then logs in (POST /v10/commons/integration/token) and
  subscribes a webhook to every event, pointing to a local receiver (a ThreadingHTTPServer that
  acknowledges each POST and counts distinct X-Huida-Delivery ids by X-Huida-Event).
- `--threads` client threads (keep-alive httpx clients) share one pace of `--rate` requests per second, so
  the run measures leaks, not saturation. Each thread plays visitors, a new user id each: a first question
  (a stored question with a variation, an out-of-scope question, small talk, the help menu, a complaint that
  transfers to a human), follow-ups in the same session (menu clicks on the items just shown, more
  questions), then some of: a satisfaction rating of an answer (solved, or not solved with a reason), a
  session comment (score 1-5), thumbs up/down on an answer (sometimes changed afterwards), the transfer
  receipt after a transfer, reads (history playback, the answer's feedback, the session's ratings and
  comment). Questions vary (prefixes, suffixes, order numbers), so nothing is served twice from one text.
  Every `--edit-seconds` one thread changes the knowledge (replace a rule, add one, replace, delete it:
  incremental index updates, then the background refresh), every `--token-seconds` one logs in again.
- Every sample: the server process's RSS (psutil when installed, else /proc/PID/status VmRSS; children
  included), its threads and open files, then the interval's requests, errors (any 5xx or connection
  error; 4xx are counted apart), webhook deliveries received, and p50/p99 latency of every request.

Verdict: RSS is flat when it grew less than `--flat-percent` (5%) from the end of the warm-up
(`--warmup-minutes`, 5; a third of the run when the run is shorter than three warm-ups) to the last sample.
Webhooks: after the load stops, the script waits up to 120 s for the receiver to get every delivery the
server recorded, then compares received, recorded and expected (counted by the client from its own successful
requests).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from huida.auth.service import create_tenant
from huida.config import Settings, normalize_database_url
from huida.context import build_context
from huida.demo.faq import SUB_MENUS, TEXT_RULES, TOP_MENU, load_demo_knowledge
from huida.robots.service import create_robot

RESULTS = Path(__file__).with_name("RESULTS-soak.md")
PASSWORD = "soak password 0123"
WEBHOOK_SECRET = "soak-webhook-secret-0123456789"
EVENTS = ["feedback", "satisfaction", "comment", "transfer-human", "transfer-confirmation", "session-closed"]
REASONS = ("所问非所答", "答案不完整", "解决问题慢", "用户体验差")  # the default reasons (feedback/defaults.py)
COMMENT_TAGS = {1: "答非所问", 2: "答案不完整", 3: "答案不够详细", 4: "回答准确", 5: "服务好"}

# -- what visitors say ---------------------------------------------------------------------------------------
HITS = [q for _, _, questions, _ in TEXT_RULES for q in questions]
MENUS = [*TOP_MENU[1], *(q for _, questions, _, _ in SUB_MENUS for q in questions)]
HUMAN = ["我要投诉", "投诉商品质量问题", "对你们的服务很不满意", "找你们主管"]
SMALL_TALK = ["你好", "您好", "在吗", "谢谢", "谢谢你", "好的", "再见", "hello", "嗯嗯", "你是机器人吗"]
PREFIXES = ["", "", "", "请问", "你好，", "麻烦问下", "hi ", "我想知道", "急！"]
SUFFIXES = ["", "", "", "？", "呢", "啊", "?", "，谢谢", "。。"]
MISS_SUBJECTS = ["量子计算机", "明天上海的天气", "火星", "你们老板", "这首歌", "股票", "世界杯", "猫粮", "高铁票",
                 "python 代码", "中午吃什么", "my cat", "the weather in Paris", "比特币", "房价", "电影票"]
MISS_TAILS = ["多少钱", "怎么样", "是什么", "能推荐一下吗", "好不好", "在哪里买", "for sale?", "几点开始",
              "有没有优惠", "谁赢了"]
FIRST = [("hit", 45), ("miss", 15), ("small talk", 12), ("menu", 20), ("human", 8)]


def vary(text: str, rng: random.Random) -> str:
    return f"{rng.choice(PREFIXES)}{text.rstrip('？?')}{rng.choice(SUFFIXES)}"


def miss(rng: random.Random) -> str:
    text = f"{rng.choice(MISS_SUBJECTS)}{rng.choice(MISS_TAILS)}"
    return f"订单号 {rng.randrange(10**11, 10**12)} {text}" if rng.random() < 0.2 else vary(text, rng)


def pick(weights: list[tuple[str, int]], rng: random.Random) -> str:
    return rng.choices([k for k, _ in weights], [w for _, w in weights])[0]


# -- measuring the server ------------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    """Descendants of `pid`, from /proc (the server does not fork today; counted should it ever)."""
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents[ppid].append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _status(pid: int) -> dict[str, int]:
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "RssAnon", "VmHWM", "Threads"):
                values[key] = int(rest.split()[0])
    return values


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@dataclass
class Memory:
    rss_mb: float  # at the sample
    anon_mb: float  # of which anonymous memory (the heap; the rest is mapped files: libraries, data files)
    max_mb: float  # the highest reading since the previous sample (polled every second)
    peak_mb: float  # the main process's high-water mark (VmHWM)
    threads: int
    files: int
    processes: int
    cpu_seconds: float


def read_memory(pid: int) -> Memory:
    """RSS, threads and open files of the server and its descendants (psutil when installed, else /proc)."""
    try:
        import psutil  # type: ignore[import-not-found]
    except ImportError:
        psutil = None
    if psutil is not None:
        main = psutil.Process(pid)
        procs = [main, *main.children(recursive=True)]
        rss = sum(p.memory_info().rss for p in procs) / 2**20
        anon = sum(_status(p.pid).get("RssAnon", 0) for p in procs) / 1024
        cpu = sum(sum(p.cpu_times()[:2]) for p in procs)
        return Memory(rss, anon, rss, _status(pid).get("VmHWM", 0) / 1024, sum(p.num_threads() for p in procs),
                      sum(p.num_fds() for p in procs), len(procs), cpu)
    pids = [pid, *_children(pid)]
    rss_kb = anon_kb = threads = files = 0
    cpu = 0.0
    for p in pids:
        try:
            status = _status(p)
            rss_kb += status.get("VmRSS", 0)
            anon_kb += status.get("RssAnon", 0)
            threads += status.get("Threads", 0)
            files += len(os.listdir(f"/proc/{p}/fd"))
            cpu += _cpu_seconds(p)
        except OSError:
            continue
    return Memory(rss_kb / 1024, anon_kb / 1024, rss_kb / 1024, _status(pid).get("VmHWM", 0) / 1024, threads, files,
                  len(pids), cpu)


class Probe:
    """Reads the server's memory every second in the background; `sample()` gives the reading now with the
    interval's maximum."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.lock = threading.Lock()
        self.max_mb = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, name="probe", daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        while not self.stop.wait(1.0):
            try:
                rss = read_memory(self.pid).rss_mb
            except OSError:
                continue
            with self.lock:
                self.max_mb = max(self.max_mb, rss)

    def sample(self) -> Memory:
        memory = read_memory(self.pid)
        with self.lock:
            memory.max_mb, self.max_mb = max(self.max_mb, memory.rss_mb), 0.0
        return memory

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


# -- the webhook receiver ------------------------------------------------------------------------------------
class Receiver:
    """Acknowledges every POST at once; counts distinct deliveries by event, and repeats."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: dict[str, str] = {}
        self.repeats = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("content-length") or 0))
                delivery, event = self.headers.get("x-huida-delivery", ""), self.headers.get("x-huida-event", "?")
                with receiver.lock:
                    if delivery in receiver.seen:
                        receiver.repeats += 1
                    receiver.seen[delivery] = event
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self) -> int:
        with self.lock:
            return len(self.seen)

    def by_event(self) -> Counter[str]:
        with self.lock:
            return Counter(self.seen.values())


# -- the server ----------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# With --diagnose the server starts under this wrapper, which reads glibc's malloc statistics through ctypes.
# On SIGUSR1 it reads "<seq> <command>" from diag.cmd and appends a JSON line with that seq to diag.jsonl: RSS,
# malloc in use and free (mallinfo2; SQLite's heap is part of "in use"), malloc arenas, SQLite's heap,
# pymalloc's arenas, objects the garbage collector tracks. "base" also starts
# tracemalloc (with --trace-frames > 0), so every later line carries what was allocated after the warm-up and
# is still alive, and tracemalloc-top.txt lists where; "trim" first calls malloc_trim(0) and records the RSS
# after it. Tracing starts only after the warm-up because it slows the server several times over.
DIAG_WRAPPER = r"""
import ctypes, gc, json, os, signal, sys, tempfile, threading, tracemalloc
FOLDER, FRAMES = os.environ["SOAK_DIAG_DIR"], int(os.environ["SOAK_TRACE_FRAMES"])
libc = ctypes.CDLL("libc.so.6")
class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                "fsmblks", "uordblks", "fordblks", "keepcost")]
libc.mallinfo2.restype = MallInfo2
libc.fopen.restype, libc.fopen.argtypes = ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes, libc.fclose.argtypes = [ctypes.c_int, ctypes.c_void_p], [ctypes.c_void_p]
try:  # the library Python's sqlite3 module links to: its heap counter
    sqlite = ctypes.CDLL("libsqlite3.so.0")
    sqlite.sqlite3_memory_used.restype = ctypes.c_int64
except OSError:
    sqlite = None
wanted = threading.Event()
def rss_mb():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) / 1024 for line in fh if line.startswith("VmRSS:"))
def arenas():
    path = FOLDER + "/malloc_info.xml"
    fp = libc.fopen(path.encode(), b"w")
    libc.malloc_info(0, fp)
    libc.fclose(fp)
    with open(path) as fh:
        return fh.read().count("<heap nr=")
def pymalloc():
    # sys._debugmallocstats() prints to the C stderr: caught for a moment in a file (a log line written by
    # another thread in that moment lands there too).
    saved = os.dup(2)
    with tempfile.TemporaryFile("w+") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read()
    found = {}
    for line in text.splitlines():
        name, _, value = line.partition("=")
        name = name.strip()
        if name in ("# arenas allocated current", "# bytes in allocated blocks", "# bytes in available blocks"):
            found[name] = int(value.strip().replace(",", ""))
        if name == "Total" and "total" not in found:
            found["total"] = int(value.strip().replace(",", ""))
    return {"pymalloc_arenas_mb": found.get("total", 0) / 2**20,
            "pymalloc_used_mb": found.get("# bytes in allocated blocks", 0) / 2**20,
            "pymalloc_free_mb": found.get("# bytes in available blocks", 0) / 2**20}
def report(seq, command):
    out = {"seq": seq, "command": command, "rss": rss_mb()}
    if command == "trim":
        libc.malloc_trim(0)
        out["rss_after_trim"] = rss_mb()
    m = libc.mallinfo2()
    out.update(malloc_used=(m.uordblks + m.hblkhd) / 2**20, malloc_free=m.fordblks / 2**20, arenas=arenas(),
               objects=len(gc.get_objects()), sqlite=sqlite.sqlite3_memory_used() / 2**20 if sqlite else -1,
               **pymalloc())
    if tracemalloc.is_tracing():
        snap = tracemalloc.take_snapshot()
        stats = snap.statistics("traceback" if FRAMES > 1 else "lineno")
        out["traced"] = sum(s.size for s in stats) / 2**20
        with open(FOLDER + "/tracemalloc-top.txt", "w") as fh:
            for stat in stats[:30]:
                fh.write(f"{stat}\n")
                if FRAMES > 1:
                    fh.writelines(f"    {line}\n" for line in stat.traceback.format())
        del snap, stats
    elif command == "base" and FRAMES > 0:
        tracemalloc.start(FRAMES)
    with open(FOLDER + "/diag.jsonl", "a") as fh:
        fh.write(json.dumps(out) + "\n")
def serve():
    while True:
        wanted.wait()
        wanted.clear()
        with open(FOLDER + "/diag.cmd") as fh:
            seq, command = fh.read().split()
        report(int(seq), command)
signal.signal(signal.SIGUSR1, lambda *_: wanted.set())
threading.Thread(target=serve, daemon=True, name="soak-diagnose").start()
from huida.cli import main
main()
"""
_diag_seq = iter(range(1, 1 << 30))


def diagnose(workdir: Path, pid: int, command: str) -> dict[str, float]:
    """Sends a command to the server's --diagnose wrapper and returns what it recorded ({} if nothing came)."""
    seq = next(_diag_seq)
    path = workdir / "diag.jsonl"
    (workdir / "diag.cmd").write_text(f"{seq} {command}")
    os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        for line in (path.read_text().splitlines() if path.exists() else [])[::-1]:
            found = json.loads(line)
            if found["seq"] == seq:
                return found
        time.sleep(0.2)
    return {}


@contextmanager
def huida_serve(db_url: str, workdir: Path, diagnose_mode: bool = False,
                trace_frames: int = 0) -> Iterator[tuple[str, int]]:
    """`huida serve --db URL --port P` in a subprocess, until it answers /healthz; yields (base URL, pid);
    with `diagnose_mode`, under the --diagnose wrapper."""
    port = free_port()
    code = DIAG_WRAPPER if diagnose_mode else "from huida.cli import main; main()"
    command = [sys.executable, "-c", code, "serve", "--db", db_url, "--port", str(port)]
    env = {**os.environ, "HUIDA_DATA_DIR": str(workdir), "HUIDA_WEBHOOK_ALLOW_PRIVATE": "1",
           "SOAK_DIAG_DIR": str(workdir), "SOAK_TRACE_FRAMES": str(trace_frames)}
    log = workdir / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"huida serve exited ({process.returncode}); see {log}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("huida serve did not start in time")
                time.sleep(0.1)
            yield base, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@dataclass
class Setup:
    tenant_id: int
    robot_id: str
    username: str


def prepare(db_url: str, workdir: Path) -> Setup:
    """A tenant with a known password and the demo shop's robot, written before the server starts."""
    ctx = build_context(Settings(data_dir=workdir, database_url=db_url, run_worker=False, log_requests=False))
    username = f"soak-{os.getpid()}-{int(time.time())}@example.com"
    try:
        with ctx.db.session() as session:
            created = create_tenant(session, "soak", username, PASSWORD)
            robot_id = create_robot(session, created.tenant.id, "小答 (soak)").robot_id
            load_demo_knowledge(session, created.tenant.id, robot_id)
            return Setup(created.tenant.id, robot_id, username)
    finally:
        ctx.db.dispose()


# -- the load ------------------------------------------------------------------------------------------------
@dataclass
class Sample:
    op: str
    ms: float
    status: int  # 0: connection error or timeout


@dataclass
class Shared:
    """What the client threads share: the pace, the token, the record of requests and expected events."""

    base: str
    setup: Setup
    rate: float
    token: str
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_slot: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    all_samples: list[Sample] = field(default_factory=list)
    expected: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    next_edit: float = 0.0
    next_token: float = 0.0
    edits: int = 0

    def wait_turn(self) -> bool:
        """Sleeps until this thread's slot of the common pace; False when the run is over."""
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next_slot)
            self.next_slot = slot + 1 / self.rate
        if slot > now:
            self.stop.wait(slot - now)
        return not self.stop.is_set()

    def record(self, sample: Sample, detail: str) -> None:
        with self.lock:
            self.samples.append(sample)
            self.all_samples.append(sample)
            if (sample.status == 0 or sample.status >= 400) and len(self.failures) < 50:
                self.failures.append(f"{sample.op}: {sample.status} {detail[:300]}")

    def take(self) -> list[Sample]:
        with self.lock:
            taken, self.samples = self.samples, []
            return taken

    def expect(self, event: str) -> None:
        with self.lock:
            self.expected[event] += 1

    def claim(self, what: str, every: float) -> bool:
        """True for the one thread that does the timed chore `what` now."""
        now = time.monotonic()
        with self.lock:
            due = self.next_edit if what == "edit" else self.next_token
            if every <= 0 or now < due:
                return False
            if what == "edit":
                self.next_edit = now + every
            else:
                self.next_token = now + every
            return True


class Visitor:
    """One client thread: plays visitors one after another at the common pace."""

    def __init__(self, shared: Shared, number: int, args: argparse.Namespace) -> None:
        self.shared, self.number, self.args = shared, number, args
        self.rng = random.Random(number * 7919 + 17)
        t, r = shared.setup.tenant_id, shared.setup.robot_id
        self.knowledge = f"/v10/tenants/{t}/knowledge/robots/{r}"
        self.comment = f"/v10/tenants/{t}/comment/robots/{r}"
        self.history = f"/v10/tenants/{t}/session-history/robots/{r}/playback/from/sessionId"
        self.client = httpx.Client(base_url=shared.base, timeout=30)
        self.visitors = 0

    # one request, timed and recorded
    def call(self, op: str, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        if not self.shared.wait_turn():
            return None
        start = time.perf_counter()
        try:
            response = self.client.request(method, path, headers={"token": self.shared.token}, **kwargs)
        except httpx.HTTPError as exc:
            self.shared.record(Sample(op, 1000 * (time.perf_counter() - start), 0), repr(exc))
            return None
        self.shared.record(Sample(op, 1000 * (time.perf_counter() - start), response.status_code), response.text)
        return response if response.status_code == 200 else None

    def ask(self, user: str, question: str | None = None, knowledge_id: str | None = None,
            op: str = "ask") -> dict[str, Any] | None:
        body: dict[str, Any] = {"userId": user, "originType": "soak"}
        if knowledge_id:
            body.update(type="MENU_CLICK", knowledgeId=knowledge_id)
        else:
            body.update(type="TEXT", question=question)
        response = self.call(op, "POST", self.knowledge + "/ask", json=body)
        if response is None:
            return None
        entity = response.json()["entity"]
        if (entity.get("content") or {}).get("type") == "human":
            self.shared.expect("transfer-human")
        return entity

    def run(self) -> None:
        try:
            while not self.shared.stop.is_set():
                self.chores()
                self.visit(f"soak-{self.number}-{self.visitors}")
                self.visitors += 1
        finally:
            self.client.close()

    # the timed chores: a knowledge change, a new token
    def chores(self) -> None:
        if self.shared.claim("edit", self.args.edit_seconds):
            self.edit()
        if self.shared.claim("token", self.args.token_seconds):
            response = self.call("token", "POST", "/v10/commons/integration/token",
                                 json={"username": self.shared.setup.username, "password": PASSWORD})
            if response is not None:
                self.shared.token = response.json()["entity"]["token"]

    def edit(self) -> None:
        step = self.shared.edits % 4
        self.shared.edits += 1
        rule_id, category, questions, answer = TEXT_RULES[-1]  # service-hours
        extra = "soak-extra"
        if step in (0, 2):  # replace a rule, its similar questions and answer changing every time
            similar = [*questions, f"人工客服第 {self.shared.edits} 天几点下班"]
            body = {"questions": similar, "answers": [{"type": "TEXT", "answer": f"{answer}（{self.shared.edits}）"}],
                    "category": category}
            self.call("rule edit", "PUT", f"{self.knowledge}/rules/{rule_id}", json=body)
        elif step == 1:
            body = {"id": extra, "questions": ["有没有礼品卡", "礼品卡怎么用"], "answers": [
                {"type": "TEXT", "answer": "礼品卡在「我的 - 礼品卡」绑定后，下单时可直接抵扣。"}], "category": "会员"}
            self.call("rule edit", "POST", f"{self.knowledge}/rules", json=body)
        else:
            self.call("rule edit", "DELETE", f"{self.knowledge}/rules/{extra}")

    # one visitor
    def visit(self, user: str) -> None:
        rng = self.rng
        kind = pick(FIRST, rng)
        text = {"hit": lambda: vary(rng.choice(HITS), rng), "miss": lambda: miss(rng),
                "small talk": lambda: rng.choice(SMALL_TALK), "menu": lambda: rng.choice(MENUS),
                "human": lambda: vary(rng.choice(HUMAN), rng)}[kind]()
        entity = self.ask(user, text, op=f"ask {kind}")
        if entity is None:
            return
        session_id = entity["sessionId"]
        answers = [entity]
        for _ in range(rng.choice([0, 1, 1, 2, 3])):  # follow-ups in the same session
            if entity is None or (entity.get("content") or {}).get("type") == "human":
                break
            items = [i for i in (entity.get("content") or {}).get("texts") or []
                     if not str(i.get("knowledgeId", "")).startswith("MenuBtn-")]
            if items and rng.random() < 0.85:
                entity = self.ask(user, knowledge_id=rng.choice(items)["knowledgeId"], op="ask menu click")
            elif rng.random() < 0.75:
                entity = self.ask(user, vary(rng.choice(HITS), rng), op="ask hit")
            else:
                entity = self.ask(user, miss(rng), op="ask miss")
            if entity is not None:
                answers.append(entity)
        self.after(user, session_id, answers)

    def after(self, user: str, session_id: str, answers: list[dict[str, Any]]) -> None:
        rng = self.rng
        last = answers[-1]
        rated = [a for a in answers if a.get("answerSource") in ("RULE", "MENU")] or answers
        if (last.get("content") or {}).get("type") == "human":
            result = "Success" if rng.random() < 0.8 else "Fail"
            body = {"msgId": last["msgId"], "sessionId": session_id, "result": result, "accessId": user}
            if self.call("transfer receipt", "POST", self.knowledge + "/transfer-human-confirmation", json=body):
                self.shared.expect("transfer-confirmation")
        if rng.random() < 0.45:  # satisfaction of one answer
            answer = rng.choice(rated)
            solved = rng.random() < 0.6
            body = {"sessionId": session_id, "msgId": answer["msgId"], "type": 1 if solved else 2,
                    "reasonTag": None if solved else rng.choice(REASONS), "accessId": user, "source": "webim"}
            if self.call("satisfaction", "POST", self.comment + "/satisfactionComments", json=body):
                self.shared.expect("satisfaction")
        if rng.random() < 0.35:  # thumbs, sometimes changed
            answer = rng.choice(answers)
            path = f"{self.knowledge}/messages/{answer['msgId']}/feedback"
            for _ in range(2 if rng.random() < 0.25 else 1):
                down = rng.random() < 0.4
                body = {"feedbackStatus": "thumb-down" if down else "thumb-up",
                        "feedback": rng.choice(["没说清楚", "答非所问", "太慢了", None]) if down else None}
                response = self.call("thumbs", "POST", path, json=body)
                if response is not None and response.json()["entity"].get("changed"):
                    self.shared.expect("feedback")
        if rng.random() < 0.25:  # a comment on the session
            score = rng.randint(1, 5)
            body = {"sessionId": session_id, "score": score, "tag": COMMENT_TAGS[score] if rng.random() < 0.5 else None,
                    "comment": rng.choice([None, "还行", "希望更快一点", "很好用"]), "accessId": user,
                    "source": "webim"}
            if self.call("comment", "POST", self.comment + "/comments", json=body):
                self.shared.expect("comment")
        if rng.random() < 0.3:
            self.call("read history", "GET", self.history, params={"sessionId": session_id, "size": 20})
        if rng.random() < 0.1:
            self.call("read feedback", "GET", f"{self.knowledge}/messages/{answers[0]['msgId']}/feedback")
        if rng.random() < 0.1:
            self.call("read ratings", "GET", f"{self.comment}/session/{session_id}/satisfactionComments")
        if rng.random() < 0.05:
            self.call("read comment", "GET", self.comment + "/comment", params={"sessionId": session_id})


# -- statistics and output -----------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


@dataclass
class Row:
    minute: float
    memory: Memory
    requests: int
    errors: int
    client_errors: int
    webhooks: int
    p50: float
    p99: float
    seconds: float
    cpu_pct: float = float("nan")  # the server's CPU time over the interval, % of one core
    diag: dict[str, float] = field(default_factory=dict)  # what the --diagnose wrapper recorded


def slope_mb_per_hour(rows: list[Row]) -> float:
    if len(rows) < 2:
        return 0.0
    xs, ys = [r.minute / 60 for r in rows], [r.memory.rss_mb for r in rows]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


ROW_HEADER = ("minute", "RSS MB", "Δ MB", "anon MB", "interval max MB", "server CPU %", "threads", "files",
              "requests", "req/s", "errors", "4xx", "webhooks", "p50 ms", "p99 ms")


DIAG_HEADER = ("malloc in use MB", "of which SQLite MB", "malloc free MB", "malloc arenas", "pymalloc arenas MB",
               "pymalloc in use MB", "Python objects", "traced since warm-up MB")


def row_header(traced: bool) -> tuple[str, ...]:
    return (*ROW_HEADER, *DIAG_HEADER) if traced else ROW_HEADER


def row_cells(row: Row, first: Row, traced: bool = False) -> list[str]:
    d = row.diag
    extra = ([f"{d['malloc_used']:.1f}", f"{d['sqlite']:.1f}", f"{d['malloc_free']:.1f}", str(d["arenas"]),
              f"{d['pymalloc_arenas_mb']:.1f}",
              f"{d['pymalloc_used_mb']:.1f}", f"{d['objects']:,}", f"{d['traced']:.1f}" if "traced" in d else ""]
             if d else [""] * len(DIAG_HEADER)) if traced else []
    return [f"{row.minute:.1f}" if row.minute % 1 else f"{row.minute:.0f}", f"{row.memory.rss_mb:.1f}",
            f"{row.memory.rss_mb - first.memory.rss_mb:+.1f}", f"{row.memory.anon_mb:.1f}",
            f"{row.memory.max_mb:.1f}" if row.requests else "",
            f"{row.cpu_pct:.0f}" if row.requests else "", str(row.memory.threads), str(row.memory.files),
            f"{row.requests:,}", f"{row.requests / row.seconds:.1f}" if row.seconds else "",
            str(row.errors), str(row.client_errors), str(row.webhooks),
            f"{row.p50:.1f}" if row.requests else "", f"{row.p99:.1f}" if row.requests else "", *extra]


def markdown_table(header: tuple[str, ...] | list[str], rows: list[list[str]], numbers: bool = True) -> list[str]:
    """A Markdown table; columns after the first right-aligned when they hold `numbers`."""
    align = ["---"] + ["---:" if numbers else "---"] * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    return lines + ["| " + " | ".join(cells) + " |" for cells in rows]


def trend(after: list[Row]) -> list[tuple[str, str]]:
    """The largest step between two samples after the warm-up, and the second half's growth (a one-time
    step, such as a library loaded on first use, shows in the first; a steady leak in both)."""
    if len(after) < 3:
        return []
    before, at = max(zip(after, after[1:], strict=False), key=lambda ab: ab[1].memory.rss_mb - ab[0].memory.rss_mb)
    step = at.memory.rss_mb - before.memory.rss_mb
    middle = after[len(after) // 2]
    last = after[-1]
    grew = last.memory.rss_mb - middle.memory.rss_mb
    return [("largest step between samples after warm-up", f"{step:+.1f} MB, at minute {at.minute:g}"),
            (f"second half (minute {middle.minute:g} → {last.minute:g})",
             f"{grew:+.1f} MB ({100 * grew / middle.memory.rss_mb:+.1f}%); slope "
             f"{slope_mb_per_hour(after[len(after) // 2:]):+.1f} MB/hour")]


@dataclass
class Summary:
    lines: list[tuple[str, str]]
    flat: bool


def summarize(rows: list[Row], warmup_row: Row, args: argparse.Namespace, shared: Shared, receiver: Receiver,
              recorded: dict[str, int], wall: float) -> Summary:
    first, last = rows[0], rows[-1]
    rss = [r.memory.rss_mb for r in rows]
    growth = last.memory.rss_mb - warmup_row.memory.rss_mb
    growth_pct = 100 * growth / warmup_row.memory.rss_mb
    flat = growth_pct < args.flat_percent
    after = [r for r in rows if r.minute >= warmup_row.minute]
    samples = shared.all_samples
    errors = sum(1 for s in samples if s.status == 0 or s.status >= 500)
    client_errors = sum(1 for s in samples if 400 <= s.status < 500)
    ms = [s.ms for s in samples]
    received = receiver.by_event()
    expected = shared.expected
    events = sorted(set(expected) | set(received) | {k for k in recorded if k in EVENTS})
    per_event = ", ".join(f"{e} {received.get(e, 0)}/{recorded.get(e, '?')}/{expected.get(e, 0)}" for e in events)
    verdict = "**flat**" if flat else "**NOT flat**"
    lines = [
        ("RSS first / last", f"{first.memory.rss_mb:.1f} / {last.memory.rss_mb:.1f} MB (minute 0 = after the index "
                             "build and a warm-up ask, before the load)"),
        ("RSS min / max (samples)", f"{min(rss):.1f} / {max(rss):.1f} MB; highest 1-second reading "
                                    f"{max(r.memory.max_mb for r in rows):.1f} MB; high-water mark (VmHWM) "
                                    f"{last.memory.peak_mb:.1f} MB"),
        (f"growth after warm-up (minute {warmup_row.minute:g} → {last.minute:g})",
         f"{growth:+.1f} MB ({growth_pct:+.1f}%); least-squares slope over those samples "
         f"{slope_mb_per_hour(after):+.1f} MB/hour"),
        ("verdict", f"{verdict} (rule: flat when the growth after warm-up is under {args.flat_percent:g}%)"),
        *trend(after),
        ("anonymous memory (heap) warm-up → last", f"{warmup_row.memory.anon_mb:.1f} → {last.memory.anon_mb:.1f} MB"),
        ("threads / open files", f"{first.memory.threads} → {last.memory.threads} / "
                                 f"{first.memory.files} → {last.memory.files}"),
        ("requests", f"{len(samples):,} in {wall / 60:.1f} min ({len(samples) / wall:.1f}/s; target "
                     f"{args.rate:g}/s, {args.threads} threads); {shared.edits} knowledge edits"),
        ("server CPU", f"{100 * (last.memory.cpu_seconds - first.memory.cpu_seconds) / wall:.0f}% of one core "
                       "on average"),
        ("latency, all requests", f"p50 {percentile(ms, 50):.1f} ms, p99 {percentile(ms, 99):.1f} ms, "
                                  f"max {max(ms, default=0):.0f} ms"),
        ("errors (5xx or connection)", f"{errors}; 4xx: {client_errors}"),
        ("webhooks received / recorded by the server / expected",
         f"{receiver.count():,} / {recorded.get('total', '?'):,} / {sum(expected.values()):,}; repeats "
         f"{receiver.repeats}; pending {recorded.get('pending', '?')}, failed {recorded.get('failed', '?')} "
         f"at the end"),
        ("by event (received/recorded/expected)", per_event),
    ]
    if warmup_row.diag and last.diag:
        w, e = warmup_row.diag, last.diag
        at = next(i for i, (name, _) in enumerate(lines) if name.startswith("anonymous memory")) + 1
        lines.insert(at, ("--diagnose, warm-up → last",
                         f"malloc in use {w['malloc_used']:.1f} → {e['malloc_used']:.1f} MB (SQLite "
                         f"{w['sqlite']:.1f} → {e['sqlite']:.1f} MB), malloc free "
                         f"{w['malloc_free']:.1f} → {e['malloc_free']:.1f} MB, arenas {w['arenas']} → {e['arenas']}, "
                         f"pymalloc arenas {w['pymalloc_arenas_mb']:.1f} → {e['pymalloc_arenas_mb']:.1f} MB (in use "
                         f"{w['pymalloc_used_mb']:.1f} → {e['pymalloc_used_mb']:.1f} MB), "
                         f"Python objects {w['objects']:,} → {e['objects']:,}"
                         + (f", allocated after the warm-up and alive {e['traced']:.1f} MB" if "traced" in e else "")))
    return Summary(lines, flat)


def op_rows(samples: list[Sample]) -> list[list[str]]:
    by_op: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_op[s.op].append(s)
    rows = []
    for op, items in sorted(by_op.items(), key=lambda kv: -len(kv[1])):
        ms = [s.ms for s in items]
        rows.append([op, f"{len(items):,}", str(sum(1 for s in items if s.status == 0 or s.status >= 500)),
                     str(sum(1 for s in items if 400 <= s.status < 500)), f"{percentile(ms, 50):.1f}",
                     f"{percentile(ms, 99):.1f}"])
    return rows


def deliveries(client: httpx.Client, shared: Shared, webhook_id: str) -> dict[str, int]:
    """What the server recorded for the subscription: totals by event and by state."""
    path = f"/v10/tenants/{shared.setup.tenant_id}/robots/{shared.setup.robot_id}/webhooks/{webhook_id}/deliveries"
    counts: dict[str, int] = {}
    queries: list[tuple[str, dict[str, Any]]] = [("total", {})]
    queries += [(s, {"state": s}) for s in ("pending", "failed")]
    queries += [(e, {"event": e}) for e in EVENTS]
    for name, params in queries:
        response = client.get(path, params={**params, "size": 1}, headers={"token": shared.token})
        if response.status_code == 200:
            counts[name] = int(response.json().get("totalElements") or 0)
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--sample-seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=20, help="requests per second, all threads together")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--warmup-minutes", type=float, default=5)
    parser.add_argument("--flat-percent", type=float, default=5)
    parser.add_argument("--edit-seconds", type=float, default=60, help="a knowledge change this often (0: never)")
    parser.add_argument("--token-seconds", type=float, default=60, help="a login this often (0: never)")
    parser.add_argument("--db", default=None, help="database URL (default: SQLite in a temp dir); a tenant is added")
    parser.add_argument("--every", type=int, default=5, help="in the written table, every Nth sample")
    parser.add_argument("--write", action="store_true", help=f"write the result to {RESULTS.name}")
    parser.add_argument("--diagnose", action="store_true",
                        help="at every sample also read the server's malloc statistics and Python object count")
    parser.add_argument("--trace-frames", type=int, default=0,
                        help="with --diagnose: tracemalloc from the warm-up on, this many frames a trace (slow)")
    args = parser.parse_args(argv)
    traced = args.diagnose

    workdir = Path(tempfile.mkdtemp(prefix="huida-soak-"))
    db_url = normalize_database_url(args.db) if args.db else f"sqlite:///{workdir / 'huida.db'}"
    backend = "PostgreSQL" if db_url.startswith("postgresql") else "SQLite"
    setup = prepare(db_url, workdir)
    receiver = Receiver()
    load_before = os.getloadavg()[0]
    duration = args.minutes * 60
    warmup = args.warmup_minutes * 60 if duration >= 3 * args.warmup_minutes * 60 else duration / 3
    print(f"soak: {args.minutes:g} min, {args.rate:g} req/s on {args.threads} threads, {backend} in {workdir}; "
          f"sample every {args.sample_seconds:g} s; warm-up {warmup / 60:g} min", flush=True)
    with (huida_serve(db_url, workdir, traced, args.trace_frames) as (base, pid),
          httpx.Client(base_url=base, timeout=600) as admin):
        login = admin.post("/v10/commons/integration/token", json={"username": setup.username, "password": PASSWORD})
        login.raise_for_status()
        shared = Shared(base, setup, args.rate, login.json()["entity"]["token"])
        headers = {"token": shared.token}
        hook = admin.post(f"/v10/tenants/{setup.tenant_id}/robots/{setup.robot_id}/webhooks", headers=headers,
                          json={"url": receiver.url, "secret": WEBHOOK_SECRET, "events": EVENTS})
        if hook.status_code != 200:
            raise RuntimeError(f"could not subscribe the webhook: {hook.status_code} {hook.text}")
        webhook_id = hook.json()["entity"]["webhookId"]
        start = time.perf_counter()  # the first ask builds the robot's index: not part of the load
        admin.post(f"/v10/tenants/{setup.tenant_id}/knowledge/robots/{setup.robot_id}/ask", headers=headers,
                   json={"userId": "soak-warm-up", "question": "你好"}).raise_for_status()
        print(f"server pid {pid}; index built in {time.perf_counter() - start:.1f} s; webhook {webhook_id} → "
              f"{receiver.url}", flush=True)

        probe = Probe(pid)
        rows = [Row(0, probe.sample(), 0, 0, 0, 0, float("nan"), float("nan"), 0)]
        if traced:
            rows[0].diag = diagnose(workdir, pid, "snap")
        print("| " + " | ".join(row_header(traced)) + " |", flush=True)
        print("| " + " | ".join(row_cells(rows[0], rows[0], traced)) + " |", flush=True)
        warmup_row: Row | None = None
        now = time.monotonic()
        shared.next_slot = now
        # Off the sampling beat: an edit (and its refresh 30 s later) and a login (a password hash) are brief
        # bursts of memory and CPU, and a sample should not land on them every time.
        shared.next_edit = now + args.edit_seconds / 4
        shared.next_token = now + args.token_seconds * 2 / 3
        visitors = [Visitor(shared, n, args) for n in range(args.threads)]
        threads = [threading.Thread(target=v.run, name=f"visitor-{n}") for n, v in enumerate(visitors)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        webhooks_before = 0
        last_sample = began
        try:
            while True:
                elapsed = time.monotonic() - began
                if elapsed >= duration - 1e-6:
                    break
                next_at = min(duration, (int((elapsed + 1e-3) // args.sample_seconds) + 1) * args.sample_seconds)
                time.sleep(max(0.0, next_at - (time.monotonic() - began)))
                taken = shared.take()
                memory = probe.sample()
                received = receiver.count()
                at = time.monotonic()
                ms = [s.ms for s in taken]
                row = Row((at - began) / 60, memory, len(taken),
                          sum(1 for s in taken if s.status == 0 or s.status >= 500),
                          sum(1 for s in taken if 400 <= s.status < 500), received - webhooks_before,
                          percentile(ms, 50), percentile(ms, 99), at - last_sample)
                row.cpu_pct = 100 * (memory.cpu_seconds - rows[-1].memory.cpu_seconds) / row.seconds
                row.minute = round(row.minute, 1)
                webhooks_before, last_sample = received, at
                rows.append(row)
                if warmup_row is None and next_at >= warmup - 1e-3:
                    warmup_row = row
                if traced:
                    row.diag = diagnose(workdir, pid, "base" if row is warmup_row else "snap")
                print("| " + " | ".join(row_cells(row, rows[0], traced)) + " |", flush=True)
        finally:
            shared.stop.set()
            for thread in threads:
                thread.join()
            probe.close()
        wall = time.monotonic() - began
        # Let the worker deliver what is queued, then compare with what the server recorded.
        deadline = time.monotonic() + 120
        recorded = deliveries(admin, shared, webhook_id)
        while time.monotonic() < deadline and (receiver.count() < recorded.get("total", 0)
                                               or recorded.get("pending", 0)):
            time.sleep(2)
            recorded = deliveries(admin, shared, webhook_id)
        trimmed = diagnose(workdir, pid, "trim") if traced else {}

    warmup_row = warmup_row or rows[-1]
    summary = summarize(rows, warmup_row, args, shared, receiver, recorded, wall)
    print()
    for name, value in summary.lines:
        print(f"{name}: {value}")
    print()
    ops = op_rows(shared.all_samples)
    for line in markdown_table(["request", "count", "errors", "4xx", "p50 ms", "p99 ms"], ops):
        print(line)
    if trimmed.get("rss_after_trim"):
        print(f"\nafter the load, malloc_trim(0) took the server's RSS from {trimmed['rss']:.1f} to "
              f"{trimmed['rss_after_trim']:.1f} MB (malloc free after it: {trimmed['malloc_free']:.1f} MB)")
    top = workdir / "tracemalloc-top.txt"
    if traced and top.exists():
        print(f"\ntracemalloc: allocations made after minute {warmup_row.minute:g} and alive at the end, by "
              f"place ({top}):")
        print(top.read_text(encoding="utf-8"))
    if shared.failures:
        print("\nfirst failures:")
        for failure in shared.failures[:10]:
            print("  " + failure)
    context = (f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
               f"{os.cpu_count()} CPUs shared by the client, the server and other work (load average "
               f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end); database: {backend}; "
               f"{datetime.now():%Y-%m-%d %H:%M}")
    print(f"\n{context}")
    if args.write:
        command = ".venv/bin/python bench/soak.py " + " ".join(
            shlex.quote(re.sub(r"//[^/@]*:[^/@]*@", "//***@", a)) for a in (argv or sys.argv[1:]))
        every = max(1, args.every)
        picked = [r for i, r in enumerate(rows) if i % every == 0 or i == len(rows) - 1 or r is warmup_row]
        lines = ["# Soak benchmark", "", "```", command.strip(), "```", "", f"- {context}.",
                 f"- Every {every}th sample of {len(rows) - 1} (one per {args.sample_seconds:g} s), the warm-up "
                 "sample and the last; Δ MB from minute 0.", "",
                 *markdown_table(row_header(traced), [row_cells(r, rows[0], traced) for r in picked]), "",
                 *markdown_table(["summary", ""], [[k, v] for k, v in summary.lines], numbers=False), "",
                 *markdown_table(["request", "count", "errors", "4xx", "p50 ms", "p99 ms"], ops), "",
                 "<details><summary>every sample</summary>", "",
                 *markdown_table(row_header(traced), [row_cells(r, rows[0], traced) for r in rows]), "",
                 "</details>", ""]
        RESULTS.write_text("\n".join(lines), encoding="utf-8")
        print(f"written to {RESULTS}")
    print(json.dumps({"flat": summary.flat, "workdir": str(workdir)}))


if __name__ == "__main__":
    main()
