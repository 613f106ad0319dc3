"""Checks of a video's set that need what capture saw: the plate in the picture, the lifter's body,
the camera's view, the scale.

Each returns ``Finding``s (``vbt.quality.verdict``); ``check_capture`` runs them all. Positions are
the track's pixels; a rep's frames are those between its start and end on the track's clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vbt.calibration.body import BodyScale
from vbt.capture.camera.types import CameraStatus
from vbt.capture.track import PixelTrack, in_scene
from vbt.quality.holder import hands_follow_the_bar, hands_rose_alone, rep_frames
from vbt.quality.settings import CaptureCheckSettings
from vbt.quality.stood import stood_up_from_failed
from vbt.quality.verdict import Finding, Severity
from vbt.types import Lift, RepMetrics, RepStatus


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
        frames = rep_frames(track, rep) & np.isfinite(r)
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
        radii = sizes[rep_frames(track, rep)]
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
        frames = rep_frames(track, rep)
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
