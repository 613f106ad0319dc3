"""Decode on a thread of its own: ``ReadAhead`` reads a ``FrameSource`` a few frames ahead of its user.

Decoding a frame (FFmpeg, inside ``cv2.VideoCapture.read``) releases Python's lock, so on a machine
with two cores or more it runs while the frame before is being analysed (pose, bar tracking):
the decoder's time disappears from the wall time of the analysis. The frames are the source's own,
unchanged (same images, times and indices, in the same order); at most ``depth`` of them wait in a
bounded queue, so memory stays bounded whatever the video's length.

How it ends is the source's: iteration stops without an exception, then ``error`` is the source's
(``None`` after a normal end). An exception the source raises while iterating (a live source that
never delivers a frame) is raised to the reader of the frames, in order, after the frames before it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

from vbt.capture.sources import FrameSource, SourceWrapper
from vbt.errors import InputError
from vbt.types import Frame

_END = object()  # the source's iteration ended (normally or with its ``error`` set)


class ReadAhead(SourceWrapper):
    """A ``FrameSource`` whose frames are decoded on a background thread, up to ``depth`` ahead.

    Parameters:
        source: the source to read (an open ``FrameSource``; iterated once).
        depth: frames decoded ahead at most (>= 1). Two or three hide the decoder behind the
            analysis; more only costs memory (a 1080p frame is 6 MB).

    ``stop()`` ends the reading thread (it finishes the frame it is decoding; for a live stream
    that waits for the next frame, or the stream's read timeout) and leaves the source open;
    ``close()`` stops and closes the source. Used as a context manager, it closes.

    Raises:
        InputError: ``depth`` is below 1.
    """

    def __init__(self, source: FrameSource, *, depth: int = 3) -> None:
        if depth < 1:
            raise InputError(f"read-ahead depth must be at least 1 frame, got {depth}")
        super().__init__(source)
        self.depth = depth
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- reading ----------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Frame]:
        """The source's frames, in order; the first call starts the reading thread (iterate once)."""
        if self._thread is not None:
            raise InputError(f"{self.name}: a read-ahead source can be iterated only once")
        self._thread = threading.Thread(target=self._read, name=f"vbt-read-ahead {self.name}", daemon=True)
        self._thread.start()
        try:
            while True:
                item = self._queue.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                assert isinstance(item, Frame)
                yield item
        finally:
            self.stop()  # a caller that stops early (or an exception) must not leave the thread reading

    def _read(self) -> None:
        """The reading thread: the source's frames into the queue, then ``_END`` (or the exception)."""
        end: object = _END
        try:
            for frame in self.source:
                if not self._put(frame):
                    return
        except BaseException as exc:  # handed over, unchanged, to the reader of the frames
            end = exc  # (even KeyboardInterrupt: a stand-in live source may end that way)
        self._put(end)

    def _put(self, item: object) -> bool:
        """Queue ``item``, waiting for room; False when asked to stop meanwhile."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
            except queue.Full:
                continue
            return True
        return False

    def stop(self) -> None:
        """End the reading thread and drop the frames read ahead; the source stays open."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break

    def close(self) -> None:
        """Stop reading and close the source. Safe to call more than once."""
        self.stop()
        self.source.close()
