"""Tests of the realistic instance generator (``scheduler.sources.generate``)."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter

import pytest

from models.instance import Instance
from models.loading import parse_instance
from scheduler.model.calendar import demand_rule_matches, fairness_group, horizon_dates, shift_minutes
from scheduler.sources.generate import DEFAULT_START, PROFILES, generate_instance


def _min_total(instance: Instance) -> int:
    """Sum of ``min`` over every demand cell of the horizon (dated rules override undated ones)."""
    total = 0
    for checkpoint in instance.checkpoints:
        for day in horizon_dates(instance.horizon):
            for shift in instance.shifts:
                matching = [r for r in checkpoint.demand if demand_rule_matches(r, day, shift.id)]
                applying = [r for r in matching if r.dates] or matching
                assert len(applying) <= 1
                if applying:
                    total += applying[0].min
    return total


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


@pytest.fixture(scope="module")
def town() -> Instance:
    return parse_instance(generate_instance("town", 7, 14))


@pytest.fixture(scope="module")
def district() -> Instance:
    return parse_instance(generate_instance("district", 7, 14))


def test_profiles_are_named() -> None:
    assert set(PROFILES) == {"town", "district", "subdistrict"}
    with pytest.raises(ValueError):
        generate_instance("city", 1, 7)
    with pytest.raises(ValueError):
        generate_instance("town", 1, 0)


@pytest.mark.parametrize("days", [7, 14, 28])
@pytest.mark.parametrize("profile", ["town", "district", "subdistrict"])
def test_every_profile_validates(profile: str, days: int) -> None:
    data = generate_instance(profile, 3, days)
    # JSON-ready: survives a round trip through JSON text unchanged.
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    instance = parse_instance(data)
    assert instance.horizon.days == days
    assert instance.horizon.start == DEFAULT_START
    assert _min_total(instance) > 0
    for cadre in instance.cadres:
        assert 1 <= len(cadre.communities) <= 2
        assert cadre.id.isascii()
        for worked in cadre.history:
            assert worked.date < instance.horizon.start
    for item in [*instance.communities, *instance.checkpoints, *instance.units]:
        assert item.id.isascii()
        assert item.name and not item.name.isascii()  # Chinese display names


@pytest.mark.parametrize("profile", ["town", "district", "subdistrict"])
def test_short_horizons_validate(profile: str) -> None:
    # Dated rules (delivery days, screening day) must never come out with an empty date list.
    for days in (1, 2):
        parse_instance(generate_instance(profile, 5, days))


def test_same_seed_same_output_and_different_seed_differs() -> None:
    first = _dumps(generate_instance("town", 42, 14))
    random.seed(12345)  # global random state must not matter
    random.random()
    second = _dumps(generate_instance("town", 42, 14))
    assert first == second
    assert _dumps(generate_instance("town", 43, 14)) != first
    assert _dumps(generate_instance("subdistrict", 1, 7)) != _dumps(generate_instance("subdistrict", 2, 7))


def test_start_date_is_used() -> None:
    start = dt.date(2022, 4, 1)
    instance = parse_instance(generate_instance("district", 5, 7, start=start))
    assert instance.horizon.start == start
    assert any(cadre.history for cadre in instance.cadres)
    assert all(worked.date < start for cadre in instance.cadres for worked in cadre.history)


def test_town_figures(town: Instance) -> None:
    assert len(town.communities) == 33
    names = [community.name or "" for community in town.communities]
    assert sum(name.endswith("村") for name in names) == 31
    assert sum(name.endswith("社区") for name in names) == 2
    assert 90 <= len(town.checkpoints) <= 110
    assert {checkpoint.risk for checkpoint in town.checkpoints} == {"low", "medium", "high"}
    assert 360 <= len(town.cadres) <= 430
    assert 23 <= len(town.units) <= 27
    assert all(unit.max_away for unit in town.units)
    groups = Counter(fairness_group(cadre) for cadre in town.cadres)
    assert groups["seconded"] > groups["dual"] > 0
    assert 40 <= groups["none"] <= 70
    assert any(shift.night for shift in town.shifts)
    rules = town.rules
    assert rules.min_rest_hours is not None and rules.min_rest_hours >= 11
    assert rules.max_consecutive_work_days == 6
    assert rules.min_days_off_per_7_days == 1
    assert rules.max_hours_per_7_days is not None
    assert all(cadre.limits is not None for cadre in town.cadres if cadre.mode == "dual")
    assert town.standby.per_community == 1 and town.standby.overrides
    assert any(cadre.vulnerable for cadre in town.cadres)
    assert any(cadre.unavailable for cadre in town.cadres)
    assert any(cadre.busy for cadre in town.cadres)
    assert {request.kind for cadre in town.cadres for request in cadre.requests} == {"on", "off"}
    assert any(cadre.history for cadre in town.cadres)
    assert any(cadre.contact for cadre in town.cadres)
    assert {"medical", "driver", "dialect"} <= {skill for cadre in town.cadres for skill in cadre.skills}


def test_town_demand_is_mostly_coverable(town: Instance) -> None:
    # A generous capacity bound counting only full-time cadres (seconded and without a unit): at most
    # one duty a day and a day off in every 7 days, so at most days - days // 7 duties each. The minimum
    # demand stays well below it (dual cadres, standby and rest are the slack the solver needs).
    days = town.horizon.days
    full_time = sum(1 for cadre in town.cadres if cadre.mode != "dual")
    capacity = full_time * (days - days // 7)
    assert _min_total(town) < 0.8 * capacity


def test_district_figures(district: Instance) -> None:
    assert len(district.communities) == 21
    assert 590 <= len(district.cadres) <= 620
    assert len(district.units) == 24
    groups = Counter(fairness_group(cadre) for cadre in district.cadres)
    assert groups["seconded"] + groups["dual"] == 401
    assert groups["none"] == 205
    assert sorted(shift.night for shift in district.shifts) == [False, True]
    # Day and night passes at every gate.
    for checkpoint in district.checkpoints:
        covered = {shift.id for shift in district.shifts for rule in checkpoint.demand
                   if rule.shifts is None or shift.id in rule.shifts}
        assert covered == {shift.id for shift in district.shifts}


@pytest.mark.parametrize("days", [7, 14, 28])
def test_subdistrict_cannot_be_covered(days: int) -> None:
    instance = parse_instance(generate_instance("subdistrict", 11, days))
    assert len(instance.communities) == 5
    assert len(instance.cadres) == 44
    assert not instance.units
    rules = instance.rules
    # The bound below relies on these rules, read from the instance:
    assert rules.max_duty_shifts_per_day == 1  # at most one duty a day
    assert rules.min_days_off_per_7_days == 1  # a day off in every 7-day window
    assert rules.max_duty_hours_per_7_days == 60
    shortest = min(shift_minutes(shift) for shift in instance.shifts) / 60
    assert shortest == 12
    per_week = min(7 - rules.min_days_off_per_7_days, int(rules.max_duty_hours_per_7_days // shortest))  # 5
    # Capacity of one officer over the horizon: the horizon holds days // 7 disjoint 7-day windows,
    # each with at most per_week = min(7 - 1, 60 h // 12 h) = 5 duties, and the days % 7 remaining
    # days hold at most min(days % 7, 5) more (history and unavailability only lower it).
    per_cadre = per_week * (days // 7) + min(days % 7, per_week)
    capacity = len(instance.cadres) * per_cadre
    # days 7: 44 x 5 = 220; 14: 44 x 10 = 440; 28: 44 x 20 = 880 duties at most, while the minimum demand
    # is 5 communities x (main gate 2 day + 1 night, three gates 1 day + 1 night) = 45 a day:
    # 315, 630 and 1260. Even the weaker bound without the hours rule, 44 x (days - days // 7)
    # = 264, 528, 1056, stays below.
    demand = _min_total(instance)
    assert demand > capacity
    assert demand > len(instance.cadres) * (days - days // 7)
    assert demand == 45 * days
