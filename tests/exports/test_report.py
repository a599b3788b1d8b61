from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scheduler.exports.report import render_report

from .conftest import FORMULA_NAME, SCRIPT_NAME
from .helpers import data_for

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_is_self_contained_and_escaped(files: tuple[Path, Path], lang: str) -> None:
    page = render_report(data_for(files, lang))
    tags = _tags(page)
    assert [tag for tag, _ in tags].count("script") == 1  # only our own inline script
    assert not any(tag == "img" for tag, _ in tags)  # the hostile <img onerror> stayed text
    for tag, attrs in tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)  # nothing loaded from outside
    assert SCRIPT_NAME not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<svg" in page and 'class="heatmap"' in page
    assert "测试镇 &lt;b&gt;test&lt;/b&gt;" in page
    assert FORMULA_NAME.replace('"', "&quot;") in page  # a formula is plain text in HTML


def test_heatmap_marks_shortfalls(files: tuple[Path, Path]) -> None:
    page = render_report(data_for(files))
    heat = re.search(r'<svg class="heatmap".*?</svg>', page, re.S)
    assert heat is not None
    assert heat.group(0).count('class="cell short"') == 2  # one checkpoint and one standby shortfall
    assert "nobody free &lt;img src=x onerror=alert(3)&gt;" in page  # the reason, escaped


def _chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def test_report_renders_in_headless_chromium(files: tuple[Path, Path], tmp_path: Path) -> None:
    binary = _chromium()
    if binary is None:
        pytest.skip("no chromium binary found (apt-get install chromium)")
    page = tmp_path / "report.html"
    page.write_text(render_report(data_for(files, "zh")), encoding="utf-8")
    base = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr",
            "--v=0"]
    dom = subprocess.run([*base, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert not console, console
    assert 'data-rendered="ok"' in dom.stdout
    cells = re.search(r'data-heat-cells="(\d+)"', dom.stdout)
    assert cells is not None and int(cells.group(1)) > 20
    assert '<svg class="heatmap"' in dom.stdout and dom.stdout.count("<table") >= 4
    tags = _tags(dom.stdout)
    assert [tag for tag, _ in tags].count("script") == 1 and not any(tag == "img" for tag, _ in tags)
    shot = tmp_path / "report.png"
    result = subprocess.run([*base, "--window-size=1400,2200", f"--screenshot={shot}", page.as_uri()],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 30_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_watch_list_says_when_the_limits_reached_could_not_be_computed(
        files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import scheduler.checker.rules

    complete = render_report(data_for(files))
    assert 'class="warning"' not in complete

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("a rule the checker cannot read")

    monkeypatch.setattr(scheduler.checker.rules, "cadre_findings", broken)
    for lang, words in (("en", "Incomplete: the limits each cadre reaches could not be computed"),
                        ("zh", "名单不完整")):
        page = render_report(data_for(files, lang))
        watch = re.search(r'<section id="watch">.*?</section>', page, re.S)
        assert watch is not None
        assert words in watch.group(0)
        assert "ValueError: a rule the checker cannot read" in watch.group(0)


def test_the_report_lists_each_stage_with_its_bound_and_gap(files: tuple[Path, Path]) -> None:
    from models.roster import Stage

    data = data_for(files)
    stages = [Stage(part="coverage", value=2.0, bound=1.0, gap=0.25, status="feasible"),
              Stage(part="standby", value=0.0, bound=None, status="feasible")]
    data.roster.objective.stages = stages
    page = render_report(data)
    section = re.search(r'<section id="stages">.*?</section>', page, re.S)
    assert section is not None
    assert section.group(0).count("<tr") == len(stages) + 1  # a header and one row per stage
    assert "25.00 %" in section.group(0) and "<td>-</td>" in section.group(0)  # no bound: no gap
