"""The one frame loop: a video (or camera, or stream) to a set's analysis.

::

    FrameSource ──Frame──▶ pose (wrists as hands) ┐
                           bar tracker            ┤
                           camera motion          ┴─▶ Observation (pixels, NaN unseen) ─▶ PixelTrack
    PixelTrack (in its scene) + Calibration ──▶ Trajectory (metres, seconds) ──▶ analyze_trajectory

The camera's motion is measured from the background (``vbt.capture.camera.BackgroundMotion``) and
every position is put in its scene's pixels before it becomes metres; ``StillCamera`` skips that (a
tripod). The report's ``camera`` section says how far the camera moved, where its motion could not
be measured and where the view was cut (``vbt.capture.camera.scene.camera_summary``).

``observe`` is the loop itself, one frame at a time (``Observer`` for a caller that feeds frames
one by one, as the live path does; both in ``vbt.capture.observer``); ``track_video`` runs it over a
whole source into a ``PixelTrack`` (frames are never held: memory stays bounded whatever the
video's length); ``analyze_tracked`` calibrates and analyses a track; ``analyze_video`` does all of
it.

Speed: ``track_video`` decodes a file on a thread of its own (``ReadAhead``) and runs the pose of
the next frame while the bar tracker works on this one (``Observer``). Decoder and pose release
Python's lock, so with a second core free the tracker's and the decoder's time hide behind the
pose's; on a machine whose cores are all busy the gain goes, and the CPU time is what it was. The
results are those of the plain loop, frame for frame.

A source that breaks midway (a truncated file, a stream that drops) does not lose what came before:
the frames read are tracked and analysed, and ``VideoAnalysis.error`` says what happened.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from vbt.capture.bar import (
    ArucoTracker,
    BarMethod,
    BarTracker,
    ColorMarkerTracker,
    EdgeOnPlateTracker,
    PlateTracker,
    RevisingBarTracker,
    WholeClipTracker,
    WristMidpointTracker,
)
from vbt.capture.camera import BackgroundMotion, CameraMotionEstimator
from vbt.capture.import_ahead import AFTER_THE_LOOP, ImportAhead
from vbt.capture.observer import Observer, Sighting, observe, opencv_single_threaded
from vbt.capture.picture import Picture, PictureSettings
from vbt.capture.pose import BODY_POINTS, PoseEstimator
from vbt.capture.pose.pending import PendingPose
from vbt.capture.readahead import ReadAhead
from vbt.capture.recording import TIMED_BY_ARRIVAL, SetRecording
from vbt.capture.reread import FileFrames
from vbt.capture.sources import FrameSource, VideoFileSource, open_source
from vbt.capture.track import PixelTrack, calibrate_track, to_trajectory
from vbt.errors import InputError, NotEnoughDataError, VbtError
from vbt.lifts import parse_lift
from vbt.types import Frame, Lift, RepMetrics, Trajectory

if TYPE_CHECKING:  # imported where used: the frame loop does not wait for SciPy (see track_source)
    from vbt.analysis import AnalysisSettings, SetAnalysis
    from vbt.calibration import Calibration, CameraProfile
    from vbt.calibration.body import BodyScale

__all__ = [
    "Observer",
    "Sighting",
    "TrackedVideo",
    "VideoAnalysis",
    "analyze_file_tracked",
    "analyze_tracked",
    "analyze_video",
    "make_tracker",
    "observe",
    "track_source",
    "track_video",
]


def _picture_told(frames: Iterable[Frame], seen: Picture, tracker: BarTracker) -> Iterator[Frame]:
    """``frames``, telling a ``PlateTracker`` where the picture lies inside filled black bars once
    they are found (with the first frame): its rays are unknown beyond the picture's edge."""
    inner = tracker.plate if isinstance(tracker, WholeClipTracker) else tracker
    plate = inner if isinstance(inner, PlateTracker) else None
    for frame in frames:
        if plate is not None:
            plate.picture_rect_px = seen.filled_rect_px
            plate = None
        yield frame


