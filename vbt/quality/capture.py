"""Checks of a video's set that need what capture saw: the plate in the picture, the lifter's body,
the camera's view, the scale.

Each returns ``Finding``s (``vbt.quality.verdict``); ``check_capture`` runs them all. Positions are
the track's pixels; a rep's frames are those between its start and end on the track's clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vbt.calibration.body import BodyScale, hidden_by_plate
from vbt.capture.camera.types import CameraStatus
from vbt.capture.pose import BODY_POINTS
from vbt.capture.track import PixelTrack, body_y_px, in_scene
from vbt.lifts import Holder
from vbt.quality.stood import stood_up_from_failed
from vbt.quality.verdict import Finding, Severity
from vbt.types import BoolArray, FloatArray, Lift, RepMetrics, RepStatus


@dataclass(frozen=True)
class CaptureCheckSettings:
    """Settings of the capture checks.

    Attributes:
        hands_min_seen_frac: the hands check runs on a rep when pose saw the hands (or what else holds
            the bar in the lift, `vbt.lifts.Holder`) in at least this share of its frames ...
        ends_s: ... and within this long of its start and of its end.
        hands_rise_range: the hands' rise over the tracked bar's rise in a rep must lie within this
            range: they hold the bar (or, in a squat, the bar on the back), so they rise as much, give
            or take perspective (the wrists are 0.2-0.5 m further from the camera than the near plate)
            and a landmark's error. Narrowing it catches more wrong tracks but flags more real ones.
        min_rise_px: reps whose bar rise is under this many pixels are not compared (too small to
            measure a ratio).
        cut_radius_frac: a plate whose circle reaches beyond the picture by more than this share of
            its radius is partly outside it (a third of its rim is then off the picture, and the centre
            and size rest on the rest).
        cut_min_frames_frac: ... in at least this share of a rep's frames, it is noted.
        size_change_doubt, size_change_suspect: the plate's radius growing or shrinking within a rep
            by more than this factor (90th over 10th percentile) means the bar moved towards or away
            from the camera (or the camera moved): velocity is off by as much. Doubt, then suspect.
            The same factors bound the rep's plate (its median radius) against the plate the scale
            was measured on: a scale that far from the rep's plate is off by as much for it.
        front_view_deg: a view further than this from the side is a front (or back) view: the plates
            are edge-on.
        oblique_view_deg: further than this, horizontal motion is foreshortened (a note).
        edge_on_axis_ratio: a plate outline flatter than this (minor over major) is nearly edge-on:
            cos(60 degrees).
        max_unknown_camera_frac: a rep with more than this share of its frames where the camera's
            motion could not be measured is doubted (its path assumes steady motion there).
        camera_moved_frac: a camera that moved more than this share of the frame is noted.
    """

    hands_min_seen_frac: float = 0.6
    ends_s: float = 0.15
    hands_rise_range: tuple[float, float] = (0.5, 2.0)
    min_rise_px: float = 8.0
    cut_radius_frac: float = 0.5
    cut_min_frames_frac: float = 0.3
    size_change_doubt: float = 1.10
    size_change_suspect: float = 1.20
    front_view_deg: float = 60.0
    oblique_view_deg: float = 30.0
    edge_on_axis_ratio: float = 0.5
    max_unknown_camera_frac: float = 0.3
    camera_moved_frac: float = 0.02


def _rep_frames(track: PixelTrack, rep: RepMetrics) -> BoolArray:
    return np.asarray((track.t_s >= rep.start_s) & (track.t_s <= rep.end_s))


def _rise_px(t_s: FloatArray, y_px: FloatArray, start_s: float, end_s: float) -> float:
    """How far a pixel path rose (image y points down) from ``start_s`` to ``end_s``; NaN if unseen.
    Each end is the median of the three seen samples nearest it."""
    seen = np.isfinite(y_px)
    if seen.sum() < 4:
        return math.nan
    t, y = t_s[seen], y_px[seen]

    def at(when: float) -> float:
        nearest = np.argsort(np.abs(t - when))[:3]
        return float(np.median(y[nearest]))

    return at(start_s) - at(end_s)


#: The body points (either side) of what holds the bar.
_HOLDER_POINT = {Holder.HANDS: "_wrist", Holder.SHOULDERS: "_shoulder", Holder.HIPS: "_hip"}


def _holds(track: PixelTrack, lift: Lift) -> FloatArray:
    """(N,) image height of what holds the bar (the catalogue's ``held_by``): the shoulders in a back
    or front squat (the bar on the upper back or the front delts, the hands wherever the grip puts
    them), the hips in a hip thrust, else the hands; NaN where unseen.

    A point inside the tracked plate's disc is behind the near plate (a squatter's shoulders always
    are, side-on, when the plate tracked is the bar's): where the pose puts it is a guess that lags
    the body, so it is left out. A wrong circle (a knee, a stored plate) does not hide them."""
    names = [n for n in BODY_POINTS if n.endswith(_HOLDER_POINT[lift.spec.held_by])]
    hidden = np.column_stack(
        [
            hidden_by_plate(track.body_xy_px[:, BODY_POINTS.index(n)], track.bar_xy_px, track.bar_size_px)
            for n in names
        ]
    )
    return body_y_px(track, names, min_visibility=0.5, hidden=hidden)


def hands_follow_the_bar(
    track: PixelTrack,
    reps: list[RepMetrics],
    *,
    lift: Lift,
    metres_per_px: float,
    settings: CaptureCheckSettings,
) -> list[Finding]:
    """Reps where the tracked bar rose but what holds it did not (or the other way round): the
    tracked circle is not the bar (a knee, a stored plate, a wheel).

    What holds the bar: the lift's ``held_by`` in the catalogue (the hands; the shoulders in a back or
    front squat; the hips in a hip thrust). Compared only where pose saw
    them near both ends of the rep (within ``ends_s``) and through most of it, and where either rose
    at least ``min_rise_px`` (a still plate under rising hands is as wrong as the other way round).

    A failed rep is compared up to where what holds the bar stopped rising (`_holder_rose_until_s`):
    a failed rep is the bar stopping short and coming down, and the lifter with it. Hands or
    shoulders that rose on to lockout after the tracked plate stopped say the rep was made and the
    tracker lost the plate at the top.
    """
    if not track.pose_ran:
        return []
    holder_y = _holds(track, lift)
    what = lift.spec.held_by.value
    findings = []
    lo, hi = settings.hands_rise_range
    reps = sorted(reps, key=lambda r: r.start_s)
    for k, rep in enumerate(reps):
        end_s = rep.end_s
        if rep.status is RepStatus.FAILED:
            until_s = reps[k + 1].start_s if k + 1 < len(reps) else math.inf
            hysteresis_px = lift.spec.min_attempt_m / metres_per_px if metres_per_px > 0 else math.nan
            end_s = _holder_rose_until_s(track.t_s, holder_y, rep.end_s, until_s, hysteresis_px)
        frames = np.asarray((track.t_s >= rep.start_s) & (track.t_s <= end_s))
        seen = frames & np.isfinite(holder_y)
        if frames.sum() < 4 or seen.sum() < settings.hands_min_seen_frac * frames.sum():
            continue
        t_seen = track.t_s[seen]
        if t_seen[0] > rep.start_s + settings.ends_s or t_seen[-1] < end_s - settings.ends_s:
            continue
        bar = _rise_px(track.t_s, track.bar_xy_px[:, 1], rep.start_s, end_s)
        held = _rise_px(track.t_s[frames], holder_y[frames], rep.start_s, end_s)
        if not (math.isfinite(bar) and math.isfinite(held)):
            continue
        if max(abs(bar), abs(held)) < settings.min_rise_px or lo <= held / (bar or math.nan) <= hi:
            continue
        rose_on = end_s > rep.end_s
        findings.append(
            Finding(
                "bar_not_in_hands",
                (
                    f"rep {rep.index} stopped short of lockout on the track, but the lifter's {what} rose "
                    f"on to {end_s:.2f} s, {100 * held * metres_per_px:.0f} cm in all while the tracked "
                    f"plate rose {100 * bar * metres_per_px:.0f} cm: the rep was probably made and the "
                    "tracker lost the plate"
                    if rose_on
                    else f"the tracked plate rose {100 * bar * metres_per_px:.0f} cm but the lifter's "
                    f"{what} {100 * held * metres_per_px:.0f} cm: what was tracked is probably not the bar"
                )
                + ". Check the track in the annotated video (--video); film side-on with the loaded "
                "plate in full view",
                Severity.DOUBT,
                reps=(rep.index,),
                suspect=True,
            )
        )
    return findings


def _holder_rose_until_s(
    t_s: FloatArray, holder_y_px: FloatArray, from_s: float, until_s: float, hysteresis_px: float
) -> float:
    """Where what holds the bar (image heights ``holder_y_px``, NaN unseen) stopped rising after
    ``from_s``: the highest point it reaches before it comes down by ``hysteresis_px`` again, before
    ``until_s`` (the next rep) or the end of the data; ``from_s`` when it was not rising there (or
    unseen, or ``hysteresis_px`` is not finite)."""
    after = np.flatnonzero((t_s >= from_s) & (t_s < until_s) & np.isfinite(holder_y_px))
    if after.size < 2 or not math.isfinite(hysteresis_px):
        return from_s
    height = -holder_y_px[after]
    top = 0
    for j in range(1, after.size):
        if height[j] > height[top]:
            top = j
        elif height[top] - height[j] >= hysteresis_px:
            break
    return float(t_s[after[top]]) if height[top] > height[0] else from_s


def _rises(height_px: FloatArray, *, min_rise_px: float) -> list[tuple[int, int]]:
    """(low, high) sample indices of each rise of ``height_px`` (up positive; NaN skipped) by at
    least ``min_rise_px``: from the lowest point since the last high (its last sample) to the highest
    before it falls ``min_rise_px`` again (a zig-zag with that hysteresis)."""
    out: list[tuple[int, int]] = []
    seen = np.flatnonzero(np.isfinite(height_px))
    if seen.size == 0:
        return out
    low, high = int(seen[0]), -1
    for i in seen[1:].tolist():
        if high < 0:
            if height_px[i] <= height_px[low]:  # the rise starts where the low ends
                low = i
            elif height_px[i] - height_px[low] >= min_rise_px:
                high = i
        elif height_px[i] > height_px[high]:
            high = i
        elif height_px[high] - height_px[i] >= min_rise_px:
            out.append((low, high))
            low, high = i, -1
    if high >= 0:
        out.append((low, high))
    return out


def _longest_outside(a_s: float, b_s: float, reps: list[RepMetrics]) -> tuple[float, float]:
    """The longest part of ``a_s``-``b_s`` outside every rep (an empty one, ``b_s`` to ``b_s``, when the
    reps cover it all)."""
    parts = [(a_s, b_s)]
    for rep in reps:
        parts = [
            piece
            for lo, hi in parts
            for piece in ((lo, min(hi, rep.start_s)), (max(lo, rep.end_s), hi))
            if piece[1] > piece[0]
        ]
    return max(parts, key=lambda piece: piece[1] - piece[0], default=(b_s, b_s))


def hands_rose_alone(
    track: PixelTrack,
    reps: list[RepMetrics],
    *,
    lift: Lift,
    metres_per_px: float,
    settings: CaptureCheckSettings | None = None,
    span_s: tuple[float, float] | None = None,
) -> list[Finding]:
    """What holds the bar (``hands_follow_the_bar``) rose by at least a complete rep's range (the
    lift's ``min_range_m``) between the reps found (after the first one began, before the last one
    ended), while the tracked bar rose less than ``1 / hands_rise_range[1]`` as far: the lifter held
    the bar through the set, so the bar rose and the tracker followed something else: a rep there went
    unseen and the count is in doubt. Before the first rep (reaching for the bar, lying down under
    it) and after the last (letting go) the hands may move without it, so rises there are not judged;
    nor where the bar or the holder was unseen within ``ends_s`` of the rise's ends.

    ``span_s``: the stretch judged instead of the set's (the whole clip, where a plate must show that
    it is the bar: `vbt.capture.second_pass`); a rise overlapping a rep is then judged on its longest
    part outside the reps (a rep found on a pick-up that the first row continued), where the set's
    span leaves it to ``hands_follow_the_bar``."""
    if span_s is None and not reps:
        return []
    if not track.pose_ran or not math.isfinite(metres_per_px) or metres_per_px <= 0:
        return []
    settings = settings or CaptureCheckSettings()
    holder_y = _holds(track, lift)
    t, bar_y = track.t_s, track.bar_xy_px[:, 1]
    min_rise_px = lift.spec.min_range_m / metres_per_px
    first_start_s, last_end_s = span_s or (min(r.start_s for r in reps), max(r.end_s for r in reps))
    t_bar, t_held = t[np.isfinite(bar_y)], t[np.isfinite(holder_y)]

    def seen_near(times: FloatArray, when: float) -> bool:
        return bool(times.size and np.min(np.abs(times - when)) <= settings.ends_s)

    worst: tuple[float, float, float, float] | None = None  # (held, bar, start, end)
    for low, high in _rises(-holder_y, min_rise_px=min_rise_px):
        a, b = float(t[low]), float(t[high])
        if a < first_start_s or b > last_end_s or b - a > lift.spec.limits.max_duration_s:
            continue
        if any(r.start_s <= b and r.end_s >= a for r in reps):
            if span_s is None:
                continue
            a, b = _longest_outside(a, b, reps)
        if not all(seen_near(times, when) for times in (t_bar, t_held) for when in (a, b)):
            continue
        held = _rise_px(t, holder_y, a, b)
        bar = _rise_px(t, bar_y, a, b)
        if not held >= min_rise_px or bar * settings.hands_rise_range[1] >= held:
            continue
        if worst is None or held - bar > worst[0] - worst[1]:
            worst = (held, bar, a, b)
    if worst is None:
        return []
    held, bar, a, b = worst
    what = lift.spec.held_by.value
    return [
        Finding(
            "rep_unseen",
            f"the lifter's {what} rose {100 * held * metres_per_px:.0f} cm at {a:.2f}-{b:.2f} s, "
            f"{'between the reps' if span_s is None else 'outside the reps'}, while the tracked plate "
            f"rose {100 * bar * metres_per_px:.0f} cm: the bar rose there "
            "and the tracker followed something else, so a rep may be missing from the count. Check the "
            "track in the annotated video (--video); film side-on with the loaded plate in full view",
            Severity.DOUBT,
        )
    ]


def plate_partly_outside(
    track: PixelTrack, reps: list[RepMetrics], *, settings: CaptureCheckSettings
) -> list[Finding]:
    """Reps during which the plate's circle reached beyond the picture's edge."""
    if track.frame_size_px is None:
        return []
    width, height = track.frame_size_px
    x, y = track.bar_xy_px[:, 0], track.bar_xy_px[:, 1]
    r = track.bar_size_px
    with np.errstate(invalid="ignore"):
        beyond = np.fmax.reduce(np.stack([r - x, x + r - width, r - y, y + r - height]), axis=0)
        cut = beyond / r > settings.cut_radius_frac
    findings = []
    for rep in reps:
        frames = _rep_frames(track, rep) & np.isfinite(r)
        if frames.sum() and cut[frames].mean() >= settings.cut_min_frames_frac:
            findings.append(
                Finding(
                    "plate_cut_by_frame",
                    f"the plate was partly outside the picture in {100 * cut[frames].mean():.0f} % of its "
                    "frames, so its centre and size are less certain; frame the whole plate through the lift",
                    Severity.DOUBT,
                    reps=(rep.index,),
                )
            )
    return findings


def plate_size_changes(
    track: PixelTrack,
    reps: list[RepMetrics],
    *,
    settings: CaptureCheckSettings,
    scale_radius_px: float = math.nan,
) -> list[Finding]:
    """Reps during which the plate looked clearly larger or smaller: the bar moved along the camera's
    axis (or the camera moved), so the scale changed under the rep. The sizes are compared in the
    scene's pixels (``in_scene``): a camera that zooms or walks in, measured from the background, is
    taken out of the bar's path and its scale alike, and changes no number.

    ``scale_radius_px``: the radius of the plate the scale was measured on (scene pixels; NaN when the
    scale is not the plate's). A rep whose plate is steady but of another size than that (its median
    radius) is measured with a scale off by the ratio: the tracker followed another circle there (the
    far plate, a stored plate, something round), or the bar was that much nearer or farther.
    """
    findings = []
    sizes = in_scene(track).bar_size_px
    for rep in reps:
        radii = sizes[_rep_frames(track, rep)]
        radii = radii[np.isfinite(radii)]
        if radii.size < 5:
            continue
        change = float(np.percentile(radii, 90) / np.percentile(radii, 10))
        ratio = float(np.median(radii)) / scale_radius_px
        unlike = max(ratio, 1.0 / ratio) if math.isfinite(ratio) and ratio > 0 else 1.0
        if max(change, unlike) <= settings.size_change_doubt:
            continue
        if change >= unlike:
            code, worst = "plate_size_changes", change
            what = (
                f"the plate's size changed by {100 * (change - 1):.0f} % during the rep: the bar moved "
                "towards or away from the camera (or the camera moved), and velocity is off by as much"
            )
        else:
            code, worst = "plate_unlike_scale", unlike
            what = (
                f"the plate tracked in the rep looks {ratio:.2f} times the size of the plate the scale "
                f"was measured on ({np.median(radii):.0f} px against {scale_radius_px:.0f} px): it is "
                "another circle (the far plate, a stored plate, something round) or the bar was that "
                "much nearer the camera, and the rep's velocities are off by as much. Check the tracked "
                "plate in the annotated video (--video)"
            )
        findings.append(
            Finding(
                code,
                f"{what}. Film side-on, square to the bar, from a fixed camera",
                Severity.DOUBT,
                reps=(rep.index,),
                suspect=worst > settings.size_change_suspect,
            )
        )
    return findings


def camera_view(
    view_deg: float,
    axis_ratio: float,
    reps: list[RepMetrics],
    *,
    plate_scale: bool,
    settings: CaptureCheckSettings,
    edge_on: bool = False,
) -> list[Finding]:
    """Whether the camera looks at the lifter's side: from the body (shoulders and hips of both sides)
    and from the plate's outline (its minor over major axis). ``edge_on``: the bar was measured
    between the plates seen edge-on (``vbt.capture.bar.edge_on``), the front view's own ruler."""
    everyone = tuple(r.index for r in reps)
    if math.isfinite(view_deg) and view_deg > settings.front_view_deg:
        if edge_on:
            return [
                Finding(
                    "camera_front_view",
                    f"filmed from the front or the back (about {view_deg:.0f} degrees off the side): the bar "
                    "was measured between the two plate stacks seen edge-on, their 0.45 m height giving the "
                    "scale. Vertical velocity holds if the camera is level; the bar's path towards and away "
                    "from the camera and the joint angles of the pull are not seen from here (film from the "
                    "side for those)",
                    Severity.NOTE,
                )
            ]
        if plate_scale:
            return [
                Finding(
                    "camera_front_view",
                    f"filmed from the front or the back (about {view_deg:.0f} degrees off the side): the plates "
                    "are edge-on, so the plate found is not a plate seen face-on and neither the bar path nor "
                    "the scale can be trusted. Film from the side, square to the bar, with the near plate in "
                    "full view",
                    Severity.UNUSABLE,
                    reps=everyone,
                    suspect=True,
                )
            ]
        return [
            Finding(
                "camera_front_view",
                f"filmed from the front or the back (about {view_deg:.0f} degrees off the side): vertical "
                "velocity holds only if the camera is level and the scale was given in the bar's plane",
                Severity.DOUBT,
            )
        ]
    if math.isfinite(axis_ratio) and axis_ratio < settings.edge_on_axis_ratio and plate_scale:
        return [
            Finding(
                "plate_edge_on",
                f"the plate is seen nearly edge-on (its outline is {axis_ratio:.2f} as wide as tall, about "
                f"{math.degrees(math.acos(axis_ratio)):.0f} degrees off): its outline and the scale are "
                "uncertain. Film from the side, square to the bar",
                Severity.DOUBT,
            )
        ]
    angle = view_deg if math.isfinite(view_deg) else math.nan
    if math.isfinite(axis_ratio) and axis_ratio < 0.9 and plate_scale:
        angle = math.degrees(math.acos(axis_ratio))
    if math.isfinite(angle) and angle > settings.oblique_view_deg:
        return [
            Finding(
                "camera_oblique",
                f"the camera is about {angle:.0f} degrees off the side: vertical velocity holds if it is level, "
                "but horizontal bar motion looks shorter than it is. Film square to the bar for bar paths",
                Severity.NOTE,
            )
        ]
    return []


