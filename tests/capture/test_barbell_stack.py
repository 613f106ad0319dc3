"""A stack of plates, as filmed off-axis (squat_oblique_3reps.mp4), with known answers.

A small green plate in front of the bar's large red one, each with its own outline: the search
may start on the small plate or on a circle through part of each, but the bar's plate is the
outermost; at the plate's radius the edges vote for its centre, not for a circle through part of
each ring; and each ray's rim is remembered where it was found.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from vbt.capture.barbell_fit import fit_near, outermost_near
from vbt.capture.barbell_rim import RimFit, gradients, rim_profile
from vbt.capture.barbell_search import crop_resized
from vbt.capture.barbell_vote import voted_centre

CENTRE = np.array([300.0, 180.0])
BIG, SMALL = 60.0, 42.0  # the red plate's and the green plate's radii, px


def _circle(image: np.ndarray, xy: np.ndarray, r: float, colour: tuple[int, int, int]) -> None:
    centre = (round(xy[0] * 16), round(xy[1] * 16))
    cv2.circle(image, centre, round(r * 16), colour, -1, cv2.LINE_AA, 4)


def stack() -> np.ndarray:
    """A red plate with a smaller green one in front, a red hub, on a dark ceiling; lettering."""
    image = np.full((360, 640, 3), (40, 38, 36), np.uint8)
    _circle(image, CENTRE, BIG, (45, 40, 170))
    _circle(image, CENTRE, 0.9 * BIG, (40, 35, 150))  # the plate's face inside its edge
    _circle(image, CENTRE, SMALL, (60, 150, 55))
    _circle(image, CENTRE, 0.2 * SMALL, (50, 50, 200))
    for k in range(4):  # large lettering on the green plate, over its edge ("ROGUE", "25 LB")
        a = math.radians(90 * k + 20)
        tx, ty = CENTRE[0] + 0.9 * SMALL * math.cos(a), CENTRE[1] + 0.9 * SMALL * math.sin(a)
        box = ((tx, ty), (0.9 * SMALL, 0.3 * SMALL), math.degrees(a) + 90)
        cv2.fillPoly(image, [np.round(cv2.boxPoints(box)).astype(np.int32)], (220, 235, 220))
    rng = np.random.default_rng(3)
    return np.clip(image + rng.normal(0.0, 2.0, image.shape), 0, 255).astype(np.uint8)


def test_the_bar_plate_is_the_outermost_rim_about_the_small_plate_in_front() -> None:
    """The small plate's outline is broken by its lettering; the red plate's shows whole."""
    image = stack()
    small = fit_near(image, CENTRE + 1.0, SMALL, 4.0, work_radius_px=28.0, min_edge=3.0)
    assert small is not None and small.radius_px < 0.8 * BIG  # where a search may start
    assert small.fit.inlier_fraction < 0.85
    found = outermost_near(image, small, work_radius_px=28.0, min_edge=3.0, min_inliers=0.5)
    assert abs(found.radius_px - BIG) < 1.5
    assert np.hypot(*(found.centre_px - CENTRE)) < 1.0


def test_a_plate_half_hidden_below_the_floor_does_not_grow() -> None:
    """A larger circle through the same visible arc finds no more of a rim: the fit stays."""
    image = np.full((360, 640, 3), (200, 200, 200), np.uint8)
    _circle(image, CENTRE, BIG, (30, 30, 30))
    image[round(CENTRE[1] + 0.2 * BIG) :] = (30, 30, 30)  # a black floor hides the lower part
    found = fit_near(image, CENTRE, BIG, 4.0, work_radius_px=28.0, min_edge=3.0)
    assert found is not None
    same = outermost_near(image, found, work_radius_px=28.0, min_edge=3.0, min_inliers=0.5)
    assert same is found


def test_edges_vote_for_the_centre_at_the_plate_radius_not_for_a_mixed_circle() -> None:
    """From guesses 4 px off in every direction (in a window reduced as the tracker does), the
    centre voted at the red plate's radius is its centre, to a pixel of the window."""
    image = stack()
    scale = 28.0 / BIG
    cropped = crop_resized(image, 200, 80, 400, 280, scale)
    assert cropped is not None
    crop, window = cropped
    gx, gy = gradients(crop)
    truth = window.to_window(CENTRE)
    for a in range(0, 360, 45):
        guess = truth + 4.0 * scale * np.array([math.cos(math.radians(a)), math.sin(math.radians(a))])
        voted = voted_centre(gx, gy, guess, radius=BIG * window.scale, reach=3.0, min_edge=3.0)
        assert voted is not None
        assert np.hypot(*(voted - truth)) <= 1.0, (a, voted, truth)


def test_rim_profile_puts_each_rim_point_on_its_ray() -> None:
    centre = np.array([10.0, 20.0])
    angles = np.radians([0.0, 90.0, 180.0, 270.0])
    radii = np.array([5.0, 5.5, 4.5, 5.0])
    points = centre + np.column_stack([np.cos(angles), np.sin(angles)]) * radii[:, None]
    fit = RimFit(
        centre_xy=centre,
        radius=5.0,
        inlier_fraction=4 / 72,
        coverage_deg=270.0,
        residual_rms=0.3,
        axes=np.full(2, np.nan),
        angle_deg=math.nan,
        points=points,
    )
    profile = rim_profile(fit)
    assert profile.shape == (72,)
    np.testing.assert_allclose(profile[[0, 18, 36, 54]], [1.0, 1.1, 0.9, 1.0])
    assert np.isnan(np.delete(profile, [0, 18, 36, 54])).all()
