"""The seeds' time formats: `yyyy-MM-dd HH:mm:ss`, ISO 8601 and epoch milliseconds.

Pure formatting, shared by services, views and commands alike; it lives outside `huida.api` because a service
that formats a time has nothing to do with HTTP.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from huida.config import load_settings

# One display zone per process: Settings.timezone (HUIDA_TIMEZONE, default Asia/Shanghai) of its environment.
DISPLAY_ZONE = ZoneInfo(load_settings().timezone)


def format_datetime(ms: int | None) -> str | None:
    """Epoch ms as `yyyy-MM-dd HH:mm:ss` in the display time zone (HUIDA_TIMEZONE, default Asia/Shanghai)."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, DISPLAY_ZONE).strftime("%Y-%m-%d %H:%M:%S")
