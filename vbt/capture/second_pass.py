"""A second look at a file when the whole clip says the plate found was not the plate.

The plate tracker works frame by frame; only at the end does the whole clip speak: the lifter's legs
say how large a 45 cm plate looks (``vbt.calibration.body``), and the hands say whether the tracked
circle moved with the bar. When the plate's size is refuted by the body, or the tracked plate rose
without the hands in most reps, the file is read again and the plate tracked afresh, searching only
circles of the size the body allows (``SearchSettings.radius_range_px``): a hub, a hand or a far
plate between the shins is then never the plate. The file is read again with the first pass's poses
replayed (``vbt.capture.reread.track_again``), so the second pass costs decoding and bar tracking, not pose.

The second pass is kept only when its plate is near the size the body makes likely, is seen through
the clip, rises with the hands and leaves no more reps suspect than the first; otherwise the first
stands (and its verdict says what is wrong: often, plates smaller than 45 cm, on the body's scale). Live sources cannot be read twice: only files get a second look.

A clip the lifter's body shows filmed from the front has no plate seen face-on to find again: its
second look is ``vbt.capture.front_pass`` (the plates seen edge-on).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from vbt.analysis import with_findings
from vbt.calibration import CameraProfile, plate_diameter_m
from vbt.capture.bar import BarMethod, PlateSettings, PlateTracker
from vbt.capture.camera.types import CameraStatus
from vbt.capture.front_pass import front_look, needs_front_look
from vbt.capture.pipeline import TrackedVideo, VideoAnalysis, analyze_tracked, body_scale_of
from vbt.capture.reread import track_again
from vbt.capture.track import PixelTrack, in_scene
from vbt.errors import VbtError
from vbt.lifts import parse_lift
from vbt.quality.holder import hands_rose_alone
from vbt.quality.verdict import Finding, Severity
from vbt.types import Lift, RepStatus

#: A second pass runs when at least this share of the counted reps rose without the hands.
NOT_IN_HANDS_SHARE = 0.5
#: The second pass's plate must lie within this factor of the radius the body makes likely (a
#: lifter of 1.55-1.95 m, a camera 2-6 m away: about +/-25 % around 1.75 m and 3 m): a circle at the
#: edge of what the body allows is more likely something else of about that size, or the plates
#: loaded are smaller than 45 cm (then the first pass, on the body's scale, stands).
LIKELY_SPAN = 1.33
#: ... and seen in at least this share of the frames.
MIN_SEEN_FRACTION = 0.8
#: ... and one object through the clip: between two sightings it never moved faster than this (m/s,
#: on the plate's own size): a bar dropped from overhead (2.5 m) lands at sqrt(2 g h) = 7 m/s, and no
#: lift moves it faster. A track that does jumped from one circle to another (a stored plate, then
#: something on the lifter), and the part before the jump is not the bar's.
MAX_BAR_SPEED_M_S = 7.0
#: ... give or take this share of the plate's radius between any two sightings (where a circle's
#: centre is found from one frame to the next: a tenth of its radius either way).
CENTRE_NOISE_RADII = 0.2


def needs_second_look(tracked: TrackedVideo, result: VideoAnalysis) -> str | None:
    """Why the plate should be looked for again (a sentence), or None when nothing says so: the lifter's
    body refuted its size, or it rose without the hands in most reps."""
    if tracked.bar_method is not BarMethod.PLATE or result.calibration.method not in ("plate", "body"):
        return None
    if result.calibration.method == "body":
        return "its size disagreed with the lifter's body"
    counted = [r for r in result.analysis.reps if r.status is not RepStatus.SUSPECT]
    flagged = {i for f in result.analysis.findings if f.code == "bar_not_in_hands" for i in f.reps}
    reps = len(counted) + len(flagged)
    if reps and len(flagged) >= NOT_IN_HANDS_SHARE * reps:
        return "it rose without the lifter's hands"
    return None


def jumps_between_objects(track: PixelTrack, radius_m: float) -> bool:
    """True when the tracked plate moved faster than ``MAX_BAR_SPEED_M_S`` between two sightings
    (give or take ``CENTRE_NOISE_RADII``), measured in its scene's pixels on its own size (a plate of
    ``radius_m``): the tracker went from one circle to another. Sightings on either side of a camera
    cut are not compared."""
    scene = in_scene(track)
    seen = np.flatnonzero(np.isfinite(scene.bar_xy_px).all(axis=1) & np.isfinite(scene.bar_size_px))
    if seen.size < 2:
        return False
    a, b = seen[:-1], seen[1:]
    moved_px = np.hypot(*(scene.bar_xy_px[b] - scene.bar_xy_px[a]).T)
    radius_px = np.fmax(scene.bar_size_px[a], scene.bar_size_px[b])
    allowed_px = radius_px * (
        MAX_BAR_SPEED_M_S * (track.t_s[b] - track.t_s[a]) / radius_m + CENTRE_NOISE_RADII
    )
    scenes = np.cumsum(track.camera_status == CameraStatus.REFERENCE)  # a cut starts a scene
    return bool(np.any((moved_px > allowed_px) & (scenes[a] == scenes[b])))


def _holds_up(result: VideoAnalysis, likely_px: float, radius_m: float, lift: Lift | str) -> bool:
    """The second pass's plate is the plate: near the size the body makes likely (not at the edge of
    what it allows, where a plate-sized circle of something else sits, or smaller plates were loaded),
    seen through the clip as one object, rising with the hands in its reps and never left still
    while they rose by a rep's range outside them (`hands_rose_alone` over the whole clip: a circle
    on the lifter's hips or back rises with the hands only when the lifter stands up)."""
    measured = result.report_extra["calibration"].get("measured_metres_per_px")
    seen = result.report_extra["tracking"]["bar_detected_fraction"]
    if result.calibration.method != "plate" or measured is None or seen < MIN_SEEN_FRACTION:
        return False
    track = result.track
    if jumps_between_objects(track, radius_m) or hands_rose_alone(
        track,
        [r for r in result.analysis.reps if r.status is not RepStatus.SUSPECT],
        lift=parse_lift(lift),
        metres_per_px=result.calibration.metres_per_px,
        span_s=(float(track.t_s[0]), float(track.t_s[-1])),
    ):
        return False
    radius_px = radius_m / float(measured)
    not_in_hands = any(f.code == "bar_not_in_hands" for f in result.analysis.findings)
    near = 1.0 / LIKELY_SPAN <= radius_px / likely_px <= LIKELY_SPAN
    return near and not not_in_hands


