"""The plate chosen by the whole clip: a file's causal track checked against every frame's evidence.

``WholeClipTracker`` wraps a ``PlateTracker``: frame by frame it reports what the causal tracker
reports (live-like), and keeps what the whole-clip choice needs: the tracker's plate in every frame,
each frame's index and time, the hands, and every ``search_interval_s`` a keyframe of plate candidates from a ``CandidateSource`` (OpenCV contrib's
ellipse detector, ``ContribEllipses``, by default; or the causal tracker's circle search,
``VotedCircles``). At the end
(``finish``) the one path through the keyframes consistent over the set is chosen
(``lattice.choose_path``: one radius up to perspective, motion a barbell can make, with the hands,
the outermost rim), and every frame is checked against it:

- from each keyframe the path sees, the path's plate is walked frame by frame, forwards and
  backwards: the tracker's plate stands where it lies within a frame's reach of the last one on the
  path (what a barbell moves, a plate's radius changes); elsewhere (the tracker followed another
  circle, or lost the plate) the path's plate is fitted there; a frame where it is not found is
  unseen (NaN), never a guess;
- the path must earn what it changes: where its walk and the tracker disagree (another plate, a
  plate the tracker lost, a plate the walk did not find), the walk's answer stands only if the path
  sees the plate in at least ``min_seen_frac`` of the keyframes, or between two successive
  keyframes it sees (there the walk joins two sightings; beyond them it would extrapolate from
  one): a path that sees few keyframes has evidence only there. Elsewhere, and in every frame no
  walk reaches, the causal tracker's answer stands (its plate, confidence and gaps alike).

No frame is kept: the frames measured again are read again (a ``vbt.capture.reread.FrameReader``;
for a file, decoded again). The walks forwards go with the file, in one read from the first
keyframe on the path; the walks backwards (where the walk forwards lost the plate) hold the gray
frames they may measure, ``reread_span_s`` at most at once, in another read (a longer walk
backwards, seldom, reads again). A clip whose path agrees with the tracker reads nothing.

The changed frames are given as revisions (``RevisingBarTracker``), after ``finish``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Protocol

import cv2
import numpy as np

from vbt.capture.bar.fit import fit_near
from vbt.capture.bar.image import Image, crop_resized, to_gray
from vbt.capture.bar.lattice import Keyframe, choose_path
from vbt.capture.bar.plate import PlateTracker
from vbt.capture.bar.rim import Rect, fit_outline
from vbt.capture.bar.search import search_plates
from vbt.capture.bar.settings import PlateSettings
from vbt.capture.bar.types import BarDetection, BarMethod, hands_midpoint
from vbt.errors import InputError
from vbt.types import FloatArray, Frame

if TYPE_CHECKING:
    from vbt.capture.reread import FrameReader


@dataclass(frozen=True, eq=False)
class Candidates:
    """Plate candidates of one frame: centre_px (K, 2), radius_px (K,), evidence (K,) 0..1."""

    centre_px: FloatArray
    radius_px: FloatArray
    evidence: FloatArray


class CandidateSource(Protocol):
    """Where a keyframe's plate candidates come from."""

    def find(self, image: Image, *, settings: PlateSettings, picture_px: Rect | None) -> Candidates:
        """Plate-like circles (or ellipses) in ``image`` (H, W, 3) BGR, in its pixels."""
        ...


def _candidates(rows: list[tuple[float, float, float, float]]) -> Candidates:
    array = np.asarray(rows, dtype=np.float64).reshape(-1, 4)
    return Candidates(array[:, :2].copy(), array[:, 2].copy(), array[:, 3].copy())


class VotedCircles:
    """The tracker's own whole-frame search (``search.search_plates``: Hough circles on a reduced
    copy, outermost rims), its ``outline`` the evidence; motion voting against the keyframe before."""

    def __init__(self) -> None:
        self._previous: Image | None = None

    def find(self, image: Image, *, settings: PlateSettings, picture_px: Rect | None) -> Candidates:
        found, self._previous = search_plates(
            image, settings=settings, previous_gray=self._previous, picture_px=picture_px
        )
        return _candidates([(*c.centre_px, c.radius_px, c.outline) for c in found])


