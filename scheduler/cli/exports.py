"""``schedule export`` and ``schedule report``: click commands registered on the main group with
``main.add_command(export)`` and ``main.add_command(report)``.

Bad input prints every problem with its JSON path and exits with code 2, without a traceback and
without writing anything. Every output file is written atomically.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from models.loading import InputError, load_instance, load_roster
from scheduler.cli.failing import fail_input, fail_message
from scheduler.exports.i18n import label
from scheduler.exports.tables import ExportData
from scheduler.files import sha256_of, write_atomic
from scheduler.i18n import default_language, text

logger = logging.getLogger(__name__)

DEFAULT_OUTPUT = {"xlsx": Path("roster.xlsx"), "csv": Path("roster.csv"), "ics": Path("calendars")}


def load_export_data(instance: Path, roster: Path, lang: str) -> ExportData:
    """Read both files and index them; exits with code 2 on bad input."""
    try:
        loaded_instance = load_instance(instance)
        loaded_roster = load_roster(roster)
        data = ExportData(loaded_instance, loaded_roster, lang, source=str(roster))
    except InputError as error:
        fail_input(error, lang)
    if loaded_roster.instance_sha256 and loaded_roster.instance_sha256 != sha256_of(instance):
        click.echo(f"{text(lang, 'warning')}: {label(lang, 'sha_mismatch', roster=roster, instance=instance)}",
                   err=True)
    return data


lang_option = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=None,
    help="Language of headers and labels (default from the locale); ids stay as they are.",
)


@click.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.argument("roster", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "ics"]), default="xlsx", show_default=True,
              help="xlsx: one workbook of every view; csv: one table; ics: one calendar file per cadre.")
@click.option("--by", "view", type=click.Choice(["long", "checkpoint", "cadre", "unit", "day"]), default="long",
              show_default=True, help="csv only: long (one row per duty or standby) or a wide view.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Output file (a directory for ics). Default: roster.xlsx, roster.csv or calendars/.")
@click.option("--since", type=click.Path(path_type=Path), default=None,
              help="The roster this one repairs: write only notices of what changed into the directory -o.")
@lang_option
def export(instance: Path, roster: Path, fmt: str, view: str, output: Path | None, since: Path | None,
           lang: str | None) -> None:
    """Export a roster for HR and home units: Excel workbook, CSV or calendar files."""
    lang = lang or default_language()
    if since is not None:
        _export_notices(instance, roster, since, fmt, output or Path("notices"), lang)
        return
    if view != "long" and fmt != "csv":
        raise click.UsageError("--by applies to --format csv only (the workbook holds every view)")
    output = output or DEFAULT_OUTPUT[fmt]
    data = load_export_data(instance, roster, lang)
    if fmt == "csv":
        from scheduler.exports.csv_export import export_csv

        write_atomic(output, export_csv(data, view))
    elif fmt == "xlsx":
        from scheduler.exports.xlsx import export_xlsx

        write_atomic(output, export_xlsx(data))
    else:
        from scheduler.exports.ics import export_ics

        if output.exists() and not output.is_dir():
            fail_message(output, label(lang, "not_a_directory"), lang)
        files = export_ics(data)
        output.mkdir(parents=True, exist_ok=True)
        for name, payload in files.items():
            write_atomic(output / name, payload)
    click.echo(text(lang, "wrote", path=str(output)))


def _export_notices(instance: Path, roster: Path, since: Path, fmt: str, output: Path, lang: str) -> None:
    """Notices of a repaired roster: calendar updates and change lists, into the directory ``output``."""
    from scheduler.exports.notices import export_notices

    data = load_export_data(instance, roster, lang)
    try:
        old = load_roster(since)
    except InputError as error:
        fail_input(error, lang)
    if output.exists() and not output.is_dir():
        fail_message(output, label(lang, "not_a_directory"), lang)
    files = export_notices(data, old, fmt)
    output.mkdir(parents=True, exist_ok=True)
    for name, payload in files.items():
        write_atomic(output / name, payload)
    click.echo(text(lang, "wrote", path=str(output)))


@click.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.argument("roster", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("report.html"), show_default=True)
@click.option("--explain", "explain_path", type=click.Path(path_type=Path), default=None,
              help="JSON of schedule explain --json: its verified fixes in the \"why not covered\" section "
              "(default: the capacity bound's estimate).")
@lang_option
def report(instance: Path, roster: Path, output: Path, explain_path: Path | None, lang: str | None) -> None:
    """Write the command-centre report: one self-contained HTML file, readable offline."""
    from models.loading import read_json
    from scheduler.exports.report import render_report

    lang = lang or default_language()
    data = load_export_data(instance, roster, lang)
    explained = None
    if explain_path is not None:
        try:
            explained = read_json(explain_path)
        except InputError as error:
            fail_input(error, lang)
        expected = {"before", "capacity", "binding", "fixes", "notes"}
        if not isinstance(explained, dict) or not expected <= explained.keys():
            fail_message(explain_path, "not the output of schedule explain --json", lang)
    write_atomic(output, render_report(data, explained))
    click.echo(text(lang, "wrote", path=str(output)))
