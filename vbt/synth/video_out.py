"""Write rendered frames to a video file, one frame at a time (constant frame rate), through
`vbt.videoio` with the renderer's own checks and a 0..100 quality scale.

Codecs that work with this project's wheels (checked on opencv-contrib-python 5.0 and the ffmpeg
that imageio-ffmpeg bundles):

- ``"h264"``: libx264 through imageio-ffmpeg's ffmpeg, fed raw frames on a pipe; the quality is
  set (``crf``), so clips are small. OpenCV decodes it.
- ``"mp4v"``: MPEG-4 part 2 through ``cv2.VideoWriter``; always available, but OpenCV fixes its
  bitrate (about width x height x fps bits per second), so clips are large and the quality cannot
  be chosen. ``avc1``/``H264`` in ``cv2.VideoWriter`` do not work here (the wheel has no H.264
  encoder; it tries a V4L2 hardware encoder and fails).

Both write a constant frame rate: frame ``k`` has the timestamp ``k / fps``. ``open_clip_writer``
also writes each frame at its own time (variable frame rate): H.264 through PyAV
(``vbt.videoio.open_timed_writer``).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import numpy.typing as npt

from vbt.errors import InputError, VideoError
from vbt.videoio import FrameWriter, TimedFrameWriter, h264_available, open_timed_writer, open_video_writer

CODECS: tuple[str, ...] = ("h264", "mp4v")
Image = npt.NDArray[np.uint8]


def crf_for_quality(quality: int) -> int:
    """x264's constant rate factor for a quality 0..100 (100 best): 12 at 100, 26 at 60, 46 at 0."""
    return round(12 + 0.34 * (100 - quality))


class _Untimed:
    """A constant-rate writer behind the timed interface: frame ``k`` is at ``k / fps`` in the file,
    the caller's times being that grid already."""

    def __init__(self, writer: FrameWriter) -> None:
        self._writer = writer

    def write(self, image: Image, t_s: float) -> bool:
        self._writer.write(image)
        return True

    def close(self) -> None:
        self._writer.close()


def open_clip_writer(
    path: str | Path,
    *,
    size_px: tuple[int, int],
    fps: float,
    variable: bool,
    codec: str = "h264",
    quality: int = 60,
) -> TimedFrameWriter:
    """A writer for a rendered clip: constant rate ``fps`` (``open_writer``), or, when ``variable``,
    every frame at its own time (the file's clock starting at the first frame; ``fps`` is only
    declared).

    Raises:
        InputError: as ``open_writer``; a variable rate with a codec other than h264.
        VideoError: the encoder cannot be started; PyAV missing for a variable rate (what to install
            is said).
    """
    if not variable:
        return _Untimed(open_writer(path, size_px=size_px, fps=fps, codec=codec, quality=quality))
    if codec != "h264":
        raise InputError(f"a variable frame rate is written as h264 only, not {codec!r}")
    width, height = size_px
    if width % 2 or height % 2:
        raise InputError(f"h264 needs an even frame size, got {width}x{height}")
    if not 0 <= quality <= 100:
        raise InputError(f"compression quality must be within 0..100, got {quality}")
    return open_timed_writer(
        Path(path), size_px=size_px, crf=crf_for_quality(quality), preset="medium", nominal_fps=fps
    )


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
        if not h264_available():
            raise VideoError(
                "writing h264 needs the imageio-ffmpeg package (pip install imageio-ffmpeg); "
                "or render with codec='mp4v'"
            )
        return open_video_writer(
            Path(path), fps=fps, size_px=size_px, codec="h264", crf=crf_for_quality(quality), preset="medium"
        )
    return open_video_writer(Path(path), fps=fps, size_px=size_px, codec="mp4v")
