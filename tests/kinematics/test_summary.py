import math

import pytest

from vbt.kinematics.summary import summarize_set
from vbt.types import RepMetrics, RepStatus


def rep(index: int, mean: float, peak: float, status: RepStatus = RepStatus.OK) -> RepMetrics:
    nan = math.nan
    return RepMetrics(index, 0, 1, status, mean, mean, peak, 0.3, 0.5, 1, 1, 0, nan, nan, nan, nan)


def test_velocity_loss_from_the_best_and_from_the_first_rep():
    reps = [
        rep(1, 0.80, 1.2),
        rep(2, 0.90, 1.3),
        rep(3, 0.85, 1.25),
        rep(4, 0.70, 1.04),
        rep(5, 0.3, 0.5, RepStatus.FAILED),
    ]
    s = summarize_set(reps)
    assert s.rep_count == 4 and s.failed_rep_count == 1 and s.best_rep_index == 2
    assert s.velocity_loss_pct == pytest.approx(100 * 0.2 / 0.9)
    assert s.velocity_loss_from_first_pct == pytest.approx(12.5)
    assert s.peak_velocity_loss_pct == pytest.approx(20.0)
    assert s.average_mean_velocity_m_s == pytest.approx(0.8125)


def test_a_set_of_failed_reps_has_no_velocities():
    s = summarize_set([rep(1, 0.2, 0.4, RepStatus.FAILED)])
    assert s.rep_count == 0 and s.failed_rep_count == 1 and s.best_rep_index is None
    assert math.isnan(s.best_mean_velocity_m_s) and math.isnan(s.velocity_loss_pct)


def test_a_single_rep_loses_nothing():
    s = summarize_set([rep(1, 0.5, 0.9)])
    assert s.velocity_loss_pct == 0 and s.velocity_loss_from_first_pct == 0