def is_front_view(view_deg: float, settings: CaptureCheckSettings | None = None) -> bool:
    """True when the camera looks at the lifter from the front or the back (``front_view_deg``)."""
    limit = (settings or CaptureCheckSettings()).front_view_deg
    return math.isfinite(view_deg) and view_deg > limit


def no_extension_from_front(view_deg: float, reps: list[RepMetrics]) -> list[Finding]:
    """A note for a front (or back) view of an Olympic lift (``reps`` whose triple extension was
    left out): hip, knee and ankle bend in the sagittal plane, which the camera sees edge-on, so no
    joint angle of the pull is measured."""
    if not reps:
        return []
    return [
        Finding(
            "extension_not_seen",
            f"filmed from the front or the back (about {view_deg:.0f} degrees off the side): the hip, knee "
            "and ankle bend in a plane seen edge-on from here, so triple extension is not measured. "
            "Film from the side, or up to 30 degrees in front of it, for joint angles",
            Severity.NOTE,
        )
    ]


def scale_against_body(
    measured_mpp: float,
    body: BodyScale | None,
    *,
    method: str,
    switched: bool,
) -> list[Finding]:
    """The scale against the lifter's body: a plate whose size disagrees with the body is not the
    plate's outer rim (a hub, a ring, another round thing); ``switched``: the body's scale is used."""
    if body is None or body.agrees_with(measured_mpp):
        return []
    ratio = body.ratio(measured_mpp)
    what = {"plate": "the plate's size", "aruco": "the marker's size", "known_length": "the length given"}
    source = what.get(method, "the scale")
    if switched:
        message = (
            f"{source} gives a scale {ratio:.2f} times the lifter's body's, beyond what body sizes allow: the "
            "circle found is not a 45 cm plate's outer rim (smaller plates, or a hub or ring of the plate). "
            f"Velocities use the body's scale instead (lifter assumed {body.stature_m:.2f} m tall, so about "
            "+/-15 %); for a precise scale give the plates' diameter (--plate METRES) or --known-length"
        )
    else:
        message = (
            f"{source} gives a scale {ratio:.2f} times the lifter's body's, beyond what body sizes allow: "
            "check the scale (--plate, --marker-m, --known-length)"
        )
    return [Finding("scale_disagrees_with_body", message, Severity.DOUBT)]


