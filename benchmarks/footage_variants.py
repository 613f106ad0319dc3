"""Does vbt generalise? The footage corpus transformed: a clip filmed the other way round, at half the
resolution, trimmed, or at half the frame rate is a different clip to vbt with the same truth.

Each clip of ``../shared/footage`` is transformed into a scratch folder (never into the repository)
and judged by the footage benchmark's own rule (``footage.judge``: exact, honest, wrong) against the
original's truth, moved to the variant's clock:

- ``original``: the clip as it is (the baseline);
- ``reencode``: decoded and encoded again, nothing else (the control: every other variant is encoded
  once more too, so a change here is the codec's, not the transform's);
- ``flip``: mirrored left to right (the lifter faces the other way);
- ``half``: half the width and height (a lower-resolution phone; odd sizes rounded to even);
- ``trim``: cut 0.5 s before the first rep's start and 0.5 s after the last rep's end;
- ``trim_tight``: cut at the first rep's start (lift-off), to 0.5 s after the last rep's end: the
  first rep must come out ``partial_start``, honest or exact, never wrong;
- ``fps``: every second frame dropped from a clip of 50 fps or more (a 25-30 fps phone).

A rep's start and end for the cuts are the truth's windows (``footage_truth.csv``), widened to the
rep the original's analysis found where that analysis is exact (a squat's truth window is its
ascent; its rep starts at the top, with the descent). A clip with neither (no windows, the original
not exact) gets no cut.

Every frame keeps its own time (``vbt.videoio.open_timed_writer``, H.264 at crf 18, each file's
clock starting at its first frame); the truth's windows move with the clock. MediaPipe's poses are
not computed again: each variant frame gets its original frame's pose, transformed as the image was
(mirrored: x -> W - 1 - x with the left and right landmarks swapped and the side facing the camera
the other; halved: scaled about the pixel centres). This is an approximation: MediaPipe's own poses
of a mirrored or smaller image differ by its noise, which the ``reencode`` control does not show.

    .venv/bin/python benchmarks/footage_variants.py --poses DIR [--variants flip,half,trim]
        [--clips NAME ...] [--jobs 2] [--scratch DIR] [--json OUT]

``--poses DIR``: the originals' poses (``footage.py --poses``), read only; a clip whose poses are
not there gets them computed into the scratch folder. Outcomes are kept in the scratch folder, keyed
by the code (``vbt``, ``benchmarks``) and the variant's file: a second run redoes only what changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import pickle
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import footage
import numpy as np
import pose_cache

if TYPE_CHECKING:
    from vbt.capture.pose import PoseResult
    from vbt.types import Image

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ("original", "reencode", "flip", "half", "trim", "trim_tight", "fps")
#: Variants that need the original's reps (the cuts).
CUTS = ("trim", "trim_tight")
#: Rest kept before the first rep and after the last by ``trim`` (s): a lifter trimming a clip.
TRIM_MARGIN_S = 0.5
#: ``fps`` halves clips of at least this rate (frames per second): 50-60 fps phones become 25-30 fps.
FPS_HALVED_FROM = 50.0
#: A rep's mean velocity this far (%) from the original's is listed: no class changes, but the same
#: lift gave another number (the ``reencode`` control moved reps by up to 6 % when this was written).
MOVED_PCT = 10.0
#: x264's quality for the variants: 18 is visually lossless; the ``reencode`` control measures what
#: one more generation of coding changes.
CRF = 18


@dataclass(frozen=True)
class Cut:
    """The part of a clip a variant keeps: original times (s), both ends inclusive."""

    start_s: float
    end_s: float


# --- the transforms ---------------------------------------------------------------------------


def transform_image(image: Image, variant: str, size_px: tuple[int, int]) -> Image:
    """A frame's image as the variant has it (``size_px``: the variant's width and height)."""
    import cv2

    if variant == "flip":
        return cv2.flip(image, 1)
    if variant == "half":
        return cv2.resize(image, size_px, interpolation=cv2.INTER_AREA)
    return image


def variant_size(variant: str, size_px: tuple[int, int]) -> tuple[int, int]:
    """The variant's (width, height): half of each, rounded to even (H.264) for ``half``."""
    width, height = size_px
    if variant == "half":
        return 2 * round(width / 4), 2 * round(height / 4)
    return width, height


