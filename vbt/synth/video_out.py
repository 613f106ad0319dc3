"""Write rendered frames to a video file, one frame at a time (constant frame rate).

Codecs that work with this project's wheels (checked on opencv-contrib-python 5.0 and the ffmpeg
that imageio-ffmpeg bundles):

- ``"h264"``: libx264 through imageio-ffmpeg's ffmpeg, fed raw frames on a pipe; the quality is
  set (``crf``), so clips are small. OpenCV decodes it.
- ``"mp4v"``: MPEG-4 part 2 through ``cv2.VideoWriter``; always available, but OpenCV fixes its
  bitrate (about width x height x fps bits per second), so clips are large and the quality cannot
  be chosen. ``avc1``/``H264`` in ``cv2.VideoWriter`` do not work here (the wheel has no H.264
  encoder; it tries a V4L2 hardware encoder and fails).

Both write a constant frame rate: frame ``k`` has the timestamp ``k / fps``.
"""

from __future__ import annotations

import contextlib
import math
import subprocess
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from vbt.errors import InputError, VideoError

CODECS: tuple[str, ...] = ("h264", "mp4v")


class FrameWriter(Protocol):
    """Takes BGR uint8 frames of one size, in order; ``close`` finishes the file."""

    def write(self, image: npt.NDArray[np.uint8]) -> None: ...

    def close(self) -> None: ...


def crf_for_quality(quality: int) -> int:
    """x264's constant rate factor for a quality 0..100 (100 best): 12 at 100, 26 at 60, 46 at 0."""
    return round(12 + 0.34 * (100 - quality))


def open_writer(
    path: str | Path, *, size_px: tuple[int, int], fps: float, codec: str = "h264", quality: int = 60
) -> FrameWriter:
    """A writer for ``path`` (the directory must exist).

    Raises:
        InputError: an unknown codec, an odd frame size for h264, a quality out of 0..100.
        VideoError: the encoder cannot be started (imageio-ffmpeg missing, OpenCV refuses).
    """
    width, height = size_px
    if codec not in CODECS:
        raise InputError(f"unknown codec {codec!r}; choose one of: {', '.join(CODECS)}")
    if not 0 <= quality <= 100:
        raise InputError(f"compression quality must be within 0..100, got {quality}")
    if not (math.isfinite(fps) and fps > 0):
        raise InputError(f"fps must be a positive number, got {fps}")
    if codec == "h264":
        if width % 2 or height % 2:
            raise InputError(f"h264 needs an even frame size, got {width}x{height}")
        return _FfmpegWriter(Path(path), size_px=size_px, fps=fps, crf=crf_for_quality(quality))
    return _OpenCvWriter(Path(path), size_px=size_px, fps=fps)


class _OpenCvWriter:
    def __init__(self, path: Path, *, size_px: tuple[int, int], fps: float) -> None:
        self._path = path
        try:
            self._writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, size_px)
        except cv2.error as exc:
            raise VideoError(f"{path}: OpenCV cannot write mp4v video: {exc}") from exc
        if not self._writer.isOpened():
            raise VideoError(f"{path}: OpenCV cannot write mp4v video here; check the directory is writable")

    def write(self, image: npt.NDArray[np.uint8]) -> None:
        self._writer.write(image)

    def close(self) -> None:
        self._writer.release()


class _FfmpegWriter:
    def __init__(self, path: Path, *, size_px: tuple[int, int], fps: float, crf: int) -> None:
        try:
            import imageio_ffmpeg  # optional here: only h264 needs it
        except ImportError:
            raise VideoError(
                "writing h264 needs the imageio-ffmpeg package (pip install imageio-ffmpeg); "
                "or render with codec='mp4v'"
            ) from None
        exe = str(imageio_ffmpeg.get_ffmpeg_exe())
        width, height = size_px
        self._path = path
        self._frame_bytes = width * height * 3
        rate = _rate_text(fps)
        command = [
            exe, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{width}x{height}", "-r", rate, "-i", "-",
            "-an", "-c:v", "libx264", "-preset", "medium", "-crf", str(crf), "-pix_fmt", "yuv420p",
            "-r", rate, "-movflags", "+faststart", str(path),
        ]  # fmt: skip
        try:
            self._process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
        except OSError as exc:
            raise VideoError(f"cannot start ffmpeg ({exe}): {exc.strerror}") from exc

    def write(self, image: npt.NDArray[np.uint8]) -> None:
        data = np.ascontiguousarray(image).tobytes()
        if len(data) != self._frame_bytes:
            raise InputError(f"frame of {len(data)} bytes, expected {self._frame_bytes} (wrong size?)")
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(data)
        except BrokenPipeError:
            raise VideoError(f"{self._path}: ffmpeg stopped: {self._stderr()}") from None

    def close(self) -> None:
        assert self._process.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self._process.stdin.close()
        code = self._process.wait()
        if code != 0:
            raise VideoError(f"{self._path}: ffmpeg failed (exit {code}): {self._stderr()}")

    def _stderr(self) -> str:
        assert self._process.stderr is not None
        return self._process.stderr.read().decode(errors="replace").strip()[-500:] or "no message"


def _rate_text(fps: float) -> str:
    """``30000/1001`` for NTSC rates (exact), else the number."""
    for num in (24000, 30000, 60000, 120000):
        if abs(fps - num / 1001) < 1e-6:
            return f"{num}/1001"
    return repr(float(fps))
