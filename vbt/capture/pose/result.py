"""What a pose estimate is: ``PoseResult``, the ``PoseEstimator`` protocols, MediaPipe's landmark indices.

Coordinates are image pixels (x right, y down) of the image given; NaN where a landmark was not seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from vbt.types import JOINT_NAMES, FloatArray, Frame

Side = Literal["left", "right"]

#: MediaPipe pose landmark indices (left, right) for the joints vbt uses.
LANDMARKS: dict[str, tuple[int, int]] = {
    "shoulder": (11, 12),
    "wrist": (15, 16),
    "hip": (23, 24),
    "knee": (25, 26),
    "ankle": (27, 28),
    "heel": (29, 30),
    "toe": (31, 32),  # MediaPipe's "foot index"
}
# Landmarks whose visibility and depth decide which side faces the camera.
SIDE_CUES = ("shoulder", "hip", "knee", "ankle", "heel", "toe")

#: Points of both sides kept for measures of the whole body (the body's scale, the camera's view):
#: ``PoseResult.body_xy_px`` rows, in this order.
BODY_POINTS: tuple[str, ...] = tuple(
    f"{side}_{name}"
    for name in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "toe")
    for side in ("left", "right")
)
BODY_LANDMARKS: dict[str, tuple[int, int]] = {**LANDMARKS, "elbow": (13, 14)}
BODY_INDEX = [
    BODY_LANDMARKS[point.split("_", 1)[1]][0 if point.startswith("left") else 1] for point in BODY_POINTS
]


@dataclass(frozen=True, eq=False)
class PoseResult:
    """Everything one pose estimate gives, in pixels of the frame's image; NaN where not seen.

    Attributes:
        t_s: the frame's time in seconds.
        side: the side facing the camera whose joints are reported (``None`` before any person was
            found).
        joints_xy_px: (J, 2) joint positions in ``vbt.types.JOINT_NAMES`` order (shoulder, hip,
            knee, ankle, toe) of ``side``.
        joints_visibility: (J,) 0..1 per joint (0 when no person was found).
        heel_xy_px: (2,) heel of ``side``.
        heel_visibility: 0..1.
        wrists_xy_px: (2, 2) left wrist, right wrist (a last-resort bar position).
        wrists_visibility: (2,) 0..1.
        joints_presence: (J,) 0..1, MediaPipe's likelihood that each joint of ``side`` is inside
            the image at all (NaN when the estimator gives none).
        body_xy_px: (B, 2) both sides' points of ``BODY_POINTS``, however visible (NaN outside
            the image): filter by ``body_visibility`` for measurements.
        body_visibility: (B,) 0..1.
    """

    t_s: float
    side: Side | None
    joints_xy_px: FloatArray
    joints_visibility: FloatArray
    heel_xy_px: FloatArray
    heel_visibility: float
    wrists_xy_px: FloatArray
    wrists_visibility: FloatArray
    joints_presence: FloatArray = field(default_factory=lambda: np.full(len(JOINT_NAMES), np.nan))
    body_xy_px: FloatArray = field(default_factory=lambda: np.full((len(BODY_POINTS), 2), np.nan))
    body_visibility: FloatArray = field(default_factory=lambda: np.zeros(len(BODY_POINTS)))

    @property
    def person_found(self) -> bool:
        return bool(np.isfinite(self.joints_xy_px).any())

    @property
    def wrist_midpoint_xy_px(self) -> FloatArray:
        """(2,) mean of the wrists that were seen; NaN when neither was."""
        seen = np.isfinite(self.wrists_xy_px).all(axis=1)
        if not seen.any():
            return np.full(2, np.nan)
        return np.asarray(self.wrists_xy_px[seen].mean(axis=0), dtype=np.float64)


@runtime_checkable
class PoseEstimator(Protocol):
    """Finds the lifter's joints in one frame. Frames must be given in time order."""

    def estimate(self, frame: Frame) -> tuple[FloatArray, FloatArray]:
        """Joints of the side facing the camera.

        Returns:
            joints_xy_px: (J, 2) pixels in ``JOINT_NAMES`` order, NaN where not seen.
            visibility: (J,) 0..1.
        """
        ...

    def detect(self, frame: Frame) -> PoseResult:
        """The full estimate: joints, heel, wrists and the side chosen."""
        ...


@runtime_checkable
class PreparingPoseEstimator(PoseEstimator, Protocol):
    """A pose estimator whose input preparation can run on another thread than its inference.

    ``prepare(frame)`` does the image work that needs no model (colour conversion, copying into the
    model's image type); ``detect_prepared(frame, prepared)`` runs the model on it. ``detect(frame)``
    is the two in a row. Calls to ``prepare`` may come from a different thread than
    ``detect_prepared``, and ahead of it, in frame order.
    """

    def prepare(self, frame: Frame) -> object:
        """The frame's image made ready for the model (opaque to the caller)."""
        ...

    def detect_prepared(self, frame: Frame, prepared: object) -> PoseResult:
        """``detect`` on an image that ``prepare(frame)`` made ready."""
        ...


@runtime_checkable
class SheddablePose(Protocol):
    """A pose estimator with work of its own that sheds with pose (``MediaPipePose``'s lifter
    checks): live mode tells it, frame after frame, that pose runs on one frame in ``pose_every``."""

    def shed(self, pose_every: int) -> None:
        """Pose runs on one frame in ``pose_every`` from now on (1: every frame)."""
        ...


def no_person(t_s: float, side: Side | None) -> PoseResult:
    n = len(JOINT_NAMES)
    return PoseResult(
        t_s=t_s,
        side=side,
        joints_xy_px=np.full((n, 2), np.nan),
        joints_visibility=np.zeros(n),
        heel_xy_px=np.full(2, np.nan),
        heel_visibility=0.0,
        wrists_xy_px=np.full((2, 2), np.nan),
        wrists_visibility=np.zeros(2),
    )
