"""Bar trackers that follow something on the bar (an ArUco marker, a coloured dot) and the wrists,
on frames drawn here with known answers."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from tests.capture.bar.scenes import ONE, SHIFT, background, fixed
from vbt.capture.bar import ArucoTracker, BarMethod, ColorMarkerTracker, WristMidpointTracker
from vbt.capture.dot_colours import DOT_COLOURS
from vbt.errors import InputError
from vbt.types import Frame


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
        cv2.circle(image, (fixed(x), fixed(y)), 9 * ONE, (40, 220, 60), -1, cv2.LINE_AA, SHIFT)
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


@pytest.mark.parametrize("colour", list(DOT_COLOURS))
def test_a_dot_of_each_colour_is_found_among_dots_of_the_others(colour: str) -> None:
    hues = {"green": 62, "blue": 115, "yellow": 30, "magenta": 152, "red": 0}  # each range's middle
    assert set(hues) == set(DOT_COLOURS)

    def bgr(hue: int) -> tuple[int, int, int]:
        pixel = cv2.cvtColor(np.array([[[hue, 220, 220]]], np.uint8), cv2.COLOR_HSV2BGR)[0, 0]
        return int(pixel[0]), int(pixel[1]), int(pixel[2])

    image = np.full((480, 640, 3), (110, 110, 110), np.uint8)
    others = [name for name in hues if name != colour]
    for k, name in enumerate(others):
        cv2.circle(image, (80 + 120 * k, 400), 12, bgr(hues[name]), -1)
    cv2.circle(image, (fixed(321.5), fixed(150.25)), 10 * ONE, bgr(hues[colour]), -1, cv2.LINE_AA, SHIFT)
    detection = ColorMarkerTracker.of_colour(colour).update(Frame(image=image, t_s=0.0, index=0))
    np.testing.assert_allclose(detection.xy_px, [321.5, 150.25], atol=0.3)


def test_an_unknown_dot_colour_names_the_known_ones() -> None:
    with pytest.raises(InputError, match="unknown dot colour 'teal'; use one of green, blue"):
        ColorMarkerTracker.of_colour("teal")
