"""Where a real-time frame's delay goes in live mode, stage by stage, and who waits for Python's lock.

Runs ``benchmarks/live.py``'s real-time run (a rendered 720p30 clip served as an MJPEG stream from
another process, ``LiveRun`` with pose lite, the plate tracker, the online analysis, the service and
the browser push) with every stage of a frame timed on the monotonic clock (``time.perf_counter``):
arrival (before the JPEG's decode), decoded, taken by the frame loop, the tracker's start and end,
the pose's start and end (on the pose thread), the sample handed to the analysis, the analysis'
``add`` start and end, and the provisional rep published. Each timed call also reads its thread's
scheduler counters (``/proc/self/task/TID/schedstat``: time on a core, time waiting for one), so
its wall time splits into CPU, waiting for a core, and blocked: for a thread that only computes,
blocked is waiting for Python's lock (the GIL) or for another thread's result.

Prints, per clip: the stages' wall time (p50/p95 ms) and how each splits; the provisional reps'
processing part (the newest sample's arrival to the rep published) cut into the stages that sample
went through; and per thread the share of the run's wall time on a core, waiting for one, blocked.

    PYTHONPATH=. .venv/bin/python benchmarks/live_stages.py --clips-dir DIR [--clips squat] [--busy 0]
        [--pose-nice N] [--gil] [--nice] [--probes-only]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def _live_benchmark() -> Any:
    """``benchmarks/live.py`` as a module (importable by name: its camera runs in a spawned process)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    return importlib.import_module("live")


def _sched() -> tuple[float, float]:
    """This thread's seconds on a core and waiting for one (the kernel's schedstat)."""
    with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as f:
        on_ns, wait_ns, _ = f.read().split()
    return int(on_ns) / 1e9, int(wait_ns) / 1e9


class Stages:
    """Timed calls by stage: (key, start, end, cpu_s, runqueue_s), and per-frame marks by key."""

    def __init__(self) -> None:
        self.calls: dict[str, list[tuple[float, float, float, float, float]]] = defaultdict(list)
        self.marks: dict[str, dict[float, float]] = defaultdict(dict)
        self.threads: dict[int, str] = {}
        self.ended: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        """By thread name: seconds on a core, waiting for one, and alive, of threads that ended."""

    def thread_ran(self, name: str, call: Callable[[], Any]) -> Any:
        """Run a thread's body, adding its scheduler counters to ``ended[name]`` when it ends."""
        self.threads.setdefault(threading.get_native_id(), name)
        on0, rq0 = _sched()
        start = time.perf_counter()
        try:
            return call()
        finally:
            on1, rq1 = _sched()
            total = self.ended[name]
            total[0] += on1 - on0
            total[1] += rq1 - rq0
            total[2] += time.perf_counter() - start

    def timed(self, stage: str, key: float, call: Callable[[], Any]) -> Any:
        self.threads.setdefault(threading.get_native_id(), stage)
        on0, rq0 = _sched()
        start = time.perf_counter()
        try:
            return call()
        finally:
            end = time.perf_counter()
            on1, rq1 = _sched()
            self.calls[stage].append((key, start, end, on1 - on0, rq1 - rq0))

    def mark(self, name: str, key: float, at: float | None = None) -> None:
        self.marks[name][round(key, 6)] = time.perf_counter() if at is None else at


