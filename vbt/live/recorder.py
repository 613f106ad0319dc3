"""A live set's video, written with each frame's own time (variable frame rate) on a writer thread.

A camera or a stream delivers frames at uneven times, and live mode processes only some of them, so a
recording written at a fixed frame rate would tell ``vbt analyze`` the wrong times. ``VideoRecorder``
writes H.264 in MP4 through PyAV (FFmpeg's libraries) with every frame's presentation time set from
``Frame.t_s`` (``vbt.videoio.open_timed_writer``, 1/90000 s ticks): analysing the recording later
sees the same times as the live analysis did.

Frames that arrived as JPEG pictures (an HTTP MJPEG stream: ``vbt.live.jpeg_stream.JpegFrame``)
are not encoded again: their JPEGs go into the MP4 as they came (Motion JPEG, the same times), which
costs next to no CPU where H.264 encoding took about a fifth of live mode's, and loses nothing of
what the analysis saw; the price is a larger file (about 2-4 MB per second at 720p against H.264's
0.2-0.5). A recording is one or the other from its first frame: a frame without its JPEG in a JPEG
recording is JPEG-encoded (a stream reopened by another reader).

Writing runs on its own thread behind a small queue, so the frame loop never waits for the encoder;
if the encoder cannot keep up, frames are skipped (counted in ``skipped_frames``) rather than queued
without bound.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

import cv2

from vbt.errors import InputError, VideoError
from vbt.live.cost import CpuMeter
from vbt.live.jpeg_stream import JpegFrame
from vbt.types import Frame
from vbt.videoio import TIMED_TIME_BASE, TimedFrameWriter, open_timed_writer, pyav_available

_STOP = object()


class VideoRecorder:
    """Record frames to ``path`` (.mp4) with their own timestamps.

    Parameters:
        path: the file to write; its folder must exist.
        max_queue: frames waiting for the encoder at most; more are skipped.
        crf, preset: x264's quality (lower crf: better, bigger) and speed.
        meter: counts the writer thread's CPU time as the ``"recording"`` stage.

    Attributes:
        written_frames, skipped_frames: frames encoded, frames skipped because the encoder lagged.
        error: why recording stopped early (a ``VideoError``), or None.
    """

    def __init__(
        self,
        path: Path,
        *,
        max_queue: int = 8,
        crf: int = 23,
        preset: str = "superfast",
        meter: CpuMeter | None = None,
    ) -> None:
        if not pyav_available():
            raise InputError("recording a live set needs PyAV: pip install 'vbt[capture]'")
        self.path = path
        self.crf, self.preset = crf, preset
        self.meter = meter if meter is not None else CpuMeter()
        self.written_frames = 0
        self.skipped_frames = 0
        self.error: VideoError | None = None
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max_queue)
        self._thread: threading.Thread | None = None
        self._writer: TimedFrameWriter | JpegMuxer | None = None

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

    @staticmethod
    def encodes(frame: Frame) -> bool:
        """Whether writing ``frame`` costs an encoding (it did not come as a JPEG to keep)."""
        return not (isinstance(frame, JpegFrame) and frame.jpeg)

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
            if not self.encodes(frame):
                self._writer = JpegMuxer(self.path, size_px=(width, height))
            else:
                self._writer = open_timed_writer(
                    self.path, size_px=(width, height), crf=self.crf, preset=self.preset, threads=1
                )
        if isinstance(self._writer, JpegMuxer):
            written = self._writer.write_jpeg(_jpeg_of(frame), frame.t_s)
        else:
            written = self._writer.write(frame.image, frame.t_s)
        if written:  # False: within a clock tick of the last
            self.written_frames += 1

    def _run(self) -> None:
        with self.meter.stage("recording"):
            self._write_all()

    def _write_all(self) -> None:
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


def _jpeg_of(frame: Frame) -> bytes:
    if isinstance(frame, JpegFrame) and frame.jpeg:
        return frame.jpeg
    ok, encoded = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise VideoError("a frame could not be JPEG-encoded for the recording")
    return bytes(encoded.tobytes())


#: The JPEG quality (1-100) of a frame that came without its JPEG into a JPEG recording: high, so
#: that the frame loses little; lowering it makes smaller files and blurrier edges for the tracker.
JPEG_QUALITY = 90


class JpegMuxer:
    """Motion JPEG in MP4 through PyAV: each picture's bytes as given, at its own time.

    Times are those of ``vbt.videoio.open_timed_writer``: the file's clock starts at the first
    picture, in ``TIMED_TIME_BASE`` ticks; a picture within a tick of the last is not written.

    Raises:
        VideoError: the file cannot be written.
    """

    def __init__(self, path: Path, *, size_px: tuple[int, int]) -> None:
        import av

        self.path = path
        self._t0_s: float | None = None
        self._last_pts = -1
        try:
            self._container: Any = av.open(str(path), mode="w")
            stream = self._container.add_stream("mjpeg")
            stream.width, stream.height = size_px
            stream.pix_fmt = "yuvj420p"
            stream.time_base = TIMED_TIME_BASE
        except (OSError, ValueError, av.FFmpegError) as exc:
            raise VideoError(f"cannot write the video {path}: {exc}") from None
        self._stream = stream

    def write_jpeg(self, jpeg: bytes, t_s: float) -> bool:
        """Add one picture at ``t_s`` (seconds, increasing); False when it is within a tick of the last."""
        import av

        if self._t0_s is None:
            self._t0_s = t_s
        pts = round((t_s - self._t0_s) / TIMED_TIME_BASE)
        if pts <= self._last_pts:
            return False
        packet = av.Packet(jpeg)
        packet.pts = packet.dts = pts
        packet.time_base = TIMED_TIME_BASE
        packet.stream = self._stream
        try:
            self._container.mux(packet)
        except (OSError, av.FFmpegError) as exc:
            raise VideoError(f"writing the video {self.path} failed: {exc}") from None
        self._last_pts = pts
        return True

    def close(self) -> None:
        """Finish the file."""
        import av

        try:
            self._container.close()
        except (OSError, av.FFmpegError) as exc:
            raise VideoError(f"finishing the video {self.path} failed: {exc}") from None
