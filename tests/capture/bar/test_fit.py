"""A rim fitted near a guess, with known answers.

- A stack of plates, as filmed off-axis (squat_oblique_3reps.mp4): a small green plate in front of
  the bar's large red one, each with its own outline. The search may start on the small plate or
  on a circle through part of each, but the bar's plate is the outermost; a plate half hidden by
  the floor does not grow into a larger circle through its visible arc.
- The far plate seen just beside the near one (a side view a little off-axis, as in the rendered
  sample videos): its outline against the background is a stronger edge than the near plate's
  outline against it, and a free circle fit from a guess a few pixels off settles on a larger
  circle through part of each.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from tests.capture.bar.scenes import BIG, CENTRE, SMALL, circle, stack
from vbt.capture.bar.fit import fit_near, outermost_near
from vbt.capture.bar.settings import PlateSettings

DEFAULTS = PlateSettings()  # a plate of radius 28 px in the window, edges from 3 levels/px


def test_the_bar_plate_is_the_outermost_rim_about_the_small_plate_in_front() -> None:
    """The small plate's outline is broken by its lettering; the red plate's shows whole."""
    image = stack()
    small = fit_near(image, CENTRE + 1.0, SMALL, 4.0, settings=DEFAULTS)
    assert small is not None and small.radius_px < 0.8 * BIG  # where a search may start
    assert small.fit.inlier_fraction < 0.85
    found = outermost_near(image, small, settings=DEFAULTS)
    assert abs(found.radius_px - BIG) < 1.5
    assert np.hypot(*(found.centre_px - CENTRE)) < 1.0


def test_a_plate_half_hidden_below_the_floor_does_not_grow() -> None:
    """A larger circle through the same visible arc finds no more of a rim: the fit stays."""
    image = np.full((360, 640, 3), (200, 200, 200), np.uint8)
    circle(image, CENTRE, BIG, (30, 30, 30))
    image[round(CENTRE[1] + 0.2 * BIG) :] = (30, 30, 30)  # a black floor hides the lower part
    found = fit_near(image, CENTRE, BIG, 4.0, settings=DEFAULTS)
    assert found is not None
    same = outermost_near(image, found, settings=DEFAULTS)
    assert same is found


FAR_OFFSET = np.array([2.0, 4.5])  # where the far plate's centre is, from the near plate's, px


RADIUS = 36.0


def draw_pair(image: np.ndarray, x: float, y: float) -> None:
    """Two green bumper plates, the far one a little lower and to the right and in shade.

    As in the rendered sample videos: the near plate's outline against the far plate is a weak
    edge (35 gray levels) beside the far plate's strong outline against the light background.
    """
    far = (round((x + FAR_OFFSET[0]) * 16), round((y + FAR_OFFSET[1]) * 16))
    cv2.circle(image, far, round(RADIUS * 16), (45, 115, 40), -1, cv2.LINE_AA, 4)
    centre = (round(x * 16), round(y * 16))
    cv2.circle(image, centre, round(RADIUS * 16), (60, 150, 55), -1, cv2.LINE_AA, 4)
    cv2.circle(image, centre, round(0.2 * RADIUS * 16), (210, 210, 220), -1, cv2.LINE_AA, 4)
    for k in range(3):  # lettering
        a = math.radians(120 * k)
        tx, ty = x + 0.6 * RADIUS * math.cos(a), y + 0.6 * RADIUS * math.sin(a)
        box = ((tx, ty), (0.35 * RADIUS, 0.08 * RADIUS), math.degrees(a) + 90)
        cv2.fillPoly(image, [np.round(cv2.boxPoints(box)).astype(np.int32)], (200, 230, 200))


def wall(h: int = 360, w: int = 640) -> np.ndarray:
    """A light tiled wall."""
    image = np.full((h, w, 3), 205, np.uint8)
    for y in range(0, h, 24):
        cv2.line(image, (0, y), (w, y), (170, 170, 170), 2)
        for x in range(0 if (y // 24) % 2 else 40, w, 80):
            cv2.line(image, (x, y), (x, y + 24), (170, 170, 170), 2)
    return image


def test_rim_fit_near_a_far_plate_finds_the_near_one_from_a_guess_a_few_pixels_off() -> None:
    image = wall()
    draw_pair(image, 300.0, 180.0)
    # A guess from a track's prediction: a few pixels off, and said to be (3 px, 0.08 radii).
    for dx, dy in ((0.0, 4.0), (1.0, 4.0), (3.0, 3.0), (-3.0, -3.0)):
        found = fit_near(
            image,
            np.array([300.0 + dx, 180.0 + dy]),
            RADIUS,
            3.0,
            settings=DEFAULTS,
            radius_known=True,
        )
        assert found is not None
        np.testing.assert_allclose(found.centre_px, [300.0, 180.0], atol=0.6)
        assert found.radius_px == pytest.approx(RADIUS, rel=0.03)
