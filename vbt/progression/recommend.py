"""The next set's load: the plan's for a power clean the athlete has a plan for, else the profile's for a
target velocity or zone, moved by today's warm-up against earlier warm-ups at the same load.

Pure: what is stored comes through an :class:`AthleteRecord` the caller provides (the service reads its
database; tests give lists), and :func:`recommend` decides.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from vbt.errors import InputError
from vbt.progression.profile import ProfilePoint, VelocityKind, fit_profile
from vbt.progression.rules import (
    VELOCITY_LOSS_THRESHOLD_PCT,
    Goal,
    Readiness,
    next_set_load,
    plates_per_side,
    readiness_adjustment,
    round_to_plates,
)
from vbt.progression.units import LoadUnit, to_kg
from vbt.progression.zones import Zone, default_zones
from vbt.types import Lift

#: Readiness compares today's warm-up with at most this many earlier warm-ups at the same load (the
#: most recent): enough for a mean and a spread, recent enough to follow the athlete's form.
READINESS_BASELINE_SETS = 5
#: Two loads this close (kg) are the same warm-up load (a lb load converted to kg and back).
SAME_LOAD_TOLERANCE_KG = 0.01


@dataclass(frozen=True)
class LoadRequest:
    """What the coach asks for.

    Attributes:
        lift: the exercise.
        target_velocity_m_s, zone: the velocity the set should move at, or a zone whose middle it is;
            without either, only a power clean the athlete has a plan for gets a load (the plan's).
        goal: sets the velocity loss at which to stop the set.
        unit, smallest_plate: loads in kg or lb, rounded to what pairs of plates make.
        warmup_load_kg, warmup_velocity_m_s: today's warm-up (both or neither), for readiness.
    """

    lift: Lift
    target_velocity_m_s: float | None = None
    zone: Zone | None = None
    goal: Goal = Goal.STRENGTH
    unit: LoadUnit = LoadUnit.KG
    smallest_plate: float | None = None
    warmup_load_kg: float | None = None
    warmup_velocity_m_s: float | None = None


@dataclass(frozen=True)
class PlanState:
    """Where the athlete's power-clean plan stands.

    Attributes:
        current_load: the load the sessions so far have earned, in ``unit``.
        bar, smallest_plate: the plan's bar and smallest plate (None: the unit's defaults).
        target_peak_velocity_m_s: the peak velocity the plan's sets aim at.
        blocked_by: prerequisites still missing (the plan waits for them).
        last_reason: the last session's decision, None before the first.
    """

    current_load: float
    unit: LoadUnit
    bar: float | None
    smallest_plate: float | None
    target_peak_velocity_m_s: float | None
    blocked_by: tuple[str, ...] = ()
    last_reason: str | None = None


@dataclass(frozen=True)
class StoredSet:
    """A stored set of the lift: its load and its best rep's velocities (NaN when not measured)."""

    load_kg: float
    best_mean_velocity_m_s: float
    best_peak_velocity_m_s: float


class AthleteRecord(Protocol):
    """What :func:`recommend` reads of one athlete; each is asked for only when the answer needs it."""

    def plan(self) -> PlanState | None:
        """The athlete's power-clean plan, None when there is none."""
        ...

    def profile_points(self, lift: Lift) -> Sequence[ProfilePoint]:
        """One point per stored set of ``lift`` (load, best rep's velocity of the lift's kind)."""
        ...

    def sets_before(self, lift: Lift, moment: datetime) -> Sequence[StoredSet]:
        """The stored sets of ``lift`` performed before ``moment``, oldest first."""
        ...


@dataclass(frozen=True)
class Recommendation:
    """The next set's load, why, and the numbers behind it.

    Attributes:
        source: "plan" or "profile".
        load, unit, load_kg: the load to put on the bar, and the same in kilograms.
        plates_per_side: heaviest first.
        reason: one sentence for a person.
        target_velocity_m_s, zone: what the set should move at (the plan's target peak velocity).
        predicted_velocity_m_s: the profile's velocity at the load (None for the plan).
        goal, stop_at_velocity_loss_pct: when to end the set.
        readiness: today's warm-up against the baseline, when one was given.
        profile_sets: the sets behind the profile (None for the plan).
    """

    source: Literal["profile", "plan"]
    load: float
    unit: LoadUnit
    load_kg: float
    plates_per_side: tuple[float, ...]
    reason: str
    target_velocity_m_s: float | None
    zone: Zone | None
    predicted_velocity_m_s: float | None
    goal: Goal
    stop_at_velocity_loss_pct: float
    readiness: Readiness | None
    profile_sets: int | None


