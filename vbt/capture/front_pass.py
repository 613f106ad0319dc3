"""A front (or back) view measured by its own ruler: the plates seen edge-on.

The plate tracker looks for a plate seen face-on; filmed from the front, the plates are edge-on and
what it finds is not a plate. When the lifter's body says the camera looks from the front
(``vbt.calibration.body.view_angle_deg`` beyond ``CaptureCheckSettings.front_view_deg``), the file is
read again with ``EdgeOnPlateTracker``: the bar midway between the two plate stacks, the plates'
height (0.45 m) the scale. The first pass's poses are replayed (``vbt.capture.replay``), so this
costs decoding and the edge-on search, not pose.

Three rulers must agree, or the verdict says which to doubt:

- the two stacks with each other, frame by frame (same height, same level: ``EdgeOnSettings``);
- the plates' height with the gap between the stacks' inner faces (``gap_ruler``: 1.31 m between
  the inner collars plus the flanges), within what a hand or a collar hiding an inner face allows;
- the plates' scale with the lifter's body (``vbt.calibration.body``: the legs are nearly in the
  image plane from the front); a refuted scale is replaced by the body's and the verdict says so
  (``analyze_tracked``).

The front pass is kept when it saw both stacks in at least ``MIN_SEEN_FRACTION`` of the frames; else
the first pass stands, unusable, with a finding saying why the front view could not be measured.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np

from vbt.analysis import with_findings
from vbt.calibration import CameraProfile, plate_diameter_m
from vbt.capture.bar import BarMethod, EdgeOnPlateTracker, EdgeOnSettings, gap_ruler
from vbt.capture.camera import BackgroundMotion
from vbt.capture.camera.types import CameraStatus
from vbt.capture.pipeline import (
    TrackedVideo,
    VideoAnalysis,
    analyze_tracked,
    body_scale_of,
    track_video,
    view_of,
)
from vbt.capture.replay import TrackPose
from vbt.capture.sources import VideoFileSource
from vbt.capture.track import MIN_SCALE_CONFIDENCE, PixelTrack
from vbt.errors import VbtError
from vbt.quality.capture import is_front_view
from vbt.quality.verdict import Finding, Severity
from vbt.types import Lift

#: The front pass is kept when both stacks were found in at least this share of the frames (the
#: bar is followed through a lift only if it is seen in most frames; the smoothing bridges short
#: gaps, ``SmoothingSettings.max_gap_s``).
MIN_SEEN_FRACTION = 0.5
#: The gap between the stacks' inner faces over the plates' height may differ from the bar's by this
#: fraction: a hand (0.09 m broad) beside an inner face, or a collar's flange (0.03 m), can hide up to
#: 0.12 m of 1.37 m on each side (18 %), and the plates' height is itself uncertain by a few percent.
GAP_TOLERANCE_FRAC = 0.25
#: The plates' radius is one through the clip, give or take the bar's travel along the camera's axis
#: (a front view sees a snatch bar move 0.1-0.2 m towards or away from it; from 3 m or more, up to
#: 7 %) and a pixel of measurement (2-3 % of a 40 px radius): a frame whose radius is further than
#: this from the clip's median saw something else (a banner's edge paired with a plate's) and is
#: left out.
ONE_RADIUS_FRAC = 0.10


def one_radius(track: PixelTrack, *, max_change_frac: float = ONE_RADIUS_FRAC) -> PixelTrack:
    """``track`` without the frames whose plate radius, in the scene's pixels (a camera that zooms,
    as broadcast cameras do to follow the lift, changes the frame's), is further than
    ``max_change_frac`` from the median over the confident frames (bar unseen there: NaN,
    confidence 0)."""
    linear = track.camera_to_scene_px[:, :, :2]
    zoom = np.sqrt(np.abs(np.linalg.det(linear)))
    radius = track.bar_size_px * np.where(np.isfinite(zoom) & (zoom > 0), zoom, 1.0)
    good = track.bar_seen & np.isfinite(radius) & (track.bar_confidence >= MIN_SCALE_CONFIDENCE)
    if not good.any():
        return track
    median = float(np.median(radius[good]))
    with np.errstate(invalid="ignore"):
        off = track.bar_seen & ~(np.abs(radius / median - 1.0) <= max_change_frac)
    if not off.any():
        return track
    return replace(
        track,
        bar_xy_px=np.where(off[:, None], np.nan, track.bar_xy_px),
        bar_confidence=np.where(off, 0.0, track.bar_confidence),
        bar_size_px=np.where(off, np.nan, track.bar_size_px),
    )


def needs_front_look(tracked: TrackedVideo) -> bool:
    """True when the plate tracker ran on a file that the lifter's body shows filmed from the front."""
    track = tracked.track
    if tracked.bar_method is not BarMethod.PLATE or not track.pose_ran or len(track) == 0:
        return False
    if not Path(str(tracked.video.get("name", ""))).is_file():
        return False  # a live source cannot be read again
    return is_front_view(view_of(track, tracked.bar_method))


