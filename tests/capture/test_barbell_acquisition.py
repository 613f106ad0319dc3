"""Finding the loaded plate among others, with known answers: gradient voting finds a plate half
hidden against a black floor, voting with the edges that moved finds only the plate that moved,
brick texture is not a plate, and a tracker that started on a plate leaning on the wall moves to
the loaded plate as soon as the bar leaves the floor (no pose: nothing else tells them apart)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from vbt.capture.barbell import PlateTracker, RevisingBarTracker
from vbt.capture.barbell_rim import gradients
from vbt.capture.barbell_search import search_plates
from vbt.capture.barbell_vote import voted_circles
from vbt.types import Frame

SHIFT = 4
ONE = 1 << SHIFT
H, W = 360, 640
FLOOR_Y = 250  # the wall above, black rubber floor below


def _fixed(v: float) -> int:
    return round(v * ONE)


def gym(*, bricks: bool = True) -> np.ndarray:
    """A light wall with brick joints over a black floor, the colours of the rendered gym."""
    image = np.full((H, W, 3), (170, 178, 180), np.uint8)
    if bricks:
        for y in range(0, FLOOR_Y, 18):
            cv2.line(image, (0, y), (W, y), (120, 126, 128), 2)
            for x in range((y // 18) % 2 * 24, W, 48):
                cv2.line(image, (x, y), (x, y + 18), (120, 126, 128), 2)
    image[FLOOR_Y:] = (28, 28, 30)
    return image


def disc(image: np.ndarray, x: float, y: float, r: float, colour: tuple[int, int, int]) -> None:
    """A plate: a disc of ``colour`` with a lighter hub."""
    cv2.circle(image, (_fixed(x), _fixed(y)), _fixed(r), colour, -1, cv2.LINE_AA, SHIFT)
    cv2.circle(image, (_fixed(x), _fixed(y)), _fixed(0.2 * r), (150, 150, 155), -1, cv2.LINE_AA, SHIFT)


def test_voting_finds_a_black_plate_half_hidden_on_a_black_floor() -> None:
    image = gym(bricks=False)
    disc(image, 200.0, FLOOR_Y + 6.0, 40.0, (28, 28, 30))  # only the part above the floor shows
    disc(image, 480.0, FLOOR_Y - 21.0, 20.0, (40, 40, 200))  # a whole red plate on the wall
    gx, gy = gradients(image)
    circles = voted_circles(gx, gy, r_lo=10.0, r_hi=80.0, min_edge=3.0, max_circles=4)
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
    circles = voted_circles(gx, gy, motion=motion, r_lo=10.0, r_hi=80.0, min_edge=3.0)
    assert circles
    x, y, r = circles[0]
    assert math.hypot(x - 300.0, y - 174.0) < 2.0
    assert abs(r - 36.0) <= 2.0
    assert all(math.hypot(c[0] - 520.0, c[1] - 229.0) > 20.0 for c in circles)


def test_brick_texture_is_not_a_plate() -> None:
    search = {
        "max_dim_px": 480,
        "min_radius_frac": 0.025,
        "max_radius_frac": 0.2,
        "min_inliers": 0.5,
        "min_edge": 3.0,
        "vote": True,
    }
    empty, _ = search_plates(gym(), **search)
    assert empty == []
    image = gym()
    disc(image, 320.0, 150.0, 36.0, (40, 40, 45))
    found, _ = search_plates(image, **search)
    assert len(found) == 1
    assert math.hypot(*(found[0].centre_px - (320.0, 150.0))) < 1.0
    assert abs(found[0].radius_px - 36.0) < 1.0


def _wall_plate_scene(t_s: float, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """A red plate on the wall and the loaded black plate (radius 36 px) resting half hidden on the
    black floor until t = 1.5 s, then rising at 60 px/s; the noisy image and the loaded plate's y."""
    y = FLOOR_Y + 6.0 - max(0.0, t_s - 1.5) * 60.0
    image = gym()
    disc(image, 520.0, FLOOR_Y - 21.0, 20.0, (40, 40, 200))
    disc(image, 300.0, y, 36.0, (28, 28, 30))
    return np.clip(image + rng.normal(0.0, 2.0, image.shape), 0, 255).astype(np.uint8), y