def _swap_pairs(values: Any) -> Any:
    """Rows in (left, right) pairs, each pair swapped (``BODY_POINTS`` order)."""
    import numpy as np

    out = np.array(values, copy=True)
    out[0::2], out[1::2] = values[1::2], values[0::2]
    return out


def transform_pose(
    pose: PoseResult, variant: str, size_px: tuple[int, int], new_size_px: tuple[int, int], t_s: float
) -> PoseResult:
    """The original frame's pose as the variant's frame would show it, at the variant's time ``t_s``.

    ``flip``: x -> W - 1 - x (the image's column c becomes W - 1 - c), and what MediaPipe calls left
    is right in a mirror: left and right landmarks swap, and so does the side facing the camera.
    ``half``: each coordinate scaled about the pixel centres ((x + 0.5) s - 0.5). Otherwise the pose
    as it is.
    """
    import numpy as np

    def xy(points: Any) -> Any:
        p = np.array(points, dtype=np.float64, copy=True)
        if variant == "flip":
            p[..., 0] = size_px[0] - 1 - p[..., 0]
        elif variant == "half":
            scale = np.array(new_size_px, dtype=np.float64) / np.array(size_px, dtype=np.float64)
            p = (p + 0.5) * scale - 0.5
        return p

    moved = replace(
        pose,
        t_s=t_s,
        joints_xy_px=xy(pose.joints_xy_px),
        heel_xy_px=xy(pose.heel_xy_px),
        wrists_xy_px=xy(pose.wrists_xy_px),
        body_xy_px=xy(pose.body_xy_px),
    )
    if variant != "flip":
        return moved
    other = {"left": "right", "right": "left"}
    return replace(
        moved,
        side=None if pose.side is None else other[pose.side],  # type: ignore[arg-type]
        wrists_xy_px=moved.wrists_xy_px[::-1].copy(),
        wrists_visibility=np.asarray(pose.wrists_visibility)[::-1].copy(),
        body_xy_px=_swap_pairs(moved.body_xy_px),
        body_visibility=_swap_pairs(np.asarray(pose.body_visibility)),
    )


def keeps(variant: str, position: int, t_s: float, cut: Cut | None) -> bool:
    """Whether the variant keeps the original's ``position``-th decoded frame, at ``t_s``."""
    if variant == "fps":
        return position % 2 == 0
    if cut is not None:
        return cut.start_s - 1e-6 <= t_s <= cut.end_s + 1e-6
    return True


def make_variant(
    original: Path, variant: str, cut: Cut | None, poses: dict[int, PoseResult], target: Path
) -> tuple[dict[int, PoseResult], float]:
    """Write the variant of ``original`` to ``target``; its poses (by its own frame index, at its own
    times) and the original time of its first frame (its clock's zero).

    Raises:
        RuntimeError: the written file does not decode to the frames written (a frame lost, or its
            time moved by more than a millisecond).
    """
    from vbt.capture.sources import VideoFileSource
    from vbt.videoio import open_timed_writer

    kept: list[tuple[int, float]] = []  # (original index, original time)
    size_px: tuple[int, int] | None = None
    new_size: tuple[int, int] = (0, 0)
    writer = None
    try:
        with VideoFileSource(original) as source:
            for position, frame in enumerate(source):
                if not keeps(variant, position, frame.t_s, cut):
                    continue
                if writer is None:
                    height, width = frame.image.shape[:2]
                    size_px = (width, height)
                    new_size = variant_size(variant, size_px)
                    rate = source.fps / (2 if variant == "fps" else 1)
                    nominal = rate if math.isfinite(rate) else 30.0
                    writer = open_timed_writer(
                        target, size_px=new_size, crf=CRF, threads=1, nominal_fps=nominal
                    )
                writer.write(transform_image(frame.image, variant, new_size), frame.t_s)
                kept.append((frame.index, frame.t_s))
    finally:
        if writer is not None:
            writer.close()
    if not kept or size_px is None:
        raise RuntimeError(f"{original.name} {variant}: no frame kept")
    zero_s = kept[0][1]
    moved: dict[int, PoseResult] = {}
    with VideoFileSource(target) as written:
        frames = list((f.index, f.t_s) for f in written)
    if len(frames) != len(kept):
        raise RuntimeError(f"{target.name}: {len(frames)} frames decoded, {len(kept)} written")
    for (index, t_s), (old_index, old_t_s) in zip(frames, kept, strict=True):
        if abs(t_s - (old_t_s - zero_s)) > 1e-3:
            raise RuntimeError(
                f"{target.name}: frame {index} at {t_s:.4f} s, written at {old_t_s - zero_s:.4f} s"
            )
        if old_index in poses:
            moved[index] = transform_pose(poses[old_index], variant, size_px, new_size, t_s)
    return moved, zero_s


