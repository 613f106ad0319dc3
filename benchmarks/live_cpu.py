"""Live mode's CPU time per frame, measured the same way on any machine, however loaded.

``benchmarks/live.py`` plays each clip as a real-time stream, so what it measures depends on the
machine's load: on a shared machine its frame rates and delays say more about the neighbours than
about live mode. This benchmark feeds the same four rendered 720p30 sets (5 reps each, rendered
by ``benchmarks/live.py`` or here) through ``vbt live``'s loop (``LiveRun``: pose lite, plate
tracker, online analysis, recording, the annotated view pushed to a ``vbt serve`` in its own
process) as fast as the loop takes them, in lockstep: each frame's JPEG (quality 85, as
``serve_mjpeg`` sends it) is decoded on the capture thread as ``JpegStreamSource`` decodes it, and
only once the loop has finished the frame before. No frame waits, none is dropped, and the loop
runs at a fixed shedding level (``--levels``), so every run does the same work on the same frames.

Printed per clip and level: CPU milliseconds per frame of each stage (``vbt.live.cost``, on the
thread that does it), their sum, and the whole process's; then where the process's CPU went by
thread (``/proc/self/task/*/schedstat``: the threads alive at the end of the run, MediaPipe's own
inference threads among them; threads that ended during the run, the capture reader, each set's
analyst and recorder, are the remainder). The frame times are the file's (30 fps), so the online
analysis does the work it does in real time; only the wall clock runs faster. Then the same per
stage over the stream's first ``--early-s`` seconds (3: the start-up, where ``benchmarks/live.py``
drops most frames) and over the rest, from the stages' running sums after each frame (the capture
thread's and the analysis's CPU is added when their thread ends, so it shows only in the rest).

    PYTHONPATH=. .venv/bin/python benchmarks/live_cpu.py --clips-dir DIR [--clips squat bench]
        [--levels nothing pose] [--frames 300] [--no-pose] [--no-server]
        [--lifter as-is 5s off shed]

``--lifter`` runs each clip and level once per way of checking who the lifter is (MediaPipe's
second, multi-person landmarker, ``vbt.capture.pose.lifter``): ``shed`` as ``vbt live`` does now
(the checks shed with pose, ``LiveOptions.shed_lifter_checks``), ``as-is`` a check every second
at every level (before), ``5s`` every five seconds, ``off`` none (``LifterSettings(enabled=False)``).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import live

from vbt.capture.pose import LifterSettings
from vbt.live.cost import CpuMeter
from vbt.live.shedding import BusyMeter, Shed, Shedder
from vbt.types import Frame

#: ``--lifter``: the lifter check's settings, and whether it sheds with pose.
LIFTER_CHECKS: dict[str, tuple[LifterSettings, bool]] = {
    "shed": (LifterSettings(), True),
    "as-is": (LifterSettings(), False),
    "5s": (LifterSettings(check_interval_s=5.0), False),
    "off": (LifterSettings(enabled=False), False),
}


class LockstepGate:
    """Lets the source hand over frame ``i`` only once the frame loop has finished frame ``i - 1``."""

    def __init__(self) -> None:
        self._done = 0
        self._cond = threading.Condition()

    def frame_done(self) -> None:
        with self._cond:
            self._done += 1
            self._cond.notify_all()

    def wait(self, index: int) -> bool:
        """Wait until ``index`` frames are done (False: timed out, the loop stopped taking frames)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._done >= index, timeout=60.0)


class GatedBusyMeter(BusyMeter):
    """The frame loop's ``BusyMeter``, also telling the gate that a frame is finished, and keeping
    the CPU seconds per stage (and the process's) as they were once each frame was done."""

    def __init__(self, gate: LockstepGate, meter: CpuMeter) -> None:
        super().__init__()
        self.gate, self.meter = gate, meter
        self.after_frame: list[dict[str, float]] = []

    def done(self, started_s: float, ended_s: float) -> float:
        share = super().done(started_s, ended_s)
        self.after_frame.append({**self.meter.totals_s(), "process": self.meter.process_s})
        self.gate.frame_done()
        return share


