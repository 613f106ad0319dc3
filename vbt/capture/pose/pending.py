"""``PendingPose``: a pose estimator made on a thread of its own, while the caller gets on.

Making MediaPipe's landmarker takes most of a second: importing MediaPipe (about 0.45 s on the
2-core test machine, Python code: it holds Python's lock) and loading the model's graphs (about
0.2 s, native code that lets the lock go). ``track_source`` starts it right after the source opened,
so that it overlaps the loop's setting up and the first frames' decoding; the frame loop waits for
it only at its first pose call. Work that also holds the lock (another import) gains nothing by
running beside it. The estimator is the same one, made with the same settings: the results do not
change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future

from vbt.capture.pose.result import PoseResult, PreparingPoseEstimator
from vbt.closing import Closing
from vbt.types import FloatArray, Frame


class PendingPose(Closing):
    """A ``PreparingPoseEstimator`` whose estimator ``make()`` builds on a background thread.

    Every call waits until the estimator is made, then goes to it. An error ``make`` raised (a model
    MediaPipe cannot load: ``ModelError``) is raised by the first call, and by ``wait()``, on the
    caller's thread, unchanged.

    ``close()`` waits for the thread (a load under way finishes first) and closes the estimator;
    safe to call more than once. Use as a context manager, or call ``close()``.
    """

    def __init__(self, make: Callable[[], PreparingPoseEstimator], *, name: str = "vbt-pose-load") -> None:
        self._made: Future[PreparingPoseEstimator] = Future()
        self._closed = False
        self._thread = threading.Thread(target=self._make, args=(make,), name=name, daemon=True)
        self._thread.start()

    def _make(self, make: Callable[[], PreparingPoseEstimator]) -> None:
        try:
            estimator = make()
        except BaseException as exc:  # handed to the caller's thread, raised there
            self._made.set_exception(exc)
        else:
            self._made.set_result(estimator)

    def wait(self) -> PreparingPoseEstimator:
        """The estimator, once made (waits for it).

        Raises:
            Whatever ``make`` raised (``ModelError`` for a model that cannot be loaded).
        """
        return self._made.result()

    def estimate(self, frame: Frame) -> tuple[FloatArray, FloatArray]:
        return self.wait().estimate(frame)

    def detect(self, frame: Frame) -> PoseResult:
        return self.wait().detect(frame)

    def prepare(self, frame: Frame) -> object:
        return self.wait().prepare(frame)

    def detect_prepared(self, frame: Frame, prepared: object) -> PoseResult:
        return self.wait().detect_prepared(frame, prepared)

    def close(self) -> None:
        """Wait for the thread to end and close the estimator it made (if it made one)."""
        self._thread.join()
        if self._closed:
            return
        self._closed = True
        if self._made.exception() is None:
            close = getattr(self._made.result(), "close", None)
            if close is not None:
                close()
