"""A file read again: the frames a first pass saw, given again without keeping copies of them.

Three looks at a file come after its first pass, once the whole clip is known: the plate chosen by
the whole clip measures some frames again (``WholeClipTracker.finish``), the second look tracks the
plate again at the size the lifter's body allows (``vbt.capture.second_pass``), and the front pass
tracks the plates seen edge-on (``vbt.capture.front_pass``). None of them keeps the frames from the
first pass (a 720p frame is 2.7 MB): the file is decoded again, so memory stays flat in the clip's
length.

- ``FrameReader``: the first pass's frames, asked for by index. ``FileFrames`` decodes the file again,
  forwards, and converts only the frames asked for (the others are decoded and skipped, the cheapest
  a decoder allows); each comes with the index and time the first pass gave it (the file's own) and
  its black bars left out as the first pass left them (``borders.without_bars``, with the rectangle
  the first pass found). A frame the first pass dropped (a frame-rate conversion's repeat, a
  duplicate timestamp) is not in its track and is never asked for. Asking for an earlier frame than
  the last one starts a new read from the file's start. ``MemoryFrames`` gives frames held in
  memory (tests, frames made in the program).
- ``track_again``: the frame loop run over the file once more with another bar tracker, the first
  pass's poses replayed (``vbt.capture.replay.TrackPose``) and the camera's motion measured if the
  first pass measured it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from vbt.capture.borders import without_bars
from vbt.capture.sources import VideoFileSource
from vbt.closing import Closing
from vbt.errors import InputError, VideoError
from vbt.types import Frame

if TYPE_CHECKING:
    from vbt.capture.bar import BarMethod, BarTracker
    from vbt.capture.pipeline import TrackedVideo


class FrameReader(Protocol):
    """The frames a first pass saw, given again by their index (``Frame.index``)."""

    def frame(self, index: int) -> Frame:
        """The frame of index ``index`` as the first pass's tracker saw it (the same image, time and
        index). Cheapest in increasing order of ``index``.

        Raises:
            VbtError: the frame cannot be given (not in the source; the file no longer decodes).
        """
        ...

    def close(self) -> None:
        """Let go of what reading holds (a decoder). Safe to call more than once."""
        ...


class FileFrames(Closing):
    """A ``FrameReader`` that decodes the first pass's file again (see the module docstring).

    Parameters:
        source: the first pass's file source (open or closed): the file is opened again the same way
            (``VideoFileSource.reopen``), at the first frame asked for (none asked: never opened).
        picture_rect_px: ``(x, y, width, height)`` of the picture inside the black bars the first
            pass found (``BorderCrop.content_rect_px``), None when it looked for none.
        cut: the first pass cut the bars off (True) or filled them with the picture's edge.

    Attributes:
        reads: how many times the file was opened to be read (one per pass from its start).
    """

    def __init__(
        self,
        source: VideoFileSource,
        *,
        picture_rect_px: tuple[int, int, int, int] | None = None,
        cut: bool = False,
    ) -> None:
        self._source = source
        self._rect = picture_rect_px
        self._cut = cut
        self._file: VideoFileSource | None = None
        self._last: Frame | None = None
        self.reads = 0

    def frame(self, index: int) -> Frame:
        last = self._last
        if last is not None and last.index == index:
            return last
        if self._file is None or last is None or index < last.index:
            self.close()
            self._file = self._source.reopen()
            self.reads += 1
        found = self._file.frame_at(index)
        if found is None:
            raise VideoError(
                f"{self._source.name}: frame {index} could not be decoded again (it was the first time): "
                "has the file changed since?"
            )
        self._last = without_bars(found, self._rect, cut=self._cut)
        return self._last

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._file, self._last = None, None


class MemoryFrames(Closing):
    """A ``FrameReader`` over frames held in memory (tests; frames made in the program)."""

    def __init__(self, frames: Iterable[Frame]) -> None:
        self._frames = {f.index: f for f in frames}

    def frame(self, index: int) -> Frame:
        found = self._frames.get(index)
        if found is None:
            raise InputError(f"frame {index} is not among the {len(self._frames)} frames held")
        return found

    def close(self) -> None:
        pass


def track_again(tracked: TrackedVideo, *, tracker: BarTracker, bar_method: BarMethod) -> TrackedVideo:
    """The file of ``tracked`` run through the frame loop again with ``tracker``: the first pass's
    poses replayed, the camera's motion measured if the first pass measured it (else taken as still).

    Raises:
        VbtError: the file does not open, or its frames are not the first pass's (``TrackPose``).
    """
    from vbt.capture.camera import BackgroundMotion
    from vbt.capture.camera.types import CameraStatus
    from vbt.capture.pipeline import track_video  # it builds on this module
    from vbt.capture.replay import TrackPose

    measured = bool(np.any(np.asarray(tracked.track.camera_status) != CameraStatus.ASSUMED))
    with VideoFileSource(Path(str(tracked.video.get("name", "")))) as source:
        return track_video(
            source,
            tracker=tracker,
            bar_method=bar_method,
            pose=TrackPose(tracked.track),
            camera=BackgroundMotion() if measured else None,
        )
