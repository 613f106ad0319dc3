"""The power-clean plan for runners: prerequisites, the empty bar, velocity-driven weekly progression.

High-load, low-volume strength and power training improves running economy (e.g. Støren et al.
2008, Med Sci Sports Exerc 40(6):1087-1092). The plan:

- records prerequisites before the bar is loaded (deadlift and front-squat competence, shoulder
  mobility); without them it plans nothing and says what is missing;
- starts with the empty bar (20 kg / 45 lb) and progresses towards 70-80 % of the 1RM (the ceiling
  is 80 %: never planned above), one or two sessions a week;
- keeps volume low: 3-5 sets of 2-3 reps, fewer reps as the load rises; cleans first in a full-body
  strength day, each set paired with box jumps (a plyometric superset);
- keeps at least 24 h between a clean session and the next key run (:mod:`vbt.progression.schedule`);
- lets velocity and technique drive the load: up when peak velocity holds at or above target and the
  triple extension stays complete, held or lowered when velocity drops or the extension breaks down;
  the load goes up at most once a week, after a week whose every session earned it
  (:func:`weekly_progression`); holds and decreases apply from the next session.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from vbt.errors import InputError
from vbt.progression.rules import round_to_plates
from vbt.progression.schedule import KeyRun, Slot, key_run_times, schedule_week
from vbt.progression.units import EMPTY_BAR, LoadUnit, from_kg
from vbt.types import RepMetrics, RepStatus

#: Working peak-velocity target of the runner's cleans (configurable; see DEFAULT_MVT's note on
#: how widely power-clean peak velocities vary between lifters).
DEFAULT_TARGET_PEAK_VELOCITY_M_S = 1.55


@dataclass(frozen=True)
class Prerequisites:
    """What a coach confirms before the bar is loaded."""

    deadlift_competent: bool = False
    front_squat_competent: bool = False
    shoulder_mobility: bool = False

    def missing(self) -> tuple[str, ...]:
        names = {
            "deadlift_competent": "deadlift competence",
            "front_squat_competent": "front squat competence",
            "shoulder_mobility": "shoulder mobility for the front rack",
        }
        return tuple(text for key, text in names.items() if not getattr(self, key))


@dataclass(frozen=True)
class PlanSettings:
    """A runner's plan.

    Attributes:
        start_date: the first day of week 1 (weeks are the 7 days from it).
        weeks: length of the plan (1-52).
        weekdays: clean days, 0 = Monday; one or two of them (1-2 sessions a week).
        session_time: when sessions start (naive local time, as are key runs).
        key_runs: weekly key runs; key_run_dates: one-off key runs (races).
        unit, bar, smallest_plate: the gym's loading (defaults: the unit's empty bar and plate).
        one_rm: the power-clean 1RM in ``unit`` (None: unknown; the ceiling cannot be enforced).
        one_rm_tested: True for a tested 1RM (preferred), False for an estimate.
        ceiling_pct: the highest load planned, % of 1RM; the plan aims for 70 % and up.
        target_peak_velocity_m_s: peak velocity a set must hold for the load to go up.
        min_complete_fraction: share of reps with a complete triple extension needed to go up.
    """

    start_date: date
    prerequisites: Prerequisites = field(default_factory=Prerequisites)
    weeks: int = 12
    weekdays: tuple[int, ...] = (0, 3)
    session_time: time = time(18, 0)
    key_runs: tuple[KeyRun, ...] = ()
    key_run_dates: tuple[datetime, ...] = ()
    unit: LoadUnit = LoadUnit.KG
    bar: float | None = None
    smallest_plate: float | None = None
    one_rm: float | None = None
    one_rm_tested: bool = False
    ceiling_pct: float = 80.0
    target_peak_velocity_m_s: float = DEFAULT_TARGET_PEAK_VELOCITY_M_S
    min_complete_fraction: float = 0.8
    min_rest_before_key_run_h: float = 24.0

    def __post_init__(self) -> None:
        if not 1 <= self.weeks <= 52:
            raise InputError(f"a plan lasts 1 to 52 weeks, not {self.weeks}")
        if not 1 <= len(self.weekdays) <= 2 or len(set(self.weekdays)) != len(self.weekdays):
            raise InputError(
                f"a runner cleans on one or two different days a week, not {list(self.weekdays)}"
            )
        if any(not 0 <= d <= 6 for d in self.weekdays):
            raise InputError(f"weekdays are 0 (Monday) to 6 (Sunday), got {list(self.weekdays)}")
        if self.one_rm is not None and not (math.isfinite(self.one_rm) and self.one_rm > self.bar_load):
            raise InputError(
                f"a power-clean 1RM of {self.one_rm!r} {self.unit.value} is not above the empty bar"
            )
        if not 70.0 <= self.ceiling_pct <= 80.0:
            raise InputError(f"the plan's ceiling is 70-80 % of the 1RM, not {self.ceiling_pct:g} %")

    @property
    def bar_load(self) -> float:
        return EMPTY_BAR[self.unit] if self.bar is None else self.bar

    def rounded(self, load: float) -> float:
        return round_to_plates(load, unit=self.unit, bar=self.bar, smallest_plate=self.smallest_plate)

    @property
    def ceiling(self) -> float | None:
        """The heaviest load the plan ever sets (rounded down to plates), None without a 1RM."""
        if self.one_rm is None:
            return None
        return self.rounded(self.one_rm * self.ceiling_pct / 100.0)

    def steps(self, load: float) -> float:
        """The load increment: 5 kg (10 lb) below 60 % of the 1RM (or without one), else 2.5 kg (5 lb)."""
        big, small = (5.0, 2.5) if self.unit is LoadUnit.KG else (10.0, 5.0)
        return big if self.one_rm is None or load < 0.6 * self.one_rm else small


@dataclass(frozen=True)
class SessionResult:
    """What a clean session measured: its load (in the plan's unit) and its working reps."""

    when: datetime
    load: float
    peak_velocities_m_s: tuple[float, ...]
    extension_complete: tuple[bool | None, ...]
    failed_reps: int = 0


def session_result(when: datetime, load: float, reps: Sequence[RepMetrics]) -> SessionResult:
    """A :class:`SessionResult` from the core's rep metrics (failed reps counted, not measured)."""
    ok = [r for r in reps if r.status is RepStatus.OK]
    return SessionResult(
        when=when,
        load=load,
        peak_velocities_m_s=tuple(r.peak_velocity_m_s for r in ok),
        extension_complete=tuple(
            None if r.triple_extension is None else r.triple_extension.complete for r in ok
        ),
        failed_reps=sum(1 for r in reps if r.status is RepStatus.FAILED),
    )


class Decision(StrEnum):
    INCREASE = "increase"
    HOLD = "hold"
    DECREASE = "decrease"


@dataclass(frozen=True)
class ProgressionStep:
    """The load after one session, and why."""

    decision: Decision
    load: float
    next_load: float
    median_peak_velocity_m_s: float
    complete_fraction: float
    reason: str


def progress(result: SessionResult, settings: PlanSettings) -> ProgressionStep:
    """The next session's load from this one's peak velocity and triple extension.

    - up one step (capped at the ceiling) when the median peak velocity is at or above target and at
      least ``min_complete_fraction`` of the reps had a complete triple extension;
    - down one step (never below the bar) after a failed rep, a median velocity more than 5 % under
      target, or fewer than half the reps complete;
    - held otherwise, including when there is no velocity or no joint data to judge by.
    """
    velocities = [v for v in result.peak_velocities_m_s if math.isfinite(v)]
    known = [c for c in result.extension_complete if c is not None]
    median = statistics.median(velocities) if velocities else math.nan
    fraction = sum(known) / len(known) if known else math.nan
    target = settings.target_peak_velocity_m_s
    load = result.load
    step = settings.steps(load)
    down = max(settings.bar_load, settings.rounded(load - step))
    numbers = f"median peak velocity {median:.2f} m/s (target {target:.2f}), triple extension complete in "
    numbers += f"{fraction * 100:.0f} % of reps" if known else "no rep with joint data"
    if result.failed_reps:
        return ProgressionStep(Decision.DECREASE, load, down, median, fraction, f"a rep failed; {numbers}")
    if not velocities:
        return ProgressionStep(Decision.HOLD, load, load, median, fraction, "no measured peak velocity: hold")
    if median < target * 0.95 or (known and fraction < 0.5):
        why = "velocity dropped" if median < target * 0.95 else "the triple extension broke down"
        return ProgressionStep(Decision.DECREASE, load, down, median, fraction, f"{why}: {numbers}")
    if median < target or not known or fraction < settings.min_complete_fraction:
        why = (
            "velocity below target"
            if median < target
            else "no joint data to confirm the triple extension"
            if not known
            else "the triple extension is not yet consistent"
        )
        return ProgressionStep(Decision.HOLD, load, load, median, fraction, f"{why}: {numbers}")
    ceiling = settings.ceiling
    up = settings.rounded(load + step)
    if ceiling is not None and up > ceiling:
        if load >= ceiling:
            return ProgressionStep(
                Decision.HOLD,
                load,
                load,
                median,
                fraction,
                f"at the ceiling ({settings.ceiling_pct:g} % of the 1RM, {ceiling:g} {settings.unit.value}): {numbers}",
            )
        up = ceiling
    return ProgressionStep(
        Decision.INCREASE, load, up, median, fraction, f"velocity and extension held: {numbers}"
    )


@dataclass(frozen=True)
class PlannedExercise:
    name: str
    sets: int
    reps: int
    load: float | None
    superset_with: str | None = None
    note: str = ""


@dataclass(frozen=True)
class PlannedSession:
    """One clean day. ``load_status``: "next" (decided by the last session), "projected" (assuming
    every session before it goes up), "past" (history has the real numbers), or "none" (refused)."""

    week: int
    slot: Slot
    exercises: tuple[PlannedExercise, ...]
    load_status: str


@dataclass(frozen=True)
class Plan:
    settings: PlanSettings
    sessions: tuple[PlannedSession, ...]
    blocked_by: tuple[str, ...]
    current_load: float
    steps: tuple[ProgressionStep, ...]
    notes: tuple[str, ...]


def volume(load: float, one_rm: float | None) -> tuple[int, int]:
    """(sets, reps) of the cleans: 3 x 3 below 60 % of the 1RM (or without one), 4 x 3 to 70 %,
    5 x 2 from 70 %."""
    if one_rm is None or load < 0.6 * one_rm:
        return (3, 3)
    return (4, 3) if load < 0.7 * one_rm else (5, 2)


def session_exercises(load: float, settings: PlanSettings) -> tuple[PlannedExercise, ...]:
    """A full-body strength day with the cleans first, each clean set paired with box jumps."""
    sets, reps = volume(load, settings.one_rm)
    return (
        PlannedExercise("power_clean", sets, reps, load, "box_jump", "first, fresh; full triple extension"),
        PlannedExercise("box_jump", sets, 3, None, "power_clean", "after each clean set; step down"),
        PlannedExercise("front_squat", 3, 5, None, None, "strength"),
        PlannedExercise("romanian_deadlift", 3, 6, None, None, "strength"),
        PlannedExercise("single_leg_calf_raise", 3, 10, None, None, "strength"),
    )


def _schedule(settings: PlanSettings) -> list[tuple[int, Slot]]:
    last_day = settings.start_date + timedelta(days=7 * settings.weeks - 1)
    runs = key_run_times(
        settings.key_runs, settings.key_run_dates, first_day=settings.start_date, last_day=last_day
    )
    slots: list[tuple[int, Slot]] = []
    for week in range(1, settings.weeks + 1):
        start = settings.start_date + timedelta(days=7 * (week - 1))
        week_slots = schedule_week(
            start,
            settings.weekdays,
            at=settings.session_time,
            key_runs=runs,
            min_rest_h=settings.min_rest_before_key_run_h,
        )
        slots.extend((week, slot) for slot in week_slots)
    return slots


def week_of(when: datetime, settings: PlanSettings) -> int:
    """The plan week (1, 2, ...) of a moment; 0 before the plan starts."""
    days = (when.date() - settings.start_date).days
    return days // 7 + 1 if days >= 0 else 0


def weekly_progression(
    history: Sequence[SessionResult], settings: PlanSettings, *, session_times: Sequence[datetime] = ()
) -> list[ProgressionStep]:
    """:func:`progress` over ``history`` with the load going up at most once a week.

    An increase waits for the week's last session (the next session of the same week repeats the
    load) and needs every session of the week to have earned it; holds and decreases apply at once.
    ``session_times``: the plan's coming sessions, to know whether the last result ends its week.
    """
    steps: list[ProgressionStep] = []
    earned_this_week = True
    for i, result in enumerate(history):
        week = week_of(result.when, settings)
        if i == 0 or week_of(history[i - 1].when, settings) != week:
            earned_this_week = True
        step = progress(result, settings)
        earned_this_week = earned_this_week and step.decision is Decision.INCREASE
        following = [h.when for h in history[i + 1 :]] + [t for t in session_times if t > result.when]
        more_this_week = any(week_of(t, settings) == week for t in following)
        if step.decision is Decision.INCREASE and (more_this_week or not earned_this_week):
            why = (
                "the load goes up once a week: the week's next session repeats it"
                if more_this_week
                else "not every session this week held velocity and extension"
            )
            step = replace(step, decision=Decision.HOLD, next_load=step.load, reason=f"{why}; {step.reason}")
        steps.append(step)
    return steps


def build_plan(
    settings: PlanSettings, *, history: Sequence[SessionResult] = (), now: datetime | None = None
) -> Plan:
    """The plan's sessions, week by week, with the next load decided by the sessions done so far.

    ``history``: clean sessions done on this plan, oldest first. ``now`` (default: the last history
    entry, else before the plan's start) separates past slots from coming ones: the first coming
    session gets the load the sessions so far earned; later weeks are projected as if every week
    went up once (up to the ceiling).
    """
    missing = settings.prerequisites.missing()
    notes: list[str] = []
    if settings.one_rm is None:
        notes.append(
            "no power-clean 1RM: the 70-80 % ceiling cannot be enforced, so the load follows velocity "
            "and technique only; record a tested 1RM"
        )
    elif not settings.one_rm_tested:
        notes.append("the 1RM is an estimate; a tested 1RM is preferred for the power clean")
    if missing:
        blocked = "before the bar is loaded, record: " + ", ".join(missing)
        return Plan(settings, (), missing, settings.bar_load, (), (blocked, *notes))
    schedule = _schedule(settings)
    cutoff = now if now is not None else (history[-1].when if history else None)
    coming = [s.when for _, s in schedule if s.status != "refused" and (cutoff is None or s.when > cutoff)]
    steps = weekly_progression(history, settings, session_times=coming)
    load = steps[-1].next_load if steps else settings.bar_load
    done = {h.when.date(): h.load for h in history}
    sessions: list[PlannedSession] = []
    projected, projected_week = load, 0
    for week, slot in schedule:
        if slot.status == "refused":
            sessions.append(PlannedSession(week, slot, (), "none"))
        elif (cutoff is not None and slot.when <= cutoff) or slot.when.date() in done:
            past = done.get(slot.when.date())
            exercises = session_exercises(past, settings) if past is not None else ()
            sessions.append(PlannedSession(week, slot, exercises, "past"))
        elif projected_week == 0:
            projected_week = week
            sessions.append(PlannedSession(week, slot, session_exercises(projected, settings), "next"))
        else:
            if week != projected_week:
                up = settings.rounded(projected + settings.steps(projected))
                ceiling = settings.ceiling
                projected, projected_week = (min(up, ceiling) if ceiling is not None else up), week
            sessions.append(PlannedSession(week, slot, session_exercises(projected, settings), "projected"))
    return Plan(settings, tuple(sessions), (), load, tuple(steps), tuple(notes))


def load_in_unit(load_kg: float, settings: PlanSettings) -> float:
    """A stored load (kg) in the plan's unit, on the plan's plates (nearest)."""
    return round_to_plates(
        from_kg(load_kg, settings.unit),
        unit=settings.unit,
        bar=settings.bar,
        smallest_plate=settings.smallest_plate,
        mode="nearest",
    )
