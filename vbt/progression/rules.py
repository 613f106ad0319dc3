"""Autoregulation: the next set's load, loadable plates, when to stop a set, and today's readiness.

Velocity-loss thresholds by goal follow the velocity-loss training studies: about 10 % keeps every
rep fast (power), 20 % gives most of the strength gain at a fraction of the fatigue, 30-40 % adds
volume for hypertrophy and local endurance (Pareja-Blanco et al. 2017, Scand J Med Sci Sports
27:724-735; Weakley et al. 2021, Strength Cond J 43(2):31-49).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import numpy as np

from vbt.errors import InputError, NotEnoughDataError
from vbt.progression.profile import LoadVelocityProfile, VelocityKind
from vbt.progression.units import DEFAULT_PLATES, DEFAULT_SMALLEST_PLATE, EMPTY_BAR, LoadUnit, from_kg, to_kg
from vbt.types import RepMetrics, RepStatus

Rounding = Literal["down", "nearest", "up"]


class Goal(StrEnum):
    POWER = "power"
    STRENGTH = "strength"
    HYPERTROPHY = "hypertrophy"
    ENDURANCE = "endurance"


#: Velocity loss (%, best rep to the current rep) at which a set stops, by goal (see the module doc).
VELOCITY_LOSS_THRESHOLD_PCT: dict[Goal, float] = {
    Goal.POWER: 10.0,
    Goal.STRENGTH: 20.0,
    Goal.HYPERTROPHY: 30.0,
    Goal.ENDURANCE: 40.0,
}


def _positive(name: str, value: float) -> float:
    if not (math.isfinite(value) and value > 0):
        raise InputError(f"{name} must be a positive number, got {value!r}")
    return value


def round_to_plates(
    load: float,
    *,
    unit: LoadUnit = LoadUnit.KG,
    bar: float | None = None,
    smallest_plate: float | None = None,
    mode: Rounding = "down",
) -> float:
    """``load`` (in ``unit``) rounded to what the bar and pairs of plates can make.

    Loadable loads are ``bar + k * 2 * smallest_plate``; below the bar the answer is the bar.
    ``mode="down"`` (default) never exceeds the load asked for.

    Raises:
        InputError: a non-finite load or a non-positive bar or plate.
    """
    if not math.isfinite(load):
        raise InputError(f"cannot round a load of {load!r} {unit.value} to plates")
    bar_load = _positive("the bar", EMPTY_BAR[unit] if bar is None else bar)
    plate = _positive(
        "the smallest plate", DEFAULT_SMALLEST_PLATE[unit] if smallest_plate is None else smallest_plate
    )
    steps = (load - bar_load) / (2.0 * plate)
    steps = round(steps, 9)  # 57.5 kg asked for is 57.5 kg, not one float ulp below it
    if mode == "down":
        count = math.floor(steps)
    elif mode == "up":
        count = math.ceil(steps)
    else:
        count = round(steps)
    return bar_load + max(0, count) * 2.0 * plate


def plates_per_side(
    load: float,
    *,
    unit: LoadUnit = LoadUnit.KG,
    bar: float | None = None,
    smallest_plate: float | None = None,
) -> tuple[float, ...]:
    """The fewest plates per side (heaviest first) that make ``load`` with the gym's plate set.

    The plate set is :data:`DEFAULT_PLATES` down to ``smallest_plate`` (added when it is not a
    standard plate), each available in as many pairs as needed.

    Raises:
        InputError: the load is below the bar or cannot be made from the plates.
    """
    bar_load = EMPTY_BAR[unit] if bar is None else bar
    smallest = DEFAULT_SMALLEST_PLATE[unit] if smallest_plate is None else smallest_plate
    plates = sorted({p for p in DEFAULT_PLATES[unit] if p >= smallest} | {smallest}, reverse=True)
    grain = 0.05  # every plate is a multiple of 50 g (or 0.05 lb)
    side = round((load - bar_load) / 2.0 / grain)
    if side < 0 or not math.isclose(side * grain * 2.0 + bar_load, load, abs_tol=1e-6):
        raise InputError(f"{load:g} {unit.value} cannot be loaded on a {bar_load:g} {unit.value} bar")
    coins = [round(p / grain) for p in plates]
    best = np.full(side + 1, np.iinfo(np.int64).max // 2, dtype=np.int64)
    choice = np.full(side + 1, -1, dtype=np.int64)
    best[0] = 0
    for amount in range(1, side + 1):
        for i, coin in enumerate(coins):
            if coin <= amount and best[amount - coin] + 1 < best[amount]:
                best[amount], choice[amount] = best[amount - coin] + 1, i
    if side > 0 and choice[side] < 0:
        raise InputError(f"{load:g} {unit.value} cannot be made from plates of {plates} {unit.value}")
    used: list[float] = []
    amount = side
    while amount > 0:
        used.append(plates[int(choice[amount])])
        amount -= coins[int(choice[amount])]
    return tuple(sorted(used, reverse=True))


@dataclass(frozen=True)
class LoadRecommendation:
    """The next set's load and the numbers behind it.

    Attributes:
        load: loadable load in ``unit``; load_kg: the same in kilograms.
        raw_load: the profile's load for the target velocity, before rounding (in ``unit``).
        target_velocity_m_s: what the set should move at; predicted_velocity_m_s: the profile's
            velocity at the rounded load.
        plates: plates per side, heaviest first.
        reason: one sentence for a person.
    """

    load: float
    load_kg: float
    unit: LoadUnit
    raw_load: float
    target_velocity_m_s: float
    predicted_velocity_m_s: float
    plates: tuple[float, ...]
    reason: str


def next_set_load(
    profile: LoadVelocityProfile,
    target_velocity_m_s: float,
    *,
    unit: LoadUnit = LoadUnit.KG,
    bar: float | None = None,
    smallest_plate: float | None = None,
    mode: Rounding = "down",
    margin_m_s: float = 0.0,
) -> LoadRecommendation:
    """The load predicted to move at ``target_velocity_m_s``, rounded to loadable plates in ``unit``.

    Raises:
        OutsideProfileError: the target is outside the profile's recorded velocities (± margin).
    """
    raw_profile_unit = profile.load_at(target_velocity_m_s, margin_m_s=margin_m_s)
    raw = from_kg(to_kg(raw_profile_unit, profile.unit), unit)
    load = round_to_plates(raw, unit=unit, bar=bar, smallest_plate=smallest_plate, mode=mode)
    load_in_profile_unit = from_kg(to_kg(load, unit), profile.unit)
    predicted = profile.velocity_at(load_in_profile_unit)
    reason = (
        f"{load:g} {unit.value}: the {profile.velocity_kind.value}-velocity profile "
        f"({profile.n_sets} sets) predicts {target_velocity_m_s:.2f} m/s at {raw:.1f} {unit.value}, "
        f"rounded {mode} to loadable plates ({predicted:.2f} m/s predicted)"
    )
    return LoadRecommendation(
        load,
        to_kg(load, unit),
        unit,
        raw,
        target_velocity_m_s,
        predicted,
        plates_per_side(load, unit=unit, bar=bar, smallest_plate=smallest_plate),
        reason,
    )


@dataclass(frozen=True)
class StopSetCue:
    """Whether to stop the set now.

    Attributes:
        stop: True once the velocity loss reaches the threshold or a rep failed.
        velocity_loss_pct: from the best successful rep so far to the latest (NaN before any).
        rep_count: successful reps so far.
        reason: one sentence for the lifter or coach.
    """

    stop: bool
    velocity_loss_pct: float
    threshold_pct: float
    best_velocity_m_s: float
    last_velocity_m_s: float
    rep_count: int
    reason: str


def stop_set_cue(
    reps: Sequence[RepMetrics], threshold_pct: float, *, kind: VelocityKind = VelocityKind.MEAN
) -> StopSetCue:
    """The stop-set cue after the reps so far (in order), as the live stream needs it.

    Velocity loss is the one :func:`vbt.kinematics.summary.summarize_set` reports: best rep to the
    latest successful rep, on mean velocity (use ``kind=PEAK`` for the Olympic lifts).

    Raises:
        InputError: the threshold is not within 0-100 %.
    """
    so_far = SetSoFar(kind)
    for order, rep in enumerate(reps):
        so_far.put(
            order, rep.status, rep.mean_velocity_m_s if kind is VelocityKind.MEAN else rep.peak_velocity_m_s
        )
    return so_far.cue(threshold_pct)


class SetSoFar:
    """A set's reps so far as the stop-set cue sees them, kept up to date one rep at a time, so that
    a stream of ``n`` reps costs ``O(n)`` cues rather than ``O(n²)``.

    Each rep has an ``order`` (its index in the set): the latest rep is the one with the largest.
    ``put`` of a new rep costs ``O(1)``; replacing or removing a rep costs one pass over the set.
    """

    def __init__(self, kind: VelocityKind) -> None:
        self.kind = kind
        self._reps: dict[int, tuple[RepStatus, float]] = {}
        self._ok_count = 0
        self._best_m_s = math.nan
        self._last_ok: tuple[int, float] | None = None  # (order, velocity)
        self._last: tuple[int, RepStatus] | None = None  # (order, status)

    def _count(self, order: int, status: RepStatus, velocity_m_s: float) -> None:
        if self._last is None or order > self._last[0]:
            self._last = (order, status)
        if status is RepStatus.OK and math.isfinite(velocity_m_s):
            self._ok_count += 1
            self._best_m_s = velocity_m_s if not self._best_m_s >= velocity_m_s else self._best_m_s
            if self._last_ok is None or order > self._last_ok[0]:
                self._last_ok = (order, velocity_m_s)

    def _recount(self) -> None:
        self._ok_count, self._best_m_s, self._last_ok, self._last = 0, math.nan, None, None
        for order, (status, velocity_m_s) in self._reps.items():
            self._count(order, status, velocity_m_s)

    def put(self, order: int, status: RepStatus, velocity_m_s: float) -> None:
        """Add the rep at ``order`` (velocity of this set's kind, NaN when unmeasured), or replace it."""
        replaced = order in self._reps
        self._reps[order] = (status, velocity_m_s)
        if replaced:
            self._recount()
        else:
            self._count(order, status, velocity_m_s)

    def remove(self, order: int) -> None:
        """Forget the rep at ``order`` (nothing happens when there is none)."""
        if self._reps.pop(order, None) is not None:
            self._recount()

    def cue(self, threshold_pct: float) -> StopSetCue:
        """The stop-set cue now.

        Raises:
            InputError: the threshold is not within 0-100 %.
        """
        if not (math.isfinite(threshold_pct) and 0 < threshold_pct < 100):
            raise InputError(f"a velocity-loss threshold must be between 0 and 100 %, got {threshold_pct!r}")
        nan, best, count = math.nan, self._best_m_s, self._ok_count
        if self._last is not None and self._last[1] is RepStatus.FAILED:
            return StopSetCue(True, nan, threshold_pct, best, nan, count, "stop: the last rep failed")
        if self._last_ok is None:
            return StopSetCue(False, nan, threshold_pct, nan, nan, 0, "no measured rep yet")
        last = self._last_ok[1]
        loss = (best - last) / best * 100.0
        stop = loss >= threshold_pct
        verb = "stop" if stop else "continue"
        reason = (
            f"{verb}: {self.kind.value} velocity {last:.2f} m/s is {loss:.0f} % below the best rep "
            f"({best:.2f} m/s); the threshold is {threshold_pct:g} %"
        )
        return StopSetCue(stop, loss, threshold_pct, best, last, count, reason)


@dataclass(frozen=True)
class Readiness:
    """Today's working-load adjustment from a warm-up at a familiar load.

    Attributes:
        adjustment_pct: percent change of the working load (0 within normal variation), bounded.
        adjusted_load: working load x (1 + adjustment_pct/100), not rounded to plates.
        velocity_difference_m_s: today's warm-up velocity minus the baseline mean.
        threshold_m_s: the smallest difference acted on.
    """

    adjustment_pct: float
    adjusted_load: float
    velocity_difference_m_s: float
    baseline_m_s: float
    threshold_m_s: float
    reason: str


#: Smallest warm-up velocity change acted on: about the day-to-day variation of mean velocity at a
#: warm-up load (a coefficient of variation of a few per cent of 0.7-1.0 m/s).
SMALLEST_WORTHWHILE_CHANGE_M_S = 0.03


def readiness_adjustment(
    today_velocity_m_s: float,
    baseline_velocities_m_s: Sequence[float],
    *,
    working_load: float,
    slope_m_s_per_unit: float,
    min_baseline: int = 3,
    smallest_change_m_s: float = SMALLEST_WORTHWHILE_CHANGE_M_S,
    max_adjust_pct: float = 10.0,
) -> Readiness:
    """Move today's working load by how much faster or slower the warm-up moved than usual.

    A difference ``dv`` from the baseline (the mean of recent warm-ups at the same load) shifts the
    athlete's profile by ``dv``, i.e. the load at any velocity by ``dv / -slope``. Differences below
    ``max(smallest_change_m_s, baseline SD)`` are noise (no change); the change is capped at
    ``±max_adjust_pct`` of the working load.

    Raises:
        NotEnoughDataError: fewer than ``min_baseline`` baseline warm-ups.
        InputError: a non-finite velocity or a profile slope that is not negative.
    """
    baseline = [v for v in baseline_velocities_m_s if math.isfinite(v)]
    if len(baseline) < min_baseline:
        raise NotEnoughDataError(
            f"readiness needs at least {min_baseline} earlier warm-ups at this load; there are "
            f"{len(baseline)}: record the warm-up velocity at the same load each session"
        )
    if not math.isfinite(today_velocity_m_s):
        raise InputError("today's warm-up has no measured velocity")
    if not (math.isfinite(slope_m_s_per_unit) and slope_m_s_per_unit < 0):
        raise InputError("readiness needs a profile whose velocity falls with load")
    _positive("the working load", working_load)
    mean = float(np.mean(baseline))
    sd = float(np.std(baseline, ddof=1))
    threshold = max(smallest_change_m_s, sd)
    dv = today_velocity_m_s - mean
    if abs(dv) < threshold:
        reason = f"warm-up {dv:+.2f} m/s from the baseline ({mean:.2f} m/s) is within normal variation"
        return Readiness(0.0, working_load, dv, mean, threshold, reason)
    raw_pct = dv / -slope_m_s_per_unit / working_load * 100.0
    pct = max(-max_adjust_pct, min(max_adjust_pct, raw_pct))
    capped = " (capped)" if pct != raw_pct else ""
    reason = (
        f"warm-up {dv:+.2f} m/s from the baseline ({mean:.2f} m/s): working load "
        f"{'up' if pct > 0 else 'down'} {abs(pct):.1f} %{capped}"
    )
    return Readiness(pct, working_load * (1.0 + pct / 100.0), dv, mean, threshold, reason)
