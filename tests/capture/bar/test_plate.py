"""The plate tracker on frames drawn here, with known answers: a plate with rim and hub moving along
a known path with motion blur and noise, hidden, half covered, beside another plate, or absent."""

from __future__ import annotations

import numpy as np
import pytest

from tests.capture.bar.scenes import background, draw_plate, render_clip, sine_path, truth
from vbt.capture.bar import (
    ArucoTracker,
    BarMethod,
    ColorMarkerTracker,
    PlateSettings,
    PlateTracker,
    WristMidpointTracker,
    stack_detections,
    without,
)
from vbt.errors import InputError
from vbt.types import Frame


@pytest.fixture(scope="module")
def moving_plate() -> list[Frame]:
    n = 75
    return render_clip(np.zeros((n, 2)), 50.0, path_fn=sine_path)


# --- rim fitting ----------------------------------------------------------------------------------


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


def test_without_the_hands_rule_the_hands_do_not_choose_the_plate() -> None:
    """The same two plates with the rule switched off: wherever the hands are, the same plate."""
    image = background(seed=7)
    draw_plate(image, 160.0, 240.0, 55.0)
    draw_plate(image, 470.0, 240.0, 55.0)
    chosen = []
    for hands in ([[470.0, 250.0], [465.0, 235.0]], [[160.0, 240.0]]):
        tracker = PlateTracker(without(PlateSettings(), "choice.use_hands"))
        detection = tracker.update(Frame(image=image, t_s=0.0, index=0), hands_xy_px=np.array(hands))
        assert detection.detected
        chosen.append(detection.xy_px[0])
    assert chosen[0] == chosen[1]


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


# --- marker trackers and wrists -------------------------------------------------------------------
