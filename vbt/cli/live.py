"""``vbt live``: each rep's velocity while the lifter is at the bar, from a camera, a stream or a file
played at its own speed."""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

from vbt.cli.options import (
    Subparsers,
    add_capture_options,
    add_lift_option,
    load_kg,
    native_logs_silenced,
    percent,
    positive_int,
    seconds,
)
from vbt.errors import InputError, ServiceError
from vbt.types import Lift


def add_command(commands: Subparsers) -> None:
    """Register ``vbt live``."""
    live = commands.add_parser(
        "live",
        help="each rep's velocity as it happens, from a webcam, a phone stream or a file",
        description=(
            "Track the bar and the lifter live and show each rep's velocity as soon as the rep ends "
            "(first provisional, then final). A set ends when the bar rests for --end-after-s after "
            "a rep; its video, track CSV and report are saved under --out, and the next set starts. "
            "Ctrl-C (or q in the window) ends the run."
        ),
    )
    where = live.add_mutually_exclusive_group(required=True)
    where.add_argument("--camera", type=int, metavar="INDEX", help="a camera (0: the first webcam)")
    where.add_argument("--url", metavar="URL", help="a stream: rtsp://... or a phone's http://.../video")
    where.add_argument("--file", type=Path, metavar="VIDEO", help="a video file, played at its own speed")
    add_lift_option(live)
    live.add_argument("--load-kg", type=load_kg, default=None, help="bar load in kg")
    live.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="where sets are saved (default vbt-live/<time>)"
    )
    live.add_argument(
        "--end-after-s", type=seconds, default=8.0, metavar="S", help="bar at rest this long ends a set (8)"
    )
    live.add_argument(
        "--threshold-pct",
        type=percent,
        default=20.0,
        metavar="PCT",
        help="velocity loss at which the stop cue sounds (20)",
    )
    live.add_argument(
        "--reconnect-s", type=seconds, default=10.0, metavar="S", help="keep reopening a dropped source (10)"
    )
    live.add_argument("--max-sets", type=positive_int, default=None, metavar="N", help="stop after N sets")
    live.add_argument("--no-record", action="store_true", help="do not save the sets' videos")
    window = live.add_mutually_exclusive_group()
    window.add_argument("--window", dest="window", action="store_true", default=None, help="open a window")
    window.add_argument("--no-window", dest="window", action="store_false", help="no window")
    service = live.add_argument_group("sending reps to vbt serve (and the browser view /live)")
    service.add_argument("--server", metavar="URL", help="vbt serve's address, e.g. http://127.0.0.1:8000")
    service.add_argument("--token", default=None, help="bearer token (vbt token create), beyond loopback")
    service.add_argument(
        "--athlete", default=None, metavar="ID|NAME", help="whose session (created if new; default 'athlete')"
    )
    service.add_argument("--session", type=int, default=None, metavar="ID", help="post into this session")
    capture = live.add_argument_group("bar, scale and pose (as for vbt analyze)")
    add_capture_options(capture)
    live.set_defaults(handler=run_live)


