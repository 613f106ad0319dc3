"""The camera's motion from the background, on frames moved by known transforms.

A textured wall is drawn once on a canvas larger than the frame; each frame is the wall moved by a
known similarity (``frame = A @ scene``), so every frame's transform back to the first frame's pixels
is known exactly: ``A_0 @ inv(A_k)``.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from vbt.capture.bar import BarDetection, BarMethod
from vbt.capture.camera import (
    BackgroundMotion,
    CameraEstimate,
    CameraMotionSettings,
    CameraStatus,
    StillCamera,
)
from vbt.capture.camera.region import background_mask
from vbt.capture.camera.scene import camera_summary, cut_index, filled_transforms, scene_index, to_scene_xy
from vbt.capture.pose import PoseResult
from vbt.capture.track import PixelTrack, TrackBuilder, calibrate_track, in_scene, to_trajectory
from vbt.kinematics.series import smooth
from vbt.synth.handheld import similarity
from vbt.types import JOINT_NAMES, Frame, Lift

WIDTH, HEIGHT = 640, 360
MARGIN = 120
CORNERS = np.array([[0.0, 0.0], [WIDTH - 1.0, 0.0], [0.0, HEIGHT - 1.0], [WIDTH - 1.0, HEIGHT - 1.0]])


def wall(seed: int) -> np.ndarray:
    """A canvas MARGIN px larger than the frame on each side: rectangles of random grey and colour."""
    rng = np.random.default_rng(seed)
    h, w = HEIGHT + 2 * MARGIN, WIDTH + 2 * MARGIN
    canvas = np.full((h, w, 3), 120, np.uint8)
    for _ in range(300):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        size = rng.integers(6, 40, 2)
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        cv2.rectangle(canvas, (x, y), (x + int(size[0]), y + int(size[1])), colour, -1)
    return np.asarray(cv2.GaussianBlur(canvas, (3, 3), 0.8), dtype=np.uint8)


def shot(canvas: np.ndarray, scene_to_frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The frame that shows the scene (the canvas less its margin) moved by ``scene_to_frame``."""
    canvas_to_frame = scene_to_frame.copy()
    canvas_to_frame[:, 2] -= canvas_to_frame[:, :2] @ np.array([MARGIN, MARGIN], dtype=float)
    image = cv2.warpAffine(canvas, canvas_to_frame, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR)
    return np.clip(image + rng.normal(0.0, 2.0, image.shape), 0, 255).astype(np.uint8)