class ContribEllipses:
    """OpenCV contrib's ellipse detector (``cv2.ximgproc.findEllipses``, Jia et al. 2017, IEEE TIP
    26:3665) on the search's reduced gray copy; its score is the evidence, the mean semi-axis the radius.

    Parameters:
        score_min, reliability_min: the detector's ``scoreThreshold`` and ``reliabilityThreshold``
            (0..1; its defaults 0.7 and 0.5 find no plate on most phone clips).
    """

    def __init__(self, *, score_min: float = 0.3, reliability_min: float = 0.3) -> None:
        self.score_min = score_min
        self.reliability_min = reliability_min

    def find(self, image: Image, *, settings: PlateSettings, picture_px: Rect | None) -> Candidates:
        h, w = image.shape[:2]
        cropped = crop_resized(image, 0, 0, w, h, min(1.0, settings.search.max_dim_px / max(h, w)))
        if cropped is None:
            return _candidates([])
        small, window = cropped
        found = cv2.ximgproc.findEllipses(
            to_gray(small), scoreThreshold=self.score_min, reliabilityThreshold=self.reliability_min
        )
        rows = np.zeros((0, 6)) if found is None else np.asarray(found, dtype=np.float64).reshape(-1, 6)
        lo, hi = settings.search.radius_range_px or (0.0, math.inf)
        out = [
            (*window.to_frame(np.array([x, y])), 0.5 * (a / window.sx + b / window.sy), score)
            for x, y, a, b, score, _angle in rows
            if a > 0 and b > 0 and lo <= 0.5 * (a / window.sx + b / window.sy) <= hi
        ]
        return _candidates(out)


