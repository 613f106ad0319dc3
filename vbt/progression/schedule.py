"""The calendar rule of the runner's plan: a key run needs at least 24 h after a clean session.

Key runs are weekly slots (a weekday and a time: "Tuesday 18:00 intervals") and one-off dates (a
race). A clean session breaks the rule when a key run starts less than ``min_rest_h`` after it; such
a session is moved to another day of the same week (at least ``min_gap_h`` from the week's other
session) or, when no day works, refused, and the reason names the key run and the hours between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from vbt.errors import InputError

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class KeyRun:
    """A weekly key run: ``weekday`` 0 = Monday ... 6 = Sunday, starting at ``at``."""

    weekday: int
    at: time = time(7, 0)

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise InputError(f"a key run's weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")


def key_run_times(
    weekly: Sequence[KeyRun], one_off: Sequence[datetime], *, first_day: date, last_day: date
) -> list[datetime]:
    """Every key run from ``first_day`` to ``last_day + 2 days``, sorted (naive local times)."""
    out = [t for t in one_off if first_day <= t.date() <= last_day + timedelta(days=2)]
    day = first_day
    while day <= last_day + timedelta(days=2):
        out.extend(datetime.combine(day, k.at) for k in weekly if k.weekday == day.weekday())
        day += timedelta(days=1)
    return sorted(out)


def _describe(when: datetime) -> str:
    return f"{DAY_NAMES[when.weekday()]} {when:%Y-%m-%d %H:%M}"


def conflict(session: datetime, key_runs: Sequence[datetime], *, min_rest_h: float = 24.0) -> str | None:
    """Why ``session`` breaks the rest rule (the first key run too soon after it), or None."""
    for run in key_runs:
        gap_h = (run - session).total_seconds() / 3600.0
        if 0 <= gap_h < min_rest_h:
            return (
                f"the key run on {_describe(run)} would start {gap_h:.0f} h after the clean session; "
                f"a key run needs at least {min_rest_h:g} h after cleans"
            )
    return None


@dataclass(frozen=True)
class Slot:
    """A scheduled clean session: where it landed, where it was asked for, and why it moved."""

    when: datetime
    requested: datetime
    status: str  # "planned", "moved" or "refused"
    reason: str


def schedule_week(
    week_start: date,
    weekdays: Sequence[int],
    *,
    at: time,
    key_runs: Sequence[datetime],
    min_rest_h: float = 24.0,
    min_gap_h: float = 48.0,
) -> list[Slot]:
    """Place one week's clean sessions on ``weekdays`` (0 = Monday), moving or refusing any that
    would come less than ``min_rest_h`` before a key run.

    The week is the seven days from ``week_start``. A moved session goes to the nearest free day of
    the week at least ``min_gap_h`` from the week's other sessions.
    """
    days = [week_start + timedelta(days=i) for i in range(7)]
    placed: list[datetime] = []
    slots: list[Slot] = []
    for weekday in weekdays:
        day = next(d for d in days if d.weekday() == weekday)
        requested = datetime.combine(day, at)
        problem = conflict(requested, key_runs, min_rest_h=min_rest_h)
        if problem is None and _spaced(requested, placed, min_gap_h):
            placed.append(requested)
            slots.append(Slot(requested, requested, "planned", "no key run within 24 h after"))
            continue
        why = problem or f"it would come less than {min_gap_h:g} h after the week's other clean session"
        alternatives = sorted(days, key=lambda d: (abs((d - day).days), d))
        for other in alternatives:
            candidate = datetime.combine(other, at)
            if other == day or conflict(candidate, key_runs, min_rest_h=min_rest_h) is not None:
                continue
            if not _spaced(candidate, placed, min_gap_h):
                continue
            placed.append(candidate)
            slots.append(
                Slot(
                    candidate,
                    requested,
                    "moved",
                    f"moved from {_describe(requested)} to {_describe(candidate)}: {why}",
                )
            )
            break
        else:
            slots.append(
                Slot(
                    requested,
                    requested,
                    "refused",
                    f"no clean session on {_describe(requested)}: {why}, "
                    "and no other day this week leaves 24 h before every key run",
                )
            )
    return sorted(slots, key=lambda s: s.when)


def _spaced(candidate: datetime, placed: Sequence[datetime], min_gap_h: float) -> bool:
    return all(abs((candidate - p).total_seconds()) / 3600.0 >= min_gap_h for p in placed)
