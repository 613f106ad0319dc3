"""What each stage of live mode costs, in CPU time per frame.

Wall time per frame says how long a frame waited; CPU time says how much of the machine's cores a
stage takes, which depends far less on what else runs beside it: with ``k`` other busy processes on
``n`` cores, live mode gets about ``n / (k + 1)`` cores' worth of CPU time per second, and the
stages' CPU-ms per frame, summed, say how many frames a second that share can carry.

Each stage is measured on the thread that does its work (``time.thread_time``: that thread's CPU
time), so stages on different threads (capture, pose, the frame loop, analysis, recording) add up
without counting each other's time. A library's own worker threads (a model's inference pool) are
not seen by the thread that waits for them: ``process_s`` (all threads, ``time.process_time``) says
how much is left unaccounted.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from vbt.capture.bar import BarDetection, BarTracker
from vbt.capture.pose import PoseEstimator, PoseResult, PreparingPoseEstimator
from vbt.types import FloatArray, Frame

#: The stages, in the order a frame meets them (names for the benchmark's table).
STAGES: tuple[str, ...] = (
    "capture",  # the source's read and JPEG decode (the capture thread)
    "pose",  # the pose model's calling thread (MediaPipe infers on threads of its own: see process)
    "tracker",  # the bar tracker
    "loop",  # the rest of the frame loop: clock, recording's queue, calibration, the samples' scale
    "analysis",  # the online analysis (its own thread)
    "view",  # drawing the screen and the sinks' work (scaling, JPEG encoding for the browser view)
    "recording",  # the recording's writer (its own thread)
)


class CpuMeter:
    """CPU seconds spent per stage, from any thread; thread-safe.

    ``with meter.stage("pose"): ...`` adds the calling thread's CPU time spent inside the block,
    less that of the stages nested in it on the same thread (the frame loop's own share, without the
    tracker it calls); ``add`` adds a measured amount. ``per_frame_ms(frames)`` divides by the frames
    processed.
    """

    def __init__(self) -> None:
        self._cpu_s: dict[str, float] = {}
        self._lock = threading.Lock()
        self._nested = threading.local()  # per thread: the CPU time of the stages inside the open ones
        self._process_start_s = time.process_time()
        self._process_end_s: float | None = None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Count the calling thread's CPU time inside the block as ``name``'s."""
        stack: list[float] = self._nested.__dict__.setdefault("stack", [])
        stack.append(0.0)
        start_s = time.thread_time()
        try:
            yield
        finally:
            spent_s = time.thread_time() - start_s
            inner_s = stack.pop()
            if stack:
                stack[-1] += spent_s
            self.add(name, spent_s - inner_s)

    def add(self, name: str, cpu_s: float) -> None:
        """Add ``cpu_s`` seconds of CPU time to stage ``name``."""
        with self._lock:
            self._cpu_s[name] = self._cpu_s.get(name, 0.0) + cpu_s

    def stop(self) -> None:
        """Freeze the process's CPU time (the run ended); later calls do nothing."""
        if self._process_end_s is None:
            self._process_end_s = time.process_time()

    @property
    def process_s(self) -> float:
        """CPU seconds of the whole process (every thread) since the meter was made (until ``stop``)."""
        end_s = self._process_end_s if self._process_end_s is not None else time.process_time()
        return end_s - self._process_start_s

    def totals_s(self) -> dict[str, float]:
        """CPU seconds per stage, stages in ``STAGES`` order first."""
        with self._lock:
            cpu_s = dict(self._cpu_s)
        ordered = {name: cpu_s.pop(name) for name in STAGES if name in cpu_s}
        return {**ordered, **cpu_s}

    def per_frame_ms(self, frames: int, *, frames_of: dict[str, int] | None = None) -> dict[str, float]:
        """CPU milliseconds per frame for each stage, ``"total"`` (the stages' sum) and ``"process"``
        (every thread of the process, so also what no stage measured: a library's worker threads, the
        service's posts, the browser pusher); empty before any frame.

        ``frames_of``: stages that handled another number of frames than ``frames`` (capture reads
        the frames later dropped too), per frame of their own; ``total`` and ``process`` stay per
        frame processed.
        """
        if frames <= 0:
            return {}
        counts = frames_of or {}
        per_frame = {
            name: 1000.0 * s / max(counts.get(name, frames), 1) for name, s in self.totals_s().items()
        }
        per_frame["total"] = sum(per_frame.values())
        per_frame["process"] = 1000.0 * self.process_s / frames
        return per_frame


class MeteredTracker:
    """A ``BarTracker`` whose ``update`` is counted as the ``"tracker"`` stage (all else passed on)."""

    def __init__(self, tracker: BarTracker, meter: CpuMeter) -> None:
        self.inner, self.meter = tracker, meter

    def update(self, frame: Frame, *, hands_xy_px: FloatArray | None = None) -> BarDetection:
        with self.meter.stage("tracker"):
            return self.inner.update(frame, hands_xy_px=hands_xy_px)

    def reset(self) -> None:
        self.inner.reset()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class MeteredPose:
    """A ``PoseEstimator`` whose work is counted as the ``"pose"`` stage (all else passed on)."""

    def __init__(self, pose: PoseEstimator, meter: CpuMeter) -> None:
        self.inner, self.meter = pose, meter

    def estimate(self, frame: Frame) -> tuple[FloatArray, FloatArray]:
        with self.meter.stage("pose"):
            return self.inner.estimate(frame)

    def detect(self, frame: Frame) -> PoseResult:
        with self.meter.stage("pose"):
            return self.inner.detect(frame)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class MeteredPreparingPose(MeteredPose):
    """``MeteredPose`` of a ``PreparingPoseEstimator``: its preparation counted too, on its thread."""

    def __init__(self, pose: PreparingPoseEstimator, meter: CpuMeter) -> None:
        super().__init__(pose, meter)
        self.preparing = pose

    def prepare(self, frame: Frame) -> object:
        with self.meter.stage("pose"):
            return self.preparing.prepare(frame)

    def detect_prepared(self, frame: Frame, prepared: object) -> PoseResult:
        with self.meter.stage("pose"):
            return self.preparing.detect_prepared(frame, prepared)


def metered_pose(pose: PoseEstimator, meter: CpuMeter) -> MeteredPose:
    """``pose`` with its CPU time counted; one that prepares its input on another thread keeps doing so."""
    if isinstance(pose, PreparingPoseEstimator):
        return MeteredPreparingPose(pose, meter)
    return MeteredPose(pose, meter)
