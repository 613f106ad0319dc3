"""What a bar tracker reports for one frame, and the interface every bar tracker implements."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

import numpy as np

from vbt.errors import InputError, VideoError
from vbt.types import FloatArray, Frame


class BarMethod(StrEnum):
    """How a bar position was obtained, from the most to the least accurate (``EDGE_ON``: the plates
    seen edge-on from the front or the back, ``vbt.capture.bar.edge_on``)."""

    ARUCO = "aruco"
    COLOR = "color"
    PLATE = "plate"
    EDGE_ON = "edge_on"
    WRISTS = "wrists"

    @property
    def low_accuracy(self) -> bool:
        """True for methods a report should flag (the wrists are not the bar)."""
        return self is BarMethod.WRISTS


def _nan2() -> FloatArray:
    return np.full(2, np.nan)


@dataclass(frozen=True, eq=False)
class BarDetection:
    """The bar as seen in one frame, in the frame's pixels (x right, y down).

    Attributes:
        t_s: the frame's time in seconds (copied from ``Frame.t_s``).
        xy_px: (2,) bar position: the plate's centre, the marker's centre or the wrists' midpoint.
            NaN when the bar was not seen in this frame (never a prediction).
        confidence: 0..1; 0 when ``xy_px`` is NaN.
        method: how the position was found.
        radius_px: the plate's radius (mean of the ellipse's semi-axes when seen off-axis); NaN when
            unknown (marker and wrist trackers).
        ellipse_axes_px: (2,) the plate outline's semi-axes (major, minor), NaN when not fitted.
        ellipse_angle_deg: direction of the major axis, degrees in [0, 180) from the image x axis
            towards y (down); NaN when not fitted.
        marker_side_px: mean side length of a square marker (ArUco), NaN otherwise.
    """

    t_s: float
    xy_px: FloatArray
    confidence: float
    method: BarMethod
    radius_px: float = math.nan
    ellipse_axes_px: FloatArray = field(default_factory=_nan2)
    ellipse_angle_deg: float = math.nan
    marker_side_px: float = math.nan

    def __post_init__(self) -> None:
        for name in ("xy_px", "ellipse_axes_px"):
            value = getattr(self, name)
            if np.shape(value) != (2,):
                raise ValueError(f"{name} must have shape (2,), got {np.shape(value)}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be within 0..1, got {self.confidence}")

    @property
    def detected(self) -> bool:
        """True when the bar was seen in this frame."""
        return bool(np.all(np.isfinite(self.xy_px)))

    @property
    def axis_ratio(self) -> float:
        """Minor over major semi-axis of the plate outline (1 when seen side-on); NaN if unknown."""
        major, minor = (float(v) for v in self.ellipse_axes_px)
        return minor / major if major > 0 else math.nan

    @classmethod
    def missing(cls, t_s: float, method: BarMethod) -> BarDetection:
        """A frame in which the bar was not seen."""
        return cls(t_s=t_s, xy_px=_nan2(), confidence=0.0, method=method)


class BarTracker(Protocol):
    """A state machine fed one frame at a time, in time order.

    Implementations keep what they learned from earlier frames (position, velocity, appearance)
    and return one ``BarDetection`` per frame, with NaN position where the bar was not seen.
    """

    def update(self, frame: Frame, *, hands_xy_px: FloatArray | None = None) -> BarDetection:
        """Find the bar in ``frame``.

        Parameters:
            frame: the next frame; its ``t_s`` must be later than the previous one's.
            hands_xy_px: (H, 2) positions of the lifter's hands or wrists in this frame's pixels
                (rows may be NaN), from pose; ``None`` when no pose ran.
        """
        ...

    def reset(self) -> None:
        """Forget everything, as before the first frame."""
        ...


@runtime_checkable
class RevisingBarTracker(BarTracker, Protocol):
    """A bar tracker that can measure earlier frames again once it knows more (``PlateTracker``:
    the frames just before it moved from a still plate to the moving one)."""

    def take_revisions(self) -> list[BarDetection]:
        """Detections for earlier frames since the last call, oldest first; a caller holding
        those frames' detections replaces the ones of the same ``t_s``."""
        ...


def stack_detections(
    detections: list[BarDetection],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Parallel arrays of a sequence of detections.

    Returns:
        t_s (N,), xy_px (N, 2) with NaN rows where the bar was not seen, confidence (N,).
    """
    n = len(detections)
    t_s = np.array([d.t_s for d in detections], dtype=np.float64).reshape(n)
    xy_px = np.array([d.xy_px for d in detections], dtype=np.float64).reshape(n, 2)
    confidence = np.array([d.confidence for d in detections], dtype=np.float64).reshape(n)
    return t_s, xy_px, confidence


def hands_midpoint(hands_xy_px: FloatArray | None) -> FloatArray:
    """(2,) mean of the finite rows of ``hands_xy_px`` (H, 2) or (2,); NaN when there are none."""
    if hands_xy_px is None:
        return _nan2()
    hands = np.asarray(hands_xy_px, dtype=np.float64).reshape(-1, 2)
    finite = hands[np.all(np.isfinite(hands), axis=1)]
    if finite.shape[0] == 0:
        return _nan2()
    out: FloatArray = finite.mean(axis=0)
    return out


def check_frame(frame: Frame, last_t_s: float, *, image: bool = True) -> None:
    """What every tracker's ``update`` checks first: ``frame`` later than ``last_t_s`` (else
    ``InputError``) and, with ``image``, a BGR uint8 image (else ``VideoError``)."""
    if frame.t_s <= last_t_s:
        raise InputError(
            f"frame {frame.index} at {frame.t_s:.4f} s is not later than the previous frame "
            f"({last_t_s:.4f} s); feed frames in time order, or call reset() first"
        )
    pixels = frame.image
    if image and (pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.dtype != np.uint8):
        raise VideoError(
            f"frame {frame.index} is not a BGR uint8 image (shape {pixels.shape}, {pixels.dtype})"
        )
