"""Bar trackers on frames drawn here, with known answers: a plate with rim and hub moving along a
known path with motion blur and noise, an ArUco marker, a coloured dot, wrists."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from vbt.capture.barbell import (
    ArucoTracker,
    BarDetection,
    BarMethod,
    ColorMarkerTracker,
    PlateTracker,
    WristMidpointTracker,
    stack_detections,
)
from vbt.capture.barbell_motion import ConstantVelocityKalman
from vbt.capture.barbell_rim import fit_circle, fit_rim, gradients
from vbt.errors import InputError
from vbt.types import Frame

SHIFT = 4  # cv2 drawing with 4 fractional bits: positions to 1/16 px
ONE = 1 << SHIFT


def _fixed(v: float) -> int:
    return round(v * ONE)


def background(h: int = 480, w: int = 640, *, seed: int = 0) -> np.ndarray:
    """A cluttered scene: smooth noise, bars and boxes (things a rim search may trip on)."""
    rng = np.random.default_rng(seed)
    noise = cv2.resize(rng.uniform(60, 200, (h // 16, w // 16, 3)), (w, h)).astype(np.uint8)
    for _ in range(12):
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        x1, y1 = x0 + int(rng.integers(-150, 150)), y0 + int(rng.integers(-150, 150))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        if rng.random() < 0.5:
            cv2.line(noise, (x0, y0), (x1, y1), colour, int(rng.integers(2, 8)), cv2.LINE_AA)
        else:
            cv2.rectangle(noise, (x0, y0), (x1, y1), colour, -1)
    return noise


def draw_plate(image: np.ndarray, x: float, y: float, r: float, angle_deg: float = 0.0) -> None:
    """A bumper plate: dark disc, lighter rim band, hub, sleeve, and 'lettering' that turns."""
    centre = (_fixed(x), _fixed(y))
    cv2.circle(image, centre, _fixed(r), (35, 40, 45), -1, cv2.LINE_AA, SHIFT)
    cv2.circle(image, centre, _fixed(0.93 * r), (60, 62, 66), _fixed(0.05 * r) // ONE + 1, cv2.LINE_AA, SHIFT)
    cv2.circle(image, centre, _fixed(0.25 * r), (150, 150, 155), -1, cv2.LINE_AA, SHIFT)
    cv2.circle(image, centre, _fixed(0.11 * r), (210, 210, 215), -1, cv2.LINE_AA, SHIFT)
    for k in range(3):
        a = math.radians(angle_deg + 120 * k)
        tx, ty = x + 0.6 * r * math.cos(a), y + 0.6 * r * math.sin(a)
        box = ((tx, ty), (0.35 * r, 0.1 * r), math.degrees(a) + 90)
        cv2.fillPoly(image, [np.round(cv2.boxPoints(box)).astype(np.int32)], (200, 200, 200))


def render_clip(
    path_xy: np.ndarray,
    r: float,
    *,
    fps: float = 30.0,
    exposure_s: float = 1 / 60,
    noise: float = 4.0,
    seed: int = 0,
    occluders: dict[int, tuple[int, int, int, int]] | None = None,
    subframes: int = 8,
    path_fn=None,
) -> list[Frame]:
    """Frames of the plate following ``path_fn(t) -> (x, y)`` (motion blur from ``subframes``
    renders across the exposure, centred on the frame time) on one cluttered background."""
    rng = np.random.default_rng(seed)
    bg = background(seed=seed).astype(np.float32)
    frames = []
    for i in range(path_xy.shape[0]):
        t = i / fps
        acc = np.zeros_like(bg)
        for k in range(subframes):
            ts = t + exposure_s * ((k + 0.5) / subframes - 0.5)
            x, y = path_fn(ts)
            image = bg.astype(np.uint8)
            draw_plate(image, x, y, r, angle_deg=200 * ts)
            acc += image
        image = acc / subframes + rng.normal(0, noise, acc.shape)
        image = np.clip(image, 0, 255).astype(np.uint8)
        if occluders and i in occluders:
            x0, y0, x1, y1 = occluders[i]
            cv2.rectangle(image, (x0, y0), (x1, y1), (120, 90, 200), -1)
        frames.append(Frame(image=image, t_s=t, index=i))
    return frames


def sine_path(t: float) -> tuple[float, float]:
    """Peak vertical speed 2*pi*0.6*130 = 490 px/s: 2.2 m/s for a 0.45 m plate of radius 50 px."""
    return 300.0 + 15.0 * math.sin(2 * math.pi * 0.3 * t), 240.0 + 130.0 * math.sin(2 * math.pi * 0.6 * t)


def truth(n: int, fps: float = 30.0) -> np.ndarray:
    return np.array([sine_path(i / fps) for i in range(n)])


@pytest.fixture(scope="module")
def moving_plate() -> list[Frame]:
    n = 75
    return render_clip(np.zeros((n, 2)), 50.0, path_fn=sine_path)


# --- rim fitting ----------------------------------------------------------------------------------


def test_fit_circle_recovers_exact_circle() -> None:
    angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    points = np.column_stack([12.5 + 30 * np.cos(angles), -7.25 + 30 * np.sin(angles)])
    centre, radius = fit_circle(points)
    np.testing.assert_allclose(centre, [12.5, -7.25], atol=1e-9)
    assert radius == pytest.approx(30.0, abs=1e-9)


def test_fit_circle_degenerate_points_give_nan() -> None:
    centre, radius = fit_circle(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]))
    assert np.isnan(radius)
    assert np.all(np.isnan(centre))


def exact_disc(h: int, w: int, cx: float, cy: float, r: float, *, ss: int = 8) -> np.ndarray:
    """(h, w, 3) image of a dark disc on gray, each pixel shaded by the exact share it covers."""
    yy, xx = np.mgrid[0 : h * ss, 0 : w * ss]
    inside = ((xx + 0.5) / ss - 0.5 - cx) ** 2 + ((yy + 0.5) / ss - 0.5 - cy) ** 2 <= r * r
    cover = inside.reshape(h, ss, w, ss).mean(axis=(1, 3))
    return np.repeat((170 - 130 * cover).astype(np.uint8)[..., None], 3, axis=2)


def test_fit_rim_subpixel_centre_and_radius_of_an_exact_disc() -> None:
    image = exact_disc(200, 200, 97.3, 104.6, 40.0)
    gx, gy = gradients(image)
    fit = fit_rim(gx, gy, np.array([92.0, 100.0]), 36.0)  # a guess 6 px and 4 px off
    assert fit is not None
    np.testing.assert_allclose(fit.centre_xy, [97.3, 104.6], atol=0.05)
    assert fit.radius == pytest.approx(40.0, abs=0.1)
    assert fit.inlier_fraction > 0.95
    assert fit.axis_ratio == pytest.approx(1.0, abs=0.01)


def test_fit_rim_measures_an_ellipse_seen_off_axis() -> None:
    image = np.full((240, 240, 3), 180, np.uint8)
    # A plate seen about 37 degrees off side-on: horizontal axis cos(37) = 0.8 of the vertical.
    cv2.ellipse(
        image, (120 * ONE, 118 * ONE), (40 * ONE, 50 * ONE), 0, 0, 360, (30, 30, 30), -1, cv2.LINE_AA, SHIFT
    )
    gx, gy = gradients(image)
    fit = fit_rim(gx, gy, np.array([118.0, 120.0]), 45.0)
    assert fit is not None
    np.testing.assert_allclose(fit.centre_xy, [120.0, 118.0], atol=0.3)
    assert fit.axes[0] == pytest.approx(50.0, abs=1.0)
    assert fit.axes[1] == pytest.approx(40.0, abs=1.0)
    assert fit.angle_deg == pytest.approx(90.0, abs=3.0)  # major axis vertical


def test_fit_rim_on_a_short_arc_uses_the_known_radius() -> None:
    image = np.full((200, 200, 3), 180, np.uint8)
    draw_plate(image, 100.0, 100.0, 40.0)
    cv2.rectangle(image, (0, 0), (200, 95), (180, 180, 180), -1)  # hide the upper 55 %
    gx, gy = gradients(image)
    fit = fit_rim(gx, gy, np.array([103.0, 97.0]), 40.0, fixed_radius=40.0)
    assert fit is not None
    assert fit.coverage_deg < 200
    np.testing.assert_allclose(fit.centre_xy, [100.0, 100.0], atol=0.6)


# --- the plate tracker ----------------------------------------------------------------------------


def test_plate_tracker_follows_a_blurred_plate_at_2_m_s(moving_plate: list[Frame]) -> None:
    tracker = PlateTracker()
    detections = [tracker.update(f) for f in moving_plate]
    t_s, xy, confidence = stack_detections(detections)
    expected = truth(len(moving_plate))
    detected = np.isfinite(xy[:, 0])
    assert detected.mean() >= 0.97
    error = np.hypot(*(xy[detected] - expected[detected]).T)
    assert np.median(error) < 0.8  # pixels, for a plate of radius 50 px
    assert np.percentile(error, 95) < 2.0
    assert np.all(confidence[detected] > 0.3)
    radius = np.array([d.radius_px for d in detections])
    assert np.nanmedian(radius) == pytest.approx(50.0, rel=0.03)
    assert all(d.method is BarMethod.PLATE for d in detections)
    np.testing.assert_allclose(t_s, np.arange(len(moving_plate)) / 30.0)


def test_plate_tracker_reports_nan_while_the_plate_is_hidden_and_reacquires() -> None:
    n = 60
    hidden = range(25, 33)
    occluders = {}
    for i in hidden:
        x, y = sine_path(i / 30.0)
        occluders[i] = (int(x - 80), int(y - 80), int(x + 80), int(y + 80))
    frames = render_clip(np.zeros((n, 2)), 50.0, path_fn=sine_path, occluders=occluders, seed=3)
    tracker = PlateTracker()
    detections = [tracker.update(f) for f in frames]
    _, xy, confidence = stack_detections(detections)
    for i in hidden:
        assert np.all(np.isnan(xy[i])), f"frame {i}: a hidden plate must be NaN, got {xy[i]}"
        assert confidence[i] == 0.0
    after = np.arange(36, n)
    expected = truth(n)
    error = np.hypot(*(xy[after] - expected[after]).T)
    assert np.all(np.isfinite(error))
    assert np.max(error) < 2.0


def test_plate_tracker_survives_partial_occlusion_by_the_body() -> None:
    n = 40
    occluders = {}
    for i in range(10, 30):  # a forearm across the lower 40 % of the plate
        x, y = sine_path(i / 30.0)
        occluders[i] = (int(x - 70), int(y + 10), int(x + 70), int(y + 70))
    frames = render_clip(np.zeros((n, 2)), 50.0, path_fn=sine_path, occluders=occluders, seed=5)
    tracker = PlateTracker()
    _, xy, _ = stack_detections([tracker.update(f) for f in frames])
    expected = truth(n)
    error = np.hypot(*(xy - expected).T)
    assert np.isfinite(error).mean() >= 0.95
    assert np.nanmedian(error[10:30]) < 2.0


def test_plate_tracker_prefers_the_plate_at_the_hands() -> None:
    image = background(seed=7)
    draw_plate(image, 160.0, 240.0, 55.0)
    draw_plate(image, 470.0, 240.0, 55.0)
    for hands, expected_x in (([[470.0, 250.0], [465.0, 235.0]], 470.0), ([[160.0, 240.0]], 160.0)):
        tracker = PlateTracker()
        detection = tracker.update(Frame(image=image, t_s=0.0, index=0), hands_xy_px=np.array(hands))
        assert detection.detected
        assert detection.xy_px[0] == pytest.approx(expected_x, abs=1.0)


def test_plate_tracker_finds_nothing_in_an_empty_scene() -> None:
    tracker = PlateTracker()
    image = np.full((360, 480, 3), 128, np.uint8)
    detections = [tracker.update(Frame(image=image, t_s=i / 30, index=i)) for i in range(5)]
    assert not any(d.detected for d in detections)
    assert not tracker.tracking


def test_trackers_reject_frames_out_of_time_order(moving_plate: list[Frame]) -> None:
    for tracker in (PlateTracker(), ArucoTracker(), ColorMarkerTracker(), WristMidpointTracker()):
        tracker.update(moving_plate[1])
        with pytest.raises(InputError, match="not later than the previous frame"):
            tracker.update(moving_plate[0])
        tracker.reset()
        tracker.update(moving_plate[0])  # fine after a reset


def test_kalman_filter_follows_constant_velocity_exactly() -> None:
    kalman = ConstantVelocityKalman(
        np.array([0.0, 0.0]), 0.0, accel_px_s2=10.0, measurement_px=0.5, velocity_px_s=100.0
    )
    for i in range(1, 40):
        t = i / 30
        kalman.predict(t)
        kalman.correct(np.array([90.0 * t, -30.0 * t]))
    np.testing.assert_allclose(kalman.velocity_px_s, [90.0, -30.0], atol=0.5)
    np.testing.assert_allclose(kalman.predict(41 / 30), [90 * 41 / 30, -30 * 41 / 30], atol=0.3)


# --- marker trackers and wrists -------------------------------------------------------------------


def _marker_frame(x0: int, y0: int, side: int, t_s: float, index: int) -> Frame:
    image = background(seed=11)
    board = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    marker = cv2.aruco.generateImageMarker(board, 7, side)
    pad = side // 4
    image[y0 - pad : y0 + side + pad, x0 - pad : x0 + side + pad] = 255  # the white border
    image[y0 : y0 + side, x0 : x0 + side] = marker[..., None]
    return Frame(image=image, t_s=t_s, index=index)


def test_aruco_tracker_finds_the_marker_centre_and_scale() -> None:
    tracker = ArucoTracker(marker_id=7, marker_side_m=0.04)
    side = 48
    for i, (x0, y0) in enumerate([(100, 120), (130, 160), (170, 230), (400, 300)]):
        detection = tracker.update(_marker_frame(x0, y0, side, i / 30, i))
        assert detection.detected
        # Pixel (x0, y0) spans x0-0.5..x0+0.5, so the square's centre is at x0 + side/2 - 0.5.
        np.testing.assert_allclose(detection.xy_px, [x0 + side / 2 - 0.5, y0 + side / 2 - 0.5], atol=0.3)
        assert detection.marker_side_px == pytest.approx(side, abs=0.5)
        assert detection.method is BarMethod.ARUCO
    assert tracker.metres_per_px == pytest.approx(0.04 / side, rel=0.01)


def test_aruco_tracker_ignores_other_ids_and_reports_nan() -> None:
    tracker = ArucoTracker(marker_id=3)
    detection = tracker.update(_marker_frame(100, 100, 48, 0.0, 0))
    assert not detection.detected
    assert detection.confidence == 0.0
    assert math.isnan(tracker.metres_per_px)


def test_color_marker_tracker_follows_a_green_dot() -> None:
    tracker = ColorMarkerTracker()  # default range: green, like the dot in snatch_side_1rep.mp4
    base = np.full((480, 640, 3), (90, 60, 50), np.uint8)
    cv2.circle(base, (500, 100), 12, (40, 40, 200), -1)  # a red distractor
    for i, (x, y) in enumerate([(200.25, 300.5), (210.0, 280.75), (230.5, 250.0)]):
        image = base.copy()
        cv2.circle(image, (_fixed(x), _fixed(y)), 9 * ONE, (40, 220, 60), -1, cv2.LINE_AA, SHIFT)
        detection = tracker.update(Frame(image=image, t_s=i / 30, index=i))
        np.testing.assert_allclose(detection.xy_px, [x, y], atol=0.25)
        assert detection.method is BarMethod.COLOR
        assert detection.confidence > 0.8
    gone = tracker.update(Frame(image=base, t_s=1.0, index=3))
    assert not gone.detected


def test_wrist_midpoint_is_flagged_low_accuracy() -> None:
    tracker = WristMidpointTracker()
    frame = Frame(image=np.zeros((10, 10, 3), np.uint8), t_s=0.0, index=0)
    detection = tracker.update(frame, hands_xy_px=np.array([[100.0, 200.0], [110.0, 210.0]]))
    np.testing.assert_allclose(detection.xy_px, [105.0, 205.0])
    assert detection.method is BarMethod.WRISTS
    assert detection.method.low_accuracy
    assert detection.confidence <= 0.3
    one = tracker.update(
        Frame(image=frame.image, t_s=0.1, index=1), hands_xy_px=np.array([[100.0, 200.0], [np.nan, np.nan]])
    )
    np.testing.assert_allclose(one.xy_px, [100.0, 200.0])
    none = tracker.update(Frame(image=frame.image, t_s=0.2, index=2), hands_xy_px=None)
    assert not none.detected


def test_bar_detection_checks_its_shapes() -> None:
    with pytest.raises(ValueError, match=r"xy_px must have shape \(2,\)"):
        BarDetection(t_s=0.0, xy_px=np.zeros(3), confidence=0.5, method=BarMethod.PLATE)
    with pytest.raises(ValueError, match="confidence"):
        BarDetection(t_s=0.0, xy_px=np.zeros(2), confidence=1.5, method=BarMethod.PLATE)
    missing = BarDetection.missing(1.0, BarMethod.PLATE)
    assert not missing.detected
    assert math.isnan(missing.axis_ratio)
