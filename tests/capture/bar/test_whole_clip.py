"""The plate chosen by the whole clip (``WholeClipTracker``) on rendered clips with known answers: a
causal tracker held on a second plate near the true one for part of the set is overruled, its
frames measured again on the plate the hands lift; where the causal track is right, nothing changes."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from tests.capture.bar import scenes
from vbt.capture.bar import (
    BarDetection,
    ContribEllipses,
    PlateTracker,
    VotedCircles,
    WholeClipTracker,
    without,
)
from vbt.capture.bar.image import Image
from vbt.capture.bar.rim import Rect
from vbt.capture.bar.settings import PlateSettings, WholeClipSettings
from vbt.capture.bar.whole_clip import Candidates
from vbt.capture.reread import MemoryFrames
from vbt.types import FloatArray, Frame

R = 40.0
DECOY = np.array([470.0, 330.0])  # a plate of the same size resting on the floor beside the lifter


def _path(t: float) -> tuple[float, float]:
    """A squat's plate: 100 px (2.5 radii) down and up every 2 s."""
    return 280.0, 180.0 + 50.0 * (1.0 - math.cos(math.pi * t))


def _frames(n: int) -> list[Frame]:
    frames = scenes.render_clip(np.zeros((n, 2)), R, path_fn=_path, seed=3)
    for f in frames:
        scenes.draw_plate(f.image, *DECOY, R)
    return frames


#: The whole-clip choice switched on (the default; explicit here).
ON = PlateSettings(whole_clip=WholeClipSettings(use_whole_clip=True))


class HeldOnTheDecoy(PlateTracker):
    """A causal tracker that reports the plate on the floor until ``until_s``, then its own answer."""

    def __init__(self, until_s: float, settings: PlateSettings | None = None) -> None:
        super().__init__(settings)
        self.until_s = until_s

    def update(self, frame: Frame, *, hands_xy_px: FloatArray | None = None) -> BarDetection:
        own = super().update(frame, hands_xy_px=hands_xy_px)
        if frame.t_s >= self.until_s:
            return own
        return BarDetection(frame.t_s, DECOY.copy(), 0.9, own.method, radius_px=R)


def _run(tracker: WholeClipTracker, frames: list[Frame]) -> FloatArray:
    """The track as the frame loop records it: each frame's answer, then the revisions."""
    xy = {}
    for f in frames:
        hands = np.array([_path(f.t_s)]) + np.array([6.0, 12.0])  # the wrists, just off the bar's axis
        xy[f.t_s] = tracker.update(f, hands_xy_px=hands).xy_px
        for r in tracker.take_revisions():
            xy[r.t_s] = r.xy_px
    tracker.finish(MemoryFrames(frames))
    for r in tracker.take_revisions():
        xy[r.t_s] = r.xy_px
    return np.array([xy[f.t_s] for f in frames])


def test_a_causal_track_held_on_a_second_plate_for_part_of_the_set_is_moved_to_the_lifted_plate() -> None:
    frames = _frames(75)  # 2.5 s at 30 fps: the first 1.2 s held on the plate on the floor
    xy = _run(WholeClipTracker(HeldOnTheDecoy(until_s=1.2, settings=ON)), frames)
    truth = np.array([_path(f.t_s) for f in frames])
    error = np.hypot(*(xy - truth).T)
    on_decoy = np.hypot(*(xy - DECOY).T) < R
    assert not on_decoy.any()  # never the plate on the floor
    seen = np.isfinite(error)
    assert seen.mean() > 0.9  # measured again, not left unseen
    assert np.median(error[seen]) < 1.0 and error[seen].max() < 3.0  # px, on the lifted plate


def test_a_right_causal_track_is_left_as_it_is_and_the_switch_turns_the_whole_clip_off() -> None:
    frames = _frames(45)
    truth = np.array([_path(f.t_s) for f in frames])
    xy = _run(WholeClipTracker(PlateTracker(ON)), frames)
    assert np.median(np.hypot(*(xy - truth).T)) < 1.0
    off = WholeClipTracker(HeldOnTheDecoy(until_s=1.0, settings=without(ON, "whole_clip.use_whole_clip")))
    held = _run(off, frames)
    assert np.all(np.hypot(*(held[:30] - DECOY).T) < 1e-9)  # the causal answer stands


def test_both_candidate_sources_find_a_rendered_plate_at_its_centre_and_size() -> None:
    image = scenes.background(seed=5)
    scenes.draw_plate(image, 300.0, 220.0, 60.0)
    for source in (VotedCircles(), ContribEllipses()):
        found = source.find(image, settings=PlateSettings(), picture_px=None)
        apart = np.hypot(*(found.centre_px - [300.0, 220.0]).T)
        plate = np.flatnonzero((apart < 3.0) & (np.abs(found.radius_px / 60.0 - 1.0) < 0.08))
        assert plate.size >= 1, type(source).__name__
        assert np.all((found.evidence >= 0.0) & (found.evidence <= 1.0))


class _Counted(MemoryFrames):
    """Frames held in memory that count the reads a file would need (one more each time the index
    asked for goes back) and the frames asked for."""

    def __init__(self, frames: list[Frame]) -> None:
        super().__init__(frames)
        self.asked: list[int] = []
        self.reads = 0

    def frame(self, index: int) -> Frame:
        if not self.asked or index < self.asked[-1]:
            self.reads += 1
        self.asked.append(index)
        return super().frame(index)


