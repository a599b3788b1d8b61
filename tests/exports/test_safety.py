from __future__ import annotations

import pytest

from scheduler.exports.report import esc, lorenz_points
from scheduler.exports.safety import neutralise, safe_filename


@pytest.mark.parametrize("text", ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1"])
def test_formula_triggers_are_quoted(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["张敏", "a=b", "", 5, -3, 2.5, None])
def test_other_values_pass(value: object) -> None:
    assert neutralise(value) == value


def test_safe_filenames() -> None:
    assert safe_filename("p0001", ".ics") == "p0001.ics"
    assert safe_filename("张敏", ".ics") == "张敏.ics"
    hostile = safe_filename("../../etc/passwd", ".ics")
    assert "/" not in hostile and not hostile.startswith(".") and hostile.endswith(".ics")
    assert safe_filename("a/b") != safe_filename("a_b")  # a changed id keeps a hash of the original
    assert safe_filename("CON").lower() != "con"
    assert safe_filename("...") not in ("", ".", "..")
    assert len(safe_filename("x" * 200 + "/")) < 100
    assert "\n" not in safe_filename("a\nb")


def test_escape_and_lorenz() -> None:
    assert esc('<script>"x"</script>') == "&lt;script&gt;&quot;x&quot;&lt;/script&gt;"
    assert lorenz_points([1, 1]) == [(0.0, 0.0), (0.5, 0.5), (1.0, 1.0)]
    assert lorenz_points([0, 2])[1] == (0.5, 0.0)
    assert lorenz_points([]) == [(0.0, 0.0), (1.0, 1.0)]
