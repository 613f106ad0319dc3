"""Image helpers of the bar finder: a crop of the frame, reduced, and its mapping back to the frame.

Coordinates are (x, y) pixels, x right and y down; pixel centres map onto pixel centres.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from vbt.types import FloatArray

Image = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Window:
    """A crop of the frame starting at (x0, y0), resized by (sx, sy)."""

    x0: int
    y0: int
    sx: float
    sy: float

    def to_frame(self, xy: FloatArray) -> FloatArray:
        """(2,) window pixel -> frame pixel (pixel centres map onto pixel centres)."""
        return np.array([(xy[0] + 0.5) / self.sx - 0.5 + self.x0, (xy[1] + 0.5) / self.sy - 0.5 + self.y0])

    def to_window(self, xy: FloatArray) -> FloatArray:
        """(2,) frame pixel -> window pixel."""
        return np.array([(xy[0] - self.x0 + 0.5) * self.sx - 0.5, (xy[1] - self.y0 + 0.5) * self.sy - 0.5])

    @property
    def scale(self) -> float:
        return 0.5 * (self.sx + self.sy)

    def rect_to_window(
        self, rect_px: tuple[float, float, float, float] | None
    ) -> tuple[float, float, float, float] | None:
        """A frame rectangle (x0, y0, x1, y1; x1, y1 excluded) in window pixels, or None for None."""
        if rect_px is None:
            return None
        x0, y0, x1, y1 = rect_px
        lo = self.to_window(np.array([x0, y0], dtype=np.float64))
        hi = self.to_window(np.array([x1 - 1.0, y1 - 1.0], dtype=np.float64)) + 1.0
        return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


def crop_resized(
    image: Image, x0: int, y0: int, x1: int, y1: int, scale: float
) -> tuple[Image, Window] | None:
    """The part of ``image`` in [x0, x1) x [y0, y1) (clipped), scaled by ``scale`` <= 1.

    Returns None when less than 8 x 8 pixels of the crop lie inside the image.
    """
    h, w = image.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    crop = image[y0:y1, x0:x1]
    # Halving has a fast area-averaging path in OpenCV; the last factor (0.5..1) is linear.
    while scale <= 0.5 and min(crop.shape[:2]) >= 16:
        crop = np.asarray(
            cv2.resize(crop, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA), dtype=np.uint8
        )
        scale *= 2.0
    if scale < 1.0:
        size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
        crop = np.asarray(cv2.resize(crop, size, interpolation=cv2.INTER_LINEAR), dtype=np.uint8)
    return crop, Window(x0, y0, crop.shape[1] / (x1 - x0), crop.shape[0] / (y1 - y0))


def to_gray(image: Image) -> Image:
    if image.ndim == 2:
        return image
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
