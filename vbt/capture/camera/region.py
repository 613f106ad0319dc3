"""Where the background is not: the lifter (from the pose) and the plate (from the bar detection).

Both regions are drawn into a mask of the estimator's small grey image (255 background, 0 not), in
its pixels: ``to_work`` is the 3 x 3 matrix taking a video pixel ``(x, y, 1)`` there.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.bar import BarDetection, BarMethod
from vbt.capture.pose import PoseResult
from vbt.types import JOINT_NAMES, FloatArray

Mask = npt.NDArray[np.uint8]

_SHOULDER, _HIP, _KNEE, _ANKLE = (JOINT_NAMES.index(n) for n in ("shoulder", "hip", "knee", "ankle"))
#: Segment lengths as fractions of height (Winter, Biomechanics and Motor Control of Human Movement,
#: 4th ed., fig. 4.1): trunk (shoulder to hip) 0.288, thigh 0.245, shank 0.246. A thigh or a shank
#: stands in for the trunk when the shoulder or the hip is not seen.
_TRUNK_PER_SEGMENT = ((_SHOULDER, _HIP, 1.0), (_HIP, _KNEE, 0.288 / 0.245), (_KNEE, _ANKLE, 0.288 / 0.246))


def apply(matrix: FloatArray, xy_px: npt.ArrayLike) -> FloatArray:
    """(..., 2) points through the affine part of a 3 x 3 (or 2 x 3) matrix."""
    xy = np.asarray(xy_px, dtype=np.float64)
    out: FloatArray = xy @ matrix[:2, :2].T + matrix[:2, 2]
    return out


def trunk_length_px(joints_xy_px: FloatArray) -> float:
    """The trunk's length (shoulder to hip) in the joints' pixels, or a thigh's or shank's scaled to
    it when the trunk is not seen; NaN when no segment is."""
    for a, b, factor in _TRUNK_PER_SEGMENT:
        length = float(np.hypot(*(joints_xy_px[a] - joints_xy_px[b])))
        if math.isfinite(length) and length > 0:
            return factor * length
    return math.nan


def lifter_points_px(pose: PoseResult) -> FloatArray:
    """(K, 2) the pose's seen points (joints, heel, wrists), video pixels."""
    points = np.vstack([pose.joints_xy_px, pose.heel_xy_px.reshape(1, 2), pose.wrists_xy_px])
    return np.asarray(points[np.isfinite(points).all(axis=1)], dtype=np.float64)


def background_mask(
    shape: tuple[int, int],
    to_work: FloatArray,
    *,
    pose: PoseResult | None,
    bar: BarDetection | None,
    lifter_margin_trunks: float,
    plate_margin_radii: float,
) -> Mask:
    """(H, W) uint8 of the work image: 255 where background may be, 0 on the lifter and the plate.

    The lifter: the convex outline of the pose's seen points grown by ``lifter_margin_trunks``
    trunk lengths (nothing when pose saw no one). The plate: its circle grown to
    ``plate_margin_radii`` radii (a marker: its square's half diagonal; nothing when not seen).
    """
    mask = np.full(shape, 255, np.uint8)
    mean_scale = float(np.sqrt(abs(np.linalg.det(to_work[:2, :2]))))
    if pose is not None:
        points = lifter_points_px(pose)
        trunk = trunk_length_px(pose.joints_xy_px)
        if points.shape[0] and math.isfinite(trunk):
            hull = cv2.convexHull(np.round(apply(to_work, points)).astype(np.int32))
            cv2.fillConvexPoly(mask, hull, 0)
            margin = max(1, round(lifter_margin_trunks * trunk * mean_scale))
            cv2.polylines(mask, [hull], isClosed=True, color=0, thickness=2 * margin)
    if bar is not None and bar.detected:
        radius = bar.radius_px
        if bar.method is BarMethod.ARUCO and math.isfinite(bar.marker_side_px):
            radius = bar.marker_side_px / math.sqrt(2.0)
        if math.isfinite(radius) and radius > 0:
            centre = np.round(apply(to_work, bar.xy_px)).astype(int)
            grown = max(1, round(plate_margin_radii * radius * mean_scale))
            cv2.circle(mask, (int(centre[0]), int(centre[1])), grown, 0, -1)
    return mask


def in_background(mask: Mask, xy_work: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """(K,) True where work-image points (K, 2) fall inside the image on the mask's background."""
    h, w = mask.shape
    points = np.asarray(xy_work, dtype=np.float64).reshape(-1, 2)
    xy = np.round(np.clip(np.nan_to_num(points, nan=-1.0), -1.0, float(max(h, w)))).astype(np.int64)
    x, y = xy[:, 0], xy[:, 1]
    inside = (x >= 0) & (x < w) & (y >= 0) & (y < h)
    out = np.zeros(points.shape[0], dtype=bool)
    out[inside] = mask[y[inside], x[inside]] > 0
    return out
