"""Joint angles on figures drawn by hand, and triple-extension timing on angle curves with known peaks."""

import numpy as np
import pytest
from scipy.interpolate import PchipInterpolator

from vbt.kinematics.extension import joint_angles_deg, triple_extension
from vbt.kinematics.series import SmoothingSettings, smooth
from vbt.types import JOINT_NAMES, Lift, Rep, RepStatus, Trajectory


def one(*points):
    return [np.array([p], dtype=float) for p in points]


def test_standing_straight_is_180_at_hip_and_knee():
    s, h, k, a, t = one((0, 1.4), (0, 0.9), (0, 0.5), (0, 0.08), (0.15, 0.02))
    angles = joint_angles_deg(s, h, k, a, t)
    assert angles["hip"][0] == pytest.approx(180.0)
    assert angles["knee"][0] == pytest.approx(180.0)
    # foot points 0.15 forward and 0.06 down: ankle angle = 90 + atan(0.06 / 0.15)
    assert angles["ankle"][0] == pytest.approx(90 + np.degrees(np.arctan(0.4)))


def test_angles_do_not_depend_on_which_way_the_lifter_faces():
    pts = [(0.3, 1.3), (0.0, 0.8), (0.35, 0.55), (0.1, 0.08), (0.27, 0.02)]
    facing_right = joint_angles_deg(*one(*pts))
    facing_left = joint_angles_deg(*one(*[(-x, y) for x, y in pts]))
    for joint in ("hip", "knee", "ankle"):
        assert facing_left[joint][0] == pytest.approx(facing_right[joint][0])
    # squat-like figure: hip and knee flexed well below 180
    assert facing_right["knee"][0] < 120 and facing_right["hip"][0] < 120


def test_trunk_leaning_back_reads_as_hip_hyperextension_above_180():
    lean = np.radians(10)
    s = (-0.5 * np.sin(lean), 0.9 + 0.5 * np.cos(lean))
    angles = joint_angles_deg(*one(s, (0, 0.9), (0, 0.5), (0, 0.08), (0.15, 0.02)))
    assert angles["hip"][0] == pytest.approx(190.0)


def rot(v, deg):
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.stack([c * v[:, 0] - s * v[:, 1], s * v[:, 0] + c * v[:, 1]], axis=1)


def figure_from_angles(hip, knee, ankle):
    """Forward kinematics from a fixed toe, flat foot, the test's own (independent) construction."""
    n = hip.size
    toe = np.tile([0.2, 0.0], (n, 1))
    foot = np.tile([-0.15, 0.06], (n, 1))  # toe -> ankle
    ankle_p = toe + foot
    d_foot = -foot / np.linalg.norm(foot, axis=1, keepdims=True)  # ankle -> toe
    d_shank = rot(d_foot, ankle)
    knee_p = ankle_p + 0.43 * d_shank
    d_thigh = rot(-d_shank, -knee)
    hip_p = knee_p + 0.43 * d_thigh
    d_trunk = rot(-d_thigh, hip)
    shoulder_p = hip_p + 0.5 * d_trunk
    return np.stack([shoulder_p, hip_p, knee_p, ankle_p, toe], axis=1)


def bump(t, peak_s, base, top, width_s):
    return base + (top - base) * np.exp(-0.5 * ((t - peak_s) / width_s) ** 2)


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_triple_extension_peaks_order_and_offsets(fps):
    t = np.arange(0, 2.0, 1 / fps)
    hip = bump(t, 1.00, 90, 185, 0.12)
    # double knee bend: extends to 145 (first pull), re-bends to 130 (transition), extends to 172
    knots = [(0, 100), (0.4, 100), (0.7, 145), (0.8, 130), (0.97, 172), (1.2, 110), (2.0, 110)]
    knee = PchipInterpolator(*zip(*knots, strict=True))(t)  # monotone between knots: extremes at knots
    ankle = bump(t, 1.04, 105, 140, 0.08)
    joints = figure_from_angles(hip, knee, ankle)
    bar_y = 0.225 + 1.0 / (1 + np.exp(-(t - 1.0) / 0.08))  # logistic rise: peak velocity at exactly 1.0 s
    # the bar 0.8 m in front of the figure: no joint is behind the plate (a camera that sees past it)
    trajectory = Trajectory(
        t_s=t, bar_xy_m=np.c_[np.full_like(t, 0.8), bar_y], joints_xy_m=joints, joint_names=JOINT_NAMES
    )
    k = smooth(trajectory, lift=Lift.POWER_CLEAN, settings=SmoothingSettings(cutoff_hz=12.0))
    te = triple_extension(k, Rep(1, 0.4, 1.5, RepStatus.OK))
    assert te is not None
    frame = 1 / fps
    assert te.hip_peak_s == pytest.approx(1.00, abs=frame / 2)
    assert te.knee_peak_s == pytest.approx(0.97, abs=frame / 2)
    assert te.ankle_peak_s == pytest.approx(1.04, abs=frame / 2)
    assert te.order == ("knee", "hip", "ankle")
    assert te.spread_s == pytest.approx(0.07, abs=frame)
    assert te.hip_offset_from_peak_velocity_s == pytest.approx(0.0, abs=frame / 2)
    assert te.complete
    assert te.double_knee_bend and te.second_pull_start_s == pytest.approx(0.80, abs=frame)
    assert te.knee_rebend_deg == pytest.approx(15, abs=1.5)
    assert te.second_pull_duration_s == pytest.approx(1.04 - 0.80, abs=frame)
    assert te.hip_peak_deg == pytest.approx(185, abs=2)


