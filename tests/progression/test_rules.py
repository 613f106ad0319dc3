"""Autoregulation rules: plates, next-set load, stop-set cue and readiness, with known answers."""

from __future__ import annotations

import math

import pytest

from tests.progression.helpers import rep
from vbt.errors import InputError, NotEnoughDataError
from vbt.kinematics.summary import summarize_set
from vbt.progression.profile import OutsideProfileError, ProfilePoint, VelocityKind, fit_profile
from vbt.progression.rules import (
    VELOCITY_LOSS_THRESHOLD_PCT,
    Goal,
    next_set_load,
    plates_per_side,
    readiness_adjustment,
    round_to_plates,
    stop_set_cue,
)
from vbt.progression.units import KG_PER_LB, LoadUnit
from vbt.types import Lift, RepStatus


@pytest.mark.parametrize(
    ("load", "kwargs", "expected"),
    [
        (57.4, {}, 55.0),
        (57.4, {"mode": "nearest"}, 57.5),
        (55.1, {"mode": "up"}, 57.5),
        (57.5, {}, 57.5),
        (12.0, {}, 20.0),
        (57.4, {"smallest_plate": 0.5}, 57.0),
        (137.0, {"unit": LoadUnit.LB}, 135.0),
        (137.0, {"unit": LoadUnit.LB, "smallest_plate": 1.25, "mode": "nearest"}, 137.5),
        (49.0, {"bar": 15.0}, 47.5),
    ],
)
def test_loads_round_to_what_the_plates_can_make(load: float, kwargs: dict, expected: float) -> None:
    assert round_to_plates(load, **kwargs) == pytest.approx(expected)


def test_plates_per_side_uses_the_fewest_plates() -> None:
    assert plates_per_side(100.0) == (25.0, 15.0)
    assert plates_per_side(57.5) == (15.0, 2.5, 1.25)
    assert plates_per_side(20.0) == ()
    assert plates_per_side(225.0, unit=LoadUnit.LB) == (45.0, 45.0)
    assert plates_per_side(23.0, smallest_plate=0.5) == (0.5, 0.5, 0.5)  # greedy 1.25 would not finish
    with pytest.raises(InputError, match="cannot be made from plates"):
        plates_per_side(21.0)
    with pytest.raises(InputError, match="cannot round"):
        round_to_plates(math.nan)


def profile():
    return fit_profile([ProfilePoint(x, 1.5 - 0.01 * x) for x in (40, 60, 80, 100)], lift=Lift.SQUAT)


def test_the_next_load_hits_the_target_velocity_on_loadable_plates() -> None:
    exact = next_set_load(profile(), 0.75)
    assert (exact.load, exact.raw_load, exact.predicted_velocity_m_s) == pytest.approx((75.0, 75.0, 0.75))
    assert exact.plates == (25.0, 2.5)
    below = next_set_load(profile(), 0.76)  # 74 kg -> 72.5 kg, predicted 0.775 m/s (never slower)
    assert (below.load, below.predicted_velocity_m_s) == pytest.approx((72.5, 0.775))
    assert "rounded down" in below.reason


def test_the_next_load_in_pounds() -> None:
    result = next_set_load(profile(), 0.75, unit=LoadUnit.LB)
    assert result.raw_load == pytest.approx(75.0 / KG_PER_LB)  # 165.3 lb
    assert result.load == 165.0
    assert result.load_kg == pytest.approx(165.0 * KG_PER_LB)
    assert result.plates == (35.0, 25.0)  # 60 lb a side


def test_a_target_outside_the_profile_is_refused() -> None:
    with pytest.raises(OutsideProfileError, match="does not extrapolate"):
        next_set_load(profile(), 0.30)


def test_thresholds_by_goal() -> None:
    assert [VELOCITY_LOSS_THRESHOLD_PCT[g] for g in Goal] == [10.0, 20.0, 30.0, 40.0]


def test_the_stop_set_cue_follows_velocity_loss_from_the_best_rep() -> None:
    velocities = [0.80, 0.82, 0.75, 0.70]
    reps = [rep(i, mean_m_s=v) for i, v in enumerate(velocities)]
    cue = stop_set_cue(reps, 20.0)
    assert not cue.stop
    assert cue.velocity_loss_pct == pytest.approx((0.82 - 0.70) / 0.82 * 100)
    assert cue.velocity_loss_pct == pytest.approx(summarize_set(reps).velocity_loss_pct)
    reps.append(rep(4, mean_m_s=0.65))
    cue = stop_set_cue(reps, 20.0)
    assert cue.stop
    assert (cue.best_velocity_m_s, cue.last_velocity_m_s, cue.rep_count) == (0.82, 0.65, 5)
    assert cue.reason.startswith("stop: mean velocity 0.65 m/s is 21 % below")


def test_the_stop_set_cue_on_peak_velocity_and_failed_reps() -> None:
    reps = [rep(0, peak_m_s=1.8), rep(1, peak_m_s=1.7)]
    assert stop_set_cue(reps, 5.0, kind=VelocityKind.PEAK).stop
    assert not stop_set_cue(reps, 10.0, kind=VelocityKind.PEAK).stop
    failed = [*reps, rep(2, status=RepStatus.FAILED)]
    cue = stop_set_cue(failed, 40.0, kind=VelocityKind.PEAK)
    assert cue.stop and "failed" in cue.reason
    empty = stop_set_cue([], 20.0)
    assert not empty.stop and math.isnan(empty.velocity_loss_pct)
    with pytest.raises(InputError, match="between 0 and 100"):
        stop_set_cue(reps, 0.0)


def test_readiness_moves_the_load_by_the_profile_within_bounds() -> None:
    baseline = [0.80, 0.82, 0.78]  # mean 0.80, SD 0.02 -> acted on from 0.03 m/s
    kwargs = {"working_load": 100.0, "slope_m_s_per_unit": -0.01}
    same = readiness_adjustment(0.81, baseline, **kwargs)
    assert same.adjustment_pct == 0.0 and same.adjusted_load == 100.0
    assert "within normal variation" in same.reason
    up = readiness_adjustment(0.86, baseline, **kwargs)  # +0.06 m/s = +6 kg on the profile
    assert up.adjustment_pct == pytest.approx(6.0)
    assert up.adjusted_load == pytest.approx(106.0)
    down = readiness_adjustment(0.72, baseline, **kwargs)
    assert down.adjustment_pct == pytest.approx(-8.0)
    capped = readiness_adjustment(1.0, baseline, **kwargs)
    assert capped.adjustment_pct == 10.0 and "capped" in capped.reason
    with pytest.raises(NotEnoughDataError, match="at least 3 earlier warm-ups"):
        readiness_adjustment(0.8, [0.8, 0.8], **kwargs)
    with pytest.raises(InputError, match="falls with load"):
        readiness_adjustment(0.8, baseline, working_load=100.0, slope_m_s_per_unit=0.01)
