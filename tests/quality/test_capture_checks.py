"""The capture checks on pixel tracks drawn by hand (known answers by construction)."""

import math
from dataclasses import replace

import numpy as np

from vbt.calibration.body import BodyScale
from vbt.capture.camera.types import CameraStatus, identity_transform
from vbt.capture.pose import BODY_POINTS
from vbt.capture.track import PixelTrack
from vbt.quality.capture import (
    CaptureFacts,
    camera_view,
    check_capture,
    plate_partly_outside,
    plate_size_changes,
    scale_against_body,
)
from vbt.quality.holder import hands_follow_the_bar, hands_rose_alone
from vbt.quality.settings import CaptureCheckSettings
from vbt.quality.verdict import Severity
from vbt.types import JOINT_NAMES, Lift, RepMetrics, RepStatus

SETTINGS = CaptureCheckSettings()
FPS = 30.0


def rep(index: int, start_s: float, end_s: float) -> RepMetrics:
    nan = math.nan
    return RepMetrics(
        index, start_s, end_s, RepStatus.OK, 0.5, 0.5, 0.8, 0.3, 0.4, end_s - start_s, end_s - start_s,
        0.0, nan, nan, nan, nan,
    )  # fmt: skip


#: How far to the side of the plate's centre a hand or shoulder that does not hold it is drawn: outside
#: the plate's disc (radius 60 px), where the pose sees it.
ASIDE_PX = 100.0


def track(
    bar_y_px: np.ndarray,
    *,
    hands_y_px: np.ndarray | None,
    radius_px=60.0,
    size=(640, 480),
    bar_x_px=320.0,
    hands_dx_px=0.0,
) -> PixelTrack:
    """A track of a bar at (bar_x_px, bar_y_px) whose wrists and shoulders (both sides) are at
    (bar_x_px + hands_dx_px, hands_y_px)."""
    n = bar_y_px.size
    body = np.full((n, len(BODY_POINTS), 2), np.nan)
    visibility = np.zeros((n, len(BODY_POINTS)))
    if hands_y_px is not None:
        for name in ("left_wrist", "right_wrist", "left_shoulder", "right_shoulder"):
            k = BODY_POINTS.index(name)
            body[:, k] = np.c_[np.full(n, bar_x_px + hands_dx_px), hands_y_px]
            visibility[:, k] = 0.9
    return PixelTrack(
        t_s=np.arange(n) / FPS,
        frame_index=np.arange(n),
        bar_xy_px=np.c_[np.full(n, bar_x_px), bar_y_px],
        bar_confidence=np.ones(n),
        bar_size_px=np.broadcast_to(np.asarray(radius_px, dtype=float), (n,)).copy(),
        bar_axis_ratio=np.ones(n),
        joints_xy_px=np.full((n, len(JOINT_NAMES), 2), np.nan),
        joints_visibility=np.zeros((n, len(JOINT_NAMES))),
        heel_xy_px=np.full((n, 2), np.nan),
        wrists_xy_px=np.full((n, 2, 2), np.nan),
        camera_to_scene_px=np.broadcast_to(identity_transform(), (n, 2, 3)).copy(),
        camera_status=np.full(n, CameraStatus.ASSUMED, dtype=np.int8),
        body_xy_px=body,
        body_visibility=visibility,
        frame_size_px=size,
    )


def rising(n=60, start=15, end=45, rise_px=150.0, y0=400.0) -> np.ndarray:
    y = np.full(n, y0)
    y[start:end] = y0 - rise_px * np.linspace(0, 1, end - start)
    y[end:] = y0 - rise_px
    return y


def test_a_plate_that_rises_without_the_hands_is_not_the_bar():
    bar = rising()
    still = track(bar, hands_y_px=np.full(bar.size, 300.0), hands_dx_px=ASIDE_PX)
    findings = hands_follow_the_bar(
        still, [rep(1, 0.5, 1.5)], lift=Lift.DEADLIFT, metres_per_px=0.003, settings=SETTINGS
    )
    assert len(findings) == 1 and findings[0].suspect and findings[0].reps == (1,)
    assert "hands" in findings[0].message
    holding = track(bar, hands_y_px=bar - 30.0)  # the hands 30 px above the plate's centre, rising with it
    assert (
        hands_follow_the_bar(
            holding, [rep(1, 0.5, 1.5)], lift=Lift.DEADLIFT, metres_per_px=0.003, settings=SETTINGS
        )
        == []
    )


