"""The ``schedule`` command line: a thin layer over the library; it owns the terminal.

Bad input prints every problem with its JSON path and exits with code 2,
without a traceback and without writing anything.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from models.instance import Instance
from models.loading import InputError, load_instance, load_roster
from scheduler.cli import clock
from scheduler.cli.failing import EXIT_BAD_INPUT, fail_input, lang_option
from scheduler.files import sha256_of, write_atomic
from scheduler.i18n import default_language, text
from scheduler.search.settings import SearchSettings, settings_with
from scheduler.sources.generate import MAX_TOWNS, PROFILES, generate_instance

# Seconds kept after the shortfall reasons for writing the file and leaving (freeing a large model).
EXIT_MARGIN = 0.5
EXIT_CHECK_FAILED = 1
EXIT_INTERRUPTED = 130


def _load(path: Path, lang: str) -> Instance:
    try:
        return load_instance(path)
    except InputError as error:
        fail_input(error, lang)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="schedule")
def main(verbose: int) -> None:
    """Roster sunk cadres to epidemic-control checkpoints and shifts (OR-Tools CP-SAT)."""
    clock.begin()
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("instance", type=click.Path(path_type=Path))
@lang_option
def validate(instance: Path, lang: str | None) -> None:
    """Check an instance file: every schema and reference error, then pre-solve warnings."""
    from scheduler.compose.prechecks import presolve_warnings

    lang = lang or default_language()
    loaded = _load(instance, lang)
    warnings = presolve_warnings(loaded, lang)
    for warning in warnings:
        click.echo(f"{text(lang, 'warning')}: {warning}")
    click.echo(
        text(
            lang,
            "valid",
            source=str(instance),
            cadres=len(loaded.cadres),
            checkpoints=len(loaded.checkpoints),
            days=loaded.horizon.days,
            warnings=len(warnings),
        )
    )


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file instead of standard output.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the instance file (from the pydantic models)."""
    schema_text = json.dumps(Instance.model_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(schema_text, nl=False)
    else:
        write_atomic(output, schema_text)


class _LiveProgress:
    """Best objective, bound and gap per stage, on one refreshed terminal line."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False

    def __call__(self, progress: Any) -> None:
        if not self.enabled:
            return
        line = (
            f"\r  {progress.stage:<20} best {progress.objective:>12g}  bound {progress.bound:>12g}  "
            f"gap {100 * progress.gap:5.1f}%  {progress.seconds:6.1f}s"
        )
        click.echo(line, nl=False, err=True)
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            click.echo("", err=True)
            self.shown = False


def _search_settings(context: click.Context, parameter: click.Parameter, values: tuple[str, ...]) -> SearchSettings:
    try:
        return settings_with(list(values))
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@main.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("roster.json"), show_default=True)
@click.option("--time-limit", type=float, default=60.0, show_default=True, help="Seconds for the whole solve.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="CP-SAT search workers.")
@click.option("--seed", type=int, default=0, show_default=True, help="CP-SAT random seed.")
@click.option(
    "--deterministic",
    is_flag=True,
    help="Repeatable run: interleaved search and a deterministic time budget (--time-limit in deterministic units).",
)
@click.option("--log", "log_path", type=click.Path(path_type=Path), help="Write CP-SAT's own search log here.")
@click.option("--progress/--no-progress", default=None, help="Live progress (default: on a terminal).")
@click.option(
    "--setting",
    "settings",
    multiple=True,
    callback=_search_settings,
    metavar="NAME=VALUE",
    help="Advanced: a tuned search value other than its default (scheduler/search/settings.py; "
    "stage_share.coverage=0.4 for one stage), for measuring it. Repeatable.",
)
@lang_option
def solve(
    instance: Path,
    output: Path,
    time_limit: float,
    workers: int,
    seed: int,
    deterministic: bool,
    log_path: Path | None,
    progress: bool | None,
    settings: SearchSettings,
    lang: str | None,
) -> None:
    """Solve an instance and write the roster (roster.json)."""
    from scheduler.compose.prechecks import presolve_warnings
    from scheduler.compose.roster import RosterBreaksRules, compose_roster
    from scheduler.solver import SolveOptions
    from scheduler.solver import solve as run_solver

    started = clock.started  # the time limit counts from the start: loading, warnings, solving, composing
    lang = lang or default_language()
    loaded = _load(instance, lang)
    digest = sha256_of(instance)
    for warning in presolve_warnings(loaded, lang):  # said before the solve: shortfalls that are certain
        click.echo(f"{text(lang, 'warning')}: {warning}", err=True)
    live = _LiveProgress(sys.stderr.isatty() if progress is None else progress)
    log_lines: list[str] = []
    # what loading and the warnings took comes out of the solve's own limit
    solve_limit = None if time_limit is None or deterministic else max(time_limit - (time.monotonic() - started), 0.0)
    options = SolveOptions(
        time_limit=time_limit if solve_limit is None else solve_limit,
        workers=workers,
        seed=seed,
        deterministic=deterministic,
        log_callback=log_lines.append if log_path else None,
        progress=live,
        settings=settings,
    )
    try:
        result = run_solver(loaded, options)
    except KeyboardInterrupt:
        live.finish()
        click.echo(text(lang, "interrupted_early"), err=True)
        sys.exit(EXIT_INTERRUPTED)
    live.finish()
    if log_path is not None:
        write_atomic(log_path, "\n".join(log_lines) + "\n")
    try:
        explain_until = None if time_limit is None or deterministic else started + time_limit - EXIT_MARGIN
        roster = compose_roster(loaded, digest, result, options, explain_until=explain_until)
    except RosterBreaksRules as error:
        click.echo(f"{text(lang, 'internal_error')}: {error}", err=True)
        sys.exit(EXIT_CHECK_FAILED)
    write_atomic(output, roster.model_dump_json(indent=2) + "\n")
    _print_summary(roster.model_dump(mode="json"), lang, output)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _gap(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.2f}%"


def _percent_down(share: float) -> float:
    """A share in per cent, rounded down to a tenth: a coverage short of 1 never reads 100.0 %."""
    return math.floor(share * 1000 + 1e-9) / 10


def _print_summary(roster: dict[str, Any], lang: str, output: Path) -> None:
    echo: Callable[[str], None] = click.echo
    objective = roster["objective"]
    echo(text(lang, "status", status=text(lang, roster["status"]), seconds=roster["solver"]["seconds"]))
    if roster["solver"].get("interrupted"):
        echo(text(lang, "interrupted"))
    if roster["status"] == "infeasible":
        for conflict in roster["conflicts"]:
            echo(f"  {conflict['rule']}: {conflict['message']}")
        echo(text(lang, "wrote", path=str(output)))
        return
    if roster["status"] == "unknown" and not roster["assignments"] and not roster["standby"]:
        echo(text(lang, "no_roster"))
        echo(text(lang, "wrote", path=str(output)))
        return
    echo(text(lang, "objective", mode=objective["mode"]))
    for stage in objective["stages"]:
        echo(
            f"  {stage['part']:<20} {_fmt(stage['value']):>12}  {text(lang, 'bound')} {_fmt(stage['bound']):>12}  "
            f"{text(lang, 'gap')} {_gap(stage.get('gap')):>7}  ({text(lang, stage['status'])})"
        )
    parts = ", ".join(f"{name} {_fmt(value)}" for name, value in objective["parts"].items())
    echo(f"  {text(lang, 'parts')}: {parts}")
    totals = roster["metrics"].get("totals", {})
    echo(
        text(
            lang,
            "coverage",
            minimum=_percent_down(totals.get("min_coverage", 1.0)),
            persons=_percent_down(totals.get("person_coverage", 1.0)),
            skills=_percent_down(totals.get("skill_coverage", 1.0)),
            standby=_percent_down(totals.get("standby_coverage", 1.0)),
            target=_percent_down(totals.get("target_coverage", 1.0)),
        )
    )
    groups = roster["metrics"].get("groups", {})
    if groups:
        ginis = ", ".join(f"{group} {figures['gini']:.3f}" for group, figures in groups.items())
        echo(f"{text(lang, 'gini')}: {ginis}")
    echo(
        text(
            lang,
            "shortfalls",
            count=len(roster["shortfalls"]),
            standby=len(roster["standby_shortfalls"]),
        )
    )
    for shortfall in roster["shortfalls"][:5]:
        echo(f"  {shortfall['checkpoint']} {shortfall['date']} {shortfall['shift']}: {shortfall['reason']}")
    if len(roster["shortfalls"]) > 5:
        echo(f"  ... {len(roster['shortfalls']) - 5} {text(lang, 'more')}")
    echo(text(lang, "wrote", path=str(output)))


@main.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.argument("roster", type=click.Path(path_type=Path))
@click.option("--against", type=click.Path(path_type=Path), help="A repaired roster: the old roster it repairs.")
@click.option("--changes", type=click.Path(path_type=Path), help="With --against: the changes file of the repair.")
@lang_option
def check(instance: Path, roster: Path, against: Path | None, changes: Path | None, lang: str | None) -> None:
    """Verify a roster independently: every hard rule, coverage, shortfalls, objective parts, metrics."""
    from scheduler.checker import check as run_check
    from scheduler.cli.repair import against_problems

    lang = lang or default_language()
    loaded = _load(instance, lang)
    try:
        roster_data = load_roster(roster)
    except InputError as error:
        fail_input(error, lang)
    digest = sha256_of(instance)
    report = run_check(loaded, roster_data)
    problems = report.lines()
    if roster_data.instance_sha256 != digest:
        problems.append(
            f"roster was made for an instance with SHA-256 {roster_data.instance_sha256}, but {instance} has {digest}"
        )
    problems += against_problems(loaded, roster_data, against, changes, lang)
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    for line in report.advice():  # warnings and notes: said, but no failure
        click.echo(f"  {line}", err=bool(problems))
    if problems:
        click.echo(text(lang, "check_failed", count=len(problems)), err=True)
        sys.exit(EXIT_CHECK_FAILED)
    click.echo(text(lang, "check_ok", assignments=len(roster_data.assignments), standby=len(roster_data.standby)))


@main.command()
@click.option("--profile", type=click.Choice(list(PROFILES)), required=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--days", type=click.IntRange(1, 366), default=14, show_default=True)
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="First day (YYYY-MM-DD).")
@click.option(
    "--towns", type=click.IntRange(1, MAX_TOWNS), default=None, help="Towns of a city (city only; default 10)."
)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
def generate(profile: str, seed: int, days: int, start: Any, towns: int | None, output: Path) -> None:
    """Generate a realistic instance after the field figures (town, district, sub-district, city of towns)."""
    from models.loading import parse_instance

    if towns is not None and profile != "city":
        raise click.UsageError("--towns applies to --profile city only")
    data = generate_instance(profile, seed, days, start.date() if start else None, towns=towns)
    parse_instance(data, str(output))  # never write an instance we would reject
    write_atomic(output, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    click.echo(f"{output}: {len(data['cadres'])} cadres, {len(data['checkpoints'])} checkpoints, {days} days")


@main.group(name="import")
def import_group() -> None:
    """Convert benchmark files into instance files."""


@import_group.command(name="curtois")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option("--name", default=None, help="Instance name (default: the file name without extension).")
def import_curtois(source: Path, output: Path, name: str | None) -> None:
    """Convert a Curtois & Qu shift scheduling benchmark file (InstanceN.txt) into instance.json."""
    from models.loading import parse_instance
    from scheduler.sources.curtois import CurtoisFormatError, parse_curtois, to_instance

    try:
        text_bytes = source.read_bytes()
    except OSError as error:
        click.echo(f"{source}: cannot read the file ({error.strerror})", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        data = parse_curtois(text_bytes.decode("utf-8-sig"))
        instance = to_instance(data, name or source.stem)
    except UnicodeDecodeError:
        click.echo(f"{source}: not a text file", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except (CurtoisFormatError, ValueError) as error:
        click.echo(f"{source}: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    parse_instance(instance, str(output))  # never write an instance we would reject
    write_atomic(output, json.dumps(instance, indent=1) + "\n")
    click.echo(
        f"{output}: {data.horizon} days, {len(data.staff)} staff, {len(data.shifts)} shift types, "
        f"{len(data.cover)} cover rows"
    )


def _register_subcommands() -> None:
    from scheduler.cli.explain import explain
    from scheduler.cli.exports import export, report
    from scheduler.cli.repair import repair, suggest
    from scheduler.cli.scenarios import scenario, staffing

    for command in (export, report, scenario, staffing, repair, suggest, explain):
        main.add_command(command)


_register_subcommands()
clock.imported()

if __name__ == "__main__":
    main()