def test_incomplete_extension_without_plantarflexion():
    t = np.arange(0, 2.0, 1 / 60)
    joints = figure_from_angles(
        bump(t, 1.0, 90, 180, 0.1), bump(t, 1.0, 100, 172, 0.1), np.full_like(t, 105.0)
    )
    bar_y = 0.225 + 1.0 / (1 + np.exp(-(t - 1.0) / 0.08))  # peak velocity at 1.0 s
    trajectory = Trajectory(
        t_s=t, bar_xy_m=np.c_[t * 0 + 0.8, bar_y], joints_xy_m=joints, joint_names=JOINT_NAMES
    )
    te = triple_extension(smooth(trajectory, lift=Lift.CLEAN), Rep(1, 0.4, 1.5, RepStatus.OK))
    assert te is not None and not te.complete and not te.double_knee_bend
    assert np.isnan(te.second_pull_duration_s)


def pull_figure(fps=60.0):
    """The timing test's pull: hip peaks at 1.00 s, knee 0.97 s, ankle 1.04 s; bar peak velocity 1.0 s."""
    t = np.arange(0, 2.0, 1 / fps)
    hip = bump(t, 1.00, 90, 185, 0.12)
    knots = [(0, 100), (0.4, 100), (0.7, 145), (0.8, 130), (0.97, 172), (1.2, 110), (2.0, 110)]
    knee = PchipInterpolator(*zip(*knots, strict=True))(t)
    ankle = bump(t, 1.04, 105, 140, 0.08)
    joints = figure_from_angles(hip, knee, ankle)
    bar_y = 0.225 + 1.0 / (1 + np.exp(-(t - 1.0) / 0.08))
    return t, joints, bar_y


def measure(t, joints, bar_xy, visibility=None):
    kwargs = {} if visibility is None else {"joints_visibility": visibility}
    trajectory = Trajectory(t_s=t, bar_xy_m=bar_xy, joints_xy_m=joints, joint_names=JOINT_NAMES, **kwargs)
    k = smooth(trajectory, lift=Lift.POWER_CLEAN, settings=SmoothingSettings(cutoff_hz=12.0))
    return triple_extension(k, Rep(1, 0.4, 1.5, RepStatus.OK))


def test_a_hip_behind_the_plate_at_its_peak_is_not_measured_and_says_why():
    t, joints, bar_y = pull_figure()
    hip = joints[:, JOINT_NAMES.index("hip")]
    # the bar passes in front of the hip (as the near plate does in a side view) around its peak
    bar = np.c_[np.full_like(t, 0.8), bar_y]
    near = (t > 0.9) & (t < 1.1)
    bar[near] = hip[near] + [0.05, 0.0]
    seen = np.ones((t.size, len(JOINT_NAMES)))  # joints from a pose: their visibility is known
    te = measure(t, joints, bar, seen)
    assert te is not None
    assert np.isnan(te.hip_peak_s) and np.isnan(te.hip_peak_deg)
    assert "hip was behind the plate" in te.unseen["hip"]
    assert te.complete is None  # not known: a joint was not seen
    assert "hip" not in te.order and te.order  # what was seen is still ordered
    # the same joints given without visibility (a track CSV: markers) are measured
    assert measure(t, joints, bar).complete is True


def test_landmark_glitches_and_angles_outside_anatomy_are_rejected_before_the_peak():
    t, joints, bar_y = pull_figure()
    bar = np.c_[np.full_like(t, 0.8), bar_y]
    seen = np.ones((t.size, len(JOINT_NAMES)))
    clean = measure(t, joints, bar, seen)
    spiked = joints.copy()
    i = int(np.argmin(np.abs(t - 1.06)))  # the knee landmark jumps for one frame, just after its peak
    spiked[i, JOINT_NAMES.index("knee")] += [0.5, 0.0]  # the knee "angle" reads over 200 degrees
    te = measure(t, spiked, bar, seen)
    assert te.knee_peak_deg == pytest.approx(clean.knee_peak_deg, abs=1.0)
    assert te.knee_peak_s == pytest.approx(clean.knee_peak_s, abs=1 / 60)


def test_a_knee_re_bend_after_the_bar_s_peak_velocity_is_not_a_double_knee_bend():
    fps = 60.0
    t = np.arange(0, 2.0, 1 / fps)
    hip = bump(t, 1.00, 90, 185, 0.12)
    # the knee extends straight to 170 at 0.98 s, flexes into the catch, then re-extends
    knots = [(0, 100), (0.4, 100), (0.98, 170), (1.1, 120), (1.3, 160), (2.0, 150)]
    knee = PchipInterpolator(*zip(*knots, strict=True))(t)
    ankle = bump(t, 1.04, 105, 140, 0.08)
    bar_y = 0.225 + 1.0 / (1 + np.exp(-(t - 1.0) / 0.08))
    trajectory = Trajectory(
        t_s=t,
        bar_xy_m=np.c_[np.full_like(t, 0.8), bar_y],
        joints_xy_m=figure_from_angles(hip, knee, ankle),
        joint_names=JOINT_NAMES,
    )
    k = smooth(trajectory, lift=Lift.POWER_CLEAN, settings=SmoothingSettings(cutoff_hz=12.0))
    te = triple_extension(k, Rep(1, 0.4, 1.6, RepStatus.OK))
    assert te is not None and not te.double_knee_bend
    assert te.knee_peak_s == pytest.approx(0.98, abs=1 / 60)  # the catch's re-extension is not the peak
