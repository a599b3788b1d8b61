"""When the running command started: its time limit counts from there, imports and loading included."""

import time

_PROCESS_STARTED = time.monotonic()
# Importing the CLI takes about a second; a command that begins later than this after the import is
# not the process's own (tests run many commands in one process) and counts from its own start.
_IMPORT_AT_MOST = 10.0
started = _PROCESS_STARTED


def begin() -> None:
    """Mark a command's start: the process's own start when the command follows the import at once
    (the imports before it count against the limit), else the present moment."""
    global started
    now = time.monotonic()
    started = _PROCESS_STARTED if now - _PROCESS_STARTED < _IMPORT_AT_MOST else now
