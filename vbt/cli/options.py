"""What several commands share: argument types that check their value and say what they expect, the
options of the bar, the scale and pose (``vbt analyze`` and ``vbt live``), and a guard that keeps native
log lines off the terminal."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from vbt.capture.dot_colours import DOT_COLOURS
from vbt.errors import InputError
from vbt.types import Lift

Subparsers = Any  # argparse's _SubParsersAction is private; its add_parser is all the commands use
MAX_LOAD_KG = 1000.0


def add_lift_option(parser: argparse.ArgumentParser | argparse._ArgumentGroup, *flags: str) -> None:
    """The lift performed (``--lift`` unless other ``flags`` are given), required: a :class:`Lift`'s key,
    label or alias in any case (``vbt lifts`` lists them)."""
    parser.add_argument(
        *(flags or ("--lift",)),
        required=True,
        type=lift_name,
        metavar="LIFT",
        help="the lift performed: " + ", ".join(lift.value for lift in Lift) + " (any case; aliases such as "
        "back_squat, bench_press, rdl, ohp too: `vbt lifts` lists them)",
    )


def lift_name(text: str) -> Lift:
    """``text`` as the lift it names (any case, or an alias), else an argparse error listing the lifts."""
    from vbt.lifts import parse_lift

    try:
        return parse_lift(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def checked_number(text: str, ok: Callable[[float], bool], *, not_a_number: str, out_of_range: str) -> float:
    """``text`` as a finite number for which ``ok`` holds, else an argparse error: ``not_a_number`` or
    ``out_of_range``, each formatted with ``text``. The one check behind every numeric option."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(not_a_number.format(text=text)) from None
    if not (math.isfinite(value) and ok(value)):
        raise argparse.ArgumentTypeError(out_of_range.format(text=text))
    return value


def load_kg(text: str) -> float:
    return checked_number(
        text,
        lambda kg: 0 < kg < MAX_LOAD_KG,
        not_a_number="{text!r} is not a number of kilograms",
        out_of_range=f"{{text}} kg is not a barbell load (give 0 < kg < {MAX_LOAD_KG:.0f})",
    )


def known_length(text: str) -> tuple[float, float]:
    pixels, sep, metres = text.partition(":")
    try:
        value = (float(pixels), float(metres)) if sep else None
    except ValueError:
        value = None
    if value is None or not all(math.isfinite(v) and v > 0 for v in value):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not PIXELS:METRES (e.g. 190:0.45, a plate's diameter in pixels and in metres)"
        )
    return value


def metres(text: str) -> float:
    return checked_number(
        text,
        lambda m: 0 < m < 10,
        not_a_number="{text!r} is not a length in metres",
        out_of_range="{text} m is not a plausible length (give metres, e.g. 0.05)",
    )


def seconds(text: str) -> float:
    return checked_number(
        text,
        lambda s: s > 0,
        not_a_number="expected seconds, got {text!r}",
        out_of_range="expected a positive number of seconds, got {text!r}",
    )


def percent(text: str) -> float:
    return checked_number(
        text,
        lambda pct: 0 < pct < 100,
        not_a_number="{text!r} is not a percentage",
        out_of_range="{text} is not a percentage between 0 and 100 (e.g. 20)",
    )


def positive_int(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def add_capture_options(video: argparse._ArgumentGroup) -> None:
    """The options of the bar, the scale and pose, shared by ``vbt analyze`` and ``vbt live``."""
    video.add_argument(
        "--bar",
        choices=["plate", "aruco", "color", "edge_on", "wrists"],
        default="plate",
        help="how to find the bar: the plate (markerless, default; a front view found by pose is measured "
        "by the plates seen edge-on), an ArUco marker or a coloured dot on the sleeve end (--dot-colour), "
        "the plates edge-on (filmed from the front or the back), or the wrists (last resort, low accuracy)",
    )
    video.add_argument(
        "--dot-colour",
        choices=list(DOT_COLOURS),
        default="green",
        help="the dot's colour for --bar color (default green); one nothing else in the picture has",
    )
    video.add_argument(
        "--plate", default="bumper", metavar="NAME|METRES", help="plate name or outer diameter (0.45 m)"
    )
    video.add_argument("--marker-m", type=metres, default=None, help="ArUco marker's printed side, metres")
    video.add_argument(
        "--known-length",
        type=known_length,
        default=None,
        metavar="PX:M",
        help="scale from a length in the bar's plane: pixels and metres (overrides the plate or marker)",
    )
    video.add_argument(
        "--camera-profile", type=Path, default=None, metavar="JSON", help="lens profile from vbt calibrate"
    )
    video.add_argument("--model", type=Path, default=None, metavar="PATH", help="pose model bundle (.task)")
    video.add_argument("--model-variant", choices=["lite", "full"], default="lite", help="pose model size")
    video.add_argument("--no-pose", action="store_true", help="skip pose (no joints; clips without a person)")
    video.add_argument(
        "--still-camera",
        action="store_true",
        help="the camera stood still (a tripod): do not measure its motion from the background",
    )


@contextlib.contextmanager
def native_logs_silenced(enabled: bool) -> Iterator[None]:
    """Keep MediaPipe's native log lines (TFLite, glog: written straight to file descriptor 2, no
    setting turns them off) off the terminal, while Python's ``sys.stderr`` (the progress bar, the
    error line) still reaches it: fd 2 points to /dev/null, ``sys.stderr`` to a copy of the real one.
    """
    try:
        real_fd = sys.stderr.fileno() if enabled else -1
    except (AttributeError, OSError, ValueError):  # stderr replaced (tests): nothing to protect
        real_fd = -1
    if real_fd != 2:
        yield
        return
    sys.stderr.flush()
    python_stderr = sys.stderr
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1, encoding=python_stderr.encoding, errors="replace")
    try:
        yield
    finally:
        sys.stderr.close()
        sys.stderr = python_stderr
        os.dup2(saved, 2)
        os.close(saved)
