"""The picture the analysis sees: a source's frames without black bars and without repeated frames.

``Picture`` wraps a ``FrameSource`` for the frame loop: ``BorderCrop`` (``vbt.capture.borders``) leaves
the black bars out (filled with the picture's edge, or cut off), then ``RepeatedFrameFilter``
(``vbt.capture.repeats``) leaves out the frames a frame-rate conversion repeated. After the loop, ``restore`` puts the track back in the source's
terms: positions in the full frame's pixels, and, when the real pictures lie on a regular content
clock and the tracked motion agrees (``grid_fits_motion``), each at its own time on it. ``report``
says what was found, for the report's ``video`` block.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vbt.capture.borders import BorderCrop, BorderSettings
from vbt.capture.repeats import ContentClock, RepeatedFrameFilter, RepeatSettings, grid_fits_motion
from vbt.capture.sources import FrameSource, SourceWrapper
from vbt.capture.track import PixelTrack
from vbt.types import BoolArray

#: ``PixelTrack`` fields holding pixel positions (x, y in the last axis): shifted by ``restore``.
_POSITION_FIELDS = ("bar_xy_px", "joints_xy_px", "heel_xy_px", "wrists_xy_px")


@dataclass(frozen=True)
class PictureSettings:
    """What is done to the frames before pose and the bar tracker; None turns a step off."""

    borders: BorderSettings | None = field(default_factory=BorderSettings)
    repeats: RepeatSettings | None = field(default_factory=RepeatSettings)


class Picture(SourceWrapper):
    """``source``'s frames as the analysis sees them (see the module docstring).

    Attributes:
        crop: the black-bar cutter, None when turned off.
        repeats: the repeated-frame filter, None when turned off.
    """

    def __init__(self, source: FrameSource, settings: PictureSettings | None = None) -> None:
        settings = settings or PictureSettings()
        self.original = source
        self.crop = BorderCrop(source, settings.borders) if settings.borders is not None else None
        inner: FrameSource = self.crop if self.crop is not None else source
        self.repeats = RepeatedFrameFilter(inner, settings.repeats) if settings.repeats is not None else None
        super().__init__(self.repeats if self.repeats is not None else inner)
        self._clock: ContentClock | None = None
        self._retimed_out = 0

    @property
    def offset_xy_px(self) -> tuple[int, int]:
        return self.crop.offset_xy_px if self.crop is not None else (0, 0)

    @property
    def filled_rect_px(self) -> tuple[int, int, int, int] | None:
        """``(x, y, width, height)`` of the picture in the frames yielded when black bars were filled
        with its edge (the frames keep their size); None when bars are cut off or not looked for, and
        before the first frame."""
        crop = self.crop
        return None if crop is None or crop.settings.cut else crop.content_rect_px

    def restore(self, track: PixelTrack) -> PixelTrack:
        """``track`` (measured on this picture's frames) in the source's terms: positions in the full
        frame's pixels; on a regular content clock that the tracked bar and joints move smoothly on
        (``RepeatSettings.use_motion_clock``), repeats the filter kept in still stretches left out and
        every frame at its picture's time."""
        dx, dy = self.offset_xy_px
        if (dx, dy) != (0, 0):
            offset = np.array([dx, dy], dtype=np.float64)
            track = dataclasses.replace(
                track, **{name: getattr(track, name) + offset for name in _POSITION_FIELDS}
            )
        if self.repeats is None:
            return track
        self._clock = self.repeats.content_clock()
        keep, t_s = self._clock.retime(track.t_s)
        if self._clock.regular and self.repeats.settings.use_motion_clock:
            moving = np.concatenate([track.bar_xy_px[:, None, :], track.joints_xy_px], axis=1)
            if not grid_fits_motion(track.t_s, keep, t_s, moving):
                self._clock = dataclasses.replace(self._clock, content_fps=math.nan)
                keep, t_s = self._clock.retime(track.t_s)  # each frame kept, at its own time
        self._retimed_out = int((~keep).sum())
        return _rows(track, keep, t_s)

    def report(self) -> dict[str, Any]:
        """``content_rect_px`` [x, y, w, h] (the picture inside black bars; the full frame without
        bars; None before the first frame), ``duplicate_frames_dropped`` and ``content_fps`` (the real
        pictures' rate when a conversion's repeats were found on a regular clock, else None)."""
        rect = self.crop.content_rect_px if self.crop is not None else None
        if rect is None and self.original.size_px is not None:
            rect = (0, 0, *self.original.size_px)
        dropped = self.repeats.dropped_frame_count if self.repeats is not None else 0
        clock = self._clock
        fps = clock.content_fps if clock is not None and math.isfinite(clock.content_fps) else None
        return {
            "content_rect_px": None if rect is None else list(rect),
            "duplicate_frames_dropped": dropped + self._retimed_out,
            "content_fps": None if fps is None else round(fps, 3),
        }


def _rows(track: PixelTrack, keep: BoolArray, t_s: np.ndarray) -> PixelTrack:
    """The rows ``keep`` of every per-frame array of ``track``, with the times ``t_s``."""
    n = len(track)
    if bool(keep.all()) and np.array_equal(t_s, track.t_s):
        return track
    changes: dict[str, Any] = {}
    for item in dataclasses.fields(track):
        value = getattr(track, item.name)
        if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == n:
            changes[item.name] = value[keep]
    changes["t_s"] = np.asarray(t_s, dtype=np.float64)
    return dataclasses.replace(track, **changes)