def camera_moved(
    track: PixelTrack,
    reps: list[RepMetrics],
    camera: dict[str, object] | None,
    *,
    settings: CaptureCheckSettings,
) -> list[Finding]:
    """What the camera's motion does to the reps: a cut within a rep (two views joined: suspect),
    a stretch within a rep where the motion could not be measured (a doubt), and a camera that moved
    and was followed (a note: the bar path is the scene's)."""
    if camera is None or not camera.get("measured"):
        return []
    findings = []
    cuts = [float(t) for t in camera.get("cuts_t_s") or []]  # type: ignore[attr-defined]
    unknown = np.asarray(track.camera_status) == CameraStatus.UNKNOWN
    for rep in reps:
        inside = [t for t in cuts if rep.start_s < t < rep.end_s]
        if inside:
            findings.append(
                Finding(
                    "camera_cut",
                    f"the view changed abruptly during the rep (at {inside[0]:.2f} s: a cut, or a camera "
                    "moved too fast to follow), so its numbers join two views. Film from a fixed camera",
                    Severity.DOUBT,
                    reps=(rep.index,),
                    suspect=True,
                )
            )
            continue
        frames = _rep_frames(track, rep)
        if frames.any() and unknown[frames].mean() > settings.max_unknown_camera_frac:
            findings.append(
                Finding(
                    "camera_unknown",
                    f"the camera's motion could not be measured in {100 * unknown[frames].mean():.0f} % of "
                    "the rep's frames (too little background in view): its bar path assumes the camera "
                    "moved steadily there. Film from a fixed camera",
                    Severity.DOUBT,
                    reps=(rep.index,),
                )
            )
    moved = camera.get("moved_fraction")
    if isinstance(moved, float | int) and moved > settings.camera_moved_frac:
        findings.append(
            Finding(
                "camera_moved",
                f"the camera moved (by up to {100 * moved:.0f} % of the frame): the bar path was taken in the "
                "still scene behind it; a fixed camera measures best",
                Severity.NOTE,
            )
        )
    return findings


