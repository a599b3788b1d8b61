"""The command-line interface: the thin click commands (``main``), exports and scenarios."""

from scheduler.cli import clock  # first: a command's time limit counts from the process's start
from scheduler.cli.main import main

__all__ = ["clock", "main"]