def run_live(args: argparse.Namespace) -> int:
    """``vbt live``; returns the exit status (0: sets saved or nothing went wrong; 1: the source
    dropped for good; 2: bad input)."""
    from vbt.calibration import from_known_length, load_camera_profile
    from vbt.capture.bar import BarMethod
    from vbt.capture.pipeline import make_tracker
    from vbt.capture.sources import CameraSource, FrameSource, quiet_decoder_logs
    from vbt.live.jpeg_stream import open_stream
    from vbt.live.paced import PacedFileSource
    from vbt.live.runner import LiveOptions, LiveRun
    from vbt.live.sinks import DeferredPushSink, PushSink, WindowSink, display_available

    lift = Lift(args.lift)
    method = BarMethod(args.bar)
    if method is BarMethod.WRISTS and args.no_pose:
        raise InputError("the wrists bar method needs pose; do not turn pose off with it")
    if args.session is not None and args.athlete is not None:
        raise InputError("give --session or --athlete, not both")
    camera_profile = load_camera_profile(args.camera_profile) if args.camera_profile else None
    out = args.out or Path("vbt-live") / time.strftime("%Y%m%d-%H%M%S")
    options = LiveOptions(
        lift=lift,
        out_dir=out,
        load_kg=args.load_kg,
        end_still_s=args.end_after_s,
        reconnect_s=args.reconnect_s,
        threshold_pct=args.threshold_pct,
        record=not args.no_record,
        bar_method=method,
        plate=args.plate,
        marker_side_m=args.marker_m,
        known_length=args.known_length,
        camera_profile=camera_profile,
        max_sets=args.max_sets,
    )

    def open_source() -> FrameSource:
        if args.file is not None:
            return PacedFileSource(args.file)
        if args.url is not None:
            return open_stream(args.url)  # an MJPEG stream's pictures are recorded as they came
        return CameraSource(args.camera)

    quiet_decoder_logs()
    first = open_source()  # a bad camera, URL or file is reported before the model loads
    sources = iter([first])

    def next_source() -> FrameSource:
        return next(sources, None) or open_source()

    outbox, pusher = None, None
    frames: list[Any] = []
    run: LiveRun | None = None
    try:
        if args.server:
            outbox, pusher = _connect(args, out)
            view = f"{args.server.rstrip('/')}/live/sessions/"
            if pusher is not None:
                frames.append(PushSink(pusher))
                print(f"live view: {view}{outbox.session_id}")
            else:  # the service is down: the view starts when the session exists
                frames.append(
                    DeferredPushSink(
                        partial(_pusher_once_session, args, outbox),
                        on_ready=lambda _: print(f"live view: {view}{outbox.session_id}", flush=True),
                    )
                )
        want_window = display_available() if args.window is None else args.window
        if want_window:
            frames.append(WindowSink(on_quit=lambda: run.stop() if run is not None else None))
        pose = None
        with native_logs_silenced(True):
            if not args.no_pose:
                from vbt.capture.pose import MediaPipePose

                pose = MediaPipePose(args.model, variant=args.model_variant)
            tracker = make_tracker(method, marker_side_m=args.marker_m, dot_colour=args.dot_colour)
            calibration = (
                from_known_length(*args.known_length, camera=camera_profile) if args.known_length else None
            )
            run = LiveRun(
                next_source,
                options,
                tracker=tracker,
                pose=pose,
                calibration=calibration,
                outbox=outbox,
                frames=frames,
                console=sys.stdout,
            )
            print(f"vbt live: {first.name}, {lift.value}; sets go to {out}. Ctrl-C ends.")
            try:
                sets = run.run()
            finally:
                if pose is not None:
                    pose.close()
    finally:
        for sink in frames:
            sink.close()
        if outbox is not None:
            left = outbox.close(timeout_s=10.0)
            if left:
                print(
                    f"vbt live: {left} rep updates could not reach {args.server} yet; they wait in "
                    f"{out / 'outbox.jsonl'} and go out the next time you run vbt live with --out {out}",
                    file=sys.stderr,
                )
    stats = run.stats
    dropped = stats.frames_dropped / stats.frames_read * 100 if stats.frames_read else 0.0
    shed = ", ".join(f"{kind} on {n} frames" for kind, n in stats.shed.items() if n)
    print(
        f"{len(sets)} set(s) saved in {out}; {stats.frames_processed} frames processed, "
        f"{stats.frames_dropped} dropped ({dropped:.1f} %)" + (f"; shed to keep up: {shed}" if shed else "")
    )
    dropped_for_good = any("did not come back" in s.ended_because for s in sets)
    return 1 if dropped_for_good else 0


def _pusher_once_session(args: argparse.Namespace, outbox: Any) -> Any:
    """The frame pusher once the outbox has created the session (the service answered); else None."""
    from vbt.live.client import FramePusher

    session_id = outbox.session_id
    return FramePusher(args.server, session_id, token=args.token) if session_id is not None else None


def _connect(args: argparse.Namespace, out: Path) -> tuple[Any, Any]:
    """The outbox (reps) and, when the service answers now, the frame pusher (browser view)."""
    from vbt.live.client import FramePusher, ServiceClient, ServiceUnavailableError
    from vbt.live.outbox import Outbox

    client = ServiceClient(args.server, token=args.token)
    athlete = args.athlete or "athlete"
    if args.athlete is None and args.session is None:
        print(
            f"vbt live: no --athlete given: reps go to the athlete named {athlete!r} (created if new)",
            file=sys.stderr,
        )
    outbox = Outbox(
        out,
        client,
        session_id=args.session,
        athlete_id=int(athlete) if args.session is None and athlete.isdigit() else None,
        athlete_name=athlete if args.session is None and not athlete.isdigit() else None,
    )
    try:
        session_id = outbox.ensure_session()
    except ServiceUnavailableError as exc:
        print(
            f"vbt live: {exc}. Going on: reps wait in {out / 'outbox.jsonl'} and are sent when the "
            "service answers; the browser view starts then.",
            file=sys.stderr,
        )
        return outbox, None
    except ServiceError as exc:
        outbox.close(timeout_s=0.0)
        raise InputError(f"cannot start a session on {args.server}: {exc}") from None
    return outbox, FramePusher(args.server, session_id, token=args.token)
