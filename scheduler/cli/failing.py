"""What every command does with bad input (exit code 2, each problem named, nothing written), and the
``--lang`` option they share."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from models.loading import InputError
from scheduler.i18n import text

EXIT_BAD_INPUT = 2

lang_option = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=None,
    help="Language of what people read (default from the locale).",
)


def fail_input(error: InputError, lang: str) -> NoReturn:
    """Name every problem of a bad input file, with its JSON path, and exit 2."""
    click.echo(text(lang, "invalid_input", source=error.source, count=len(error.issues)), err=True)
    for issue in error.issues:
        click.echo(f"  {issue}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def fail_message(source: Path, message: str, lang: str) -> NoReturn:
    """One problem of ``source`` in words, and exit 2."""
    click.echo(text(lang, "invalid_input", source=str(source), count=1), err=True)
    click.echo(f"  {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)