def moves(n: int, fps: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    """Frame times and (N, 2, 3) scene-to-frame transforms: a pan of 60 px/s, a wobble of +-1 degree
    and +-1 % zoom, identity at the first frame."""
    t = np.arange(n) / fps
    angle = np.radians(1.0) * np.sin(2 * np.pi * 0.7 * t)
    shift = np.column_stack(
        [60.0 * t + 5.0 * np.sin(2 * np.pi * 3.0 * t), 20.0 * np.sin(2 * np.pi * 0.5 * t)]
    )
    a = similarity(angle, shift, np.array([(WIDTH - 1) / 2, (HEIGHT - 1) / 2]))
    a[:, :, :2] *= (1.0 + 0.01 * np.sin(2 * np.pi * 0.3 * t))[:, None, None]
    return t, a


def back_to_first(a: np.ndarray) -> np.ndarray:
    """(N, 2, 3) each frame's true transform to the first frame's pixels."""
    full = np.concatenate([a, np.tile([[[0.0, 0.0, 1.0]]], (a.shape[0], 1, 1))], axis=1)
    return np.asarray((full[0] @ np.linalg.inv(full))[:, :2])


def nobar(t_s: float) -> BarDetection:
    return BarDetection.missing(t_s, BarMethod.PLATE)


def corner_error_px(estimated: np.ndarray, truth: np.ndarray) -> float:
    """Largest distance between where the two transforms put the frame's corners."""
    return float(
        np.abs(
            CORNERS @ estimated[:, :2].T + estimated[:, 2] - (CORNERS @ truth[:, :2].T + truth[:, 2])
        ).max()
    )


def test_a_known_pan_wobble_and_zoom_is_measured_to_a_fraction_of_a_pixel() -> None:
    t, a = moves(60)
    canvas, rng = wall(1), np.random.default_rng(0)
    estimator = BackgroundMotion()
    truth = back_to_first(a)
    errors, statuses = [], []
    for k in range(t.size):
        estimate = estimator.update(
            Frame(shot(canvas, a[k], rng), float(t[k]), k), pose=None, bar=nobar(t[k])
        )
        statuses.append(estimate.status)
        errors.append(corner_error_px(estimate.to_scene_px, truth[k]))
    assert statuses[0] is CameraStatus.REFERENCE
    assert all(s is CameraStatus.ESTIMATED for s in statuses[1:])
    # the camera moved up to 120 px, turned 1 degree and zoomed 1 %; the corners land within 0.5 px
    assert np.hypot(*truth[:, :, 2].T).max() > 50
    assert max(errors) < 0.5


def test_a_still_camera_stays_at_identity_without_drift_while_the_plate_moves() -> None:
    # The wall does not move; a plate-like disc does, and the bar detection says where it is.
    canvas, rng = wall(2), np.random.default_rng(1)
    still = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    estimator = BackgroundMotion()
    worst = 0.0
    for k in range(90):
        image = shot(canvas, still, rng)
        centre = (320 + 2 * k, 180 - k)
        cv2.circle(image, centre, 45, (30, 30, 160), -1)
        cv2.circle(image, centre, 12, (200, 200, 200), -1)
        bar = BarDetection(
            t_s=k / 30, xy_px=np.array(centre, float), confidence=1.0, method=BarMethod.PLATE, radius_px=45.0
        )
        estimate = estimator.update(Frame(image, k / 30, k), pose=None, bar=bar)
        worst = max(worst, corner_error_px(estimate.to_scene_px, still))
    assert worst < 0.05


def test_a_cut_to_another_view_starts_a_new_scene_and_an_occluded_view_is_unknown() -> None:
    t, a = moves(40)
    first, second, rng = wall(3), wall(4), np.random.default_rng(2)
    estimator = BackgroundMotion()
    statuses = []
    for k in range(t.size):
        if 15 <= k < 18:  # a plain grey frame: nothing to measure, and nothing that disagrees
            image = np.full((HEIGHT, WIDTH, 3), 128, np.uint8)
        else:
            image = shot(first if k < 25 else second, a[k], rng)
        statuses.append(estimator.update(Frame(image, float(t[k]), k), pose=None, bar=nobar(t[k])).status)
    status = np.array(statuses)
    assert list(status[15:18]) == [CameraStatus.UNKNOWN] * 3
    assert status[18] == CameraStatus.ESTIMATED  # the key frame is found again: not a cut
    assert list(cut_index(status)) == [25]
    assert list(np.unique(scene_index(status)[25:])) == [1]


def test_the_lifter_and_the_plate_are_left_out_of_the_background() -> None:
    n = len(JOINT_NAMES)
    joints = np.array([[300.0, 100.0], [300.0, 200.0], [320.0, 260.0], [300.0, 320.0], [330.0, 330.0]])
    pose = PoseResult(
        t_s=0.0,
        side="left",
        joints_xy_px=joints,
        joints_visibility=np.ones(n),
        heel_xy_px=np.array([290.0, 330.0]),
        heel_visibility=1.0,
        wrists_xy_px=np.array([[340.0, 120.0], [np.nan, np.nan]]),
        wrists_visibility=np.array([1.0, 0.0]),
    )
    bar = BarDetection(
        t_s=0.0, xy_px=np.array([500.0, 100.0]), confidence=1.0, method=BarMethod.PLATE, radius_px=40.0
    )
    settings = CameraMotionSettings()
    to_work = np.diag([0.5, 0.5, 1.0])
    mask = background_mask(
        (180, 320),
        to_work,
        pose=pose,
        bar=bar,
        lifter_margin_trunks=settings.lifter_margin_trunks,
        plate_margin_radii=settings.plate_margin_radii,
    )

    def free(x: float, y: float) -> bool:
        return bool(mask[round(y / 2), round(x / 2)] > 0)

    # trunk 100 px, margin 70 px: the head 60 px above the shoulder is out, 90 px to the side is in
    assert not free(300, 40) and not free(360, 200)
    assert free(410, 200) and free(100, 100)
    # the plate's circle grown to 1.3 radii (52 px)
    assert not free(500, 100) and not free(548, 100) and free(560, 100)


def test_the_still_camera_assumes_identity() -> None:
    image = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    estimate = StillCamera().update(Frame(image, 0.0, 0), pose=None, bar=nobar(0.0))
    assert estimate.status is CameraStatus.ASSUMED
    np.testing.assert_array_equal(estimate.to_scene_px, [[1, 0, 0], [0, 1, 0]])


# -- the transforms applied ----------------------------------------------------------------------


def shifts(dx: list[float]) -> np.ndarray:
    a = np.tile(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), (len(dx), 1, 1))
    a[:, 0, 2] = dx
    return a


