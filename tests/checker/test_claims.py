"""check() verifies what a roster claims: stage values, bounds, 'optimal', infeasibility conflicts.

Each failure is a hand edit of an honest roster (stages and bounds as the solver writes them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from models.instance import Instance
from models.roster import Conflict, ObjectiveReport, Roster, Stage
from scheduler.checker import check, evaluate
from scheduler.checker.conflicts import duty_minutes_bound
from scheduler.checker.context import context_for
from scheduler.cli import main
from scheduler.files import sha256_of
from tests.checker.builders import cadre, day, demand, duty, make_instance

STAGES = ("coverage", "standby", "target", "fairness", "requests+continuity")


def solved_roster(instance: Instance, assignments: list, status: str = "optimal",
                  bounds: list[float] | None = None) -> Roster:
    """A lexicographic roster as the solver writes one: stage values recomputed, bounds = values (optimal)."""
    evaluation = evaluate(instance, assignments, [])
    values = evaluation.stage_values
    bounds = list(evaluation.solver_stage_values) if bounds is None else bounds
    stages = [Stage(part=name, value=value, bound=bound, status=status)
              for name, value, bound in zip(STAGES, values, bounds, strict=True)]
    return Roster(instance=instance.name, instance_sha256="0" * 64, status=status,
                  objective=ObjectiveReport(total=values, bound=bounds, parts=evaluation.parts, stages=stages),
                  assignments=assignments, shortfalls=evaluation.shortfalls,
                  standby_shortfalls=evaluation.standby_shortfalls, metrics=evaluation.metrics)


def one_checkpoint(**objective: Any) -> Instance:
    # One day, shift D (8 h); k1 (low risk: weight 1) wants min 1, target 2. a asks to be off that day (0.333).
    checkpoints = [{"id": "k1", "community": "c1", "risk": "low", "demand": [demand(1, 2)]}]
    return make_instance([cadre("a", requests=[{"date": day(0), "kind": "off", "weight": 0.333}]), cadre("b")],
                         days=1, shifts=[{"id": "D", "start": "08:00", "end": "16:00"}], checkpoints=checkpoints,
                         objective=objective)


def test_an_honest_optimal_roster_passes() -> None:
    instance = one_checkpoint()
    # a on duty: coverage 0, target 1 (2 - 1), fairness: loads a 480 x 100 / 1 = 48000, b 0, mean 24000,
    # a quarter of it 6000 -> each deviation 24000 weighs 24000 + 18000 + 12000 + 6000 = 60000, spread
    # 120000; requests 0.333 (a's off request not granted), continuity 0.
    report = check(instance, solved_roster(instance, [duty("a", day(0))]))
    assert report.ok, report.lines()
    assert report.evaluation.stage_values == [0, 0, 1, 120000, pytest.approx(0.333)]


def test_a_stage_value_other_than_the_recomputed_one_fails() -> None:
    instance = one_checkpoint()
    roster = solved_roster(instance, [duty("a", day(0))])
    roster.objective.stages[2].value = 0.0  # target is 1 for this roster
    mismatches = check(instance, roster).mismatches
    assert mismatches == ["stage target: its value is 0 in the roster, the checker recomputes 1 from the roster"]


def test_an_optimal_stage_whose_value_exceeds_its_bound_fails() -> None:
    instance = one_checkpoint()
    # The roster with nobody on duty: coverage 1 (one person short at a low-risk checkpoint), but it claims
    # the bound 0 and 'optimal' for every stage.
    roster = solved_roster(instance, [], bounds=[0, 0, 0, 0, 0])
    report = check(instance, roster)
    assert not report.ok
    assert [text for text in report.mismatches if text.startswith("stage coverage")] == [
        "stage coverage is said to be optimal, but its recomputed value 1 (weights rounded to hundredths, as the "
        "solver has them) is above its bound 0"]
    assert any(text.startswith("stage target is said to be optimal") for text in report.mismatches)


def test_a_value_below_its_bound_is_impossible() -> None:
    instance = one_checkpoint()
    roster = solved_roster(instance, [duty("a", day(0))], status="feasible", bounds=[0, 0, 1.5, 0, 0])
    assert check(instance, roster).mismatches == [
        "stage target: the recomputed value 1 (weights rounded to hundredths, as the solver has them) is below its "
        "bound 1.5, which is impossible: no roster beats a proven bound"]


def test_an_optimal_roster_needs_every_stage_optimal() -> None:
    instance = one_checkpoint()
    roster = solved_roster(instance, [duty("a", day(0))])
    roster.objective.stages[3].status = "feasible"
    assert check(instance, roster).mismatches == [
        "the roster is said to be optimal, but stage fairness is feasible"]
    roster.objective.stages[3].status = "optimal"
    roster.objective.stages[3].bound = None
    roster.objective.bound = None
    assert "stage fairness is said to be optimal but gives no bound that proves it" in check(instance,
                                                                                            roster).mismatches


def test_weights_are_used_as_written_and_the_solvers_rounding_is_a_note() -> None:
    instance = one_checkpoint()
    roster = solved_roster(instance, [duty("a", day(0))])
    report = check(instance, roster)
    # requests = 0.333 as written; the solver's model has round(33.3) / 100 = 0.33, and its bound 0.33.
    assert roster.objective.parts["requests"] == pytest.approx(0.333)
    assert report.evaluation.solver_stage_values[4] == pytest.approx(0.33)
    assert report.ok
    assert report.notes == ["stage requests+continuity: with the weights as written the value is 0.333; the "
                            "solver, which rounds every weight to hundredths, optimised 0.33 (difference +0.003)"]
    # Copying the solver's rounding into the roster's parts is now a mismatch.
    roster.objective.parts["requests"] = 0.33
    assert any(text.startswith("objective part requests is 0.33") for text in check(instance, roster).mismatches)


def test_weighted_mode_checks_its_one_stage() -> None:
    instance = one_checkpoint(mode="weighted", weights={"coverage": 10, "requests": 1.005})
    evaluation = evaluate(instance, [duty("a", day(0))], [])
    # coverage 0; requests 0.333 x 1.005 = 0.334665 as written; the solver: 0.33 x round(100.5) / 100 = 0.33 x 1
    # (Python rounds 100.5 to the even 100) = 0.33.
    assert evaluation.weighted_total == pytest.approx(0.334665)
    assert evaluation.solver_weighted_total == pytest.approx(0.33)
    stage = Stage(part="weighted", value=evaluation.weighted_total, bound=0.33, status="optimal")
    roster = Roster(instance_sha256="0" * 64, status="optimal", instance=instance.name,
                    objective=ObjectiveReport(mode="weighted", total=evaluation.weighted_total, bound=0.33,
                                              parts=evaluation.parts, stages=[stage]),
                    assignments=[duty("a", day(0))], shortfalls=evaluation.shortfalls, metrics=evaluation.metrics)
    assert check(instance, roster).ok
    roster.objective.stages[0].bound = roster.objective.bound = 0.2
    assert check(instance, roster).mismatches == [
        "stage weighted is said to be optimal, but its recomputed value 0.33 (weights rounded to hundredths, as the "
        "solver has them) is above its bound 0.2"]


# ----- infeasible rosters: conflicts confirmed where a simple bound can ------------------------------------------

def _infeasible(conflicts: list[Conflict]) -> Roster:
    return Roster(instance_sha256="0" * 64, status="infeasible", objective=ObjectiveReport(total=None),
                  conflicts=conflicts)


def bound_instance() -> Instance:
    # 8 days from Monday 2024-01-01; shifts D 08:00-16:00 (8 h) and N 20:00-08:00 (12 h); k1 in c1 wants duty on
    # both shifts every day, k2 (c1, high risk) only on D.
    # a: vulnerable (never at k2), wholly unavailable on day 1, N blocked on day 2, busy 2024-01-04 10:00-11:00
    #    (overlaps D on day 3), at most 36 duty hours in 7 days.
    checkpoints = [{"id": "k1", "community": "c1", "risk": "low", "demand": [demand(1, 1)]},
                   {"id": "k2", "community": "c1", "risk": "high", "demand": [demand(1, 1, shifts=["D"])]}]
    a = cadre("a", vulnerable=True, unavailable=[{"date": day(1)}, {"date": day(2), "shifts": ["N"]}],
              busy=[{"start": "2024-01-04T10:00", "end": "2024-01-04T11:00"}],
              limits={"max_duty_hours_per_7_days": 36, "min_total_hours": 50, "prorate_min_total_hours": False})
    b = cadre("b", limits={"min_total_hours": 40})
    return make_instance([a, b], days=8, checkpoints=checkpoints)


def test_the_duty_bound_by_hand() -> None:
    instance = bound_instance()
    ctx = context_for(instance)
    # a: day 0: N 12 h (one duty a day, the longest); day 1: nothing; day 2: D 8 h; day 3: N 12 h (D overlaps
    # busy); days 4-7: 12 h each. Days 0-6: 12 + 0 + 8 + 12 + 12 + 12 + 12 = 68 h, capped at 36; day 7: 12 h.
    # Total 48 h.
    assert duty_minutes_bound(ctx, ctx.cadres["a"]) == 48 * 60
    # b: 8 days x 12 h = 96 h.
    assert duty_minutes_bound(ctx, ctx.cadres["b"]) == 96 * 60


def test_a_conflict_the_bound_confirms_passes() -> None:
    report = check(bound_instance(), _infeasible([Conflict(rule="min_total_hours", cadre="a", message="no")]))
    assert report.ok and report.warnings == []
    assert report.notes == ["conflict min_total_hours of cadre a confirmed: they owe 50 h but no roster can give "
                            "them more than 48 h"]


def test_a_conflict_the_bound_cannot_confirm_is_a_warning() -> None:
    report = check(bound_instance(), _infeasible([Conflict(rule="min_total_hours", cadre="b", message="no")]))
    assert report.ok
    assert report.warnings == ["conflict min_total_hours of cadre b not confirmed: they owe 40 h and the checker's "
                               "simple bound leaves up to 96 h possible (other cadres competing for the same shifts "
                               "may still make it true)"]


def test_a_conflict_about_a_cadre_who_owes_nothing_fails() -> None:
    instance = make_instance([cadre("a"), cadre("c")], days=2)
    report = check(instance, _infeasible([Conflict(rule="min_total_hours", cadre="c", message="no")]))
    assert report.mismatches == ["conflict min_total_hours of cadre c: the cadre owes no duty hours, so no roster "
                                 "can fall short of them"]
    unknown = check(instance, _infeasible([Conflict(rule="min_total_hours", cadre="zz", message="no")]))
    assert not unknown.ok


# ----- through the command line ---------------------------------------------------------------------------------

def test_schedule_check_fails_an_optimal_claim_the_roster_does_not_meet(tmp_path: Path) -> None:
    data = {"name": "claims", "horizon": {"start": "2024-01-01", "days": 2},
            "shifts": [{"id": "D", "start": "08:00", "end": "16:00"}],
            "communities": [{"id": "c1"}],
            "checkpoints": [{"id": "k1", "community": "c1", "demand": [{"min": 1, "target": 1}]}],
            "cadres": [{"id": "a", "communities": ["c1"]}, {"id": "b", "communities": ["c1"]}]}
    instance_path = tmp_path / "instance.json"
    instance_path.write_text(json.dumps(data), encoding="utf-8")
    roster_path = tmp_path / "roster.json"
    runner = CliRunner()
    solved = runner.invoke(main, ["solve", str(instance_path), "-o", str(roster_path), "--time-limit", "5",
                                  "--workers", "1", "--deterministic", "--no-progress", "--lang", "en"])
    assert solved.exit_code == 0, solved.output
    assert runner.invoke(main, ["check", str(instance_path), str(roster_path), "--lang", "en"]).exit_code == 0
    roster = json.loads(roster_path.read_text(encoding="utf-8"))
    assert roster["status"] == "optimal" and sha256_of(instance_path) == roster["instance_sha256"]
    # Drop the duties of the first day: coverage becomes 2 (one medium-risk person short), the claimed bound
    # stays 0.
    roster["assignments"] = [item for item in roster["assignments"] if item["date"] != "2024-01-01"]
    evaluation = evaluate(Instance.model_validate(data), Roster.model_validate(roster).assignments, [])
    roster["objective"]["parts"] = evaluation.parts
    roster["objective"]["total"] = evaluation.stage_values
    for stage, value in zip(roster["objective"]["stages"], evaluation.stage_values, strict=True):
        stage["value"] = value
    roster["shortfalls"] = [json.loads(item.model_dump_json()) for item in evaluation.shortfalls]
    roster["metrics"] = evaluation.metrics
    roster_path.write_text(json.dumps(roster), encoding="utf-8")
    result = runner.invoke(main, ["check", str(instance_path), str(roster_path), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "stage coverage is said to be optimal, but its recomputed value 2" in result.output
