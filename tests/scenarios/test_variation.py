"""--vary parsing, dotted paths, headcount subsets."""

from __future__ import annotations

import pytest

from models.loading import InputError
from scheduler.scenarios.variation import (
    VaryError,
    build_instance,
    headcount_ids,
    keeping_order,
    modified_data,
    parse_dimensions,
    parse_vary,
    set_path,
)
from tests.scenarios.builders import tiny_data


def test_ranges_and_lists() -> None:
    assert parse_vary("headcount=0.6:1.0:0.1").values == (0.6, 0.7, 0.8, 0.9, 1.0)
    assert parse_vary("rules.max_consecutive_work_days=5:7").values == (5, 6, 7)
    assert parse_vary("rules.max_consecutive_work_days=5,6,7").values == (5, 6, 7)
    assert parse_vary("rules.max_total_hours=null,40.5").values == (None, 40.5)
    assert parse_vary("checkpoints.k1.risk=low,high").values == ("low", "high")
    assert parse_vary("shifts.D.start=08:00").values == ("08:00",)
    assert parse_vary('x="10:20"').values == ("10:20",)
    assert parse_vary("x=10:20:5").values == (10, 15, 20)


@pytest.mark.parametrize("text", [
    "headcount", "headcount=", "=1,2", "headcount=0:1.5:0.5", "headcount=1.2", "a=3:1", "a=1:3:0", "a=1:2:3:4",
    "a..b=1", "a=1,1",
])
def test_bad_vary_is_an_error(text: str) -> None:
    with pytest.raises(VaryError):
        parse_vary(text)


def test_same_parameter_twice_is_an_error() -> None:
    with pytest.raises(VaryError, match="twice"):
        parse_dimensions(["standby.per_community=0,1", "standby.per_community=2"])


def test_dotted_paths() -> None:
    data = tiny_data()
    set_path(data, "objective.weights.fairness", 2)
    set_path(data, "checkpoints.k2.demand.0.min", 3)
    set_path(data, "cadres.*.limits.max_total_hours", 40)
    assert data["objective"] == {"weights": {"fairness": 2}}
    assert data["checkpoints"][1]["demand"][0]["min"] == 3
    assert all(cadre["limits"] == {"max_total_hours": 40} for cadre in data["cadres"])
    with pytest.raises(VaryError, match="no item with id"):
        set_path(data, "checkpoints.k9.risk", "low")


def test_a_misspelt_path_is_rejected_by_the_schema() -> None:
    with pytest.raises(InputError) as caught:
        build_instance(tiny_data(), {"rules.max_consecutive_workdays": 5}, 0)
    assert "rules.max_consecutive_workdays" in str(caught.value)


def test_headcount_is_nested_and_keeps_unit_proportions() -> None:
    data = tiny_data(10)
    kept = [headcount_ids(data, fraction / 10, seed=3) for fraction in range(1, 11)]
    assert all(smaller <= larger for smaller, larger in zip(kept, kept[1:], strict=False))
    assert len(kept[-1]) == 20
    assert len(kept[4]) == 10  # 5 of 10 in each community
    units = {cadre["id"]: cadre.get("unit") for cadre in data["cadres"]}
    half = [units[cadre_id] for cadre_id in kept[4] if cadre_id.startswith("c1")]
    # c1 has 4 of u1, 3 of u2, 3 without a unit: half keeps 2, 2 (or 1) and 1 (or 2)
    assert half.count("u1") == 2 and sorted([half.count("u2"), half.count(None)]) == [1, 2]
    assert headcount_ids(data, 0.5, seed=3) == headcount_ids(data, 0.5, seed=3)
    assert headcount_ids(data, 0.5, seed=3) != headcount_ids(data, 0.5, seed=4)


def test_keeping_order_interleaves_units() -> None:
    cadres = [{"id": f"a{n}", "unit": "a"} for n in range(4)] + [{"id": f"b{n}", "unit": "b"} for n in range(2)]
    order = keeping_order(cadres, seed=0)
    units = [cadre_id[0] for cadre_id in order]
    assert units[:3].count("a") == 2 and units[:3].count("b") == 1
    assert sorted(order) == sorted(cadre["id"] for cadre in cadres)


def test_modified_data_leaves_the_base_alone() -> None:
    base = tiny_data()
    data = modified_data(base, {"headcount": 0.4, "rules.max_consecutive_work_days": 5}, 0)
    assert len(data["cadres"]) == 4 and data["rules"]["max_consecutive_work_days"] == 5
    assert len(base["cadres"]) == 10 and base["rules"]["max_consecutive_work_days"] == 3