def instrument(stages: Stages, runs: list[Any]) -> None:
    """Wrap the stages' classes (this process only; the benchmark's own objects are unchanged)."""
    from vbt.capture.pose import MediaPipePose
    from vbt.live.analyst import Analyst
    from vbt.live.capture import ThreadedCapture
    from vbt.live.jpeg_stream import JpegStreamSource
    from vbt.live.online import OnlineSet
    from vbt.live.resolution import FullFrameTracker
    from vbt.live.runner import LiveRun

    frames = JpegStreamSource._frames

    def _frames(self: Any) -> Iterator[Any]:
        stages.threads.setdefault(threading.get_native_id(), "capture")
        for frame in frames(self):
            stages.mark("arrived", frame.t_s, self._t0 + frame.t_s)
            stages.mark("decoded", frame.t_s)
            yield frame

    init = LiveRun.__init__

    def _init(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        runs.append(self)

    process = LiveRun._process

    def _process(self: Any, frame: Any, capture: Any, observer: Any) -> None:
        stages.mark("dequeued", frame.t_s)
        before = self._index
        source_t_s = frame.t_s
        stages.threads.setdefault(threading.get_native_id(), "loop")
        process(self, frame, capture, observer)
        if self._index != before:  # processed: its time on the run's clock
            stages.marks["source_t_s"][round(self._last_t_s, 6)] = source_t_s

    update = FullFrameTracker.update

    def _update(self: Any, frame: Any, **kwargs: Any) -> Any:
        before = self.handovers
        found = stages.timed("tracker", frame.t_s, lambda: update(self, frame, **kwargs))
        if self.handovers != before:  # the other size's tracker restarted: a whole-frame search
            stages.calls["tracker restarted"].append(stages.calls["tracker"].pop())
        return found

    detect = MediaPipePose.detect_prepared

    def _detect(self: Any, frame: Any, prepared: Any) -> Any:
        return stages.timed("pose", frame.t_s, lambda: detect(self, frame, prepared))

    prepare = MediaPipePose.prepare

    def _prepare(self: Any, frame: Any) -> Any:
        return stages.timed("pose prepare", frame.t_s, lambda: prepare(self, frame))

    add = Analyst.add

    def _add(self: Any, t_s: float, *args: Any, **kwargs: Any) -> None:
        stages.mark("handed", t_s)
        add(self, t_s, *args, **kwargs)

    online_add = OnlineSet.add

    def _online_add(self: Any, t_s: float, *args: Any, **kwargs: Any) -> Any:
        return stages.timed("analysis add", t_s, lambda: online_add(self, t_s, *args, **kwargs))

    publish = LiveRun._publish

    def _publish(self: Any, current: Any, event: Any) -> None:
        if event.kind.value == "provisional":
            stages.mark("published", event.t_s)
        publish(self, current, event)

    analyst_run = Analyst._run

    def _analyst_run(self: Any) -> None:
        stages.thread_ran("analysis", lambda: analyst_run(self))

    read_all = ThreadedCapture._read_all

    def _read_all(self: Any) -> None:
        stages.thread_ran("capture", lambda: read_all(self))

    run = LiveRun.run

    def _run(self: Any) -> Any:
        before = _threads()
        try:
            return run(self)
        finally:  # the threads still alive (the loop, pose's, MediaPipe's own): their share so far
            for tid, (on, rq) in _threads().items():
                on0, rq0 = before.get(tid, (0.0, 0.0))
                name = stages.threads.get(tid) or ("loop" if tid == threading.get_native_id() else "other")
                if name in ("analysis", "capture"):
                    continue
                name = {"loop": "loop", "pose": "pose (caller)"}.get(name, "native, pose's and others")
                total = stages.ended[name]
                total[0] += on - on0
                total[1] += rq - rq0

    Analyst._run = _analyst_run  # type: ignore[method-assign]
    ThreadedCapture._read_all = _read_all  # type: ignore[method-assign]
    LiveRun.run = _run  # type: ignore[method-assign]
    LiveRun.__init__ = _init  # type: ignore[method-assign]
    LiveRun._process = _process  # type: ignore[method-assign]
    LiveRun._publish = _publish  # type: ignore[method-assign]
    JpegStreamSource._frames = _frames  # type: ignore[method-assign]
    FullFrameTracker.update = _update  # type: ignore[method-assign]
    MediaPipePose.detect_prepared = _detect  # type: ignore[method-assign]
    MediaPipePose.prepare = _prepare  # type: ignore[method-assign]
    Analyst.add = _add  # type: ignore[method-assign]
    OnlineSet.add = _online_add  # type: ignore[method-assign]


def _p(values: list[float]) -> str:
    if not values:
        return "     -      -"
    a = np.asarray(values) * 1000
    return f"{np.percentile(a, 50):6.1f} {np.percentile(a, 95):6.1f}"


def report(stages: Stages, run: Any, wall_s: float) -> None:
    print(
        f"{'stage':14s} {'calls':>6s} {'wall p50':>8s} {'p95':>6s}   share of its wall time: CPU / wait for a core / blocked"
    )
    for stage, calls in stages.calls.items():
        wall = [c[2] - c[1] for c in calls]
        total = sum(wall) or 1.0
        cpu, rq = sum(c[3] for c in calls), sum(c[4] for c in calls)
        blocked = total - cpu - rq
        print(
            f"{stage:14s} {len(calls):6d} {_p(wall)}   {cpu / total:5.0%} / {rq / total:5.0%} / {blocked / total:5.0%}"
            f"   ({total * 1000 / len(calls):5.1f} ms a call, {cpu * 1000 / len(calls):5.1f} CPU-ms)"
        )
    # A provisional rep's processing part, through the stages of the newest sample it was seen with.
    source_of = stages.marks["source_t_s"]
    m = stages.marks
    by_key = {stage: {round(c[0], 6): c for c in calls} for stage, calls in stages.calls.items()}
    parts: dict[str, list[float]] = defaultdict(list)
    for t_s, published in m["published"].items():
        source = source_of.get(t_s)
        if source is None:
            continue
        s = round(source, 6)
        arrived, decoded, dequeued = m["arrived"].get(s), m["decoded"].get(s), m["dequeued"].get(s)
        tracker = by_key.get("tracker", {}).get(t_s) or by_key.get("tracker restarted", {}).get(t_s)
        pose = by_key.get("pose", {}).get(t_s)
        handed, added = m["handed"].get(t_s), by_key.get("analysis add", {}).get(t_s)
        if (
            arrived is None
            or decoded is None
            or dequeued is None
            or tracker is None
            or handed is None
            or added is None
        ):
            continue
        parts["total"].append(published - arrived)
        parts["decode"].append(decoded - arrived)
        parts["queue"].append(dequeued - decoded)
        parts["to tracker"].append(tracker[1] - dequeued)
        parts["  of it pose"].append(pose[2] - pose[1] if pose is not None else 0.0)
        parts["tracker"].append(tracker[2] - tracker[1])
        parts["to analysis"].append(handed - tracker[2])
        parts["analysis queue"].append(added[1] - handed)
        parts["analysis add"].append(added[2] - added[1])
        parts["  of it blocked"].append((added[2] - added[1]) - added[3] - added[4])
        parts["to published"].append(published - added[2])
        # what held the loop up while the sample waited: the slowest tracker call and the poses then
        held = [
            c[2] - c[1]
            for name in ("tracker", "tracker restarted")
            for c in stages.calls.get(name, [])
            if arrived - 0.3 < c[2] <= dequeued
        ]
        parts["  slowest tracker while queued"].append(max(held, default=0.0))
        restarts = [c for c in stages.calls.get("tracker restarted", []) if arrived - 0.3 < c[2] <= published]
        parts["  restarts in the 0.3 s before (count/1000)"].append(len(restarts) / 1000)
        poses = [c[2] - c[1] for c in stages.calls.get("pose", []) if arrived - 0.3 < c[2] <= dequeued]
        parts["  pose wall while queued"].append(sum(poses))
    n = len(parts["total"])
    print(f"\nprovisional reps: the newest sample's arrival to the rep published (ms, p50 p95; {n} reps)")
    for name, values in parts.items():
        print(f"  {name:16s} {_p(values)}")
    print(f"\nthreads ({wall_s:.1f} s of run): CPU-ms a processed frame on a core / waiting for a core")
    frames = max(run.stats.frames_processed, 1)
    for name, (on, rq, _) in sorted(stages.ended.items()):
        print(f"  {name:26s} {on * 1000 / frames:6.1f} / {rq * 1000 / frames:6.1f}")
    print(
        f"  process CPU: {run.stats.cpu_ms_per_frame.get('process', float('nan')):.1f} ms a processed frame"
    )


def _threads() -> dict[int, tuple[float, float]]:
    out = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/schedstat") as f:
                on_ns, wait_ns, _ = f.read().split()
        except OSError:
            continue
        out[int(tid)] = (int(on_ns) / 1e9, int(wait_ns) / 1e9)
    return out


def gil_probe(path: Path, *, poses: int = 30, frames: int = 90) -> None:
    """Whether pose or the analysis hold Python's lock against the frame loop's threads.

    1. A pure-Python spinner thread beside pose lite on the clip's frames: the spinner blocks on
       nothing but the lock, so its blocked share (off a core and not waiting for one) is the time
       pose held the lock it wanted.
    2. The plate tracker on the clip's frames beside an ``OnlineSet`` fed a synthetic deadlift (its
       provisional looks: Python and numpy), at Python's switch interval of 5 ms and 1 ms: the
       tracker's blocked time a frame is the time it waited for the lock.
    """
    import cv2

    from vbt.capture.pipeline import make_tracker, video_analysis_settings
    from vbt.capture.pose import MediaPipePose
    from vbt.live.online import OnlineSet
    from vbt.synth import generate_set
    from vbt.types import Frame, Lift

    cv2.setNumThreads(1)
    capture = cv2.VideoCapture(str(path))
    images = [np.asarray(capture.read()[1], dtype=np.uint8) for _ in range(frames)]
    capture.release()
    stop = threading.Event()

    def beside(work: Callable[[], object], other: Callable[[], None]) -> None:
        stop.clear()
        thread = threading.Thread(target=other)
        thread.start()
        try:
            work()
        finally:
            stop.set()
            thread.join()

    spun: list[tuple[float, float, float]] = []

    def spin() -> None:
        on0, rq0 = _sched()
        start = time.perf_counter()
        while not stop.is_set():
            pass
        on1, rq1 = _sched()
        spun.append((time.perf_counter() - start, on1 - on0, rq1 - rq0))

    with MediaPipePose(None, variant="lite") as pose:
        for i in range(5):
            pose.detect(Frame(index=i, t_s=i / 30, image=images[i]))
        beside(
            lambda: [
                pose.detect(Frame(index=i, t_s=i / 30, image=images[i % frames])) for i in range(5, 5 + poses)
            ],
            spin,
        )
    wall, on, rq = spun[0]
    print(
        f"pose lite x{poses} beside a pure-Python spinner: the spinner on a core {on / wall:.0%}, waiting "
        f"for one {rq / wall:.0%}, blocked (waiting for the lock) {max(wall - on - rq, 0) / wall:.0%}"
    )
    trajectory = generate_set(Lift.DEADLIFT, n_reps=3, seed=1).trajectory
    settings = video_analysis_settings("bumper", timed_by_arrival=True)

    def analyse() -> None:
        while not stop.is_set():
            online = OnlineSet(lift=Lift.DEADLIFT, load_kg=80.0, settings=settings)
            for i in range(len(trajectory.t_s)):
                if stop.is_set():
                    return
                online.add(float(trajectory.t_s[i]), trajectory.bar_xy_m[i], trajectory.joints_xy_m[i])

    rows: dict[str, list[tuple[float, float, float]]] = defaultdict(list)

    def track(name: str) -> None:
        tracker = make_tracker("plate")
        for i in range(frames):
            on0, rq0 = _sched()
            start = time.perf_counter()
            tracker.update(Frame(index=i, t_s=i / 30, image=images[i]))
            on1, rq1 = _sched()
            if i >= 5:  # past the first frame's whole-frame search
                rows[name].append((time.perf_counter() - start, on1 - on0, rq1 - rq0))

    for _ in range(2):
        track("tracker alone")
        for switch_s in (0.005, 0.001):
            sys.setswitchinterval(switch_s)
            name = f"beside the analysis, switch {switch_s * 1000:g} ms"
            beside(functools.partial(track, name), analyse)
        sys.setswitchinterval(0.005)
    print("plate tracker, ms a frame:        wall p50   p95   on a core  waiting for one  blocked")
    for name, values in rows.items():
        a = np.asarray(values) * 1000
        blocked = np.maximum(a[:, 0] - a[:, 1] - a[:, 2], 0.0)
        print(
            f"  {name:32s} {np.percentile(a[:, 0], 50):6.1f} {np.percentile(a[:, 0], 95):6.1f}"
            f" {a[:, 1].mean():9.1f} {a[:, 2].mean():14.1f} {blocked.mean():9.1f}"
        )


def nice_probe(path: Path, *, frames: int = 60, rounds: int = 3, steps: tuple[int, ...] = (0, 5, 10)) -> None:
    """The plate tracker (the frame loop's work) beside pose lite posing without a pause on another
    thread (as when pose overlaps), the model's own threads (``vbt.live.priority.ModelThreads``) at
    each nice value of ``steps`` in turn, ``rounds`` times: the tracker's and the pose's wall time."""
    import cv2

    from vbt.capture.pipeline import make_tracker
    from vbt.capture.pose import MediaPipePose
    from vbt.live.priority import ModelThreads
    from vbt.live.room import RoomMeter, TimedPose
    from vbt.types import Frame

    cv2.setNumThreads(1)
    capture = cv2.VideoCapture(str(path))
    images = [np.asarray(capture.read()[1], dtype=np.uint8) for _ in range(frames)]
    capture.release()
    walls: dict[int, tuple[list[float], list[float]]] = {n: ([], []) for n in steps}
    with MediaPipePose(None, variant="lite") as model:
        found = ModelThreads(1)
        pose = TimedPose(model, RoomMeter(), threads=found)
        for i in range(found.calls):
            pose.detect(Frame(index=i, t_s=i / 30, image=images[i]))
        stop, count = threading.Event(), [found.calls]

        def posing(out: list[float]) -> None:
            while not stop.is_set():
                i = count[0]
                count[0] += 1
                start = time.perf_counter()
                model.detect(Frame(index=i, t_s=i / 30, image=images[i % frames]))
                out.append(time.perf_counter() - start)

        for _ in range(rounds):
            for n in steps:
                for tid in found.lowered:
                    with contextlib.suppress(OSError):
                        os.setpriority(os.PRIO_PROCESS, tid, n)
                stop.clear()
                thread = threading.Thread(target=posing, args=(walls[n][1],))
                thread.start()
                tracker = make_tracker("plate")
                for i in range(frames):
                    start = time.perf_counter()
                    tracker.update(Frame(index=i, t_s=i / 30, image=images[i]))
                    if i >= 5:  # past the first frame's whole-frame search
                        walls[n][0].append(time.perf_counter() - start)
                stop.set()
                thread.join()
    print(f"the model's threads: {len(found.lowered)}; load {os.getloadavg()[0]:.1f}")
    for n, (tracked, posed) in walls.items():
        print(f"  model's threads at nice {n:2d}: tracker wall p50/p95 {_p(tracked)} ms, pose {_p(posed)} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clips", nargs="+", default=["squat", "deadlift"])
    parser.add_argument("--clips-dir", type=Path, required=True)
    parser.add_argument(
        "--busy", type=int, default=0, help="busy loops of other work (as benchmarks/live.py)"
    )
    parser.add_argument("--no-server", action="store_true")
    parser.add_argument("--gil", action="store_true", help="first probe Python's lock (see gil_probe)")
    parser.add_argument("--nice", action="store_true", help="first probe the model's priority (nice_probe)")
    parser.add_argument("--probes-only", action="store_true", help="the probes asked for, no live runs")
    parser.add_argument(
        "--pose-nice", type=int, default=None, help="LiveOptions.pose_nice (default: its own)"
    )
    args = parser.parse_args()
    live = _live_benchmark()
    os.environ.setdefault("VBT_MODEL_DIR", str(live.MODELS.resolve()))
    print(f"load average at the start: {os.getloadavg()[0]:.1f}; busy loops: {args.busy}")
    if args.gil:
        gil_probe(live._render(args.clips[0], args.clips_dir)[0])
    if args.nice:
        nice_probe(live._render(args.clips[0], args.clips_dir)[0])
    if args.probes_only:
        return
    stages, runs = Stages(), list[Any]()
    instrument(stages, runs)
    for lift in args.clips:
        stages.calls.clear()
        stages.marks.clear()
        stages.ended.clear()
        path, truth = live._render(lift, args.clips_dir)
        with tempfile.TemporaryDirectory() as tmp, live.busy_loops(args.busy):
            start = time.perf_counter()
            row = live.run_clip(
                lift,
                path,
                truth,
                pose=True,
                server=not args.no_server,
                work=Path(tmp),
                pose_nice=args.pose_nice,
            )
            wall_s = time.perf_counter() - start
        print(
            f"\n== {lift}: reps {row['reps']}, {row['dropped_pct']:.1f} % dropped, screen p50/p95 "
            f"{_p(row['screen_first'])} ms, shed {row['shed']}; load {os.getloadavg()[0]:.1f}"
        )
        report(stages, runs[-1], wall_s)
        lowered = getattr(runs[-1], "model_threads", None)
        print(f"  the pose model's threads lowered: {lowered.lowered if lowered is not None else 'n/a'}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
