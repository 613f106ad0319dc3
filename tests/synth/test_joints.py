import math

import numpy as np
import pytest

from vbt.synth import SYNTH_LIFTS, Sampling, generate_set
from vbt.synth.joints import Body, foot_angle_deg, forward_kinematics
from vbt.types import JOINT_NAMES

EXACT = Sampling(fps=60.0, bar_noise_m=0.0, joint_noise_m=0.0)


def _ccw_deg(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Counter-clockwise angle from vectors u to v, in [0, 360)."""
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = (u * v).sum(axis=-1)
    return np.degrees(np.arctan2(cross, dot)) % 360.0


def _angles_from_positions(joints: np.ndarray) -> dict[str, np.ndarray]:
    """The stated convention, computed from positions alone (independent of the generator)."""
    shoulder, hip, knee, ankle, toe = (joints[:, JOINT_NAMES.index(n)] for n in JOINT_NAMES)
    return {
        # dir(hip->shoulder) = rot(dir(hip->knee), +hip)
        "hip": _ccw_deg(knee - hip, shoulder - hip),
        # dir(knee->hip) = rot(dir(knee->ankle), -knee)
        "knee": _ccw_deg(hip - knee, ankle - knee),
        # dir(ankle->knee) = rot(dir(ankle->toe), +ankle)
        "ankle": _ccw_deg(toe - ankle, knee - ankle),
    }


@pytest.mark.parametrize("lift", list(SYNTH_LIFTS))
def test_angles_recomputed_from_positions_are_the_intended_angles(lift):
    s = generate_set(lift, n_reps=2, seed=9, sampling=EXACT)
    traj = s.trajectory
    measured = _angles_from_positions(traj.joints_xy_m)
    intended = s.joint_angles_deg(traj.t_s)
    for name in ("hip", "knee", "ankle"):
        assert np.max(np.abs(measured[name] - intended[name])) < 1e-9


@pytest.mark.parametrize("lift", list(SYNTH_LIFTS))
def test_segments_keep_their_lengths_and_the_toe_stays_on_the_floor(lift):
    s = generate_set(lift, n_reps=1, seed=2, sampling=EXACT)
    j = s.trajectory.joints_xy_m
    body = s.truth["body"]
    pairs = [("toe", "ankle", "foot_m"), ("ankle", "knee", "shank_m"), ("knee", "hip", "thigh_m")]
    pairs.append(("hip", "shoulder", "trunk_m"))
    for a, b, length in pairs:
        d = np.linalg.norm(j[:, JOINT_NAMES.index(a)] - j[:, JOINT_NAMES.index(b)], axis=-1)
        assert np.allclose(d, body[length], atol=1e-12)
    assert np.all(j[:, JOINT_NAMES.index("toe"), 1] == 0.0)


def test_squat_bottom_is_a_plausible_figure():
    s = generate_set("squat", n_reps=1, seed=1, sampling=EXACT)
    rep = s.truth["reps"][0]
    bottom = s.joints_xy_m(rep["start_s"])[0]
    top = s.joints_xy_m(rep["end_s"])[0]
    shoulder, hip, knee, ankle, _ = bottom
    assert knee[0] > ankle[0] + 0.1  # knees forward over the toes
    assert hip[0] < knee[0] - 0.2  # hips back
    assert shoulder[0] > hip[0]  # trunk leaning forward, upwards
    assert shoulder[1] > hip[1]
    assert hip[1] < top[1, 1] - 0.3  # the hips went down
    assert abs(shoulder[0] - s.bar_x_m(rep["start_s"])) < 0.25  # the bar is on the shoulders
    angles = s.joint_angles_deg(rep["start_s"])
    assert angles["knee"][0] < 80
    assert angles["hip"][0] < 80


def test_standing_is_nearly_straight():
    s = generate_set("deadlift", n_reps=1, seed=1, sampling=EXACT)
    rep = s.truth["reps"][0]
    shoulder, hip, knee, ankle, _ = s.joints_xy_m(rep["end_s"])[0]
    assert abs(shoulder[0] - ankle[0]) < 0.15
    assert shoulder[1] > hip[1] > knee[1] > ankle[1]
    assert shoulder[1] == pytest.approx(
        sum(s.truth["body"][k] for k in ("shank_m", "thigh_m", "trunk_m")) + 0.07, abs=0.08
    )


def test_the_heel_rises_in_a_complete_triple_extension_but_not_when_the_ankle_stays_short():
    s = generate_set("snatch", n_reps=1, seed=3, sampling=EXACT)
    ext = s.truth["reps"][0]["triple_extension"]
    ankle_y = s.joints_xy_m(ext["ankle_peak_s"])[0, JOINT_NAMES.index("ankle"), 1]
    flat = s.joints_xy_m(0.0)[0, JOINT_NAMES.index("ankle"), 1]
    assert ankle_y > flat + 0.03
    short = generate_set("snatch", n_reps=1, seed=3, sampling=EXACT, incomplete_extension=True)
    ext = short.truth["reps"][0]["triple_extension"]
    ankle_y = short.joints_xy_m(ext["ankle_peak_s"])[0, JOINT_NAMES.index("ankle"), 1]
    assert ankle_y < flat + 0.01


def test_forward_kinematics_of_a_straight_standing_lifter():
    body = Body(heel_rise_from_deg=400.0)  # no heel rise: the foot stays flat
    ankle = 90.0 + body.flat_foot_deg  # a vertical shank
    positions = forward_kinematics(
        np.array([180.0]), np.array([180.0]), np.array([ankle]), toe_x_m=np.array([0.5]), body=body
    )[0]
    x_ankle = 0.5 - math.sqrt(body.foot_m**2 - body.ankle_height_m**2)
    expected = {"ankle": 0.0, "knee": 0.43, "hip": 0.86, "shoulder": 1.36}
    for name, height in expected.items():
        x, y = positions[JOINT_NAMES.index(name)]
        assert x == pytest.approx(x_ankle, abs=1e-12)
        assert y == pytest.approx(body.ankle_height_m + height, abs=1e-12)
    # leaning the trunk back past the thigh line: hip angle above 180
    back = forward_kinematics(
        np.array([200.0]), np.array([180.0]), np.array([ankle]), toe_x_m=np.array([0.5]), body=body
    )[0]
    assert back[JOINT_NAMES.index("shoulder"), 0] < x_ankle - 0.1


def test_foot_stays_flat_until_the_ankle_extends_past_the_threshold():
    body = Body()
    beta = foot_angle_deg(np.array([80.0, 110.0, 122.0, 140.0]), body=body)
    assert beta[0] == pytest.approx(body.flat_foot_deg, abs=1e-6)
    assert beta[1] == pytest.approx(body.flat_foot_deg, abs=0.01)
    assert beta[3] == pytest.approx(body.flat_foot_deg + 18.0, abs=0.01)
    assert np.all(np.diff(beta) > 0)


def test_without_joints_positions_are_nan():
    s = generate_set("squat", n_reps=1, seed=0, with_joints=False)
    assert np.isnan(s.trajectory.joints_xy_m).all()
    assert s.trajectory.joint_names == JOINT_NAMES
    assert np.isnan(s.joint_angles_deg([1.0])["hip"]).all()
