"""The overlapped loop (pose of frame i + 1 while the tracker works on frame i; decoding read ahead)
gives what the plain loop gives, frame for frame, and really overlaps."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.capture.test_pipeline import render_plate_clip, squat_set
from vbt.capture.bar import BarDetection, BarMethod, PlateTracker
from vbt.capture.observer import Observer
from vbt.capture.pipeline import observe, track_video
from vbt.capture.pose import PoseResult
from vbt.capture.sources import VideoFileSource
from vbt.errors import ModelError
from vbt.types import JOINT_NAMES, Frame


class _Pose:
    """Stand-in pose: wrists that move with the frame's time (so a mix-up of frames shows)."""

    def __init__(self, *, fail_at: int | None = None) -> None:
        self.fail_at = fail_at
        self.threads: set[str] = set()
        self.seen: list[int] = []

    def estimate(self, frame: Frame) -> tuple[Any, Any]:
        result = self.detect(frame)
        return result.joints_xy_px, result.joints_visibility

    def detect(self, frame: Frame) -> PoseResult:
        self.threads.add(threading.current_thread().name)
        self.seen.append(frame.index)
        if frame.index == self.fail_at:
            raise ModelError(f"pose estimation failed on frame {frame.index}")
        n = len(JOINT_NAMES)
        x = 240.0 + 10.0 * np.sin(frame.t_s)
        return PoseResult(
            t_s=frame.t_s,
            side="right",
            joints_xy_px=np.full((n, 2), float(frame.index)),
            joints_visibility=np.ones(n),
            heel_xy_px=np.array([5.0, 7.0]),
            heel_visibility=1.0,
            wrists_xy_px=np.array([[x, 200.0], [x + 4.0, 200.0]]),
            wrists_visibility=np.ones(2),
        )


class _Tracker:
    """Stand-in tracker reporting the hands it was given as the bar."""

    method = BarMethod.WRISTS

    def __init__(self, on_update: Any = None) -> None:
        self.on_update = on_update
        self.indices: list[int] = []

    def update(self, frame: Frame, *, hands_xy_px: Any = None) -> BarDetection:
        if self.on_update is not None:
            self.on_update(frame)
        self.indices.append(frame.index)
        xy = np.asarray(hands_xy_px, dtype=np.float64).mean(axis=0)
        return BarDetection(t_s=frame.t_s, xy_px=xy, confidence=0.5, method=self.method)

    def reset(self) -> None:
        self.indices.clear()


def _frames(n: int) -> list[Frame]:
    return [Frame(image=np.zeros((8, 8, 3), np.uint8), t_s=i / 30, index=i) for i in range(n)]


def _collect(sightings: Any, got: list[int]) -> None:
    for sighting in sightings:
        got.append(sighting.frame_index)


def test_push_gives_the_frame_before_and_flush_the_last() -> None:
    pose, tracker = _Pose(), _Tracker()
    with Observer(tracker=tracker, pose=pose) as observer:
        assert observer.delay_frames == 1
        frames = _frames(3)
        assert observer.push(frames[0]) is None
        first = observer.push(frames[1])
        assert first is not None and first.frame_index == 0
        second = observer.push(frames[2])
        assert second is not None and second.frame_index == 1
        last = observer.flush()
        assert last is not None and last.frame_index == 2
        assert observer.flush() is None
    assert pose.threads and "MainThread" not in pose.threads  # pose ran on the worker
    # Each sighting pairs a frame with its own pose: joints carry the frame's index.
    assert last.observation.joints_xy_px[0, 0] == 2.0 and last.pose is not None and last.pose.t_s == 2 / 30
    plain = Observer(tracker=_Tracker(), pose=_Pose(), overlap=False)
    assert plain.delay_frames == 0
    now = plain.push(frames[0])
    assert now is not None and now.frame_index == 0 and plain.flush() is None
    assert Observer(tracker=_Tracker(), pose=None).delay_frames == 0  # nothing to overlap


