"""Live mode against a real-time 720p30 stream: processed frame rate, dropped frames, rep delays.

Renders synthetic sets to 720p30 video (``vbt.synth.render``: plate, bar, lifter, cluttered gym,
motion blur, H.264), serves each as an HTTP MJPEG stream at its own frame rate (``serve_mjpeg``, what
a phone IP-camera app does, in a process of its own: the phone's work is not live mode's), and runs ``vbt live``'s loop on it (``LiveRun``: pose lite, plate
tracker, online analysis, recording, annotated frames to the browser view) posting to a ``vbt serve``
in its own process, with a WebSocket listener on the session's rep stream. Prints, per clip:

- frames processed per second of wall time, and the fraction of the stream's frames dropped;
- delay from each rep's end (the frame where the bar stops rising, on the frames' arrival clock) to
  its provisional metrics being ready (the screen) and to the rep arriving at a stream listener of the
  service (its provisional post stored and pushed), then the same for the final metrics;
- how far the provisional mean velocity was from the final one, and the final one from the truth.

Goals (issue 6, 2-core machine, lite model): >= 30 fps processed with < 2 % dropped; rep delay p95
<= 200 ms to the screen and <= 300 ms to the service. Nothing is asserted (machines are noisy); the
load average is printed with the results.

Under load (issue 13): ``--busy 0 2 4`` runs every clip once per condition with that many bounded
busy loops of other work (processes the benchmark starts before the clip and stops after it: a
laptop at the gym also runs a browser, a music app, a sync client), and prints per condition the
reps found (a suspect rep counts: it is on the screen and at the service), suspect reps, frames
dropped (and of them those in the stream's first 3 s: the start-up), the work shed (frames without
the view, without pose, not recorded, at half size: ``vbt.live.shedding``) and the delays; the
summary table is printed for one condition too. Goals: every rep found in each condition, at most 2 % of frames dropped.

CPU time (the robust number on a shared machine): every run prints live mode's CPU milliseconds per
frame per stage (``vbt.live.cost``: capture, pose, tracker, frame loop, analysis, view, recording;
``process``: every thread, the pose model's own inference threads, the service posts and the browser
pusher included), and ``--costs FRAMES`` first times each stage alone on the clips' first frames,
including the paths replaced (OpenCV's JPEG decoding, the recording's H.264 encoding).

    PYTHONPATH=. .venv/bin/python benchmarks/live.py [--clips squat power_clean] [--clips-dir DIR] [--no-pose] [--no-server] [--busy 0 2 4]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / ".." / "shared" / "models"


def _render(lift: str, directory: Path) -> tuple[Path, dict[str, Any]]:
    from vbt.synth import Sampling, generate_set
    from vbt.synth.render import render_set

    path = directory / f"{lift}_720p30.mp4"
    truth_path = path.with_name(path.stem + ".truth.json")
    if not (path.is_file() and truth_path.is_file()):  # rendered by an earlier run (--clips-dir)
        s = generate_set(lift, n_reps=5, seed=3, sampling=Sampling(fps=30.0), load_kg=80.0)
        render_set(s, path, size_px=(1280, 720), seed=2, compression_quality=80)
    return path, json.loads(truth_path.read_text())


#: Frames dropped this soon after the stream's first frame are counted apart (seconds): the start-up.
EARLY_S = 3.0

#: The longest a busy loop runs if the benchmark never stops it (a crash): it must not outlive us long.
BUSY_MAX_S = 600.0


def _spin(stop: Any, max_s: float) -> None:
    """Other work: pure-Python arithmetic until told to stop (or ``max_s``)."""
    deadline = time.monotonic() + max_s
    x = 0
    while not stop.is_set() and time.monotonic() < deadline:
        for i in range(20_000):
            x = (x + i * i) % 1_000_003


@contextlib.contextmanager
def busy_loops(n: int) -> Any:
    """``n`` busy processes for the block's duration (bounded by ``BUSY_MAX_S``), stopped after it."""
    stop = multiprocessing.Event()
    workers = [multiprocessing.Process(target=_spin, args=(stop, BUSY_MAX_S), daemon=True) for _ in range(n)]
    for worker in workers:
        worker.start()
    try:
        yield
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=5.0)
            if worker.is_alive():
                worker.terminate()