def make_tracker(
    bar_method: BarMethod | str, *, marker_side_m: float | None = None, dot_colour: str = "green"
) -> BarTracker:
    """The bar tracker for a method name: ``plate`` (default), ``aruco``, ``color`` (a dot of
    ``dot_colour``, one of ``DOT_COLOURS``), ``edge_on`` (a front or back view: the plates seen
    edge-on) or ``wrists``."""
    try:
        method = BarMethod(bar_method)
    except ValueError:
        names = ", ".join(m.value for m in BarMethod)
        raise InputError(f"unknown bar method {bar_method!r}; use one of {names}") from None
    if method is BarMethod.PLATE:
        return PlateTracker()
    if method is BarMethod.ARUCO:
        return ArucoTracker(marker_side_m=marker_side_m)
    if method is BarMethod.COLOR:
        return ColorMarkerTracker.of_colour(dot_colour)
    if method is BarMethod.EDGE_ON:
        return EdgeOnPlateTracker()
    return WristMidpointTracker()


@dataclass(frozen=True, eq=False)
class TrackedVideo:
    """A source run through the frame loop.

    Attributes:
        track: the per-frame pixel track (of the frames read before any error).
        bar_method: how the bar was tracked.
        video: ``name``, ``fps`` (declared, informative), ``frames`` (tracked), ``duration_s``,
            ``size_px`` [w, h], ``rotation_deg``, and what ``Picture.report`` found:
            ``content_rect_px``, ``duplicate_frames_dropped``, ``content_fps``.
        error: why the source ended early, or None.
    """

    track: PixelTrack
    bar_method: BarMethod
    video: dict[str, Any]
    error: VbtError | None = None


