"""The code's layout keeps its promises: every module says what it holds, the engine's files stay short."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted([*ROOT.joinpath("scheduler").rglob("*.py"), *ROOT.joinpath("models").rglob("*.py")])
# The engine: the roster model (with its rules), the search (with every package inside it), and the
# stage loop.
ENGINE = [path for path in MODULES if path.relative_to(ROOT).parts[:2] in (("scheduler", "model"),
                                                                        ("scheduler", "search"))]
ENGINE.append(ROOT / "scheduler" / "solver.py")


def test_the_engine_holds_every_package_of_the_model_and_the_search() -> None:
    names = {str(path.relative_to(ROOT / "scheduler")) for path in ENGINE}
    assert {"model/rules/demand_limits.py", "search/columns/dive.py", "search/dispatch/dispatcher.py",
            "solver.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_module_says_what_it_holds(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring and docstring.splitlines()[0].strip(), f"{path} has no docstring"


def test_no_engine_file_is_over_600_lines() -> None:
    lines = {str(path.relative_to(ROOT)): len(path.read_text().splitlines()) for path in ENGINE}
    assert not {name: count for name, count in lines.items() if count > 600}


def test_the_stage_loop_stays_under_300_lines() -> None:
    assert len((ROOT / "scheduler" / "solver.py").read_text().splitlines()) < 300
