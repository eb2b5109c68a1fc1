"""The background refresh after incremental changes is debounced, but a steady trickle cannot postpone it."""

import threading
import time

import pytest

from huida.conversation import snapshots
from huida.conversation.snapshots import KnowledgeCache


def test_a_steady_trickle_of_changes_still_gets_its_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshots, "REFRESH_DELAY_SECONDS", 0.4)
    monkeypatch.setattr(snapshots, "REFRESH_MAX_WAIT_SECONDS", 1.0)
    cache = KnowledgeCache(db=None)  # type: ignore[arg-type]  # no refresh really runs: recorded below
    refreshed = threading.Event()
    monkeypatch.setattr(cache, "_rebuild_in_background", lambda robot_id: refreshed.set())
    try:
        deadline = time.monotonic() + 4.0
        while time.monotonic() < deadline and not refreshed.is_set():
            cache.schedule_refresh("r1")  # a change every 0.1 s: the 0.4 s debounce alone never fires
            time.sleep(0.1)
        assert refreshed.is_set()
        refreshed.clear()
        cache.schedule_refresh("r1")  # the next change waits a fresh debounce, not a spent maximum
        assert not refreshed.wait(0.2)
        assert refreshed.wait(2.0)
    finally:
        cache.close()
