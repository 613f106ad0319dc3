"""Load-velocity profiles: the straight line through (load, best velocity of the set) points.

Each stored set gives one point: its load and the velocity of its best rep (mean velocity for squat,
bench and deadlift; peak velocity for the Olympic lifts, whose mean velocity includes the catch and
predicts poorly). Two fits:

- ``regression``: ordinary least squares through every set, with r², the residual standard error and
  the prediction interval of a load read off the line;
- ``two_point``: the line through the mean velocity at the lightest and at the heaviest load
  (García-Ramos & Jaric 2018, Strength Cond J 40(2):54-66, "Two-point method"); exact through its
  two points, so it carries no error estimate, and says so.

A profile answers only inside what it has seen: :meth:`LoadVelocityProfile.load_at` refuses a
velocity outside the recorded range instead of extrapolating silently.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from vbt.errors import InputError, NotEnoughDataError
from vbt.lifts import VelocityKind as VelocityKind
from vbt.lifts import velocity_kind
from vbt.progression.units import LoadUnit
from vbt.types import Lift, RepMetrics, RepStatus

#: Fewest sets a regression profile is fitted from (two sets give a line, not a fit).
MIN_REGRESSION_SETS = 3
#: A profile whose line drops less than this over its load range is flat: load cannot be read from it.
MIN_VELOCITY_DROP_M_S = 0.05


class ProfileShapeError(InputError):
    """Velocity does not fall with load (a flat or rising profile): loads cannot be read from it."""


class OutsideProfileError(InputError):
    """A velocity (or load) outside what the profile was fitted on; vbt does not extrapolate."""


class FitMethod(StrEnum):
    REGRESSION = "regression"
    TWO_POINT = "two_point"


def velocity_kind_for(lift: Lift) -> VelocityKind:
    """The velocity a profile of ``lift`` is built on: the lift's one velocity (`vbt.lifts.velocity_kind`)."""
    return velocity_kind(lift)


@dataclass(frozen=True)
class ProfilePoint:
    """One set: its load (in ``unit``) and the velocity of its best rep."""

    load: float
    velocity_m_s: float
    unit: LoadUnit = LoadUnit.KG
    set_id: int | None = None


def best_rep_velocity(reps: Sequence[RepMetrics], kind: VelocityKind) -> float:
    """The fastest successful rep's velocity of ``kind`` (NaN when no successful rep has one)."""
    values = [
        r.mean_velocity_m_s if kind is VelocityKind.MEAN else r.peak_velocity_m_s
        for r in reps
        if r.status is RepStatus.OK
    ]
    finite = [v for v in values if math.isfinite(v)]
    return max(finite) if finite else math.nan


@dataclass(frozen=True)
class LoadVelocityProfile:
    """``velocity = intercept_m_s + slope * load`` for one athlete and exercise.

    Attributes:
        slope_m_s_per_unit: m/s per unit of load (per kg or per lb); negative for a usable profile.
        intercept_m_s: the line's velocity at zero load.
        n_sets: sets (points) behind the fit; n_loads: distinct loads among them.
        r_squared: coefficient of determination (NaN for the two-point method).
        residual_se_m_s: residual standard error, m/s, with n - 2 degrees of freedom (NaN when there
            are none: two points, or the two-point method).
        load_range, velocity_range_m_s: (lowest, highest) seen.
        mean_load, sxx: the loads' mean and sum of squared deviations (for prediction intervals).
    """

    lift: Lift
    velocity_kind: VelocityKind
    method: FitMethod
    unit: LoadUnit
    slope_m_s_per_unit: float
    intercept_m_s: float
    n_sets: int
    n_loads: int
    r_squared: float
    residual_se_m_s: float
    load_range: tuple[float, float]
    velocity_range_m_s: tuple[float, float]
    mean_load: float
    sxx: float
    points: tuple[ProfilePoint, ...]

    @property
    def has_error_estimate(self) -> bool:
        return math.isfinite(self.residual_se_m_s)

    def velocity_at(self, load: float) -> float:
        """The line's velocity at ``load`` (no range check: use for display inside the range)."""
        return self.intercept_m_s + self.slope_m_s_per_unit * load

    def load_at(self, velocity_m_s: float, *, margin_m_s: float = 0.0) -> float:
        """The load the line predicts for ``velocity_m_s``.

        Raises:
            OutsideProfileError: the velocity lies outside the recorded velocities (widened by
                ``margin_m_s`` on each side).
        """
        low, high = self.velocity_range_m_s
        if not (math.isfinite(velocity_m_s) and low - margin_m_s <= velocity_m_s <= high + margin_m_s):
            raise OutsideProfileError(
                f"{velocity_m_s:.2f} m/s is outside this {self.lift.value} profile's recorded "
                f"{self.velocity_kind.value} velocities ({low:.2f}-{high:.2f} m/s over "
                f"{self.load_range[0]:g}-{self.load_range[1]:g} {self.unit.value}); vbt does not "
                "extrapolate: record a set at a load that moves near that velocity first"
            )
        return (velocity_m_s - self.intercept_m_s) / self.slope_m_s_per_unit

    def load_interval(
        self, velocity_m_s: float, *, velocity_sd_m_s: float = 0.0, level: float = 0.95
    ) -> tuple[float, float]:
        """(low, high) prediction interval of the load at ``velocity_m_s``, no range check.

        Inverse prediction by the delta method: the load's standard error is
        ``sqrt(s² (1 + 1/n + (L - mean)²/Sxx) + velocity_sd²) / |slope|``, with Student's t on n - 2
        degrees of freedom. ``velocity_sd_m_s`` adds uncertainty about the velocity itself (e.g. the
        spread of the minimal velocity threshold between athletes). (NaN, NaN) without an error
        estimate.
        """
        if not self.has_error_estimate:
            return (math.nan, math.nan)
        load = (velocity_m_s - self.intercept_m_s) / self.slope_m_s_per_unit
        s = self.residual_se_m_s
        variance = s * s * (1.0 + 1.0 / self.n_sets + (load - self.mean_load) ** 2 / self.sxx)
        se = math.sqrt(variance + velocity_sd_m_s**2) / abs(self.slope_m_s_per_unit)
        from scipy import stats  # here, not at import: every `vbt` command imports this module

        t = float(stats.t.ppf(0.5 + level / 2.0, self.n_sets - 2))
        return (load - t * se, load + t * se)


