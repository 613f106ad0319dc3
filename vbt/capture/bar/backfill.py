"""Frames just before a track started, to follow its plate back through them.

A track that starts on a plate leaning on the wall moves to the loaded plate a few frames after
the bar has begun to move (the motion must show first). Those frames were reported with the wall
plate; following the loaded plate backwards from where it was found, through the gray images of
the frames before (kept in a small ring buffer), measures them again.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable

import numpy as np

from vbt.capture.bar.fit import Found, fit_near
from vbt.capture.bar.image import Image, to_gray
from vbt.capture.bar.search import outline
from vbt.capture.bar.types import BarDetection
from vbt.types import FloatArray


class RecentFrames:
    """Gray copies of the frames of the last ``span_s`` seconds, newest last."""

    def __init__(self, *, span_s: float) -> None:
        self.span_s = span_s
        self._frames: deque[tuple[float, Image]] = deque()

    def __len__(self) -> int:
        return len(self._frames)

    def push(self, t_s: float, image: Image) -> None:
        """Keep a gray copy of ``image`` (H, W, 3) BGR taken at ``t_s``; forget what is too old."""
        if self.span_s <= 0.0:
            return
        self._frames.append((t_s, to_gray(image).copy()))
        while self._frames and self._frames[0][0] < t_s - self.span_s:
            self._frames.popleft()

    def clear(self) -> None:
        self._frames.clear()

    def newest_first(self) -> list[tuple[float, Image]]:
        return list(reversed(self._frames))


def track_back(
    frames: Iterable[tuple[float, Image]],
    start_xy: FloatArray,
    radius_px: float,
    *,
    work_radius_px: float,
    min_edge: float,
    min_inliers: float,
    min_outline: float,
) -> list[tuple[float, Found]]:
    """The plate found at ``start_xy`` followed back through ``frames`` (newest first).

    Each frame's rim is fitted at the plate's radius within 15 % of it from where it was found in
    the frame after; the first frame where it is not found with at least ``min_inliers`` of the rim
    and an ``outline`` of ``min_outline`` ends the walk back.

    Returns:
        (t_s, fit) of the frames the plate was found in, newest first.
    """
    out: list[tuple[float, Found]] = []
    xy = np.asarray(start_xy, dtype=np.float64)
    for t_s, gray in frames:
        found = fit_near(
            gray,
            xy,
            radius_px,
            0.15 * radius_px,
            work_radius_px=work_radius_px,
            min_edge=min_edge,
            radius_known=True,
        )
        if (
            found is None
            or found.fit.inlier_fraction < min_inliers
            or outline(found.fit.inlier_fraction, found.fit.residual_rms / found.fit.radius) < min_outline
            or not math.isfinite(found.radius_px)
        ):
            break
        out.append((t_s, found))
        xy = found.centre_px
    return out


class Backfill:
    """Frames kept while a switch to a moving plate may come, and that plate followed back.

    Parameters:
        span_s: how far back, seconds (0: never).
        work_radius_px, min_edge, min_inliers, min_outline: as for ``track_back``.
    """

    def __init__(
        self, *, span_s: float, work_radius_px: float, min_edge: float, min_inliers: float, min_outline: float
    ) -> None:
        self.frames = RecentFrames(span_s=span_s)
        self.work_radius_px, self.min_edge = work_radius_px, min_edge
        self.min_inliers, self.min_outline = min_inliers, min_outline
        self._revisions: list[BarDetection] = []

    def remember(self, t_s: float, image: Image, *, needed: bool) -> None:
        """Keep ``image`` while ``needed``; forget every frame once not."""
        if needed:
            self.frames.push(t_s, image)
        else:
            self.frames.clear()

    def follow_back(self, found: Found) -> None:
        """Follow the plate just switched to back through the frames kept (``track_back``)."""
        back = track_back(
            self.frames.newest_first(),
            found.centre_px,
            found.radius_px,
            work_radius_px=self.work_radius_px,
            min_edge=self.min_edge,
            min_inliers=self.min_inliers,
            min_outline=self.min_outline,
        )
        self._revisions += [f.detection(t_s) for t_s, f in reversed(back)]

    def take(self) -> list[BarDetection]:
        """The detections of earlier frames measured again since the last call, oldest first."""
        out, self._revisions = self._revisions, []
        return out
