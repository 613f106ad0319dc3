"""Live mode against a real-time 720p30 stream: processed frame rate, dropped frames, rep delays.

Renders synthetic sets to 720p30 video (``vbt.synth.render``: plate, bar, lifter, cluttered gym,
motion blur, H.264), serves each as an HTTP MJPEG stream at its own frame rate (``serve_mjpeg``, what
a phone IP-camera app does), and runs ``vbt live``'s loop on it (``LiveRun``: pose lite, plate
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
dropped, the work shed (frames without the view, without pose, not recorded: ``vbt.live.shedding``)
and the delays. Goals: every rep found in each condition, at most 2 % of frames dropped.

    .venv/bin/python benchmarks/live.py [--clips squat power_clean] [--no-pose] [--no-server] [--busy 0 2 4]
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

    s = generate_set(lift, n_reps=5, seed=3, sampling=Sampling(fps=30.0), load_kg=80.0)
    info = render_set(
        s, directory / f"{lift}_720p30.mp4", size_px=(1280, 720), seed=2, compression_quality=80
    )
    truth = json.loads(info.path.with_name(info.path.stem + ".truth.json").read_text())
    return info.path, truth


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


def run_clip(
    lift: str, path: Path, truth: dict[str, Any], *, pose: bool, server: bool, work: Path
) -> dict[str, Any]:
    from vbt.capture.mjpeg import serve_mjpeg
    from vbt.capture.pipeline import make_tracker
    from vbt.capture.sources import StreamSource
    from vbt.live.online import RepEventKind
    from vbt.live.runner import LiveOptions, LiveRun
    from vbt.live.sinks import PushSink
    from vbt.types import Lift

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
        with serve_mjpeg(path) as url:
            run = LiveRun(
                lambda: StreamSource(url),
                LiveOptions(lift=Lift(lift), out_dir=out, load_kg=80.0, end_still_s=4.0, reconnect_s=0.5),
                tracker=make_tracker("plate"),
                pose=estimator,
                outbox=outbox,
                frames=frames,
                console=io.StringIO(),
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
    true_mv = [r["mean_velocity_m_s"] for r in truth["reps"]]
    saved = [r for s in run.sets for r in s.reps]
    return {
        "lift": lift,
        "shed": stats.shed,
        "suspect": sum(1 for r in saved if r.status.value == "suspect"),
        "fps": stats.processed_fps,
        "dropped_pct": 100.0 * (1 - stats.frames_processed / max(frames_in_clip, 1)),
        "capture_dropped": stats.frames_dropped,
        "reps": f"{len(saved)}/{len(true_mv)}",
        "screen_first": stats.provisional_delays_s,
        "data": seen_data,
        "processing": seen_processing,
        "screen_final": stats.final_delays_s,
        "service_first": service_first,
        "service_final": service_final,
        "provisional_error": provisional_error,
        "final_error": [abs(a.mean_velocity_m_s - b) for a, b in zip(saved, true_mv, strict=False)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clips", nargs="+", default=["squat", "bench", "deadlift", "power_clean"])
    parser.add_argument("--no-pose", action="store_true")
    parser.add_argument("--no-server", action="store_true")
    parser.add_argument("--busy", nargs="+", type=int, default=[0], help="busy loops per condition")
    args = parser.parse_args()
    os.environ.setdefault("VBT_MODEL_DIR", str(MODELS.resolve()))
    by_condition: dict[int, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clips = {lift: _render(lift, work) for lift in args.clips}
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
                    )
                by_condition.setdefault(n, []).append(row)
    for n, rows in by_condition.items():
        _print(rows, busy=n, pose=not args.no_pose)
    if len(by_condition) > 1:
        print("\nunder load, per condition: reps found (suspect), frames dropped, work shed")
        print(
            f"{'busy loops':>10s} {'reps':>7s} {'suspect':>7s} {'drop%':>6s} {'no view':>8s} {'no pose':>8s} {'not rec.':>8s}"
        )
        for n, rows in by_condition.items():
            found = sum(int(r["reps"].split("/")[0]) for r in rows)
            true = sum(int(r["reps"].split("/")[1]) for r in rows)
            shed = {k: sum(r["shed"].get(k, 0) for r in rows) for k in ("view", "pose", "recording")}
            print(
                f"{n:10d} {found:3d}/{true:<3d} {sum(r['suspect'] for r in rows):7d} "
                f"{np.mean([r['dropped_pct'] for r in rows]):6.1f} {shed['view']:8d} {shed['pose']:8d} {shed['recording']:8d}"
            )
        print("goals: every rep found in each condition, <= 2 % dropped")


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
    data = [d for r in rows for d in r["data"]]
    processing = [d for r in rows for d in r["processing"]]
    print(
        f"screen delay = data (rep end to the newest sample when it was seen) p50/p95 {_percentiles(data)} ms"
        f" + processing (that sample's arrival to the screen) {_percentiles(processing)} ms"
    )
    print("goals: >= 30 fps, < 2 % dropped, screen p95 <= 200 ms, service p95 <= 300 ms")


if __name__ == "__main__":
    main()
