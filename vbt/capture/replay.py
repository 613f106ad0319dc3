"""The poses a frame loop already found, given again: a ``PoseEstimator`` over a ``PixelTrack``.

A second pass over a file (the bar tracked again with what the first pass learned) needs the lifter's
joints and hands frame by frame, and pose is the slow part: ``TrackPose`` hands back what the first
pass recorded for each frame, matched by the frame's index and checked by its time.
"""

from __future__ import annotations

import numpy as np

from vbt.capture.pose import PoseResult
from vbt.capture.track import PixelTrack
from vbt.errors import InputError
from vbt.types import FloatArray, Frame


class TrackPose:
    """A pose estimator that gives each frame the pose ``track`` recorded for it.

    Frames must be the ones the track was made from (the same source, the same picture settings):
    a frame the track has no row for, or whose time differs, is an ``InputError``.
    """

    def __init__(self, track: PixelTrack) -> None:
        self._track = track
        self._row = {int(index): row for row, index in enumerate(track.frame_index)}

    def detect(self, frame: Frame) -> PoseResult:
        row = self._row.get(frame.index)
        track = self._track
        if row is None or abs(float(track.t_s[row]) - frame.t_s) > 1e-6:
            raise InputError(
                f"frame {frame.index} at {frame.t_s:.4f} s is not in the first pass's track: the second "
                "pass must read the same file the same way"
            )
        joints = track.joints_xy_px[row]
        return PoseResult(
            t_s=frame.t_s,
            side=None,
            joints_xy_px=joints.copy(),
            joints_visibility=np.nan_to_num(track.joints_visibility[row]),
            heel_xy_px=track.heel_xy_px[row].copy(),
            heel_visibility=1.0 if np.isfinite(track.heel_xy_px[row]).all() else 0.0,
            wrists_xy_px=track.wrists_xy_px[row].copy(),
            wrists_visibility=np.isfinite(track.wrists_xy_px[row]).all(axis=1).astype(np.float64),
            joints_presence=track.joints_presence[row].copy(),
            body_xy_px=track.body_xy_px[row].copy(),
            body_visibility=np.nan_to_num(track.body_visibility[row]),
        )

    def estimate(self, frame: Frame) -> tuple[FloatArray, FloatArray]:
        found = self.detect(frame)
        return found.joints_xy_px, found.joints_visibility
