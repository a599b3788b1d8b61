"""The command-line interface: the thin click commands (``main``), exports and scenarios."""

from scheduler.cli.main import main

__all__ = ["main"]
