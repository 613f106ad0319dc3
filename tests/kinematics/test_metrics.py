"""A bar moving as y = c + A cos(ωt): every concentric phase has answers worked out by hand.

From the bottom (t = 0 of the phase) to the top (t = π/ω) the bar rises 2A in π/ω seconds: mean velocity
2Aω/π, peak velocity Aω at the middle of the phase, acceleration Aω² cos(ωt), below -g once
cos(ωt) < -g/(Aω²).
"""

import math

import numpy as np
import pytest

from vbt.analysis import analyze_trajectory
from vbt.kinematics.metrics import G_M_S2
from vbt.types import Lift, RepStatus, Trajectory


def cosine_squat(amplitude_m: float, frequency_hz: float, *, cycles: int, fps: float = 60.0) -> Trajectory:
    t = np.arange(0, (cycles + 0.25) / frequency_hz, 1 / fps)
    y = 1.2 + amplitude_m * np.cos(2 * np.pi * frequency_hz * t)
    return Trajectory(t_s=t, bar_xy_m=np.c_[0.02 * np.sin(2 * np.pi * frequency_hz * t), y])


def test_slow_squat_mean_peak_and_power_match_the_hand_calculation():
    a, f = 0.25, 0.5
    w = 2 * np.pi * f
    result = analyze_trajectory(cosine_squat(a, f, cycles=3), lift=Lift.SQUAT, load_kg=100.0)
    assert [r.status for r in result.reps] == [RepStatus.OK] * 3
    for k, rep in enumerate(result.reps):
        assert rep.start_s == pytest.approx((2 * k + 1) / (2 * f), abs=2e-3)
        assert rep.duration_s == pytest.approx(1 / (2 * f), abs=2e-3)
        assert rep.mean_velocity_m_s == pytest.approx(2 * a * w / np.pi, abs=2e-3)
        assert rep.peak_velocity_m_s == pytest.approx(a * w, abs=5e-3)
        assert rep.time_to_peak_velocity_s == pytest.approx(1 / (4 * f), abs=5e-3)
        assert rep.range_of_motion_m == pytest.approx(2 * a, abs=1e-3)
        # a never drops below -g: the whole phase is propulsive
        assert rep.mean_propulsive_velocity_m_s == pytest.approx(rep.mean_velocity_m_s, abs=1e-9)
        # with v = 0 at both ends, mean power = m g mean velocity
        assert rep.mean_power_w == pytest.approx(100 * G_M_S2 * 2 * a * w / np.pi, rel=0.01)
        # x = 0.02 sin(ωt) over half a cycle (π..2π) goes 0 -> -0.02 -> 0
        assert rep.horizontal_excursion_m == pytest.approx(0.02, abs=1e-3)


def test_fast_rep_propulsive_phase_ends_where_acceleration_passes_minus_g():
    a, f = 0.2, 1.5
    w = 2 * np.pi * f
    t_p = math.acos(-G_M_S2 / (a * w**2)) / w
    expected_mpv = a * (1 + G_M_S2 / (a * w**2)) / t_p
    result = analyze_trajectory(cosine_squat(a, f, cycles=2, fps=120.0), lift=Lift.SQUAT)
    rep = result.reps[0]
    assert rep.propulsive_duration_s == pytest.approx(t_p, abs=0.01)
    assert rep.mean_propulsive_velocity_m_s == pytest.approx(expected_mpv, rel=0.02)
    assert rep.mean_propulsive_velocity_m_s > rep.mean_velocity_m_s
