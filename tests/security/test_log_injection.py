"""Finding 5: text from a request can never start a log line of its own (huida/logformat.py).

`POST /channels/feishu/abc%0a2026-12-07%2000:00:00,000%20ERROR%20huida.auth%20FORGED/events` wrote a forged
record: the Feishu warning logged the raw path segment. Every record a Huida process writes now goes through
one formatter that escapes line breaks and other controls in the message (after %-formatting); tracebacks
keep their lines, each escaped and indented, so none of them can pass for a record either.
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from huida.logformat import CONTINUATION, LOG_FORMAT, EscapingFormatter, log_handler
from tests.demo.serve_process import ServeProcess, serve_env
from tests.support.server import free_port

FORGED = "2026-12-07 00:00:00,000 ERROR huida.auth FORGED"
FINDING = "/channels/feishu/abc%0a2026-12-07%2000:00:00,000%20ERROR%20huida.auth%20FORGED/events"
BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"]


def _forged_lines(text: str) -> list[str]:
    """Lines starting with the forged timestamp, split the way any reader might (str.splitlines() also breaks
    at VT, FF, FS, NEL, U+2028 and U+2029)."""
    return [line for line in text.splitlines() if line.startswith(FORGED[:23])]


def _format(message: str, *args: object, exc: BaseException | None = None) -> str:
    record = logging.LogRecord("huida.feishu", logging.WARNING, __file__, 1, message, args,
                               (type(exc), exc, exc.__traceback__) if exc else None)
    return EscapingFormatter(LOG_FORMAT).format(record)


@pytest.mark.parametrize("brk", BREAKS, ids=[f"U+{ord(b[-1]):04X}" for b in BREAKS])
def test_a_line_break_in_an_argument_is_escaped(brk: str) -> None:
    line = _format("feishu callback rejected: channel=%s status=%d", f"abc{brk}{FORGED}", 404)
    assert _forged_lines(line) == [] and len(line.splitlines()) == 1
    assert line.endswith(" status=404") and FORGED in line


def test_the_message_itself_and_terminal_controls_are_escaped() -> None:
    line = _format(f"raw {FORGED[:4]}\n{FORGED} \x1b[2J\x00\x9b\ttab")
    assert "\\n2026-12-07" in line and "\\u001b[2J\\u0000\\u009b\\ttab" in line
    assert _forged_lines(line) == []


def test_json_lines_stay_json() -> None:
    """The access log is a JSON line: its escapes stay valid JSON (json.dumps leaves U+2028 and NEL raw)."""
    payload = {"path": f"/a\u2028{FORGED}\x85"}
    line = _format("%s", json.dumps(payload, ensure_ascii=False))
    assert json.loads(line.split(" huida.feishu ", 1)[1]) == payload


def test_a_traceback_keeps_its_lines_but_none_passes_for_a_record() -> None:
    try:
        raise ValueError(f"bad channel abc\n{FORGED}")
    except ValueError as caught:
        text = _format("failed on %s", "abc\ndef", exc=caught)
    first, *traceback = text.split("\n")
    assert first.endswith("failed on abc\\ndef")
    assert traceback and all(line.startswith(CONTINUATION) for line in traceback)
    assert any("Traceback (most recent call last)" in line for line in traceback)
    assert _forged_lines(text) == []


def test_setup_logging_installs_the_formatter() -> None:
    """The configuration every command uses (cli/base.py), in a process of its own."""
    code = ("import logging; from huida.cli.base import setup_logging; setup_logging(); "
            f"logging.getLogger('huida.feishu').warning('channel=%s', {('abc' + chr(10) + FORGED)!r})")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert "channel=abc\\n2026-12-07" in done.stderr and _forged_lines(done.stderr) == []


def test_log_handler_writes_one_line_per_record() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("huida.test.injection")
    logger.addHandler(log_handler(stream))
    logger.propagate = False
    try:
        logger.warning("a %s b", f"x\r\n{FORGED}")
    finally:
        logger.handlers.clear()
    assert stream.getvalue().count("\n") == 1 and _forged_lines(stream.getvalue()) == []


# --- the finding against `huida serve` -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def serving(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    work = tmp_path_factory.mktemp("log-injection")
    server = ServeProcess(free_port(), work, serve_env(work / "data"))
    try:
        server.read_until("printed only this once")
        server.wait_ready()
        yield server
    finally:
        server.stop()


def _log(server: ServeProcess) -> str:
    server.stderr.flush()
    return Path(server.stderr.name).read_text(encoding="utf-8")


def _wait_for(server: ServeProcess, fragment: str) -> str:
    """The server's log once it holds `fragment` (the access line is written after the response)."""
    deadline = time.monotonic() + 30
    while fragment not in (text := _log(server)):
        assert time.monotonic() < deadline, f"{fragment!r} never logged:\n{text[-3000:]}"
        time.sleep(0.05)
    return text


def test_the_request_of_the_finding_forges_no_line(serving: ServeProcess) -> None:
    url = httpx.URL(serving.base_url).copy_with(raw_path=FINDING.encode())
    response = httpx.post(url, content=b"{}", headers={"content-type": "application/json"}, timeout=30)
    # A line feed is text (huida/safetext.py keeps tab, LF and CR), so the request reaches the callback, which
    # knows no such channel and logs a warning with the raw path segment: the formatter must escape it.
    assert response.status_code == 404 and response.json() == {"code": 404, "msg": "unknown channel"}
    text = _wait_for(serving, "feishu callback rejected: channel=abc\\n2026-12-07 00:00:00,000 ERROR huida.")
    assert _forged_lines(text) == [], text[-3000:]


def test_a_line_separator_reaching_the_feishu_warning_is_escaped(serving: ServeProcess) -> None:
    """U+2028 is text, so it passes the control-character rule and reaches the callback's warning; a reader
    that breaks lines there (str.splitlines, some log viewers) still sees one record."""
    path = "/channels/feishu/abc%E2%80%A82026-12-07%2000:00:00,000%20ERROR%20huida.auth%20FORGED/events"
    url = httpx.URL(serving.base_url).copy_with(raw_path=path.encode())
    response = httpx.post(url, content=b"{}", headers={"content-type": "application/json"}, timeout=30)
    assert response.status_code == 404
    text = _wait_for(serving, "feishu callback rejected: channel=abc\\u20282026-12-07")
    assert _forged_lines(text) == [], text[-3000:]