def test_pose_of_the_next_frame_runs_while_the_tracker_works() -> None:
    # The tracker, on frame i, waits until pose has started on frame i + 1: in a loop that does
    # not overlap that never happens (the wait times out and the test fails).
    pose = _Pose()
    started = {i: threading.Event() for i in range(6)}
    detect = pose.detect

    def detect_and_signal(frame: Frame) -> PoseResult:
        started[frame.index].set()
        return detect(frame)

    pose.detect = detect_and_signal  # type: ignore[method-assign]
    waited: list[bool] = []

    def wait_for_next(frame: Frame) -> None:
        if frame.index + 1 in started and frame.index < 5:
            waited.append(started[frame.index + 1].wait(timeout=5.0))

    sightings = list(observe(_frames(6), tracker=_Tracker(on_update=wait_for_next), pose=pose))
    assert [s.frame_index for s in sightings] == list(range(6))
    assert waited == [True] * 5


def test_an_error_of_pose_comes_with_its_frame_after_the_frames_before() -> None:
    got: list[int] = []
    pose = _Pose(fail_at=3)
    with pytest.raises(ModelError, match="frame 3"):
        _collect(observe(_frames(10), tracker=_Tracker(), pose=pose), got)
    assert got == [0, 1, 2]
    assert pose.seen[:4] == [0, 1, 2, 3] and len(pose.seen) <= 5  # at most one frame more was posed
    assert not any(t.name.startswith("vbt-pose") for t in threading.enumerate())  # worker ended


class _PreparingPose(_Pose):
    """Stand-in pose that prepares its input apart from the model (as MediaPipePose does)."""

    def __init__(self, *, fail_prepare_at: int | None = None) -> None:
        super().__init__()
        self.fail_prepare_at = fail_prepare_at
        self.prepare_threads: set[str] = set()

    def prepare(self, frame: Frame) -> object:
        self.prepare_threads.add(threading.current_thread().name)
        if frame.index == self.fail_prepare_at:
            raise ModelError(f"cannot prepare frame {frame.index}")
        return ("ready", frame.index)

    def detect_prepared(self, frame: Frame, prepared: object) -> PoseResult:
        assert prepared == ("ready", frame.index)
        return self.detect(frame)


def test_input_is_prepared_on_the_callers_thread_and_its_errors_come_with_their_frame() -> None:
    pose = _PreparingPose()
    sightings = list(observe(_frames(6), tracker=_Tracker(), pose=pose))
    assert [s.frame_index for s in sightings] == list(range(6))
    assert pose.prepare_threads == {threading.current_thread().name}
    assert all(name.startswith("vbt-pose") for name in pose.threads)
    got: list[int] = []
    with pytest.raises(ModelError, match="prepare frame 2"):
        _collect(observe(_frames(6), tracker=_Tracker(), pose=_PreparingPose(fail_prepare_at=2)), got)
    assert got == [0, 1]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_plate_clip(tmp_path_factory.mktemp("overlap") / "squat.mp4", squat_set(1))


def _track(path: Path, **options: Any) -> Any:
    with VideoFileSource(path) as source:
        return track_video(
            source, tracker=PlateTracker(), bar_method=BarMethod.PLATE, pose=_Pose(), **options
        ).track


def test_track_video_overlapped_equals_the_plain_loop(clip: Path) -> None:
    plain = _track(clip, read_ahead=0, overlap=False)
    fast = _track(clip)  # the defaults: read ahead and overlap
    assert len(plain) == len(fast) == 171 and plain.bar_seen.mean() > 0.95
    for name, value in plain.__dict__.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(getattr(fast, name), value, err_msg=name)
    assert not any(t.name.startswith(("vbt-pose", "vbt-read-ahead")) for t in threading.enumerate())


