"""A live set's video, written with each frame's own time (variable frame rate) on a writer thread.

A camera or a stream delivers frames at uneven times, and live mode processes only some of them, so a
recording written at a fixed frame rate would tell ``vbt analyze`` the wrong times. ``VideoRecorder``
writes H.264 in MP4 through PyAV (FFmpeg's libraries) with every frame's presentation time set from
``Frame.t_s`` (millisecond resolution): analysing the recording later sees the same times as the
live analysis did.

Encoding runs on its own thread behind a small queue, so the frame loop never waits for the encoder;
if the encoder cannot keep up, frames are skipped (counted in ``skipped_frames``) rather than queued
without bound.
"""

from __future__ import annotations

import queue
import threading
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from vbt.errors import InputError, VideoError
from vbt.types import Frame

#: Presentation times are counted in these units (1 ms).
TIME_BASE = Fraction(1, 1000)
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
        try:
            import av
        except ImportError:
            raise InputError("recording a live set needs PyAV: pip install 'vbt[capture]'") from None
        self.path = path
        self.crf, self.preset = crf, preset
        self.written_frames = 0
        self.skipped_frames = 0
        self.error: VideoError | None = None
        self._av = av
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max_queue)
        self._thread: threading.Thread | None = None
        self._container: Any = None
        self._stream: Any = None
        self._t0_s: float | None = None
        self._last_pts = -1

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

    def _open(self, frame: Frame) -> None:
        height, width = frame.image.shape[:2]
        try:
            self._container = self._av.open(str(self.path), mode="w")
            stream = self._container.add_stream("libx264", rate=30)
            stream.width, stream.height = width - width % 2, height - height % 2
            stream.pix_fmt = "yuv420p"
            stream.time_base = TIME_BASE
            stream.codec_context.time_base = TIME_BASE
            stream.options = {"crf": str(self.crf), "preset": self.preset, "threads": "1"}
            self._stream = stream
        except (OSError, self._av.FFmpegError) as exc:
            raise VideoError(f"cannot write the recording {self.path}: {exc}") from None
        self._t0_s = frame.t_s

    def _encode(self, frame: Frame) -> None:
        if self._container is None:
            self._open(frame)
        assert self._t0_s is not None
        pts = round((frame.t_s - self._t0_s) / TIME_BASE)
        if pts <= self._last_pts:  # two frames within 1 ms: keep the first
            return
        image = frame.image[: self._stream.height, : self._stream.width]
        video_frame = self._av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="bgr24")
        video_frame.pts = pts
        video_frame.time_base = TIME_BASE
        for packet in self._stream.encode(video_frame):
            self._container.mux(packet)
        self._last_pts = pts
        self.written_frames += 1

    def _run(self) -> None:
        try:
            while (item := self._queue.get()) is not _STOP:
                if self.error is None:
                    self._encode(item)
        except (OSError, self._av.FFmpegError) as exc:
            self.error = VideoError(f"recording to {self.path} failed: {exc}")
        except VideoError as exc:
            self.error = exc
        finally:
            self._finish()

    def _finish(self) -> None:
        if self._container is None:
            return
        try:
            for packet in self._stream.encode(None):
                self._container.mux(packet)
            self._container.close()
        except (OSError, self._av.FFmpegError) as exc:
            self.error = self.error or VideoError(f"finishing the recording {self.path} failed: {exc}")
        self._container = None
