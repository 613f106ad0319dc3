"""Writing video files one frame at a time: H.264 through ffmpeg, or MPEG-4 part 2 through OpenCV.

One writer serves every video vbt writes (annotated analyses, rendered synthetic clips):

- ``"h264"``: libx264 through the ffmpeg binary that ``imageio-ffmpeg`` ships, fed raw BGR frames on a
  pipe; plays on phones and in browsers; the quality is set with x264's constant rate factor (``crf``).
  Odd frame sizes are padded by one pixel (x264 needs even ones).
- ``"mp4v"``: MPEG-4 part 2 through ``cv2.VideoWriter``; always there, but browsers do not play it and
  OpenCV fixes its bitrate. (``avc1``/``H264`` in ``cv2.VideoWriter`` do not work with these wheels.)
- ``"auto"``: H.264 when imageio-ffmpeg is installed, else mp4v.

Both write a constant frame rate: frame ``k`` is at ``k / fps`` (29.97 fps stays exactly 30000/1001).

``open_timed_writer`` writes each frame at its own time instead (variable frame rate, as phones and
live sources give it): H.264 in MP4 through PyAV (FFmpeg's libraries), presentation times counted in
``TIMED_TIME_BASE`` ticks (1/90000 s, the MPEG clock), so a time survives the file to within microseconds.
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

#: Presentation times of ``open_timed_writer``'s files are counted in these units (the MPEG clock).
TIMED_TIME_BASE = Fraction(1, 90000)


class FrameWriter(Protocol):
    """Takes BGR uint8 frames of one size, in order; ``close`` finishes the file."""

    def write(self, image: Image) -> None: ...

    def close(self) -> None: ...


class TimedFrameWriter(Protocol):
    """Takes BGR uint8 frames of one size with their times; ``close`` finishes the file.

    ``write`` returns False, writing nothing, for a frame less than one tick of the file's clock
    after the previous one (a repeated timestamp): the caller counts or refuses those.
    """

    def write(self, image: Image, t_s: float) -> bool: ...

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


def pyav_available() -> bool:
    """True when PyAV (``av``, FFmpeg's libraries) is installed: variable-frame-rate writing."""
    return importlib.util.find_spec("av") is not None


def open_timed_writer(
    path: Path,
    *,
    size_px: tuple[int, int],
    crf: int = 21,
    preset: str = "veryfast",
    threads: int = 0,
    nominal_fps: float = 30.0,
) -> TimedFrameWriter:
    """An H.264 MP4 writer for ``path`` (its folder must exist) that keeps every frame's own time.

    Parameters:
        path: the file to write.
        size_px: (width, height) of the frames; an odd size is padded by one pixel (x264 needs even).
        crf, preset: x264's quality (lower crf: better, bigger) and speed.
        threads: encoder threads, 0 = as many as the machine has.
        nominal_fps: the rate the container declares (players show it; frame times do not use it).

    The file's clock starts at the first frame: a frame written with ``t_s`` is at ``t_s - t0_s``
    in the file (``t0_s`` the first frame's ``t_s``), rounded to ``TIMED_TIME_BASE``.

    Raises:
        VideoError: PyAV is not installed (what to install is said), the encoder cannot be started.
    """
    try:
        import av  # noqa: F401  (checked here; the writer imports it again)
    except ImportError:
        raise VideoError(
            "writing a video with each frame's own time (variable frame rate) needs PyAV: "
            "pip install av (or pip install 'vbt[capture]')"
        ) from None
    return _PyavWriter(
        path, size_px=size_px, crf=crf, preset=preset, threads=threads, nominal_fps=nominal_fps
    )


class _PyavWriter:
    """H.264 (yuv420p) in MP4 through PyAV, with per-frame presentation times."""

    def __init__(
        self,
        path: Path,
        *,
        size_px: tuple[int, int],
        crf: int,
        preset: str,
        threads: int,
        nominal_fps: float,
    ) -> None:
        import av

        self._path = path
        self._size_px = (int(size_px[0]), int(size_px[1]))
        width, height = self._size_px
        self._t0_s: float | None = None
        self._last_pts = -1
        try:
            self._container = av.open(str(path), mode="w")
        except (OSError, av.FFmpegError) as exc:
            raise VideoError(f"cannot write the video {path}: {exc}") from None
        try:
            stream = self._container.add_stream("libx264", rate=Fraction(nominal_fps).limit_denominator(1001))
            stream.width, stream.height = width + width % 2, height + height % 2
            stream.pix_fmt = "yuv420p"
            stream.time_base = TIMED_TIME_BASE
            stream.codec_context.time_base = TIMED_TIME_BASE
            stream.options = {"crf": str(crf), "preset": preset, "threads": str(threads)}
        except (OSError, ValueError, av.FFmpegError) as exc:
            self._container.close()
            raise VideoError(f"cannot start the H.264 encoder for {path}: {exc}") from None
        self._stream = stream

    def write(self, image: Image, t_s: float) -> bool:
        import av

        height, width = image.shape[:2]
        if (width, height) != self._size_px:
            raise VideoError(
                f"{self._path}: a frame of {width}x{height} in a video of "
                f"{self._size_px[0]}x{self._size_px[1]}; all frames of a video must share one size"
            )
        if self._t0_s is None:
            self._t0_s = t_s
        pts = round((t_s - self._t0_s) / TIMED_TIME_BASE)
        if pts <= self._last_pts:
            return False
        if width % 2 or height % 2:
            image = np.pad(image, ((0, height % 2), (0, width % 2), (0, 0)), mode="edge")
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="bgr24")
        frame.pts = pts
        frame.time_base = TIMED_TIME_BASE
        try:
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        except (OSError, av.FFmpegError) as exc:
            raise VideoError(f"writing the video {self._path} failed: {exc}") from None
        self._last_pts = pts
        return True

    def close(self) -> None:
        import av

        try:
            for packet in self._stream.encode(None):
                self._container.mux(packet)
            self._container.close()
        except (OSError, av.FFmpegError) as exc:
            with contextlib.suppress(OSError, av.FFmpegError):
                self._container.close()
            raise VideoError(f"finishing the video {self._path} failed: {exc}") from None