def _suspects(result: VideoAnalysis) -> int:
    return sum(1 for r in result.analysis.reps if r.status is RepStatus.SUSPECT)


def second_look(
    tracked: TrackedVideo,
    result: VideoAnalysis,
    *,
    lift: Lift | str,
    load_kg: float | None = None,
    plate: str | float = "bumper",
    camera_profile: CameraProfile | None = None,
    settings: PlateSettings | None = None,
) -> tuple[TrackedVideo, VideoAnalysis]:
    """``tracked`` and its ``result``, or the file tracked again with the plate's size the lifter's
    body allows, when ``needs_second_look`` says so and the new plate agrees with the body.
    ``settings``: the plate tracker's, to which the size is added (default ``PlateSettings()``).
    A front view is looked at again between its plates seen edge-on instead (``front_look``)."""
    if needs_front_look(tracked):
        return front_look(
            tracked, result, lift=lift, load_kg=load_kg, plate=plate, camera_profile=camera_profile
        )
    why = needs_second_look(tracked, result)
    path = Path(str(tracked.video.get("name", "")))
    body = body_scale_of(tracked.track)
    if why is None or body is None or not path.is_file():
        return tracked, result
    low, high = body.radius_range_px(plate_diameter_m(plate))
    base = settings or PlateSettings()
    sized = replace(base, search=replace(base.search, radius_range_px=(low, high)))
    try:
        again = track_again(tracked, tracker=PlateTracker(sized), bar_method=BarMethod.PLATE)
        second = analyze_tracked(
            again, lift=lift, load_kg=load_kg, plate=plate, camera_profile=camera_profile
        )
    except VbtError:
        return tracked, result  # the first pass stands, with its verdict
    radius_m = 0.5 * plate_diameter_m(plate)
    if not _holds_up(second, radius_m / body.metres_per_px, radius_m, lift) or _suspects(second) > _suspects(
        result
    ):
        return tracked, result
    note = Finding(
        "plate_found_again",
        f"the plate first tracked was not the plate ({why}; a plate of {2 * radius_m:.2f} m would be "
        f"{low:.0f}-{high:.0f} px): it was looked for again at that size and found",
        Severity.NOTE,
    )
    return again, replace(second, analysis=with_findings(second.analysis, [note]))
