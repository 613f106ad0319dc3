"""The pose follows the lifter on real footage with other people in the picture (skipped when
../shared is absent), and single-person clips keep the joints they had before lifter-following.

Known answers: in snatch_side_1rep.mp4 a seated spectator (under 0.38 of the picture's height,
torso at x = 0.72 of its width) sits behind a lifter who is 0.4-0.75 of the picture's height, his
torso at x = 0.55-0.6. The clip starts at the lift-off: pull 0-0.9 s, catch under the bar 1-2.2 s,
recovery 2.2-3.3 s, bar held overhead until 4.5 s, then the lifter walks off. MediaPipe alone loses
the lifter at the turnover and tracks the spectator from then on. The lifter's hands hold the bar,
so in a side view his wrists lie within 0.3 statures (0.5 m) of the near plate's centre: the
plate's radius (0.225 m), the hand (0.1 m from the wrist to the bar) and the near plate's lead
towards the camera (its image lies up to 0.2 m further from the picture's centre than the hands' at
a camera 3 m away); the spectator's lie a metre and more from it. In the catch the hands are behind
the plate and MediaPipe guesses them at the shoulders: the test leaves the catch out.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from tests.footage.clips import analysed, clip, lifter_switches, model
from vbt.capture.bar import BarMethod
from vbt.capture.pipeline import make_tracker, track_video
from vbt.capture.pose import LifterSettings, MediaPipePose
from vbt.capture.pose.people import stature_px
from vbt.capture.pose.result import BODY_INDEX, BODY_POINTS
from vbt.capture.sources import VideoFileSource
from vbt.capture.track import PixelTrack

pytestmark = [pytest.mark.footage, pytest.mark.slow]

#: snatch_side_1rep.mp4: from the lift-off to the overhead hold's end; the pull; the overhead hold.
SNATCH_LIFT_S = (0.0, 4.5)
SNATCH_PULL_S = (0.0, 0.9)
SNATCH_HOLD_S = (3.3, 4.5)
SHOULDERS = [BODY_POINTS.index("left_shoulder"), BODY_POINTS.index("right_shoulder")]
HIPS = [BODY_POINTS.index("left_hip"), BODY_POINTS.index("right_hip")]


def followed(
    name: str, *, follow: bool, until_s: float = np.inf, pose_every: int = 1
) -> tuple[np.ndarray, np.ndarray, tuple[int, int], int]:
    """(N,) times, (N, B, 2) body points of the person followed (frames up to ``until_s``; one in
    ``pose_every``, the checks shed with them as live mode sheds them), the image's (width,
    height) and the switches made."""
    times, bodies = [], []
    with (
        VideoFileSource(clip(name)) as source,
        MediaPipePose(model(), lifter=LifterSettings(enabled=follow)) as pose,
    ):
        pose.shed(pose_every)
        for frame in source:
            if frame.t_s > until_s:
                break
            if frame.index % pose_every:
                continue
            result = pose.detect(frame)
            times.append(frame.t_s)
            bodies.append(result.body_xy_px)
            size = (frame.image.shape[1], frame.image.shape[0])
        switches = pose.lifter_chooser.switches
    return np.array(times), np.stack(bodies), size, switches


@cache
def snatch_tracked(*, follow: bool) -> tuple[PixelTrack, tuple[int, int], int]:
    """snatch_side_1rep.mp4 tracked as ``vbt analyze`` tracks a file (plate tracker), the pose
    following the lifter or not: the track, the image's (width, height) and the switches made. Both
    snatch tests read one such MediaPipe run per setting: the track keeps each frame's body points as
    the pose gave them (``followed`` gives the same, frame by frame, on this clip: no borders, no
    repeated frames). Following, that run is the footage tests' default analysis of the clip
    (``tests/footage/clips.py``; these tests are in its group): the same track."""
    if follow:
        result = analysed("snatch_side_1rep.mp4", "snatch")
        size = result.report_extra["video"]["size_px"]
        return result.track, (size[0], size[1]), lifter_switches("snatch_side_1rep.mp4", "snatch")
    with (
        VideoFileSource(clip("snatch_side_1rep.mp4")) as source,
        MediaPipePose(model(), lifter=LifterSettings(enabled=follow)) as pose,
    ):
        tracked = track_video(source, tracker=make_tracker("plate"), bar_method=BarMethod.PLATE, pose=pose)
        size = tracked.video["size_px"]
        return tracked.track, (size[0], size[1]), pose.lifter_chooser.switches


def statures_px(bodies: np.ndarray) -> np.ndarray:
    """(N,) stature of each frame's person from its body points (NaN without one)."""
    landmarks = np.full((bodies.shape[0], 33, 2), np.nan)
    landmarks[:, BODY_INDEX] = bodies
    return np.array([stature_px(frame) for frame in landmarks])


