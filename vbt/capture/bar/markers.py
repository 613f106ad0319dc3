"""Bar trackers that follow something put on the bar (an ArUco marker, a coloured dot), and the
last resort that follows the lifter's wrists.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from vbt.capture.bar.image import Image, crop_resized
from vbt.capture.bar.types import BarDetection, BarMethod, check_frame, hands_midpoint
from vbt.capture.dot_colours import DOT_COLOURS
from vbt.errors import InputError, VideoError
from vbt.types import FloatArray, Frame


def aruco_dictionary(name: str) -> cv2.aruco.Dictionary:
    """An OpenCV predefined ArUco dictionary by name, e.g. ``"DICT_4X4_50"``."""
    key = name.upper() if name.upper().startswith("DICT_") else "DICT_" + name.upper()
    value = getattr(cv2.aruco, key, None)
    if not isinstance(value, int):
        raise InputError(
            f"unknown ArUco dictionary {name!r}; use one of OpenCV's names such as DICT_4X4_50, "
            "DICT_5X5_100 or DICT_6X6_250"
        )
    return cv2.aruco.getPredefinedDictionary(value)


class ArucoTracker:
    """Follow a square ArUco marker taped to the sleeve end.

    Each frame is searched near the last detection first (a window of a few marker sizes), and the
    whole frame when that fails. The marker's centre is the bar position; its side in pixels gives
    the scale when the printed side is known.

    Parameters:
        dictionary: OpenCV dictionary name.
        marker_id: the id to follow; None follows whichever marker is closest to the last one.
        marker_side_m: printed side of the black square, metres; enables ``metres_per_px``.
    """

    method = BarMethod.ARUCO

    def __init__(
        self,
        *,
        dictionary: str = "DICT_4X4_50",
        marker_id: int | None = None,
        marker_side_m: float | None = None,
    ) -> None:
        if marker_side_m is not None and not marker_side_m > 0:
            raise InputError(f"the marker's side must be a positive length in metres, got {marker_side_m}")
        parameters = cv2.aruco.DetectorParameters()
        parameters.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
        self._detector = cv2.aruco.ArucoDetector(aruco_dictionary(dictionary), parameters)
        self.marker_id = marker_id
        self.marker_side_m = marker_side_m
        self.reset()

    def reset(self) -> None:
        self._last_t_s = -math.inf
        self._last_xy = np.full(2, np.nan)
        self._last_side_px = math.nan
        self._sides_px: list[float] = []

    @property
    def metres_per_px(self) -> float:
        """Printed side over the median side seen so far; NaN without a side or a detection."""
        if self.marker_side_m is None or not self._sides_px:
            return math.nan
        return self.marker_side_m / float(np.median(self._sides_px))

    def update(self, frame: Frame, *, hands_xy_px: FloatArray | None = None) -> BarDetection:
        """Find the marker in ``frame``; ``hands_xy_px`` is not needed and is ignored."""
        check_frame(frame, self._last_t_s)
        self._last_t_s = frame.t_s
        corners = None
        if np.all(np.isfinite(self._last_xy)):
            half = int(3.0 * self._last_side_px) + 16
            x, y = int(self._last_xy[0]), int(self._last_xy[1])
            cropped = crop_resized(frame.image, x - half, y - half, x + half, y + half, 1.0)
            if cropped is not None:
                corners = self._detect(cropped[0], cropped[1].x0, cropped[1].y0)
        if corners is None:
            corners = self._detect(frame.image, 0, 0)
        if corners is None:
            self._last_xy = np.full(2, np.nan)
            return BarDetection.missing(frame.t_s, self.method)
        sides = np.hypot(*(corners - np.roll(corners, -1, axis=0)).T)
        side_px = float(sides.mean())
        self._last_xy, self._last_side_px = corners.mean(axis=0), side_px
        self._sides_px.append(side_px)
        # Small markers locate less precisely; below ~12 px they are barely decodable.
        confidence = float(min(1.0, max(0.2, side_px / 24.0)))
        return BarDetection(
            t_s=frame.t_s,
            xy_px=self._last_xy.copy(),
            confidence=confidence,
            method=self.method,
            marker_side_px=side_px,
        )

    def _detect(self, image: Image, x0: int, y0: int) -> FloatArray | None:
        """(4, 2) corners, in frame pixels, of the marker to follow, or None."""
        try:
            found, ids, _ = self._detector.detectMarkers(image)
        except cv2.error as exc:
            raise VideoError(f"ArUco detection failed: {exc}") from exc
        if ids is None or len(found) == 0:
            return None
        options = [
            np.asarray(c, dtype=np.float64).reshape(4, 2) + np.array([x0, y0])
            for c, i in zip(found, ids.ravel(), strict=True)
            if self.marker_id is None or int(i) == self.marker_id
        ]
        if not options:
            return None
        chosen: FloatArray
        if np.all(np.isfinite(self._last_xy)):
            chosen = min(options, key=lambda c: float(np.hypot(*(c.mean(axis=0) - self._last_xy))))
        else:
            chosen = max(options, key=lambda c: float(cv2.contourArea(c.astype(np.float32))))
        return chosen


class ColorMarkerTracker:
    """Follow a coloured dot on the sleeve end by its HSV colour range.

    Parameters:
        hsv_low, hsv_high: inclusive OpenCV HSV bounds (H 0..179, S and V 0..255). When the low hue
            is larger than the high hue the range wraps around red (e.g. 170..10).
        max_dim_px: larger side of the reduced image searched when the dot is not being followed.
        min_area_frac: smallest dot, as a fraction of the reduced image's area.
    """

    method = BarMethod.COLOR

    def __init__(
        self,
        *,
        hsv_low: tuple[int, int, int] = (45, 120, 100),
        hsv_high: tuple[int, int, int] = (80, 255, 255),
        max_dim_px: int = 640,
        min_area_frac: float = 2e-5,
    ) -> None:
        self.hsv_low = hsv_low
        self.hsv_high = hsv_high
        self.max_dim_px = max_dim_px
        self.min_area_frac = min_area_frac
        self.reset()

    @classmethod
    def of_colour(cls, name: str) -> ColorMarkerTracker:
        """The tracker of a dot of a :data:`DOT_COLOURS` colour.

        Raises:
            InputError: an unknown colour name.
        """
        if name not in DOT_COLOURS:
            raise InputError(f"unknown dot colour {name!r}; use one of {', '.join(DOT_COLOURS)}")
        low, high = DOT_COLOURS[name]
        return cls(hsv_low=low, hsv_high=high)

    def reset(self) -> None:
        self._last_t_s = -math.inf
        self._last_xy = np.full(2, np.nan)
        self._last_size_px = math.nan

    def update(self, frame: Frame, *, hands_xy_px: FloatArray | None = None) -> BarDetection:
        """Find the dot in ``frame``: near the last one first, else anywhere (nearest the hands)."""
        check_frame(frame, self._last_t_s)
        self._last_t_s = frame.t_s
        image = frame.image
        h, w = image.shape[:2]
        found = None
        if np.all(np.isfinite(self._last_xy)):
            half = int(6.0 * self._last_size_px) + 24
            x, y = int(self._last_xy[0]), int(self._last_xy[1])
            found = self._find(image, (x - half, y - half, x + half, y + half), 1.0, self._last_xy)
        if found is None:
            scale = min(1.0, self.max_dim_px / max(h, w))
            found = self._find(image, (0, 0, w, h), scale, hands_midpoint(hands_xy_px))
        if found is None:
            self._last_xy = np.full(2, np.nan)
            return BarDetection.missing(frame.t_s, self.method)
        xy, size_px, fill = found
        self._last_xy, self._last_size_px = xy, size_px
        # A disc fills pi/4 of its bounding box; blur and partial views fill less.
        confidence = float(min(1.0, max(0.1, fill / (math.pi / 4.0))))
        return BarDetection(t_s=frame.t_s, xy_px=xy.copy(), confidence=confidence, method=self.method)

    def _mask(self, bgr: Image) -> Image:
        hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
        low, high = self.hsv_low, self.hsv_high
        if low[0] <= high[0]:
            return np.asarray(cv2.inRange(hsv, low, high), dtype=np.uint8)
        # The hue range wraps around 180 (reds).
        upper = np.asarray(cv2.inRange(hsv, low, (179, high[1], high[2])), dtype=np.uint8)
        lower = np.asarray(cv2.inRange(hsv, (0, low[1], low[2]), high), dtype=np.uint8)
        return np.maximum(upper, lower)

    def _find(
        self, image: Image, box: tuple[int, int, int, int], scale: float, near_xy: FloatArray
    ) -> tuple[FloatArray, float, float] | None:
        """(centre (2,) frame px, size px, fill ratio) of the best blob in ``box``, or None."""
        cropped = crop_resized(image, *box, scale)
        if cropped is None:
            return None
        crop, window = cropped
        mask = cv2.morphologyEx(self._mask(crop), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        count, _, stats, centroids = cv2.connectedComponentsWithStats(mask)
        min_area = max(4.0, self.min_area_frac * mask.size) if scale < 1.0 else 4.0
        blobs = [i for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] >= min_area]
        if not blobs:
            return None
        if np.all(np.isfinite(near_xy)):
            target = window.to_window(near_xy)
            best = min(blobs, key=lambda i: float(np.hypot(*(centroids[i] - target))))
        else:
            best = max(blobs, key=lambda i: int(stats[i, cv2.CC_STAT_AREA]))
        area = float(stats[best, cv2.CC_STAT_AREA])
        bw, bh = float(stats[best, cv2.CC_STAT_WIDTH]), float(stats[best, cv2.CC_STAT_HEIGHT])
        centre = window.to_frame(np.asarray(centroids[best], dtype=np.float64))
        return centre, max(bw, bh) / window.scale, area / max(1.0, bw * bh)


class WristMidpointTracker:
    """Last resort: the midpoint of the lifter's wrists from pose, flagged as low accuracy.

    The hands are on the bar, but the wrist landmarks sit a few centimetres from it and move with
    the wrists' flexion, so positions and velocities are only approximate. Confidence is capped at
    ``max_confidence``.
    """

    method = BarMethod.WRISTS

    def __init__(self, *, max_confidence: float = 0.3) -> None:
        self.max_confidence = max_confidence
        self.reset()

    def reset(self) -> None:
        self._last_t_s = -math.inf

    def update(self, frame: Frame, *, hands_xy_px: FloatArray | None = None) -> BarDetection:
        """The wrists' midpoint; NaN when pose gave no wrist (``hands_xy_px`` None or all NaN)."""
        check_frame(frame, self._last_t_s, image=False)
        self._last_t_s = frame.t_s
        xy = hands_midpoint(hands_xy_px)
        if not np.all(np.isfinite(xy)):
            return BarDetection.missing(frame.t_s, self.method)
        return BarDetection(t_s=frame.t_s, xy_px=xy, confidence=self.max_confidence, method=self.method)
