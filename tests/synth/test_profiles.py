import numpy as np
import pytest

from vbt.synth.profiles import (
    G_M_S2,
    VelocityBuilder,
    XPath,
    bounce_on_floor,
    fall_to_floor,
    rest_to_rest,
    shaped_move,
    sticking_concentric,
)


def _motion(builder):
    return builder.build(XPath(x0_m=0.0, toe0_m=0.1))


def test_shaped_move_covers_exactly_the_displacement_asked_for():
    b = VelocityBuilder(y0_m=1.0)
    b.hold(0.5)
    shaped_move(b, -0.55, 1.2, rest_to_rest(peak_frac=0.5, start_alpha=0.0, end_beta=2.0))
    bottom = b.index
    idx = shaped_move(
        b,
        0.55,
        0.9,
        sticking_concentric(
            peak_frac=0.25,
            dip_frac=0.5,
            second_frac=0.7,
            dip_velocity=0.5,
            second_velocity=0.8,
            start_alpha=2.0,
            end_beta=1.0,
        ),
    )
    b.hold(0.5)
    motion = _motion(b)
    t_bottom, t_top = motion.knot_t_s[bottom], motion.knot_t_s[idx[-1]]
    assert motion.y(t_bottom) == pytest.approx(0.45, abs=1e-12)
    assert motion.y(t_top) == pytest.approx(1.0, abs=1e-12)
    assert t_top - t_bottom == pytest.approx(0.9, abs=1e-12)
    # the bottom is a reversal: v = 0 with a > 0 on both sides
    assert motion.knot_v_m_s[bottom] == 0.0
    assert motion.knot_a_left_m_s2[bottom] > 0.0
    assert motion.knot_a_right_m_s2[bottom] > 0.0
    # lockout: v = 0 with a finite deceleration
    assert motion.knot_a_left_m_s2[idx[-1]] < 0.0


def test_position_is_the_integral_of_velocity():
    b = VelocityBuilder(y0_m=0.225)
    shaped_move(b, 0.5, 1.0, rest_to_rest(peak_frac=0.35, start_alpha=2.0, end_beta=1.5))
    b.hold(0.3)
    motion = _motion(b)
    t = np.linspace(0.0, motion.duration_s, 20001)
    integral = 0.225 + np.concatenate(
        [[0.0], np.cumsum((motion.vy(t[1:]) + motion.vy(t[:-1])) / 2 * np.diff(t))]
    )
    assert np.max(np.abs(integral - motion.y(t))) < 1e-8
    # continuity of y at every knot (left limit of one segment = start of the next)
    for i in range(1, motion.knot_t_s.shape[0] - 1):
        h = motion.y.x[i] - motion.y.x[i - 1]
        left = np.polyval(motion.y.c[:, i - 1], h)
        assert left == pytest.approx(motion.y.c[-1, i], abs=1e-13)


def test_builder_refuses_an_overshooting_segment():
    b = VelocityBuilder(y0_m=0.0)
    b.exit_accel(10.0)  # 10 m/s^2 for 1 s to reach only 1 m/s: overshoots
    with pytest.raises(RuntimeError, match="not monotone"):
        b.add(1.0, 1.0, a_left=0.0)


def test_a_dropped_bar_lands_on_the_floor_and_bounces_to_the_asked_heights():
    b = VelocityBuilder(y0_m=1.4)
    b.hold(0.2)
    contact = fall_to_floor(b, 0.225, contact_s=0.03)
    bounces = bounce_on_floor(b, 0.225, contact_s=0.03, bounce_heights_m=(0.06, 0.025))
    b.hold(1.0)
    motion = _motion(b)
    assert motion.knot_v_m_s[contact] == 0.0
    assert motion.y(motion.knot_t_s[contact]) == pytest.approx(0.225, abs=1e-12)
    # free fall at -g until the contact
    t_fall = np.linspace(0.21, motion.knot_t_s[contact] - 0.031, 50)
    assert np.allclose(motion.vy(t_fall, nu=1), -G_M_S2)
    assert len(bounces) == 2
    for (rise, landing), height in zip(bounces, (0.06, 0.025), strict=True):
        t = np.linspace(motion.knot_t_s[rise], motion.knot_t_s[landing], 20001)
        apex = motion.knot_t_s[rise + 2]
        assert motion.y(apex) == pytest.approx(0.225 + height, abs=1e-12)
        assert motion.y(t).max() <= 0.225 + height + 1e-12
        assert motion.y(motion.knot_t_s[landing]) == pytest.approx(0.225, abs=1e-12)
    assert motion.y(motion.knot_t_s[-1]) == pytest.approx(0.225, abs=1e-12)
