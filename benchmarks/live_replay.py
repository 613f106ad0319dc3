"""Live mode's shedding replayed on measured CPU costs: the delay a frame waits, frames dropped and the
level per frame, the same on any machine however loaded.

``benchmarks/live.py`` plays the four rendered 720p30 sets as real-time streams, so its delays say as
much about the machine's neighbours as about live mode. This benchmark splits the question in two:

1. **Costs** (``--scratch DIR``, kept there): each clip's frames (JPEG quality 85, as
   ``serve_mjpeg`` sends them) go once through each of live mode's steps, one after the other on
   one thread: the decode at full and at half size (``vbt.live.resolution``), MediaPipe lite pose on
   the full and on the half-size picture (each its own estimator, on every frame), the plate tracker
   on every full and every half-size frame (the pose's wrists as its hands), a fresh tracker's first
   frame (a restart: every ``RESTART_EVERY``-th frame, at each size) and the view (drawn and JPEG
   encoded for the browser, every fourth frame). Each step is timed with the process's CPU time
   (``time.process_time``: MediaPipe's own inference threads included; nothing else runs in the
   process meanwhile), which holds under load far better than wall time.
2. **Replay** (no clock, no thread): the frames arrive on the stream's clock (30 fps) at a queue of
   ``LiveOptions.max_queue`` frames (the oldest dropped when full) served by one frame loop on one
   core that gives it ``--cpu`` of a core's time (1: unloaded; 2/3: what two busy loops leave on
   two cores, 2/(k+1) with k loops and live mode sharing them evenly; 1/2 and 0.4 bracket four
   loops, where live mode's own other threads, which the model leaves out, take some of the share
   too; above 1: a faster machine, or the second core's share the model leaves out). For each
   frame taken the loop's decisions are the real ones: the ``Shedder``'s level (fed the frames
   waiting and the ``BusyMeter``'s share, and on this branch the frame's wait and the
   ``RoomMeter``'s predictions, fed as ``vbt.live.runner`` feeds them), the size
   (``reduction_at``; main: half size from ``Shed.RESOLUTION``, full again below
   ``SheddingSettings.full_size_below``), pose by ``Shed.posed`` and ``PoseRoom`` (the lifter
   checks measured on every posed frame's cadence run on one posed frame in ``Shed.pose_every`` of
   theirs, as they shed with pose), the view at 12 a second unless shed. The frame then holds the
   core for its measured steps (and ``--loop-ms`` of the loop's own work) divided by ``--cpu``,
   with a fresh tracker's first frame instead of the tracker's when its size changed. Printed per
   clip and condition: frames dropped, the frame's wait (arrival to being taken) and its
   processing delay (arrival to its sighting) p50/p95, frames posed, at half size, tracker
   restarts, and the share of frames at each level, for ``main``'s shedding (its module loaded
   from ``git show main:vbt/live/shedding.py``, its rules as ``vbt.live.runner`` had them at
   7479d81) and this branch's; ``--per-frame DIR`` writes each replay's frames as CSV.

What the model leaves out (so its numbers are a comparison, not a forecast): the second core (pose
one frame ahead of the tracker on its own thread, ``vbt.capture.observer``; the capture thread's
decode beside the loop: the model puts the decode into the loop's time), the online analysis's own
thread, the recording's encoder and the browser push's network, the service and the stream's
processes, the GIL, and a loaded machine's bursts (the model's share of the core is steady); the
pose model's own tracking (MediaPipe's region of interest from the frame before), which a sparse
pose may lose, costing a fuller detection; and the costs are measured once, on whatever load the
machine had then. The data part of a rep's delay (the rep's end to the sample that shows it) and
the analysis of the sample are not in it at all, nor are reps: whether the reps and their
velocities survive is for ``benchmarks/live.py`` and ``benchmarks/live_drops.py``.

    PYTHONPATH=. .venv/bin/python benchmarks/live_replay.py --clips-dir DIR --scratch DIR
        [--clips squat bench] [--cpu 1 0.667 0.5 0.4] [--frames 0] [--per-frame DIR]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import live
from live_cpu import clip_jpegs

#: A fresh tracker's first frame (a whole-frame search) is timed on one frame in this many.
RESTART_EVERY = 30
#: A pose this many times the clip's median ran a lifter check too (``lifter_checks``).
CHECK_OVER = 2.0
#: The view is drawn and encoded on one frame in this many while costs are measured (its cost varies little).
VIEW_EVERY = 4


class _Clock:
    """The process's CPU milliseconds between laps."""

    def __init__(self) -> None:
        self._s = time.process_time()

    def lap(self) -> float:
        now_s = time.process_time()
        spent_ms, self._s = 1000.0 * (now_s - self._s), now_s
        return spent_ms


