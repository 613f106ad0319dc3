"""The plate tracker where it used to go wrong, with known answers.

- The far plate seen just beside the near one (a side view a little off-axis, as in the rendered
  sample videos): its outline against the background is a stronger edge than the near plate's
  outline against it, and a free circle fit from a guess a few pixels off settles on a larger
  circle through part of each. The rendered squat sample (exact plate path in its truth file) was
  tracked a few pixels off for several frames at speed.
- A track that started on something round away from the lifter, while the lifter stood away from
  the bar: it moves to the plate when the hands reach it, but not once the plate it follows has
  made a lift-sized move (then the wrists are the ones to doubt).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.capture.test_barbell import background, draw_plate
from vbt.capture.barbell import PlateTracker, stack_detections
from vbt.capture.barbell_fit import fit_near
from vbt.types import Frame

SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"
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
            work_radius_px=28.0,
            min_edge=3.0,
            radius_known=True,
        )
        assert found is not None
        np.testing.assert_allclose(found.centre_px, [300.0, 180.0], atol=0.6)
        assert found.radius_px == pytest.approx(RADIUS, rel=0.03)


def test_plate_tracker_follows_the_rendered_squat_sample_to_a_fraction_of_a_pixel() -> None:
    """The rendered sample video, whose plate path is known exactly (its truth file).

    Its far plate shows just below and behind the near one at mid-height: the track used to be
    off by up to 5.5 px (3.5 cm) for a few frames at peak speed there, then snap back, and the
    peak velocities came out 0.1-0.4 m/s too high.
    """
    name = "squat_100kg_3reps"
    video, truth_file = SAMPLES / f"{name}.mp4", SAMPLES / f"{name}.truth.json"
    if not (video.is_file() and truth_file.is_file()):
        pytest.skip(f"the rendered sample video is not available: {video}")
    info = json.loads(truth_file.read_text())["video"]
    expected = np.array(info["plate_xy_px"])
    capture = cv2.VideoCapture(str(video))
    tracker = PlateTracker()
    detections = []
    try:
        while len(detections) < expected.shape[0]:
            ok, image = capture.read()
            if not ok:
                break
            k = len(detections)
            t_s = info["first_frame_t_s"] + k / info["fps"]
            detections.append(tracker.update(Frame(image=image, t_s=t_s, index=k)))
    finally:
        capture.release()
    assert len(detections) == expected.shape[0]
    _, xy, _ = stack_detections(detections)
    error = np.hypot(*(xy - expected).T)
    assert np.isfinite(error).all()
    assert np.percentile(error, 95) < 0.7  # px, for a plate of radius 36 px (6.3 mm per px)
    assert error.max() < 1.5
    # A bias that comes and goes over a few frames is a velocity error: frame to frame, px/s.
    velocity_error = np.diff(xy[:, 1] - expected[:, 1]) * info["fps"]
    assert np.percentile(np.abs(velocity_error), 99) < 20.0  # 0.13 m/s
    radius = np.array([d.radius_px for d in detections])
    assert np.median(radius) == pytest.approx(info["plate_radius_px"], rel=0.02)


def _decoy_scene() -> np.ndarray:
    """A plate on the floor (left) and a larger ring on the wall (right), the ring's rim sharper."""
    image = background(seed=11)
    draw_plate(image, 170.0, 330.0, 50.0)
    cv2.circle(image, (470, 150), 58, (250, 250, 250), 9, cv2.LINE_AA)
    return image


def test_plate_tracker_moves_to_the_plate_when_the_hands_reach_it() -> None:
    image = _decoy_scene()
    tracker = PlateTracker()
    away = np.array([[330.0, 60.0], [335.0, 65.0]])  # the lifter stands between, hands at the head
    at_plate = np.array([[175.0, 320.0], [165.0, 325.0]])
    first = tracker.update(Frame(image=image, t_s=0.0, index=0), hands_xy_px=away)
    assert first.xy_px[0] == pytest.approx(470.0, abs=3.0)  # the larger, sharper ring
    detections = [
        tracker.update(Frame(image=image, t_s=i / 30.0, index=i), hands_xy_px=away if i < 10 else at_plate)
        for i in range(1, 40)
    ]
    xs = np.array([d.xy_px[0] for d in detections])
    assert np.all(np.abs(xs[:9] - 470.0) < 3.0)  # hands elsewhere: no reason to move
    assert np.all(np.abs(xs[-20:] - 170.0) < 1.0)  # at the plate within 0.3 s of the hands


def test_plate_tracker_stays_on_a_plate_that_made_a_lift_whatever_the_wrists_say() -> None:
    def lift(t: float) -> tuple[float, float]:  # rises 120 px (2.4 radii) in the first second
        return 170.0, 330.0 - 120.0 * min(1.0, t)

    bg = background(seed=11)
    cv2.circle(bg, (470, 150), 50, (250, 250, 250), 9, cv2.LINE_AA)  # a ring of the plate's size
    tracker = PlateTracker()
    wrong_wrists = np.array([[470.0, 150.0]])  # pose put the wrists on the ring
    for i in range(45):
        image = bg.copy()
        x, y = lift(i / 30.0)
        draw_plate(image, x, y, 50.0)
        hands = None if i < 30 else wrong_wrists
        detection = tracker.update(Frame(image=image, t_s=i / 30.0, index=i), hands_xy_px=hands)
        assert detection.xy_px[0] == pytest.approx(170.0, abs=1.0)
        assert detection.xy_px[1] == pytest.approx(y, abs=1.0)