def split_ms(after_frame: list[dict[str, float]], early: int) -> tuple[dict[str, float], dict[str, float]]:
    """CPU ms per frame of each stage (and ``total``, ``process``) over the first ``early`` frames
    and over the rest, from the running sums ``GatedBusyMeter.after_frame``."""
    if not after_frame:
        return {}, {}
    early = min(max(early, 1), len(after_frame))
    at, end = after_frame[early - 1], after_frame[-1]
    first = {k: 1000.0 * v / early for k, v in at.items()}
    rest_n = max(len(after_frame) - early, 1)
    rest = {k: 1000.0 * (v - at.get(k, 0.0)) / rest_n for k, v in end.items()}
    for part in (first, rest):
        part["total"] = sum(v for k, v in part.items() if k != "process")
    return first, rest


class FixedShedder(Shedder):
    """A shedder that keeps one level whatever the backlog and the busy share."""

    def update(self, *args: Any, **kwargs: Any) -> Shed:
        return self.level


class ReplayedJpegStream:
    """A clip's frames as an MJPEG stream's JPEGs, decoded on the capture thread as
    ``JpegStreamSource`` decodes them (FFmpeg's decoder at full size, libjpeg's DCT scaling at
    ``reduction``), timed by the file, each handed over once the gate lets it."""

    fps = math.nan
    frame_count = None
    rotation_deg = 0

    def __init__(self, jpegs: list[bytes], times_s: list[float], gate: LockstepGate) -> None:
        import av

        self.name = "replayed MJPEG stream"
        self.size_px: tuple[int, int] | None = None
        self.error = None
        self.reduction = 1
        self.jpegs, self.times_s, self.gate = jpegs, times_s, gate
        self._codec: Any = av.CodecContext.create("mjpeg", "r")
        self._codec.thread_count = 1
        self._closed = False

    def __iter__(self) -> Iterator[Frame]:
        import av

        from vbt.live.jpeg_stream import JpegFrame
        from vbt.live.resolution import decode_jpeg

        t0_s = self.times_s[0]
        for i, (jpeg, t_s) in enumerate(zip(self.jpegs, self.times_s, strict=True)):
            if self._closed or not self.gate.wait(i):
                return
            reduction = self.reduction
            if reduction == 1:
                image = self._codec.decode(av.Packet(jpeg))[-1].to_ndarray(format="bgr24")
            else:
                image = decode_jpeg(jpeg, reduction=reduction)
            yield JpegFrame(image=image, t_s=t_s - t0_s, index=i, jpeg=jpeg, reduction=reduction)

    def close(self) -> None:
        self._closed = True


def clip_jpegs(path: Path, *, frames: int) -> tuple[list[bytes], list[float]]:
    """The clip's first ``frames`` frames (0: all) as JPEGs at the MJPEG server's quality, and their times."""
    import cv2

    from vbt.capture.sources import VideoFileSource

    jpegs, times_s = [], []
    with VideoFileSource(str(path)) as source:
        for frame in source:
            jpegs.append(cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes())
            times_s.append(frame.t_s)
            if frames and len(jpegs) >= frames:
                break
    return jpegs, times_s


def thread_cpu_s() -> dict[int, tuple[str, float]]:
    """CPU seconds of each thread of this process now (native id: name, seconds): Python's name
    for Python threads, ``native`` and the thread's own name for the others (MediaPipe's, ...)."""
    names = {t.native_id: t.name for t in threading.enumerate() if t.native_id is not None}
    out = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            ns = int((task / "schedstat").read_text().split()[0])
            comm = (task / "comm").read_text().strip()
        except (OSError, ValueError, IndexError):
            continue
        tid = int(task.name)
        out[tid] = (names.get(tid, f"native {comm}"), ns / 1e9)
    return out


