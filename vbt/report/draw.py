"""Drawing helpers for the annotated video: anti-aliased text and see-through panels."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
Colour = tuple[int, int, int]


class Text:
    """Anti-aliased text: OpenCV 5's built-in sans font, or Hershey on older OpenCV."""

    def __init__(self) -> None:
        self._face = cv2.FontFace("sans") if hasattr(cv2, "FontFace") else None

    def size(self, text: str, size_px: float, weight: int = 400) -> tuple[int, int]:
        """(width, height) in pixels of ``text`` at ``size_px``."""
        if self._face is not None:
            _, _, w, h = cv2.getTextSize((4096, 4096), text, (0, 0), self._face, int(size_px), weight)
            return int(w), int(h)
        (w, h), _ = cv2.getTextSize(
            text, cv2.FONT_HERSHEY_DUPLEX, size_px / 30.0, self._thick(size_px, weight)
        )
        return int(w), int(h)

    def put(
        self, image: Image, text: str, org: tuple[int, int], colour: Colour, size_px: float, weight: int = 400
    ) -> None:
        """Draw ``text`` with its baseline's left end at ``org``."""
        if self._face is not None:
            cv2.putText(image, text, org, colour, self._face, int(size_px), weight)
        else:
            scale = size_px / 30.0
            cv2.putText(
                image,
                text,
                org,
                cv2.FONT_HERSHEY_DUPLEX,
                scale,
                colour,
                self._thick(size_px, weight),
                cv2.LINE_AA,
            )

    @staticmethod
    def _thick(size_px: float, weight: int) -> int:
        return max(1, round(size_px / 30.0 * (2 if weight >= 600 else 1)))


def darken(image: Image, x0: int, y0: int, x1: int, y1: int, *, alpha: float = 0.6) -> None:
    """Darken a rectangle (a panel behind text); clipped to the image."""
    h, w = image.shape[:2]
    x0, x1 = max(0, x0), min(w, x1)
    y0, y1 = max(0, y0), min(h, y1)
    if x1 > x0 and y1 > y0:
        roi = image[y0:y1, x0:x1]
        roi[:] = cv2.convertScaleAbs(roi, alpha=1.0 - alpha)