def measure(lift: str, path: Path, scratch: Path, *, frames: int) -> dict[str, np.ndarray]:
    """The clip's per-frame CPU milliseconds of each step (see the module docstring); cached in ``scratch``."""
    cache = scratch / f"{lift}-costs.npz"
    if cache.is_file():
        return dict(np.load(cache))
    import av
    import cv2

    from vbt.capture.observer import opencv_single_threaded
    from vbt.capture.pipeline import make_tracker
    from vbt.capture.pose import MediaPipePose
    from vbt.live.jpeg_stream import JpegFrame
    from vbt.live.resolution import FullFramePose, decode_jpeg, reduced_tracker_for
    from vbt.live.screen import LiveScreen, ScreenState
    from vbt.types import Lift

    jpegs, times_s = clip_jpegs(path, frames=frames)
    n = len(jpegs)
    costs = {k: np.full(n, np.nan) for k in ("decode", "decode_half", "pose", "pose_half")}
    costs.update({k: np.full(n, np.nan) for k in ("tracker", "tracker_half", "restart", "restart_half")})
    costs["view"] = np.full(n, np.nan)
    codec: Any = av.CodecContext.create("mjpeg", "r")
    codec.thread_count = 1
    pose_full = FullFramePose(MediaPipePose(None, variant="lite"))
    pose_half = FullFramePose(MediaPipePose(None, variant="lite"))
    tracker = make_tracker("plate")
    half_tracker = reduced_tracker_for(tracker)
    assert half_tracker is not None
    screen = LiveScreen(Lift(lift))

    with opencv_single_threaded():
        for i, (jpeg, t_s) in enumerate(zip(jpegs, times_s, strict=True)):
            clock = _Clock()
            image = codec.decode(av.Packet(jpeg))[-1].to_ndarray(format="bgr24")
            costs["decode"][i] = clock.lap()
            small = decode_jpeg(jpeg, reduction=2)
            assert small is not None
            costs["decode_half"][i] = clock.lap()
            full = JpegFrame(image=image, t_s=t_s - times_s[0], index=i, jpeg=jpeg, reduction=1)
            half = JpegFrame(image=small, t_s=t_s - times_s[0], index=i, jpeg=jpeg, reduction=2)
            found = pose_full.detect(full)
            costs["pose"][i] = clock.lap()
            found_half = pose_half.detect(half)
            costs["pose_half"][i] = clock.lap()
            tracker.update(full, hands_xy_px=found.wrists_xy_px)
            costs["tracker"][i] = clock.lap()
            hands_half = found_half.wrists_xy_px / 2.0
            half_tracker.update(half, hands_xy_px=hands_half)
            costs["tracker_half"][i] = clock.lap()
            if i % RESTART_EVERY == 0:
                fresh = make_tracker("plate")
                fresh_half = reduced_tracker_for(fresh)
                assert fresh_half is not None
                clock.lap()
                fresh.update(full, hands_xy_px=found.wrists_xy_px)
                costs["restart"][i] = clock.lap()
                fresh_half.update(half, hands_xy_px=hands_half)
                costs["restart_half"][i] = clock.lap()
            if i % VIEW_EVERY == 0:
                clock.lap()
                drawn = screen.draw(
                    image.copy(), ScreenState(status="set 1"), joints_xy_px=found.joints_xy_px
                )
                scaled = cv2.resize(drawn, (640, 360), interpolation=cv2.INTER_AREA)
                cv2.imencode(".jpg", scaled, [cv2.IMWRITE_JPEG_QUALITY, 70])
                costs["view"][i] = clock.lap()
    for estimator in (pose_full.inner, pose_half.inner):
        estimator.close()  # type: ignore[attr-defined]
    costs["t_s"] = np.asarray(times_s) - times_s[0]
    np.savez(cache, **costs)  # type: ignore[arg-type]
    return costs


# -- the replay -----------------------------------------------------------------------------------


def main_shedding() -> ModuleType:
    """``vbt.live.shedding`` as it is on branch ``main`` (its own ``Shed``, ``Shedder``, ...)."""
    source = subprocess.run(
        ["git", "show", "main:vbt/live/shedding.py"],
        cwd=Path(__file__).resolve().parents[1],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = ModuleType("main_shedding")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "main:vbt/live/shedding.py", "exec"), module.__dict__)
    return module