def _progress_bar(source: FrameSource, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(
        total=source.frame_count,
        unit="frame",
        file=sys.stderr,
        desc=Path(source.name).name,
        leave=False,
        disable=None,  # only on a terminal
    )


def track_video(
    source: FrameSource,
    *,
    tracker: BarTracker,
    bar_method: BarMethod,
    pose: PoseEstimator | None = None,
    progress: bool = False,
    read_ahead: int = 3,
    overlap: bool = True,
    picture: PictureSettings | None = None,
    camera: CameraMotionEstimator | None = None,
) -> TrackedVideo:
    """Run the frame loop over a whole source (which the caller opens and closes).

    ``picture`` says what is done to the frames before pose and the tracker (``vbt.capture.picture``:
    black bars left out, a conversion's repeated frames left out); the track's positions are in the
    full frame's pixels and its times the pictures' own all the same. None: both for a file, neither
    for a live source (its frames are timed by arrival and must not wait behind a probe).

    ``camera`` measures the camera's motion frame by frame (a fresh estimator per source, e.g.
    ``BackgroundMotion()``); None takes the camera as still.

    ``read_ahead`` frames at most of a file (``VideoFileSource``) are decoded ahead on a thread of
    their own (0: decode on the caller's thread, between frames); ``overlap`` runs the pose of the
    next frame while the tracker works on this one (see ``vbt.capture.observer``). Neither changes
    the results.

    Ctrl-C stops early and keeps the frames tracked so far: the normal end of a live recording; for
    a file, ``error`` says it was interrupted. Errors of pose or tracker on one frame propagate (they
    are bugs or a broken model, not the video's fault).
    """
    if (
        isinstance(tracker, PlateTracker)
        and tracker.settings.whole_clip.use_whole_clip
        and _reads_a_file(source)
    ):
        tracker = WholeClipTracker(tracker)  # a file: its plate is chosen by the whole clip
    reviser = tracker if isinstance(tracker, RevisingBarTracker) else None
    recording = SetRecording(
        bar_method=bar_method, pose_ran=pose is not None, frame_size_px=source.size_px, reviser=reviser
    )
    bar = _progress_bar(source, progress)
    error: VbtError | None = None
    # Files only: a live source times its frames by their arrival, when read, and reading them on
    # another thread changes those times (on a loaded machine, more frames stamped a fraction of a
    # millisecond apart: spurious speeds); live sources are read here, between frames, as before.
    ahead = read_ahead > 0 and isinstance(source, VideoFileSource)
    if picture is None:
        file = _reads_a_file(source)
        picture = PictureSettings() if file else PictureSettings(borders=None, repeats=None)
    seen = Picture(source, picture)
    frames = ReadAhead(seen, depth=read_ahead) if ahead else seen
    with opencv_single_threaded():  # the loop's own threads use the cores (see observer)
        told = _picture_told(frames, seen, tracker)
        sightings = observe(told, tracker=tracker, pose=pose, overlap=overlap, camera=camera)
        try:
            for sighting in sightings:
                recording.add(sighting)
                if bar is not None:
                    bar.update(1)
        except KeyboardInterrupt:
            # Ctrl-C is how a camera or stream recording ends; a file stopped early is incomplete.
            if isinstance(source, VideoFileSource):
                error = InputError(
                    f"{source.name}: interrupted after {len(recording)} frames; those were used"
                )
        finally:
            sightings.close()  # ends the pose worker
            if isinstance(frames, ReadAhead):
                frames.stop()  # the reading thread ends before the caller closes the source
            if bar is not None:
                bar.close()
    reread = _file_of(source)
    if isinstance(tracker, WholeClipTracker) and reread is not None and error is None:
        crop = seen.crop
        again = FileFrames(
            reread,
            picture_rect_px=None if crop is None else crop.content_rect_px,
            cut=crop is not None and crop.settings.cut,
        )
        try:
            with again, opencv_single_threaded():
                tracker.finish(again)
            recording.revise(tracker.take_revisions())
        except VbtError as exc:  # the file read once but not again: the causal track stands
            error = exc
    return recording.tracked(
        name=source.name,
        track=seen.restore(recording.track()),
        fps=source.fps,
        frames_announced=source.frame_count,
        size_px=source.size_px,
        rotation_deg=source.rotation_deg,
        error=error or source.error,
        timed_by_arrival=not _reads_a_file(source),
        **seen.report(),
    )


def _reads_a_file(source: FrameSource) -> bool:
    """True for a ``VideoFileSource``, also behind wrappers that expose what they wrap as ``source``."""
    return _file_of(source) is not None


def _file_of(source: FrameSource) -> VideoFileSource | None:
    """The ``VideoFileSource`` ``source`` is or wraps (as its ``source``), or None (a live source)."""
    inner: object = source
    for _ in range(8):  # wrappers seldom nest deeper; a stand-in with every attribute stops here
        if isinstance(inner, VideoFileSource) or not hasattr(inner, "source"):
            break
        inner = inner.source
    return inner if isinstance(inner, VideoFileSource) else None


@dataclass(frozen=True, eq=False)
class VideoAnalysis:
    """A video's set analysed.

    Attributes:
        analysis: reps, summary, smoothed kinematics, warnings (as for a track CSV).
        trajectory: the track in metres (x forward, y up).
        track: the per-frame pixel track.
        calibration: the scale, facing and lens used.
        report_extra: ``video``, ``calibration``, ``tracking`` and ``camera`` sections for the JSON
            report (``camera``: see ``vbt.capture.camera.scene.camera_summary``).
        warnings: the analysis's warnings plus capture's (calibration, tracking).
        error: a ``VbtError`` when the source broke midway or no person was found; what was read
            before is analysed all the same. None when all went well.
    """

    analysis: SetAnalysis
    trajectory: Trajectory
    track: PixelTrack
    calibration: Calibration
    report_extra: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    error: VbtError | None = None


def _tracking_section(tracked: TrackedVideo) -> dict[str, Any]:
    track = tracked.track
    pose = track.pose_detected_fraction
    return {
        "bar_detected_fraction": round(track.bar_detected_fraction, 4),
        "pose_detected_fraction": None if math.isnan(pose) else round(pose, 4),
        "bar_method": tracked.bar_method.value,
        "low_accuracy": tracked.bar_method.low_accuracy,
    }


def analyze_tracked(
    tracked: TrackedVideo,
    *,
    lift: Lift | str,
    load_kg: float | None = None,
    plate: str | float = "bumper",
    marker_side_m: float | None = None,
    known_length: tuple[float, float] | None = None,
    camera_profile: CameraProfile | None = None,
    joints: Trajectory | None = None,
    calibration: Calibration | None = None,
) -> VideoAnalysis:
    """Calibrate a tracked video and analyse its set (see ``analyze_video`` for the settings);
    ``joints``: a track with joints measured elsewhere, on the video's clock, used instead of the
    pose's (:func:`vbt.capture.given_joints.join_given_joints`).

    ``calibration``: a scale fixed beforehand, used as it is (live mode's, so that the saved report
    measures with the scale its reps were posted with); None: measured on the whole track.

    Raises:
        VbtError: no bar was seen (``InputError``), no scale (``CalibrationError``), or too little
            to analyse (``NotEnoughDataError``; when the source broke early, that error instead).
    """
    from vbt.analysis import analyze_trajectory, with_findings
    from vbt.calibration import plate_diameter_m
    from vbt.capture.camera.scene import camera_summary, camera_warnings
    from vbt.kinematics.series import SmoothingSettings
    from vbt.quality.capture import CaptureFacts, check_capture, is_front_view, no_extension_from_front

    lift = parse_lift(lift)
    track, name = tracked.track, tracked.video["name"]
    if len(track) == 0 or not track.bar_seen.any():
        what = {BarMethod.PLATE: "plate", BarMethod.EDGE_ON: "pair of plates seen edge-on"}.get(
            tracked.bar_method, f"bar ({tracked.bar_method.value})"
        )
        raise _with_source_error(
            InputError(
                f"{name}: no {what} found in {len(track)} frames. Film side-on with the whole plate "
                "in view, or choose another bar method (--bar aruco|color|wrists)"
            ),
            tracked.error,
        )
    try:
        measured = calibration or calibrate_track(
            track,
            bar_method=tracked.bar_method,
            plate=plate,
            marker_side_m=marker_side_m,
            known_length=known_length,
            camera=camera_profile,
            size_px=tuple(tracked.video["size_px"]) if tracked.video["size_px"] else None,
        )
    except VbtError as exc:
        raise _with_source_error(exc, tracked.error) from None
    body = body_scale_of(track)
    plate_scale = measured.method == "plate"
    # A plate whose size the lifter's body refutes is not the plate's outer rim: never a wrong
    # plate's scale; the body's, with the verdict saying so.
    switched = (
        calibration is None
        and plate_scale
        and body is not None
        and not body.agrees_with(measured.metres_per_px)
    )
    calibration = (
        replace(measured, metres_per_px=body.metres_per_px, method="body")
        if switched and body is not None
        else measured
    )
    trajectory = to_trajectory(track, calibration)
    if joints is not None:
        from vbt.capture.given_joints import join_given_joints

        trajectory = join_given_joints(trajectory, joints)
    settings = video_analysis_settings(
        plate, timed_by_arrival=tracked.video.get("timed_by") == TIMED_BY_ARRIVAL
    )
    try:
        analysis = analyze_trajectory(trajectory, lift=lift, load_kg=load_kg, settings=settings)
    except NotEnoughDataError as exc:
        raise _with_source_error(NotEnoughDataError(f"{name}: {exc}"), tracked.error) from None
    view_deg = view_of(track, tracked.bar_method)
    front: list[RepMetrics] = []
    if is_front_view(view_deg) and lift.is_olympic:  # the pull's joint angles are not in view
        front = [r for r in analysis.reps if r.triple_extension is not None]
        analysis = replace(
            analysis,
            reps=[replace(r, triple_extension=None) for r in analysis.reps],
            findings=tuple(f for f in analysis.findings if f.code != "extension_unseen"),
        )
    size = tuple(tracked.video["size_px"]) if tracked.video["size_px"] else None
    camera = camera_summary(track.t_s, track.camera_to_scene_px, track.camera_status, size_px=size)
    facts = CaptureFacts(
        metres_per_px=calibration.metres_per_px,
        scale_method=calibration.method,
        plate_scale=plate_scale,
        measured_mpp=measured.metres_per_px,
        body=body,
        switched_to_body=switched,
        edge_on=tracked.bar_method is BarMethod.EDGE_ON,
        view_deg=view_deg,
        axis_ratio=_median_axis_ratio(track),
        source_error=None if tracked.error is None else str(tracked.error),
        camera=camera,
        scale_radius_px=0.5 * plate_diameter_m(plate) / measured.metres_per_px if plate_scale else math.nan,
    )
    findings = check_capture(track, analysis.reps, facts, lift=lift) + no_extension_from_front(
        view_deg, front
    )
    analysis = with_findings(analysis, findings)
    warnings = list(calibration.warnings)
    error = tracked.error
    if tracked.bar_method.low_accuracy:
        warnings.append(
            "the bar position is the wrists' midpoint from pose: velocities are approximate "
            "(low accuracy); a plate in view or a marker on the sleeve does better"
        )
    if track.pose_ran and not track.person_seen.any():
        no_person = InputError(
            f"{name}: no person found, so no joint angles or triple extension; film the whole "
            "lifter side-on (the bar results above do not need the lifter)"
        )
        error = error or no_person
        warnings.append(str(no_person))
    warnings += camera_warnings(camera, max_gap_s=SmoothingSettings().max_gap_s)
    warnings += analysis.warnings
    extra: dict[str, Any] = {
        "video": {k: v for k, v in tracked.video.items() if k != "name"},
        "calibration": {
            "method": calibration.method,
            "metres_per_px": calibration.metres_per_px,
            "measured_metres_per_px": measured.metres_per_px,
            "body_metres_per_px": None if body is None else body.metres_per_px,
            "body_metres_per_px_range": None if body is None else [body.low, body.high],
            "view_deg": None if math.isnan(facts.view_deg) else round(facts.view_deg, 1),
            "facing": calibration.facing.value,
            "camera_profile": None if camera_profile is None else (camera_profile.name or "given"),
            "warnings": list(calibration.warnings),
        },
        "tracking": _tracking_section(tracked),
        "camera": camera,
    }
    if error is not None:
        extra["error"] = str(error)
    return VideoAnalysis(
        analysis=analysis,
        trajectory=trajectory,
        track=track,
        calibration=calibration,
        report_extra=extra,
        warnings=warnings,
        error=error,
    )


def video_analysis_settings(plate: str | float, *, timed_by_arrival: bool = False) -> AnalysisSettings:
    """The analysis settings of a filmed set (the plate's radius for triple extension), the same for
    ``analyze_tracked`` and live mode's online analysis. ``timed_by_arrival``: the frames' times are
    when they were read (a camera, a stream), so a rep's frames read faster than they came are
    checked for (``MotionCheckSettings.use_frame_rate``)."""
    from vbt.analysis import AnalysisSettings
    from vbt.calibration import plate_diameter_m
    from vbt.kinematics.extension import ExtensionSettings
    from vbt.quality.motion import MotionCheckSettings

    return AnalysisSettings(
        extension=ExtensionSettings(plate_radius_m=plate_diameter_m(plate) / 2),
        checks=MotionCheckSettings(use_frame_rate=timed_by_arrival),
    )


def view_of(track: PixelTrack, bar_method: BarMethod) -> float:
    """The camera's angle off the lifter's side from the body (`view_angle_deg`), degrees, NaN when
    unknown; with the plate tracker's track, frames where its plate hides the shoulders or hips are
    left out."""
    from vbt.calibration.body import view_angle_deg

    if not track.pose_ran:
        return math.nan
    face_on = bar_method is BarMethod.PLATE
    return view_angle_deg(
        track.body_xy_px,
        track.body_visibility,
        BODY_POINTS,
        bar_xy_px=track.bar_xy_px if face_on else None,
        plate_radius_px=track.bar_size_px if face_on else None,
    )


def body_scale_of(track: PixelTrack) -> BodyScale | None:
    """The plate plane's scale by the lifter's legs (not where the plate hides them)."""
    from vbt.calibration.body import body_scale

    if not track.pose_ran:
        return None
    return body_scale(
        track.body_xy_px,
        track.body_visibility,
        BODY_POINTS,
        bar_xy_px=track.bar_xy_px,
        plate_radius_px=track.bar_size_px,
    )


def _median_axis_ratio(track: PixelTrack) -> float:
    ratios = track.bar_axis_ratio[track.bar_seen & np.isfinite(track.bar_axis_ratio)]
    return float(np.median(ratios)) if ratios.size else math.nan


def _with_source_error(exc: VbtError, source_error: VbtError | None) -> VbtError:
    """The source's own error (the real cause) with ``exc`` as a consequence, when there is one."""
    if source_error is None:
        return exc
    return type(source_error)(f"{source_error} Too little was read to analyse: {exc}")


def track_source(
    source: str | Path | FrameSource,
    *,
    model_path: str | os.PathLike[str] | None = None,
    variant: str = "lite",
    bar_method: BarMethod | str = "plate",
    marker_side_m: float | None = None,
    progress: bool = False,
    with_pose: bool = True,
    camera: CameraMotionEstimator | None = None,
    dot_colour: str = "green",
    pose: PoseEstimator | None = None,
) -> TrackedVideo:
    """Open a source (unless given open), make the pose estimator (unless given) and bar tracker,
    run the loop.

    See ``analyze_video`` for the parameters. The pose estimator and a source opened here are
    closed before returning; a ``pose`` given is left to its caller.

    Start-up overlaps: the source opens first (a bad video is reported before the model is looked
    for), then the model's bundle is found and checked (a missing one is reported at once) and
    MediaPipe's landmarker is made on a thread of its own (``PendingPose``) while this thread sets
    the loop up and, for a file, the first frames are decoded; the loop waits for the model at its
    first pose call (a live source waits before its first frame, whose time is its arrival). A
    model MediaPipe cannot load stops the loop with the same ``ModelError``. The analysis's modules
    (SciPy) are imported on another thread once the model is loaded, while a file's loop runs
    (``ImportAhead``): imported beside the model's load they only delay the model (both imports hold
    Python's lock), and imported after the loop nothing overlaps them.
    """
    tracker = make_tracker(bar_method, marker_side_m=marker_side_m, dot_colour=dot_colour)
    method = BarMethod(bar_method)
    if method in (BarMethod.WRISTS, BarMethod.EDGE_ON) and not with_pose:
        raise InputError(f"the {method.value} bar method needs pose; do not turn pose off with it")
    if pose is not None and not with_pose:
        raise InputError("a pose estimator was given with pose turned off: give one or the other")
    pending: PendingPose | None = None
    ahead: ImportAhead | None = None
    opened: FrameSource | None = None
    try:
        if isinstance(source, Path):  # the source first: a bad video is reported before the model
            frames: FrameSource = VideoFileSource(source)
            opened = frames
        elif isinstance(source, str):
            frames = opened = open_source(source)
        else:
            frames = source
        if with_pose and pose is None:
            pending = _start_pose(model_path, variant)
        if pending is not None and not _reads_a_file(frames):
            pending.wait()  # a live source's frames are timed as they arrive: none may wait for the model
        elif pending is not None:
            ahead = ImportAhead(AFTER_THE_LOOP, after=pending.wait)
        tracked = track_video(
            frames,
            tracker=tracker,
            bar_method=method,
            pose=pose if pose is not None else pending,
            progress=progress,
            camera=camera if camera is not None else BackgroundMotion(),
        )
        if pending is not None:
            pending.wait()  # a model that failed to load says so, as before, when no frame asked for it
        return tracked
    finally:
        if ahead is not None:
            ahead.close()
        if opened is not None:
            opened.close()
        if pending is not None:
            pending.close()


def _start_pose(model_path: str | os.PathLike[str] | None, variant: str) -> PendingPose:
    """MediaPipe's pose estimator, made on a thread of its own (``PendingPose``). The bundle is found
    and checked here, on the caller's thread: a missing or damaged model is reported at once."""
    from vbt.capture.models import check_bundle, find_model
    from vbt.capture.pose import MediaPipePose

    bundle = find_model(variant) if model_path is None else check_bundle(model_path)
    return PendingPose(lambda: MediaPipePose(bundle, variant=variant))


def analyze_video(
    source: str | Path | FrameSource,
    *,
    lift: Lift | str,
    load_kg: float | None = None,
    model_path: str | os.PathLike[str] | None = None,
    variant: str = "lite",
    bar_method: BarMethod | str = "plate",
    plate: str | float = "bumper",
    marker_side_m: float | None = None,
    known_length: tuple[float, float] | None = None,
    camera_profile: CameraProfile | str | os.PathLike[str] | None = None,
    progress: bool = False,
    with_pose: bool = True,
    camera: CameraMotionEstimator | None = None,
    pose: PoseEstimator | None = None,
) -> VideoAnalysis:
    """Analyse the set in a video, camera or stream (a file gets a second look when the whole clip
    says the plate found was not the plate: ``vbt.capture.second_pass``).

    Parameters:
        source: a file path, what a user typed (``"0"`` for a camera, a stream URL) or an open
            ``FrameSource`` (left open: the caller closes it).
        lift: the lift performed.
        load_kg: bar load (adds power).
        model_path, variant: the pose model (``vbt.capture.models.find_model`` when no path).
        bar_method: ``plate`` (markerless, default), ``aruco``, ``color`` or ``wrists``.
        plate: the plate's name or outer diameter in metres, for the plate-based scale.
        marker_side_m: an ArUco marker's printed side, metres.
        known_length: ``(pixels, metres)`` of a length in the bar's plane; overrides the scale.
        camera_profile: a lens profile, or its JSON file (``vbt calibrate --checkerboard``), to
            undistort with.
        progress: a progress bar on stderr.
        with_pose: run pose (joints, triple extension, hands to find the bar); False for clips
            without a person.
        camera: the camera motion estimator; None measures the motion from the background
            (``BackgroundMotion``), ``StillCamera()`` takes the camera as still (a tripod).
        pose: the pose estimator, instead of the one ``model_path`` and ``variant`` make: another
            model, or the poses an earlier analysis of the same file found, replayed
            (``vbt.capture.replay.TrackPose``: the bar found another way without pose's cost).
            Left open.

    Raises:
        VbtError: the source does not open; the model is missing; no bar, no scale or too little
            data (see ``analyze_tracked``).
    """
    from vbt.calibration import CameraProfile, load_camera_profile

    if camera_profile is not None and not isinstance(camera_profile, CameraProfile):
        camera_profile = load_camera_profile(Path(camera_profile))  # before the long part: fail early
    tracked = track_source(
        source,
        model_path=model_path,
        variant=variant,
        bar_method=bar_method,
        marker_side_m=marker_side_m,
        progress=progress,
        with_pose=with_pose,
        camera=camera,
        pose=pose,
    )
    return analyze_file_tracked(
        tracked,
        lift=lift,
        load_kg=load_kg,
        plate=plate,
        marker_side_m=marker_side_m,
        known_length=known_length,
        camera_profile=camera_profile,
    )


def analyze_file_tracked(
    tracked: TrackedVideo,
    *,
    lift: Lift | str,
    load_kg: float | None = None,
    plate: str | float = "bumper",
    marker_side_m: float | None = None,
    known_length: tuple[float, float] | None = None,
    camera_profile: CameraProfile | None = None,
) -> VideoAnalysis:
    """``analyze_tracked``, then the second look a file allows when the whole clip says the plate
    found was not the plate (``vbt.capture.second_pass``), or a front view's look between its plates
    seen edge-on (``vbt.capture.front_pass``; also when the first pass found no plate at all). A
    ``known_length`` is the scale as given: no second look.

    Raises:
        VbtError: as ``analyze_tracked``, when no look finds more.
    """
    try:
        result = analyze_tracked(
            tracked,
            lift=lift,
            load_kg=load_kg,
            plate=plate,
            marker_side_m=marker_side_m,
            known_length=known_length,
            camera_profile=camera_profile,
        )
    except VbtError:
        # A front view's first pass may find no round plate at all: its plates are edge-on.
        from vbt.capture.front_pass import needs_front_look, track_front  # they build on this module

        if known_length is not None or not needs_front_look(tracked):
            raise
        front = track_front(tracked, lift=lift, load_kg=load_kg, plate=plate, camera_profile=camera_profile)
        if not isinstance(front, tuple):
            raise
        return front[1]
    if known_length is not None:
        return result
    from vbt.capture.second_pass import second_look  # it builds on this module

    return second_look(
        tracked, result, lift=lift, load_kg=load_kg, plate=plate, camera_profile=camera_profile
    )[1]
