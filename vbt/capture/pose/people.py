"""A person in the picture as MediaPipe's 33 landmarks: its size, whether two are one, an image
with only one of them left.

Landmarks are (33, 2) pixel positions (x right, y down), finite however visible (MediaPipe guesses
hidden ones); more columns are ignored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from vbt.calibration.body import SEGMENTS
from vbt.capture.pose.result import LANDMARKS
from vbt.errors import InputError
from vbt.types import FloatArray

#: Shoulder to hip landmark as a fraction of stature: the acromion at 0.818 H less the greater
#: trochanter at 0.530 H (Drillis & Contini 1966, as tabulated in D. A. Winter, *Biomechanics and
#: Motor Control of Human Movement*, 4th ed., 2009, fig. 4.1).
TORSO_FRACTION = 0.818 - 0.530

#: (first landmark, second landmark, fraction of stature) of the segments that measure a person.
STATURE_SEGMENTS: tuple[tuple[str, str, float], ...] = (
    ("shoulder", "hip", TORSO_FRACTION),
    *SEGMENTS.values(),
)
_LAST_INDEX = max(max(pair) for pair in LANDMARKS.values())


def _points(landmarks_xy_px: FloatArray) -> FloatArray:
    points = np.asarray(landmarks_xy_px, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] < 2 or points.shape[0] <= _LAST_INDEX:
        raise InputError(f"landmarks must be (33, 2) pixel positions, got shape {points.shape}")
    return points[:, :2]


def stature_px(landmarks_xy_px: FloatArray) -> float:
    """A person's stature in pixels, as its longest segment implies.

    Parameters:
        landmarks_xy_px: (33, 2) MediaPipe landmarks in pixels (more columns are ignored).

    Returns:
        The largest of torso, thigh and shank length (each the longer of the two sides) over its
        fraction of stature (``STATURE_SEGMENTS``); NaN segments are left out, NaN when all are.
    """
    points = _points(landmarks_xy_px)
    best = math.nan
    for first, second, fraction in STATURE_SEGMENTS:
        a, b = points[list(LANDMARKS[first])], points[list(LANDMARKS[second])]
        lengths = np.hypot(*(a - b).T)
        if np.isfinite(lengths).any():
            best = float(np.nanmax([best, float(np.nanmax(lengths)) / fraction]))
    return best


def box_overlap(a_xy_px: FloatArray, b_xy_px: FloatArray) -> float:
    """Intersection over union of two skeletons' landmark bounding boxes (0..1; NaN when either
    has no finite landmark)."""
    a, b = _points(a_xy_px), _points(b_xy_px)
    if not (np.isfinite(a).all(axis=1).any() and np.isfinite(b).all(axis=1).any()):
        return math.nan
    a_low, a_high = np.nanmin(a, axis=0), np.nanmax(a, axis=0)
    b_low, b_high = np.nanmin(b, axis=0), np.nanmax(b, axis=0)
    common = float(np.prod(np.clip(np.minimum(a_high, b_high) - np.maximum(a_low, b_low), 0.0, None)))
    union = float(np.prod(a_high - a_low) + np.prod(b_high - b_low)) - common
    return common / union if union > 0 else 0.0


def same_person(
    a_xy_px: FloatArray, b_xy_px: FloatArray, *, tolerance_frac: float, min_overlap: float = 0.0
) -> bool:
    """True when two (33, 2) skeletons are one person measured twice.

    Their landmarks must lie close: the median distance between corresponding landmarks below
    ``tolerance_frac`` of the shorter one's stature (the median, so that a few landmarks guessed
    differently, or an arm that moved, do not matter; the shorter one's stature, so that a small
    person is not taken for a big one nearby). And their outlines must overlap: the intersection over
    union of their landmarks' boxes at least ``min_overlap`` (a small person seen inside a big one's
    outline, a seated spectator behind the lifter, overlaps it by the ratio of their areas only).
    False when either cannot be sized.
    """
    a, b = _points(a_xy_px), _points(b_xy_px)
    if a.shape != b.shape:
        return False
    distances = np.hypot(*(a - b).T)
    sizes = [stature_px(a), stature_px(b)]
    if not all(math.isfinite(v) for v in sizes) or not np.isfinite(distances).any():
        return False
    if float(np.nanmedian(distances)) >= tolerance_frac * min(sizes):
        return False
    return min_overlap <= 0 or box_overlap(a, b) >= min_overlap


def _box(landmarks_xy_px: FloatArray, pad_px: float, width: int, height: int) -> tuple[slice, slice]:
    """(rows, columns) slices of the landmarks' bounding box widened by ``pad_px``, inside the image."""
    points = _points(landmarks_xy_px)
    low = np.nanmin(points, axis=0) - pad_px
    high = np.nanmax(points, axis=0) + pad_px
    x0, y0 = (max(0, math.floor(v)) for v in low)
    x1, y1 = min(width, math.ceil(high[0])), min(height, math.ceil(high[1]))
    return slice(y0, max(y0, y1)), slice(x0, max(x0, x1))


def seed_image(
    rgb: npt.NDArray[np.uint8],
    keep_xy_px: FloatArray,
    hide_xy_px: Sequence[FloatArray] = (),
    *,
    pad_frac: float,
    fill: int = 127,
) -> npt.NDArray[np.uint8]:
    """A copy of an image in which only one person is left to be found.

    Parameters:
        rgb: (H, W, 3) image.
        keep_xy_px: (33, 2) landmarks of the person to keep.
        hide_xy_px: (33, 2) landmarks of each person to hide.
        pad_frac: room kept around the person, as a fraction of its stature.
        fill: the grey level of everything else.

    Returns:
        (H, W, 3): ``fill`` outside the kept person's box widened by ``pad_frac`` of its stature and
        inside the boxes of the people hidden, except where those overlap the kept person's own box.
    """
    height, width = rgb.shape[:2]
    seeded = np.full_like(rgb, fill)
    pad_px = pad_frac * stature_px(keep_xy_px)
    room = _box(keep_xy_px, pad_px if math.isfinite(pad_px) else 0.0, width, height)
    seeded[room] = rgb[room]
    for other in hide_xy_px:
        seeded[_box(other, 0.0, width, height)] = fill
    own = _box(keep_xy_px, 0.0, width, height)
    seeded[own] = rgb[own]
    return seeded
