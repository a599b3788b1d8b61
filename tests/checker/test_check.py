"""check(): a roster's own figures against the checker's; why_not() and standby_why_not()."""

from __future__ import annotations

import time
from datetime import date

from models.instance import Instance
from models.roster import Conflict, ObjectiveReport, Roster, Shortfall
from scheduler.checker import Explainer, check, evaluate, standby_why_not, why_not
from tests.checker.builders import cadre, day, duty, make_instance, on_standby


def honest_roster(instance: Instance, assignments: list, standby: list) -> Roster:
    """A roster whose figures are the checker's own (as the solver side fills them)."""
    evaluation = evaluate(instance, assignments, standby)
    return Roster(
        instance=instance.name, instance_sha256="0" * 64, status="feasible",
        objective=ObjectiveReport(mode=instance.objective.mode, total=evaluation.total(instance.objective.mode),
                                  parts=evaluation.parts),
        assignments=assignments, standby=standby, shortfalls=evaluation.shortfalls,
        standby_shortfalls=evaluation.standby_shortfalls, metrics=evaluation.metrics)


def small() -> tuple[Instance, list, list]:
    # 2 days, cadres a, b in c1; k1, k2 in c1 and k3 in c2 want 1 on each of D, N.
    instance = make_instance([cadre("a"), cadre("b")], days=2, standby={"per_community": 1})
    return instance, [duty("a", day(0)), duty("b", day(0), "D", "k2")], [on_standby("a", day(1))]


def test_an_honest_roster_passes() -> None:
    instance, assignments, standby = small()
    roster = honest_roster(instance, assignments, standby)
    report = check(instance, Roster.model_validate_json(roster.model_dump_json()))  # through JSON and back
    assert report.ok, report.lines()


def test_an_honest_weighted_roster_passes() -> None:
    _, assignments, standby = small()
    instance = make_instance([cadre("a"), cadre("b")], days=2, standby={"per_community": 1},
                             objective={"mode": "weighted", "weights": {"coverage": 100, "standby": 10}})
    roster = honest_roster(instance, assignments, standby)
    assert isinstance(roster.objective.total, float)
    assert check(instance, roster).ok


def test_hidden_and_invented_shortfalls_are_caught() -> None:
    instance, assignments, standby = small()
    roster = honest_roster(instance, assignments, standby)
    hidden = roster.shortfalls.pop(0)
    roster.shortfalls.append(Shortfall(checkpoint="k1", date=date(2024, 1, 1), shift="D", min=1, target=1,
                                       assigned=1, reason="made up"))
    mismatches = check(instance, roster).mismatches
    assert any(text.startswith("hidden shortfall") and hidden.checkpoint in text for text in mismatches)
    assert any(text.startswith("invented shortfall: k1 on 2024-01-01 shift D") for text in mismatches)


def test_wrong_numbers_are_caught() -> None:
    instance, assignments, standby = small()
    roster = honest_roster(instance, assignments, standby)
    roster.objective.parts["fairness"] += 1
    roster.metrics["totals"]["duty_hours"] = 99.0
    roster.standby_shortfalls[0].assigned += 1
    report = check(instance, roster)
    assert not report.ok
    assert any("objective part fairness" in text for text in report.mismatches)
    assert any(text.startswith("metrics.totals.duty_hours") for text in report.mismatches)
    assert any(text.startswith("standby shortfall") and "assigned" in text for text in report.mismatches)


def test_total_shape_follows_the_mode() -> None:
    instance, assignments, standby = small()
    roster = honest_roster(instance, assignments, standby)
    roster.objective.total = sum(roster.objective.parts.values())
    assert any(text.startswith("objective.total") for text in check(instance, roster).mismatches)


def test_rule_violations_make_the_check_fail() -> None:
    instance, _, _ = small()
    roster = honest_roster(instance, [duty("a", day(0)), duty("a", day(0), "N")], [])
    report = check(instance, roster)
    assert [violation.rule for violation in report.violations] == ["max_duty_shifts_per_day"]
    assert report.mismatches == [] and not report.ok


def test_infeasible_roster_shape() -> None:
    _, assignments, _ = small()
    # a owes 100 h in 2 days; one duty a day of at most 12 h gives at most 24 h: truly infeasible.
    instance = make_instance([cadre("a", limits={"min_total_hours": 100}), cadre("b")], days=2,
                             standby={"per_community": 1})
    empty = ObjectiveReport(total=None)
    good = Roster(instance_sha256="0" * 64, status="infeasible", objective=empty,
                  conflicts=[Conflict(rule="min_total_hours", cadre="a", message="cannot reach")])
    assert check(instance, good).ok
    bad = Roster(instance_sha256="0" * 64, status="infeasible", objective=empty, assignments=assignments)
    assert len(check(instance, bad).mismatches) == 2  # assignments, and no conflict named


