"""Writing video files one frame at a time: H.264 through ffmpeg, or MPEG-4 part 2 through OpenCV.

One writer serves every video vbt writes (annotated analyses, rendered synthetic clips):

- ``"h264"``: libx264 through the ffmpeg binary that ``imageio-ffmpeg`` ships, fed raw BGR frames on a
  pipe; plays on phones and in browsers; the quality is set with x264's constant rate factor (``crf``).
  Odd frame sizes are padded by one pixel (x264 needs even ones).
- ``"mp4v"``: MPEG-4 part 2 through ``cv2.VideoWriter``; always there, but browsers do not play it and
  OpenCV fixes its bitrate. (``avc1``/``H264`` in ``cv2.VideoWriter`` do not work with these wheels.)
- ``"auto"``: H.264 when imageio-ffmpeg is installed, else mp4v.

Both write a constant frame rate: frame ``k`` is at ``k / fps`` (29.97 fps stays exactly 30000/1001).
"""

from __future__ import annotations

import contextlib
import importlib.util
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import IO, Literal, Protocol

import numpy as np
import numpy.typing as npt

from vbt.errors import InputError, VideoError

Codec = Literal["auto", "h264", "mp4v"]
Image = npt.NDArray[np.uint8]


class FrameWriter(Protocol):
    """Takes BGR uint8 frames of one size, in order; ``close`` finishes the file."""

    def write(self, image: Image) -> None: ...

    def close(self) -> None: ...


def h264_available() -> bool:
    """True when ``imageio-ffmpeg`` (an ffmpeg binary with libx264) is installed."""
    return importlib.util.find_spec("imageio_ffmpeg") is not None


def open_video_writer(
    path: Path,
    *,
    fps: float,
    size_px: tuple[int, int],
    codec: Codec = "auto",
    crf: int = 21,
    preset: str = "veryfast",
) -> FrameWriter:
    """A writer for ``path`` (its folder must exist); ``crf`` and ``preset`` are x264's (h264 only).

    Raises:
        InputError: h264 asked for without imageio-ffmpeg installed.
        VideoError: the encoder cannot be started.
    """
    if codec == "mp4v" or (codec == "auto" and not h264_available()):
        return _Cv2Writer(path, fps=fps, size_px=size_px)
    if not h264_available():
        raise InputError("H.264 output needs the imageio-ffmpeg package: pip install imageio-ffmpeg")
    return _FfmpegWriter(path, fps=fps, size_px=size_px, crf=crf, preset=preset)


class _Cv2Writer:
    """MPEG-4 part 2 through OpenCV's FFmpeg backend."""

    def __init__(self, path: Path, *, fps: float, size_px: tuple[int, int]) -> None:
        import cv2

        self._path = path
        try:
            self._writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, size_px)
        except cv2.error as exc:
            raise VideoError(f"cannot write the video {path}: OpenCV failed: {exc}") from None
        if not self._writer.isOpened():
            raise VideoError(
                f"cannot write the video {path}: OpenCV has no encoder for it. Use a .mp4 file name "
                "in a folder you can write to."
            )

    def write(self, image: Image) -> None:
        import cv2

        try:
            self._writer.write(image)
        except cv2.error as exc:
            raise VideoError(f"writing the video {self._path} failed: {exc}") from None

    def close(self) -> None:
        self._writer.release()


class _FfmpegWriter:
    """H.264 (yuv420p, fast start) through the ffmpeg binary that ``imageio-ffmpeg`` ships."""

    def __init__(self, path: Path, *, fps: float, size_px: tuple[int, int], crf: int, preset: str) -> None:
        import imageio_ffmpeg

        self._path = path
        width, height = size_px
        rate = Fraction(fps).limit_denominator(1001)
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{width}x{height}", "-r", str(rate), "-i", "-",
            "-an", "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-movflags", "+faststart", str(path),
        ]  # fmt: skip
        # ffmpeg's messages go to a file (a pipe could fill up and stall it); closed in close().
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=self._log)
        except OSError as exc:
            self._log.close()
            raise VideoError(f"cannot start ffmpeg to write {path}: {exc.strerror or exc}") from None

    def _message(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace").strip()[-500:]

    def write(self, image: Image) -> None:
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(np.ascontiguousarray(image).tobytes())
        except (BrokenPipeError, OSError):
            self._process.wait()
            raise VideoError(f"ffmpeg stopped while writing {self._path}: {self._message()}") from None

    def close(self) -> None:
        assert self._process.stdin is not None
        with contextlib.suppress(OSError):  # ffmpeg already exited; its status and message follow
            self._process.stdin.close()
        code = self._process.wait()
        message = self._message()
        self._log.close()
        if code != 0:
            raise VideoError(f"ffmpeg could not write {self._path} (exit {code}): {message}")
