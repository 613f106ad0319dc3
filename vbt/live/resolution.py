"""Shedding resolution: frames decoded at half size, measured in the full frame's pixels.

When live mode is behind even with pose on one frame in four (``vbt.live.shedding``), the stream's
JPEGs are decoded at half size (libjpeg's DCT scaling, ``cv2.IMREAD_REDUCED_COLOR_2``: the decoder
skips the high frequencies instead of computing and then discarding them) and the plate tracker and
pose run on the half-size picture. Every frame keeps its time and its bar position; what is lost is
resolution: the plate's radius in pixels halves (about 72 to 36 px for a 45 cm plate filling a
720p frame's height by a fifth), and the rim fit's pixel noise doubles relative to it.

Everything that leaves this module is in the full frame's pixels: ``FullFrameTracker`` and
``FullFramePose`` scale positions and sizes back up by ``reduction_of(frame)``, so that the track,
the calibration (which measures the plate's radius), the online analysis and the saved report never
see a reduced pixel.

A tracker's memory (where the plate was, its radius, its velocity) is in the pixels of the frames it
saw, so one tracker per size is kept; a change of size starts the other one afresh (a whole-frame
search, steered by the hands). Shedding changes the size rarely (it eases off one step a second at
most), and ``FullFrameTracker.handovers`` counts the changes.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol, TypeVar, runtime_checkable

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.bar import BarDetection, BarTracker, PlateTracker
from vbt.capture.pose import PoseEstimator, PoseResult, PreparingPoseEstimator
from vbt.errors import InputError
from vbt.types import FloatArray, Frame

#: Decoder flags by reduction (full-frame pixels per decoded pixel); libjpeg scales by 1/2, 1/4, 1/8.
_DECODE_FLAGS = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4}

#: The reduction live mode sheds to. Half size: the decode costs about half (2.2 against 4-5 CPU-ms
#: a 720p frame, ``benchmarks/live.py --costs``); a quarter saves little more (2.0 ms) and leaves a
#: 45 cm plate 18 px across its radius at 720p, where the rim fit works at its coarsest.
SHED_REDUCTION = 2


@runtime_checkable
class ReducibleSource(Protocol):
    """A frame source that can decode its pictures at reduced size (``JpegStreamSource``): live mode
    sets ``reduction`` (1, 2 or 4; full-frame pixels per decoded pixel) to shed work, and each frame
    says the size it was decoded at."""

    reduction: int


def decode_jpeg(jpeg: bytes, *, reduction: int = 1) -> npt.NDArray[np.uint8] | None:
    """The JPEG picture decoded (BGR) at 1 / ``reduction`` of its size (1, 2 or 4); None when the
    bytes do not decode."""
    flag = _DECODE_FLAGS[reduction]
    image = cv2.imdecode(np.frombuffer(jpeg, dtype=np.uint8), flag)
    return None if image is None else np.asarray(image, dtype=np.uint8)


def reduction_of(frame: Frame) -> int:
    """Full-frame pixels per pixel of ``frame.image`` (1: full size)."""
    return int(getattr(frame, "reduction", 1))


def full_size(image: npt.NDArray[np.uint8], reduction: int) -> npt.NDArray[np.uint8]:
    """A reduced picture brought back to the full frame's size (for drawing the view on)."""
    if reduction == 1:
        return image
    height, width = image.shape[:2]
    size = (width * reduction, height * reduction)
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_LINEAR), dtype=np.uint8)


_Scaled = TypeVar("_Scaled", BarDetection, PoseResult)

#: The fields in pixels of a detection and of a pose (positions and sizes).
_PIXEL_FIELDS = {
    BarDetection: ("xy_px", "radius_px", "ellipse_axes_px", "marker_side_px"),
    PoseResult: ("joints_xy_px", "heel_xy_px", "wrists_xy_px", "body_xy_px"),
}


def scaled(found: _Scaled, factor: float) -> _Scaled:
    """A detection or pose with its positions and sizes multiplied by ``factor`` (confidences and
    visibilities kept)."""
    if factor == 1:
        return found
    return dataclasses.replace(
        found, **{name: getattr(found, name) * factor for name in _PIXEL_FIELDS[type(found)]}
    )