def is_lifter(bodies: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """(N,) whether each frame reports snatch_side_1rep.mp4's lifter (more than 0.4 of the
    picture tall, his torso within 0.15 of its middle), and whether it reports anyone."""
    found = np.isfinite(bodies).all(axis=2).any(axis=1)
    tall = statures_px(bodies) / height
    torso_x = np.array(
        [np.nanmean(b[SHOULDERS + HIPS, 0]) if f else np.nan for b, f in zip(bodies, found, strict=True)]
    )
    return (tall > 0.4) & (np.abs(torso_x / width - 0.5) < 0.15), found


def test_snatch_follows_the_lifter_not_the_seated_spectator() -> None:
    share = {}
    for follow in (False, True):
        track, (width, height), switches = snatch_tracked(follow=follow)
        t_s, bodies = track.t_s, track.body_xy_px
        lift = (t_s >= SNATCH_LIFT_S[0]) & (t_s <= SNATCH_LIFT_S[1])
        lifter, found = is_lifter(bodies[lift], width, height)
        share[follow] = float(np.mean(lifter))
        if follow:
            assert switches >= 1
            # Nobody else is ever reported: where the lifter cannot be found (the catch, under the
            # bar) the frames report no one.
            assert np.all(lifter[found])
    assert share[True] >= 0.7
    assert share[False] <= 0.3  # what following buys: MediaPipe alone stays on the spectator


def test_snatch_lifters_wrists_hold_the_tracked_plate() -> None:
    held = {}
    for follow in (False, True):
        track = snatch_tracked(follow=follow)[0]
        # The pull and the overhead hold: in the catch the hands are behind the plate, where
        # MediaPipe guesses them (at the shoulders).
        shown = (track.t_s <= SNATCH_PULL_S[1]) | (
            (track.t_s >= SNATCH_HOLD_S[0]) & (track.t_s <= SNATCH_HOLD_S[1])
        )
        stature = float(np.nanmedian(statures_px(track.body_xy_px[track.t_s <= SNATCH_HOLD_S[1]])))
        wrists, bar = track.wrists_xy_px[shown], track.bar_xy_px[shown]
        distance = np.hypot(*(wrists - bar[:, None, :]).transpose(2, 0, 1))
        seen = np.isfinite(distance).any(axis=1)
        nearest = np.nanmin(distance[seen], axis=1)
        held[follow] = float(np.mean(nearest < 0.3 * stature))
        if follow:
            assert seen.mean() > 0.8
    assert held[True] >= 0.9
    assert held[False] <= 0.6  # the spectator's hands, in the lap, through the hold


def test_snatch_follows_the_lifter_with_pose_and_checks_on_one_frame_in_four() -> None:
    # Live mode shedding pose (Shed.POSE_SPARSE): the checks come a quarter as often (the lifter
    # lost and someone found is answered at once, as before). On one frame in four MediaPipe's
    # tracker finds the lifter from 0.8 s on and never the spectator, checks shed or not (0.79 of
    # the posed frames report the lifter either way; 0.85 of every frame with every frame posed).
    _, bodies, (width, height), _ = followed(
        "snatch_side_1rep.mp4", follow=True, until_s=SNATCH_LIFT_S[1], pose_every=4
    )
    lifter, found = is_lifter(bodies, width, height)
    assert np.all(lifter[found])  # nobody else is ever reported
    assert float(np.mean(lifter)) >= 0.7


ONE_PERSON_S = 10.0
#: Clips with one person in view, and their lift.
ONE_PERSON_CLIPS = {"squat_side_3reps.mp4": "squat", "deadlift_side_4reps.mp4": "deadlift"}


def followed_lifter(name: str) -> tuple[np.ndarray, np.ndarray, int]:
    """(N,) times and (N, B, 2) body points of a one-person clip's first ``ONE_PERSON_S``, the pose
    following the lifter, and the switches it made. The footage tests' default analysis of the clip
    (its group's) gives them when its picture is every frame of the file, whole: its track then keeps
    each frame's body points as the pose gave them (as ``followed``), and its switches are the whole
    clip's. Else (repeated frames left out, black bars cut) the pose saw other pictures: a run of its
    own."""
    lift = ONE_PERSON_CLIPS[name]
    result = analysed(name, lift)
    video = result.report_extra["video"]
    if video["duplicate_frames_dropped"] == 0 and video["content_rect_px"] == [0, 0, *video["size_px"]]:
        kept = result.track.t_s <= ONE_PERSON_S
        return result.track.t_s[kept], result.track.body_xy_px[kept], lifter_switches(name, lift)
    times, bodies, _, switches = followed(name, follow=True, until_s=ONE_PERSON_S)
    return times, bodies, switches


@pytest.mark.parametrize("name", list(ONE_PERSON_CLIPS))
def test_one_person_clips_keep_their_joints(name: str) -> None:
    # Ten seconds hold about ten of the chooser's checks (one a second) and the first reps.
    times, before, _, _ = followed(name, follow=False, until_s=ONE_PERSON_S)
    followed_times, after, switches = followed_lifter(name)
    assert np.array_equal(followed_times, times)
    assert switches == 0
    both = np.isfinite(before).all(axis=2) & np.isfinite(after).all(axis=2)
    assert both.sum() >= 0.9 * np.isfinite(before).all(axis=2).sum()
    moved = np.hypot(*(before - after).transpose(2, 0, 1))[both]
    assert np.percentile(moved, 99) <= 2.0
