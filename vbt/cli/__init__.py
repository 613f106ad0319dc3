"""The ``vbt`` command line, one module per command (``vbt analyze``: :mod:`vbt.cli.analyze`, ...) and the
options they share (:mod:`vbt.cli.options`)."""

from vbt.cli.command import build_parser, main, run

__all__ = ["build_parser", "main", "run"]
