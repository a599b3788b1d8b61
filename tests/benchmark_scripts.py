"""Loading a script of ``benchmarks/`` in a test, as it runs from the command line."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark_script(file_name: str, module_name: str) -> ModuleType:
    """``benchmarks/<file_name>`` as module ``module_name``, with its folder importable (scripts import
    their neighbours, such as ``curtois_files.py``) and the module registered (dataclasses look it up)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(module_name, BENCHMARKS / file_name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
