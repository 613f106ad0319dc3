"""A plate cut by the edge of the picture, with known answers.

Filmed close, the bar leaves the top of the picture when the lifter stands, and in a pillarboxed
clip the plate runs into the black bar beside the picture. The rays of a rim fit that leave the
picture cannot see the rim: they are unknown, not misses, so the plate keeps the share of rim it
shows where it can be seen. By default only for a tracked plate that is the bar's (it moved with the
hands) at the hands, whose outline crosses the picture's edge (``TrackingSettings.use_unseen_rays_unknown``);
everywhere, searches included, with ``RimSettings.unseen_rays_unknown`` (an option, off).
"""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np

from tests.capture.bar.scenes import background, draw_plate
from vbt.capture.bar import PlateSettings, PlateTracker, without
from vbt.capture.bar.search import search_plates
from vbt.types import Frame

R = 60.0  # the plate's radius, px
DEFAULT = PlateSettings()  # rays off the picture unknown only for the bar's tracked plate cut by the edge
OFF = without(DEFAULT, "tracking.use_unseen_rays_unknown")  # misses everywhere
ON = replace(OFF, rim=replace(OFF.rim, unseen_rays_unknown=True))  # unknown everywhere, searches too
BAR_X = 60  # a pillarbox: this many columns at the left are a black bar, filled with the picture's edge


LAMP_XY = (470.0, 0.0)  # clutter at the frame's edge: a round lamp of the plate's size, half above the frame


def _frame(
    x: float, y: float, *, seed: int = 0, bar: bool = False, lamp: bool = False, plate: bool = True
) -> np.ndarray:
    image = background(seed=seed)
    if lamp:
        draw_plate(image, *LAMP_XY, R)
    if plate:
        draw_plate(image, x, y, R, angle_deg=30.0)
    noisy = np.clip(image + np.random.default_rng(seed).normal(0.0, 3.0, image.shape), 0, 255)
    image = noisy.astype(np.uint8)
    if bar:  # what vbt.capture.borders makes of a pillarbox: the picture's edge column, stretched
        image = cv2.copyMakeBorder(image[:, BAR_X:], 0, 0, BAR_X, 0, cv2.BORDER_REPLICATE)
    return image


def _search(settings: PlateSettings, image: np.ndarray, x: float, y: float) -> list[float]:
    """Distances from (x, y) of the plate-sized candidates of a whole-frame search."""
    picture = (float(BAR_X), 0.0, float(image.shape[1]), float(image.shape[0]))
    candidates, _ = search_plates(image, settings=settings, vote=True, picture_px=picture)
    return [math.hypot(*(c.centre_px - (x, y))) for c in candidates if abs(c.radius_px / R - 1.0) < 0.05]


def test_search_finds_a_plate_half_above_the_frame() -> None:
    """The plate's centre on the top edge of a pillarboxed frame: half its rim is above the frame.
    The search finds it, at
    its size, to a fraction of a pixel; with the rule off the rays off the frame are misses, the
    rim is found on under half the rays and the plate is not proposed."""
    for seed in (0, 1):
        image = _frame(320.0, 0.0, seed=seed, bar=True)
        errors = _search(ON, image, 320.0, 0.0)
        assert errors and min(errors) < 0.5, (seed, errors)
        assert not _search(OFF, image, 320.0, 0.0), seed


def _rise_and_return(settings: PlateSettings, x: float, top_y: float) -> list[float | None]:
    """A squat filmed close, in a pillarboxed frame: the plate rises until its centre is at
    ``top_y`` (above the frame's top when negative), stays there (the lifter standing) and comes
    back down. Each frame's distance of the reported centre from the truth, None when missing."""
    fps = 30.0
    ys = np.concatenate([np.linspace(200.0, top_y, 31), np.full(15, top_y), np.linspace(top_y, 200.0, 31)])
    tracker = PlateTracker(settings)
    tracker.picture_rect_px = (BAR_X, 0, 640 - BAR_X, 480)
    out: list[float | None] = []
    for k, y in enumerate(ys):
        detection = tracker.update(Frame(image=_frame(x, float(y), seed=k, bar=True), t_s=k / fps, index=k))
        out.append(math.hypot(*(detection.xy_px - (x, y))) if detection.detected else None)
        if detection.detected:
            assert abs(detection.radius_px / R - 1.0) < 0.03, (k, detection.radius_px)
    return out


def test_tracker_follows_a_plate_out_of_the_top_of_the_frame_and_back() -> None:
    """The centre rises to 10 px above the frame (a little over half the rim stays in the
    picture): every frame is measured, to a pixel. With the rule off the plate is lost for most of
    the time it stays up there."""
    errors = _rise_and_return(ON, 130.0, -10.0)
    assert None not in errors, errors
    assert max(e for e in errors if e is not None) <= 1.0, errors
    off = _rise_and_return(OFF, 130.0, -10.0)
    assert sum(e is None for e in off) >= 10, off


