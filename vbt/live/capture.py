"""Capture on its own thread that never waits for processing: when the consumer falls behind, the
oldest waiting frame is dropped (and counted), so memory stays bounded and the consumer always gets
the freshest frames.

::

    with ThreadedCapture(StreamSource(url), max_queue=2) as capture:
        for frame in capture:       # frames in source order, some skipped when processing is slow
            process(frame)
        if capture.error:           # the source's reason for ending early, if any
            report(capture.error)
    print(capture.dropped_frames)

Frame times are the source's (``Frame.t_s``: arrival time for cameras and streams), taken on the
reader thread when the frame arrives, never when the consumer gets to it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from typing import Self

from vbt.capture.sources import FrameSource
from vbt.closing import Closing
from vbt.errors import InputError, VideoError
from vbt.live.cost import CpuMeter
from vbt.types import Frame

_POLL_S = 0.1  # how often a waiting consumer looks at the stop flag


class ThreadedCapture(Closing):
    """Read a ``FrameSource`` on a background thread into a small queue that drops its oldest frame.

    Parameters:
        source: the frames; the capture owns it from now on and closes it (on the reader thread).
        max_queue: frames kept waiting for the consumer, at least 1 (1: always the newest frame only).
        meter: counts the reader thread's CPU time (reading and decoding frames) as ``"capture"``.

    Attributes:
        dropped_frames: frames read from the source but never yielded, because newer ones replaced them.
        frames_read: frames the source delivered so far.
        frames_yielded: frames handed to the consumer so far.
        max_queued: the most frames ever waiting at once (never more than ``max_queue``).

    Every frame's time is kept: the times of dropped frames wait in ``take_dropped()`` for the
    consumer, which marks them lost (a gap it knows of, not one it has to guess).

    The reader thread starts at the first iteration (or ``start()`` / ``with``). Iteration ends when
    the source ends or after ``close()``; it raises only what the source itself raised (a
    ``VideoError`` such as a stream that never sent a frame), on the consumer's thread, after the
    frames read before it.
    """

    def __init__(self, source: FrameSource, *, max_queue: int = 2, meter: CpuMeter | None = None) -> None:
        if max_queue < 1:
            raise InputError(f"max_queue must be at least 1, got {max_queue}")
        self.source = source
        self.max_queue = max_queue
        self.meter = meter
        self.dropped_frames = 0
        self.frames_read = 0
        self.frames_yielded = 0
        self.max_queued = 0
        self._queue: deque[Frame] = deque()
        self._dropped_t_s: list[float] = []
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._done = False
        self._raised: Exception | None = None
        self._thread: threading.Thread | None = None

    @property
    def error(self) -> VideoError | None:
        """Why the source ended early (passed through from ``source.error``), None after a normal end."""
        return self.source.error

    @property
    def waiting(self) -> int:
        """Frames read and not yet handed to the consumer (0: the consumer is keeping up)."""
        with self._cond:
            return len(self._queue)

    def take_dropped(self) -> list[float]:
        """The source times of the frames dropped since the last call, in order."""
        with self._cond:
            dropped, self._dropped_t_s = self._dropped_t_s, []
        return dropped

    @property
    def running(self) -> bool:
        """True while the reader thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the reader thread (once; later calls do nothing)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._read_all, name="vbt-live-capture", daemon=True)
            self._thread.start()

    def __iter__(self) -> Iterator[Frame]:
        self.start()
        while True:
            with self._cond:
                while not self._queue and not self._done and not self._stop.is_set():
                    self._cond.wait(_POLL_S)
                if self._stop.is_set():  # closed: frames still waiting are discarded
                    self._queue.clear()
                    return
                if self._queue:
                    frame = self._queue.popleft()
                    self.frames_yielded += 1
                elif self._raised is not None:
                    raised, self._raised = self._raised, None
                    raise raised
                else:
                    return
            yield frame

    def close(self, *, timeout_s: float = 5.0) -> None:
        """Stop reading and wait up to ``timeout_s`` for the reader thread to end.

        The reader closes the source as soon as its current read returns (at once for files, within a
        frame interval for a live stream, at worst the source's own read timeout for a stalled one).
        Frames still waiting are discarded (not counted as dropped). Safe to call more than once.
        """
        self._stop.set()
        with self._cond:
            self._queue.clear()
            self._cond.notify_all()
        if self._thread is None:
            self.source.close()
        elif self._thread is not threading.current_thread():
            self._thread.join(timeout_s)

    def __enter__(self) -> Self:
        self.start()
        return self

    def _read_all(self) -> None:
        start_s = time.thread_time()
        try:
            for frame in self.source:
                with self._cond:
                    if self._stop.is_set():
                        break
                    self.frames_read += 1
                    if len(self._queue) >= self.max_queue:
                        self._dropped_t_s.append(self._queue.popleft().t_s)
                        self.dropped_frames += 1
                    self._queue.append(frame)
                    self.max_queued = max(self.max_queued, len(self._queue))
                    self._cond.notify()
        except Exception as exc:  # re-raised on the consumer's thread (e.g. a stream that sent nothing)
            self._raised = exc
        finally:
            self.source.close()
            if self.meter is not None:
                self.meter.add("capture", time.thread_time() - start_s)
            with self._cond:
                self._done = True
                self._cond.notify_all()
