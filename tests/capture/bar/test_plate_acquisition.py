"""Finding the loaded plate among others, with known answers: a tracker that started on a plate
leaning on the wall moves to the loaded plate as soon as the bar leaves the floor (no pose: nothing
else tells them apart), measures the frames before again, and finds a dropped plate where it
stopped."""

from __future__ import annotations

import math

import numpy as np

from tests.capture.bar.scenes import FLOOR_Y, disc, gym
from vbt.capture.bar import BarDetection, PlateSettings, PlateTracker, RevisingBarTracker, without
from vbt.types import Frame


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


def _revised_wall_plate_scene(
    settings: PlateSettings,
) -> tuple[np.ndarray, np.ndarray, list[int], PlateTracker]:
    """The wall-plate scene tracked with ``settings``: what was reported (revisions applied), the
    truth, the frames revised, and the tracker."""
    fps = 30.0
    rng = np.random.default_rng(1)
    tracker = PlateTracker(settings)
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
    return np.array(reported), np.array(truth), revised_at, tracker


def test_frames_before_the_switch_to_the_loaded_plate_are_measured_again_on_it() -> None:
    """The same scene, the tracker started on the wall plate: when it moves to the loaded plate
    (motion shows a few frames after the bar starts to rise), the frames of the last 0.3 s before
    are revised onto the loaded plate, to a pixel, and from the lift-off on no frame is left on
    the wall plate."""
    reported, truth, revised_at, tracker = _revised_wall_plate_scene(PlateSettings())
    assert revised_at  # the tracker started on the wall plate and switched late
    error = np.hypot(*(reported - truth).T)
    lift_off = round(1.5 * 30.0)
    assert min(revised_at) < lift_off
    assert np.all(error[lift_off:] < 1.0), error[lift_off:]
    assert tracker.take_revisions() == []  # taken once
    assert isinstance(tracker, RevisingBarTracker)


def test_without_following_back_the_frames_before_the_switch_stay_on_the_wall_plate() -> None:
    """The rule switched off: no frame is revised, so frames after the lift-off, before the switch,
    still report the wall plate."""
    reported, truth, revised_at, _ = _revised_wall_plate_scene(
        without(PlateSettings(), "backfill.use_follow_back")
    )
    assert revised_at == []
    error = np.hypot(*(reported - truth).T)
    assert np.any(error[round(1.5 * 30.0) :] > 100.0)  # the wall plate is 220 px from the loaded one


DROP_STOP = 20  # frames 0-9 at rest up high, 10-19 falling, from 20 on at rest on the floor


def _dropped_plate(settings: PlateSettings) -> list[tuple[int, BarDetection, float]]:
    """A dropped bar falls at 25 px per frame (about 3 m/s, 30 fps) and stops dead on the floor:
    each frame's index, detection and the plate's true y."""
    fps, radius, x = 30.0, 36.0, 300.0
    rng = np.random.default_rng(2)
    tracker = PlateTracker(settings)
    out = []
    for k in range(40):
        y = 90.0 + 25.0 * min(max(0, k - 10), DROP_STOP - 10)
        image = gym()
        disc(image, x, y, radius, (40, 40, 45))
        noisy = np.clip(image + rng.normal(0.0, 2.0, image.shape), 0, 255).astype(np.uint8)
        out.append((k, tracker.update(Frame(image=noisy, t_s=k / fps, index=k)), y))
    return out


def test_tracker_finds_a_dropped_plate_where_it_stopped_at_once() -> None:
    """The constant-velocity prediction runs on below the stopped plate. The plate must be measured
    again within two frames of the stop (it used to be lost for the whole coasting time, half a
    second), and to a pixel; no frame may report anything else."""
    for k, detection, y in _dropped_plate(PlateSettings()):
        if detection.detected:
            assert math.hypot(*(detection.xy_px - (300.0, y))) < 1.0, (k, detection.xy_px, y)
        else:
            assert DROP_STOP <= k < DROP_STOP + 2, k


def test_without_refinding_a_dropped_plate_is_lost_for_the_coasting_time() -> None:
    """The rule switched off: the plate is looked for only about the prediction, which runs on
    below the floor, so it is missing from the stop for at least ``max_coast_s`` (15 frames)."""
    settings = without(PlateSettings(), "tracking.use_refind")
    coast_frames = round(settings.tracking.max_coast_s * 30.0)
    missing = [k for k, detection, _ in _dropped_plate(settings) if not detection.detected]
    assert set(range(DROP_STOP, DROP_STOP + coast_frames)) <= set(missing)
