"""Load-velocity profiles: known lines, hand-computed fits, and every kind of bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from tests.progression.helpers import rep
from vbt.errors import InputError, NotEnoughDataError
from vbt.progression.profile import (
    FitMethod,
    OutsideProfileError,
    ProfilePoint,
    ProfileShapeError,
    VelocityKind,
    best_rep_velocity,
    fit_profile,
    velocity_kind_for,
)
from vbt.progression.units import LoadUnit
from vbt.types import Lift, RepStatus


def line_points(loads: list[float], *, v0: float = 1.5, slope: float = -0.01) -> list[ProfilePoint]:
    return [ProfilePoint(load, v0 + slope * load) for load in loads]


def test_an_exact_line_is_recovered_exactly() -> None:
    profile = fit_profile(line_points([40, 60, 80, 100]), lift=Lift.SQUAT)
    assert profile.slope_m_s_per_unit == pytest.approx(-0.01)
    assert profile.intercept_m_s == pytest.approx(1.5)
    assert profile.r_squared == pytest.approx(1.0)
    assert profile.residual_se_m_s == pytest.approx(0.0, abs=1e-9)
    assert (profile.n_sets, profile.n_loads) == (4, 4)
    assert profile.load_range == (40.0, 100.0)
    assert profile.velocity_range_m_s == pytest.approx((0.5, 1.1))
    assert profile.load_at(0.75) == pytest.approx(75.0)
    assert profile.velocity_kind is VelocityKind.MEAN


def test_a_three_set_fit_matches_the_hand_computation() -> None:
    # mean load 40, Sxx 800, Sxy -6 -> slope -0.0075, intercept 1.1333; residuals +1/60, -2/60, +1/60.
    points = [ProfilePoint(20, 1.0), ProfilePoint(40, 0.8), ProfilePoint(60, 0.7)]
    profile = fit_profile(points, lift=Lift.SQUAT)
    assert profile.slope_m_s_per_unit == pytest.approx(-0.0075)
    assert profile.intercept_m_s == pytest.approx(1.0 + 0.0075 * 20 - 1 / 60)
    assert profile.residual_se_m_s == pytest.approx(math.sqrt(6 / 3600))
    reference = stats.linregress([20, 40, 60], [1.0, 0.8, 0.7])
    assert profile.r_squared == pytest.approx(reference.rvalue**2)
    assert (profile.mean_load, profile.sxx) == (40.0, 800.0)


def test_the_prediction_interval_is_the_inverse_prediction_formula() -> None:
    rng = np.random.default_rng(3)
    loads = np.array([40.0, 50, 60, 70, 80, 90])
    velocities = 1.4 - 0.009 * loads + rng.normal(0, 0.02, loads.size)
    profile = fit_profile(
        [ProfilePoint(x, v) for x, v in zip(loads, velocities, strict=True)], lift=Lift.SQUAT
    )
    low, high = profile.load_interval(0.6)
    fit = stats.linregress(loads, velocities)
    s = math.sqrt(np.sum((velocities - (fit.intercept + fit.slope * loads)) ** 2) / 4)
    load = (0.6 - fit.intercept) / fit.slope
    se = (
        s
        / abs(fit.slope)
        * math.sqrt(1 + 1 / 6 + (load - loads.mean()) ** 2 / np.sum((loads - loads.mean()) ** 2))
    )
    t = stats.t.ppf(0.975, 4)
    assert (low, high) == pytest.approx((load - t * se, load + t * se))


def test_the_two_point_method_uses_the_extreme_loads_and_has_no_error_estimate() -> None:
    points = [ProfilePoint(30, 1.2), ProfilePoint(30, 1.0), ProfilePoint(60, 0.95), ProfilePoint(90, 0.5)]
    profile = fit_profile(points, lift=Lift.BENCH, method=FitMethod.TWO_POINT)
    assert profile.slope_m_s_per_unit == pytest.approx(-0.01)  # (0.5 - 1.1) / 60
    assert profile.intercept_m_s == pytest.approx(1.4)
    assert math.isnan(profile.r_squared)
    assert not profile.has_error_estimate
    assert all(math.isnan(x) for x in profile.load_interval(0.7))
    two = fit_profile(
        [ProfilePoint(30, 1.1), ProfilePoint(90, 0.5)], lift=Lift.BENCH, method=FitMethod.TWO_POINT
    )
    assert two.load_at(0.8) == pytest.approx(60.0)


@pytest.mark.parametrize(
    ("points", "words"),
    [
        ([], "needs at least 3 sets"),
        ([ProfilePoint(60, 0.8), ProfilePoint(80, 0.6)], "there are 2 usable sets"),
        ([ProfilePoint(60, 0.8), ProfilePoint(60, 0.7), ProfilePoint(60, 0.75)], "at 1 load"),
        (
            [ProfilePoint(60, 0.8), ProfilePoint(80, math.nan), ProfilePoint(100, 0.5)],
            "1 more without a measured successful rep",
        ),
    ],
)
def test_too_few_sets_say_what_to_record(points: list[ProfilePoint], words: str) -> None:
    with pytest.raises(NotEnoughDataError, match=words) as info:
        fit_profile(points, lift=Lift.SQUAT)
    assert "record sets at a light and a heavy load" in str(info.value)


def test_a_rising_profile_is_refused() -> None:
    with pytest.raises(ProfileShapeError, match="rises with load"):
        fit_profile(line_points([40, 60, 80], slope=0.002), lift=Lift.SQUAT)


def test_a_flat_profile_is_refused() -> None:
    points = [ProfilePoint(40, 0.80), ProfilePoint(60, 0.79), ProfilePoint(80, 0.785)]
    with pytest.raises(ProfileShapeError, match="is flat with load"):
        fit_profile(points, lift=Lift.SQUAT)


def test_mixed_units_are_refused() -> None:
    points = [ProfilePoint(60, 0.8), ProfilePoint(180, 0.6, unit=LoadUnit.LB), ProfilePoint(100, 0.5)]
    with pytest.raises(InputError, match="mix load units"):
        fit_profile(points, lift=Lift.SQUAT)


def test_non_positive_loads_are_refused() -> None:
    with pytest.raises(InputError, match="loads must be positive"):
        fit_profile([ProfilePoint(0, 1.0), *line_points([60, 80])], lift=Lift.SQUAT)


def test_a_velocity_outside_the_recorded_range_is_not_extrapolated() -> None:
    profile = fit_profile(line_points([40, 60, 80, 100]), lift=Lift.SQUAT)
    with pytest.raises(
        OutsideProfileError, match=r"0\.30 m/s is outside .*\(0\.50-1\.10 m/s over 40-100 kg\)"
    ):
        profile.load_at(0.30)
    with pytest.raises(OutsideProfileError):
        profile.load_at(1.2)
    assert profile.load_at(1.12, margin_m_s=0.05) == pytest.approx(38.0)


def test_the_olympic_lifts_use_peak_velocity() -> None:
    assert velocity_kind_for(Lift.POWER_CLEAN) is VelocityKind.PEAK
    assert velocity_kind_for(Lift.DEADLIFT) is VelocityKind.MEAN
    assert (
        fit_profile(line_points([30, 40, 50], v0=2.5), lift=Lift.POWER_CLEAN).velocity_kind
        is VelocityKind.PEAK
    )


def test_the_best_rep_of_a_set_is_its_fastest_successful_rep() -> None:
    reps = [
        rep(0, mean_m_s=0.70, peak_m_s=1.3),
        rep(1, mean_m_s=0.74, peak_m_s=1.2),
        rep(2, mean_m_s=0.90, peak_m_s=1.9, status=RepStatus.FAILED),
    ]
    assert best_rep_velocity(reps, VelocityKind.MEAN) == 0.74
    assert best_rep_velocity(reps, VelocityKind.PEAK) == 1.3
    assert math.isnan(best_rep_velocity([rep(0)], VelocityKind.MEAN))
