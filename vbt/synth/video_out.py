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

Both write a constant frame rate: frame ``k`` has the timestamp ``k / fps``.
"""

from __future__ import annotations

import math
from pathlib import Path

from vbt.errors import InputError, VideoError
from vbt.videoio import FrameWriter, h264_available, open_video_writer

CODECS: tuple[str, ...] = ("h264", "mp4v")


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
        if not h264_available():
            raise VideoError(
                "writing h264 needs the imageio-ffmpeg package (pip install imageio-ffmpeg); "
                "or render with codec='mp4v'"
            )
        return open_video_writer(
            Path(path), fps=fps, size_px=size_px, codec="h264", crf=crf_for_quality(quality), preset="medium"
        )
    return open_video_writer(Path(path), fps=fps, size_px=size_px, codec="mp4v")