def test_unmeasured_frames_are_interpolated_within_their_scene_only() -> None:
    nan = math.nan
    t = np.arange(7) / 10
    a = shifts([0.0, 10.0, nan, 30.0, 0.0, nan, nan])
    status = [1, 2, 3, 2, 1, 3, 3]  # reference, estimated, unknown, estimated, cut, unknown x2
    filled = filled_transforms(t, a, status)
    assert list(filled[:, 0, 2]) == pytest.approx([0.0, 10.0, 20.0, 30.0, 0.0, 0.0, 0.0])
    assert list(scene_index(status)) == [0, 0, 0, 0, 1, 1, 1]
    xy = np.array([[5.0, 5.0]] * 7)
    assert list(to_scene_xy(filled, xy)[:, 0]) == pytest.approx([5, 15, 25, 35, 5, 5, 5])


def test_the_camera_summary_says_how_far_the_camera_moved_and_where_it_was_cut() -> None:
    t = np.arange(5) / 10
    a = shifts([0.0, 16.0, 32.0, math.nan, 0.0])
    a[:, 1, 2] = [0.0, 0.0, -9.0, math.nan, 0.0]
    summary = camera_summary(t, a, [1, 2, 2, 3, 1], size_px=(320, 180))
    assert summary["measured"] is True
    assert summary["moved_px"] == pytest.approx(math.hypot(32, 9), abs=0.01)
    assert summary["moved_fraction"] == pytest.approx(0.1)  # 32 of 320 px
    assert summary["travel_px"] == pytest.approx(16 + math.hypot(16, 9), abs=0.1)
    assert summary["unknown_frames"] == 1 and summary["unknown_fraction"] == pytest.approx(0.2)
    assert summary["cuts_t_s"] == [0.4]
    assert camera_summary(t, shifts([0.0] * 5), [0] * 5, size_px=(320, 180))["measured"] is False


# -- the track in its scene ----------------------------------------------------------------------


def test_a_still_plate_filmed_by_a_panning_camera_stays_still_in_metres_and_a_cut_breaks_the_path() -> None:
    # The camera pans 3 px per frame to the right, so a still plate drifts left in the picture; at
    # frame 20 the view is cut to another one (the plate now elsewhere in the picture).
    builder = TrackBuilder(pose_ran=False)
    for k in range(40):
        t = k / 30
        seen_x = 300.0 - 3.0 * k if k < 20 else 100.0 - 3.0 * (k - 20)
        bar = BarDetection(
            t_s=t, xy_px=np.array([seen_x, 200.0]), confidence=0.9, method=BarMethod.PLATE, radius_px=50.0
        )
        pan = 3.0 * (k if k < 20 else k - 20)  # the frame's pixels sit this far right in its scene
        status = CameraStatus.REFERENCE if k in (0, 20) else CameraStatus.ESTIMATED
        to_scene = np.array([[1.0, 0.0, pan], [0.0, 1.0, 0.0]])
        builder.append(k, bar, None, CameraEstimate(t_s=t, to_scene_px=to_scene, status=status))
    track = builder.build()
    assert track.camera_status.dtype == np.int8 and list(track.camera_cut_t_s) == [pytest.approx(20 / 30)]
    scene = in_scene(track)
    np.testing.assert_allclose(scene.bar_xy_px[:20], [[300.0, 200.0]] * 20)
    np.testing.assert_allclose(scene.bar_xy_px[20:], [[100.0, 200.0]] * 20)
    np.testing.assert_array_equal(track.bar_xy_px[5], [285.0, 200.0])  # the track itself is untouched
    calibration = calibrate_track(track, bar_method=BarMethod.PLATE)
    trajectory = to_trajectory(track, calibration)
    assert list(trajectory.breaks_t_s) == [pytest.approx(20 / 30)]
    np.testing.assert_allclose(trajectory.bar_xy_m[:20], 0.0, atol=1e-12)  # the plate never moved
    kinematics = smooth(trajectory, lift=Lift.SQUAT)
    assert np.nanmax(np.abs(kinematics.bar_velocity_m_s)) < 1e-9  # and the cut is no jump
    without = to_trajectory(
        PixelTrack(**{**track.__dict__, "camera_status": np.zeros(40, np.int8)}), calibration
    )
    assert np.ptp(without.bar_xy_m[:20, 0]) > 0.2  # taken as still, the plate slid 57 px