def test_in_a_squat_the_shoulders_carry_the_bar():
    bar = rising()
    moving = track(bar, hands_y_px=bar)
    assert (
        hands_follow_the_bar(
            moving, [rep(1, 0.5, 1.5)], lift=Lift.SQUAT, metres_per_px=0.003, settings=SETTINGS
        )
        == []
    )
    still = track(bar, hands_y_px=np.full(bar.size, 250.0), hands_dx_px=ASIDE_PX)
    (finding,) = hands_follow_the_bar(
        still, [rep(1, 0.5, 1.5)], lift=Lift.SQUAT, metres_per_px=0.003, settings=SETTINGS
    )
    assert "shoulders" in finding.message


def test_shoulders_behind_the_plate_are_not_compared():
    # Side-on, a squatter's shoulders are behind the near plate: the pose guesses them, and its
    # guess lags (here it rises 0.4 times as far as the plate, inside the plate's disc all along).
    bar = rising(rise_px=80.0)
    lagging = bar + 0.6 * (bar[0] - bar)
    behind = track(bar, hands_y_px=lagging, hands_dx_px=20.0)
    assert (
        hands_follow_the_bar(
            behind, [rep(1, 0.5, 1.5)], lift=Lift.SQUAT, metres_per_px=0.003, settings=SETTINGS
        )
        == []
    )
    # the same lag where they are seen (beside the plate's disc) is a wrong track
    beside = track(bar, hands_y_px=lagging, hands_dx_px=ASIDE_PX)
    (finding,) = hands_follow_the_bar(
        beside, [rep(1, 0.5, 1.5)], lift=Lift.SQUAT, metres_per_px=0.003, settings=SETTINGS
    )
    assert finding.suspect


def test_hands_unseen_near_the_ends_of_a_rep_are_not_compared():
    bar = rising()
    hands = np.full(bar.size, 300.0)
    hands[:20] = np.nan  # hidden behind the plate at lift-off
    t = track(bar, hands_y_px=hands)
    assert (
        hands_follow_the_bar(
            t, [rep(1, 0.5, 1.5)], lift=Lift.DEADLIFT, metres_per_px=0.003, settings=SETTINGS
        )
        == []
    )


def test_a_still_plate_under_rising_hands_is_not_the_bar():
    # The tracked circle sways 5 px (under min_rise_px) while the hands press the bar up 100 px: the
    # plate's own rise is too small for a ratio, the hands' is not.
    bar = rising(rise_px=5.0)
    hands = rising(rise_px=100.0, y0=300.0)
    (finding,) = hands_follow_the_bar(
        track(bar, hands_y_px=hands, hands_dx_px=ASIDE_PX),
        [rep(1, 0.5, 1.5)],
        lift=Lift.BENCH,
        metres_per_px=0.003,
        settings=SETTINGS,
    )
    assert finding.suspect and "probably not the bar" in finding.message
    # both still (a rep the segmenter found in noise is not this check's business)
    still = track(bar, hands_y_px=rising(rise_px=5.0, y0=300.0), hands_dx_px=ASIDE_PX)
    assert (
        hands_follow_the_bar(
            still, [rep(1, 0.5, 1.5)], lift=Lift.BENCH, metres_per_px=0.003, settings=SETTINGS
        )
        == []
    )


def _squat_out_of_the_hole(*, made: bool) -> tuple[np.ndarray, np.ndarray]:
    """Tracked-plate and shoulder heights of 3 s at 30 fps. The tracked plate rises from the bottom
    (400 px) at 0.5 s by 50 px (0.15 m at 3 mm/px) to 1.0 s and sinks back to 400 px at 1.2-1.7 s: a
    failed rep on the track. ``made``: the shoulders rise on, 100 px to lockout at 1.5 s (the tracker
    lost the plate and slid down onto something else); else they move with the plate."""
    t = np.arange(90) / FPS
    bar = 400.0 - 50.0 * np.clip((t - 0.5) / 0.5, 0, 1) + 50.0 * np.clip((t - 1.2) / 0.5, 0, 1)
    shoulders = 400.0 - 100.0 * np.clip((t - 0.5) / 1.0, 0, 1) if made else bar.copy()
    return bar, shoulders