@dataclass(frozen=True)
class CaptureFacts:
    """What the capture checks read beside the track.

    Attributes:
        metres_per_px: the scale used.
        scale_method: where it came from (``plate``, ``aruco``, ``known_length``, ``body``).
        plate_scale: True when the plate tracker found the bar (its plate's size, or the body's when
            the plate's was refuted, gives the scale).
        measured_mpp: the scale the plate, marker or given length gave (before any switch).
        body: the lifter's body's scale, None when pose did not see enough of the body.
        switched_to_body: the body's scale replaced the plate's.
        edge_on: the bar was measured between the plates seen edge-on (a front or back view).
        view_deg: the camera's angle off the lifter's side (NaN when unknown).
        axis_ratio: the plate outline's median minor over major axis (NaN when unknown).
        source_error: why the video ended early, None when it did not.
        camera: the report's ``camera`` section (how the camera moved), None when not measured.
        scale_radius_px: the radius of the plate the plate's scale was measured on (its scene
            pixels), NaN when the scale is not a plate's.
    """

    metres_per_px: float
    scale_method: str
    plate_scale: bool
    measured_mpp: float
    body: BodyScale | None = None
    switched_to_body: bool = False
    edge_on: bool = False
    view_deg: float = math.nan
    axis_ratio: float = math.nan
    source_error: str | None = None
    camera: dict[str, object] | None = None
    scale_radius_px: float = math.nan