# --- the cuts and the truth -------------------------------------------------------------------


def rep_spans(clip: footage.Clip, original: dict[str, Any] | None) -> list[tuple[float, float]]:
    """Each true rep's (start, end) in original time: the truth's windows, each widened to the
    original's rep in it when the original is exact (its reps are then the truth's, one per window);
    the original's reps alone when the truth gives no windows and the original is exact."""
    exact_reps: list[tuple[float, float]] = []
    if original is not None and original["class"] == "exact":
        exact_reps = [tuple(r) for r in original["rep_spans_s"]]  # type: ignore[misc]
    windows = list(clip.windows_s)
    if not windows:
        return exact_reps
    if len(exact_reps) != len(windows):
        return windows
    return [(min(a, c), max(b, d)) for (a, b), (c, d) in zip(windows, exact_reps, strict=True)]


def cut_for(variant: str, spans: list[tuple[float, float]]) -> Cut | None:
    if variant not in CUTS or not spans:
        return None
    first_s = min(a for a, _ in spans)
    last_s = max(b for _, b in spans)
    start_s = first_s - (TRIM_MARGIN_S if variant == "trim" else 0.0)
    return Cut(max(start_s, 0.0), last_s + TRIM_MARGIN_S)


def moved_clip(clip: footage.Clip, zero_s: float) -> footage.Clip:
    """The clip's truth on a variant's clock (zero at the original's ``zero_s``)."""
    return replace(clip, windows_s=[(a - zero_s, b - zero_s) for a, b in clip.windows_s])


# --- running -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    clip: footage.Clip
    variant: str
    footage: Path
    model: Path
    poses: Path | None
    scratch: Path
    code: str
    spans: tuple[tuple[float, float], ...] = ()


def code_digest() -> str:
    """What an outcome depends on besides its clip: vbt's code and the footage benchmark's (not this
    file's: a change to the transforms wants a new ``--scratch``)."""
    paths = sorted((ROOT / "vbt").rglob("*.py"))
    paths += [ROOT / "benchmarks" / "footage.py", ROOT / "benchmarks" / "pose_cache.py"]
    return pose_cache.digest(paths, str(CRF))


def original_poses(job: Job) -> Path:
    """The folder holding the original clip's poses: ``--poses`` when they are there, else the scratch
    folder's own (computed there)."""
    path = job.footage / job.clip.file
    if job.poses is not None and pose_cache.pose_cache_file(job.poses, path, job.model).is_file():
        return job.poses
    own = job.scratch / "poses-original"
    pose_cache.cache_poses((path, job.model, own))
    return own


