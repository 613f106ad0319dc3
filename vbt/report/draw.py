"""Drawing on video frames, shared by the annotated video (`vbt.report.overlay`) and the live screen
(`vbt.live.screen`): anti-aliased text, see-through panels, the bar's trail and the skeleton.

Each function draws what its arguments say (colours and sizes come from the caller, which takes them
from `vbt.report.style`) onto the image it is given, in place (a video frame is not copied once per
drawing), and returns that image.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import numpy.typing as npt

from vbt.types import JOINT_NAMES, FloatArray

Image = npt.NDArray[np.uint8]
Colour = tuple[int, int, int]
IntArray = npt.NDArray[np.int32]


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


#: Bones of the skeleton, as pairs of indices into ``vbt.types.JOINT_NAMES`` (toe to shoulder: a chain).
BONES: tuple[tuple[int, int], ...] = tuple((i, i + 1) for i in range(len(JOINT_NAMES) - 1))


def draw_paths(
    image: Image,
    paths: Sequence[IntArray],
    colours: Sequence[Colour],
    *,
    width_px: int,
    shadow: Colour | None = None,
) -> Image:
    """Draw each path as one anti-aliased polyline in its colour: the bar's trail.

    Args:
        image: (H, W, 3) BGR, drawn on in place and returned.
        paths: each a (K, 2) int32 array of pixel points (x right, y down), K >= 2; a path is not
            joined to the next one (a gap in the track, or a change of colour, starts a new path).
        colours: one BGR colour per path.
        width_px: the line's width.
        shadow: when given, every path is first drawn in this colour 2 px wider (all of them before
            any path), so the trail stays visible on a background of its own colour.
    """
    if shadow is not None:
        for path in paths:
            cv2.polylines(image, [path.reshape(-1, 1, 2)], False, shadow, width_px + 2, cv2.LINE_AA)
    for path, colour in zip(paths, colours, strict=True):
        cv2.polylines(image, [path.reshape(-1, 1, 2)], False, colour, width_px, cv2.LINE_AA)
    return image


def draw_skeleton(
    image: Image,
    joints_xy_px: FloatArray,
    *,
    bone: Colour,
    bone_width_px: int,
    joint_colours: Sequence[Colour],
    joint_radius_px: int,
    shadow: Colour | None = None,
) -> Image:
    """Draw the lifter's bones (:data:`BONES`) and joints; a joint not seen (NaN) and its bones are left out.

    Args:
        image: (H, W, 3) BGR, drawn on in place and returned.
        joints_xy_px: (J, 2) joints in ``JOINT_NAMES`` order, pixels, NaN where not seen.
        bone: the bones' BGR colour.
        bone_width_px: the bones' width.
        joint_colours: one BGR colour per joint (J).
        joint_radius_px: the radius of the joints' filled dots.
        shadow: when given, each bone is outlined 2 px wider and each joint 1 px larger in this colour.
    """
    ok = np.all(np.isfinite(joints_xy_px), axis=1)
    points = np.round(np.where(ok[:, None], joints_xy_px, 0.0)).astype(np.int32)
    for a, b in BONES:
        if ok[a] and ok[b]:
            p, q = (int(points[a, 0]), int(points[a, 1])), (int(points[b, 0]), int(points[b, 1]))
            if shadow is not None:
                cv2.line(image, p, q, shadow, bone_width_px + 2, cv2.LINE_AA)
            cv2.line(image, p, q, bone, bone_width_px, cv2.LINE_AA)
    for j in (int(i) for i in np.flatnonzero(ok)):
        centre = (int(points[j, 0]), int(points[j, 1]))
        if shadow is not None:
            cv2.circle(image, centre, joint_radius_px + 1, shadow, -1, cv2.LINE_AA)
        cv2.circle(image, centre, joint_radius_px, joint_colours[j], -1, cv2.LINE_AA)
    return image