def recommend(request: LoadRequest, record: AthleteRecord, *, today_start: datetime) -> Recommendation:
    """The next set's load for ``request``.

    A power clean without a target velocity or zone follows the athlete's plan when there is one.
    Otherwise the profile gives the load for the target velocity (or the zone's middle), rounded down to
    loadable plates; a warm-up given moves it by readiness against the last
    :data:`READINESS_BASELINE_SETS` warm-ups at that load before ``today_start``.

    Raises:
        InputError: the plan waits for prerequisites; no target nor zone; a warm-up half given.
        NotEnoughDataError, ProfileShapeError, OutsideProfileError: the profile cannot give the load.
    """
    if (request.warmup_load_kg is None) != (request.warmup_velocity_m_s is None):
        raise InputError("readiness needs both warmup_load_kg and warmup_velocity_m_s")
    asks_velocity = request.target_velocity_m_s is not None or request.zone is not None
    if request.lift is Lift.POWER_CLEAN and not asks_velocity and (plan := record.plan()) is not None:
        return _from_plan(plan)
    if not asks_velocity:
        raise InputError("give target_velocity_m_s or zone (e.g. zone=strength_speed) for the next load")
    return _from_profile(request, record, today_start=today_start)


def _from_plan(plan: PlanState) -> Recommendation:
    if plan.blocked_by:
        raise InputError(f"the power-clean plan waits for: {', '.join(plan.blocked_by)}; record them first")
    why = plan.last_reason or "the plan starts with the empty bar"
    load = plan.current_load
    return Recommendation(
        source="plan",
        load=load,
        unit=plan.unit,
        load_kg=to_kg(load, plan.unit),
        plates_per_side=plates_per_side(
            load, unit=plan.unit, bar=plan.bar, smallest_plate=plan.smallest_plate
        ),
        reason=f"{load:g} {plan.unit.value}: {why}",
        target_velocity_m_s=plan.target_peak_velocity_m_s,
        zone=None,
        predicted_velocity_m_s=None,
        goal=Goal.POWER,
        stop_at_velocity_loss_pct=VELOCITY_LOSS_THRESHOLD_PCT[Goal.POWER],
        readiness=None,
        profile_sets=None,
    )


def _from_profile(request: LoadRequest, record: AthleteRecord, *, today_start: datetime) -> Recommendation:
    profile = fit_profile(record.profile_points(request.lift), lift=request.lift)
    if request.target_velocity_m_s is not None:
        target = request.target_velocity_m_s
    else:
        assert request.zone is not None  # recommend() checked
        target = default_zones(request.lift).band(request.zone).target_m_s
    unit = request.unit
    rec = next_set_load(profile, target, unit=unit, smallest_plate=request.smallest_plate)
    load, reason, readiness = rec.load, rec.reason, None
    if request.warmup_load_kg is not None and request.warmup_velocity_m_s is not None:
        baseline = warmup_baseline(
            record.sets_before(request.lift, today_start), request.warmup_load_kg, kind=profile.velocity_kind
        )
        readiness = readiness_adjustment(
            request.warmup_velocity_m_s,
            baseline,
            working_load=rec.load,
            slope_m_s_per_unit=profile.slope_m_s_per_unit * to_kg(1.0, unit),
        )
        load = round_to_plates(readiness.adjusted_load, unit=unit, smallest_plate=request.smallest_plate)
        reason = f"{reason}; readiness: {readiness.reason} -> {load:g} {unit.value}"
    return Recommendation(
        source="profile",
        load=load,
        unit=unit,
        load_kg=to_kg(load, unit),
        plates_per_side=plates_per_side(load, unit=unit, smallest_plate=request.smallest_plate),
        reason=reason,
        target_velocity_m_s=target,
        zone=request.zone,
        predicted_velocity_m_s=rec.predicted_velocity_m_s,
        goal=request.goal,
        stop_at_velocity_loss_pct=VELOCITY_LOSS_THRESHOLD_PCT[request.goal],
        readiness=readiness,
        profile_sets=profile.n_sets,
    )


def warmup_baseline(sets: Sequence[StoredSet], warmup_load_kg: float, *, kind: VelocityKind) -> list[float]:
    """The best-rep velocities (of ``kind``) of the last :data:`READINESS_BASELINE_SETS` sets at
    ``warmup_load_kg`` (within :data:`SAME_LOAD_TOLERANCE_KG`), oldest first; NaN where unmeasured."""
    same_load = [s for s in sets if math.isclose(s.load_kg, warmup_load_kg, abs_tol=SAME_LOAD_TOLERANCE_KG)]
    velocities = [
        s.best_mean_velocity_m_s if kind is VelocityKind.MEAN else s.best_peak_velocity_m_s for s in same_load
    ]
    return velocities[-READINESS_BASELINE_SETS:]
