"""Whom the pose estimator follows on real footage, and what following the lifter costs.

Runs ``MediaPipePose`` over each clip twice: with lifter-following off (``LifterSettings(enabled=False)``:
MediaPipe tracks whoever it finds first, as vbt did before) and on (the default). Prints per run the
pose's cost per frame (wall and CPU milliseconds of ``detect`` alone, decoding excluded; the CPU
time is the whole process's, MediaPipe works on threads of its own), the checks and switches made,
and who was followed: the share of frames reporting a person, the median height of the person
reported (``stature_px`` over the image's height) and the median x of its torso (fraction of the
width), over the frames with a person. The
last columns compare the two runs' body points (``PoseResult.body_xy_px``) frame by frame: the median
and the 95th percentile of their distance in pixels over frames where both found a person (0 where
both follow the same person all along).

Nothing is asserted: timings depend on the machine and its load. Default clips: two with one
person (squat_side_3reps.mp4, deadlift_side_4reps.mp4) and those with several people.

    .venv/bin/python benchmarks/pose.py [--footage ../shared/footage] [--clips NAME ...] [--variant lite]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"
CLIPS = (
    "squat_side_3reps.mp4",
    "deadlift_side_4reps.mp4",
    "snatch_side_1rep.mp4",
    "bench_side_1rep_spotter.mp4",
    "bench_oblique_1rep_grinder.mp4",
    "squat_side_1rep_walkout_camera_jump.mp4",
    "snatch_front_1rep_broadcast.mp4",
)


@dataclass
class Run:
    frames: int
    wall_ms: float
    cpu_ms: float
    checks: int
    switches: int
    found_frac: float
    height_frac: float
    torso_x_frac: float
    body_xy_px: np.ndarray  # (N, B, 2)


def run(path: Path, variant: str, *, follow: bool) -> Run:
    from vbt.capture.pose import LifterSettings, MediaPipePose
    from vbt.capture.pose.people import stature_px
    from vbt.capture.sources import VideoFileSource

    wall = cpu = 0.0
    bodies, heights, xs = [], [], []
    with (
        VideoFileSource(path) as source,
        MediaPipePose(variant=variant, lifter=LifterSettings(enabled=follow)) as pose,
    ):
        for frame in source:
            started_wall, started_cpu = time.perf_counter(), time.process_time()
            result = pose.detect(frame)
            wall += time.perf_counter() - started_wall
            cpu += time.process_time() - started_cpu
            bodies.append(result.body_xy_px)
            height, width = frame.image.shape[:2]
            if result.person_found:
                body = result.body_xy_px
                # stature_px takes MediaPipe's 33 landmarks; rebuild them from the body points kept.
                heights.append(stature_px(_landmarks(body)) / height)
                xs.append(float(np.nanmean(body[[0, 1, 6, 7], 0])) / width)
        n = len(bodies)
        chooser = pose.lifter_chooser
        return Run(
            frames=n,
            wall_ms=1000.0 * wall / max(n, 1),
            cpu_ms=1000.0 * cpu / max(n, 1),
            checks=chooser.checks,
            switches=chooser.switches,
            found_frac=len(heights) / max(n, 1),
            height_frac=float(np.nanmedian(heights)) if heights else float("nan"),
            torso_x_frac=float(np.nanmedian(xs)) if xs else float("nan"),
            body_xy_px=np.stack(bodies) if bodies else np.empty((0, 0, 2)),
        )


def _landmarks(body_xy_px: np.ndarray) -> np.ndarray:
    """(33, 2) MediaPipe landmarks with the body points filled in (NaN elsewhere)."""
    from vbt.capture.pose.result import BODY_INDEX

    landmarks = np.full((33, 2), np.nan)
    landmarks[BODY_INDEX] = body_xy_px
    return landmarks


def moved_px(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Median and 95th percentile of the distance between two runs' body points, per frame's median."""
    both = np.isfinite(a).all(axis=2) & np.isfinite(b).all(axis=2)
    distance = np.where(both, np.hypot(*(a - b).transpose(2, 0, 1)), np.nan)
    per_frame = np.array([np.nanmedian(d) for d in distance if np.isfinite(d).any()])
    if per_frame.size == 0:
        return float("nan"), float("nan")
    return float(np.median(per_frame)), float(np.percentile(per_frame, 95))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--footage", type=Path, default=SHARED / "footage")
    parser.add_argument("--clips", nargs="*", default=list(CLIPS))
    parser.add_argument("--variant", default="lite")
    args = parser.parse_args(argv)
    os.environ.setdefault("VBT_MODEL_DIR", str(SHARED / "models"))
    os.environ.setdefault("GLOG_minloglevel", "2")
    header = (
        f"{'clip':42} {'follow':6} {'frames':>6} {'ms/frame':>8} {'cpu ms':>7} {'checks':>6} "
        f"{'switch':>6} {'found':>5} {'height':>6} {'x':>5} {'moved px':>12}"
    )
    print(header)
    print("-" * len(header))
    for name in args.clips:
        path = args.footage / name
        if not path.is_file():
            print(f"{name[:42]:42} missing ({path})")
            continue
        runs = {follow: run(path, args.variant, follow=follow) for follow in (False, True)}
        median, p95 = moved_px(runs[False].body_xy_px, runs[True].body_xy_px)
        for follow, r in runs.items():
            moved = f"{median:5.1f} /{p95:5.1f}" if follow else ""
            print(
                f"{name[:42]:42} {'on' if follow else 'off':6} {r.frames:6d} {r.wall_ms:8.1f} "
                f"{r.cpu_ms:7.1f} {r.checks:6d} {r.switches:6d} {r.found_frac:5.2f} {r.height_frac:6.2f} "
                f"{r.torso_x_frac:5.2f} {moved:>12}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