def test_a_failed_rep_after_which_the_shoulders_rise_on_to_lockout_was_made():
    failed = [replace(rep(1, 0.5, 1.0), status=RepStatus.FAILED)]
    bar, shoulders = _squat_out_of_the_hole(made=True)
    made = track(bar, hands_y_px=shoulders, hands_dx_px=ASIDE_PX)
    (finding,) = hands_follow_the_bar(made, failed, lift=Lift.SQUAT, metres_per_px=0.003, settings=SETTINGS)
    assert finding.suspect and finding.reps == (1,)
    # 28-29 cm of the 30 (each end is the median of its three nearest samples)
    assert "shoulders rose on to 1.50 s, 28 cm in all while the tracked plate rose 6 cm" in finding.message
    # the same rep reported complete is judged over its own span: the shoulders rose with the plate
    assert (
        hands_follow_the_bar(
            made, [rep(1, 0.5, 1.0)], lift=Lift.SQUAT, metres_per_px=0.003, settings=SETTINGS
        )
        == []
    )
    # a real failure: the shoulders stop with the bar and sink back with it
    bar, shoulders = _squat_out_of_the_hole(made=False)
    sank = track(bar, hands_y_px=shoulders, hands_dx_px=ASIDE_PX)
    assert hands_follow_the_bar(sank, failed, lift=Lift.SQUAT, metres_per_px=0.003, settings=SETTINGS) == []


def test_a_plate_more_than_half_a_radius_outside_the_picture_is_a_doubt():
    bar = rising(y0=470.0)  # radius 60: at 470 px the plate reaches 530 px in a 480 px frame
    cut = plate_partly_outside(track(bar, hands_y_px=None), [rep(1, 0.0, 1.0)], settings=SETTINGS)
    assert len(cut) == 1 and cut[0].severity is Severity.DOUBT and not cut[0].suspect
    whole = plate_partly_outside(
        track(rising(y0=300.0), hands_y_px=None), [rep(1, 0.0, 1.0)], settings=SETTINGS
    )
    assert whole == []


def test_a_plate_that_grows_within_a_rep_moved_towards_the_camera():
    bar = rising()
    radius = np.linspace(50.0, 65.0, bar.size)  # 30 % larger by the end: walking at the camera
    (finding,) = plate_size_changes(
        track(bar, hands_y_px=None, radius_px=radius), [rep(1, 0.0, 2.0)], settings=SETTINGS
    )
    assert finding.suspect and "size changed" in finding.message
    steady = plate_size_changes(
        track(bar, hands_y_px=None, radius_px=60.0), [rep(1, 0.0, 2.0)], settings=SETTINGS
    )
    assert steady == []


def test_a_camera_that_zooms_out_is_no_change_of_the_plate_s_size():
    # A broadcast's camera zooms out by 1.3 through the rep (measured from the background): the
    # plate shrinks in the frame's pixels by as much, and not at all in the scene's.
    bar = rising()
    zoom = np.linspace(1.0, 1.3, bar.size)
    zooming = track(bar, hands_y_px=None, radius_px=60.0 / zoom)
    to_scene = np.zeros((bar.size, 2, 3))
    to_scene[:, 0, 0] = to_scene[:, 1, 1] = zoom
    zooming = replace(
        zooming,
        camera_to_scene_px=to_scene,
        camera_status=np.full(bar.size, CameraStatus.ESTIMATED, dtype=np.int8),
    )
    assert plate_size_changes(zooming, [rep(1, 0.0, 2.0)], settings=SETTINGS) == []
    # The same shrinking plate before a still camera: the bar moved away from it.
    (finding,) = plate_size_changes(
        track(bar, hands_y_px=None, radius_px=60.0 / zoom), [rep(1, 0.0, 2.0)], settings=SETTINGS
    )
    assert finding.suspect


def test_a_rep_on_a_plate_of_another_size_than_the_scale_s_is_measured_with_the_wrong_scale() -> None:
    # The scale came from a plate of radius 30 px (the far plate); the rep was tracked on a steady
    # circle of 60 px (the near plate): its velocities are off by 60 / 30 = 2 whatever the scale.
    near = track(rising(), hands_y_px=None, radius_px=60.0)
    (finding,) = plate_size_changes(near, [rep(1, 0.0, 2.0)], settings=SETTINGS, scale_radius_px=30.0)
    assert finding.code == "plate_unlike_scale" and finding.suspect and finding.reps == (1,)
    assert "2.00 times" in finding.message and "60 px against 30 px" in finding.message
    # ... the same the other way round (a rep on a circle half the scale's plate) ...
    (smaller,) = plate_size_changes(near, [rep(1, 0.0, 2.0)], settings=SETTINGS, scale_radius_px=120.0)
    assert smaller.suspect and "0.50 times" in smaller.message
    # ... within the factors a rep's plate may differ by (1.1 doubt, 1.2 suspect): 1.15 is doubted ...
    (near_it,) = plate_size_changes(near, [rep(1, 0.0, 2.0)], settings=SETTINGS, scale_radius_px=60.0 / 1.15)
    assert near_it.severity is Severity.DOUBT and not near_it.suspect
    # ... and the scale's own plate, or no plate scale at all, is nothing to say.
    assert plate_size_changes(near, [rep(1, 0.0, 2.0)], settings=SETTINGS, scale_radius_px=62.0) == []
    assert plate_size_changes(near, [rep(1, 0.0, 2.0)], settings=SETTINGS) == []


