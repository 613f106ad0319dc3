"""Black bars (letterbox, pillarbox) found once and left out before pose and the bar search.

A portrait phone clip shown in a landscape frame, or a wide one in a tall frame, carries black bands
that the plate search takes for picture (the two edges of a bar make a fine phantom rim). Their
rows and columns stay black for the whole clip, so they are found once, over the first ``probe_s``
of frames, and ``BorderCrop`` leaves them out, in one of two ways (``BorderSettings.cut``):

- filled (the default): the frame keeps its size and the bars take the picture's edge pixels,
  stretched outwards (no edge, no phantom rim, nothing to find there). Positions stay the full
  frame's. The bar search's ranges are fractions of the frame (the radii it looks for, the size it
  reduces a frame to), so a smaller frame changes what it finds: cut, a pillarboxed deadlift
  (deadlift_side_1rep_hold) gave a 15 m/s rep and another clip lost its plate for the lifter's
  back. Filling keeps the search as it was on the picture and takes the bars out of it.
- cut: only the picture is yielded; positions measured in it are in the picture's pixels, and
  ``offset_xy_px`` puts them back in the full frame's (the pipeline does). For a search whose
  ranges come from the picture itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.sources import FrameSource, SourceWrapper
from vbt.errors import InputError
from vbt.types import Frame

Counts = npt.NDArray[np.int64]


@dataclass(frozen=True)
class BorderSettings:
    """How black bars are found.

    Attributes:
        probe_s: frames over this long at the start are looked at (the bars are the rows and
            columns black in all of them); a longer probe is surer that a dark part of the scene is
            not a bar, and holds more frames back before the first is analysed.
        probe_max_bytes: at most this much image data is held while probing (a 1080p frame is
            6 MB, so 256 MB holds 1 s at 40 fps): the probe ends sooner for large frames.
        black_max_grey: a pixel is black at or below this in every colour channel (of 255). Video
            black is 16 (limited range) or 0 (full range); compression rings a few levels around the
            bar's edge. Raising it finds bars in poorly encoded clips but risks cutting a dark
            ceiling or floor.
        stray_fraction: a row or column is black when at most this fraction of its pixels is not
            (compression speckle); burned-in text in a bar stops the bar there.
        min_bar_fraction: bars thinner than this fraction of the frame's side are left in (a
            black edge line an encoder adds is no letterbox and costs the search nothing).
        min_picture_fraction: when less than this fraction of a side would be left (a black frame,
            a fade from black), nothing is cut.
        max_asymmetry: letterbox and pillarbox bars centre the picture, so they come in pairs of
            (nearly) equal width: the two differ by at most this fraction of the wider (or 2 px).
            A dark band on one side only is the scene (a black floor, a dark ceiling) and stays.
        cut: yield only the picture (True) or the whole frame with the bars filled by the
            picture's edge (False; see the module docstring for why that is the default).
    """

    probe_s: float = 1.0
    probe_max_bytes: int = 256 * 1024 * 1024
    black_max_grey: int = 32
    stray_fraction: float = 0.01
    min_bar_fraction: float = 0.01
    min_picture_fraction: float = 0.25
    max_asymmetry: float = 0.1
    cut: bool = False

    def __post_init__(self) -> None:
        if not (self.probe_s >= 0 and self.probe_max_bytes >= 0 and 0 <= self.black_max_grey < 255):
            raise InputError(
                "probe_s and probe_max_bytes must be >= 0 and black_max_grey within 0..254, got "
                f"{self.probe_s}, {self.probe_max_bytes}, {self.black_max_grey}"
            )
        fractions = (
            self.stray_fraction,
            self.min_bar_fraction,
            self.min_picture_fraction,
            self.max_asymmetry,
        )
        if not all(0.0 <= f <= 1.0 for f in fractions):
            raise InputError(f"the fractions of BorderSettings must be within 0..1, got {fractions}")


def bright_counts(image: npt.NDArray[np.uint8], *, black_max_grey: int) -> tuple[Counts, Counts]:
    """Pixels above black in each row (H,) and each column (W,) of a BGR (or grey) image."""
    brightest = image
    if image.ndim == 3:  # the brightest channel (OpenCV's own loops: numpy's max over an axis is slow)
        channels = cv2.split(image)
        brightest = np.asarray(channels[0], dtype=np.uint8)
        for channel in channels[1:]:
            brightest = np.asarray(cv2.max(brightest, channel), dtype=np.uint8)
    bright = np.asarray(cv2.threshold(brightest, black_max_grey, 1, cv2.THRESH_BINARY)[1], dtype=np.uint8)
    rows = cv2.reduce(bright, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
    columns = cv2.reduce(bright, 0, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
    return rows.astype(np.int64), columns.astype(np.int64)


def picture_rect(
    row_counts: Counts, column_counts: Counts, settings: BorderSettings
) -> tuple[int, int, int, int] | None:
    """The picture inside the black bars, ``(x, y, width, height)`` pixels, from the most pixels above
    black seen in each row (H,) and column (W,) over the probe; None when there are no bars to cut."""
    height, width = row_counts.shape[0], column_counts.shape[0]
    top, bottom = _bar_px(row_counts, width, height, settings)
    left, right = _bar_px(column_counts, height, width, settings)
    w, h = width - left - right, height - top - bottom
    if w < settings.min_picture_fraction * width or h < settings.min_picture_fraction * height:
        return None
    if (left, top, right, bottom) == (0, 0, 0, 0):
        return None
    return left, top, w, h


def _bar_px(counts: Counts, length: int, side: int, settings: BorderSettings) -> tuple[int, int]:
    """The pair of bars at the start and the end of ``counts`` (lines of ``length`` pixels, ``side`` of
    them), or (0, 0) when the black lines there are not a centring pair."""
    black = counts <= settings.stray_fraction * length
    start = int(np.argmin(black)) if not black.all() else side
    end = int(np.argmin(black[::-1])) if not black.all() else side
    thin = settings.min_bar_fraction * side
    if start < thin or end < thin or abs(start - end) > max(2.0, settings.max_asymmetry * max(start, end)):
        return 0, 0  # no pair of bars centring the picture
    return start, end


class BorderCrop(SourceWrapper):
    """A ``FrameSource`` whose frames show the picture inside a clip's black bars, the bars left out.

    The first frames (``BorderSettings.probe_s``) are held until the bars are known; then every frame
    is cut to ``content_rect_px`` (the same for the whole clip) or has its bars filled with the
    picture's edge (``BorderSettings.cut``), or is passed on whole when there are no bars.
    ``size_px`` is the yielded images' size; the source's own is ``source.size_px``.

    Attributes:
        content_rect_px: ``(x, y, width, height)`` of the picture in the full frame, once probed;
            the full frame when there are no bars.
    """

    def __init__(self, source: FrameSource, settings: BorderSettings | None = None) -> None:
        super().__init__(source)
        self.settings = settings or BorderSettings()
        self.content_rect_px: tuple[int, int, int, int] | None = None

    @property
    def offset_xy_px(self) -> tuple[int, int]:
        """The picture's top-left corner in the yielded images' frame: add it to their positions."""
        rect = self.content_rect_px
        return (0, 0) if rect is None or not self.settings.cut else (rect[0], rect[1])

    @property
    def size_px(self) -> tuple[int, int] | None:
        rect = self.content_rect_px
        return self.source.size_px if rect is None or not self.settings.cut else (rect[2], rect[3])

    def __iter__(self) -> Iterator[Frame]:
        frames = iter(self.source)
        held = self._probe(frames)
        for frame in held:
            yield self._cut(frame)
        held.clear()
        for frame in frames:
            yield self._cut(frame)

    def _probe(self, frames: Iterator[Frame]) -> list[Frame]:
        """Read the probe's frames, set ``content_rect_px``, return the frames read."""
        s = self.settings
        held: list[Frame] = []
        rows: Counts | None = None
        columns: Counts | None = None
        size = 0
        for frame in frames:
            held.append(frame)
            r, c = bright_counts(frame.image, black_max_grey=s.black_max_grey)
            if rows is None or columns is None or rows.shape != r.shape or columns.shape != c.shape:
                rows, columns = r, c
            else:
                rows, columns = np.maximum(rows, r), np.maximum(columns, c)
            size += frame.image.nbytes
            if frame.t_s - held[0].t_s >= s.probe_s or size + frame.image.nbytes > s.probe_max_bytes:
                break
        if rows is None or columns is None:
            return held
        rect = picture_rect(rows, columns, s)
        height, width = rows.shape[0], columns.shape[0]
        self.content_rect_px = rect if rect is not None else (0, 0, width, height)
        return held

    def _cut(self, frame: Frame) -> Frame:
        return without_bars(frame, self.content_rect_px, cut=self.settings.cut)


def without_bars(frame: Frame, rect: tuple[int, int, int, int] | None, *, cut: bool) -> Frame:
    """``frame`` with the black bars around ``rect`` (``BorderCrop.content_rect_px``; None: none
    known) left out: cut off (``cut``) or filled with the picture's edge; the frame itself when
    ``rect`` is the whole frame or does not fit in it."""
    height, width = frame.image.shape[:2]
    if rect is None or rect == (0, 0, width, height):
        return frame
    x, y, w, h = rect
    if x + w > width or y + h > height:  # a frame of another size: left whole
        return frame
    picture = frame.image[y : y + h, x : x + w]
    if cut:
        image = np.ascontiguousarray(picture)
    else:  # one copy: the border is made from the view of the picture, not from a copy of it
        bars = (y, height - y - h, x, width - x - w)
        image = np.asarray(cv2.copyMakeBorder(picture, *bars, cv2.BORDER_REPLICATE), dtype=np.uint8)
    return Frame(image=image, t_s=frame.t_s, index=frame.index)
