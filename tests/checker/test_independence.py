"""The checker shares no rule semantics with the solver: what it may import, read from its own source.

Allowed: the standard library and other packages except ortools; ``scheduler.checker`` itself; from
``models`` only the data classes (pydantic models), by name. Not allowed: anything else of
``scheduler`` (the solver side's calendar, rules, model ...), ortools, a whole ``models`` module, or a
function or constant of ``models``. And the contract's classes only parse and validate: they carry no
helper that computes time, matching or limits for either side.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from functools import cached_property
from pathlib import Path

import pytest
from pydantic import BaseModel

CHECKER = Path(__file__).resolve().parents[2] / "scheduler" / "checker"
CONTRACT_MODULES = ("models.instance", "models.roster")


def _is_data_class(module_name: str, name: str) -> bool:
    value = getattr(importlib.import_module(module_name), name, None)
    return inspect.isclass(value) and issubclass(value, BaseModel)


def forbidden_imports(source: str, package: str = "scheduler.checker") -> list[str]:
    """Every import of ``source`` (at any depth, in functions too) that the checker may not make."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.name
                if name == "ortools" or name.startswith("ortools."):
                    found.append(f"import {name}")
                elif name == "models" or name.startswith("models."):
                    found.append(f"import {name} (a whole module of the contract)")
                elif (name == "scheduler" or name.startswith("scheduler.")) and not (
                        name == package or name.startswith(package + ".")):
                    found.append(f"import {name}")
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside the checker package unless it climbs out of it
                if node.level > 1:
                    found.append(f"from {'.' * node.level}{node.module or ''} import ...")
                continue
            module = node.module or ""
            names = [alias.name for alias in node.names]
            solver_side = module == "scheduler" or (module.startswith("scheduler.") and not (
                module == package or module.startswith(package + ".")))
            if module == "ortools" or module.startswith("ortools.") or solver_side:
                found.append(f"from {module} import {', '.join(names)}")
            elif module == "models" or module.startswith("models."):
                found.extend(f"from {module} import {name} (not a data class)" for name in names
                             if name == "*" or module == "models" or not _is_data_class(module, name))
    return found


def test_the_analysis_catches_what_is_forbidden() -> None:
    sample = (
        "import ortools.sat.python.cp_model\n"
        "from ortools.sat.python import cp_model\n"
        "from scheduler.model.calendar import Calendar\n"
        "import scheduler.rules.weekly_limits\n"
        "from models.references import json_path\n"
        "from models import Instance\n"
        "import models.instance\n"
        "from .. import solver\n"
        "def later():\n"
        "    from scheduler.objective import scaled\n"
        "from models.instance import Instance, Shift, MAX_DAYS\n"
        "from models.roster import Roster\n"
        "from scheduler.checker.context import Context\n"
        "from .findings import Finding\n"
        "import math\n"
    )
    assert forbidden_imports(sample) == [
        "import ortools.sat.python.cp_model",
        "from ortools.sat.python import cp_model",
        "from scheduler.model.calendar import Calendar",
        "import scheduler.rules.weekly_limits",
        "from models.references import json_path (not a data class)",
        "from models import Instance (not a data class)",
        "import models.instance (a whole module of the contract)",
        "from .. import ...",
        "from models.instance import MAX_DAYS (not a data class)",
        "from scheduler.objective import scaled",
    ]


@pytest.mark.parametrize("path", sorted(CHECKER.glob("*.py")), ids=lambda path: path.name)
def test_the_checker_imports_only_itself_the_standard_library_and_the_data_classes(path: Path) -> None:
    assert forbidden_imports(path.read_text(encoding="utf-8")) == []


def _helpers(cls: type) -> list[str]:
    """Public methods and properties a class defines itself (validators are private by convention here)."""
    found = []
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property | cached_property | staticmethod | classmethod) or inspect.isfunction(value):
            found.append(name)
    return found


@pytest.mark.parametrize("module_name", CONTRACT_MODULES)
def test_the_contract_classes_only_parse_and_validate(module_name: str) -> None:
    module = importlib.import_module(module_name)
    classes = [value for value in vars(module).values()
               if inspect.isclass(value) and issubclass(value, BaseModel) and value.__module__ == module_name]
    assert classes
    assert {cls.__name__: _helpers(cls) for cls in classes if _helpers(cls)} == {}
    functions = [name for name, value in vars(module).items()
                 if inspect.isfunction(value) and value.__module__ == module_name and not name.startswith("_")]
    # describe_json only words error messages for the loader
    assert functions == (["describe_json"] if module_name == "models.instance" else [])


def test_the_helper_analysis_sees_a_helper() -> None:
    class Example(BaseModel):
        start: str

        @property
        def start_minute(self) -> int:
            return 0

        def matches(self) -> bool:
            return True

    assert _helpers(Example) == ["start_minute", "matches"]