def _check_points(points: Sequence[ProfilePoint], lift: Lift) -> tuple[list[ProfilePoint], LoadUnit]:
    units = {p.unit for p in points}
    if len(units) > 1:
        raise InputError(
            f"the {lift.value} sets mix load units ({', '.join(sorted(u.value for u in units))}); "
            "convert every load to one unit (vbt.progression.units.to_kg) before fitting a profile"
        )
    for p in points:
        if not (math.isfinite(p.load) and p.load > 0):
            raise InputError(f"a {lift.value} set has load {p.load!r}; loads must be positive numbers")
    usable = [p for p in points if math.isfinite(p.velocity_m_s) and p.velocity_m_s > 0]
    unit = next(iter(units)) if units else LoadUnit.KG
    return usable, unit


def fit_profile(
    points: Iterable[ProfilePoint],
    *,
    lift: Lift,
    method: FitMethod = FitMethod.REGRESSION,
    velocity_kind: VelocityKind | None = None,
    min_sets: int = MIN_REGRESSION_SETS,
    min_velocity_drop_m_s: float = MIN_VELOCITY_DROP_M_S,
) -> LoadVelocityProfile:
    """Fit a load-velocity profile to one point per set.

    Points without a finite positive velocity (sets without a measured successful rep) are left out.

    Raises:
        InputError: loads in more than one unit, or a non-positive load.
        NotEnoughDataError: fewer than ``min_sets`` usable sets (regression) or fewer than two
            distinct loads; the message says what to record.
        ProfileShapeError: velocity rises with load, or falls by less than ``min_velocity_drop_m_s``
            over the recorded loads (flat).
    """
    given = list(points)
    usable, unit = _check_points(given, lift)
    kind = velocity_kind if velocity_kind is not None else velocity_kind_for(lift)
    loads = np.array([p.load for p in usable], dtype=float)
    velocities = np.array([p.velocity_m_s for p in usable], dtype=float)
    distinct = np.unique(loads)
    needed = 2 if method is FitMethod.TWO_POINT else max(min_sets, 2)
    if len(usable) < needed or distinct.size < 2:
        left_out = len(given) - len(usable)
        note = f" ({left_out} more without a measured successful rep)" if left_out else ""
        raise NotEnoughDataError(
            f"a {lift.value} load-velocity profile ({method.value}) needs at least {needed} sets at 2 or "
            f"more different loads; there are {len(usable)} usable sets{note} at {distinct.size} "
            f"load{'s' if distinct.size != 1 else ''}: record sets at a light and a heavy load"
        )
    if method is FitMethod.TWO_POINT:
        light, heavy = distinct[0], distinct[-1]
        v_light = float(velocities[loads == light].mean())
        v_heavy = float(velocities[loads == heavy].mean())
        slope = (v_heavy - v_light) / float(heavy - light)
        intercept = v_light - slope * float(light)
        r_squared = residual_se = math.nan
    else:
        slope, intercept = (float(c) for c in np.polyfit(loads, velocities, 1))
        fitted = intercept + slope * loads
        ss_res = float(np.sum((velocities - fitted) ** 2))
        ss_tot = float(np.sum((velocities - velocities.mean()) ** 2))
        r_squared = 1.0 - ss_res / ss_tot if ss_tot > 0 else math.nan
        residual_se = math.sqrt(ss_res / (loads.size - 2)) if loads.size > 2 else math.nan
    low, high = float(distinct[0]), float(distinct[-1])
    drop = -slope * (high - low)
    if slope >= 0 or drop < min_velocity_drop_m_s:
        shape = "rises" if -drop >= min_velocity_drop_m_s else "is flat"
        raise ProfileShapeError(
            f"the {lift.value} {kind.value} velocity {shape} with load ({slope:+.4f} m/s per "
            f"{unit.value}, {-drop:+.3f} m/s from {low:g} to {high:g} {unit.value}); a profile needs "
            f"velocity to fall by at least {min_velocity_drop_m_s:g} m/s: check each set's load, lift "
            "every rep with maximal intent, and add a heavier set"
        )
    return LoadVelocityProfile(
        lift=lift,
        velocity_kind=kind,
        method=method,
        unit=unit,
        slope_m_s_per_unit=slope,
        intercept_m_s=intercept,
        n_sets=len(usable),
        n_loads=int(distinct.size),
        r_squared=r_squared,
        residual_se_m_s=residual_se,
        load_range=(low, high),
        velocity_range_m_s=(float(velocities.min()), float(velocities.max())),
        mean_load=float(loads.mean()),
        sxx=float(np.sum((loads - loads.mean()) ** 2)),
        points=tuple(usable),
    )
