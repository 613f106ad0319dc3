"""Where the lifter's joints are in each frame: the ``PoseEstimator`` strategy and MediaPipe's.

- ``result``: ``PoseResult``, the ``PoseEstimator`` / ``PreparingPoseEstimator`` protocols and
  MediaPipe's landmark indices;
- ``side``: which side of the body faces the camera (``SideChooser``);
- ``lifter``: which person is the lifter when there are several, and when to look again
  (``LifterSettings``, ``LifterChooser``): the most prominent person, followed with hysteresis;
- ``landmarker``: ``MediaPipePose``, MediaPipe's PoseLandmarker in video mode, checked now and then
  by a multi-person detection and steered to the lifter.
"""

from vbt.capture.pose.landmarker import MediaPipePose
from vbt.capture.pose.lifter import LifterChooser, LifterSettings
from vbt.capture.pose.result import (
    BODY_POINTS,
    PoseEstimator,
    PoseResult,
    PreparingPoseEstimator,
    SheddablePose,
    Side,
)
from vbt.capture.pose.side import SideChooser

__all__ = [
    "BODY_POINTS",
    "LifterChooser",
    "LifterSettings",
    "MediaPipePose",
    "PoseEstimator",
    "PoseResult",
    "PreparingPoseEstimator",
    "SheddablePose",
    "Side",
    "SideChooser",
]
