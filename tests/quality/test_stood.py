"""A failed squat the lifter stood up from (`vbt.quality.stood`), on hand-made tracks: 4 s at 30 fps,
3 mm per pixel, the hips standing at 300 px until 0.5 s and 100 px (0.30 m) lower at 1.5 s, where
the tracked plate's failed rep starts."""

from dataclasses import replace

import numpy as np

from tests.quality.test_capture_checks import FPS, rep, track
from vbt.capture.pose import BODY_POINTS
from vbt.quality.stood import stood_up_from_failed
from vbt.types import Lift, RepStatus

MPP = 0.003
FAILED = [replace(rep(1, 1.5, 2.0), status=RepStatus.FAILED)]


def squat(hips_after_px: float, *, sink_back: bool = False, visibility: float = 0.9):
    """The track: the plate (whatever circle it is) stuck 40 px up from its bottom; the hips back
    up to ``hips_after_px`` at 2.8 s (``sink_back``: they rise 30 px by 2.0 s and sink to the
    bottom again, a real failure)."""
    t = np.arange(int(4 * FPS)) / FPS
    down = 300.0 + 100.0 * np.clip((t - 0.5) / 1.0, 0, 1)
    if sink_back:
        hips = down - 30.0 * np.clip((t - 1.5) / 0.5, 0, 1) + 30.0 * np.clip((t - 2.0) / 0.5, 0, 1)
    else:
        hips = down - (400.0 - hips_after_px) * np.clip((t - 1.5) / 1.3, 0, 1)
    bar = 250.0 + 100.0 * np.clip((t - 0.5) / 1.0, 0, 1) - 40.0 * np.clip((t - 1.5) / 0.5, 0, 1)
    made = track(bar, hands_y_px=bar)
    for name in ("left_hip", "right_hip"):
        k = BODY_POINTS.index(name)
        made.body_xy_px[:, k] = np.c_[np.full(t.size, 320.0), hips]
        made.body_visibility[:, k] = visibility
    return made


def test_a_failed_squat_the_hips_stood_up_from_is_suspect():
    (finding,) = stood_up_from_failed(squat(300.0), FAILED, lift=Lift.SQUAT, metres_per_px=MPP)
    assert finding.suspect and finding.reps == (1,) and finding.code == "failed_but_stood"
    assert "hips came back up to their standing height after it (30 cm down and back)" in finding.message
    # within the lockout tolerance (5 cm: 16 px) of standing is standing
    assert stood_up_from_failed(squat(315.0), FAILED, lift=Lift.SQUAT, metres_per_px=MPP)


def test_hips_that_stay_down_or_stop_short_of_standing_leave_the_failure_standing():
    for stays in (squat(0.0, sink_back=True), squat(330.0)):  # a real failure; 9 cm short of standing
        assert stood_up_from_failed(stays, FAILED, lift=Lift.SQUAT, metres_per_px=MPP) == []


def test_only_failed_squats_with_the_hips_seen_are_judged():
    made = squat(300.0)
    assert stood_up_from_failed(made, [rep(1, 1.5, 2.0)], lift=Lift.SQUAT, metres_per_px=MPP) == []
    # a bench press is held by the hands, the hips do not move
    assert stood_up_from_failed(made, FAILED, lift=Lift.BENCH, metres_per_px=MPP) == []
    unseen = squat(300.0, visibility=0.2)
    assert stood_up_from_failed(unseen, FAILED, lift=Lift.SQUAT, metres_per_px=MPP) == []
