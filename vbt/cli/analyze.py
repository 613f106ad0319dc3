"""``vbt analyze``: every rep of one set, from a video file, a camera, a stream or a track CSV.

Whatever was computed before an error (a report, a track) is written first.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from vbt.cli.options import Subparsers, add_capture_options, add_lift_option, load_kg, native_logs_silenced
from vbt.errors import InputError, VbtError
from vbt.types import Lift

if TYPE_CHECKING:
    from vbt.calibration import CameraProfile
    from vbt.capture.pipeline import TrackedVideo, VideoAnalysis
    from vbt.types import Trajectory


def add_command(commands: Subparsers) -> None:
    """Register ``vbt analyze``."""
    analyze = commands.add_parser(
        "analyze",
        help="measure every rep of a set from a video, a camera, a stream or a track CSV",
        description=(
            "Segment and measure every rep of one set. INPUT is a video file (any format OpenCV reads), "
            "a camera index (0), a stream URL (rtsp://..., http://.../video) or a track CSV (see the README)."
        ),
    )
    analyze.add_argument("input", metavar="INPUT", help="video, camera index, stream URL or track CSV")
    add_lift_option(analyze)
    analyze.add_argument("--load-kg", type=load_kg, default=None, help="bar load in kg (adds power)")
    analyze.add_argument(
        "--json", type=Path, default=None, metavar="OUT.json", help="write the report as JSON"
    )
    analyze.add_argument("--quiet", action="store_true", help="do not print the table")
    analyze.add_argument(
        "--plot", type=Path, default=None, metavar="OUT.png", help="write velocity and joint-angle plots"
    )
    analyze.add_argument(
        "--track-csv",
        type=Path,
        default=None,
        metavar="OUT.csv",
        help="write the per-frame track (metres, and pixels for a video; a track CSV INPUT as vbt read it)",
    )
    video = analyze.add_argument_group("video, camera and stream input")
    video.add_argument(
        "--video",
        type=Path,
        default=None,
        metavar="OUT.mp4",
        help="write the annotated video (a video file INPUT only)",
    )
    add_capture_options(video)
    video.add_argument(
        "--joints",
        type=Path,
        default=None,
        metavar="TRACK.csv",
        help="joints from a track CSV on the video's clock instead of the pose model (another tool's, or "
        "the synthetic lifter's beside a rendered clip); its bar columns place them",
    )
    # what a track CSV INPUT cannot use: each option's flag and default, to name the ones given
    video_only = {a.dest: (a.option_strings[0], a.default) for a in video._group_actions if a.dest != "video"}
    analyze.set_defaults(handler=_analyze, video_only=video_only)


_TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})


def _is_track_csv(text: str) -> bool:
    """True when INPUT is a track CSV by its content (text whose header names t_s), or a .csv name."""
    from vbt.capture.sources import STREAM_SCHEMES

    if text.strip().isdigit() or text.partition("://")[0].lower() in STREAM_SCHEMES:
        return False
    path = Path(text)
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a video file or a track CSV")
    if not path.is_file():
        return path.suffix.lower() in _TEXT_SUFFIXES
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from None
    if b"\\0" in head:
        return False
    first_line = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    return "t_s" in first_line or path.suffix.lower() in _TEXT_SUFFIXES


def _analyze(args: argparse.Namespace) -> int:
    if _is_track_csv(args.input):
        return _analyze_track(args)
    return _analyze_video(args)


def _analyze_track(args: argparse.Namespace) -> int:
    from vbt.analysis import analyze_trajectory
    from vbt.report.json_report import set_report, write_json
    from vbt.report.table import format_table
    from vbt.trackio import read_track_csv

    path = Path(args.input)
    _check_track_outputs(args, path)
    lift = Lift(args.lift)
    trajectory = read_track_csv(path)
    try:
        analysis = analyze_trajectory(trajectory, lift=lift, load_kg=args.load_kg)
    except VbtError as exc:
        raise type(exc)(f"{path}: {exc}") from None
    if not args.quiet:  # the table first: a report that cannot be written loses nothing on screen
        print(format_table(analysis, title=f"{path.name}: {lift.value}"), flush=True)
    written: list[tuple[str, Path]] = []
    if args.json is not None:
        write_json(args.json, set_report(analysis, input_name=str(path)))
        written.append(("report", args.json))
    if args.track_csv is not None:
        _write_track_csv(args.track_csv, trajectory)
        written.append(("track", args.track_csv))
    if args.plot is not None:
        from vbt.report.plot import plot_set

        plot_set(analysis, args.plot)
        written.append(("plot", args.plot))
    if not args.quiet and written:
        print()
        for label, out in written:
            print(f"{label} written to {out}")
    return 0


def _check_track_outputs(args: argparse.Namespace, path: Path) -> None:
    """Refuse, before any work, what a track CSV cannot give: an annotated video (it has no pictures),
    the options of tracking a video (silently unused otherwise), or a --track-csv written over the
    input (its pixel columns would be lost)."""
    if args.video is not None:
        beside = [v for v in (path.with_suffix(s) for s in (".mp4", ".avi", ".mov", ".mkv")) if v.is_file()]
        source = (
            f"the video beside it: vbt analyze {beside[0]} ... --video {args.video}"
            if beside
            else "the video it was measured from"
        )
        raise InputError(
            f"--video draws on a video's frames; {path} is a track CSV, which has none. Analyse {source}, "
            "or leave out --video"
        )
    given = [flag for dest, (flag, default) in args.video_only.items() if getattr(args, dest) != default]
    if given:
        raise InputError(
            f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} for a video, camera or stream; {path} is "
            "a track CSV, already measured in metres: leave them out"
        )
    if args.track_csv is not None and args.track_csv.resolve() == path.resolve():
        raise InputError(f"--track-csv {args.track_csv} would overwrite the input; give another file name")


def _write_track_csv(out: Path, trajectory: Trajectory) -> None:
    from vbt.trackio import write_track_csv

    try:
        write_track_csv(out, trajectory)
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from None


def _analyze_video(args: argparse.Namespace) -> int:
    from vbt.calibration import load_camera_profile
    from vbt.capture.camera import StillCamera
    from vbt.capture.pipeline import analyze_tracked, track_source
    from vbt.capture.sources import quiet_decoder_logs

    quiet_decoder_logs()
    if args.video is not None and not Path(args.input).is_file():
        raise InputError(
            f"--video redraws a video file; {args.input} is a live source. Record it to a file first, "
            "or leave out --video"
        )
    camera = load_camera_profile(args.camera_profile) if args.camera_profile is not None else None
    joints = _given_joints(args)
    with_pose = not args.no_pose and joints is None
    spec: str = args.input
    with native_logs_silenced(with_pose):
        tracked = track_source(
            spec,
            model_path=args.model,
            variant=args.model_variant,
            bar_method=args.bar,
            marker_side_m=args.marker_m,
            progress=not args.quiet,
            with_pose=with_pose,
            camera=StillCamera() if args.still_camera else None,
            dot_colour=args.dot_colour,
        )
    try:
        result = analyze_tracked(
            tracked,
            lift=args.lift,
            load_kg=args.load_kg,
            plate=args.plate,
            marker_side_m=args.marker_m,
            known_length=args.known_length,
            camera_profile=camera,
            joints=joints,
        )
    except VbtError:
        front = _front_instead(tracked, args, camera) if args.known_length is None else None
        if front is None:
            if args.track_csv is not None and len(tracked.track):
                _write_track(args.track_csv, tracked, None)  # the pixels, for another try
            raise
        tracked, result = front
    if args.known_length is None:
        from vbt.capture.second_pass import second_look

        tracked, result = second_look(
            tracked, result, lift=args.lift, load_kg=args.load_kg, plate=args.plate, camera_profile=camera
        )
    _video_outputs(args, tracked, result)
    if result.error is not None:
        raise result.error  # after everything was written: one line, exit 2
    return 0


def _front_instead(
    tracked: TrackedVideo, args: argparse.Namespace, camera: CameraProfile | None
) -> tuple[TrackedVideo, VideoAnalysis] | None:
    """A front view whose first pass found no round plate, measured between its plates seen edge-on
    (``vbt.capture.front_pass``); None when it is not a front view or they were not found."""
    from vbt.capture.front_pass import needs_front_look, track_front

    if not needs_front_look(tracked):
        return None
    try:
        front = track_front(
            tracked, lift=args.lift, load_kg=args.load_kg, plate=args.plate, camera_profile=camera
        )
    except VbtError:
        return None
    return None if not isinstance(front, tuple) else front


def _given_joints(args: argparse.Namespace) -> Trajectory | None:
    """The track CSV --joints names (read before the video, so a bad one costs nothing), or None."""
    if args.joints is None:
        return None
    import numpy as np

    from vbt.trackio import read_track_csv

    if args.bar == "wrists":
        raise InputError("--bar wrists finds the bar from the pose; --joints turns the pose off. Choose one")
    joints = read_track_csv(args.joints)
    if not np.isfinite(joints.joints_xy_m).any():
        raise InputError(
            f"{args.joints} has no joint columns (hip_x_m, hip_y_m, ...); see the README's track CSV"
        )
    return joints


def _video_outputs(args: argparse.Namespace, tracked: TrackedVideo, result: VideoAnalysis) -> None:
    from vbt.report.json_report import set_report, write_json
    from vbt.report.table import format_table

    name = tracked.video["name"]
    if not args.quiet:
        table = format_table(result.analysis, title=f"{Path(name).name}: {args.lift}")
        extra = [w for w in result.warnings if w not in result.analysis.warnings]
        tracking = result.report_extra["tracking"]
        lines = [
            table,
            *(f"note: {w}" for w in extra),
            f"bar seen in {100 * tracking['bar_detected_fraction']:.0f} % of {len(tracked.track)} frames "
            f"({tracking['bar_method']}); {result.calibration.metres_per_px * 1000:.3f} mm per pixel "
            f"({result.calibration.method})",
        ]
        print("\n".join(lines), flush=True)
    if args.track_csv is not None:
        _write_track(args.track_csv, tracked, result)
    if args.json is not None:
        write_json(args.json, set_report(result.analysis, input_name=name, extra=result.report_extra))
    if args.plot is not None:
        from vbt.report.plot import plot_set

        plot_set(result.analysis, args.plot)
    if args.video is not None:  # last: the slowest, and everything else is already written
        from vbt.report.video import write_annotated_video

        write_annotated_video(
            args.input,
            args.video,
            track=result.track,
            analysis=result.analysis,
            calibration=result.calibration,
            progress=not args.quiet,
        )
    if not args.quiet:
        written = (
            ("report", args.json),
            ("track", args.track_csv),
            ("plot", args.plot),
            ("video", args.video),
        )
        for label, path in written:
            if path is not None:
                print(f"{label} written to {path}")


def _write_track(path: Path, tracked: TrackedVideo, result: VideoAnalysis | None) -> None:
    """The track CSV (metres when calibrated, else empty) plus pixel columns, to re-analyse later."""
    from vbt.capture.track import write_track

    write_track(path, tracked.track, result.trajectory if result is not None else None)