class _BlindAtFirst:
    """The ellipse detector, blind in its first ``blind`` keyframes (a plate not yet found)."""

    def __init__(self, blind: int) -> None:
        self.blind = blind
        self.inner = ContribEllipses()

    def find(self, image: Image, *, settings: PlateSettings, picture_px: Rect | None) -> Candidates:
        self.blind -= 1
        if self.blind >= 0:
            return Candidates(np.zeros((0, 2)), np.zeros(0), np.zeros(0))
        return self.inner.find(image, settings=settings, picture_px=picture_px)


def _revised(tracker: WholeClipTracker, frames: list[Frame], reader: MemoryFrames) -> FloatArray:
    xy = {}
    for f in frames:
        hands = np.array([_path(f.t_s)]) + np.array([6.0, 12.0])
        xy[f.t_s] = tracker.update(f, hands_xy_px=hands).xy_px
    tracker.finish(reader)
    for r in tracker.take_revisions():
        xy[r.t_s] = r.xy_px
    return np.array([xy[f.t_s] for f in frames])


def test_frames_are_read_again_only_where_the_path_leaves_the_tracker() -> None:
    frames = _frames(45)
    right = _Counted(frames)
    xy = _revised(WholeClipTracker(PlateTracker(ON)), frames, right)
    truth = np.array([_path(f.t_s) for f in frames])
    assert np.median(np.hypot(*(xy - truth).T)) < 1.0
    # The path agrees with the tracker: at most a keyframe's candidate is tried (a concentric ring
    # drawn about the plate, not held up by its rim), never a frame walked.
    assert right.reads <= 1 and set(right.asked) <= {0, 15, 30}
    held = _Counted(frames)
    _revised(WholeClipTracker(HeldOnTheDecoy(until_s=0.6, settings=ON)), frames, held)
    assert held.reads == 1 and held.asked == sorted(set(held.asked))  # forwards, once
    assert set(held.asked) <= {f.index for f in frames if f.t_s < 0.6} | {30}  # where it was held


@pytest.mark.parametrize("span_s", [0.1, 10.0])
def test_a_walk_backwards_holds_at_most_its_span_of_frames_and_reads_again_for_more(span_s: float) -> None:
    # The path's first plate is found at 1 s (the detector blind before): the frames before, held on
    # the plate on the floor by the tracker, are measured again walking backwards from it.
    frames = _frames(60)
    settings = replace(ON, whole_clip=replace(ON.whole_clip, reread_span_s=span_s))
    reader = _Counted(frames)
    tracker = WholeClipTracker(HeldOnTheDecoy(until_s=1.2, settings=settings), source=_BlindAtFirst(2))
    xy = _revised(tracker, frames, reader)
    truth = np.array([_path(f.t_s) for f in frames])
    error = np.hypot(*(xy - truth).T)
    assert np.all(error[:30] < 3.0)  # px: every frame before the first plate found, on the lifted plate
    assert np.median(error) < 1.0
    # Forwards once; backwards once when the span holds the walk (30 frames), else once per span held.
    assert reader.reads == (2 if span_s > 1.0 else 1 + math.ceil(30 / 3))


class _Scripted(PlateTracker):
    """A causal tracker on the lifted plate whose rim evidence is poor after ``sure_until_s`` (an
    oblique plate, a blurred rim), and which sees nothing in the frames of ``hidden``."""

    def __init__(self, sure_until_s: float, hidden: range, settings: PlateSettings) -> None:
        super().__init__(settings)
        self.sure_until_s = sure_until_s
        self.hidden = hidden

    def update(self, frame: Frame, *, hands_xy_px: FloatArray | None = None) -> BarDetection:
        if frame.index in self.hidden:
            return BarDetection.missing(frame.t_s, self.method)
        confidence = 0.9 if frame.t_s < self.sure_until_s else 0.01
        return BarDetection(frame.t_s, np.array(_path(frame.t_s)), confidence, self.method, radius_px=R)


def test_a_path_that_sees_few_keyframes_leaves_the_tracker_s_plate_standing_elsewhere() -> None:
    # 4 s (8 keyframes); the plate hidden for 1.6 s from 1.2 s (longer than a walk goes on unseen);
    # the path sees the plate in the first two keyframes only (the tracker's later evidence poor, the
    # detector blind), so its walk from them ends in the hidden stretch and reaches no later frame.
    n, hidden = 120, range(36, 84)
    frames = scenes.render_clip(
        np.zeros((n, 2)), R, path_fn=_path, seed=3, occluders={i: (220, 110, 340, 350) for i in hidden}
    )
    tracker = _Scripted(0.6, hidden, ON)
    xy = _revised(WholeClipTracker(tracker, source=_BlindAtFirst(n)), frames, MemoryFrames(frames))
    truth = np.array([_path(f.t_s) for f in frames])
    truth[hidden.start : hidden.stop] = np.nan
    # The tracker's answer stands everywhere: its plate after the hidden stretch (not unseen), and
    # its gap (not filled by a walk the path did not earn).
    np.testing.assert_array_equal(xy, truth)
