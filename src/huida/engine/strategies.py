"""Answer strategies (seed 004 §9): channel, business label, region and time.

A strategy is a small dict stored with an answer:

    {"type": "CHANNEL",  "originTypes": ["weixin", "webim"]}
    {"type": "BUSINESS", "labels": ["VIP", "售前@webim"]}
    {"type": "REGION",   "regions": [{"province": "辽宁省", "city": "沈阳市"}]}   # no city: whole province
    {"type": "TIME",     "weekdays": [1, 2, 3, 4, 5], "start": "09:00", "end": "18:00"}  # robot's time zone
                         # (start after end: a night across midnight, counted on the weekday it starts)

An answer's strategies must all hold (AND); within one strategy any listed value will do (OR).
Choosing among a rule's answers follows §9.4 exactly (see `choose_answer`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, TypeVar

STRATEGY_TYPES = ("CHANNEL", "BUSINESS", "REGION", "TIME")


class StrategyError(ValueError):
    """A strategy (or strategyTransData) that cannot be understood."""


@dataclass(frozen=True)
class StrategyContext:
    """What the caller told us about the visitor (strategyTransData), plus the robot's local time."""

    origin_types: frozenset[str] = frozenset()
    labels: frozenset[str] = frozenset()
    regions: tuple[tuple[str, str], ...] = ()
    now: datetime = field(default_factory=datetime.now)
    provided: bool = False  # False when no strategyTransData came: only time strategies can match


def _str_list(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise StrategyError(f"{name} must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def _parse_clock(value: Any, name: str) -> time:
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except (ValueError, TypeError) as exc:
        raise StrategyError(f"{name} must be HH:MM, got {value!r}") from exc


def _regions(value: Any) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise StrategyError("regions must be a list of {province, city} objects")
    out = []
    for region in value:
        province, city = region.get("province") or "", region.get("city") or ""
        if not isinstance(province, str) or not isinstance(city, str):
            raise StrategyError("region province and city must be strings")
        if not province and not city:
            raise StrategyError("a region needs a province or a city")
        out.append({"province": province.strip(), "city": city.strip()})
    return out


def normalize_strategy(raw: Any) -> dict[str, Any]:
    """Validates one stored strategy and returns it in canonical form."""
    if not isinstance(raw, dict):
        raise StrategyError("a strategy must be an object")
    kind = str(raw.get("type", "")).upper()
    if kind == "CHANNEL":
        values = _str_list(raw.get("originTypes"), "originTypes")
        if not values:
            raise StrategyError("a CHANNEL strategy needs originTypes")
        return {"type": kind, "originTypes": values}
    if kind == "BUSINESS":
        values = _str_list(raw.get("labels"), "labels")
        if not values:
            raise StrategyError("a BUSINESS strategy needs labels")
        return {"type": kind, "labels": values}
    if kind == "REGION":
        regions = _regions(raw.get("regions"))
        if not regions:
            raise StrategyError("a REGION strategy needs regions")
        return {"type": kind, "regions": regions}
    if kind == "TIME":
        weekdays = raw.get("weekdays") or [1, 2, 3, 4, 5, 6, 7]
        if not isinstance(weekdays, list) or not all(isinstance(d, int) and 1 <= d <= 7 for d in weekdays):
            raise StrategyError("weekdays must be a list of 1 (Monday) .. 7 (Sunday)")
        start = _parse_clock(raw.get("start", "00:00"), "start")
        end = _parse_clock(raw.get("end", "23:59"), "end")
        return {"type": kind, "weekdays": sorted(set(weekdays)),
                "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
    raise StrategyError(f"strategy type must be one of {', '.join(STRATEGY_TYPES)}")


def normalize_strategies(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise StrategyError("strategies must be a list")
    return [normalize_strategy(item) for item in raw]


def context_from_trans_data(data: dict[str, Any] | None, origin_type: str | None, now: datetime) -> StrategyContext:
    """Reads the ask body's strategyTransData (§9.3); raises StrategyError when it is malformed."""
    if data is not None and not isinstance(data, dict):
        raise StrategyError("strategyTransData must be an object")
    data = data or {}
    origins = set(_str_list(data.get("originTypes"), "strategyTransData.originTypes"))
    if origin_type:
        origins.add(origin_type)
    regions = tuple((r["province"], r["city"]) for r in _regions(data.get("regions")))
    labels = frozenset(_str_list(data.get("labels"), "strategyTransData.labels"))
    return StrategyContext(
        origin_types=frozenset(o.lower() for o in origins), labels=labels, regions=regions, now=now,
        provided=bool(data) or bool(origin_type),
    )


def _in_window(strategy: dict[str, Any], now: datetime) -> bool:
    start, end, clock = strategy["start"], strategy["end"], now.strftime("%H:%M")
    weekday = now.isoweekday()
    if start <= end:
        return weekday in strategy["weekdays"] and start <= clock <= end
    # A window across midnight (22:00-06:00) belongs to the day it starts: Friday's night ends on Saturday.
    if clock >= start:
        return weekday in strategy["weekdays"]
    return clock <= end and (weekday - 2) % 7 + 1 in strategy["weekdays"]


def _region_matches(wanted: dict[str, str], regions: tuple[tuple[str, str], ...]) -> bool:
    return any(
        (not wanted["province"] or wanted["province"] == province) and (not wanted["city"] or wanted["city"] == city)
        for province, city in regions
    )


_MATCHERS: dict[str, Callable[[dict[str, Any], StrategyContext], bool]] = {
    "CHANNEL": lambda s, c: c.provided and any(o.lower() in c.origin_types for o in s["originTypes"]),
    "BUSINESS": lambda s, c: c.provided and any(label in c.labels for label in s["labels"]),
    "REGION": lambda s, c: c.provided and any(_region_matches(r, c.regions) for r in s["regions"]),
    "TIME": lambda s, c: _in_window(s, c.now),
}


def strategy_matches(strategy: dict[str, Any], context: StrategyContext) -> bool:
    return _MATCHERS[strategy["type"]](strategy, context)


def strategies_match(strategies: Sequence[dict[str, Any]], context: StrategyContext) -> bool:
    return all(strategy_matches(s, context) for s in strategies)


T = TypeVar("T")


def allowed_answers(answers: Sequence[T], strategies_of: Callable[[T], Sequence[dict[str, Any]]],
                    context: StrategyContext) -> list[T]:
    """Seed 004 §9.4's pool, in the order written: the answers whose strategies match this visitor, else the
    answers without strategies; empty means "give the DEFAULT reply" (every answer has strategies, none match)."""
    matching = [a for a in answers if strategies_of(a) and strategies_match(strategies_of(a), context)]
    return matching or [a for a in answers if not strategies_of(a)]


def choose_answer(answers: Sequence[T], strategies_of: Callable[[T], Sequence[dict[str, Any]]],
                  context: StrategyContext, rng: random.Random | None = None) -> T | None:
    """One answer of the §9.4 pool, at random; None means "give the DEFAULT reply"."""
    pool = allowed_answers(answers, strategies_of, context)
    return (rng or random.Random()).choice(pool) if pool else None
