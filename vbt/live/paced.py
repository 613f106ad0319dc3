"""A video file played at its own speed, as if a camera were filming it: for trying ``vbt live``
without a camera (``vbt live --file clip.mp4``), for demos and for tests.

Each frame is handed out when its time in the file has come on the wall clock (decoding happens
ahead, waiting happens before the hand-over), and keeps the file's own timestamp: the clip's
clock is the live clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

from vbt.capture.sources import SourceWrapper, VideoFileSource
from vbt.types import Frame


class PacedFileSource(SourceWrapper):
    """A ``FrameSource`` over a video file that yields frames no faster than real time."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(VideoFileSource(Path(path)))
        self._closed = threading.Event()

    def __iter__(self) -> Iterator[Frame]:
        start_wall: float | None = None
        first_t_s = 0.0
        for frame in self.source:
            if start_wall is None:
                start_wall, first_t_s = time.perf_counter(), frame.t_s
            wait_s = (frame.t_s - first_t_s) - (time.perf_counter() - start_wall)
            if wait_s > 0 and self._closed.wait(wait_s):
                return
            if self._closed.is_set():
                return
            yield frame

    def close(self) -> None:
        self._closed.set()
        self.source.close()
