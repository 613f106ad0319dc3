"""One set's recording, the same for a video analysed offline and for live mode.

``SetRecording`` is fed one sighting at a time, by the offline frame loop (``track_source``) and by
``vbt live`` alike, and owns what the analysis needs of it: the per-frame track (with the tracker's
revisions of earlier frames, when it is given one), the frames the capture lost (their times kept:
a row without a bar, ``frame_index`` ``LOST_FRAME``) and the video's metadata (``tracked``). The
analysis of either path starts from the ``TrackedVideo`` it gives (``analyze_tracked``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from vbt.capture.bar import BarDetection, BarMethod, RevisingBarTracker
from vbt.capture.observer import Sighting
from vbt.capture.track import PixelTrack, TrackBuilder
from vbt.errors import VbtError

if TYPE_CHECKING:
    from vbt.capture.pipeline import TrackedVideo

#: The track's ``frame_index`` of a frame the capture lost (its time kept, nothing seen in it).
LOST_FRAME = -1
#: The report's ``video.timed_by``: each frame's time is the source's own (a file's timestamps)...
TIMED_BY_SOURCE = "source"
#: ... or the moment the frame was read (a camera, a stream: a reader that falls behind squeezes it).
TIMED_BY_ARRIVAL = "arrival"


class SetRecording:
    """The track of one set, one sighting at a time.

    Parameters:
        bar_method: how the bar is tracked.
        pose_ran: a pose estimator runs (the track has joint columns).
        frame_size_px: (width, height) of the frames, when known.
        reviser: the tracker, when it measures earlier frames again (``RevisingBarTracker``): its
            revisions are applied as they come. None: rows stay as first seen (live mode, whose
            online analysis has used them already).
    """

    def __init__(
        self,
        *,
        bar_method: BarMethod,
        pose_ran: bool,
        frame_size_px: tuple[int, int] | None = None,
        reviser: RevisingBarTracker | None = None,
    ) -> None:
        self.bar_method = bar_method
        self.reviser = reviser
        self._builder = TrackBuilder(pose_ran=pose_ran, frame_size_px=frame_size_px)
        self.lost_frames = 0

    def __len__(self) -> int:
        """Rows so far (frames seen and frames lost)."""
        return len(self._builder)

    def add(self, sighting: Sighting) -> None:
        """One frame's sighting (in time order), and the tracker's revisions it brought."""
        self._builder.append(sighting.frame_index, sighting.bar, sighting.pose, sighting.camera)
        if self.reviser is not None:  # frames just before a late switch to the moving plate, measured again
            for revision in self.reviser.take_revisions():
                self._builder.revise(revision)

    def revise(self, revisions: list[BarDetection]) -> None:
        """Earlier frames measured again, any of the recording (a whole clip's choice, at its end)."""
        for revision in revisions:
            self._builder.revise(revision, look_back=len(self._builder))

    def lose(self, t_s: float) -> None:
        """A frame the capture dropped at ``t_s`` (in time order with the sightings)."""
        unseen = BarDetection(t_s=t_s, xy_px=np.full(2, np.nan), confidence=0.0, method=self.bar_method)
        self._builder.append(LOST_FRAME, unseen, None)
        self.lost_frames += 1

    def track(self) -> PixelTrack:
        """The track so far."""
        return self._builder.build()

    def tracked(
        self,
        *,
        name: str,
        track: PixelTrack | None = None,
        fps: float | None = None,
        frames_announced: int | None = None,
        size_px: tuple[int, int] | None = None,
        rotation_deg: int = 0,
        error: VbtError | None = None,
        timed_by_arrival: bool = False,
        **more: Any,
    ) -> TrackedVideo:
        """The recording as the analysis takes it: the track (``track``: one already built, e.g.
        put back into the source's terms) and the video's metadata (``timed_by_arrival``: the
        frames' times are when they were read, not the source's own; ``more``: further keys, e.g.
        what ``Picture.report`` found)."""
        from vbt.capture.pipeline import TrackedVideo

        track = track if track is not None else self.track()
        video = {
            "name": name,
            "fps": fps if fps is not None and math.isfinite(fps) else None,
            "frames": len(track),
            "frames_announced": frames_announced,
            "duration_s": float(track.t_s[-1] - track.t_s[0]) if len(track) else 0.0,
            "size_px": list(size_px) if size_px is not None else None,
            "rotation_deg": rotation_deg,
            "timed_by": TIMED_BY_ARRIVAL if timed_by_arrival else TIMED_BY_SOURCE,
            **more,
        }
        return TrackedVideo(track=track, bar_method=self.bar_method, video=video, error=error)