def _scaled_hands(hands_xy_px: FloatArray | None, factor: float) -> FloatArray | None:
    return None if hands_xy_px is None else np.asarray(hands_xy_px, dtype=np.float64) * factor


def reduced_tracker_for(tracker: BarTracker, reduction: int = SHED_REDUCTION) -> BarTracker | None:
    """A tracker like ``tracker`` for frames reduced by ``reduction``, or None when that tracker
    cannot be run on reduced frames (markers: their side in pixels is the scale and the ArUco
    detector's floor is in pixels; left at full size).

    The plate tracker's settings are in the pixels of its reduced search image and tracking window
    (sizes it reduces any frame to), except a known radius range (``SearchSettings.radius_range_px``,
    frame pixels), which is scaled.
    """
    if not isinstance(tracker, PlateTracker):
        return None
    settings = tracker.settings
    known = settings.search.radius_range_px
    if known is not None:
        search = dataclasses.replace(
            settings.search, radius_range_px=(known[0] / reduction, known[1] / reduction)
        )
        settings = dataclasses.replace(settings, search=search)
    return PlateTracker(settings)


class FullFrameTracker:
    """A ``BarTracker`` fed frames at full or reduced size (``reduction_of``), reporting in the full
    frame's pixels.

    Parameters:
        full: the tracker of full-size frames.
        reduced: the tracker of reduced frames (``reduced_tracker_for``), or None: every frame must
            then be full size.

    Attributes:
        handovers: how often the frames' size changed (each starts the other tracker afresh).
        reduced_frames: frames tracked at reduced size.
    """

    def __init__(self, full: BarTracker, reduced: BarTracker | None = None) -> None:
        self.full, self.reduced = full, reduced
        self.handovers = 0
        self.reduced_frames = 0
        self._reduction: int | None = None  # of the frame before (None: no frame yet)

    def update(self, frame: Frame, *, hands_xy_px: FloatArray | None = None) -> BarDetection:
        """See ``BarTracker.update``; ``hands_xy_px`` in the full frame's pixels."""
        reduction = reduction_of(frame)
        if reduction != 1 and self.reduced is None:
            raise InputError("a reduced frame reached a FullFrameTracker without a reduced tracker")
        if reduction != self._reduction:
            first = self._reduction is None
            self._reduction = reduction
            if not first:  # the other size's tracker remembers older frames: it starts afresh
                self.handovers += 1
                self._tracker().reset()
        if reduction != 1:
            self.reduced_frames += 1
        found = self._tracker().update(frame, hands_xy_px=_scaled_hands(hands_xy_px, 1.0 / reduction))
        return scaled(found, reduction)

    def reset(self) -> None:
        """Forget everything, as before the first frame."""
        self.full.reset()
        if self.reduced is not None:
            self.reduced.reset()

    def _tracker(self) -> BarTracker:
        if self._reduction == 1 or self.reduced is None:
            return self.full
        return self.reduced


class FullFramePose:
    """A pose estimator fed frames at full or reduced size, reporting in the full frame's pixels (a
    ``PreparingPoseEstimator``; an estimator that cannot prepare ahead prepares nothing)."""

    def __init__(self, pose: PoseEstimator) -> None:
        self.inner = pose
        self._preparing = pose if isinstance(pose, PreparingPoseEstimator) else None

    def estimate(self, frame: Frame) -> tuple[FloatArray, FloatArray]:
        joints_xy_px, visibility = self.inner.estimate(frame)
        return joints_xy_px * reduction_of(frame), visibility

    def detect(self, frame: Frame) -> PoseResult:
        return scaled(self.inner.detect(frame), reduction_of(frame))

    def prepare(self, frame: Frame) -> object:
        return frame if self._preparing is None else self._preparing.prepare(frame)

    def detect_prepared(self, frame: Frame, prepared: object) -> PoseResult:
        if self._preparing is None:
            return self.detect(frame)
        return scaled(self._preparing.detect_prepared(frame, prepared), reduction_of(frame))
