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
from vbt.capture.bar.rim import fit_outline
from vbt.capture.bar.settings import PlateSettings
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
    settings: PlateSettings,
) -> list[tuple[float, Found]]:
    """The plate found at ``start_xy`` followed back through ``frames`` (newest first).

    Each frame's rim is fitted at the plate's radius within ``BackfillSettings.window_radii`` of
    where it was found in the frame after; the first frame where it is not found as a track is
    followed (``TrackingSettings.min_rim_frac`` of the rim) with the outline of a plate
    (``RimSettings.min_outline_frac``: a plate, not texture) ends the walk back.

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
            settings.backfill.window_radii * radius_px,
            settings=settings,
            radius_known=True,
        )
        if (
            found is None
            or found.fit.inlier_fraction < settings.tracking.min_rim_frac
            or fit_outline(found.fit, settings=settings.rim) < settings.rim.min_outline_frac
            or not math.isfinite(found.radius_px)
        ):
            break
        out.append((t_s, found))
        xy = found.centre_px
    return out


class Backfill:
    """Frames kept while a switch to a moving plate may come, and that plate followed back.

    Parameters:
        settings: how far back (``BackfillSettings.span_s``; nothing is kept when
            ``use_follow_back`` is off) and how the plate is followed (``track_back``).
    """

    def __init__(self, *, settings: PlateSettings) -> None:
        self.settings = settings
        backfill = settings.backfill
        self.frames = RecentFrames(span_s=backfill.span_s if backfill.use_follow_back else 0.0)
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
            self.frames.newest_first(), found.centre_px, found.radius_px, settings=self.settings
        )
        confidence = self.settings.confidence
        self._revisions += [f.detection(t_s, settings=confidence) for t_s, f in reversed(back)]

    def take(self) -> list[BarDetection]:
        """The detections of earlier frames measured again since the last call, oldest first."""
        out, self._revisions = self._revisions, []
        return out
