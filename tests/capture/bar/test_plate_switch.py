"""When a track leaves the circle it holds, with known answers: never for a circle drawn about a
still plate whose rim it would hide if it were a plate in front (``switch.use_seen_rim_behind``),
and a circle that moves while the lifter's hands are elsewhere earns no lift trust, so a plate of
its size at the hands takes over (``choice.use_moved_with_hands``)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from tests.capture.bar.scenes import FLOOR_Y, disc, fixed, gym
from vbt.capture.bar import PlateSettings, PlateTracker, without
from vbt.types import Frame

FPS = 30.0
PLATE_XY, PLATE_R = (300.0, FLOOR_Y - 30.0), 30.0  # the bar resting on the floor
RING_R = 95.0  # a circle through the lifter bending over the bar: it holds the plate's disc


def _ring_scene(t_s: float, rng: np.random.Generator) -> np.ndarray:
    """The still plate, and a dark ring of radius 95 px swinging left and right (0.4 Hz, 40 px)
    about a centre 45 px above it: its disc holds the whole plate, its rim hides none of it."""
    image = gym()
    disc(image, *PLATE_XY, PLATE_R, (40, 40, 200))
    x = PLATE_XY[0] - 20.0 + 40.0 * math.sin(2 * math.pi * 0.4 * t_s)
    cv2.circle(image, (fixed(x), fixed(PLATE_XY[1] - 45.0)), fixed(RING_R), (60, 60, 60), 5, cv2.LINE_AA, 4)
    return np.clip(image + rng.normal(0.0, 2.0, image.shape), 0, 255).astype(np.uint8)


def _on_plate_ring(settings: PlateSettings, seconds: float) -> list[bool]:
    """Each frame: the tracker reports the plate (to a pixel, at its radius to 5 %)."""
    rng = np.random.default_rng(1)
    tracker = PlateTracker(settings)
    out = []
    for k in range(round(seconds * FPS)):
        d = tracker.update(Frame(image=_ring_scene(k / FPS, rng), t_s=k / FPS, index=k))
        out.append(
            d.detected and math.hypot(*(d.xy_px - PLATE_XY)) < 1.0 and abs(d.radius_px / PLATE_R - 1.0) < 0.05
        )
    return out


def test_a_still_plate_is_not_left_for_a_moving_circle_about_it_that_hides_none_of_its_rim() -> None:
    """For 3 s (two periodic rechecks and the stirred ones after the still time) every frame
    reports the plate; a moving circle three times larger is proposed all along."""
    assert all(_on_plate_ring(PlateSettings(), 3.0))


def test_without_the_rule_the_still_plate_is_left_for_the_circle_about_it() -> None:
    seen = _on_plate_ring(without(PlateSettings(), "switch.use_seen_rim_behind"), 3.0)
    assert seen[0] and not any(seen[round(1.0 * FPS) :])


KNEE_XY, KNEE_R = (200.0, 200.0), 34.0  # a round knee, swinging from the start
BAR_XY, BAR_R = (470.0, 150.0), 30.0  # the plate at the hands, behind a cover until 1 s
SHOWN_S = 1.0


def _knee_scene(t_s: float, rng: np.random.Generator) -> np.ndarray:
    image = gym()
    disc(image, KNEE_XY[0] + 45.0 * math.sin(2 * math.pi * 0.5 * t_s), KNEE_XY[1], KNEE_R, (40, 40, 45))
    if t_s >= SHOWN_S:
        disc(image, *BAR_XY, BAR_R, (40, 40, 200))
    return np.clip(image + rng.normal(0.0, 2.0, image.shape), 0, 255).astype(np.uint8)


def _on_bar_knee(settings: PlateSettings) -> list[bool]:
    """Each frame: the tracker reports the plate at the hands (to a pixel). The hands hold the bar
    throughout; until 1 s the plate is hidden and the tracker follows the knee, which moves by more
    than its radius while the hands are 7 of its radii away."""
    rng = np.random.default_rng(2)
    tracker = PlateTracker(settings)
    hands = np.array([BAR_XY, BAR_XY])
    out = []
    for k in range(round(2.5 * FPS)):
        t_s = k / FPS
        d = tracker.update(Frame(image=_knee_scene(t_s, rng), t_s=t_s, index=k), hands_xy_px=hands)
        out.append(d.detected and math.hypot(*(d.xy_px - BAR_XY)) < 1.0)
    return out


def test_a_circle_moving_away_from_the_hands_is_left_for_the_plate_at_the_hands() -> None:
    """The plate at the hands is reported from 0.3 s after it shows (the hands check's interval
    and a search) to the end."""
    seen = _on_bar_knee(PlateSettings())
    assert not any(seen[: round(SHOWN_S * FPS)])
    assert all(seen[round((SHOWN_S + 0.3) * FPS) :]), seen


def test_without_the_rule_the_moving_knee_keeps_the_lift_trust_and_the_track() -> None:
    seen = _on_bar_knee(without(PlateSettings(), "choice.use_moved_with_hands"))
    assert not any(seen)
