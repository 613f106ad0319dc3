"""A track started on a plate's inner disc moves out to the plate's rim (``FitSettings.use_outer_rim``).

Red bumper plates with a black centre: when the clip starts, the plate's face is hardly told from
what is behind it and only the dark inner disc shows; the track starts there. Once the rim shows,
the tracked plate grows to it at the next periodic recheck, about the same centre.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from tests.capture.bar.scenes import fixed
from vbt.capture.bar import PlateSettings, PlateTracker, without
from vbt.types import Frame

R = 70.0  # the plate's radius, px
INNER = 0.4  # the dark inner disc's radius, in plate radii
FACE_SHOWS = 10  # frames before this one: the face has the colour of the wall behind it
FPS = 30.0


def _frame(k: int) -> tuple[np.ndarray, float, float]:
    """Frame ``k``: the plate moving down slowly on a wall, and its true centre."""
    x, y = 320.0, 150.0 + 2.0 * k
    wall = (150, 160, 165)
    image = np.full((480, 640, 3), wall, np.uint8)
    face = wall if k < FACE_SHOWS else (40, 40, 200)
    cv2.circle(image, (fixed(x), fixed(y)), fixed(R), face, -1, cv2.LINE_AA, 4)
    cv2.circle(image, (fixed(x), fixed(y)), fixed(INNER * R), (25, 25, 25), -1, cv2.LINE_AA, 4)
    cv2.circle(image, (fixed(x), fixed(y)), fixed(0.12 * R), (200, 200, 205), -1, cv2.LINE_AA, 4)
    noise = np.random.default_rng(k).normal(0.0, 2.0, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8), x, y


def _track(settings: PlateSettings) -> list[tuple[float, float]]:
    """Each frame's (radius, centre error), NaN when missing."""
    tracker = PlateTracker(settings)
    out = []
    for k in range(round(2.5 * FPS)):
        image, x, y = _frame(k)
        d = tracker.update(Frame(image=image, t_s=k / FPS, index=k))
        out.append((d.radius_px, math.hypot(*(d.xy_px - (x, y)))) if d.detected else (math.nan, math.nan))
    return out


def test_a_track_on_the_inner_disc_grows_to_the_plate_rim() -> None:
    """The track starts on the inner disc (its radius, to 3 %); from the first periodic recheck
    after the face shows (1 s in) every frame reports the plate's radius, to 3 %, and the centre
    to a pixel throughout."""
    seen = _track(PlateSettings())
    assert abs(seen[0][0] / (INNER * R) - 1.0) < 0.03, seen[0]
    recheck = round(PlateSettings().switch.recheck_interval_s * FPS)
    for k, (radius, error) in enumerate(seen):
        assert error < 1.0, (k, error)
        if k >= recheck:
            assert abs(radius / R - 1.0) < 0.03, (k, radius)


def test_without_the_rule_the_track_stays_on_the_inner_disc() -> None:
    seen = _track(without(PlateSettings(), "fit.use_outer_rim"))
    assert all(abs(radius / (INNER * R) - 1.0) < 0.05 for radius, _ in seen[-15:]), seen[-15:]
