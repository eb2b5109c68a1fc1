"""Answer strategies (seed 004 §9): each strategy type, strategyTransData, and the §9.4 choice case by case."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from huida.engine.strategies import (
    StrategyContext,
    StrategyError,
    choose_answer,
    context_from_trans_data,
    normalize_strategies,
    normalize_strategy,
    strategies_match,
    strategy_matches,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEDNESDAY_MORNING = datetime(2024, 3, 6, 10, 30, tzinfo=SHANGHAI)


def ctx(*, origins: tuple[str, ...] = (), labels: tuple[str, ...] = (), regions: tuple[tuple[str, str], ...] = (),
        now: datetime = WEDNESDAY_MORNING, provided: bool = True) -> StrategyContext:
    return StrategyContext(frozenset(origins), frozenset(labels), regions, now, provided)


CHANNEL = normalize_strategy({"type": "CHANNEL", "originTypes": ["weixin", "webim"]})
BUSINESS = normalize_strategy({"type": "BUSINESS", "labels": ["VIP", "售前@webim"]})
REGION = normalize_strategy({"type": "REGION", "regions": [{"province": "辽宁省", "city": "沈阳市"},
                                                            {"province": "北京"}]})
OFFICE_HOURS = normalize_strategy({"type": "TIME", "weekdays": [1, 2, 3, 4, 5], "start": "09:00", "end": "18:00"})


# --- stored strategies ------------------------------------------------------------------------------------
def test_strategies_are_stored_in_canonical_form() -> None:
    assert normalize_strategy({"type": "channel", "originTypes": [" weixin ", "", "app"]}) == {
        "type": "CHANNEL", "originTypes": ["weixin", "app"]}
    assert normalize_strategy({"type": "TIME", "weekdays": [5, 1, 5], "start": "9:00", "end": "18:5"}) == {
        "type": "TIME", "weekdays": [1, 5], "start": "09:00", "end": "18:05"}
    assert normalize_strategy({"type": "TIME"}) == {
        "type": "TIME", "weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "23:59"}
    assert normalize_strategy({"type": "REGION", "regions": [{"city": "沈阳市"}]}) == {
        "type": "REGION", "regions": [{"province": "", "city": "沈阳市"}]}
    assert normalize_strategies(None) == []


@pytest.mark.parametrize("raw", [
    "CHANNEL", {"type": "WEATHER"}, {}, {"type": "CHANNEL"}, {"type": "CHANNEL", "originTypes": []},
    {"type": "CHANNEL", "originTypes": "weixin"}, {"type": "BUSINESS", "labels": [1, 2]},
    {"type": "REGION", "regions": [{}]}, {"type": "REGION", "regions": ["辽宁省"]},
    {"type": "REGION", "regions": [{"province": 5}]}, {"type": "TIME", "weekdays": [0]},
    {"type": "TIME", "weekdays": [8]}, {"type": "TIME", "weekdays": "1-5"}, {"type": "TIME", "start": "25:00"},
    {"type": "TIME", "end": "noon"}, {"type": "TIME", "start": "9"},
])
def test_bad_strategies_are_refused(raw: object) -> None:
    with pytest.raises(StrategyError):
        normalize_strategy(raw)
    with pytest.raises(StrategyError):
        normalize_strategies([raw])


def test_strategies_must_be_a_list() -> None:
    with pytest.raises(StrategyError):
        normalize_strategies({"type": "TIME"})


# --- strategyTransData (§9.3) -----------------------------------------------------------------------------
def test_trans_data_is_read_like_the_seed_example() -> None:
    data = {"tenantId": 9, "robotId": "6fc454b1", "originTypes": ["WeiXin"], "labels": ["VIP", " 普通会员 "],
            "numbers": [], "regions": [{"city": "沈阳市", "province": "辽宁省"}]}
    context = context_from_trans_data(data, "app", WEDNESDAY_MORNING)
    assert context.origin_types == {"weixin", "app"}
    assert context.labels == {"VIP", "普通会员"}
    assert context.regions == (("辽宁省", "沈阳市"),)
    assert context.provided and context.now == WEDNESDAY_MORNING


def test_no_trans_data_means_not_provided() -> None:
    assert not context_from_trans_data(None, None, WEDNESDAY_MORNING).provided
    assert not context_from_trans_data({}, None, WEDNESDAY_MORNING).provided
    assert context_from_trans_data(None, "weixin", WEDNESDAY_MORNING).provided  # originType alone counts
    assert context_from_trans_data({"labels": [], "originTypes": [], "regions": []}, None, WEDNESDAY_MORNING).provided


@pytest.mark.parametrize("data", [
    "VIP", ["VIP"], {"labels": "VIP"}, {"labels": [1]}, {"originTypes": {"a": 1}}, {"regions": {"province": "北京"}},
    {"regions": ["北京"]}, {"regions": [{}]}, {"regions": [{"province": ["北京"]}]},
])
def test_malformed_trans_data_is_an_error(data: object) -> None:
    with pytest.raises(StrategyError):
        context_from_trans_data(data, None, WEDNESDAY_MORNING)  # type: ignore[arg-type]


# --- each strategy type -----------------------------------------------------------------------------------
def test_channel_strategy() -> None:
    assert strategy_matches(CHANNEL, ctx(origins=("weixin",)))
    assert strategy_matches(CHANNEL, context_from_trans_data(None, "WebIM", WEDNESDAY_MORNING))
    assert not strategy_matches(CHANNEL, ctx(origins=("app",)))
    assert not strategy_matches(CHANNEL, ctx())


def test_business_strategy() -> None:
    assert strategy_matches(BUSINESS, ctx(labels=("普通会员", "VIP")))
    assert strategy_matches(BUSINESS, ctx(labels=("售前@webim",)))
    assert not strategy_matches(BUSINESS, ctx(labels=("普通会员",)))
    assert not strategy_matches(BUSINESS, ctx(labels=("vip",)))  # labels are exact


def test_region_strategy() -> None:
    assert strategy_matches(REGION, ctx(regions=(("辽宁省", "沈阳市"),)))
    assert not strategy_matches(REGION, ctx(regions=(("辽宁省", "大连市"),)))
    assert strategy_matches(REGION, ctx(regions=(("北京", "北京市"),)))  # no city in the strategy: whole province
    assert strategy_matches(REGION, ctx(regions=(("广东省", "广州市"), ("北京", "海淀区"))))
    assert not strategy_matches(REGION, ctx(regions=(("辽宁省", ""),)))  # the strategy wants 沈阳市
    city_only = normalize_strategy({"type": "REGION", "regions": [{"city": "沈阳市"}]})
    assert strategy_matches(city_only, ctx(regions=(("辽宁省", "沈阳市"),)))


def at(day: int, hour: int, minute: int = 0, zone: ZoneInfo = SHANGHAI) -> datetime:
    """March 2024: the 4th is a Monday, so day 4..10 is Monday..Sunday."""
    return datetime(2024, 3, day, hour, minute, tzinfo=zone)


@pytest.mark.parametrize(("now", "inside"), [
    (at(6, 9, 0), True), (at(6, 18, 0), True), (at(6, 12, 0), True),  # Wednesday, bounds included
    (at(6, 8, 59), False), (at(6, 18, 1), False),
    (at(8, 10, 0), True),  # Friday
    (at(9, 10, 0), False), (at(10, 10, 0), False),  # the weekend
])
def test_time_strategy_office_hours(now: datetime, inside: bool) -> None:
    assert strategy_matches(OFFICE_HOURS, ctx(now=now)) is inside


@pytest.mark.parametrize(("now", "inside"), [
    (at(8, 22, 0), True), (at(8, 23, 59), True), (at(9, 0, 0), True), (at(9, 5, 59), True), (at(9, 6, 0), True),
    (at(9, 6, 1), False), (at(8, 21, 59), False), (at(8, 12, 0), False),
    # The night after Friday belongs to Friday: Saturday 02:00 is inside, Friday 02:00 (Thursday's night) is not.
    (at(9, 2, 0), True), (at(8, 2, 0), False),
    (at(9, 22, 30), False),  # Saturday evening starts no window
])
def test_time_strategy_across_midnight(now: datetime, inside: bool) -> None:
    friday_night = normalize_strategy({"type": "TIME", "weekdays": [5], "start": "22:00", "end": "06:00"})
    assert strategy_matches(friday_night, ctx(now=now)) is inside


def test_time_strategy_across_midnight_from_sunday_to_monday() -> None:
    sunday_night = normalize_strategy({"type": "TIME", "weekdays": [7], "start": "23:00", "end": "01:00"})
    assert strategy_matches(sunday_night, ctx(now=at(10, 23, 30)))  # Sunday 23:30
    assert strategy_matches(sunday_night, ctx(now=at(11, 0, 30)))  # Monday 00:30, still Sunday night
    assert not strategy_matches(sunday_night, ctx(now=at(11, 1, 30)))
    assert not strategy_matches(sunday_night, ctx(now=at(10, 0, 30)))  # Sunday 00:30 is Saturday night


def test_time_strategy_reads_the_clock_in_the_given_zone() -> None:
    instant = datetime(2024, 3, 6, 1, 30, tzinfo=UTC)  # Wednesday 01:30 UTC
    assert strategy_matches(OFFICE_HOURS, ctx(now=instant.astimezone(SHANGHAI)))  # 09:30 in Shanghai
    assert not strategy_matches(OFFICE_HOURS, ctx(now=instant.astimezone(ZoneInfo("America/New_York"))))  # Tue 20:30
    assert not strategy_matches(OFFICE_HOURS, ctx(now=instant))


def test_time_strategies_hold_without_trans_data_and_the_others_do_not() -> None:
    """§9.3: the server knows the time; channel, business and region need strategyTransData."""
    nothing = context_from_trans_data(None, None, WEDNESDAY_MORNING)
    assert strategy_matches(OFFICE_HOURS, nothing)
    for strategy in (CHANNEL, BUSINESS, REGION):
        assert not strategy_matches(strategy, nothing)


def test_an_answers_strategies_must_all_hold() -> None:
    both = [CHANNEL, BUSINESS]
    assert strategies_match(both, ctx(origins=("weixin",), labels=("VIP",)))
    assert not strategies_match(both, ctx(origins=("weixin",)))
    assert not strategies_match(both, ctx(labels=("VIP",)))
    assert strategies_match([], ctx())


# --- §9.4 choosing among a rule's answers -----------------------------------------------------------------
def pick(answers: list[tuple[str, list[dict]]], context: StrategyContext, seed: int = 0) -> str | None:
    chosen = choose_answer(answers, lambda a: a[1], context, random.Random(seed))
    return chosen[0] if chosen else None


def picks(answers: list[tuple[str, list[dict]]], context: StrategyContext) -> set[str | None]:
    return {pick(answers, context, seed) for seed in range(60)}


def test_no_strategies_random_among_all() -> None:
    answers = [("a", []), ("b", []), ("c", [])]
    assert picks(answers, ctx()) == {"a", "b", "c"}
    assert pick(answers, ctx(), seed=3) == pick(answers, ctx(), seed=3)  # a fixed seed is repeatable


def test_some_strategies_one_matching_answers_directly() -> None:
    answers = [("plain-1", []), ("weixin", [CHANNEL]), ("plain-2", []), ("vip", [BUSINESS])]
    assert picks(answers, ctx(origins=("weixin",))) == {"weixin"}
    assert picks(answers, ctx(labels=("VIP",))) == {"vip"}


def test_some_strategies_several_matching_random_among_them() -> None:
    answers = [("plain", []), ("weixin", [CHANNEL]), ("vip", [BUSINESS]), ("liaoning", [REGION])]
    assert picks(answers, ctx(origins=("weixin",), labels=("VIP",))) == {"weixin", "vip"}


def test_some_strategies_none_matching_random_among_those_without() -> None:
    answers = [("plain-1", []), ("weixin", [CHANNEL]), ("plain-2", []), ("vip", [BUSINESS])]
    assert picks(answers, ctx(origins=("app",))) == {"plain-1", "plain-2"}


def test_all_strategies_none_matching_is_the_default_reply() -> None:
    answers = [("weixin", [CHANNEL]), ("vip", [BUSINESS])]
    assert picks(answers, ctx(origins=("app",), labels=("普通会员",))) == {None}
    assert choose_answer([], lambda a: a[1], ctx()) is None


def test_without_trans_data_only_time_strategies_can_match() -> None:
    nothing = context_from_trans_data(None, None, WEDNESDAY_MORNING)
    answers = [("plain", []), ("weixin", [CHANNEL]), ("office", [OFFICE_HOURS])]
    assert picks(answers, nothing) == {"office"}
    assert picks([("plain", []), ("weixin", [CHANNEL])], nothing) == {"plain"}
    assert picks([("weixin", [CHANNEL]), ("vip", [BUSINESS])], nothing) == {None}
    saturday = context_from_trans_data(None, None, at(9, 10))
    assert picks(answers, saturday) == {"plain"}
