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
from types import TracebackType
from typing import Self

from vbt.capture.sources import VideoFileSource
from vbt.errors import VideoError
from vbt.types import Frame


class PacedFileSource:
    """A ``FrameSource`` over a video file that yields frames no faster than real time."""

    def __init__(self, path: str | Path) -> None:
        self._file = VideoFileSource(Path(path))
        self._closed = threading.Event()

    @property
    def name(self) -> str:
        return self._file.name

    @property
    def fps(self) -> float:
        return self._file.fps

    @property
    def frame_count(self) -> int | None:
        return self._file.frame_count

    @property
    def size_px(self) -> tuple[int, int] | None:
        return self._file.size_px

    @property
    def rotation_deg(self) -> int:
        return self._file.rotation_deg

    @property
    def error(self) -> VideoError | None:
        return self._file.error

    def __iter__(self) -> Iterator[Frame]:
        start_wall: float | None = None
        first_t_s = 0.0
        for frame in self._file:
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
        self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