def test_why_not_names_each_reason() -> None:
    checkpoints = [
        {"id": "k1", "community": "c1", "demand": [{"min": 1, "target": 1, "shifts": ["D"]}]},
        {"id": "k2", "community": "c1", "risk": "high", "demand": [{"min": 1, "target": 1}]},
        {"id": "k3", "community": "c2", "demand": [{"min": 1, "target": 1}]},
    ]
    instance = make_instance(
        [cadre("a", limits={"min_rest_hours": 12, "max_hours_per_7_days": 20}),
         cadre("v", vulnerable=True, unavailable=[{"date": day(3)}])], checkpoints=checkpoints)
    assignments = [duty("a", day(0), "N", "k2"), duty("a", day(3), "D", "k1")]
    explainer = Explainer(instance, assignments, [])
    one = date(2024, 1, 2)
    # N day0 ends 08:00 day1: D day1 starts 0 h later; 12 + 8 = 20 h, + 8 = 28 > 20 in the week.
    reasons = explainer.why_not("a", one, "D", "k1")
    assert any("min_rest_hours" in reason for reason in reasons)
    assert any("max_hours_per_7_days" in reason for reason in reasons)
    assert any("no demand rule" in reason for reason in explainer.why_not("v", one, "N", "k1"))
    assert any("vulnerable" in reason for reason in explainer.why_not("v", one, "D", "k2"))
    assert any("may not serve community c2" in reason for reason in explainer.why_not("v", one, "D", "k3"))
    assert any("unavailable" in reason for reason in explainer.why_not("v", date(2024, 1, 4), "D", "k1"))
    assert any("already on duty" in reason for reason in explainer.why_not("a", date(2024, 1, 4), "D", "k2"))
    assert explainer.why_not("v", one, "D", "k1") == []
    assert why_not(instance, assignments, [], "v", one, "D", "k1") == []


def test_standby_why_not_judges_callability() -> None:
    instance = make_instance([cadre("a", limits={"max_consecutive_nights": 2})])
    assignments = [duty("a", day(0), "N"), duty("a", day(1), "N")]
    reasons = standby_why_not(instance, assignments, [], "a", date(2024, 1, 3), "N", "c1")
    assert len(reasons) == 1 and "not callable" in reasons[0] and "max_consecutive_nights" in reasons[0]
    assert standby_why_not(instance, assignments, [], "a", date(2024, 1, 4), "N", "c1") == []
    assert any("may not serve" in reason
               for reason in standby_why_not(instance, assignments, [], "a", date(2024, 1, 4), "N", "c2"))


def big_instance() -> tuple[Instance, list, list]:
    """430 cadres, 28 days, 3 shifts, 30 communities with 3 checkpoints each; a dense regular roster."""
    shifts = [{"id": "M", "start": "06:00", "end": "14:00"}, {"id": "A", "start": "14:00", "end": "22:00"},
              {"id": "N", "start": "22:00", "end": "06:00", "night": True}]
    communities = [{"id": f"c{number}"} for number in range(30)]
    checkpoints = [{"id": f"k{number}_{index}", "community": f"c{number}", "risk": ["low", "medium", "high"][index],
                    "demand": [{"min": 1, "target": 2}]} for number in range(30) for index in range(3)]
    units = [{"id": f"u{number}", "max_away": 20} for number in range(10)]
    cadres = []
    for number in range(430):
        fields: dict = {"id": f"p{number}", "communities": [f"c{number % 30}"]}
        if number % 3:
            fields.update(unit=f"u{number % 10}", mode="dual" if number % 3 == 1 else "seconded")
        cadres.append(fields)
    instance = Instance.model_validate({
        "horizon": {"start": "2024-01-01", "days": 28}, "shifts": shifts, "communities": communities,
        "checkpoints": checkpoints, "units": units, "cadres": cadres, "standby": {"per_community": 1},
        "rules": {"min_rest_hours": 11, "max_hours_per_7_days": 60, "max_consecutive_work_days": 6,
                  "min_days_off_per_7_days": 1, "max_night_shifts_per_7_days": 3, "max_consecutive_nights": 2,
                  "forbidden_successions": [["N", "M"]], "max_weekends": 3}})
    assignments, standby = [], []
    for number in range(430):
        for offset in range(28):
            if (offset + number) % 7 < 4:
                shift = "A" if number % 3 == 1 else ["M", "A", "N"][(offset // 7 + number) % 3]
                assignments.append(duty(f"p{number}", f"2024-{1 + (offset >= 31):02d}-{1 + offset:02d}", shift,
                                        f"k{number % 30}_{number % 3}"))
            elif (offset + number) % 7 == 5:
                standby.append(on_standby(f"p{number}", f"2024-01-{1 + offset:02d}", "A", f"c{number % 30}"))
    return instance, assignments, standby


def test_evaluate_is_fast_at_full_size() -> None:
    instance, assignments, standby = big_instance()
    began = time.perf_counter()
    evaluation = evaluate(instance, assignments, standby)
    seconds = time.perf_counter() - began
    assert evaluation.metrics["totals"]["duty_hours"] > 0
    assert seconds < 10, f"evaluate took {seconds:.1f} s"


def test_infeasible_roster_is_not_charged_with_the_empty_roster_faults() -> None:
    # 100 h of duty asked in 7 days of at most one 12 h shift a day: the empty roster breaks min_total_hours.
    instance = make_instance([cadre("a", limits={"min_total_hours": 100})])
    roster = Roster(instance_sha256="0" * 64, status="infeasible", objective=ObjectiveReport(total=None),
                    conflicts=[Conflict(rule="min_total_hours", cadre="a", message="100 h cannot be reached")])
    assert check(instance, roster).ok


def test_why_not_reports_max_away() -> None:
    # Unit u lets 1 cadre away; a is on D Monday during unit hours, so b cannot take D Monday too.
    instance = make_instance([cadre("a", unit="u", mode="seconded"), cadre("b", unit="u", mode="seconded")],
                             units=[{"id": "u", "max_away": 1}])
    reasons = why_not(instance, [duty("a", day(0))], [], "b", date(2024, 1, 1), "D", "k2")
    assert len(reasons) == 1 and "max_away" in reasons[0]
    assert why_not(instance, [duty("a", day(0))], [], "b", date(2024, 1, 6), "D", "k2") == []