@dataclass
class Replayed:
    """One clip's replay: per frame taken, its wait and delay (seconds), level, size, pose."""

    frames: int = 0
    dropped: int = 0
    restarts: int = 0
    wait_s: list[float] = field(default_factory=list)
    delay_s: list[float] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)
    t_s: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    poses: list[bool] = field(default_factory=list)

    @property
    def half(self) -> int:
        """Frames taken at half size."""
        return sum(size == 2 for size in self.sizes)

    @property
    def posed(self) -> int:
        """Frames posed."""
        return sum(self.poses)

    def write(self, path: Path) -> None:
        """One row a frame taken: its time, level, size, whether posed, its wait and delay."""
        rows = zip(self.t_s, self.levels, self.sizes, self.poses, self.wait_s, self.delay_s, strict=True)
        lines = [f"{t:.4f},{lv},{size},{int(p)},{w:.4f},{d:.4f}" for t, lv, size, p, w, d in rows]
        path.write_text("t_s,level,reduction,posed,wait_s,delay_s\n" + "\n".join(lines) + "\n")


def _nearest(samples: np.ndarray, i: int) -> float:
    """The sample nearest frame ``i`` among the frames where ``samples`` is not NaN."""
    at = np.flatnonzero(np.isfinite(samples))
    return float(samples[at[np.argmin(np.abs(at - i))]])


def lifter_checks(pose_ms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A pose's CPU-ms split into the model's and the lifter check's (MediaPipe's multi-person
    landmarker, ``vbt.capture.pose.lifter``: about 70 ms more, once a second on every posed frame's
    cadence): a frame after the first that took more than ``CHECK_OVER`` times the clip's median
    ran one, and its cost above the median is the check's."""
    median_ms = float(np.median(pose_ms))
    check = pose_ms > CHECK_OVER * median_ms
    check[0] = False  # the model's first inference, not a check
    base = np.where(check, median_ms, pose_ms)
    return base, np.where(check, pose_ms - median_ms, 0.0)


def replay(
    costs: dict[str, np.ndarray],
    *,
    branch: bool,
    module: ModuleType,
    cpu: float,
    max_queue: int = 8,
    view_fps: float = 12.0,
    loop_ms: float = 2.0,
) -> Replayed:
    """The clip's frames through one frame loop with ``cpu`` of a core, its decisions made as ``vbt
    live`` makes them (``branch``: this branch's rules, ``module`` its shedding; else main's, with
    ``module`` main's shedding). See the module docstring."""
    from vbt.live.room import RoomMeter

    t = costs["t_s"]
    n = len(t)
    settings = module.SheddingSettings()
    shedder, busy = module.Shedder(settings), module.BusyMeter()
    pose_room = module.PoseRoom(max_queue=max_queue, spare=settings.pose_room_spare)
    room = RoomMeter()
    view_ms = float(np.nanmedian(costs["view"]))
    pose_ms = {size: lifter_checks(costs["pose" + size]) for size in ("", "_half")}
    checks_due = 0  # lifter checks met on posed frames since the last one run
    out = Replayed()
    queue: deque[tuple[int, int]] = deque()  # frame, the size it was decoded at
    now_s, arrived, reduction, before = 0.0, 0, 1, 0
    last_view_s = last_shown_s = -math.inf

    def admit(until_s: float) -> None:
        nonlocal arrived
        while arrived < n and t[arrived] <= until_s:
            if len(queue) >= max_queue:
                queue.popleft()
                out.dropped += 1
            queue.append((arrived, reduction))
            arrived += 1

    def size_at(level: Any, current: int) -> int:
        if branch:
            return int(module.reduction_at(level, current, 2, settings))
        if level >= module.Shed.RESOLUTION:
            return 2
        return 1 if level < settings.full_size_below else current

    while True:
        admit(now_s)
        if not queue:
            if arrived >= n:
                break
            now_s = float(t[arrived])
            continue
        i, size = queue.popleft()
        waiting, wait_s = len(queue), now_s - float(t[i])
        if branch:
            level = shedder.update(
                waiting,
                float(t[i]),
                busy=busy.share,
                wait_s=wait_s,
                room=lambda level, size=reduction: room.share(level, size_at(level, size)),
            )
        else:
            level = shedder.update(waiting, float(t[i]), busy=busy.share)
        reduction = size_at(level, reduction)
        half = "_half" if size == 2 else ""
        posed = level.posed(out.frames) and pose_room.fits(waiting)
        restarted = size != before
        tracker_ms = (
            _nearest(costs["restart" + half], i) if restarted and before else costs["tracker" + half][i]
        )
        spent_ms = costs["decode" + half][i] + tracker_ms + loop_ms
        if posed:
            base_ms, check_ms = pose_ms[half]
            frame_pose_ms = base_ms[i]
            if check_ms[i] > 0:  # the lifter checks shed with pose (LiveOptions.shed_lifter_checks)
                checks_due += 1
                if checks_due >= level.pose_every:
                    frame_pose_ms, checks_due = frame_pose_ms + check_ms[i], 0
            spent_ms += frame_pose_ms
        if t[i] - last_view_s >= 1.0 / view_fps:
            last_view_s = float(t[i])
            if not (level >= module.Shed.VIEW and t[i] - last_shown_s < settings.view_keepalive_s):
                last_shown_s = float(t[i])
                spent_ms += view_ms
        start_s, came = now_s, arrived
        now_s += spent_ms / 1000.0 / cpu
        busy.done(start_s, now_s)
        if posed:
            room.posed(frame_pose_ms / 1000.0 / cpu)
            pose_room.posed(int(np.searchsorted(t, now_s, side="right")) - came)
        room.done(float(t[i]), now_s - start_s, reduction=size, posed=posed, one_off=restarted)
        out.restarts += int(restarted and before != 0)
        before = size
        out.frames += 1
        out.wait_s.append(wait_s)
        out.delay_s.append(now_s - float(t[i]))
        out.levels.append(int(level))
        out.t_s.append(float(t[i]))
        out.sizes.append(size)
        out.poses.append(bool(posed))
    return out


