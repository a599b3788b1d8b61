"""``schedule scenario`` and ``schedule staffing``: staffing scenarios for researchers and planners.

Registered in :mod:`scheduler.cli` with ``main.add_command(scenario)`` and ``main.add_command(staffing)``.
The library is :mod:`scheduler.scenarios`; this module owns the terminal (tables, progress bar).
Bad input (instance or ``--vary``) prints the problem and exits with code 2; an interrupted sweep
keeps its finished rows and exits with code 130. A sweep some of whose runs failed names each of them
with its reason and exits with code 1; a run whose roster the checker rejected (a bug in schedule) is
named apart and makes the exit code 3.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from models.loading import InputError, parse_instance, read_json
from scheduler.cli.failing import EXIT_BAD_INPUT
from scheduler.files import sha256_of, write_atomic

EXIT_RUNS_FAILED = 1

EXIT_INTERNAL_ERROR = 3
EXIT_INTERRUPTED = 130

VARY_HELP = (
    "A parameter and its values, NAME=start:stop[:step] or NAME=v1,v2,...; repeat for more. NAME is "
    "'headcount' (fraction of cadres kept, a seeded subset per community keeping unit proportions) or a "
    "dotted instance path, e.g. rules.max_consecutive_work_days=5,6,7, standby.per_community=0,1,2, "
    "objective.weights.fairness=0,1, checkpoints.k001.demand.0.min=1,2, cadres.*.limits.max_total_hours=40,60."
)

Command = TypeVar("Command", bound=Callable[..., Any])


def _parallel_options(jobs_help: str) -> Callable[[Command], Command]:
    """--workers, --jobs and --dask, shared by both commands (each solve is a separate CP-SAT run)."""

    def apply(command: Command) -> Command:
        options = [
            click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
                         help="CP-SAT workers per solve."),
            click.option("--jobs", type=click.IntRange(1, 4096), default=None, help=jobs_help),
            click.option("--dask", "dask_address", metavar="ADDRESS", default=None,
                         help="Run on a Dask distributed cluster, e.g. tcp://host:8786 (needs dask[distributed])."),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _read_instance(path: Path) -> dict[str, Any]:
    """The instance JSON, validated; every problem printed with its JSON path (exit 2) if it is bad."""
    try:
        data = read_json(path)
        parse_instance(data, str(path))
    except InputError as error:
        click.echo(f"{error.source}: {len(error.issues)} problem(s)", err=True)
        for issue in error.issues:
            click.echo(f"  {issue}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    return dict(data)


def _percent(value: str | float | None) -> str:
    try:
        return f"{100 * float(value):.1f}%"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "-"


def _number(value: str | float | None, digits: int = 3) -> str:
    try:
        return f"{float(value):.{digits}f}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "-"


def _progress_bar(enabled: bool, total: int, unit: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, file=sys.stderr, disable=not enabled, dynamic_ncols=True)


def _print_rows(rows: list[dict[str, str]], absence: bool, limit: int = 40) -> None:
    click.echo("coverage of minimum, target and standby; load Gini and Jain; with absences: minimum coverage "
               "(mean over trials) before and after calling standbys")
    header = f"{'run':<48} {'status':<10} {'min':>7} {'target':>7} {'standby':>7} {'gini':>6} {'jain':>6}"
    if absence:
        header += f" {'absence':>8} {'+standby':>8}"
    header += f" {'seconds':>8}"
    click.echo(header)
    for row in rows[:limit]:
        line = (
            f"{row['key'][:48]:<48} {row['status'] or '-':<10} {_percent(row['min_coverage']):>7} "
            f"{_percent(row['target_coverage']):>7} {_percent(row['standby_coverage']):>7} "
            f"{_number(row['load_gini']):>6} {_number(row['load_jain']):>6}"
        )
        if absence:
            line += (f" {_percent(row.get('absence_min_coverage_before')):>8}"
                     f" {_percent(row.get('absence_min_coverage_after')):>8}")
        line += f" {_number(row['seconds'], 1):>8}"
        click.echo(line)
        if row.get("error"):
            click.echo(f"    {row['error']}")
    if len(rows) > limit:
        click.echo(f"... {len(rows) - limit} more rows in the CSV")


@click.command("scenario")
@click.argument("instance", type=click.Path(path_type=Path))
@click.option("--vary", "varies", multiple=True, metavar="NAME=VALUES", help=VARY_HELP)
@click.option("--absence", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Simulate absences: each cadre absent a day with this probability; standbys are called.")
@click.option("--trials", type=click.IntRange(1, 100_000), default=10, show_default=True,
              help="Absence trials per run (with --absence).")
@click.option("--time-limit", type=float, default=20.0, show_default=True, help="Seconds per solve.")
@_parallel_options("Runs in parallel on this machine (default: cores // --workers).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Sweep seed: headcount subsets, absences and each run's solver seed derive from it.")
@click.option("--deterministic", is_flag=True,
              help="Repeatable solves (deterministic time budget: --time-limit in deterministic units).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("scenarios.csv"), show_default=True,
              help="Results CSV (one row per run); figures are written next to it.")
@click.option("--restart", is_flag=True, help="Discard the rows already in the output instead of resuming.")
@click.option("--plots/--no-plots", default=True, show_default=True, help="Write PNG figures next to the CSV.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def scenario(
    instance: Path,
    varies: tuple[str, ...],
    absence: float,
    trials: int,
    time_limit: float,
    workers: int,
    jobs: int | None,
    dask_address: str | None,
    seed: int,
    deterministic: bool,
    output: Path,
    restart: bool,
    plots: bool,
    progress: bool | None,
) -> None:
    """Solve every combination of --vary values; one CSV row per run, resumable, with figures.

    Example: schedule scenario town.json --vary headcount=0.6:1.0:0.1
    --vary rules.max_consecutive_work_days=5,6,7 --absence 0.10 --trials 20 --time-limit 20 -o results.csv
    """
    from scheduler.scenarios.sweep import Sweep, SweepMismatch, SweepSettings, run_sweep
    from scheduler.scenarios.variation import VaryError, parse_dimensions

    data = _read_instance(instance)
    try:
        dimensions = parse_dimensions(varies)
        settings = SweepSettings(time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic,
                                 absence=absence, trials=trials)
        sweep = Sweep(data, dimensions, settings, sha256_of(instance))
        sweep.validate()
    except (VaryError, ValueError) as error:
        _fail(str(error))
    show = sys.stderr.isatty() if progress is None else progress
    bar: Any = None

    def started(total: int, done: int) -> None:
        nonlocal bar
        if done:
            click.echo(f"resuming: {done} of {total} runs already in {output}", err=True)
        bar = _progress_bar(show, total, "run")
        bar.update(done)

    def finished(row: dict[str, str]) -> None:
        bar.set_postfix_str(f"{row['key'][:40]} {row['status']} min {_percent(row['min_coverage'])}", refresh=False)
        bar.update(1)

    try:
        report = run_sweep(sweep, output, jobs=jobs, dask_address=dask_address, restart=restart, on_row=finished,
                           on_start=started)
    except SweepMismatch as error:
        _fail(str(error))
    except RuntimeError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    finally:
        if bar is not None:
            bar.close()
    if report.interrupted:
        click.echo(f"interrupted: {len(report.rows)} of {report.total} runs are in {output}; run the same command "
                   "again to resume", err=True)
        sys.exit(EXIT_INTERRUPTED)
    _print_rows(report.rows, absence > 0)
    click.echo(f"{report.total} runs ({report.done_now} solved now, {report.done_before} resumed) in {output}")
    if report.retried:
        click.echo(f"{report.retried} runs that had failed before were run again", err=True)
    if plots and report.rows:
        from scheduler.scenarios.plots import plot_sweep

        for path in plot_sweep(report.rows, [dimension.name for dimension in dimensions], output):
            click.echo(f"figure: {path}")
    _exit_on_failed_runs(report.failed, report.internal_errors, report.total, output)


def _exit_on_failed_runs(failed: list[tuple[str, str]], internal: list[tuple[str, str]], total: int,
                         output: Path) -> None:
    """Name every run without a result and exit non-zero if there is one (3 for a bug in schedule, else 1)."""
    if failed:
        click.echo(f"{len(failed)} of {total} runs failed (rows with status error in {output}; running the same "
                   "command again runs them again):", err=True)
        for key, reason in failed:
            click.echo(f"  {key}: {reason}", err=True)
    if internal:
        click.echo(f"{len(internal)} of {total} runs hit an internal error: the solver's roster breaks the rules, "
                   "a bug in schedule (please report it with the instance and the command):", err=True)
        for key, reason in internal:
            click.echo(f"  {key}: {reason}", err=True)
    if internal:
        sys.exit(EXIT_INTERNAL_ERROR)
    if failed:
        sys.exit(EXIT_RUNS_FAILED)


@click.command("staffing")
@click.argument("instance", type=click.Path(path_type=Path))
@click.option("--time-limit", type=float, default=10.0, show_default=True, help="Seconds per probe (one solve).")
@_parallel_options("Communities in parallel (default: cores // --workers).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the keeping order and the solver.")
@click.option("--deterministic", is_flag=True, help="Repeatable solves (deterministic time budget).")
@click.option("--with-standby", is_flag=True, help="Also require every standby substitute asked for.")
@click.option("--community", "communities", multiple=True, metavar="ID", help="Only these communities (repeat).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Also write the table as CSV.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def staffing(
    instance: Path,
    time_limit: float,
    workers: int,
    jobs: int | None,
    dask_address: str | None,
    seed: int,
    deterministic: bool,
    with_standby: bool,
    communities: tuple[str, ...],
    output: Path | None,
    progress: bool | None,
) -> None:
    """The smallest number of cadres per community (keeping units' proportions) that meets every minimum.

    Each community is searched on its own (its checkpoints, the cadres who may serve it); the binding
    communities are named. Answers found within the time limit are proofs that that many cadres suffice;
    whether one fewer is proven short is said for every community.
    """
    from scheduler.scenarios.parallel import default_jobs
    from scheduler.scenarios.staffing import StaffingSettings
    from scheduler.scenarios.staffing import staffing as run_staffing

    data = _read_instance(instance)
    settings = StaffingSettings(time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic,
                                with_standby=with_standby)
    wanted = list(communities) or [item["id"] for item in data["communities"]]
    known = {item["id"] for item in data["communities"]}
    unknown = [community for community in wanted if community not in known]
    if unknown:
        _fail(f"no community {', '.join(unknown)} in {instance}")
    bar = _progress_bar(sys.stderr.isatty() if progress is None else progress, len(wanted), "community")
    try:
        report = run_staffing(data, settings, communities=wanted,
                              jobs=jobs if jobs is not None else default_jobs(workers), dask_address=dask_address,
                              on_community=lambda answer: bar.update(1))
    except KeyboardInterrupt:
        bar.close()
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except RuntimeError as error:
        bar.close()
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    bar.close()
    what = "minimum and standby" if with_standby else "minimum"
    click.echo(f"{'community':<12} {'may serve':>9} {'needed':>7} {'share':>7}  {'proof':<34} units kept")
    table: list[list[str]] = []
    for item in report.communities:
        if item.needed is None:
            left = item.probes[0].shortfalls if item.probes else None
            needed, share = "-", "-"
            proof = ("short even with all (proven)" if item.proven else "short with all (not proven)")
            if left is not None:
                proof += f", {left} shortfalls"
        else:
            needed, share = str(item.needed), _percent(item.share)
            proof = "minimal (one fewer proven short)" if item.proven else "enough; minimal not proven"
        units = ", ".join(f"{unit}:{count}" for unit, count in item.units.items())
        flag = " *" if item.community in report.binding else ""
        click.echo(f"{item.community + flag:<12} {item.available:>9} {needed:>7} {share:>7}  {proof:<34} {units}")
        table.append([item.community, str(item.available), "" if item.needed is None else str(item.needed),
                      "" if item.share is None else f"{item.share:.6f}", str(item.proven).lower(),
                      str(item.community in report.binding).lower(), str(item.shared), units,
                      str(len(item.probes)), _number(sum(probe.seconds for probe in item.probes), 1)])
    staffed = len(report.communities) - len(report.short)
    click.echo(f"total needed: {report.total_needed} cadres over the {staffed} communities that can be staffed "
               f"(each meeting every {what} on its own; cadres serving several communities sit in each pool)")
    if report.short:
        click.echo(f"short even with every cadre who may serve them: {', '.join(report.short)} (the solve with all "
                   "of them shows the shortfalls; more cadres or less demand are needed there)")
    if report.uniform_share is not None:
        tight = [name for name in report.binding if name not in report.short]
        click.echo(f"binding (*): {', '.join(report.binding)}; a uniform headcount cut below "
                   f"{_percent(report.uniform_share)} leaves shortfalls in {', '.join(tight)}")
    elif report.binding:
        click.echo(f"binding (*): {', '.join(report.binding)}")
    unproven = [item.community for item in report.communities if not item.proven and item.needed is not None]
    if unproven:
        click.echo(f"not proven minimal within {time_limit:g} s per probe: {', '.join(unproven)}; the true minimum "
                   "may be lower (raise --time-limit)")
    undecided = [item.community for item in report.communities if not item.proven and item.needed is None]
    if undecided:
        click.echo(f"not proven short within {time_limit:g} s per probe: {', '.join(undecided)}; with more time a "
                   "roster meeting every minimum may exist (raise --time-limit)")
    if output is not None:
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["community", "may_serve", "needed", "share", "proven", "binding", "shared_cadres",
                         "units_kept", "probes", "seconds"])
        writer.writerows(table)
        write_atomic(output, buffer.getvalue())
        click.echo(f"wrote {output}")
