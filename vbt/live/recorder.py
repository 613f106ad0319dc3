"""A live set's video, written with each frame's own time (variable frame rate) on a writer thread.

A camera or a stream delivers frames at uneven times, and live mode processes only some of them, so a
recording written at a fixed frame rate would tell ``vbt analyze`` the wrong times. ``VideoRecorder``
writes H.264 in MP4 through PyAV (FFmpeg's libraries) with every frame's presentation time set from
``Frame.t_s`` (``vbt.videoio.open_timed_writer``, 1/90000 s ticks): analysing the recording later
sees the same times as the live analysis did.

Encoding runs on its own thread behind a small queue, so the frame loop never waits for the encoder;
if the encoder cannot keep up, frames are skipped (counted in ``skipped_frames``) rather than queued
without bound.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

from vbt.errors import InputError, VideoError
from vbt.types import Frame
from vbt.videoio import TimedFrameWriter, open_timed_writer, pyav_available

_STOP = object()


class VideoRecorder:
    """Record frames to ``path`` (.mp4) with their own timestamps.

    Parameters:
        path: the file to write; its folder must exist.
        max_queue: frames waiting for the encoder at most; more are skipped.
        crf, preset: x264's quality (lower crf: better, bigger) and speed.

    Attributes:
        written_frames, skipped_frames: frames encoded, frames skipped because the encoder lagged.
        error: why recording stopped early (a ``VideoError``), or None.
    """

    def __init__(self, path: Path, *, max_queue: int = 8, crf: int = 23, preset: str = "superfast") -> None:
        if not pyav_available():
            raise InputError("recording a live set needs PyAV: pip install 'vbt[capture]'")
        self.path = path
        self.crf, self.preset = crf, preset
        self.written_frames = 0
        self.skipped_frames = 0
        self.error: VideoError | None = None
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max_queue)
        self._thread: threading.Thread | None = None
        self._writer: TimedFrameWriter | None = None

    def write(self, frame: Frame, *, block: bool = False) -> None:
        """Queue one frame (BGR); frames of one recording share a size. Blocks only when ``block``."""
        if self.error is not None:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="vbt-live-recorder", daemon=True)
            self._thread.start()
        try:
            self._queue.put(frame, block=block)
        except queue.Full:
            self.skipped_frames += 1

    def close(self) -> None:
        """Encode what is queued, finish the file; raises the ``VideoError`` that stopped it, if any."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = None
        if self.error is not None:
            raise self.error

    def _encode(self, frame: Frame) -> None:
        if self._writer is None:  # one encoder thread: the frame loop and pose need the cores
            height, width = frame.image.shape[:2]
            self._writer = open_timed_writer(
                self.path, size_px=(width, height), crf=self.crf, preset=self.preset, threads=1
            )
        if self._writer.write(frame.image, frame.t_s):  # False: within a clock tick of the last
            self.written_frames += 1

    def _run(self) -> None:
        try:
            while (item := self._queue.get()) is not _STOP:
                if self.error is None:
                    self._encode(item)
        except VideoError as exc:
            self.error = exc
        finally:
            self._finish()

    def _finish(self) -> None:
        if self._writer is None:
            return
        try:
            self._writer.close()
        except VideoError as exc:
            self.error = self.error or exc
        self._writer = None