def test_a_plate_mostly_above_the_frame_is_missing_not_misplaced() -> None:
    """The centre 30 px above the frame: a third of the rim is in the picture, too little to show
    a circle (``RimSettings.min_judged_frac``). Those frames are missing; no frame is reported off
    by more than a pixel, and the plate is followed again as it comes back."""
    errors = _rise_and_return(ON, 130.0, -30.0)
    seen = [e for e in errors if e is not None]
    assert max(seen) <= 1.0, errors
    assert all(e is not None for e in errors[:28] + errors[52:]), errors
    assert all(e is None for e in errors[33:47]), errors


FPS = 30.0
#: A centre within this is the plate's (11 mm on a 45 cm plate); the other circles lie 90 px or more off.
TOLERANCE_PX = 0.05 * R


def _squat_then_out(settings: PlateSettings, top_y: float, *, hands_dx: float = 0.0) -> list[float | None]:
    """A squat filmed close, in a pillarboxed frame, the lifter's hands ``hands_dx`` px beside the plate's
    centre and 0.2 radii below it (the wrists under the bar): a shallow rep in full view (down 120 px and
    up in 1.4 s: the track becomes the bar's), then the plate rises until its centre is at ``top_y``
    (above the frame's top when negative), stays there for 0.5 s (the lifter standing) and comes back
    down. Each frame's distance of the reported centre from the truth (inf at a radius 3 % or more
    off the plate's), None when missing."""
    rep = np.concatenate([np.linspace(200.0, 320.0, 21), np.linspace(320.0, 200.0, 21)])
    out_and_back = np.concatenate(
        [np.linspace(200.0, top_y, 31), np.full(15, top_y), np.linspace(top_y, 200.0, 31)]
    )
    ys = np.concatenate([rep, out_and_back])
    x = 130.0
    tracker = PlateTracker(settings)
    tracker.picture_rect_px = (BAR_X, 0, 640 - BAR_X, 480)
    errors: list[float | None] = []
    for k, y in enumerate(ys):
        hands = np.array([[x + hands_dx, y + 0.2 * R]] * 2)
        frame = Frame(image=_frame(x, float(y), seed=k, bar=True), t_s=k / FPS, index=k)
        detection = tracker.update(frame, hands_xy_px=hands)
        if not detection.detected:
            errors.append(None)
        elif abs(detection.radius_px / R - 1.0) >= 0.03:  # another circle
            errors.append(math.inf)
        else:
            errors.append(math.hypot(*(detection.xy_px - (x, y))))
    return errors


UP = slice(42 + 25, 42 + 52)  # the frames where the plate's outline is well above the frame's top


def test_the_bar_is_followed_out_of_the_top_of_the_frame_and_back() -> None:
    """The centre rises to 10 px above the frame (157 degrees of the rim, 0.44 of the rays, stay in the
    picture: fewer than ``rim.min_judged_frac``, so the rays above count as misses, but the tracked centre
    may lie off the picture and 0.44 is above ``tracking.min_rim_frac``): by default every frame is
    measured, to ``TOLERANCE_PX``, at the plate's radius. With the rule off the plate is lost for most of
    the time it stays up there, or other circles are reported."""
    errors = _squat_then_out(DEFAULT, -10.0)
    assert None not in errors, errors
    assert max(e for e in errors if e is not None) <= TOLERANCE_PX, errors
    off = _squat_then_out(OFF, -10.0)
    assert sum(e is None for e in off[UP]) >= 10, off


def test_the_bar_mostly_above_the_frame_is_missing_not_misplaced() -> None:
    """The centre 30 px above the frame: a third of the rim is in the picture, too little to show a
    circle (``RimSettings.min_judged_frac``). Those frames are missing; no frame is reported off by
    more than ``TOLERANCE_PX``, and the plate is followed again as it comes back into view."""
    errors = _squat_then_out(DEFAULT, -30.0)
    seen = [e for e in errors if e is not None]
    assert max(seen) <= TOLERANCE_PX, errors
    assert all(e is None for e in errors[42 + 33 : 42 + 47]), errors
    assert all(e is not None for e in errors[-10:]), errors


def test_a_plate_cut_by_the_edge_far_from_the_hands_keeps_its_misses() -> None:
    """The same squat with the hands 3 radii beside the plate (beyond ``switch.hands_far_radii``):
    the track never becomes the bar's, and the rays above the frame stay misses, as with the rule
    off: the plate is lost up there."""
    errors = _squat_then_out(DEFAULT, -10.0, hands_dx=3.0 * R)
    assert sum(e is None for e in errors[UP]) >= 10, errors


def test_a_lamp_half_above_the_frame_starts_no_track() -> None:
    """A round lamp of the plate's size with its centre on the frame's top edge, and nothing else
    round: for 1.5 s no frame reports a plate, with the hands under it or unknown (a half circle at the
    edge is as plate-like as a plate cut there; only a track of the bar's keeps such an arc)."""
    for hands in (np.array([LAMP_XY, LAMP_XY]), None):
        tracker = PlateTracker(DEFAULT)
        tracker.picture_rect_px = (BAR_X, 0, 640 - BAR_X, 480)
        for k in range(round(1.5 * FPS)):
            image = _frame(0.0, 0.0, seed=k, bar=True, lamp=True, plate=False)
            detection = tracker.update(Frame(image=image, t_s=k / FPS, index=k), hands_xy_px=hands)
            assert not detection.detected, (k, detection.xy_px, detection.radius_px)
