"""The ``vbt`` command: ``analyze`` (a track CSV, a video, a camera or a stream), ``calibrate``, ``serve``,
``token``, ``profile`` and ``plan``.

Every error vbt raises on purpose ends as one line on stderr and exit status 2, never a traceback;
whatever was computed before it (a report, a track) is written first.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from vbt.errors import InputError, VbtError
from vbt.live.cli import add_live_command
from vbt.progression.cli import add_progression_commands
from vbt.service.cli import add_service_commands
from vbt.types import Lift

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from vbt.capture.pipeline import TrackedVideo, VideoAnalysis

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
MAX_LOAD_KG = 1000.0


def _load_kg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of kilograms") from None
    if not (math.isfinite(value) and 0 < value < MAX_LOAD_KG):
        raise argparse.ArgumentTypeError(f"{text} kg is not a barbell load (give 0 < kg < {MAX_LOAD_KG:.0f})")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vbt", description="Velocity-based training from a camera: bar velocity and triple extension."
    )
    parser.add_argument("--version", action="version", version=f"vbt {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    _add_analyze(commands)
    _add_calibrate(commands)
    add_service_commands(commands)
    add_progression_commands(commands)
    add_live_command(commands)
    return parser


def _known_length(text: str) -> tuple[float, float]:
    pixels, sep, metres = text.partition(":")
    try:
        value = (float(pixels), float(metres)) if sep else None
    except ValueError:
        value = None
    if value is None or not all(math.isfinite(v) and v > 0 for v in value):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not PIXELS:METRES (e.g. 190:0.45, a plate's diameter in pixels and in metres)"
        )
    return value


def _metres(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a length in metres") from None
    if not (math.isfinite(value) and 0 < value < 10):
        raise argparse.ArgumentTypeError(f"{text} m is not a plausible length (give metres, e.g. 0.05)")
    return value


def _pattern(text: str) -> tuple[int, int]:
    cols, sep, rows = text.lower().partition("x")
    if not (sep and cols.isdigit() and rows.isdigit() and int(cols) >= 2 and int(rows) >= 2):
        raise argparse.ArgumentTypeError(f"{text!r} is not COLSxROWS of inner corners (e.g. 9x6)")
    return int(cols), int(rows)


def _add_analyze(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    analyze = commands.add_parser(
        "analyze",
        help="measure every rep of a set from a video, a camera, a stream or a track CSV",
        description=(
            "Segment and measure every rep of one set. INPUT is a video file (any format OpenCV reads), "
            "a camera index (0), a stream URL (rtsp://..., http://.../video) or a track CSV (see the README)."
        ),
    )
    analyze.add_argument("input", metavar="INPUT", help="video, camera index, stream URL or track CSV")
    analyze.add_argument(
        "--lift", required=True, choices=[lift.value for lift in Lift], help="the lift performed"
    )
    analyze.add_argument("--load-kg", type=_load_kg, default=None, help="bar load in kg (adds power)")
    analyze.add_argument(
        "--json", type=Path, default=None, metavar="OUT.json", help="write the report as JSON"
    )
    analyze.add_argument("--quiet", action="store_true", help="do not print the table")
    video = analyze.add_argument_group("video, camera and stream input")
    add_capture_options(video)
    video.add_argument(
        "--track-csv", type=Path, default=None, metavar="OUT.csv", help="write the per-frame track"
    )
    video.add_argument(
        "--video", type=Path, default=None, metavar="OUT.mp4", help="write the annotated video (video files)"
    )
    video.add_argument(
        "--plot", type=Path, default=None, metavar="OUT.png", help="write velocity and joint-angle plots"
    )
    analyze.set_defaults(handler=_analyze)


def add_capture_options(video: argparse._ArgumentGroup) -> None:
    """The options of the bar, the scale and pose, shared by ``vbt analyze`` and ``vbt live``."""
    video.add_argument(
        "--bar",
        choices=["plate", "aruco", "color", "wrists"],
        default="plate",
        help="how to find the bar: the plate (markerless, default), an ArUco marker or a coloured dot on "
        "the sleeve end, or the wrists (last resort, low accuracy)",
    )
    video.add_argument(
        "--plate", default="bumper", metavar="NAME|METRES", help="plate name or outer diameter (0.45 m)"
    )
    video.add_argument("--marker-m", type=_metres, default=None, help="ArUco marker's printed side, metres")
    video.add_argument(
        "--known-length",
        type=_known_length,
        default=None,
        metavar="PX:M",
        help="scale from a length in the bar's plane: pixels and metres (overrides the plate or marker)",
    )
    video.add_argument(
        "--camera-profile", type=Path, default=None, metavar="JSON", help="lens profile from vbt calibrate"
    )
    video.add_argument("--model", type=Path, default=None, metavar="PATH", help="pose model bundle (.task)")
    video.add_argument("--model-variant", choices=["lite", "full"], default="lite", help="pose model size")
    video.add_argument("--no-pose", action="store_true", help="skip pose (no joints; clips without a person)")
    video.add_argument(
        "--still-camera",
        action="store_true",
        help="the camera stood still (a tripod): do not measure its motion from the background",
    )


def _add_calibrate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    calibrate = commands.add_parser(
        "calibrate",
        help="make a camera (lens) profile from checkerboard photos, or print an ArUco marker sheet",
        description=(
            "vbt calibrate --checkerboard IMG... --square-m S --out calibration/NAME.json measures the lens; "
            "vbt calibrate --marker-sheet OUT.png writes a printable sheet of ArUco markers."
        ),
    )
    what = calibrate.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--checkerboard", nargs="+", type=Path, metavar="IMAGE", help="photos of a checkerboard"
    )
    what.add_argument("--marker-sheet", type=Path, metavar="OUT.png", help="write an A4 sheet of markers")
    calibrate.add_argument("--square-m", type=_metres, default=None, help="checkerboard square side, metres")
    calibrate.add_argument(
        "--pattern", type=_pattern, default=(9, 6), metavar="COLSxROWS", help="inner corners (default 9x6)"
    )
    calibrate.add_argument(
        "--out", type=Path, default=None, metavar="OUT.json", help="camera profile to write"
    )
    calibrate.add_argument("--name", default="", help="a label for the profile (phone, lens)")
    calibrate.add_argument("--marker-mm", type=float, default=40.0, help="printed marker side, mm")
    calibrate.set_defaults(handler=_calibrate)


def _version() -> str:
    import vbt

    return vbt.__version__


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
    lift = Lift(args.lift)
    trajectory = read_track_csv(path)
    try:
        analysis = analyze_trajectory(trajectory, lift=lift, load_kg=args.load_kg)
    except VbtError as exc:
        raise type(exc)(f"{path}: {exc}") from None
    if not args.quiet:  # the table first: a report that cannot be written loses nothing on screen
        print(format_table(analysis, title=f"{path.name}: {lift.value}"), flush=True)
    if args.json is not None:
        write_json(args.json, set_report(analysis, input_name=str(path)))
        if not args.quiet:
            print(f"\nreport written to {args.json}")
    return 0


@contextlib.contextmanager
def _native_logs_silenced(enabled: bool) -> Iterator[None]:
    """Keep MediaPipe's native log lines (TFLite, glog: written straight to file descriptor 2, no
    setting turns them off) off the terminal, while Python's ``sys.stderr`` (the progress bar, the
    error line) still reaches it: fd 2 points to /dev/null, ``sys.stderr`` to a copy of the real one.
    """
    try:
        real_fd = sys.stderr.fileno() if enabled else -1
    except (AttributeError, OSError, ValueError):  # stderr replaced (tests): nothing to protect
        real_fd = -1
    if real_fd != 2:
        yield
        return
    sys.stderr.flush()
    python_stderr = sys.stderr
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1, encoding=python_stderr.encoding, errors="replace")
    try:
        yield
    finally:
        sys.stderr.close()
        sys.stderr = python_stderr
        os.dup2(saved, 2)
        os.close(saved)


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
    spec: str = args.input
    with _native_logs_silenced(not args.no_pose):
        tracked = track_source(
            spec,
            model_path=args.model,
            variant=args.model_variant,
            bar_method=args.bar,
            marker_side_m=args.marker_m,
            progress=not args.quiet,
            with_pose=not args.no_pose,
            camera=StillCamera() if args.still_camera else None,
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
        )
    except VbtError:
        if args.track_csv is not None and len(tracked.track):
            _write_track(args.track_csv, tracked, None)  # the pixels, for another try
        raise
    if args.known_length is None:
        from vbt.capture.second_pass import second_look

        tracked, result = second_look(
            tracked, result, lift=args.lift, load_kg=args.load_kg, plate=args.plate, camera_profile=camera
        )
    _video_outputs(args, tracked, result)
    if result.error is not None:
        raise result.error  # after everything was written: one line, exit 2
    return 0


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


def _calibrate(args: argparse.Namespace) -> int:
    from vbt import calibration

    if args.marker_sheet is not None:
        page = calibration.render_marker_sheet(side_mm=args.marker_mm)
        try:
            args.marker_sheet.write_bytes(calibration.png_with_dpi(page, 300))
        except OSError as exc:
            raise InputError(f"cannot write {args.marker_sheet}: {exc.strerror}") from None
        print(f"marker sheet written to {args.marker_sheet} ({args.marker_mm:g} mm markers, print at 100 %)")
        return 0
    if args.square_m is None or args.out is None:
        raise InputError("--checkerboard needs --square-m (a square's side in metres) and --out PROFILE.json")
    import cv2
    import numpy as np

    def images() -> Iterator[npt.NDArray[np.uint8]]:
        for path in args.checkerboard:
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None:
                raise InputError(f"{path}: not an image OpenCV can read (or no such file)")
            yield np.asarray(image, dtype=np.uint8)

    profile = calibration.calibrate_checkerboard(
        images(), pattern=args.pattern, square_m=args.square_m, name=args.name or args.out.stem
    )
    calibration.save_camera_profile(profile, args.out)
    print(
        f"camera profile written to {args.out}: {profile.image_size_px[0]}x{profile.image_size_px[1]}, "
        f"reprojection error {profile.rms_px:.2f} px"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except VbtError as exc:
        print(f"vbt: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("vbt: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return status


if __name__ == "__main__":
    sys.exit(main())