def _by_name(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict[str, float]:
    spent: dict[str, float] = {}
    for tid, (name, cpu_s) in after.items():
        base = before.get(tid, (name, 0.0))[1]
        key = "vbt-pose" if name.startswith("vbt-pose") else name
        spent[key] = spent.get(key, 0.0) + cpu_s - base
    return spent


def run_level(
    lift: str,
    jpegs: list[bytes],
    times_s: list[float],
    level: Shed,
    *,
    pose: bool,
    server: bool,
    work: Path,
    lifter: str = "shed",
    early_s: float = 3.0,
) -> dict[str, Any]:
    """One pass of the clip through the live loop at ``level``: CPU ms per frame per stage and thread."""
    from vbt.live.sinks import PushSink

    out = work / f"out-{lift}-{level.name.lower()}-{lifter}"
    settings, shed_checks = LIFTER_CHECKS[lifter]
    estimator = None
    if pose:
        from vbt.capture.pose import MediaPipePose

        estimator = MediaPipePose(None, variant="lite", lifter=settings)
    outbox = process = pusher = None
    frames: list[Any] = []
    if server:
        from vbt.live.client import FramePusher, ServiceClient
        from vbt.live.outbox import Outbox

        process, base_url = live._start_service(work / f"service-{lift}-{level.name.lower()}")
        client = ServiceClient(base_url)
        outbox = Outbox(out, client, athlete_id=client.create_athlete("bench")["id"])
        pusher = FramePusher(base_url, outbox.ensure_session())
        frames.append(PushSink(pusher))
    gate = LockstepGate()
    run = live.live_run(
        lift,
        lambda: ReplayedJpegStream(jpegs, times_s, gate),
        out,
        estimator=estimator,
        outbox=outbox,
        frames=frames,
        reconnect_s=0.0,
        shed_lifter_checks=shed_checks,
    )
    run.shedder = FixedShedder(run.options.shedding, level=level)
    run.busy = busy = GatedBusyMeter(gate, run.meter)
    checks = 0
    try:
        before, wall_s = thread_cpu_s(), time.perf_counter()
        run.run()
        if outbox is not None:
            outbox.close(timeout_s=10.0)
        if pusher is not None:
            pusher.close()
        wall_s, after = time.perf_counter() - wall_s, thread_cpu_s()
    finally:
        if estimator is not None:
            checks = estimator.lifter_chooser.checks
            estimator.close()
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
    processed = run.stats.frames_processed
    early = sum(1 for t_s in times_s if t_s - times_s[0] < early_s)
    threads = _by_name(before, after)
    threads["ended during the run"] = run.meter.process_s - sum(threads.values())
    return {
        "lift": lift,
        "level": level,
        "lifter": lifter,
        "checks": checks,
        "frames": processed,
        "dropped": run.stats.frames_dropped,
        "reps": sum(len(s.reps) for s in run.sets),
        "cpu": run.stats.cpu_ms_per_frame,
        "threads": {k: 1000.0 * v / max(processed, 1) for k, v in threads.items()},
        "wall_ms": 1000.0 * wall_s / max(processed, 1),
        "early_frames": early,
        "split": split_ms(busy.after_frame, early),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clips", nargs="+", default=["squat", "bench", "deadlift", "power_clean"])
    parser.add_argument("--clips-dir", type=Path, help="the rendered clips (rendered there when missing)")
    parser.add_argument("--frames", type=int, default=0, help="the first frames of each clip only (0: all)")
    parser.add_argument(
        "--levels",
        nargs="+",
        default=["nothing"],
        choices=[s.name.lower() for s in Shed],
        help="shedding levels to run each clip at (vbt.live.shedding.Shed)",
    )
    parser.add_argument(
        "--lifter",
        nargs="+",
        default=["shed"],
        choices=list(LIFTER_CHECKS),
        help="ways of checking who the lifter is, each run in turn (see above)",
    )
    parser.add_argument("--no-pose", action="store_true")
    parser.add_argument("--no-server", action="store_true")
    parser.add_argument(
        "--early-s",
        type=float,
        default=live.EARLY_S,
        help="the start-up: the stream's first seconds, whose CPU per frame is also printed apart",
    )
    args = parser.parse_args()
    os.environ.setdefault("VBT_MODEL_DIR", str(live.MODELS.resolve()))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clips_dir = args.clips_dir or work
        clips_dir.mkdir(parents=True, exist_ok=True)
        for lift in args.clips:
            path, _truth = live._render(lift, clips_dir)
            jpegs, times_s = clip_jpegs(path, frames=args.frames)
            for name in args.levels:
                for lifter in args.lifter:  # in turn, so that each sees the machine's load alike
                    rows.append(
                        run_level(
                            lift,
                            jpegs,
                            times_s,
                            Shed[name.upper()],
                            pose=not args.no_pose,
                            server=not args.no_server,
                            work=work,
                            lifter=lifter,
                            early_s=args.early_s,
                        )
                    )
                    r = rows[-1]  # as it comes: a long run shows its progress
                    print(
                        f"{lift} {name} {lifter}: {r['cpu'].get('process', 0.0):.1f} CPU-ms a frame, "
                        f"{r['checks']} lifter checks",
                        flush=True,
                    )
    _print(rows)
    _print_split(rows, early_s=args.early_s)


def _print_split(rows: list[dict[str, Any]], *, early_s: float) -> None:
    """Each stage's CPU ms per frame in the stream's first ``early_s`` seconds and after them."""
    from vbt.live.cost import STAGES

    names = [*STAGES, "total", "process"]
    print(f"\nCPU ms per processed frame, the first {early_s:g} s (start-up) / the rest")
    print(f"{'clip':12s} {'level':>11s} {'lifter':>6s} " + " ".join(f"{n:>11s}" for n in names))
    for r in rows:
        first, rest = r["split"]
        cells = " ".join(f"{first.get(n, 0.0):5.1f}/{rest.get(n, 0.0):<5.1f}" for n in names)
        print(f"{r['lift']:12s} {r['level'].name.lower():>11s} {r['lifter']:>6s} {cells}")


def _print(rows: list[dict[str, Any]]) -> None:
    from vbt.live.cost import STAGES

    load = os.getloadavg()
    print(
        f"\nCPU ms per processed frame, live loop in lockstep (load average {load[0]:.1f}, {os.cpu_count()} cores)"
    )
    names = [*STAGES, "total", "process"]
    head = f"{'clip':12s} {'level':>11s} {'lifter':>6s} {'frames':>6s} {'reps':>4s} {'checks':>6s} "
    print(head + " ".join(f"{n:>9s}" for n in names))
    for r in rows:
        cells = " ".join(f"{r['cpu'].get(n, 0.0):9.1f}" for n in names)
        print(
            f"{r['lift']:12s} {r['level'].name.lower():>11s} {r['lifter']:>6s} {r['frames']:6d} "
            f"{r['reps']:4d} {r['checks']:6d} {cells}"
        )
    kinds = list(dict.fromkeys((r["level"], r["lifter"]) for r in rows))
    for level, lifter in kinds:
        of_kind = [r for r in rows if r["level"] is level and r["lifter"] == lifter]
        cells = " ".join(f"{np.mean([r['cpu'].get(n, 0.0) for r in of_kind]):9.1f}" for n in names)
        print(f"{'mean':12s} {level.name.lower():>11s} {lifter:>6s} {'':6s} {'':4s} {'':6s} {cells}")
    print("\nthe process's CPU ms per processed frame by thread (the clips' mean)")
    for level, lifter in kinds:
        of_level = [r for r in rows if r["level"] is level and r["lifter"] == lifter]
        keys = sorted(
            {k for r in of_level for k in r["threads"]},
            key=lambda k: -np.mean([r["threads"].get(k, 0.0) for r in of_level]),
        )
        cells = ", ".join(f"{k} {np.mean([r['threads'].get(k, 0.0) for r in of_level]):.1f}" for k in keys)
        print(f"{level.name.lower():>11s} {lifter:>6s}: {cells}")


if __name__ == "__main__":
    main()