class WholeClipTracker:
    """A ``PlateTracker`` whose plate is chosen again by the whole clip at ``finish`` (see the module
    docstring); a ``RevisingBarTracker``. For files only: live mode cannot wait for the clip's end.

    Parameters:
        plate: the causal tracker (its settings' ``whole_clip`` group is used).
        source: the keyframes' candidate source; None for ``ContribEllipses`` (on the footage it
            made two clips exact that ``VotedCircles`` left honest, at a thirtieth of the time).
    """

    method = BarMethod.PLATE

    def __init__(self, plate: PlateTracker, *, source: CandidateSource | None = None) -> None:
        self.plate = plate
        self.settings = plate.settings
        self._source_type = source
        self.reset()

    def reset(self) -> None:
        """Forget the clip, as before the first frame."""
        self.plate.reset()
        self.source: CandidateSource = ContribEllipses() if self._source_type is None else self._source_type
        self._t_s: list[float] = []
        self._detections: list[BarDetection] = []
        self._hands: list[FloatArray] = []
        self._index: list[int] = []
        self._keys: list[tuple[int, Candidates]] = []  # (frame row, candidates)
        self._row_of: dict[float, int] = {}
        self._revisions: list[BarDetection] = []
        self._walked: list[bool] = []  # per frame, during ``finish``: a walk from the path reached it
        self._earned: list[bool] = []  # per frame, during ``finish``: the path may change it there

    def update(self, frame: Frame, *, hands_xy_px: FloatArray | None = None) -> BarDetection:
        """The causal tracker's answer; the frame, its plate and hands kept for ``finish``."""
        detection = self.plate.update(frame, hands_xy_px=hands_xy_px)
        s = self.settings.whole_clip
        row = len(self._t_s)
        self._index.append(frame.index)
        self._t_s.append(frame.t_s)
        self._row_of[frame.t_s] = row
        self._detections.append(detection)
        self._hands.append(hands_midpoint(hands_xy_px))
        if not self._keys or frame.t_s - self._t_s[self._keys[-1][0]] >= s.search_interval_s:
            found = self.source.find(frame.image, settings=self.settings, picture_px=self.plate._picture)
            self._keys.append((row, found))
        return detection

    def take_revisions(self) -> list[BarDetection]:
        """The causal tracker's revisions (kept here too), then, after ``finish``, the whole clip's."""
        revised = self.plate.take_revisions()
        for r in revised:
            row = self._row_of.get(r.t_s)
            if row is not None:
                self._detections[row] = r
        out, self._revisions = revised + self._revisions, []
        return out

    # --- the whole clip -----------------------------------------------------------------------

    def finish(self, frames: FrameReader) -> None:
        """Choose the clip's path and measure again the frames off it, read again from ``frames``
        (the frames ``update`` was given; ``take_revisions`` gives the revised detections)."""
        s = self.settings
        if not s.whole_clip.use_whole_clip or not self._keys:
            return
        self.take_revisions()  # the causal tracker's last ones first
        keys, tracker_at = self._keyframes()
        path = choose_path(keys, settings=s.whole_clip)
        planned = {
            row: (key, int(b), at)
            for (row, _), key, at, b in zip(self._keys, keys, tracker_at, path, strict=True)
            if b >= 0
        }
        if not planned:
            return  # nothing on a path: the tracker's answer (whatever it is) stands
        final: list[BarDetection | None] = [None] * len(self._t_s)
        self._walked = [False] * len(self._t_s)
        self._earned = self._earned_frames(list(planned))
        anchors = self._forwards(planned, final, frames)
        if not anchors:
            return
        self._backwards(anchors, final, frames)
        for row, (old, new) in enumerate(zip(self._detections, final, strict=True)):
            if not self._walked[row]:
                continue  # no walk reached it (or the path did not earn it): the tracker's answer stands
            if new is None:
                new = BarDetection.missing(self._t_s[row], self.method)
            if new is not old:
                self._revisions.append(new)

    def _earned_frames(self, seen: list[int]) -> list[bool]:
        """Per frame: may the path's walks change the tracker's answer there? Everywhere when the
        path sees the plate (in the keyframes of rows ``seen``) in at least ``min_seen_frac`` of the
        keyframes; else only from one keyframe it sees to the next keyframe, when it sees that one
        too (both ends included)."""
        if len(seen) >= self.settings.whole_clip.min_seen_frac * len(self._keys):
            return [True] * len(self._t_s)
        earned = [False] * len(self._t_s)
        on_path = set(seen)
        key_rows = [row for row, _ in self._keys]
        for a, b in pairwise(key_rows):
            if a in on_path and b in on_path:
                earned[a : b + 1] = [True] * (b + 1 - a)
        return earned

    def _gray(self, frames: FrameReader, row: int) -> Image:
        found = frames.frame(self._index[row])
        if abs(found.t_s - self._t_s[row]) > 1e-6:
            raise InputError(
                f"frame {found.index} was read again at {found.t_s:.4f} s, not at {self._t_s[row]:.4f} s as "
                "at first: the whole clip must read the same file the same way"
            )
        return to_gray(found.image)

    def _keyframes(self) -> tuple[list[Keyframe], list[int]]:
        """The keyframes with the tracker's plate among their candidates (merged with a search
        candidate of the same plate), and its index in each (-1: the tracker saw nothing)."""
        w = self.settings.whole_clip
        keys: list[Keyframe] = []
        tracker_at: list[int] = []
        for row, c in self._keys:
            centre, radius, evidence = c.centre_px, c.radius_px, c.evidence
            d = self._detections[row]
            at = -1
            if d.detected and math.isfinite(d.radius_px):
                same = (np.hypot(*(centre - d.xy_px).T) < w.same_plate_radii * d.radius_px) & (
                    np.abs(radius / d.radius_px - 1.0) < w.same_radius_frac
                )
                held = max([d.confidence, *evidence[same].tolist()])
                keep = ~same
                centre = np.vstack([d.xy_px[None, :], centre[keep]])
                radius = np.concatenate([[d.radius_px], radius[keep]])
                evidence = np.concatenate([[held], evidence[keep]])
                at = 0
            keys.append(Keyframe(self._t_s[row], centre, radius, evidence, self._hands[row]))
            tracker_at.append(at)
        return keys, tracker_at

    def _anchor(self, row: int, key: Keyframe, b: int, at: int, frames: FrameReader) -> BarDetection | None:
        """The path's plate at a keyframe it sees: the tracker's detection, or the chosen candidate's
        rim fitted in that frame (None where it does not hold up)."""
        if b == at:
            return self._detections[row]
        s = self.settings
        radius = float(key.radius_px[b])
        found = fit_near(
            self._gray(frames, row),
            key.centre_px[b],
            radius,
            s.fit.confirm_window_radii * radius,
            settings=s,
            picture_px=self.plate._picture,
        )
        if found is not None and found.fit.inlier_fraction >= s.search.min_rim_frac:
            return found.detection(self._t_s[row], settings=s.confidence)
        return None

    def _forwards(
        self,
        planned: dict[int, tuple[Keyframe, int, int]],
        final: list[BarDetection | None],
        frames: FrameReader,
    ) -> list[int]:
        """The anchors (the path's plate at each keyframe it sees, where it holds up) and the walk
        forwards from each to the next, in one read of the file from the first keyframe on the path:
        each frame takes the tracker's plate where it is within a frame's reach of the last one on
        the path (``_near``), else the path's plate fitted about the last one (``_measure``); a walk
        ends ``max_gap_s`` after the last plate it found. Returns the anchors' rows."""
        w = self.settings.whole_clip
        anchors: list[int] = []
        last: BarDetection | None = None
        for row in range(min(planned), len(self._t_s)):
            plan = planned.get(row)
            anchor = None if plan is None or not self._earned[row] else self._anchor(row, *plan, frames)
            if anchor is not None:
                final[row] = last = anchor
                self._walked[row] = True
                anchors.append(row)
            elif last is not None and self._t_s[row] - last.t_s <= w.max_gap_s and self._earned[row]:
                found = self._step(row, last, frames, None)
                if found is not None:
                    final[row] = last = found
            else:
                last = None
        return anchors

    def _backwards(self, anchors: list[int], final: list[BarDetection | None], frames: FrameReader) -> None:
        """The walk backwards from each anchor to the one before (the first: to the clip's start)
        through the frames the walks forwards left unseen, as ``_forwards`` walks. A walk holds the
        gray frames it may measure, at most ``reread_span_s`` of them at once (all walks together,
        one read of the file); a walk that goes on beyond them goes on in another read."""
        w = self.settings.whole_clip
        walks: list[tuple[int, int, BarDetection]] = []  # (the row walked from, the row it stops at, last)
        for k, row in enumerate(anchors):
            anchor = final[row]
            assert anchor is not None
            walks.append((row, anchors[k - 1] if k else -1, anchor))
        while walks:
            later: list[tuple[int, int, BarDetection]] = []
            for start, stop, last in walks:  # in time order: their frames come in one read
                near_s = self._t_s[start - 1] if start - 1 > stop else -math.inf
                rows = [
                    r
                    for r in range(stop + 1, start)
                    if final[r] is None and self._earned[r] and near_s - self._t_s[r] <= w.reread_span_s
                ]
                grays = {r: self._gray(frames, r) for r in rows}
                more = self._walk_back(start, stop, last, final, grays)
                del grays  # before the next walk's are read
                if more is not None:
                    later.append(more)
            walks = later

    def _walk_back(
        self,
        start: int,
        stop: int,
        last: BarDetection,
        final: list[BarDetection | None],
        grays: dict[int, Image],
    ) -> tuple[int, int, BarDetection] | None:
        """The walk backwards from ``start`` (exclusive) to ``stop`` (exclusive) with ``last`` the
        plate last on the path, measuring frames in ``grays``; where it reaches a frame it must
        measure and does not hold, the walk to go on with (else None: it ended)."""
        max_gap_s = self.settings.whole_clip.max_gap_s
        for row in range(start - 1, stop, -1):
            if last.t_s - self._t_s[row] > max_gap_s or not self._earned[row]:
                return None
            done = final[row]
            if done is None:
                gray = grays.get(row)
                if gray is None and not self._near(self._detections[row], last):
                    return row + 1, stop, last
                done = self._step(row, last, None, gray)
                if done is not None:
                    final[row] = done
            if done is not None:
                last = done
        return None

    def _step(
        self, row: int, last: BarDetection, frames: FrameReader | None, gray: Image | None
    ) -> BarDetection | None:
        """Frame ``row``'s plate on the path after ``last``: the tracker's where ``_near``, else
        measured (``_measure``) in ``gray`` (or the frame read from ``frames``); the frame is
        marked as reached by a walk."""
        self._walked[row] = True
        d = self._detections[row]
        if self._near(d, last):
            return d
        if gray is None:
            assert frames is not None
            gray = self._gray(frames, row)
        return self._measure(gray, row, last)

    def _near(self, d: BarDetection, last: BarDetection) -> bool:
        """``d`` is within what the plate moves (``max_speed_m_s``) and its radius changes from ``last``."""
        w = self.settings.whole_clip
        if not d.detected or not math.isfinite(d.radius_px):
            return False
        reach = w.max_speed_m_s * abs(d.t_s - last.t_s) / w.smallest_plate_radius_m + w.position_noise_radii
        apart = float(np.hypot(*(d.xy_px - last.xy_px)))
        return (
            apart <= reach * last.radius_px and abs(d.radius_px / last.radius_px - 1.0) < w.same_radius_frac
        )

    def _measure(self, gray: Image, row: int, last: BarDetection) -> BarDetection | None:
        """The rim of ``last``'s plate fitted in frame ``row`` (``gray``) within a frame's reach of
        it, or None where it is not found as a track is followed (``TrackingSettings.min_rim_frac``)
        with a plate's outline (``RimSettings.min_outline_frac``)."""
        s = self.settings
        w = s.whole_clip
        t_s = self._t_s[row]
        reach = w.max_speed_m_s * abs(t_s - last.t_s) / w.smallest_plate_radius_m + w.position_noise_radii
        found = fit_near(
            gray,
            last.xy_px,
            last.radius_px,
            reach * last.radius_px,
            settings=s,
            radius_known=True,
            picture_px=self.plate._picture,
        )
        if (
            found is None
            or found.fit.inlier_fraction < s.tracking.min_rim_frac
            or fit_outline(found.fit, settings=s.rim) < s.rim.min_outline_frac
            or not math.isfinite(found.radius_px)
        ):
            return None
        return found.detection(t_s, settings=s.confidence)
