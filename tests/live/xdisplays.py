"""X display numbers no server holds, for the tests that start a virtual display or need one that
does not answer."""

from __future__ import annotations

from pathlib import Path


def unused_display_number(first: int, last: int) -> int | None:
    """The lowest display number in ``first..last`` with neither a server socket nor a lock file, or
    None when every one is taken."""
    for number in range(first, last + 1):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    return None