#: Where the plates were not found (motion blur at the pull's fastest, a plate behind the lifter's
#: arm), the bar is carried by the hands over gaps up to this long: the wrists ride with the bar
#: and their offset from it (the wrists' flexion, a few centimetres) is interpolated from the frames
#: on either side, which holds over a fraction of a second, not over a whole turnover.
HANDS_FILL_S = 0.3
#: ... with this confidence (below ``MIN_SCALE_CONFIDENCE``: the hands never set the scale).
HANDS_CONFIDENCE = 0.3


def fill_with_hands(track: PixelTrack, *, max_gap_s: float = HANDS_FILL_S) -> tuple[PixelTrack, int]:
    """``track`` with its gaps up to ``max_gap_s`` long filled from the wrists' midpoint plus the
    bar's offset from it, interpolated in time from the seen frames on both sides; the number of
    frames filled. A frame is filled only when both wrists were seen in it."""
    seen = track.bar_seen
    wrists = track.wrists_xy_px.mean(axis=1)  # (N, 2), NaN unless both wrists were seen
    both = seen & np.isfinite(wrists).all(axis=1)
    if both.sum() < 2 or seen.all():
        return track, 0
    t = track.t_s
    offset = track.bar_xy_px[both] - wrists[both]
    fill = ~seen & np.isfinite(wrists).all(axis=1) & (t > t[both][0]) & (t < t[both][-1])
    # Only inside gaps no longer than max_gap_s (between the seen frames around them).
    after = np.searchsorted(t[both], t, side="right")
    before_t = t[both][np.clip(after - 1, 0, both.sum() - 1)]
    after_t = t[both][np.clip(after, 0, both.sum() - 1)]
    fill &= (after_t - before_t) <= max_gap_s
    if not fill.any():
        return track, 0
    guess = np.stack([np.interp(t, t[both], offset[:, k]) for k in range(2)], axis=1) + wrists
    return (
        replace(
            track,
            bar_xy_px=np.where(fill[:, None], guess, track.bar_xy_px),
            bar_confidence=np.where(fill, HANDS_CONFIDENCE, track.bar_confidence),
        ),
        int(fill.sum()),
    )


def hands_note(filled: int, frames: int) -> list[Finding]:
    """A note saying in how many frames the hands carried the bar (``fill_with_hands``)."""
    if filled == 0:
        return []
    return [
        Finding(
            "bar_from_hands",
            f"in {filled} of {frames} frames ({100 * filled / max(frames, 1):.0f} %) the plates were blurred or "
            "hidden and the bar was carried by the lifter's hands (their offset from the bar taken from the "
            "frames on either side): a few centimetres less certain there",
            Severity.NOTE,
        )
    ]


def gap_finding(ratio: float, *, body_agrees: bool) -> list[Finding]:
    """What an inner faces' gap that disagrees with the plates' height (``gap_ruler``) says: with
    the lifter's body agreeing with the plates, the bar is turned from the image plane (its length
    is foreshortened, the plates' height is not: vertical velocity holds), a note; otherwise one of
    the two rulers is wrong, a doubt."""
    if not math.isfinite(ratio) or abs(ratio - 1.0) <= GAP_TOLERANCE_FRAC:
        return []
    if body_agrees and ratio < 1.0:
        return [
            Finding(
                "bar_turned",
                f"the gap between the plate stacks is {ratio:.2f} times what the plates' height says (the "
                "bar's inner collars are 1.31 m apart) while the lifter's body agrees with the plates: "
                "the bar is turned from the camera, which shortens it but not the plates' height, so "
                "vertical velocity holds",
                Severity.NOTE,
            )
        ]
    return [
        Finding(
            "edge_on_rulers_disagree",
            f"the gap between the plate stacks is {ratio:.2f} times what the plates' height says (the bar's "
            "inner collars are 1.31 m apart): the plates are not 45 cm, or what was found is not the "
            "plates. Check the scale (--plate METRES or --known-length PX:M)",
            Severity.DOUBT,
        )
    ]