def source_broke(error: str | None) -> list[Finding]:
    if error is None:
        return []
    return [
        Finding(
            "source_incomplete", f"{error.rstrip('.')}; reps after that point are missing", Severity.DOUBT
        )
    ]


def check_capture(
    track: PixelTrack,
    reps: list[RepMetrics],
    facts: CaptureFacts,
    *,
    lift: Lift,
    settings: CaptureCheckSettings | None = None,
) -> list[Finding]:
    """Every capture check on a video's set (the reps already suspect are left alone)."""
    settings = settings or CaptureCheckSettings()
    live = [r for r in reps if r.status is not RepStatus.SUSPECT]
    findings = [
        *source_broke(facts.source_error),
        *camera_view(
            facts.view_deg,
            facts.axis_ratio,
            live,
            plate_scale=facts.plate_scale,
            settings=settings,
            edge_on=facts.edge_on,
        ),
        *scale_against_body(
            facts.measured_mpp,
            facts.body,
            method="plate" if facts.switched_to_body else facts.scale_method,
            switched=facts.switched_to_body,
        ),
        *hands_follow_the_bar(track, live, lift=lift, metres_per_px=facts.metres_per_px, settings=settings),
        *hands_rose_alone(track, reps, lift=lift, metres_per_px=facts.metres_per_px, settings=settings),
        *stood_up_from_failed(track, live, lift=lift, metres_per_px=facts.metres_per_px),
    ]
    findings += camera_moved(track, live, facts.camera, settings=settings)
    if facts.plate_scale:
        findings += plate_partly_outside(track, live, settings=settings)
        findings += plate_size_changes(track, live, settings=settings, scale_radius_px=facts.scale_radius_px)
    return findings
