"""The server caps glibc's malloc arenas unless the operator chose a number, and hands free heap pages back."""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator

import pytest

from huida import memory


@pytest.fixture(autouse=True)
def fresh_libc_lookup() -> Iterator[None]:
    memory._glibc.cache_clear()
    yield
    memory._glibc.cache_clear()


def test_an_operator_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert memory.limit_malloc_arenas() is False


def test_without_a_c_library_nothing_is_capped_or_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.setattr(memory.ctypes.util, "find_library", lambda name: None)
    assert memory.limit_malloc_arenas() is False
    assert memory.trim_malloc() is False
    assert memory.start_trimming(0.01) is None


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_a_trim_gives_free_pages_in_the_middle_of_the_heap_back() -> None:
    libc = memory._glibc()
    if libc is None:
        pytest.skip("needs glibc")
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(4000) for _ in range(20_000)]  # ~80 MB of small blocks, below the mmap threshold
    for address in blocks:
        ctypes.memset(address, 1, 4000)  # touched, so they count in RSS
    for address in blocks[:-1]:  # the last one pins the top of the heap: only a trim can give the rest back
        libc.free(address)
    before = _rss_kb()
    assert memory.trim_malloc() is True
    released_mb = (before - _rss_kb()) / 1024
    libc.free(blocks[-1])
    assert released_mb > 40


def test_trimming_runs_on_its_period_until_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    if memory._glibc() is None:
        pytest.skip("needs glibc")
    calls = threading.Semaphore(0)
    monkeypatch.setattr(memory, "trim_malloc", lambda: calls.release() or True)
    stop = memory.start_trimming(0.01)
    assert stop is not None
    assert all(calls.acquire(timeout=5) for _ in range(3))
    stop.set()


def test_the_setting_turns_trimming_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUIDA_MALLOC_TRIM_SECONDS", "0")
    assert memory.start_trimming() is None