def test_ctrl_c_from_the_source_keeps_every_frame_before_it() -> None:
    def frames() -> Any:
        yield from _frames(5)
        raise KeyboardInterrupt  # how a live recording ends

    got: list[int] = []
    with pytest.raises(KeyboardInterrupt):
        _collect(observe(frames(), tracker=_Tracker(), pose=_Pose()), got)
    assert got == [0, 1, 2, 3, 4]  # the frame held for the overlap too


class _LiveLike:
    """A live source stand-in: 40 frames, then Ctrl-C."""

    name, fps, frame_count, rotation_deg, error, size_px = "camera 0", float("nan"), None, 0, None, (8, 8)

    def __iter__(self) -> Any:
        yield from _frames(40)
        raise KeyboardInterrupt

    def close(self) -> None:
        pass

    def __enter__(self) -> _LiveLike:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def test_track_video_of_a_live_recording_ended_by_ctrl_c_keeps_every_frame() -> None:
    tracked = track_video(_LiveLike(), tracker=_Tracker(), bar_method=BarMethod.WRISTS, pose=_Pose())
    assert tracked.error is None and len(tracked.track) == 40
    np.testing.assert_array_equal(tracked.track.frame_index, np.arange(40))


def test_one_frame_at_a_time_through_observe_starts_no_thread() -> None:
    pose = _Pose()
    for frame in _frames(3):
        (sighting,) = observe([frame], tracker=_Tracker(), pose=pose)
        assert sighting.frame_index == frame.index
    assert pose.threads == {"MainThread"}


def test_opencv_runs_single_threaded_in_the_loop_and_as_before_after(clip: Path) -> None:
    import cv2

    from vbt.capture.observer import opencv_single_threaded

    before = cv2.getNumThreads()
    cv2.setNumThreads(2)
    try:
        with opencv_single_threaded():
            with opencv_single_threaded():  # nested (another loop at the same time): one setting
                assert cv2.getNumThreads() == 1
            assert cv2.getNumThreads() == 1  # still inside the outer block
        assert cv2.getNumThreads() == 2
        seen: list[int] = []
        tracker = _Tracker(on_update=lambda frame: seen.append(cv2.getNumThreads()))
        with VideoFileSource(clip) as source:
            track_video(source, tracker=tracker, bar_method=BarMethod.WRISTS, pose=_Pose())  # type: ignore[arg-type]
        assert seen and set(seen) == {1}
        assert cv2.getNumThreads() == 2
    finally:
        cv2.setNumThreads(before)


class _RevisingTracker(_Tracker):
    """Stand-in tracker that, at frame 5, measures frames 2-4 again (as PlateTracker does after a
    late switch to the moving plate)."""

    def __init__(self) -> None:
        super().__init__()
        self._revisions: list[BarDetection] = []
        self.times: dict[int, float] = {}

    def update(self, frame: Frame, *, hands_xy_px: Any = None) -> BarDetection:
        self.times[frame.index] = frame.t_s
        if frame.index == 5:
            self._revisions = [
                BarDetection(
                    t_s=self.times[i], xy_px=np.array([-1.0, -float(i)]), confidence=0.9, method=self.method
                )
                for i in (2, 3, 4)
            ]
        return super().update(frame, hands_xy_px=hands_xy_px)

    def take_revisions(self) -> list[BarDetection]:
        taken, self._revisions = self._revisions, []
        return taken


def test_frames_the_tracker_measured_again_replace_their_rows(clip: Path) -> None:
    tracker = _RevisingTracker()
    with VideoFileSource(clip) as source:
        track = track_video(source, tracker=tracker, bar_method=BarMethod.PLATE, pose=_Pose()).track  # type: ignore[arg-type]
    np.testing.assert_array_equal(track.bar_xy_px[2:5], [[-1.0, -2.0], [-1.0, -3.0], [-1.0, -4.0]])
    np.testing.assert_array_equal(track.bar_confidence[2:5], [0.9, 0.9, 0.9])
    assert (track.bar_xy_px[[0, 1, 5, 6]] >= 0).all()  # the others are as tracked
