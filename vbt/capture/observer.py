"""One frame's pose and bar, and the overlap of pose and bar tracking over consecutive frames.

The bar tracker needs the pose of the same frame (the wrists are where it looks for the bar), and
the camera motion estimator both (the lifter and the plate are not background: ``vbt.capture.camera``), so
pose and tracker cannot run side by side on one frame. They can on two: while the tracker works on
frame ``i`` (with frame ``i``'s pose, already known), pose runs on frame ``i + 1`` on a worker
thread. MediaPipe's landmarker and OpenCV's image functions release Python's lock while they work,
so on two cores or more the tracker's time hides behind the pose's. A ``PreparingPoseEstimator``'s
input (MediaPipe's RGB copy of the image) is prepared on the tracker's thread, which has time to spare,
so the pose thread does only the model. The results are those of the
plain loop, bit for bit (same calls, same order, same inputs); the price is one frame of delay: a
frame's sighting comes out when the next frame goes in (or at ``flush``).

``Observer`` is the loop fed one frame at a time (the live path: keep one ``Observer`` for the
whole recording, and ``flush`` when no next frame is waiting, so that the delay is paid only when
frames queue up); ``observe`` runs it over an iterable of frames.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterable, Iterator, Sized
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import cv2
import numpy as np

from vbt.capture.bar import BarDetection, BarTracker
from vbt.capture.camera import CameraEstimate, CameraMotionEstimator, StillCamera
from vbt.capture.pose import PoseEstimator, PoseResult, PreparingPoseEstimator
from vbt.closing import Closing
from vbt.errors import InputError
from vbt.types import JOINT_NAMES, Frame, Observation


@dataclass(frozen=True, eq=False)
class Sighting:
    """What the loop saw in one frame: the ``Observation`` (in the frame's pixels), the raw bar and
    pose results, and the camera's motion (how the frame's pixels map into its scene's)."""

    frame_index: int
    observation: Observation
    bar: BarDetection
    pose: PoseResult | None
    camera: CameraEstimate


def sight(
    frame: Frame,
    found: PoseResult | None,
    *,
    tracker: BarTracker,
    camera: CameraMotionEstimator | None = None,
    hands_xy_px: np.ndarray | None = None,
) -> Sighting:
    """Track the bar in ``frame`` with the pose ``found`` in it (None: no pose), measure the
    camera's motion with both (None: the camera taken as still) and put it all together.
    ``hands_xy_px``: where the tracker looks for the bar when there is no pose (a frame whose pose
    was skipped: the last pose's wrists)."""
    hands = found.wrists_xy_px if found is not None else hands_xy_px
    bar = tracker.update(frame, hands_xy_px=hands)
    motion = (camera or _STILL).update(frame, pose=found, bar=bar)
    n = len(JOINT_NAMES)
    observation = Observation(
        t_s=frame.t_s,
        bar_xy_px=bar.xy_px,
        bar_confidence=bar.confidence,
        joints_xy_px=found.joints_xy_px if found is not None else np.full((n, 2), np.nan),
        joints_visibility=found.joints_visibility if found is not None else np.full(n, np.nan),
    )
    return Sighting(frame_index=frame.index, observation=observation, bar=bar, pose=found, camera=motion)


_STILL = StillCamera()


class Observer(Closing):
    """Pose and bar tracking fed one frame at a time, pose of the next frame overlapping the tracker.

    Parameters:
        tracker: the bar tracker (fed frames in order, with the same frame's wrists as hands).
        pose: the pose estimator, or None (then nothing overlaps: each frame is tracked at once).
        camera: the camera motion estimator (fed each frame after its pose and bar, on the
            tracker's thread), or None: the camera taken as still (``StillCamera``).
        overlap: run pose on a worker thread, one frame ahead of the tracker (see the module
            docstring). False: pose then tracker on each frame as it comes, on the caller's thread,
            no delay.

    ``push(frame)`` returns the sighting of the frame before (overlapping) or of ``frame`` itself
    (not overlapping, or no pose); ``flush()`` returns the one still held. Errors of pose or tracker
    are raised by the ``push`` or ``flush`` that returns that frame's sighting. Close it (or use it
    as a context manager) to end the worker thread; the pose estimator and tracker stay the
    caller's.
    """

    def __init__(
        self,
        *,
        tracker: BarTracker,
        pose: PoseEstimator | None = None,
        overlap: bool = True,
        camera: CameraMotionEstimator | None = None,
    ) -> None:
        self.tracker = tracker
        self.pose = pose
        self.camera = camera
        self.overlap = overlap and pose is not None
        # Checked once: a runtime protocol check inspects the estimator's methods every time.
        self._preparing = pose if isinstance(pose, PreparingPoseEstimator) else None
        self._worker: ThreadPoolExecutor | None = None
        self._pending: tuple[Frame, Future[PoseResult]] | None = None
        self._last_wrists_xy_px: np.ndarray | None = None

    @property
    def delay_frames(self) -> int:
        """Frames between a frame going in and its sighting coming out: 1 overlapping, else 0."""
        return 1 if self.overlap else 0

    def push(self, frame: Frame, *, pose: bool = True) -> Sighting | None:
        """Give the next frame (in time order); the sighting now complete, None for the first frame
        when overlapping.

        ``pose=False`` skips the pose on this frame (live mode shedding work: its joints are NaN,
        the tracker looks near the last pose's wrists) and returns its sighting at once; a frame
        held for overlap must be ``flush``-ed first.
        """
        if not pose or self.pose is None:
            if self._pending is not None:
                raise InputError("flush() the frame held for overlap before a frame without pose")
            return sight(
                frame, None, tracker=self.tracker, camera=self.camera, hands_xy_px=self._last_wrists_xy_px
            )
        if not self.overlap:
            return self._seen(frame, self.pose.detect(frame))
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vbt-pose")
        future = self._submit(self._worker, frame)  # queued behind the frame before's
        done, self._pending = self._pending, (frame, future)
        return self._finish(done) if done is not None else None

    def flush(self) -> Sighting | None:
        """The sighting of the last frame pushed, if still held (overlapping); None otherwise."""
        done, self._pending = self._pending, None
        return self._finish(done) if done is not None else None

    def _submit(self, worker: ThreadPoolExecutor, frame: Frame) -> Future[PoseResult]:
        """Pose of ``frame`` on the worker; an estimator that can prepare its input does that here,
        on the caller's thread, which waits less than the worker (the tracker is the lighter part)."""
        assert self.pose is not None
        if self._preparing is None:
            return worker.submit(self.pose.detect, frame)
        try:
            prepared = self._preparing.prepare(frame)
        except Exception as exc:  # raised with this frame's sighting, as the worker's errors are
            failed: Future[PoseResult] = Future()
            failed.set_exception(exc)
            return failed
        return worker.submit(self._preparing.detect_prepared, frame, prepared)

    def _finish(self, pending: tuple[Frame, Future[PoseResult]]) -> Sighting:
        frame, future = pending
        return self._seen(frame, future.result())

    def _seen(self, frame: Frame, found: PoseResult) -> Sighting:
        self._last_wrists_xy_px = found.wrists_xy_px
        return sight(frame, found, tracker=self.tracker, camera=self.camera)

    def close(self) -> None:
        """End the worker thread (a pose still running finishes first); a held frame is dropped."""
        self._pending = None
        if self._worker is not None:
            self._worker.shutdown(wait=True, cancel_futures=True)
            self._worker = None


def observe(
    frames: Iterable[Frame],
    *,
    tracker: BarTracker,
    pose: PoseEstimator | None = None,
    overlap: bool = True,
    camera: CameraMotionEstimator | None = None,
) -> Generator[Sighting, None, None]:
    """Run pose (when given) and the bar tracker on each frame, in order; one ``Sighting`` per frame.

    The pose's wrists are the tracker's hands (where to look for the bar). Lazy: frames are read
    as sightings are asked for and dropped after; with pose and ``overlap`` (see ``Observer``),
    one frame ahead of the sighting given. ``camera`` measures each frame's motion after its pose
    and bar (None: the camera taken as still). When ``frames`` raises (a live recording ended with
    Ctrl-C), the sighting of the frame before is given first, then the exception.
    """
    if isinstance(frames, Sized) and len(frames) <= 1:
        overlap = False  # nothing to overlap with (a caller feeding frames one by one this way)
    with Observer(tracker=tracker, pose=pose, overlap=overlap, camera=camera) as observer:
        source = iter(frames)
        while True:
            try:
                frame = next(source)
            except StopIteration:
                break
            except BaseException:
                held = observer.flush()  # computed already: not lost with the source's end
                if held is not None:
                    yield held
                raise
            sighting = observer.push(frame)
            if sighting is not None:
                yield sighting
        last = observer.flush()
        if last is not None:
            yield last


_cv_threads_lock = threading.Lock()
_cv_threads_users = 0
_cv_threads_before = 0


@contextmanager
def opencv_single_threaded() -> Iterator[None]:
    """OpenCV's image functions run on the calling thread only, for the block (then as before).

    The frame loop already keeps both cores busy with threads of its own (decoding, pose, tracker,
    analysis). OpenCV's pool splits each image function over the cores on top of that, and on a
    busy machine a call then waits for a share that is not scheduled: measured on this project's
    2-core machine under load, a frame's colour conversions and blur took p95 4.9 ms (max 117-317)
    with the pool against 1.5-2.2 ms (max 4-29) without it. OpenCV's thread count is the process's:
    nested and concurrent blocks share one setting, restored when the last block ends.
    """
    global _cv_threads_users, _cv_threads_before
    with _cv_threads_lock:
        if _cv_threads_users == 0:
            _cv_threads_before = cv2.getNumThreads()
            cv2.setNumThreads(1)
        _cv_threads_users += 1
    try:
        yield
    finally:
        with _cv_threads_lock:
            _cv_threads_users -= 1
            if _cv_threads_users == 0:
                cv2.setNumThreads(_cv_threads_before)
