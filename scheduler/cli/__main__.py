"""``python -m scheduler.cli``: the same as the ``schedule`` command."""

from scheduler.cli.main import main

main()
