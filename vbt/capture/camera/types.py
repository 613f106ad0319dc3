"""What a camera motion estimator reports for one frame, and the interface every estimator implements."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

import numpy as np

from vbt.capture.bar import BarDetection
from vbt.capture.pose import PoseResult
from vbt.types import FloatArray, Frame


class CameraStatus(IntEnum):
    """How a frame's transform to the scene was obtained (stored per frame as a small integer).

    ASSUMED: no estimator measured it; the camera is taken as still (identity), as on a tripod.
    REFERENCE: the frame is its scene's reference (identity by definition). The first reference
        starts the clip's first scene; any later one is a cut: the view changed beyond following
        (a cut in an edited clip, a jump too fast to track), and positions before and after it
        are not comparable.
    ESTIMATED: measured from the background.
    UNKNOWN: could not be measured (too few background features in view, or too few agreeing
        with one motion); the transform is NaN.
    """

    ASSUMED = 0
    REFERENCE = 1
    ESTIMATED = 2
    UNKNOWN = 3


def identity_transform() -> FloatArray:
    """(2, 3) the affine transform that changes nothing."""
    return np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


@dataclass(frozen=True, eq=False)
class CameraEstimate:
    """The camera's motion at one frame.

    Attributes:
        t_s: the frame's time in seconds (copied from ``Frame.t_s``).
        to_scene_px: (2, 3) affine transform (a similarity: rotation, uniform scale, translation)
            taking this frame's pixels (x right, y down) to the pixels of its scene's reference
            frame: ``scene = A[:, :2] @ xy + A[:, 2]``. Identity for ``REFERENCE`` and ``ASSUMED``;
            NaN for ``UNKNOWN``.
        status: how it was obtained (``CameraStatus``).
        inliers: background features that agree with the transform (0 when none were followed).
    """

    t_s: float
    to_scene_px: FloatArray
    status: CameraStatus
    inliers: int = 0

    def __post_init__(self) -> None:
        if np.shape(self.to_scene_px) != (2, 3):
            raise ValueError(f"to_scene_px must have shape (2, 3), got {np.shape(self.to_scene_px)}")

    @classmethod
    def unknown(cls, t_s: float) -> CameraEstimate:
        """A frame whose motion could not be measured."""
        return cls(t_s=t_s, to_scene_px=np.full((2, 3), math.nan), status=CameraStatus.UNKNOWN)


class CameraMotionEstimator(Protocol):
    """A state machine fed one frame at a time, in time order, after the pose and the bar of that
    frame are known (so that it can leave the lifter and the plate out of the background)."""

    def update(self, frame: Frame, *, pose: PoseResult | None, bar: BarDetection) -> CameraEstimate:
        """The transform from ``frame``'s pixels to its scene's reference frame.

        Parameters:
            frame: the next frame; its ``t_s`` must be later than the previous one's.
            pose: the lifter's pose in this frame (None: no pose ran).
            bar: the bar tracker's detection in this frame (``detected`` False: not seen).
        """
        ...

    def reset(self) -> None:
        """Forget everything, as before the first frame."""
        ...


class StillCamera:
    """The camera taken as still (a tripod): every frame ``ASSUMED``, identity. Costs nothing."""

    def update(self, frame: Frame, *, pose: PoseResult | None, bar: BarDetection) -> CameraEstimate:
        return CameraEstimate(t_s=frame.t_s, to_scene_px=identity_transform(), status=CameraStatus.ASSUMED)

    def reset(self) -> None:
        return None
