"""Gradient voting with known answers: a black plate half hidden on a black floor, only the plate
that moved, the centre at a known radius inside a stack of plates."""

from __future__ import annotations

import math

import cv2
import numpy as np

from tests.capture.bar.scenes import BIG, CENTRE, FLOOR_Y, disc, gym, stack
from vbt.capture.bar.image import crop_resized
from vbt.capture.bar.rim import gradients
from vbt.capture.bar.settings import VoteSettings
from vbt.capture.bar.vote import voted_centre, voted_circles

VOTE = VoteSettings()


def test_voting_finds_a_black_plate_half_hidden_on_a_black_floor() -> None:
    image = gym(bricks=False)
    disc(image, 200.0, FLOOR_Y + 6.0, 40.0, (28, 28, 30))  # only the part above the floor shows
    disc(image, 480.0, FLOOR_Y - 21.0, 20.0, (40, 40, 200))  # a whole red plate on the wall
    gx, gy = gradients(image)
    circles = voted_circles(gx, gy, r_lo=10.0, r_hi=80.0, min_edge=3.0, max_circles=4, settings=VOTE)
    near = [c for c in circles if math.hypot(c[0] - 200.0, c[1] - (FLOOR_Y + 6.0)) < 2.0]
    assert near, circles
    assert abs(near[0][2] - 40.0) <= 2.0
    assert any(math.hypot(c[0] - 480.0, c[1] - (FLOOR_Y - 21.0)) < 2.0 for c in circles)


def test_voting_with_motion_sees_only_the_plate_that_moved() -> None:
    before, after = gym(), gym()
    for image, y in ((before, 180.0), (after, 174.0)):  # the bar rose 6 px
        disc(image, 300.0, y, 36.0, (40, 40, 45))
        disc(image, 520.0, 229.0, 20.0, (40, 40, 200))  # the wall plate did not move
    motion = cv2.absdiff(cv2.cvtColor(after, cv2.COLOR_BGR2GRAY), cv2.cvtColor(before, cv2.COLOR_BGR2GRAY))
    gx, gy = gradients(after)
    circles = voted_circles(
        gx, gy, motion=motion, r_lo=10.0, r_hi=80.0, min_edge=3.0, max_circles=4, settings=VOTE
    )
    assert circles
    x, y, r = circles[0]
    assert math.hypot(x - 300.0, y - 174.0) < 2.0
    assert abs(r - 36.0) <= 2.0
    assert all(math.hypot(c[0] - 520.0, c[1] - 229.0) > 20.0 for c in circles)


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
        voted = voted_centre(gx, gy, guess, radius=BIG * window.scale, reach=3.0, min_edge=3.0, settings=VOTE)
        assert voted is not None
        assert np.hypot(*(voted - truth)) <= 1.0, (a, voted, truth)
