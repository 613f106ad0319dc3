"""A front (or back) view measured by its own ruler: the plates seen edge-on.

The plate tracker looks for a plate seen face-on; filmed from the front, the plates are edge-on and
what it finds is not a plate. When the lifter's body says the camera looks from the front
(``vbt.calibration.body.view_angle_deg`` beyond ``CaptureCheckSettings.front_view_deg``), the file is
read again with ``EdgeOnPlateTracker``: the bar midway between the two plate stacks, the plates'
height (0.45 m) the scale. The first pass's poses are replayed (``vbt.capture.reread.track_again``), so
this costs decoding and the edge-on search, not pose.

Three rulers must agree, or the verdict says which to doubt:

- the two stacks with each other, frame by frame (same height, same level: ``EdgeOnSettings``);
- the plates' height with the gap between the stacks' inner faces (``gap_ruler``: 1.31 m between
  the inner collars plus the flanges), within what a hand or a collar hiding an inner face allows;
- the plates' scale with the lifter's body (``vbt.calibration.body``: the legs are nearly in the
  image plane from the front); a refuted scale is replaced by the body's and the verdict says so
  (``analyze_tracked``).

The whole clip then chooses (``one_radius_choice``): the plates are one size through it, so each
frame's pair is the best of the clip's size (``clip_radius_px``), a frame whose radius jumps from
its neighbours' is left out (``radius_jumps``), and so is one whose bar departs from the lifter's
hands (``vbt.capture.front_hands``), which carry the bar over the gaps they are measured to bridge
on the clip itself.

The front pass is kept when it saw both stacks in at least ``MIN_SEEN_FRACTION`` of the frames of
the scenes that show them; else the first pass stands, unusable, with a finding saying why the
front view could not be measured.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from vbt.analysis import with_findings
from vbt.calibration import CameraProfile, plate_diameter_m
from vbt.capture.bar import (
    BarMethod,
    EdgeOnCandidates,
    EdgeOnPlateTracker,
    EdgeOnSettings,
    detection_of,
    gap_ruler,
)
from vbt.capture.camera.types import CameraStatus
from vbt.capture.front_hands import (
    bridgeable_gap_s,
    fill_with_hands,
    hands_correlation,
    hands_disagree,
    hands_note,
    hands_residual_px,
    min_hands_correlation,
    not_with_the_hands,
    offset_swing_m,
    running_median,
    without_frames,
)
from vbt.capture.pipeline import (
    TrackedVideo,
    VideoAnalysis,
    analyze_tracked,
    body_scale_of,
    view_of,
)
from vbt.capture.reread import track_again
from vbt.capture.track import PixelTrack
from vbt.errors import VbtError
from vbt.lifts import parse_lift
from vbt.quality.capture import is_front_view
from vbt.quality.verdict import Finding, Severity
from vbt.types import FloatArray, Lift

#: The front pass is kept when both stacks were found in at least this share of the frames of the
#: scenes that show them (``plates_seen_fraction``: the bar is followed through a lift only if it
#: is seen in most frames; the smoothing bridges short gaps, ``SmoothingSettings.max_gap_s``).
MIN_SEEN_FRACTION = 0.5
#: The gap between the stacks' inner faces over the plates' height may differ from the bar's by this
#: fraction: a hand (0.09 m broad) beside an inner face, or a collar's flange (0.03 m), can hide up to
#: 0.12 m of 1.37 m on each side (18 %), and the plates' height is itself uncertain by a few percent.
GAP_TOLERANCE_FRAC = 0.25
#: The plates' radius is one through the clip, give or take the bar's travel along the camera's axis
#: (a front view sees a snatch bar move 0.1-0.2 m towards or away from it; from 3 m or more, up to
#: 7 %) and a pixel of measurement (2-3 % of a 40 px radius): each frame's pair is chosen within this
#: of the clip's radius (``one_radius_choice``), and a frame with none there is left out.
ONE_RADIUS_FRAC = 0.10


def _scene_zoom(track: PixelTrack) -> FloatArray:
    """(N,) each frame's scale into its scene's pixels (1 where the camera's motion is unknown)."""
    linear = track.camera_to_scene_px[:, :, :2]
    known = np.isfinite(linear).all(axis=(1, 2))
    zoom = np.ones(len(track))
    if known.any():
        zoom[known] = np.sqrt(np.abs(np.linalg.det(linear[known])))
    return np.where(zoom > 0, zoom, 1.0)


def clip_radius_px(
    track: PixelTrack,
    candidates: Mapping[float, EdgeOnCandidates | None],
    *,
    settings: EdgeOnSettings | None = None,
    max_change_frac: float = ONE_RADIUS_FRAC,
) -> float:
    """The plates' one radius through the clip, the scene's pixels: the radius ``R`` whose window
    (``R`` give or take ``max_change_frac``) best explains the frames, each frame adding its best
    pair's score within the window over ``confident_edge_levels_px`` (at most 1), then the median of
    the frames' best radii within it. A pair of another size (a plate's edge paired with a banner's)
    wins a frame here and there; the plates are there in most of them. NaN without candidates.
    """
    settings = settings or EdgeOnSettings()
    zoom = _scene_zoom(track)
    frames = []
    for i, t in enumerate(track.t_s):
        found = candidates.get(float(t))
        if found is not None and found.radii_px.size:
            score = np.minimum(found.joint_score / settings.confident_edge_levels_px, 1.0)
            frames.append(
                (
                    found.plate_radii_px() * zoom[i],
                    np.where(found.joint_score >= settings.min_edge_levels_px, score, 0.0),
                )
            )
    if not frames:
        return math.nan
    radii = np.concatenate([r for r, _ in frames])
    # Windows a fifth of their width apart cover every radius a window's width could pick.
    step = 1 + 0.2 * max_change_frac
    grid = float(radii.min()) * step ** np.arange(
        math.ceil(math.log(radii.max() / radii.min()) / math.log(step)) + 1
    )
    totals = np.zeros(grid.size)
    for r, score in frames:
        inside = np.abs(r[None, :] / grid[:, None] - 1.0) <= max_change_frac
        totals += np.where(inside, score[None, :], 0.0).max(axis=1)
    # The windows that explain as much form a plateau: its radius is the median of each frame's best
    # within the best window.
    window = float(grid[int(np.argmax(totals))])
    best = []
    for r, score in frames:
        inside = (np.abs(r / window - 1.0) <= max_change_frac) & (score > 0)
        if inside.any():
            best.append(float(r[inside][np.argmax(score[inside])]))
    return float(np.median(best)) if best else math.nan


class OneRadius(NamedTuple):
    """The pairs the whole clip chose (``one_radius_choice``).

    Attributes:
        track: the track with each frame's chosen pair: the bar between them, their radius as
            measured between their edges (``EdgeOnCandidates.side_radius_px``).
        inner_gaps_px: the gaps between the inner faces of the pairs chosen, frame pixels.
        search_radius_px: (N,) each chosen pair's search radius (``EdgeOnCandidates.
            search_radius_px``), frame pixels, NaN where none was chosen: what ``radius_jumps``
            tests, as a pair that is not the plates' moves it while its edges' span may not.
    """

    track: PixelTrack
    inner_gaps_px: list[float]
    search_radius_px: FloatArray


def one_radius_choice(
    track: PixelTrack,
    candidates: Mapping[float, EdgeOnCandidates | None],
    *,
    settings: EdgeOnSettings | None = None,
    max_change_frac: float = ONE_RADIUS_FRAC,
) -> OneRadius:
    """``track`` with each frame's stacks chosen again among its candidates (``EdgeOnPlateTracker.
    candidates``, by frame time) at the clip's one radius (``clip_radius_px``), within
    ``max_change_frac`` (``OneRadius``). A frame whose best pair had another size (a plate's edge
    paired with a banner's, the floor's or the bar's) gets the best pair of the clip's size, or none.
    """
    settings = settings or EdgeOnSettings()
    radius = clip_radius_px(track, candidates, settings=settings, max_change_frac=max_change_frac)
    search = np.where(np.isfinite(track.bar_size_px), track.bar_size_px, np.nan)
    if not math.isfinite(radius):
        return OneRadius(track, [], search)
    zoom = _scene_zoom(track)
    xy, confidence, size = track.bar_xy_px.copy(), track.bar_confidence.copy(), track.bar_size_px.copy()
    gaps: list[float] = []
    for i, t in enumerate(track.t_s):
        found = candidates.get(float(t))
        if found is None:
            continue
        expected = radius / zoom[i]
        k = found.best_index(
            settings=settings,
            radius_range_px=(expected * (1 - max_change_frac), expected * (1 + max_change_frac)),
        )
        plates = None if k is None else found.plates(k, settings=settings)
        if k is None or plates is None:
            xy[i], confidence[i], size[i], search[i] = np.nan, 0.0, np.nan, np.nan
            continue
        bar = detection_of(plates, float(t), settings=settings)
        xy[i], confidence[i], size[i] = bar.xy_px, bar.confidence, bar.radius_px
        search[i] = found.search_radius_px(k)
        gaps.append(plates.inner_gap_px)
    chosen = replace(track, bar_xy_px=xy, bar_confidence=confidence, bar_size_px=size)
    return OneRadius(chosen, gaps, search)


#: A frame's plate radius departs from its neighbours' (``RADIUS_WINDOW_S`` either side) by at most
#: this fraction when nothing about the clip is known (``radius_jump_frac`` derives it per clip). A
#: frame further off paired a plate's edge with something else. Raising it keeps more of those.
RADIUS_JITTER_FRAC = 0.05
#: ... its neighbours: the seen frames within this many seconds (a running median over 0.4 s, long
#: enough that two wrong frames in a row do not carry it).
RADIUS_WINDOW_S = 0.2
#: The bar's speed along a front camera's axis, at most, m/s: its horizontal excursion through a
#: snatch or a clean pull (towards the lifter, then away: 0.1-0.2 m) takes 0.4-0.8 s, and a squat's or
#: a press's is smaller. Raising it tolerates larger radius jumps (``radius_jump_frac``).
BAR_AXIAL_SPEED_M_S = 0.5
#: The widest horizontal field of view a front view is filmed with, degrees: a phone's main camera
#: (26 mm equivalent on 36 mm: 69 degrees); a camera framing the picture's width at the plates'
#: depth with it is at least as far as that width over 2 tan(35 degrees). Raising it admits closer
#: cameras (wider lenses), so larger radius jumps.
MAX_FIELD_OF_VIEW_DEG = 70.0


def radius_jump_frac(
    picture_width_px: float,
    radius_px: float,
    step_px: float,
    *,
    plate_m: float,
    window_s: float = RADIUS_WINDOW_S,
) -> float:
    """The most a frame's search radius departs from its neighbours' running median on this clip,
    a fraction: the bar's travel along the camera's axis within ``window_s`` (``BAR_AXIAL_SPEED_M_S``)
    over the nearest camera that frames the picture (its width at the plates' scale over the widest
    field of view, ``MAX_FIELD_OF_VIEW_DEG``), plus one step of the search's grid over the radius (a
    sharp edge blurred by ``EdgeOnSettings.blur_px`` holds the score a step either side of it).
    ``RADIUS_JITTER_FRAC`` when the picture's width, the radius or the step is unknown.

    Parameters:
        picture_width_px: the picture's width (within black bars), pixels.
        radius_px: the plates' radius, the same pixels.
        step_px: the search's radius step (``EdgeOnCandidates.radii_px``), the same pixels.
        plate_m: the plates' diameter, metres.
    """
    if not (picture_width_px > 0 and radius_px > 0 and step_px >= 0):
        return RADIUS_JITTER_FRAC
    width_m = picture_width_px * 0.5 * plate_m / radius_px
    distance_m = width_m / (2.0 * math.tan(math.radians(0.5 * MAX_FIELD_OF_VIEW_DEG)))
    return BAR_AXIAL_SPEED_M_S * window_s / distance_m + step_px / radius_px


def _picture_width_px(video: Mapping[str, object]) -> float:
    """The picture's width within its black bars (``content_rect_px``), else the frame's, pixels."""
    rect, size = video.get("content_rect_px"), video.get("size_px")
    if isinstance(rect, list | tuple) and len(rect) == 4:
        return float(rect[2])
    if isinstance(size, list | tuple) and len(size) == 2:
        return float(size[0])
    return math.nan


def _search_step_px(candidates: Mapping[float, EdgeOnCandidates | None]) -> float:
    """The search's median radius step over the frames, frame pixels (NaN without candidates)."""
    steps = [
        float(np.median(np.diff(c.radii_px)))
        for c in candidates.values()
        if c is not None and c.radii_px.size > 1
    ]
    return float(np.median(steps)) if steps else math.nan


def radius_jumps(
    track: PixelTrack,
    *,
    max_frac: float = RADIUS_JITTER_FRAC,
    window_s: float = RADIUS_WINDOW_S,
    radius_px: FloatArray | None = None,
) -> npt.NDArray[np.bool_]:
    """(N,) the frames whose plate radius (the scene's pixels; ``radius_px``, frame pixels, when
    given, else the track's) departs from the running median of its neighbours' by more than
    ``max_frac``."""
    radius = (track.bar_size_px if radius_px is None else radius_px) * _scene_zoom(track)
    median = running_median(track.t_s, radius, window_s)
    with np.errstate(invalid="ignore"):
        return np.asarray(np.abs(radius / median - 1.0) > max_frac, dtype=bool)


def needs_front_look(tracked: TrackedVideo) -> bool:
    """True when the plate tracker ran on a file that the lifter's body shows filmed from the front."""
    track = tracked.track
    if tracked.bar_method is not BarMethod.PLATE or not track.pose_ran or len(track) == 0:
        return False
    if not Path(str(tracked.video.get("name", ""))).is_file():
        return False  # a live source cannot be read again
    return is_front_view(view_of(track, tracked.bar_method))


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


def plates_seen_fraction(track: PixelTrack) -> float:
    """The share of frames in which the plates were seen, over the scenes in which they were seen at
    all: a broadcast's close-up or replay after a cut (a new scene, ``CameraStatus.REFERENCE``) does
    not show them, and is no failure to see them. Within a scene that shows them, every frame counts."""
    if len(track) == 0:
        return 0.0
    scene = np.cumsum(np.asarray(track.camera_status) == CameraStatus.REFERENCE)
    seen = track.bar_seen
    shown = np.isin(scene, np.unique(scene[seen]))
    return float(seen[shown].mean()) if shown.any() else 0.0


def _not_measured(seen: float) -> Finding:
    return Finding(
        "edge_on_not_found",
        f"the two plate stacks seen edge-on were found in only {100 * seen:.0f} % of the frames that show "
        "them, too few to follow the bar from the front: keep both ends of the bar in the picture, or film "
        "from the side",
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
) -> tuple[TrackedVideo, VideoAnalysis] | Finding:
    """The file of ``tracked`` (a front view: ``needs_front_look``) tracked again between the plates
    seen edge-on, with the first pass's poses, and analysed on their scale; or the finding that says
    why not: both stacks seen in fewer than ``MIN_SEEN_FRACTION`` of the frames that show them, or
    what was found not moving with the lifter's hands (``min_hands_correlation``).

    Raises:
        VbtError: as ``analyze_tracked`` (too little to analyse).
    """
    body = body_scale_of(tracked.track)
    diameter_m = plate_diameter_m(plate)
    # The plates are searched at every size the grip allows, not only the sizes the body allows:
    # the two rulers stay independent, and a body that refutes the plates says so in the verdict.
    tracker = EdgeOnPlateTracker(settings=settings)
    again = track_again(tracked, tracker=tracker, bar_method=BarMethod.EDGE_ON)
    chosen, gaps, search_px = one_radius_choice(again.track, tracker.candidates, settings=settings)
    radius_px = (
        float(np.median(search_px[np.isfinite(search_px)])) if np.isfinite(search_px).any() else math.nan
    )
    jump = radius_jump_frac(
        _picture_width_px(again.video), radius_px, _search_step_px(tracker.candidates), plate_m=diameter_m
    )
    plates_track = without_frames(chosen, radius_jumps(chosen, radius_px=search_px, max_frac=jump))
    disagree = hands_disagree(plates_track, plate_m=diameter_m)
    plates_track = without_frames(plates_track, disagree)
    seen = plates_seen_fraction(plates_track)
    gap_s = bridgeable_gap_s(plates_track, plate_m=diameter_m)
    filled_track, filled = fill_with_hands(plates_track, max_gap_s=gap_s)
    again = replace(again, track=filled_track)
    if seen < MIN_SEEN_FRACTION:
        return _not_measured(seen)
    correlation = hands_correlation(plates_track)
    swing_m = offset_swing_m(parse_lift(lift).family)
    needed = min_hands_correlation(plates_track, plate_m=diameter_m, swing_m=swing_m)
    if not correlation >= needed:
        return not_with_the_hands(correlation, needed)
    second = analyze_tracked(again, lift=lift, load_kg=load_kg, plate=plate, camera_profile=camera_profile)
    plate_mpp = second.report_extra["calibration"]["measured_metres_per_px"]
    ratio = gap_ruler(gaps, 0.5 * diameter_m / plate_mpp, plate_m=diameter_m)
    second.report_extra["calibration"]["edge_on_gap_ratio"] = None if math.isnan(ratio) else round(ratio, 3)
    residual_px = hands_residual_px(plates_track)
    residual_px = residual_px[np.isfinite(residual_px)]
    second.report_extra["tracking"]["edge_on_hands"] = {
        "residual_mm": round(1000 * plate_mpp * float(np.sqrt(np.mean(residual_px**2))), 1)
        if residual_px.size
        else None,
        "left_out_frames": int(disagree.sum()),
        "bridgeable_gap_s": round(gap_s, 3),
        "filled_frames": filled,
    }
    agrees = body is not None and body.agrees_with(plate_mpp)
    findings = gap_finding(ratio, body_agrees=agrees) + hands_note(filled, len(filled_track), gap_s=gap_s)
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
    if isinstance(front, Finding):
        return tracked, replace(result, analysis=with_findings(result.analysis, [front]))
    return front