def stage_costs(path: Path, *, frames: int) -> dict[str, float]:
    """CPU milliseconds per frame of each stage of live mode, each run alone on the clip's first
    ``frames`` frames (``time.process_time``: every thread of the process, so a model's own worker
    threads count), OpenCV single-threaded as in live mode.

    The camera's JPEGs are the MJPEG server's (quality 85); decoding them is timed with OpenCV's
    reader path (``cv2.imdecode``) and with FFmpeg's through PyAV (``JpegStreamSource``).
    """
    import av
    import cv2

    from vbt.capture.observer import opencv_single_threaded
    from vbt.capture.pipeline import make_tracker
    from vbt.capture.pose import MediaPipePose
    from vbt.capture.sources import VideoFileSource
    from vbt.live.jpeg_stream import JpegFrame
    from vbt.live.recorder import VideoRecorder
    from vbt.live.resolution import FullFrameTracker, decode_jpeg, reduced_tracker_for
    from vbt.live.screen import LiveScreen, ScreenState
    from vbt.live.sinks import PushSink
    from vbt.types import Lift

    clip = []
    with VideoFileSource(str(path)) as source:
        for frame in source:
            clip.append(frame)
            if len(clip) >= frames:
                break
    jpegs = [cv2.imencode(".jpg", f.image, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes() for f in clip]
    n = len(clip)

    def timed(work: Any) -> float:
        start_s = time.process_time()
        work()
        return 1000.0 * (time.process_time() - start_s) / n

    class _Pusher:
        def push(self, jpeg: bytes) -> None:
            pass

    costs: dict[str, float] = {}
    with opencv_single_threaded(), tempfile.TemporaryDirectory() as tmp:
        codec = av.CodecContext.create("mjpeg", "r")
        codec.thread_count = 1
        costs["decode (OpenCV)"] = timed(lambda: [cv2.imdecode(np.frombuffer(j, np.uint8), 1) for j in jpegs])
        costs["decode (PyAV)"] = timed(
            lambda: [p.to_ndarray(format="bgr24") for j in jpegs for p in codec.decode(av.Packet(j))]
        )
        halves: list[Any] = []
        costs["decode /2"] = timed(lambda: halves.extend(decode_jpeg(j, reduction=2) for j in jpegs))
        pose = MediaPipePose(None, variant="lite")
        found: list[Any] = []
        costs["pose lite"] = timed(lambda: found.extend(pose.detect(f) for f in clip))
        pose.close()
        tracker = make_tracker("plate")
        costs["plate tracker"] = timed(
            lambda: [tracker.update(f, hands_xy_px=p.wrists_xy_px) for f, p in zip(clip, found, strict=True)]
        )
        half_tracker = FullFrameTracker(tracker, reduced_tracker_for(tracker))
        half_clip = [
            JpegFrame(image=h, t_s=f.t_s, index=f.index, reduction=2)
            for h, f in zip(halves, clip, strict=True)
        ]
        costs["plate tracker /2"] = timed(
            lambda: [
                half_tracker.update(f, hands_xy_px=p.wrists_xy_px)
                for f, p in zip(half_clip, found, strict=True)
            ]
        )
        pose = MediaPipePose(None, variant="lite")
        costs["pose lite /2"] = timed(lambda: [pose.detect(f) for f in half_clip])
        pose.close()
        screen, sink = LiveScreen(Lift.SQUAT), PushSink(_Pusher())
        state = ScreenState(status="set 1: 3 reps")

        def view() -> None:
            for f, p in zip(clip, found, strict=True):
                screen.add_bar(f.t_s, np.array([640.0, 360.0]))
                sink.show(screen.draw(f.image.copy(), state, joints_xy_px=p.joints_xy_px), f.t_s)

        costs["view (every frame)"] = timed(view)

        def record(name: str, jpeg: bool) -> None:
            recorder = VideoRecorder(Path(tmp) / name)
            for f, j in zip(clip, jpegs, strict=True):
                frame = JpegFrame(image=f.image, t_s=f.t_s, index=f.index, jpeg=j) if jpeg else f
                recorder.write(frame, block=True)
            recorder.close()

        costs["recording H.264"] = timed(lambda: record("h264.mp4", False))
        costs["recording JPEGs kept"] = timed(lambda: record("jpeg.mp4", True))
    return costs


def _serve(path: str, urls: Any, stop: Any) -> None:
    """The camera: ``serve_mjpeg`` in a process of its own (a phone's work, not live mode's)."""
    from vbt.capture.mjpeg import serve_mjpeg

    with serve_mjpeg(path) as url:
        urls.put(url)
        stop.wait(BUSY_MAX_S)


@contextlib.contextmanager
def camera(path: Path) -> Any:
    """An MJPEG stream of ``path`` at real speed from another process; yields its URL."""
    spawn = multiprocessing.get_context("spawn")  # no fork of a process with a model's threads
    urls, stop = spawn.Queue(), spawn.Event()
    server = spawn.Process(target=_serve, args=(str(path), urls, stop), daemon=True)
    server.start()
    try:
        yield urls.get(timeout=60.0)
    finally:
        stop.set()
        server.join(timeout=10.0)
        if server.is_alive():
            server.terminate()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_service(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    import httpx

    port = _free_port()
    env = {**os.environ, "VBT_DATA_DIR": str(folder)}
    command = [sys.executable, "-m", "vbt.cli", "serve", "--port", str(port), "--db", str(folder / "vbt.db")]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(f"{base_url}/api/health", timeout=1.0).status_code == 200:
                return process, base_url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("vbt serve did not start")


class _Listener:
    """Records when each rep event reaches a WebSocket listener of the session's stream (epoch s)."""

    def __init__(self, base_url: str, session_id: int) -> None:
        from websockets.sync.client import connect

        url = base_url.replace("http://", "ws://") + f"/api/sessions/{session_id}/stream"
        self.arrivals: list[tuple[float, dict[str, Any]]] = []
        self._socket = connect(url)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for message in self._socket:
                self.arrivals.append((time.time(), json.loads(message)))
        except Exception:
            return

    def close(self) -> None:
        self._socket.close()


def _percentiles(values: list[float]) -> str:
    if not values:
        return "      -       -"
    a = np.asarray(values) * 1000
    return f"{np.percentile(a, 50):7.0f} {np.percentile(a, 95):7.0f}"


def live_run(
    lift: str,
    open_source: Any,
    out: Path,
    *,
    estimator: Any,
    outbox: Any,
    frames: list[Any],
    reconnect_s: float = 0.5,
    shed_lifter_checks: bool = True,
    pose_nice: int | None = None,
) -> Any:
    """``vbt live``'s loop as the benchmarks run it: the plate tracker, 80 kg, a set ending after
    4 s of rest."""
    from vbt.capture.pipeline import make_tracker
    from vbt.live.runner import LiveOptions, LiveRun
    from vbt.types import Lift

    return LiveRun(
        open_source,
        LiveOptions(
            lift=Lift(lift),
            out_dir=out,
            load_kg=80.0,
            end_still_s=4.0,
            reconnect_s=reconnect_s,
            shed_lifter_checks=shed_lifter_checks,
            pose_nice=LiveOptions.pose_nice if pose_nice is None else pose_nice,
        ),
        tracker=make_tracker("plate"),
        pose=estimator,
        outbox=outbox,
        frames=frames,
        console=io.StringIO(),
    )


def run_clip(
    lift: str,
    path: Path,
    truth: dict[str, Any],
    *,
    pose: bool,
    server: bool,
    work: Path,
    pose_nice: int | None = None,
) -> dict[str, Any]:
    from vbt.live.events import RepEventKind
    from vbt.live.jpeg_stream import open_stream
    from vbt.live.sinks import PushSink

    out = work / f"out-{lift}"
    estimator = None
    if pose:
        from vbt.capture.pose import MediaPipePose

        estimator = MediaPipePose(None, variant="lite")
    outbox = listener = process = pusher = None
    frames: list[Any] = []
    if server:
        from vbt.live.client import FramePusher, ServiceClient
        from vbt.live.outbox import Outbox

        process, base_url = _start_service(work / f"service-{lift}")
        client = ServiceClient(base_url)
        athlete = client.create_athlete("bench")["id"]
        outbox = Outbox(out, client, athlete_id=athlete)
        session_id = outbox.ensure_session()
        listener = _Listener(base_url, session_id)
        pusher = FramePusher(base_url, session_id)
        frames.append(PushSink(pusher))
    try:
        with camera(path) as url:
            run = live_run(
                lift,
                lambda: open_stream(url),
                out,
                estimator=estimator,
                outbox=outbox,
                frames=frames,
                pose_nice=pose_nice,
            )
            run.run()
        if outbox is not None:
            outbox.close(timeout_s=10.0)
        time.sleep(0.5)
    finally:
        if estimator is not None:
            estimator.close()
        if pusher is not None:
            pusher.close()
        if listener is not None:
            listener.close()
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
    stats = run.stats
    frames_in_clip = int(truth.get("video", {}).get("frames", 0)) or stats.frames_read
    finals = {e.key: e.rep for _, e in stats.events if e.kind is RepEventKind.FINAL}
    firsts: dict[int, Any] = {}
    for _, event in stats.events:
        firsts.setdefault(event.key, event)
    provisional_error = [
        abs(firsts[k].rep.mean_velocity_m_s - finals[k].mean_velocity_m_s)
        for k in finals
        if firsts[k].kind is RepEventKind.PROVISIONAL
    ]
    service_first: list[float] = []
    service_final: list[float] = []
    if listener is not None:
        seen: set[str] = set()
        for at, message in listener.arrivals:
            rep = message.get("rep", message)
            rep_id = rep.get("client_rep_id")
            end_s = rep.get("end_s")
            if rep_id is None or end_s is None:
                continue
            delay = at - (run.t0_epoch_s + float(end_s))
            if rep_id not in seen:
                seen.add(rep_id)
                service_first.append(delay)
            if not rep.get("provisional", False):
                service_final.append(delay)
    # The screen delay in two parts: data (the newest sample's time when the rep was seen, minus the
    # rep's end) and processing (from that sample's arrival to the event).
    seen_data, seen_processing = [], []
    for at, event in stats.events:
        if event.kind is RepEventKind.PROVISIONAL:
            seen_data.append(event.t_s - event.rep.end_s)
            seen_processing.append((at - run.t0_wall_s) - event.t_s)
    # The service delay past the screen: the same rep's provisional event (its end_s) from ready
    # (published by the analysis) to arriving at the stream listener (outbox, HTTP, store, push).
    ready_epoch = {
        round(e.rep.end_s, 6): run.t0_epoch_s + (at - run.t0_wall_s)
        for at, e in stats.events
        if e.kind is RepEventKind.PROVISIONAL
    }
    transport = []
    if listener is not None:
        firsts_seen: set[str] = set()
        for at, message in listener.arrivals:
            rep = message.get("rep", message)
            rep_id, end_s = rep.get("client_rep_id"), rep.get("end_s")
            if rep_id is None or end_s is None or rep_id in firsts_seen or not rep.get("provisional"):
                continue
            firsts_seen.add(rep_id)
            ready = ready_epoch.get(round(float(end_s), 6))
            if ready is not None:
                transport.append(at - ready)
    true_mv = [r["mean_velocity_m_s"] for r in truth["reps"]]
    saved = [r for s in run.sets for r in s.reps]
    return {
        "lift": lift,
        "shed": stats.shed,
        "cpu": stats.cpu_ms_per_frame,
        "suspect": sum(1 for r in saved if r.status.value == "suspect"),
        "fps": stats.processed_fps,
        "dropped_pct": 100.0 * (1 - stats.frames_processed / max(frames_in_clip, 1)),
        "capture_dropped": stats.frames_dropped,
        "dropped_early": sum(1 for t in stats.lost_t_s if t - stats.first_frame_s < EARLY_S),
        "reps": f"{len(saved)}/{len(true_mv)}",
        "screen_first": stats.provisional_delays_s,
        "data": seen_data,
        "processing": seen_processing,
        "transport": transport,
        "screen_final": stats.final_delays_s,
        "service_first": service_first,
        "service_final": service_final,
        "provisional_error": provisional_error,
        # reps pair with the truth's in order only when the counts agree (an extra or a lost rep shifts them)
        "final_error": (
            [abs(a.mean_velocity_m_s - b) for a, b in zip(saved, true_mv, strict=True)]
            if len(saved) == len(true_mv)
            else []
        ),
        "saved": [(r.status.value, r.mean_velocity_m_s, r.start_s) for r in saved],
        "true_mv": true_mv,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clips", nargs="+", default=["squat", "bench", "deadlift", "power_clean"])
    parser.add_argument("--no-pose", action="store_true")
    parser.add_argument("--no-server", action="store_true")
    parser.add_argument(
        "--clips-dir", type=Path, help="keep the rendered clips here (and reuse them next time)"
    )
    parser.add_argument(
        "--costs",
        type=int,
        default=0,
        metavar="FRAMES",
        help="first measure each stage's CPU ms per frame alone on this many frames of each clip",
    )
    parser.add_argument(
        "--busy", nargs="*", type=int, default=[0], help="busy loops per condition (none: no live runs)"
    )
    parser.add_argument(
        "--pose-nice",
        type=int,
        default=None,
        help="LiveOptions.pose_nice (the pose model's threads' nice steps below the loop's; 0: as main)",
    )
    args = parser.parse_args()
    os.environ.setdefault("VBT_MODEL_DIR", str(MODELS.resolve()))
    by_condition: dict[int, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clips_dir = args.clips_dir or work
        clips_dir.mkdir(parents=True, exist_ok=True)
        clips = {lift: _render(lift, clips_dir) for lift in args.clips}
        if args.costs:
            _print_costs({lift: stage_costs(path, frames=args.costs) for lift, (path, _) in clips.items()})
        for n in args.busy:
            for lift, (path, truth) in clips.items():
                with busy_loops(n):
                    row = run_clip(
                        lift,
                        path,
                        truth,
                        pose=not args.no_pose,
                        server=not args.no_server,
                        work=work / f"busy{n}",
                        pose_nice=args.pose_nice,
                    )
                by_condition.setdefault(n, []).append(row)
    for n, rows in by_condition.items():
        _print(rows, busy=n, pose=not args.no_pose)
    if by_condition:
        print("\nunder load, per condition: reps found (suspect), frames dropped, work shed")
        print(
            f"{'busy loops':>10s} {'reps':>7s} {'suspect':>7s} {'drop%':>6s} {'first 3 s':>9s} {'no view':>8s} "
            f"{'no pose':>8s} {'of them 3 in 4':>14s} {'7 in 8':>7s} {'all':>6s} {'not rec.':>8s} {'half size':>9s} "
            f"{'no search':>9s}"
        )
        for n, rows in by_condition.items():
            found = sum(int(r["reps"].split("/")[0]) for r in rows)
            true = sum(int(r["reps"].split("/")[1]) for r in rows)
            kinds = (
                "view",
                "pose",
                "pose_sparse",
                "pose_rare",
                "pose_off",
                "recording",
                "resolution",
                "stirred_search",
            )
            shed = {k: sum(r["shed"].get(k, 0) for r in rows) for k in kinds}
            sparse = shed["pose_sparse"] + shed["pose_rare"] + shed["pose_off"]
            print(
                f"{n:10d} {found:3d}/{true:<3d} {sum(r['suspect'] for r in rows):7d} "
                f"{np.mean([r['dropped_pct'] for r in rows]):6.1f} {sum(r['dropped_early'] for r in rows):9d} "
                f"{shed['view']:8d} {shed['pose'] + sparse:8d} {sparse:14d} "
                f"{shed['pose_rare'] + shed['pose_off']:7d} {shed['pose_off']:6d} {shed['recording']:8d} "
                f"{shed['resolution']:9d} {shed['stirred_search']:9d}"
            )
        print(
            "first 3 s: frames dropped in the stream's first 3 s (start-up); no pose: frames without pose, "
            "of them at one pose in four or fewer, one in eight or fewer, none (all); no search: the plate "
            "tracker's stirred rechecks skipped (SheddingSettings.stirred_every_s)"
        )
        print("goals: every rep found in each condition, <= 2 % dropped")
    if by_condition:
        _print_cpu(by_condition)


def _print_costs(by_clip: dict[str, dict[str, float]]) -> None:
    """Each stage's CPU ms per frame, run alone (``stage_costs``)."""
    names = list(next(iter(by_clip.values())))
    load = os.getloadavg()
    print(f"\nCPU ms per frame of each stage run alone (load average {load[0]:.1f})")
    print(f"{'clip':12s} " + " ".join(f"{n:>14s}" for n in names))
    for lift, costs in by_clip.items():
        print(f"{lift:12s} " + " ".join(f"{costs[n]:14.1f}" for n in names))


def _print_cpu(by_condition: dict[int, list[dict[str, Any]]]) -> None:
    """CPU milliseconds per processed frame, per stage (``vbt.live.cost``), the clips' mean per condition.

    CPU time depends far less on the machine's load than wall time: the stages' sum against the
    frame interval (33 ms at 30 fps) times the cores live mode gets says whether it can keep up.
    ``process`` is every thread of the benchmark's process: also the MJPEG server (the camera's
    JPEG encoding, done here), the service posts, the browser pusher and a model's worker threads.
    """
    from vbt.live.cost import STAGES

    names = [*STAGES, "total", "process"]
    print("\nCPU ms per processed frame, per stage (the clips' mean)")
    print(f"{'busy loops':>10s} " + " ".join(f"{n:>9s}" for n in names))
    for n, rows in by_condition.items():
        cells = [np.mean([r["cpu"].get(name, 0.0) for r in rows]) for name in names]
        print(f"{n:10d} " + " ".join(f"{c:9.1f}" for c in cells))
    print("budget: 33.3 ms of CPU per frame at 30 fps for each core live mode gets")


def _print(rows: list[dict[str, Any]], *, busy: int, pose: bool) -> None:
    """One condition's table."""
    load = os.getloadavg()
    print(f"\nlive mode on a real-time 720p30 MJPEG stream; pose: {'lite' if pose else 'off'}; "
          f"{busy} busy loops; load average {load[0]:.1f} {load[1]:.1f}; {os.cpu_count()} cores")  # fmt: skip
    print(f"{'clip':12s} {'fps':>5s} {'drop%':>6s} {'reps':>5s}   delay ms p50 / p95: {'screen (prov.)':>15s} "
          f"{'service (prov.)':>15s} {'screen final':>15s} {'service final':>15s}   |prov-final| MV  |final-truth| MV")  # fmt: skip
    for r in rows:
        prov = np.asarray(r["provisional_error"]) if r["provisional_error"] else np.asarray([np.nan])
        fin = np.asarray(r["final_error"]) if r["final_error"] else np.asarray([np.nan])
        print(
            f"{r['lift']:12s} {r['fps']:5.1f} {r['dropped_pct']:6.1f} {r['reps']:>5s}   {'':20s}"
            f"{_percentiles(r['screen_first'])} {_percentiles(r['service_first'])} "
            f"{_percentiles(r['screen_final'])} {_percentiles(r['service_final'])}   "
            f"{np.nanmean(prov):.3f} (max {np.nanmax(prov):.3f})  {np.nanmean(fin):.3f}"
        )
    pooled = {
        k: [d for r in rows for d in r[k]]
        for k in ("screen_first", "service_first", "screen_final", "service_final")
    }
    print(
        f"{'all':12s} {np.mean([r['fps'] for r in rows]):5.1f} {np.mean([r['dropped_pct'] for r in rows]):6.1f} "
        f"{sum(int(r['reps'].split('/')[0]) for r in rows):2d}/{sum(int(r['reps'].split('/')[1]) for r in rows):<2d}   {'':20s}"
        f"{_percentiles(pooled['screen_first'])} {_percentiles(pooled['service_first'])} "
        f"{_percentiles(pooled['screen_final'])} {_percentiles(pooled['service_final'])}"
    )
    for r in rows:
        if len(r["saved"]) != len(r["true_mv"]):  # say what was counted, so a ghost or a lost rep is seen
            found = ", ".join(f"{st} {mv:.2f} m/s at {t:.1f} s" for st, mv, t in r["saved"])
            truth = ", ".join(f"{mv:.2f}" for mv in r["true_mv"])
            print(f"{r['lift']}: {len(r['saved'])} reps for {len(r['true_mv'])} (truth {truth} m/s): {found}")
    data = [d for r in rows for d in r["data"]]
    processing = [d for r in rows for d in r["processing"]]
    print(
        f"screen delay = data (rep end to the newest sample when it was seen) p50/p95 {_percentiles(data)} ms"
        f" + processing (that sample's arrival to the screen) {_percentiles(processing)} ms"
    )
    transport = [d for r in rows for d in r["transport"]]
    print(
        f"service delay = screen delay + transport (the rep ready to the listener: outbox, HTTP, store, "
        f"push) p50/p95 {_percentiles(transport)} ms"
    )
    print("goals: >= 30 fps, < 2 % dropped, screen p95 <= 150 ms, service p95 <= 200 ms (issue 13)")


if __name__ == "__main__":
    main()
