"""Joints from a track CSV joined to a video's bar path (:func:`join_given_joints`): moved by the bar
paths' offset, interpolated onto the video's times, refused when the bars disagree."""

from __future__ import annotations

import numpy as np
import pytest

from vbt.capture.given_joints import join_given_joints
from vbt.errors import InputError
from vbt.types import JOINT_NAMES, Trajectory


def given_track(t_s: np.ndarray) -> Trajectory:
    """Bar y = t; every joint moves linearly: x = k + t, y = 1 + k - t for the k-th joint."""
    bar = np.stack([np.zeros_like(t_s), t_s], axis=1)
    joints = np.stack([np.stack([k + t_s, 1 + k - t_s], axis=1) for k in range(len(JOINT_NAMES))], axis=1)
    return Trajectory(t_s=t_s, bar_xy_m=bar, joints_xy_m=joints, joint_names=JOINT_NAMES)


def video_track(t_s: np.ndarray, offset: tuple[float, float]) -> Trajectory:
    return Trajectory(t_s=t_s, bar_xy_m=np.stack([np.zeros_like(t_s), t_s], axis=1) + offset)


def test_joints_are_interpolated_onto_the_videos_times_and_moved_into_its_frame() -> None:
    given = given_track(np.arange(0.0, 2.0, 0.04))  # 25 Hz
    t = np.arange(0.01, 1.9, 1 / 30)  # 30 fps, another phase
    joined = join_given_joints(video_track(t, (0.3, -0.1)), given)
    assert joined.joint_names == JOINT_NAMES and joined.joints_xy_m.shape == (len(t), len(JOINT_NAMES), 2)
    hip = JOINT_NAMES.index("hip")
    assert joined.joint("hip")[:, 0] == pytest.approx(hip + t + 0.3)
    assert joined.joint("hip")[:, 1] == pytest.approx(1 + hip - t - 0.1)
    assert np.isnan(joined.joints_visibility).all()


def test_a_missing_sample_and_times_outside_the_track_are_nan() -> None:
    given = given_track(np.arange(0.0, 1.0, 0.1))
    given.joints_xy_m[5] = np.nan  # 0.5 s
    t = np.array([0.05, 0.45, 0.55, 0.65, 0.85, 0.95])
    joined = join_given_joints(video_track(t, (0.0, 0.0)), given)
    knee_x = joined.joint("knee")[:, 0]
    assert np.isnan(knee_x[[1, 2, 5]]).all()  # beside the NaN sample; after the track's last (0.9 s)
    assert knee_x[[0, 3, 4]] == pytest.approx(JOINT_NAMES.index("knee") + t[[0, 3, 4]])


def test_a_track_whose_bar_does_not_follow_the_video_is_refused() -> None:
    t = np.arange(0.0, 2.0, 1 / 30)
    video = Trajectory(t_s=t, bar_xy_m=np.stack([np.zeros_like(t), 0.3 * np.sin(3 * t)], axis=1))
    with pytest.raises(
        InputError, match=r"cm from the video's .* not this video's track, or not on its clock"
    ):
        join_given_joints(video, given_track(t))
    with pytest.raises(InputError, match="covers 15 of the video's 60 samples"):
        join_given_joints(video_track(t, (0.0, 0.0)), given_track(t[:15]))
    with pytest.raises(InputError, match="no joint columns"):
        join_given_joints(video_track(t, (0.0, 0.0)), video_track(t, (0.0, 0.0)))
