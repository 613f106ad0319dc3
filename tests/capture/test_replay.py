"""Poses replayed from a first pass's track: the second pass sees what the first saw, frame by frame."""

import numpy as np
import pytest

from vbt.capture.bar import BarDetection, BarMethod
from vbt.capture.pipeline import track_source, track_video
from vbt.capture.pose import BODY_POINTS, PoseResult
from vbt.capture.replay import TrackPose
from vbt.errors import InputError
from vbt.types import JOINT_NAMES, Frame


class _MovingPose:
    """A pose whose every point moves with the frame's index (a known answer per frame)."""

    def detect(self, frame: Frame) -> PoseResult:
        k = float(frame.index)
        n, b = len(JOINT_NAMES), len(BODY_POINTS)
        return PoseResult(
            t_s=frame.t_s,
            side="left",
            joints_xy_px=np.full((n, 2), k),
            joints_visibility=np.full(n, 0.8),
            heel_xy_px=np.array([k, k + 1]),
            heel_visibility=1.0,
            wrists_xy_px=np.array([[k, 2 * k], [k + 1, 2 * k]]),
            wrists_visibility=np.ones(2),
            joints_presence=np.full(n, 0.9),
            body_xy_px=np.full((b, 2), 3 * k),
            body_visibility=np.full(b, 0.7),
        )

    def estimate(self, frame: Frame):  # pragma: no cover - the protocol's other method
        found = self.detect(frame)
        return found.joints_xy_px, found.joints_visibility


class _HandsTracker:
    """A bar tracker that reports the hands it was given (what pose said)."""

    method = BarMethod.WRISTS

    def update(self, frame: Frame, *, hands_xy_px=None) -> BarDetection:
        xy = np.asarray(hands_xy_px, dtype=float).reshape(-1, 2).mean(axis=0)
        return BarDetection(t_s=frame.t_s, xy_px=xy, confidence=1.0, method=self.method)

    def reset(self) -> None:
        pass


class _Frames:
    """A stand-in file source of ``n`` black frames at 30 fps."""

    name, fps, rotation_deg, error = "frames", 30.0, 0, None
    size_px = (16, 8)

    def __init__(self, n: int) -> None:
        self.frame_count = n

    def __iter__(self):
        for i in range(self.frame_count):
            yield Frame(image=np.zeros((8, 16, 3), np.uint8), t_s=i / 30, index=i)

    def close(self) -> None:
        pass


def test_a_second_pass_sees_the_first_pass_s_poses_frame_by_frame():
    first = track_video(_Frames(12), tracker=_HandsTracker(), bar_method=BarMethod.WRISTS, pose=_MovingPose())
    second = track_video(
        _Frames(12), tracker=_HandsTracker(), bar_method=BarMethod.WRISTS, pose=TrackPose(first.track)
    )
    a, b = first.track, second.track
    for name in ("joints_xy_px", "wrists_xy_px", "body_xy_px", "heel_xy_px", "joints_presence", "bar_xy_px"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_allclose(b.body_visibility, 0.7)


def test_a_frame_the_first_pass_never_saw_is_an_error_not_a_guess():
    first = track_video(_Frames(5), tracker=_HandsTracker(), bar_method=BarMethod.WRISTS, pose=_MovingPose())
    replay = TrackPose(first.track)
    with pytest.raises(InputError, match="not in the first pass"):
        replay.detect(Frame(image=np.zeros((8, 16, 3), np.uint8), t_s=9.0, index=9))


def test_an_analysis_given_a_pose_estimator_uses_it_and_never_looks_for_a_model(tmp_path):
    first = track_video(_Frames(12), tracker=_HandsTracker(), bar_method=BarMethod.WRISTS, pose=_MovingPose())
    missing = tmp_path / "no_such_model.task"  # looked for, it would be a ModelError
    again = track_source(_Frames(12), bar_method="wrists", model_path=missing, pose=TrackPose(first.track))
    a, b = first.track, again.track
    assert b.pose_ran
    for name in ("joints_xy_px", "wrists_xy_px", "body_xy_px", "heel_xy_px", "bar_xy_px"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    with pytest.raises(InputError, match="pose turned off"):
        track_source(_Frames(3), bar_method="plate", with_pose=False, pose=TrackPose(first.track))