def test_a_front_view_with_the_plate_tracker_is_unusable_an_oblique_one_is_a_note():
    reps = [rep(1, 0.5, 1.5), rep(2, 2.5, 3.5)]
    (front,) = camera_view(80.0, 1.0, reps, plate_scale=True, settings=SETTINGS)
    assert front.severity is Severity.UNUSABLE and front.suspect and front.reps == (1, 2)
    assert "Film from the side" in front.message
    (given,) = camera_view(80.0, 1.0, reps, plate_scale=False, settings=SETTINGS)
    assert given.severity is Severity.DOUBT and not given.suspect
    (oblique,) = camera_view(40.0, 0.8, reps, plate_scale=True, settings=SETTINGS)
    assert oblique.severity is Severity.NOTE
    assert camera_view(10.0, 0.97, reps, plate_scale=True, settings=SETTINGS) == []
    (edge_on,) = camera_view(math.nan, 0.3, reps, plate_scale=True, settings=SETTINGS)
    assert edge_on.code == "plate_edge_on"


def test_a_scale_the_body_refutes_is_a_doubt_that_says_which_scale_is_used():
    body = BodyScale(metres_per_px=0.003, low=0.0022, high=0.0042)
    assert scale_against_body(0.0031, body, method="plate", switched=False) == []
    (switched,) = scale_against_body(0.0075, body, method="plate", switched=True)
    assert "Velocities use the body's scale" in switched.message and "2.50 times" in switched.message
    assert scale_against_body(0.0075, None, method="plate", switched=False) == []


def _hands_lift_twice(*, bar_follows_first: bool) -> tuple[np.ndarray, np.ndarray]:
    """Bar and hands heights of 3 s at 30 fps: the hands lift 150 px (0.45 m at 3 mm/px) at 0.5-1.0 s
    and again at 1.5-2.0 s (lowered in between); the tracked bar rises with them the second time,
    and the first time too when ``bar_follows_first``, else it stays put."""
    t = np.arange(90) / FPS
    lifted = np.clip((t - 0.5) / 0.5, 0, 1) - np.clip((t - 1.1) / 0.3, 0, 1) + np.clip((t - 1.5) / 0.5, 0, 1)
    hands = 400.0 - 150.0 * lifted
    bar = hands.copy() if bar_follows_first else 400.0 - 150.0 * np.clip((t - 1.5) / 0.5, 0, 1)
    return bar, hands


#: A rep found before the hands' first lift, and one at their second.
SET = [rep(1, 0.0, 0.4), rep(2, 1.5, 2.0)]


def test_hands_that_rise_a_rep_s_range_between_reps_while_the_bar_stays_put_doubt_the_count():
    # The tracker sat on something still while the lifter lifted the bar at 0.5-1.0 s, between two
    # reps it saw.
    bar, hands = _hands_lift_twice(bar_follows_first=False)
    found = track(bar, hands_y_px=hands, hands_dx_px=ASIDE_PX)
    (finding,) = hands_rose_alone(found, SET, lift=Lift.DEADLIFT, metres_per_px=0.003, settings=SETTINGS)
    assert finding.code == "rep_unseen" and finding.severity is Severity.DOUBT
    assert "hands rose 45 cm at 0.50-1.00 s" in finding.message and "plate rose 0 cm" in finding.message
    # the bar rose with the hands (a rise the segmenter did not count is its business): no doubt
    bar, hands = _hands_lift_twice(bar_follows_first=True)
    followed = track(bar, hands_y_px=hands, hands_dx_px=ASIDE_PX)
    assert hands_rose_alone(followed, SET, lift=Lift.DEADLIFT, metres_per_px=0.003, settings=SETTINGS) == []


