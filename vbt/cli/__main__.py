"""``python -m vbt.cli`` runs the command line (as ``vbt`` and ``python -m vbt`` do)."""

from vbt.cli.command import run

run()
