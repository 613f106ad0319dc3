"""The body's ruler and the camera's view on figures drawn to scale (known answers by construction)."""

import math

import numpy as np
import pytest

from vbt.calibration.body import SEGMENTS, BodySettings, body_scale, view_angle_deg
from vbt.capture.pose import BODY_POINTS


def standing_figure(
    *, stature_m: float, px_per_m: float, view_deg: float = 0.0, frames: int = 30
) -> tuple[np.ndarray, np.ndarray]:
    """Both sides of a standing lifter (Drillis & Contini proportions) seen ``view_deg`` off the side,
    in pixels, with a little landmark jitter; y down."""
    rng = np.random.default_rng(0)
    h = stature_m
    heights = {
        "shoulder": 0.818 * h, "elbow": 0.630 * h, "wrist": 0.485 * h, "hip": 0.530 * h,
        "knee": 0.285 * h, "ankle": 0.039 * h, "heel": 0.02 * h, "toe": 0.0,
    }  # fmt: skip
    half_width = {"shoulder": 0.09 * h, "hip": 0.08 * h}  # MediaPipe's joint centres, not the outline
    points = np.zeros((frames, len(BODY_POINTS), 2))
    for k, name in enumerate(BODY_POINTS):
        side, joint = name.split("_", 1)
        across = half_width.get(joint, 0.07 * h) * (1 if side == "left" else -1)
        x = across * math.sin(math.radians(view_deg)) + (0.1 * h if joint == "toe" else 0.0)
        points[:, k] = [500 + px_per_m * x, 1000 - px_per_m * heights[joint]]
    points += rng.normal(0.0, 1.0, points.shape)
    return points, np.ones((frames, len(BODY_POINTS)))


@pytest.mark.parametrize("stature_m", [1.55, 1.75, 1.95])
def test_the_legs_bound_the_plate_plane_scale_for_any_adult_stature(stature_m):
    px_per_m = 400.0
    body_plane = 1.0 / px_per_m
    body = body_scale(*standing_figure(stature_m=stature_m, px_per_m=px_per_m), BODY_POINTS)
    assert body is not None
    assert set(body.segments_m_per_px) == set(SEGMENTS)
    # the plate, 0.45 m nearer a camera 2-10 m away, has a scale of 0.82-0.96 of the body plane's
    for distance_m in (2.0, 3.0, 10.0):
        plate_plane = body_plane * distance_m / (distance_m + 0.45)
        assert body.agrees_with(plate_plane)
    # a plate half or twice the true size (its hub; a stack seen as one disc) is refuted
    assert not body.agrees_with(0.5 * body_plane)
    assert not body.agrees_with(2.0 * body_plane)


def test_a_known_stature_narrows_the_range_to_the_pose_s_error():
    points, seen = standing_figure(stature_m=1.60, px_per_m=400.0)
    guessed = body_scale(points, seen, BODY_POINTS)
    known = body_scale(points, seen, BODY_POINTS, settings=BodySettings(stature_m=1.60, stature_known=True))
    assert guessed is not None and known is not None
    assert known.high / known.low < guessed.high / guessed.low
    assert known.low < (1 / 400.0) * 3.0 / 3.45 < known.high  # the plate plane of a camera 3 m away


def test_legs_hidden_behind_the_plate_are_not_measured():
    points, seen = standing_figure(stature_m=1.75, px_per_m=400.0)
    knee = points[:, BODY_POINTS.index("left_knee")].copy()
    # the near plate (radius 90 px, about 0.225 m at this scale) covers both knees in every frame
    bar = np.tile(knee.mean(axis=0), (points.shape[0], 1))
    radius = np.full(points.shape[0], 90.0)
    assert body_scale(points, seen, BODY_POINTS, bar_xy_px=bar, plate_radius_px=radius) is None


def test_legs_that_disagree_with_each_other_give_no_scale():
    points, seen = standing_figure(stature_m=1.75, px_per_m=400.0)
    for side in ("left", "right"):  # an ankle landmark stuck half-way up the shank
        ankle, knee = BODY_POINTS.index(f"{side}_ankle"), BODY_POINTS.index(f"{side}_knee")
        points[:, ankle] = 0.5 * (points[:, ankle] + points[:, knee])
    assert body_scale(points, seen, BODY_POINTS) is None


@pytest.mark.parametrize(
    ("view_deg", "low", "high"), [(0.0, 0.0, 15.0), (45.0, 30.0, 60.0), (90.0, 75.0, 90.0)]
)
def test_the_view_angle_from_the_shoulders(view_deg, low, high):
    points, seen = standing_figure(stature_m=1.75, px_per_m=400.0, view_deg=view_deg)
    assert low <= view_angle_deg(points, seen, BODY_POINTS) <= high


def test_shoulders_behind_the_plate_say_nothing_about_the_view():
    side, seen = standing_figure(stature_m=1.75, px_per_m=400.0, view_deg=0.0)
    frames = side.shape[0]
    # the pose's guess behind a back squat's plate: the shoulders a shoulder width apart
    guessed = side.copy()
    guessed[:, BODY_POINTS.index("left_shoulder"), 0] += 0.09 * 1.75 * 400.0
    guessed[:, BODY_POINTS.index("right_shoulder"), 0] -= 0.09 * 1.75 * 400.0
    assert view_angle_deg(guessed, seen, BODY_POINTS) > 75.0  # read as a front view
    shoulders = 0.5 * (
        side[:, BODY_POINTS.index("left_shoulder")] + side[:, BODY_POINTS.index("right_shoulder")]
    )
    radius = np.full(frames, 0.225 * 400.0)  # a 45 cm plate on the shoulders, in every frame
    hidden = view_angle_deg(guessed, seen, BODY_POINTS, bar_xy_px=shoulders, plate_radius_px=radius)
    assert math.isnan(hidden)  # never seen: unknown, not a front view
    # seen in the other half of the frames (the plate elsewhere, NaN where unseen): the side view
    half = frames // 2
    guessed[half:] = side[half:]
    shoulders[half:] = np.nan
    assert view_angle_deg(guessed, seen, BODY_POINTS, bar_xy_px=shoulders, plate_radius_px=radius) < 15.0


def test_the_body_says_how_large_a_45_cm_plate_can_look():
    points, seen = standing_figure(stature_m=1.75, px_per_m=400.0)
    body = body_scale(points, seen, BODY_POINTS)
    assert body is not None
    low, high = body.radius_range_px(0.45)
    # a 45 cm plate 0.45 m nearer a camera 3 m away than the legs: 0.225 m at 400 * 3.45 / 3 px/m
    assert low < 0.225 * 400.0 * 3.45 / 3.0 < high
    assert high / low == pytest.approx(body.high / body.low)
