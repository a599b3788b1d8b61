from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from scheduler.cli.exports import export, report


def _run(command: object, args: list[str]) -> object:
    return CliRunner().invoke(command, args)  # type: ignore[arg-type]


def test_export_formats(files: tuple[Path, Path], tmp_path: Path) -> None:
    instance, roster = map(str, files)
    xlsx = tmp_path / "out" / "roster.xlsx"
    result = _run(export, [instance, roster, "--format", "xlsx", "-o", str(xlsx), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "按卡口" in openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes())).sheetnames
    csv_path = tmp_path / "c.csv"
    result = _run(export, [instance, roster, "--format", "csv", "--by", "cadre", "-o", str(csv_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbfCadre id,Name")
    calendars = tmp_path / "ics"
    result = _run(export, [instance, roster, "--format", "ics", "-o", str(calendars)])
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in calendars.iterdir())
    assert len(written) == 6 and all(name.endswith(".ics") for name in written)
    assert not any(path.name.startswith(".") for path in calendars.iterdir())  # no temporary files left
    assert not (tmp_path / "etc").exists()
    html = tmp_path / "report.html"
    result = _run(report, [instance, roster, "-o", str(html), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "ics", "report"])
def test_bad_input_exits_2_and_writes_nothing(files: tuple[Path, Path], tmp_path: Path, fmt: str) -> None:
    instance, roster = files
    broken = tmp_path / "broken.json"
    data = json.loads(roster.read_text(encoding="utf-8"))
    data["assignments"][3]["cadre"] = "ghost"
    broken.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "target" / ("report.html" if fmt == "report" else f"out.{fmt}")
    if fmt == "report":
        result = _run(report, [str(instance), str(broken), "-o", str(target)])
    else:
        result = _run(export, [str(instance), str(broken), "--format", fmt, "-o", str(target)])
    assert result.exit_code == 2
    assert "assignments[3].cadre" in result.output and str(broken) in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "target").exists()


def test_unreadable_instance(files: tuple[Path, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = _run(export, [str(bad), str(files[1]), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "bad.json" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_by_needs_csv_and_ics_needs_a_directory(files: tuple[Path, Path], tmp_path: Path) -> None:
    instance, roster = map(str, files)
    result = _run(export, [instance, roster, "--format", "xlsx", "--by", "cadre", "-o", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 2 and not (tmp_path / "a.xlsx").exists()
    plain = tmp_path / "plain"
    plain.write_text("x", encoding="utf-8")
    result = _run(export, [instance, roster, "--format", "ics", "-o", str(plain)])
    assert result.exit_code == 2 and plain.read_text(encoding="utf-8") == "x"


def test_roster_of_another_instance_warns(files: tuple[Path, Path], tmp_path: Path) -> None:
    instance, roster = files
    copy = tmp_path / "changed.json"
    copy.write_text(instance.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = CliRunner().invoke(export, [str(copy), str(roster), "--format", "csv", "-o", str(tmp_path / "a.csv")])
    assert result.exit_code == 0
    assert "SHA-256" in result.output
