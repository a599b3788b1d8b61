"""What the Curtois–Qu scripts share: finding and reading the benchmark's files, and the ``--setting`` option.

``column_generation.py`` and ``runs.py`` take instances as ``InstanceN`` (from
the shared benchmark folder) or as file paths; they, and ``curtois.py``, take
``--setting NAME=VALUE`` (as ``schedule solve --setting``) to measure a tuned
search value beside the tuned one.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

from scheduler.search.settings import SearchSettings, settings_with
from scheduler.sources.curtois import CurtoisData, CurtoisFormatError, curtois_violations, parse_curtois

ROOT = Path(__file__).resolve().parents[1]
BENCHMARK = ROOT.parent / "shared" / "benchmarks" / "curtois"


def instance_path(name: str) -> Path:
    """A file path as given; a bare name such as ``Instance8`` from the shared benchmark folder."""
    path = Path(name)
    if path.suffix or len(path.parts) > 1:
        return path
    return BENCHMARK / f"{name}.txt"


def read_instances(names: list[str]) -> list[tuple[str, CurtoisData]] | None:
    """Every named file read and parsed, as (its stem, its data); None after naming on stderr the first
    that is missing or malformed (nothing is solved then)."""
    loaded = []
    for name in names:
        path = instance_path(name)
        try:
            loaded.append((path.stem, parse_curtois(path.read_text(encoding="ascii"))))
        except (OSError, UnicodeDecodeError, CurtoisFormatError) as error:
            print(f"{path}: {error}", file=sys.stderr)
            return None
    return loaded


def add_setting_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE",
                        help="a search setting other than its tuned value (as schedule solve --setting); repeatable")


def add_instances_and_setting(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("instances", nargs="+", help="InstanceN (from the shared benchmark folder) or a file path")
    add_setting_option(parser)


def parsed(
    parser: argparse.ArgumentParser,
) -> tuple[argparse.Namespace, SearchSettings, list[tuple[str, CurtoisData]]] | None:
    """The arguments, the settings given and the instances read (see :func:`add_instances_and_setting`);
    None if an instance file could not be read. The first line of the output names the settings given."""
    arguments = parser.parse_args()
    settings = settings_given(parser, arguments)
    loaded = read_instances(arguments.instances)
    if loaded is None:
        return None
    print(f"# {platform.machine()}, Python {platform.python_version()}" + "".join(f", {s}" for s in arguments.setting))
    return arguments, settings, loaded


def settings_given(parser: argparse.ArgumentParser, arguments: argparse.Namespace) -> SearchSettings:
    """The tuned settings with the ``--setting`` values given; a wrong one ends the script (exit 2)."""
    try:
        return settings_with(arguments.setting)
    except ValueError as error:
        parser.error(f"--setting: {error}")


def rules_kept(data: CurtoisData, roster: dict[tuple[str, int], str]) -> str:
    """A table cell: whether ``roster`` keeps every rule of the benchmark (its own rules, not the model's)."""
    broken = curtois_violations(data, roster)
    return "yes" if not broken else f"no ({len(broken)} broken)"
