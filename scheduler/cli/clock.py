"""When the running command started: its time limit counts from there, the CLI's imports included."""

import time

_IMPORT_STARTED = time.monotonic()
_import_seconds = 0.0
_commands = 0
started = _IMPORT_STARTED


def imported() -> None:
    """Mark the end of the CLI's imports (called once, at the end of ``scheduler.cli.main``)."""
    global _import_seconds
    _import_seconds = time.monotonic() - _IMPORT_STARTED


def begin() -> None:
    """Mark a command's start: the first command of a process also counts the imports before it;
    a later one (tests run many in one process) starts now."""
    global started, _commands
    started = time.monotonic() - (_import_seconds if _commands == 0 else 0.0)
    _commands += 1
