"""The front pass's rules on tracks and numbers drawn by hand (known answers by construction): one
the hands carrying the bar over short gaps, the inner faces' gap as a
ruler, and the front view's verdicts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vbt.capture.camera.types import CameraStatus, identity_transform
from vbt.capture.front_pass import fill_with_hands, gap_finding, hands_note
from vbt.capture.track import PixelTrack
from vbt.quality.capture import camera_view, is_front_view, no_extension_from_front
from vbt.quality.settings import CaptureCheckSettings
from vbt.quality.verdict import Severity
from vbt.types import JOINT_NAMES, RepMetrics, RepStatus

FPS = 30.0
SETTINGS = CaptureCheckSettings()


def track(bar_y_px: np.ndarray, radius_px: np.ndarray, wrists_y_px: np.ndarray) -> PixelTrack:
    """A bar at x = 320 px, its wrists 80 px either side of it at ``wrists_y_px``."""
    n = bar_y_px.size
    seen = np.isfinite(bar_y_px)
    wrists = np.stack([np.c_[np.full(n, 240.0), wrists_y_px], np.c_[np.full(n, 400.0), wrists_y_px]], axis=1)
    return PixelTrack(
        t_s=np.arange(n) / FPS,
        frame_index=np.arange(n),
        bar_xy_px=np.c_[np.where(seen, 320.0, np.nan), bar_y_px],
        bar_confidence=np.where(seen, 1.0, 0.0),
        bar_size_px=radius_px.astype(float),
        bar_axis_ratio=np.full(n, np.nan),
        joints_xy_px=np.full((n, len(JOINT_NAMES), 2), np.nan),
        joints_visibility=np.zeros((n, len(JOINT_NAMES))),
        heel_xy_px=np.full((n, 2), np.nan),
        wrists_xy_px=wrists,
        camera_to_scene_px=np.broadcast_to(identity_transform(), (n, 2, 3)).copy(),
        camera_status=np.full(n, CameraStatus.ASSUMED, dtype=np.int8),
    )


def test_the_hands_carry_the_bar_over_short_gaps_with_their_offset_interpolated():
    n = 30
    truth = np.linspace(400.0, 250.0, n)  # the bar rises 150 px in a second
    offset = np.linspace(8.0, 14.0, n)  # the wrists 8 px above the bar, then 14 (they flex)
    bar = truth.copy()
    bar[10:14] = np.nan  # 4 frames (0.13 s): filled
    bar[20:] = np.nan  # to the end: no frame after it, not filled
    filled, count = fill_with_hands(track(bar, np.full(n, 40.0), truth - offset))
    assert count == 4
    assert filled.bar_xy_px[10:14, 1] == pytest.approx(truth[10:14], abs=1e-6)
    assert (filled.bar_confidence[10:14] < 0.6).all()  # never the scale
    assert math.isnan(filled.bar_xy_px[25, 1])
    long_gap = truth.copy()
    long_gap[5:20] = np.nan  # 0.5 s: the offset is not known that long
    assert fill_with_hands(track(long_gap, np.full(n, 40.0), truth - offset))[1] == 0
    (note,) = hands_note(4, 30)
    assert note.severity is Severity.NOTE and "13 %" in note.message
    assert hands_note(0, 30) == []


def test_the_inner_faces_gap_doubts_the_plates_unless_the_body_agrees_with_them():
    assert gap_finding(0.9, body_agrees=False) == []
    (doubt,) = gap_finding(1.4, body_agrees=True)  # longer than a bar can look: a ruler is wrong
    assert doubt.code == "edge_on_rulers_disagree" and doubt.severity is Severity.DOUBT
    (doubt,) = gap_finding(0.6, body_agrees=False)
    assert doubt.severity is Severity.DOUBT
    (turned,) = gap_finding(0.6, body_agrees=True)  # shorter: a bar turned from the camera
    assert turned.code == "bar_turned" and turned.severity is Severity.NOTE


def test_a_front_view_measured_edge_on_is_a_note_and_without_a_ruler_unusable():
    nan = math.nan
    reps = [RepMetrics(1, 0.0, 1.0, RepStatus.OK, 1.0, 1.0, 2.0, 1.0, 0.5, 1.0, 1.0, 0.0, nan, nan, nan, nan)]
    (measured,) = camera_view(90.0, math.nan, reps, plate_scale=True, settings=SETTINGS, edge_on=True)
    assert measured.severity is Severity.NOTE and "edge-on" in measured.message
    (unmeasured,) = camera_view(90.0, math.nan, reps, plate_scale=True, settings=SETTINGS)
    assert unmeasured.severity is Severity.UNUSABLE and unmeasured.suspect
    assert is_front_view(61.0) and not is_front_view(59.0) and not is_front_view(math.nan)
    (note,) = no_extension_from_front(90.0, reps)
    assert note.code == "extension_not_seen" and note.severity is Severity.NOTE
    assert no_extension_from_front(90.0, []) == []