def _not_measured(seen: float) -> Finding:
    return Finding(
        "edge_on_not_found",
        f"the two plate stacks seen edge-on were found in only {100 * seen:.0f} % of the frames, too few "
        "to follow the bar from the front: keep both ends of the bar in the picture, or film from the side",
        Severity.NOTE,
    )


def track_front(
    tracked: TrackedVideo,
    *,
    lift: Lift | str,
    load_kg: float | None = None,
    plate: str | float = "bumper",
    camera_profile: CameraProfile | None = None,
    settings: EdgeOnSettings | None = None,
) -> tuple[TrackedVideo, VideoAnalysis] | float:
    """The file of ``tracked`` (a front view: ``needs_front_look``) tracked again between the plates
    seen edge-on, with the first pass's poses, and analysed on their scale; or, when both stacks were
    seen in fewer than ``MIN_SEEN_FRACTION`` of the frames, that fraction.

    Raises:
        VbtError: as ``analyze_tracked`` (too little to analyse).
    """
    path = Path(str(tracked.video.get("name", "")))
    body = body_scale_of(tracked.track)
    diameter_m = plate_diameter_m(plate)
    # The plates are searched at every size the grip allows, not only the sizes the body allows:
    # the two rulers stay independent, and a body that refutes the plates says so in the verdict.
    tracker = EdgeOnPlateTracker(settings=settings)
    measured = bool(np.any(np.asarray(tracked.track.camera_status) != CameraStatus.ASSUMED))
    with VideoFileSource(path) as source:
        again = track_video(
            source,
            tracker=tracker,
            bar_method=BarMethod.EDGE_ON,
            pose=TrackPose(tracked.track),
            camera=BackgroundMotion() if measured else None,
        )
    plates_track = one_radius(again.track)
    seen = plates_track.bar_detected_fraction
    filled_track, filled = fill_with_hands(plates_track)
    again = replace(again, track=filled_track)
    if seen < MIN_SEEN_FRACTION:
        return seen
    second = analyze_tracked(again, lift=lift, load_kg=load_kg, plate=plate, camera_profile=camera_profile)
    plate_mpp = second.report_extra["calibration"]["measured_metres_per_px"]
    ratio = gap_ruler(tracker.inner_gaps_px, 0.5 * diameter_m / plate_mpp, plate_m=diameter_m)
    second.report_extra["calibration"]["edge_on_gap_ratio"] = None if math.isnan(ratio) else round(ratio, 3)
    agrees = body is not None and body.agrees_with(plate_mpp)
    findings = gap_finding(ratio, body_agrees=agrees) + hands_note(filled, len(filled_track))
    return again, replace(second, analysis=with_findings(second.analysis, findings))


def front_look(
    tracked: TrackedVideo,
    result: VideoAnalysis,
    *,
    lift: Lift | str,
    load_kg: float | None = None,
    plate: str | float = "bumper",
    camera_profile: CameraProfile | None = None,
    settings: EdgeOnSettings | None = None,
) -> tuple[TrackedVideo, VideoAnalysis]:
    """``tracked`` and its ``result``, or, for a front view (``needs_front_look``), the file tracked
    again between the plates seen edge-on (``track_front``). When they were not seen, the first pass
    stands with a note saying so (its verdict already says the view is not measured)."""
    if not needs_front_look(tracked):
        return tracked, result
    try:
        front = track_front(
            tracked,
            lift=lift,
            load_kg=load_kg,
            plate=plate,
            camera_profile=camera_profile,
            settings=settings,
        )
    except VbtError:
        return tracked, result  # the first pass stands, with its verdict
    if isinstance(front, float):
        return tracked, replace(result, analysis=with_findings(result.analysis, [_not_measured(front)]))
    return front
