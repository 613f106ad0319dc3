"""Where the lifter's joints are in each frame: the ``PoseEstimator`` strategy and MediaPipe's.

- ``result``: ``PoseResult``, the ``PoseEstimator`` / ``PreparingPoseEstimator`` protocols and
  MediaPipe's landmark indices;
- ``side``: which side of the body faces the camera (``SideChooser``);
- ``landmarker``: ``MediaPipePose``, MediaPipe's PoseLandmarker in video mode.
"""

from vbt.capture.pose.landmarker import MediaPipePose
from vbt.capture.pose.result import (
    BODY_POINTS,
    PoseEstimator,
    PoseResult,
    PreparingPoseEstimator,
    Side,
)
from vbt.capture.pose.side import SideChooser

__all__ = [
    "BODY_POINTS",
    "MediaPipePose",
    "PoseEstimator",
    "PoseResult",
    "PreparingPoseEstimator",
    "Side",
    "SideChooser",
]
