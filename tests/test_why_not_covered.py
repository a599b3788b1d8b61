"""``schedule explain`` (scheduler.compose.fixes, scheduler.cli.explain): what binds and the verified fixes,
on tiny instances worked by hand, on generated sub-districts, and through the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from models.loading import parse_instance
from scheduler.checker import evaluate
from scheduler.cli.main import main
from scheduler.compose.capacity import capacity_report
from scheduler.compose.fixes import Explainer, Explanation, instance_json, verify
from scheduler.solver import SolveOptions, solve
from scheduler.sources.generate import generate_instance
from tests.rules.helpers import cadre, checkpoint, demand, instance

SECONDS = 30.0


def explain(data: dict[str, Any]) -> Explanation:
    loaded = parse_instance(data)
    explainer = Explainer(loaded, time_limit=SECONDS, workers=1, solve_seconds=5)
    return explainer.explain(verify(instance_json(loaded), 5, 1))


def fixes_by_kind(explanation: Explanation) -> dict[str, Any]:
    return {fix.kind: fix for fix in explanation.fixes}


def covers_whole_minimum(data: dict[str, Any]) -> bool:
    """Solve for minimum coverage (standby still asked, unlike explain's own verifying solves) and let the
    checker say whether any minimum is short."""
    loaded = parse_instance({**data, "objective": {"mode": "weighted", "weights": {"coverage": 1}}})
    result = solve(loaded, SolveOptions(time_limit=20, workers=1, seed=0))
    evaluation = evaluate(loaded, result.assignments, result.standby)
    assert evaluation.violations == []
    return not evaluation.shortfalls


def test_one_cadre_short_of_two_a_day() -> None:
    # k1 asks 2 on shift D on each of 3 days; one cadre gives one duty a day: 3 of 6, 3 uncovered.
    # No rule lifted helps (one shift a day, one cadre per slot), so no rule set binds. Fixes: one new
    # cadre (3 more duties) covers all; or the minimum lowered by one at k1 D (6 -> 3).
    data = instance([cadre("a")], days=3, checkpoints=[checkpoint(rules=[demand(2)])])
    explanation = explain(data)
    assert (explanation.before.demand, explanation.before.uncovered) == (6, 3)
    assert explanation.binding_rules is None
    assert explanation.binding_communities == ["c1"]
    kinds = [fix.kind for fix in explanation.fixes]
    assert kinds[:2] == ["add_cadres", "lower_minimum"]  # both whole covers; keeping the minimum ranks first
    added, lowered = explanation.fixes[0], explanation.fixes[1]
    assert added.details["add"] == {"c1": 1} and added.size == 1 and added.measured and added.measured.complete
    assert lowered.details["lower"] == [{"checkpoint": "k1", "shift": "D", "by": 1}]
    assert covers_whole_minimum(added.apply(data))
    assert covers_whole_minimum(lowered.apply(data))
    assert not covers_whole_minimum(data)


def test_days_off_bind_and_lifting_them_is_a_fix() -> None:
    # One cadre, 1 asked a day for 7 days, two days off in every 7: 5 of 7. Lifting min_days_off alone
    # covers the week; max_duty_shifts_per_day (active by default) is not needed, so it is filtered out.
    # The lift fix: two days off -> one (6 of 7, short) -> none (7 of 7): two steps for the one cadre.
    data = instance([cadre("a")], days=7, rules={"min_days_off_per_7_days": 2})
    explanation = explain(data)
    assert explanation.binding_rules == ["min_days_off_per_7_days"]
    lifted = fixes_by_kind(explanation)["lift_limit"]
    assert (lifted.details["rule"], lifted.details["from"], lifted.details["to"]) == ("min_days_off_per_7_days", 2, 0)
    assert lifted.details["cadres"] == ["a"] and lifted.size == 2
    assert lifted.measured is not None and lifted.measured.complete
    assert covers_whole_minimum(lifted.apply(data))


def test_cadres_of_a_community_with_room_also_serve_a_short_one() -> None:
    # A asks 2 a day (2 days), its one cadre gives 1 a day: 2 of 4. B asks 1 a day and has three
    # cadres: two spare each day. Letting B's cadres serve A covers all (3 cadres shared).
    data = instance(
        [cadre("a1", communities=["A"])] + [cadre(f"b{index}", communities=["B"]) for index in range(3)],
        days=2,
        communities=["A", "B"],
        checkpoints=[checkpoint("kA", "A", rules=[demand(2)]), checkpoint("kB", "B")],
    )
    explanation = explain(data)
    assert explanation.binding_communities == ["A"]
    shared = fixes_by_kind(explanation)["share"]
    assert (shared.details["from"], shared.details["to"], shared.size) == ("B", "A", 3)
    assert shared.measured is not None and shared.measured.complete
    assert covers_whole_minimum(shared.apply(data))


def test_nothing_to_explain_when_covered() -> None:
    data = instance([cadre("a"), cadre("b")], days=2)
    explanation = explain(data)
    assert explanation.before.complete and explanation.fixes == []


@pytest.mark.parametrize("seed", [1, 2])
def test_sub_district_top_fix_covers_the_whole_minimum(seed: int) -> None:
    data = generate_instance("subdistrict", seed, 5, None)
    loaded = parse_instance(data)
    assert capacity_report(loaded).short > 0  # validate warns
    explainer = Explainer(loaded, time_limit=60, workers=1, solve_seconds=8)
    explanation = explainer.explain(verify(instance_json(loaded), 8, 1))
    top = explanation.fixes[0]
    assert top.measured is not None and top.measured.complete
    assert top.kind != "lower_minimum"
    assert covers_whole_minimum(top.apply(data))


# -- the command line ---------------------------------------------------------------------------------


@pytest.fixture
def short_instance(tmp_path: Path) -> Path:
    path = tmp_path / "short.json"
    path.write_text(json.dumps(instance([cadre("a")], days=3, checkpoints=[checkpoint(rules=[demand(2)])])))
    return path


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_explains_and_applies(short_instance: Path, tmp_path: Path) -> None:
    fixed = tmp_path / "fixed.json"
    before = short_instance.read_bytes()
    result = run("explain", str(short_instance), "--lang", "en", "--workers", "1", "--time-limit", "20",
                 "--apply", "1", "-o", str(fixed))
    assert result.exit_code == 0, result.output
    assert "at least 3 stay uncovered" in result.output
    assert "1. add 1 cadre(s) to c1" in result.output
    assert short_instance.read_bytes() == before  # the input is never touched
    written = json.loads(fixed.read_text())
    assert [member["id"] for member in written["cadres"]] == ["a", "new-c1-1"]
    assert covers_whole_minimum(written)
    validated = run("validate", str(fixed), "--lang", "en")
    assert "0 warning(s)" in validated.output


def test_cli_json_and_zh(short_instance: Path) -> None:
    result = run("explain", str(short_instance), "--json", "--workers", "1", "--time-limit", "20")
    assert result.exit_code == 0
    explained = json.loads(result.output)
    assert explained["capacity"] == {"minimum": 6, "bound": 3, "short_at_least": 3}
    assert explained["fixes"][0]["kind"] == "add_cadres" and explained["fixes"][0]["verified"]["complete"]
    chinese = run("explain", str(short_instance), "--lang", "zh", "--workers", "1", "--time-limit", "20")
    assert "向 c1 增加 1 名干部" in chinese.output


def test_cli_explains_a_given_roster(short_instance: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    solved = run("solve", str(short_instance), "-o", str(roster), "--workers", "1", "--time-limit", "5",
                 "--no-progress", "--lang", "en")
    assert solved.exit_code == 0
    assert "capacity: at least 3 of the 6 minimum cadre-shifts" in solved.output  # said before the solve
    result = run("explain", str(short_instance), str(roster), "--lang", "en", "--workers", "1", "--time-limit", "20")
    assert result.exit_code == 0
    assert "minimum coverage 50.0 %: 3 of 6" in result.output


def test_cli_bad_input_exits_2_and_writes_nothing(tmp_path: Path, short_instance: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"horizon": {"start": "2024-01-01", "days": 0}, "shifts": []}))
    fixed = tmp_path / "fixed.json"
    result = run("explain", str(broken), "--apply", "1", "-o", str(fixed))
    assert result.exit_code == 2
    assert "horizon.days" in result.output and "Traceback" not in result.output
    assert not fixed.exists()
    # --apply without -o, -o without --apply, and -o naming the input: usage errors, nothing written
    assert run("explain", str(short_instance), "--apply", "1").exit_code == 2
    assert run("explain", str(short_instance), "-o", str(fixed)).exit_code == 2
    before = short_instance.read_bytes()
    assert run("explain", str(short_instance), "--apply", "1", "-o", str(short_instance)).exit_code == 2
    assert short_instance.read_bytes() == before
    # a fix number beyond those found: exit 1, nothing written
    missing = run("explain", str(short_instance), "--workers", "1", "--time-limit", "20", "--apply", "9",
                  "-o", str(fixed))
    assert missing.exit_code == 1 and not fixed.exists()


# -- the report's "why not covered" section ------------------------------------------------------------------


def test_report_says_why_not_covered(tmp_path: Path) -> None:
    # community "c<b>1" (a name that must be escaped) asks 2 a day for 3 days; its one cadre gives 3 of 6
    tricky = "c<b>1"
    data = instance([cadre("a", communities=[tricky])], days=3, communities=[tricky],
                    checkpoints=[checkpoint(community=tricky, rules=[demand(2)])])
    source = tmp_path / "short.json"
    source.write_text(json.dumps(data))
    roster, page = tmp_path / "roster.json", tmp_path / "report.html"
    assert run("solve", str(source), "-o", str(roster), "--workers", "1", "--time-limit", "5",
               "--no-progress").exit_code == 0
    assert run("report", str(source), str(roster), "-o", str(page), "--lang", "en").exit_code == 0
    html_text = page.read_text()
    assert '<section id="why"><h2>Why not covered</h2>' in html_text
    assert "at least 3 of the 6 minimum cadre-shifts of community c&lt;b&gt;1" in html_text
    assert "add 1 cadre(s) to c&lt;b&gt;1" in html_text  # the bound's estimate, marked as one
    assert "<b>1" not in html_text
    # from an explanation: its verified fixes
    explained = tmp_path / "explain.json"
    result = run("explain", str(source), str(roster), "--json", "--workers", "1", "--time-limit", "20")
    explained.write_text(result.output)
    assert run("report", str(source), str(roster), "-o", str(page), "--lang", "en", "--explain",
               str(explained)).exit_code == 0
    html_text = page.read_text()
    assert "every fix below was verified" in html_text and "1. add 1 cadre(s) to c&lt;b&gt;1" in html_text
    # not an explanation: exit 2, nothing written
    other = tmp_path / "other.html"
    assert run("report", str(source), str(roster), "-o", str(other), "--explain", str(roster)).exit_code == 2
    assert not other.exists()


def test_no_why_section_without_shortfalls(tmp_path: Path) -> None:
    source = tmp_path / "covered.json"
    source.write_text(json.dumps(instance([cadre("a"), cadre("b")], days=2)))
    roster, page = tmp_path / "roster.json", tmp_path / "report.html"
    assert run("solve", str(source), "-o", str(roster), "--workers", "1", "--time-limit", "5",
               "--no-progress").exit_code == 0
    assert run("report", str(source), str(roster), "-o", str(page)).exit_code == 0
    assert 'id="why"' not in page.read_text()


def test_an_infeasible_instance_gets_minimum_hours_lifted_first() -> None:
    # One cadre owes 40 h over 2 days of 8-hour shifts (16 h at most): no roster at all. Lifting
    # min_total_hours gives a roster: 1 duty a day of the 2 asked, 50 % of the minimum.
    data = instance([cadre("a")], days=2, checkpoints=[checkpoint(rules=[demand(2)])],
                    rules={"min_total_hours": 40})
    explanation = explain(data)
    assert explanation.before.infeasible
    first = explanation.fixes[0]
    assert (first.kind, first.details["rule"], first.details["to"], first.details["cadres"]) == (
        "lift_limit", "min_total_hours", None, ["a"])
    assert first.measured is not None and first.measured.coverage == 0.5