def _row(name: str, runs: list[Replayed], n_levels: int) -> str:
    frames = sum(r.frames for r in runs)
    dropped = sum(r.dropped for r in runs)
    wait = 1000.0 * np.concatenate([r.wait_s for r in runs])
    delay = 1000.0 * np.concatenate([r.delay_s for r in runs])
    levels = np.bincount(np.concatenate([r.levels for r in runs]), minlength=n_levels) / max(frames, 1)
    return (
        f"{name:24s} {100.0 * dropped / max(frames + dropped, 1):6.1f} "
        f"{np.percentile(wait, 50):5.0f}/{np.percentile(wait, 95):<5.0f} "
        f"{np.percentile(delay, 50):5.0f}/{np.percentile(delay, 95):<5.0f} "
        f"{100.0 * sum(r.posed for r in runs) / frames:5.0f} {100.0 * sum(r.half for r in runs) / frames:5.0f} "
        f"{sum(r.restarts for r in runs):5d}  " + " ".join(f"{100 * v:3.0f}" for v in levels)
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clips", nargs="+", default=["squat", "bench", "deadlift", "power_clean"])
    parser.add_argument(
        "--clips-dir", type=Path, required=True, help="the rendered clips (rendered there when missing)"
    )
    parser.add_argument("--scratch", type=Path, required=True, help="where the measured costs are kept")
    parser.add_argument("--frames", type=int, default=0, help="the first frames of each clip only (0: all)")
    parser.add_argument(
        "--cpu",
        nargs="+",
        type=float,
        default=[1.0, 2 / 3, 0.5, 0.4],
        help="the share of a core the loop gets (with k busy loops on 2 cores: 2/(k+1) of a core, 1/2 or 0.4 for four)",
    )
    parser.add_argument("--loop-ms", type=float, default=2.0, help="the frame loop's own CPU-ms a frame")
    parser.add_argument(
        "--per-frame", type=Path, help="write each replay's frames here (CSV: level, size, wait, ...)"
    )
    args = parser.parse_args()
    os.environ.setdefault("VBT_MODEL_DIR", str(live.MODELS.resolve()))
    args.scratch.mkdir(parents=True, exist_ok=True)
    import vbt.live.shedding as branch_shedding

    policies = {"main": (False, main_shedding()), "branch": (True, branch_shedding)}
    measured = {}
    for lift in args.clips:
        path, _truth = live._render(lift, args.clips_dir)
        measured[lift] = measure(lift, path, args.scratch, frames=args.frames)
        c = measured[lift]
        print(
            lift,
            "CPU-ms a frame (median):",
            {k: round(float(np.nanmedian(v)), 1) for k, v in c.items() if k != "t_s"},
        )
    names = [s.name.lower() for s in branch_shedding.Shed]
    print(
        f"\n{'clip, cpu, rules':24s} {'drop%':>6s} {'wait ms':>11s} {'delay ms':>11s} {'pose%':>5s} "
        f"{'half%':>5s} {'rest.':>5s}  % of frames at " + " ".join(n[:3] for n in names)
    )
    for cpu in args.cpu:
        pooled: dict[str, list[Replayed]] = {name: [] for name in policies}
        for lift, costs in measured.items():
            for name, (branch, module) in policies.items():
                run = replay(costs, branch=branch, module=module, cpu=cpu, loop_ms=args.loop_ms)
                pooled[name].append(run)
                if args.per_frame is not None:
                    args.per_frame.mkdir(parents=True, exist_ok=True)
                    run.write(args.per_frame / f"{lift}-cpu{cpu:.2f}-{name}.csv")
                print(_row(f"{lift} {cpu:.2f} {name}", [run], len(names)))
        for name, runs in pooled.items():
            print(_row(f"ALL {cpu:.2f} {name}", runs, len(names)))
        print()


if __name__ == "__main__":
    main()