def run_job(job: Job) -> dict[str, Any]:
    """One clip's variant judged (the outcome as a dict, kept in the scratch folder)."""
    clip = job.clip
    key = hashlib.sha256(f"{job.code}:{job.spans}".encode()).hexdigest()[:16]
    kept = job.scratch / "outcomes" / f"{Path(clip.file).stem}.{job.variant}.{key}.json"
    if kept.is_file():
        return dict(json.loads(kept.read_text()))
    started = time.process_time()
    row: dict[str, Any] = {"file": clip.file, "variant": job.variant, "side_on": clip.side_on}
    source = job.footage / clip.file
    poses_dir = original_poses(job)
    cut = cut_for(job.variant, list(job.spans))
    if clip.lift is None:
        row.update({"class": "unknown lift"})
    elif (job.variant in CUTS and cut is None) or (job.variant == "fps" and not _fast(source)):
        row.update({"class": "n/a"})
    else:
        if job.variant == "original":
            path, judged, zero_s = source, clip, 0.0
        else:
            path = job.scratch / "clips" / f"{Path(clip.file).stem}.{job.variant}.mp4"
            path.parent.mkdir(parents=True, exist_ok=True)
            poses_file = pose_cache.pose_cache_file(poses_dir, source, job.model)
            poses = pickle.loads(poses_file.read_bytes()) if poses_file.is_file() else {}
            moved, zero_s = make_variant(source, job.variant, cut, poses, path)
            poses_dir = job.scratch / "poses-variants"
            target = pose_cache.pose_cache_file(poses_dir, path, job.model)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(pickle.dumps(moved))
            judged = moved_clip(clip, zero_s)
            if cut is not None:
                row["cut_s"] = [round(cut.start_s, 3), round(cut.end_s, 3)]
        report, error = footage.analyse(path, clip.lift, job.model, None, "", poses_dir)
        outcome = footage.judge(judged, report, error)
        reps = [] if report is None else [r for r in report["reps"] if r["status"] in ("ok", "failed")]
        row.update(
            {
                "class": outcome.label,
                "found": outcome.found,
                "verdict": outcome.verdict,
                "problems": outcome.problems,
                "reasons": outcome.reasons,
                "rep_spans_s": [(r["start_s"] + zero_s, r["end_s"] + zero_s) for r in reps],
                "mean_velocity_m_s": [r["mean_velocity_m_s"] for r in reps],
                "partial_start": [bool(r.get("partial_start")) for r in reps],
                "mm_per_px_plate": outcome.mm_per_px_plate,
            }
        )
    row["cpu_s"] = round(time.process_time() - started, 1)
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(json.dumps(row, default=_jsonable) + "\n")
    return row


