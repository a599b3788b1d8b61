"""Search settings given other values (``settings_with`` and ``schedule solve --setting``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli.main import main
from scheduler.search.settings import SETTINGS, settings_with

ROOT = Path(__file__).resolve().parents[1]


def test_a_value_of_each_type_is_read_as_the_setting_s_type() -> None:
    settings = settings_with(["lns_step_limit=1.5", "lns_first_width=5", "lns_presolve=false",
                              "stage_share.coverage=0.25", "lp_settings=use_dual_simplex: true"])
    assert settings.lns_step_limit == 1.5
    assert settings.lns_first_width == 5 and isinstance(settings.lns_first_width, int)
    assert settings.lns_presolve is False
    # one stage's share changes; the others keep theirs
    assert settings.stage_share == {**SETTINGS.stage_share, "coverage": 0.25}
    assert settings.lp_settings == "use_dual_simplex: true"
    # the defaults are not touched
    assert SETTINGS.stage_share["coverage"] == 0.5 and SETTINGS.lns_step_limit == 3.0


def test_two_parts_of_one_setting_add_up() -> None:
    settings = settings_with(["stage_share.coverage=0.2", "stage_share.target=0.7"])
    assert settings.stage_share == {**SETTINGS.stage_share, "coverage": 0.2, "target": 0.7}


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ("lns_step_limt=2", "no such search setting"),
        ("lns_step_limit", "expected name=value"),
        ("lns_step_limit=", "expected name=value"),
        ("lns_step_limit=fast", "expected float"),
        ("lns_step_limit=nan", "expected float"),
        ("lns_first_width=2.5", "expected int"),
        ("lns_presolve=maybe", "expected bool"),
        ("stage_share=0.3", "give one of stage_share.coverage"),
        ("stage_share.lunch=0.3", "give one of stage_share.coverage"),
        ("lns_step_limit.x=1", "has no parts"),
    ],
)
def test_a_wrong_setting_is_named(override: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        settings_with([override])


def test_the_cli_refuses_a_wrong_setting_with_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    output = tmp_path / "roster.json"
    result = CliRunner().invoke(main, ["solve", str(ROOT / "instances" / "tiny.json"), "-o", str(output),
                                       "--setting", "lns_step_limt=2"])
    assert result.exit_code == 2
    assert "--setting" in result.output and "no such search setting" in result.output
    assert "Traceback" not in result.output
    assert not output.exists()


def test_the_cli_solves_with_a_setting_given(tmp_path: Path) -> None:
    output = tmp_path / "roster.json"
    result = CliRunner().invoke(main, ["solve", str(ROOT / "instances" / "tiny.json"), "-o", str(output),
                                       "--time-limit", "10", "--setting", "stage_share.coverage=0.3"])
    assert result.exit_code == 0, result.output
    assert output.exists()
