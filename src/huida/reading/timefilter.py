"""Time filters of seed 002 (pure): `relative_time` values or ISO 8601 `start_time`/`end_time`, never both.

Calendar values (today, this_week, ...) are read in the display time zone (HUIDA_TIMEZONE, default
Asia/Shanghai); weeks start on Monday. A window is [start, end] in epoch milliseconds, either side open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from huida.reading import texts

CALENDAR = ("today", "yesterday", "day_before_yesterday", "this_week", "last_week", "this_month", "last_month")
_LAST_N = re.compile(r"^last_(\d{1,7})_(minutes|hours|days)$")
MAX_LAST_DAYS = 100 * 365


class TimeFilterError(ValueError):
    """A time filter the seed does not allow; the message says which parameter and why."""


@dataclass(frozen=True)
class Window:
    start_ms: int | None = None
    end_ms: int | None = None


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _month_start(moment: datetime) -> datetime:
    return _midnight(moment).replace(day=1)


def _calendar(value: str, now: datetime) -> Window:
    today = _midnight(now)
    week = today - timedelta(days=today.weekday())
    month = _month_start(now)
    current = {"today": today, "this_week": week, "this_month": month}
    if value in current:  # from the start of the day, week or month until now
        return Window(_ms(current[value]), _ms(now))
    past = {
        "yesterday": (today - timedelta(days=1), today),
        "day_before_yesterday": (today - timedelta(days=2), today - timedelta(days=1)),
        "last_week": (week - timedelta(days=7), week),
        "last_month": (_month_start(month - timedelta(days=1)), month),
    }
    start, end = past[value]
    return Window(_ms(start), _ms(end) - 1)  # a past span ends where the next begins: not that instant


def relative_window(value: str, now: datetime) -> Window:
    """`now` must be timezone-aware, in the zone calendar days are counted in."""
    if value in CALENDAR:
        return _calendar(value, now)
    match = _LAST_N.match(value)
    if not match:
        raise TimeFilterError(texts.BAD_RELATIVE_TIME.format(value=value))
    count, unit = int(match.group(1)), match.group(2)
    span = timedelta(**{unit: count})
    if count < 1 or span > timedelta(days=MAX_LAST_DAYS):
        raise TimeFilterError(texts.BAD_RELATIVE_TIME.format(value=value))
    return Window(_ms(now - span), _ms(now))


def parse_instant(name: str, value: str, zone: tzinfo) -> int:
    """An ISO 8601 date or date-time as epoch ms; a time without an offset is in `zone`."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise TimeFilterError(texts.BAD_INSTANT.format(name=name, value=value)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return _ms(moment)


def time_window(relative_time: str | None, start_time: str | None, end_time: str | None, *, now: datetime) -> Window:
    """The window the parameters describe (unbounded when none is given)."""
    if relative_time and (start_time or end_time):
        raise TimeFilterError(texts.BOTH_TIME_FORMS)
    if relative_time:
        return relative_window(relative_time.strip(), now)
    zone = now.tzinfo
    assert zone is not None
    start = parse_instant("start_time", start_time, zone) if start_time else None
    end = parse_instant("end_time", end_time, zone) if end_time else None
    if start is not None and end is not None and start > end:
        raise TimeFilterError(texts.START_AFTER_END)
    return Window(start, end)