def _jsonable(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else str(value)


def _fast(path: Path) -> bool:
    from vbt.capture.sources import VideoFileSource

    with VideoFileSource(path) as source:
        return bool(source.fps >= FPS_HALVED_FROM)


# --- the tables --------------------------------------------------------------------------------


def velocity_changes(rows: list[dict[str, Any]], variant: str) -> list[float]:
    """|v / v_original - 1| in % of each rep's mean velocity, over the clips exact both as they are
    and as ``variant`` (reps paired in order: both counts are the truth's)."""
    by = {(r["file"], r["variant"]): r for r in rows}
    changes = []
    for r in rows:
        base = by.get((r["file"], "original"))
        if r["variant"] != variant or base is None or not (r["class"] == base["class"] == "exact"):
            continue
        for v, v0 in zip(r["mean_velocity_m_s"], base["mean_velocity_m_s"], strict=True):
            changes.append(100.0 * abs(v / v0 - 1.0))
    return changes


def table(rows: list[dict[str, Any]], variants: list[str]) -> None:
    """Exact / honest / wrong per variant (all judged clips and the side-on ones), then each clip
    whose class differs from the original's."""
    by = {(r["file"], r["variant"]): r for r in rows}
    print(
        f"{'variant':<11} {'clips':>5} {'exact':>6} {'honest':>7} {'wrong':>6} {'side-on exact':>14} {'n/a':>4}"
    )
    for variant in variants:
        mine = [r for r in rows if r["variant"] == variant and r["class"] not in ("unknown lift",)]
        judged = [r for r in mine if r["class"] != "n/a"]
        count = {c: sum(r["class"] == c for r in judged) for c in ("exact", "honest", "wrong")}
        side = [r for r in judged if r["side_on"]]
        side_exact = f"{sum(r['class'] == 'exact' for r in side)}/{len(side)}"
        print(
            f"{variant:<11} {len(judged):>5} {count['exact']:>6} {count['honest']:>7} {count['wrong']:>6} "
            f"{side_exact:>14} {len(mine) - len(judged):>4}"
        )
    print(
        "\nmean velocity against the original's, per rep, on the clips exact in both "
        "(|change| median and largest, %):"
    )
    for variant in variants[1:]:
        changes = velocity_changes(rows, variant)
        shown = "-" if not changes else f"{np.median(changes):.1f} / {max(changes):.1f} ({len(changes)} reps)"
        print(f"  {variant:<11} {shown}")
    print(f"\nexact in both, a rep's mean velocity more than {MOVED_PCT:g} % off the original's:")
    for r in rows:
        base = by.get((r["file"], "original"))
        if r["variant"] == "original" or base is None or not (r["class"] == base["class"] == "exact"):
            continue
        pairs = zip(r["mean_velocity_m_s"], base["mean_velocity_m_s"], strict=True)
        if any(abs(v / v0 - 1.0) > MOVED_PCT / 100.0 for v, v0 in pairs):
            shown = ", ".join(f"{v:.2f}" for v in r["mean_velocity_m_s"])
            was = ", ".join(f"{v:.2f}" for v in base["mean_velocity_m_s"])
            print(f"  {r['variant']:<11} {r['file'][:56]:<56} {shown} m/s (original {was})")
    print("\nclass changed against the original:")
    for variant in variants:
        if variant == "original":
            continue
        for r in rows:
            base = by.get((r["file"], "original"))
            if r["variant"] != variant or base is None or r["class"] in ("n/a", base["class"]):
                continue
            print(
                f"  {variant:<11} {r['file'][:56]:<56} {base['class']} -> {r['class']} (found {r.get('found')})"
            )
            for problem in r.get("problems", []):
                print(f"{'':<16}off: {problem}")
            for reason in r.get("reasons", [])[:3]:
                print(f"{'':<16}says: {reason[:160]}")
    tight = [r for r in rows if r["variant"] == "trim_tight" and r.get("partial_start")]
    if tight:
        starts = sum(r["partial_start"][0] for r in tight if r["partial_start"])
        print(
            f"\ntrim_tight: the first counted rep is partial_start on {starts} of {len(tight)} clips with reps"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--footage", type=Path, default=footage.SHARED / "footage")
    parser.add_argument("--model", type=Path, default=footage.SHARED / "models" / "pose_landmarker_lite.task")
    parser.add_argument("--poses", type=Path, default=None, help="the originals' poses (read only)")
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/vbt-footage-variants"))
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"of {', '.join(VARIANTS)}")
    parser.add_argument("--clips", nargs="*", default=None, help="only these files (substrings)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None, help="also write every outcome as JSON")
    args = parser.parse_args(argv)
    variants = ["original", *[v for v in args.variants.split(",") if v and v != "original"]]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        print(f"unknown variants {unknown}; the variants are {', '.join(VARIANTS)}", file=sys.stderr)
        return 2
    clips = footage.read_clips(args.footage)
    if args.clips:
        clips = [c for c in clips if any(s in c.file for s in args.clips)]
    os.environ.setdefault("GLOG_minloglevel", "2")
    started = time.perf_counter()
    code = code_digest()

    def jobs_of(names: list[str], spans: dict[str, tuple[tuple[float, float], ...]]) -> list[Job]:
        return [
            Job(c, v, args.footage, args.model, args.poses, args.scratch, code, spans.get(c.file, ()))
            for c in clips
            for v in names
        ]

    def run(jobs: list[Job]) -> list[dict[str, Any]]:
        if args.jobs <= 1:
            return [run_job(j) for j in jobs]
        with ProcessPoolExecutor(max_workers=args.jobs, max_tasks_per_child=1) as pool:
            return list(pool.map(run_job, jobs))

    rows = run(jobs_of([v for v in variants if v not in CUTS], {}))
    originals = {r["file"]: r for r in rows if r["variant"] == "original"}
    spans = {c.file: tuple(rep_spans(c, originals.get(c.file))) for c in clips}
    rows += run(jobs_of([v for v in variants if v in CUTS], spans))
    print(f"footage variants: {len(clips)} clips of {args.footage}, variants {', '.join(variants)}\n")
    table(rows, variants)
    print(
        f"\n({time.perf_counter() - started:.0f} s; {sum(r['cpu_s'] for r in rows):.0f} s of CPU in the jobs)"
    )
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=1, default=_jsonable) + "\n")
    return 1 if any(r["class"] == "wrong" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
