"""The camera's own motion, measured from the background, so that positions can be put in the scene.

A phone held in the hand, a camera that pans or tilts after the bar, a bump: the picture moves, and
every position measured in its pixels moves with it. This package measures that motion frame by
frame from the background (``BackgroundMotion``: corners outside the lifter and the plate, followed
by optical flow, a similarity transform by RANSAC) and says, for every frame, how its pixels map
into the pixels of the scene's reference frame (``CameraEstimate``), or that it could not tell.
``StillCamera`` takes the camera as still (a tripod; live mode). ``vbt.capture.track`` applies the
transforms (``scene``) before pixels become metres.

The face of the package: ``CameraMotionEstimator`` (the strategy), ``BackgroundMotion`` and
``StillCamera`` (two of them), ``CameraMotionSettings``, ``CameraEstimate``, ``CameraStatus``, and
the functions of ``scene`` that apply the per-frame transforms and summarise them for a report.
"""

from vbt.capture.camera.background import BackgroundMotion
from vbt.capture.camera.settings import CameraMotionSettings
from vbt.capture.camera.types import (
    CameraEstimate,
    CameraMotionEstimator,
    CameraStatus,
    StillCamera,
    identity_transform,
)

__all__ = [
    "BackgroundMotion",
    "CameraEstimate",
    "CameraMotionEstimator",
    "CameraMotionSettings",
    "CameraStatus",
    "StillCamera",
    "identity_transform",
]
