"""The second look's test of one object through the clip, on tracks drawn by hand (known answers by
construction): a plate of radius 50 px is 0.225 m, so 4.5 mm a pixel; frames 1/30 s apart."""

from __future__ import annotations

import numpy as np

from tests.capture.test_front_rulers import FPS, track
from vbt.capture.camera.types import CameraStatus
from vbt.capture.second_pass import MAX_BAR_SPEED_M_S, jumps_between_objects
from vbt.capture.track import PixelTrack

RADIUS_M = 0.225
RADIUS_PX = 50.0
M_PER_PX = RADIUS_M / RADIUS_PX


def plate_at(x_px: np.ndarray, y_px: np.ndarray, **changes: object) -> PixelTrack:
    """A plate of ``RADIUS_PX`` at (x_px, y_px) (NaN: not seen), one frame each 1/FPS s."""
    drawn = track(y_px, np.full(y_px.size, RADIUS_PX), y_px)
    return PixelTrack(**{**drawn.__dict__, "bar_xy_px": np.c_[x_px, y_px], **changes})


def test_a_fast_pull_and_a_bar_dropped_from_overhead_are_one_object() -> None:
    n = 30
    t = np.arange(n) / FPS
    pull = 400.0 - 2.5 * t / M_PER_PX  # rising at 2.5 m/s, a fast snatch pull
    assert not jumps_between_objects(plate_at(np.full(n, 320.0), pull), RADIUS_M)
    # Dropped from 2.4 m: it lands at sqrt(2 g h) = 6.9 m/s, under the limit of 7 m/s.
    fall_s = np.sqrt(2 * 2.4 / 9.81)
    drop = 100.0 + 0.5 * 9.81 * np.minimum(t, fall_s) ** 2 / M_PER_PX
    assert 9.81 * fall_s < MAX_BAR_SPEED_M_S
    assert not jumps_between_objects(plate_at(np.full(n, 320.0), drop), RADIUS_M)


def test_a_track_that_leaps_to_another_circle_is_two_objects() -> None:
    # A stored plate at x = 740 px, then at 1.5 s a circle at 475 px: 1.2 m in 1/30 s.
    n = 60
    x = np.where(np.arange(n) < 45, 740.0, 475.0)
    y = np.full(n, 300.0)
    assert jumps_between_objects(plate_at(x, y), RADIUS_M)
    # The same leap where the camera cut to another view (a new scene's reference frame) is the cut's.
    status = np.full(n, CameraStatus.ESTIMATED, dtype=np.int8)
    status[0] = status[45] = CameraStatus.REFERENCE
    assert not jumps_between_objects(plate_at(x, y, camera_status=status), RADIUS_M)
    # ... and after a second unseen, 1.2 m is a move a bar can make.
    x_gap = x.copy()
    x_gap[15:45] = np.nan
    assert not jumps_between_objects(plate_at(x_gap, np.where(np.isnan(x_gap), np.nan, y)), RADIUS_M)