def test_tracker_leaves_a_wall_plate_for_the_loaded_plate_when_the_bar_leaves_the_floor() -> None:
    """Frame 0 shows a whole red plate on the wall and the loaded black plate half hidden against
    the black floor: the tracker may start on either. When the bar rises (0.6 m/s = 60 px/s here,
    from t = 1.5 s) it must be on the loaded plate within 0.15 s, and report it to a pixel."""
    fps = 30.0
    rng = np.random.default_rng(1)
    tracker = PlateTracker()
    switched_at = math.nan
    for k in range(75):
        t_s = k / fps
        noisy, y = _wall_plate_scene(t_s, rng)
        detection = tracker.update(Frame(image=noisy, t_s=t_s, index=k))
        on_loaded = detection.detected and math.hypot(*(detection.xy_px - (300.0, y))) < 1.0
        if on_loaded and math.isnan(switched_at):
            switched_at = t_s
        if not math.isnan(switched_at):
            assert on_loaded, (t_s, detection.xy_px, y)
    assert switched_at < 1.5 + 0.15


def test_frames_before_the_switch_to_the_loaded_plate_are_measured_again_on_it() -> None:
    """The same scene, the tracker started on the wall plate: when it moves to the loaded plate
    (motion shows a few frames after the bar starts to rise), the frames of the last 0.3 s before
    are revised onto the loaded plate, to a pixel, and from the lift-off on no frame is left on
    the wall plate."""
    fps = 30.0
    rng = np.random.default_rng(1)
    tracker = PlateTracker()
    truth, reported, revised_at = [], [], []
    for k in range(75):
        t_s = k / fps
        noisy, y = _wall_plate_scene(t_s, rng)
        reported.append(tracker.update(Frame(image=noisy, t_s=t_s, index=k)).xy_px)
        truth.append((300.0, y))
        for revision in tracker.take_revisions():
            j = round(revision.t_s * fps)
            assert j < k and k - j <= round(0.3 * fps) + 1  # 0.3 s before the frame before
            reported[j] = revision.xy_px
            revised_at.append(j)
    assert revised_at  # the tracker started on the wall plate and switched late
    error = np.hypot(*(np.array(reported) - np.array(truth)).T)
    lift_off = round(1.5 * fps)
    assert min(revised_at) < lift_off
    assert np.all(error[lift_off:] < 1.0), error[lift_off:]
    assert tracker.take_revisions() == []  # taken once
    assert isinstance(tracker, RevisingBarTracker)


def test_tracker_finds_a_dropped_plate_where_it_stopped_at_once() -> None:
    """A dropped bar falls at 25 px per frame (about 3 m/s) and stops dead on the floor: the
    constant-velocity prediction runs on below it. The plate must be measured again within two
    frames of the stop (it used to be lost for the whole coasting time, half a second), and
    to a pixel; no frame may report anything else."""
    fps, radius, x = 30.0, 36.0, 300.0
    rng = np.random.default_rng(2)
    tracker = PlateTracker()
    stop = 20  # frames 0-9 at rest up high, 10-19 falling, from 20 on at rest on the floor
    for k in range(40):
        y = 90.0 + 25.0 * min(max(0, k - 10), stop - 10)
        image = gym()
        disc(image, x, y, radius, (40, 40, 45))
        noisy = np.clip(image + rng.normal(0.0, 2.0, image.shape), 0, 255).astype(np.uint8)
        detection = tracker.update(Frame(image=noisy, t_s=k / fps, index=k))
        if detection.detected:
            assert math.hypot(*(detection.xy_px - (x, y))) < 1.0, (k, detection.xy_px, y)
        else:
            assert stop <= k < stop + 2, k


def test_scene_watch_tells_a_moving_scene_from_a_still_one() -> None:
    from vbt.capture.barbell_motion import SceneWatch

    watch = SceneWatch(interval_s=0.1, settle_s=1.0)
    still = gym()
    moved = still.copy()
    disc(moved, 300.0, 150.0, 30.0, (40, 40, 45))  # 0.5 % of the frame changed
    assert not watch.moved(still, 0.0)  # the first frame is the still scene
    assert not watch.moved(still, 0.04)
    assert watch.moved(moved, 0.08) and watch.moving
    assert not watch.moved(moved, 0.12)  # at most every interval_s
    assert watch.moved(moved, 0.2)
    assert not watch.moved(still, 0.35) and not watch.moving  # back as it was
    assert watch.moved(moved, 1.1)  # differs for over settle_s: becomes the still scene
    assert not watch.moved(moved, 1.3)
