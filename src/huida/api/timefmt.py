"""The seeds' time formats: `yyyy-MM-dd HH:mm:ss`, ISO 8601 and epoch milliseconds."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

DISPLAY_ZONE = ZoneInfo(os.environ.get("HUIDA_TIMEZONE", "Asia/Shanghai"))


def format_datetime(ms: int | None) -> str | None:
    """Epoch ms as `yyyy-MM-dd HH:mm:ss` in the display time zone (HUIDA_TIMEZONE, default Asia/Shanghai)."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, DISPLAY_ZONE).strftime("%Y-%m-%d %H:%M:%S")


def iso_utc(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
