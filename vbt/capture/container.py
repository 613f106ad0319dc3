"""What a video file's container declares about its video stream, read through PyAV (FFmpeg's libraries).

OpenCV's ``CAP_PROP_FRAME_COUNT`` is the count of samples in the file's index, which includes frames
an MP4 edit list trims (pre-roll that the decoder rightly skips), and for containers without an index
(MKV, WebM) it is an estimate. The stream's duration, as the container declares it after its edit
list, is what a complete file's decoded timestamps reach; ``declared_duration_s`` reads it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def read_video_stream(path: str | os.PathLike[str], read: Callable[[Any], T]) -> T | None:
    """``read(stream)`` on the file's first video stream (a PyAV ``VideoStream``, its container open),
    or None when PyAV is not installed, the file cannot be read by it or holds no video stream."""
    try:
        import av
    except ImportError:
        return None
    try:
        with av.open(os.fspath(path)) as container:
            if not container.streams.video:
                return None
            return read(container.streams.video[0])
    except (av.FFmpegError, OSError, ValueError):
        return None


def declared_duration_s(path: str | os.PathLike[str]) -> float | None:
    """Seconds the file's first video stream lasts by its container (the stream's own duration after
    any edit list, else the container's), or None when PyAV is not installed, the file cannot be read
    by it or declares no duration. Reads the header only.
    """
    seconds = read_video_stream(path, _duration_s)
    return seconds if seconds is not None and math.isfinite(seconds) and seconds > 0 else None


def _duration_s(stream: Any) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if stream.container.duration is not None:
        return float(stream.container.duration) / 1_000_000  # FFmpeg's AV_TIME_BASE
    return None
