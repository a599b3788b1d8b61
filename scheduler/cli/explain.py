"""``schedule explain``: why the minimum cannot be covered, and the smallest verified fixes.

Registered on the main group in :func:`scheduler.cli.main._register_subcommands`. Bad input prints
every problem with its JSON path and exits with code 2, without a traceback and without writing
anything; ``--apply N -o fixed.json`` validates the changed instance before writing it, atomically,
and never overwrites the input.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from models.loading import InputError, load_instance, load_roster, parse_instance, read_json
from scheduler.cli import clock
from scheduler.cli.failing import fail_input
from scheduler.files import sha256_of, write_atomic
from scheduler.i18n import default_language, text

EXIT_FAILED = 1


@click.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.argument("roster", type=click.Path(path_type=Path), required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@click.option("--time-limit", type=float, default=60.0, show_default=True,
              help="Seconds for the whole explanation (the solve when no roster is given, and every check).")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="CP-SAT search workers.")
@click.option("--apply", "apply_index", type=click.IntRange(1, None), default=None,
              help="Write the instance with fix N applied (needs -o).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Where --apply writes.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="Language of what people read (default from the locale).")
def explain(instance: Path, roster: Path | None, as_json: bool, time_limit: float, workers: int,
            apply_index: int | None, output: Path | None, lang: str | None) -> None:
    """Why the minimum demand cannot be covered, and the smallest fixes, each verified by a solve.

    With ROSTER, its shortfalls are explained; without, a roster is solved first. --apply N -o FILE
    writes the instance with fix N applied (validated; the input is never overwritten)."""
    from scheduler.compose.fixes import (
        Explainer,
        baseline_seconds,
        describe_fix,
        explanation_lines,
        instance_json,
        measure,
        verify,
    )

    lang = lang or default_language()
    started = clock.started  # the time limit counts from the command's start, imports included
    if apply_index is not None and output is None:
        raise click.UsageError("--apply needs -o FILE: where to write the changed instance")
    if output is not None and apply_index is None:
        raise click.UsageError("-o is where --apply writes; give --apply N as well")
    if output is not None and output.resolve() == instance.resolve():
        raise click.UsageError(text(lang, "explain_same_file"))
    try:
        loaded = load_instance(instance)
        raw = read_json(instance)
        loaded_roster = load_roster(roster) if roster is not None else None
    except InputError as error:
        fail_input(error, lang)
    explainer = Explainer(loaded, time_limit=time_limit, workers=workers)
    if loaded_roster is not None:
        if loaded_roster.instance_sha256 and loaded_roster.instance_sha256 != sha256_of(instance):
            click.echo(f"{text(lang, 'warning')}: roster {roster} was made for another instance file", err=True)
        try:
            before = measure(loaded, loaded_roster.assignments)
        except RuntimeError as error:
            click.echo(text(lang, "explain_roster_breaks", message=error), err=True)
            sys.exit(EXIT_FAILED)
        before.infeasible = loaded_roster.status == "infeasible"
    else:
        before = verify(instance_json(loaded), baseline_seconds(explainer, time_limit), workers)
    explanation = explainer.explain(before)
    explained = explanation.to_json()
    explained["seconds"] = round(time.monotonic() - started, 2)
    if as_json:
        click.echo(json.dumps({"instance": str(instance), **explained}, indent=2, ensure_ascii=False))
    else:
        for line in explanation_lines(explained, lang):
            click.echo(line)
        click.echo(text(lang, "explain_seconds", seconds=explained["seconds"]))
    if apply_index is None or output is None:
        return
    if apply_index > len(explanation.fixes):
        click.echo(text(lang, "explain_no_such_fix", index=apply_index, count=len(explanation.fixes)), err=True)
        sys.exit(EXIT_FAILED)
    fix = explanation.fixes[apply_index - 1]
    changed = fix.apply(raw)
    try:
        parse_instance(changed, str(output))  # never write an instance we would reject
    except InputError as error:
        fail_input(error, lang)
    write_atomic(output, json.dumps(changed, indent=1, ensure_ascii=False) + "\n")
    click.echo(text(lang, "explain_applied", index=apply_index, what=describe_fix(fix.to_json(), lang),
                    path=str(output)), err=as_json)
