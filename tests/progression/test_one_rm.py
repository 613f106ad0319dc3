"""1RM: tested beats estimated; estimates carry their interval and never overstate confidence."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from vbt.errors import InputError
from vbt.progression.one_rm import (
    DEFAULT_MVT,
    default_mvt,
    estimate_one_rm,
    mvt_from_tested_one_rm,
    mvt_override,
)
from vbt.progression.profile import FitMethod, ProfilePoint, VelocityKind, fit_profile
from vbt.types import Lift


def squat_profile(loads: tuple[float, ...] = (40, 60, 80, 100), *, method: FitMethod = FitMethod.REGRESSION):
    return fit_profile([ProfilePoint(x, 1.5 - 0.01 * x) for x in loads], lift=Lift.SQUAT, method=method)


def test_the_literature_defaults() -> None:
    assert DEFAULT_MVT[Lift.SQUAT].velocity_m_s == 0.30
    assert DEFAULT_MVT[Lift.BENCH].velocity_m_s == 0.17
    assert DEFAULT_MVT[Lift.POWER_CLEAN].kind is VelocityKind.PEAK
    with pytest.raises(InputError, match="no literature minimal velocity threshold for the snatch"):
        default_mvt(Lift.SNATCH)


def test_the_estimate_is_the_load_at_the_threshold_with_the_threshold_spread_in_its_interval() -> None:
    # v = 1.5 - 0.01 L reaches 0.30 m/s at 120 kg; a perfect fit leaves only the MVT's SD (0.03 m/s
    # = 3 kg), times Student's t on 2 degrees of freedom.
    estimate = estimate_one_rm(squat_profile())
    assert estimate.value == pytest.approx(120.0)
    half = stats.t.ppf(0.975, 2) * 3.0
    assert (estimate.low, estimate.high) == pytest.approx((120 - half, 120 + half))
    assert estimate.source == "profile"
    assert estimate.confidence == "low"  # ±10.8 %
    assert estimate.reach_pct == pytest.approx(100 / 120 * 100)
    assert estimate.display == "≈ 120 kg (105-135)"


def test_an_athlete_override_and_a_learned_threshold() -> None:
    profile = squat_profile()
    assert estimate_one_rm(profile, mvt=mvt_override(Lift.SQUAT, 0.25)).value == pytest.approx(125.0)
    learned = mvt_from_tested_one_rm(profile, 115.0)
    assert learned.velocity_m_s == pytest.approx(0.35)
    assert "tested 1RM of 115 kg" in learned.source
    assert estimate_one_rm(profile, mvt=learned).value == pytest.approx(115.0)
    recorded = mvt_from_tested_one_rm(profile, 115.0, recorded_velocity_m_s=0.27)
    assert recorded.velocity_m_s == 0.27
    with pytest.raises(InputError, match="not a bar velocity"):
        mvt_override(Lift.SQUAT, -0.1)


def test_a_tested_one_rm_is_used_as_it_is() -> None:
    estimate = estimate_one_rm(squat_profile(), tested_one_rm=117.5)
    assert (estimate.value, estimate.low, estimate.high) == (117.5, 117.5, 117.5)
    assert (estimate.source, estimate.confidence) == ("tested", "tested")


def test_the_two_point_estimate_admits_its_precision_is_unknown() -> None:
    estimate = estimate_one_rm(squat_profile((40, 100), method=FitMethod.TWO_POINT))
    assert estimate.value == pytest.approx(120.0)
    assert math.isnan(estimate.low)
    assert estimate.confidence == "unknown"
    assert "uncertainty unknown" in estimate.display


def test_a_tight_profile_near_the_1rm_is_high_confidence_but_a_long_reach_is_not() -> None:
    near = fit_profile(
        [ProfilePoint(x, 1.5 - 0.01 * x) for x in (60, 70, 80, 90, 100, 105, 110)], lift=Lift.SQUAT
    )
    assert estimate_one_rm(near, mvt=mvt_override(Lift.SQUAT, 0.3, sd_m_s=0.005)).confidence == "high"
    far = fit_profile(
        [ProfilePoint(x, 1.5 - 0.01 * x) for x in (20, 30, 40, 50, 60, 70, 80)], lift=Lift.SQUAT
    )
    estimate = estimate_one_rm(far, mvt=mvt_override(Lift.SQUAT, 0.3, sd_m_s=0.005))
    assert estimate.confidence == "moderate"
    assert any("long extrapolation" in n for n in estimate.notes)


def test_the_power_clean_never_claims_more_than_low_confidence() -> None:
    points = [ProfilePoint(x, 2.4 - 0.015 * x) for x in (30, 40, 50, 60, 70)]
    profile = fit_profile(points, lift=Lift.POWER_CLEAN)
    estimate = estimate_one_rm(profile, mvt=mvt_override(Lift.POWER_CLEAN, 1.2, sd_m_s=0.001))
    assert estimate.value == pytest.approx(80.0)
    assert estimate.confidence == "low"
    assert any("Haff" in n for n in estimate.notes)
    default = estimate_one_rm(profile)  # the literature MVT (1.45 ± 0.30 m/s peak)
    assert default.value == pytest.approx((2.4 - 1.45) / 0.015)
    assert default.high - default.low > 60.0  # ±20 kg per 0.3 m/s, times t(3): honest and wide


def test_a_threshold_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(InputError, match="peak velocity but the squat profile uses mean"):
        estimate_one_rm(squat_profile(), mvt=DEFAULT_MVT[Lift.POWER_CLEAN])


def test_a_heaviest_set_slower_than_the_threshold_points_at_the_threshold() -> None:
    profile = fit_profile([ProfilePoint(x, 1.5 - 0.01 * x) for x in (80, 100, 130)], lift=Lift.SQUAT)
    estimate = estimate_one_rm(profile)
    assert estimate.value < 130
    assert estimate.confidence == "low"
    assert any("threshold is probably too high" in n for n in estimate.notes)
