"""Every field has its JSON type: strings are never read as numbers or booleans (pydantic strict mode).

Dates and times stay JSON strings in their formats (YYYY-MM-DD, HH:MM, YYYY-MM-DDTHH:MM), as the
contract writes them; every error names its JSON path and the JSON type expected.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from models.loading import InputError, load_instance, load_roster, parse_instance
from scheduler.cli import main
from scheduler.sources.generate import PROFILES, generate_instance

INSTANCES = Path(__file__).resolve().parent.parent / "instances"

BASE: dict[str, Any] = {
    "name": "strict",
    "horizon": {"start": "2024-01-01", "days": 3},
    "shifts": [{"id": "D", "start": "08:00", "end": "16:00"}, {"id": "N", "start": "20:00", "end": "08:00",
                                                               "night": True}],
    "communities": [{"id": "c1"}],
    "checkpoints": [{"id": "k1", "community": "c1", "demand": [{"min": 1, "target": 1, "skills": {"medical": 1}}]}],
    "units": [{"id": "u", "max_away": 1}],
    "cadres": [{"id": "a", "communities": ["c1"], "unit": "u", "mode": "dual", "vulnerable": False,
                "busy": [{"start": "2024-01-02T09:00", "end": "2024-01-02T10:00"}]}],
    "rules": {"min_rest_hours": 11.5, "max_hours_per_day": 12, "forbidden_successions": [["N", "D"]]},
    "standby": {"per_community": 0, "load_factor": 0.25},
    "objective": {"weights": {"requests": 1}},
}


def edited(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    edit(data)
    return data


# (case, edit, JSON path of the error, words the message must hold: the type expected and the value given)
COERCED: list[tuple[str, Callable[[dict[str, Any]], None], str, tuple[str, ...]]] = [
    ("days_as_string", lambda d: d["horizon"].update(days="3"), "horizon.days", ("integer", 'string "3"')),
    ("min_as_string", lambda d: d["checkpoints"][0]["demand"][0].update(min="1"), "checkpoints[0].demand[0].min",
     ("integer", 'string "1"')),
    ("vulnerable_as_string", lambda d: d["cadres"][0].update(vulnerable="no"), "cadres[0].vulnerable",
     ("boolean", 'string "no"')),
    ("night_as_number", lambda d: d["shifts"][1].update(night=1), "shifts[1].night", ("boolean", "number 1")),
    ("target_as_fraction", lambda d: d["checkpoints"][0]["demand"][0].update(target=1.0),
     "checkpoints[0].demand[0].target", ("integer", "number 1.0")),
    ("weight_as_string", lambda d: d["checkpoints"][0]["demand"][0].update(under_weight="2"),
     "checkpoints[0].demand[0].under_weight", ("a number", 'string "2"')),
    ("hours_as_string", lambda d: d["rules"].update(min_rest_hours="11"), "rules.min_rest_hours",
     ("a number", 'string "11"')),
    ("skill_count_as_string", lambda d: d["checkpoints"][0]["demand"][0].update(skills={"medical": "1"}),
     "checkpoints[0].demand[0].skills.medical", ("integer", 'string "1"')),
    ("skills_as_string", lambda d: d["cadres"][0].update(skills="medical"), "cadres[0].skills",
     ("an array", 'string "medical"')),
    ("id_as_number", lambda d: d["communities"][0].update(name=7), "communities[0].name", ("a string", "number 7")),
    ("max_away_as_boolean", lambda d: d["units"][0].update(max_away=True), "units[0].max_away",
     ("integer", "boolean true")),
    ("date_as_number", lambda d: d["horizon"].update(start=20240101), "horizon.start",
     ("YYYY-MM-DD", "number 20240101")),
    ("time_as_number", lambda d: d["shifts"][0].update(start=8), "shifts[0].start", ("HH:MM", "number 8")),
    ("limits_as_array", lambda d: d["cadres"][0].update(limits=[]), "cadres[0].limits", ("an object", "an array")),
    ("succession_as_string", lambda d: d["rules"].update(forbidden_successions=["N D"]),
     "rules.forbidden_successions[0]", ("an array", 'string "N D"')),
]


def test_the_base_instance_loads_with_json_types() -> None:
    instance = parse_instance(copy.deepcopy(BASE))
    assert instance.horizon.days == 3
    assert instance.rules.forbidden_successions == [("N", "D")]
    assert instance.rules.max_hours_per_day == 12  # an integer is a JSON number
    assert instance.cadres[0].busy[0].end.hour == 10


@pytest.mark.parametrize(("case", "edit", "path", "words"), COERCED, ids=[item[0] for item in COERCED])
def test_a_value_of_another_json_type_is_an_error_at_its_path(
    case: str, edit: Callable[[dict[str, Any]], None], path: str, words: tuple[str, ...]
) -> None:
    with pytest.raises(InputError) as raised:
        parse_instance(edited(edit), case)
    issues = raised.value.issues
    assert [issue.path for issue in issues] == [path], issues
    for word in words:
        assert word in issues[0].message, issues[0].message


@pytest.mark.parametrize("case", ["days_as_string", "min_as_string", "vulnerable_as_string"])
def test_the_cli_refuses_a_coerced_value_and_writes_nothing(tmp_path: Path, case: str) -> None:
    _, edit, path, words = next(item for item in COERCED if item[0] == case)
    source = tmp_path / "instance.json"
    source.write_text(json.dumps(edited(edit)), encoding="utf-8")
    output = tmp_path / "roster.json"
    result = CliRunner().invoke(main, ["solve", str(source), "-o", str(output), "--time-limit", "5", "--workers",
                                       "1", "--no-progress", "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert f"{path}: must be" in result.output
    assert words[0] in result.output
    assert "Traceback" not in result.output
    assert not output.exists()


@pytest.mark.parametrize("path", sorted(INSTANCES.glob("*.json")), ids=lambda path: path.name)
def test_the_bundled_instances_still_load(path: Path) -> None:
    assert load_instance(path).cadres


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_generated_instances_still_load(profile: str) -> None:
    data = generate_instance(profile, 3, 7)
    # Through JSON text, as the CLI writes and reads it.
    assert parse_instance(json.loads(json.dumps(data))).horizon.days == 7


def test_a_roster_field_of_another_json_type_is_an_error(tmp_path: Path) -> None:
    roster = {"instance_sha256": "0" * 64, "status": "feasible",
              "objective": {"total": 0, "parts": {}}, "solver": {"seconds": "1.5"}}
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(roster), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_roster(path)
    assert [(issue.path, "a number" in issue.message) for issue in raised.value.issues] == [("solver.seconds", True)]
    roster["solver"] = {"seconds": 1.5}
    path.write_text(json.dumps(roster), encoding="utf-8")
    assert load_roster(path).solver.seconds == 1.5