def test_hands_that_rise_alone_outside_the_set_or_less_than_a_rep_s_range_are_no_doubt():
    bar, hands = _hands_lift_twice(bar_follows_first=False)
    t = track(bar, hands_y_px=hands, hands_dx_px=ASIDE_PX)
    # before the first rep (reaching for the bar) or after the last (letting go of it)
    for reps in ([rep(1, 1.5, 2.0)], [rep(1, 0.0, 0.4)]):
        assert hands_rose_alone(t, reps, lift=Lift.DEADLIFT, metres_per_px=0.003, settings=SETTINGS) == []
    # 150 px at 1.5 mm/px is 0.23 m, less than a deadlift's least range (0.3 m)
    assert hands_rose_alone(t, SET, lift=Lift.DEADLIFT, metres_per_px=0.0015, settings=SETTINGS) == []
    # the bar unseen at the rise's ends: not judged here (the gap checks do)
    unseen = bar.copy()
    unseen[10:35] = np.nan
    t = track(unseen, hands_y_px=hands, hands_dx_px=ASIDE_PX)
    assert hands_rose_alone(t, SET, lift=Lift.DEADLIFT, metres_per_px=0.003, settings=SETTINGS) == []


def test_over_the_whole_clip_a_plate_left_still_while_the_hands_lifted_is_not_the_bar() -> None:
    # The second look's test of its plate: only the second lift (1.5-2.0 s) was found, on a circle
    # that sat still through the first. Before the first rep the set's check cannot tell a lift
    # from a reach for the bar; over the whole clip the plate must have risen with the hands.
    bar, hands = _hands_lift_twice(bar_follows_first=False)
    t = track(bar, hands_y_px=hands, hands_dx_px=ASIDE_PX)
    found = [rep(2, 1.5, 2.0)]
    assert hands_rose_alone(t, found, lift=Lift.DEADLIFT, metres_per_px=0.003, settings=SETTINGS) == []
    clip = (0.0, 3.0)
    (finding,) = hands_rose_alone(
        t, found, lift=Lift.DEADLIFT, metres_per_px=0.003, settings=SETTINGS, span_s=clip
    )
    assert "hands rose 45 cm at 0.50-1.00 s, outside the reps" in finding.message
    # A rep found in the first lift's first part (0.3-0.7 s): the rest of the lift, 0.7-1.0 s (90 px,
    # 0.36 m at 4 mm/px, over a deadlift's least range of 0.3 m), is judged on its own.
    early = [rep(1, 0.3, 0.7), *found]
    (rest,) = hands_rose_alone(
        t, early, lift=Lift.DEADLIFT, metres_per_px=0.004, settings=SETTINGS, span_s=clip
    )
    assert "hands rose 36 cm at 0.70-1.00 s" in rest.message
    # A plate that rose with the hands both times is the bar.
    bar, hands = _hands_lift_twice(bar_follows_first=True)
    followed = track(bar, hands_y_px=hands, hands_dx_px=ASIDE_PX)
    assert (
        hands_rose_alone(
            followed, found, lift=Lift.DEADLIFT, metres_per_px=0.003, settings=SETTINGS, span_s=clip
        )
        == []
    )


def test_check_capture_gathers_every_check_and_the_source_s_error():
    bar = rising()
    facts = CaptureFacts(
        metres_per_px=0.003, scale_method="plate", plate_scale=True, measured_mpp=0.003,
        source_error="the video stops after 60 of 90 frames",
    )  # fmt: skip
    findings = check_capture(
        track(bar, hands_y_px=np.full(bar.size, 300.0), hands_dx_px=ASIDE_PX),
        [rep(1, 0.5, 1.5)],
        facts,
        lift=Lift.DEADLIFT,
    )
    codes = {f.code for f in findings}
    assert codes == {"source_incomplete", "bar_not_in_hands"}


def test_a_cut_within_a_rep_makes_it_suspect_and_a_followed_camera_is_noted():
    from vbt.quality.capture import camera_moved

    bar = rising()
    t = track(bar, hands_y_px=None)
    camera = {"measured": True, "cuts_t_s": [1.0], "moved_fraction": 0.1}
    findings = camera_moved(t, [rep(1, 0.5, 1.5), rep(2, 1.6, 1.9)], camera, settings=SETTINGS)
    cut = [f for f in findings if f.code == "camera_cut"]
    assert len(cut) == 1 and cut[0].reps == (1,) and cut[0].suspect
    assert any(f.code == "camera_moved" and f.severity is Severity.NOTE for f in findings)
    still = {"measured": True, "cuts_t_s": [], "moved_fraction": 0.0}
    assert camera_moved(t, [rep(1, 0.5, 1.5)], still, settings=SETTINGS) == []
