"""What each rule of the plate finder buys: every rule switched off in turn, on real footage and on
rendered clips, against the baseline with all rules on.

A rule is a ``use_`` switch of ``vbt.capture.bar.PlateSettings`` (``rule_names``). For each one
(and for the baseline) this runs

- the footage benchmark (``footage.py``: ``vbt analyze``'s report on each clip of
  ``../shared/footage``, judged exact / honest / wrong by ``footage.judge``), with the pose of each
  clip computed once and replayed from ``--cache`` (MediaPipe is the slow part and does not depend on
  the bar finder: only decoding, the bar tracker and the analysis run again per rule);
- the rendered clips (``video_accuracy.py``'s sets, rendered once into ``--cache``; by default one
  set per lift at 30 fps), scored by ``video_accuracy.score``: rep counts exact, mean-velocity MAE.

and prints one row per rule: footage exact / honest / wrong, rendered exact, mean-velocity MAE, the
time it took, and the footage clips whose class changed against the baseline.

    .venv/bin/python benchmarks/ablation.py [--rules RULE ...] [--clips NAME ...] [--cache DIR]
        [--footage DIR] [--model PATH] [--sets 1] [--rates 30] [--vfr-sets 0] [--lifts ...]
        [--no-footage] [--no-rendered] [--jobs 1] [--json OUT] [--on RULE ...]

``--rules`` takes rule names (``choice.use_hands``) or substrings of them (``choice``); the
baseline always runs, alone when ``--rules`` is given no name; without ``--rules`` every rule runs. The pose cache is keyed by the clip, the model and the pose and decoding code;
the rendered clips by their settings and the synth code. ``--on`` switches on rules that are off by
default (``whole_clip.use_whole_clip``) in the baseline and in every row.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import footage
import pose_cache
import video_accuracy

if TYPE_CHECKING:
    from vbt.capture.bar import PlateSettings
    from vbt.synth.render import RenderInfo

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "(all rules on)"
T = TypeVar("T")
R = TypeVar("R")


# --- one rule on one clip -------------------------------------------------------------------------


def footage_outcome(job: tuple[PlateSettings, footage.Clip, Path, Path, Path]) -> footage.Outcome:
    """One footage clip analysed as ``vbt analyze`` does, with ``settings`` and the cached poses."""
    settings, clip, footage_dir, model, cache = job
    from vbt.capture.sources import quiet_decoder_logs
    from vbt.errors import VbtError

    quiet_decoder_logs()
    assert clip.lift is not None
    path = footage_dir / clip.file
    try:
        tracked = pose_cache.track_replayed(path, pose_cache.pose_cache_file(cache, path, model), settings)
    except VbtError as exc:
        return footage.judge(clip, None, str(exc))
    report, error = footage.report_of(tracked, path, clip.lift, settings)
    return footage.judge(clip, report, error)


def rendered_cell(job: tuple[PlateSettings, video_accuracy.PlannedSet, RenderInfo]) -> video_accuracy.Cell:
    """One rendered clip analysed as ``video_accuracy.py`` does (``with_pose=False``), with ``settings``."""
    settings, planned, info = job
    from vbt.capture.bar import BarMethod, PlateTracker
    from vbt.capture.pipeline import VideoAnalysis, analyze_tracked, track_video
    from vbt.capture.sources import VideoFileSource
    from vbt.errors import VbtError

    cell = video_accuracy.Cell(sets=1, frames=info.n_frames)
    started = time.perf_counter()
    result: VideoAnalysis | VbtError
    try:
        with VideoFileSource(info.path) as source:
            tracked = track_video(source, tracker=PlateTracker(settings), bar_method=BarMethod.PLATE)
        result = analyze_tracked(tracked, lift=planned.synth.lift, load_kg=planned.synth.truth["load_kg"])
    except VbtError as exc:
        result = exc
    cell.analyse_s = time.perf_counter() - started
    video_accuracy.score(planned.synth, info, result, cell, name=planned.name)
    return cell


def render_all(
    planned: list[video_accuracy.PlannedSet], cache: Path, *, size_px: tuple[int, int], background: str
) -> list[RenderInfo]:
    """Each planned set rendered into the cache once (kept with its ``RenderInfo``)."""
    from vbt.synth.render import render_set

    code = [*sorted((ROOT / "vbt" / "synth").rglob("*.py")), ROOT / "vbt" / "videoio.py"]
    key = pose_cache.digest(code, f"{size_px}:{background}")
    folder = cache / "rendered" / key
    folder.mkdir(parents=True, exist_ok=True)
    infos = []
    for p in planned:
        info_file = folder / f"{p.name}-{p.seed}.info.pickle"
        if info_file.is_file():
            infos.append(pickle.loads(info_file.read_bytes()))
            continue
        started = time.perf_counter()
        info = render_set(
            p.synth,
            folder / f"{p.name}-{p.seed}.mp4",
            size_px=size_px,
            seed=p.seed,
            background=background,
            timing=p.timing,
        )
        info_file.write_bytes(pickle.dumps(info))
        print(
            f"rendered {p.name} ({info.n_frames} frames, {time.perf_counter() - started:.0f} s)", flush=True
        )
        infos.append(info)
    return infos


# --- all rules ------------------------------------------------------------------------------------


@dataclass
class Row:
    rule: str
    outcomes: list[footage.Outcome] = field(default_factory=list)
    rendered: video_accuracy.Cell = field(default_factory=video_accuracy.Cell)
    seconds: float = 0.0

    def count(self, label: str) -> int:
        return sum(o.label == label for o in self.outcomes)


def _map(fn: Callable[[T], R], jobs: list[T], pool: ProcessPoolExecutor | None) -> list[R]:
    return list(pool.map(fn, jobs)) if pool is not None else [fn(job) for job in jobs]


def choose_rules(names: list[str] | None) -> list[str]:
    from vbt.capture.bar import rule_names

    rules = rule_names()
    if names is None:  # --rules not given: every rule
        return rules
    if not names:  # --rules with no name: the baseline alone
        return []
    chosen = [r for r in rules if any(n == r or n in r for n in names)]
    if not chosen:
        raise SystemExit(f"no rule matches {names}; the rules are: {', '.join(rules)}")
    return chosen


def _changes(row: Row, baseline: Row) -> list[str]:
    before = {o.clip.file: o.label for o in baseline.outcomes}
    return [
        f"{o.clip.file}: {before[o.clip.file]} -> {o.label}"
        for o in row.outcomes
        if before.get(o.clip.file) != o.label
    ]


def print_table(rows: list[Row], *, footage_on: bool, rendered_on: bool) -> None:
    header = (
        f"{'rule switched off':<30} {'footage exact':>13} {'honest':>6} {'wrong':>5} "
        f"{'rendered exact':>14} {'MV MAE m/s':>10} {'time s':>7}"
    )
    print(header)
    print("-" * len(header))
    base = rows[0]
    for row in rows:
        cell = row.rendered
        mae = video_accuracy._mae(cell.mean_err)
        exact_d = row.count("exact") - base.count("exact")
        wrong_d = row.count("wrong") - base.count("wrong")
        mark = "" if row is base else f"{exact_d:+d}/{wrong_d:+d}"
        fcols = (
            f"{row.count('exact'):>9} {mark:>3} {row.count('honest'):>6} {row.count('wrong'):>5}"
            if footage_on
            else f"{'-':>13} {'-':>6} {'-':>5}"
        )
        rcols = f"{f'{cell.exact}/{cell.sets}':>14} {mae:>10.4f}" if rendered_on else f"{'-':>14} {'-':>10}"
        print(f"{row.rule:<30} {fcols} {rcols} {row.seconds:>7.0f}")
    print(
        "footage: clips of ../shared/footage with a known lift, judged as benchmarks/footage.py judges them;\n"
        "+a/+b after exact: change in exact / wrong clips against the baseline. rendered: sets with the rep\n"
        "count exact; MV MAE: mean-velocity error of the matched reps (video_accuracy.py's yardstick)."
    )
    if footage_on:
        for row in rows[1:]:
            changes = _changes(row, base)
            if changes:
                print(f"\n{row.rule}:")
                for change in changes:
                    print(f"    {change}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rules", nargs="*", default=None, help="only these rules (names or substrings)")
    parser.add_argument("--clips", nargs="*", default=None, help="only these footage clips (substrings)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "vbt-ablation",
        help="poses of the footage and rendered clips are kept here (default: the temp folder)",
    )
    parser.add_argument("--footage", type=Path, default=footage.SHARED / "footage")
    parser.add_argument("--model", type=Path, default=footage.SHARED / "models" / "pose_landmarker_lite.task")
    parser.add_argument("--sets", type=int, default=1, help="rendered sets per lift and rate (default 1)")
    parser.add_argument(
        "--rates", type=float, nargs="+", default=[30.0], help="rendered frame rates (default 30)"
    )
    parser.add_argument(
        "--vfr-sets", type=int, default=0, help="rendered phone-timed sets per lift (default 0)"
    )
    parser.add_argument("--lifts", nargs="+", default=None, help="rendered lifts (default all)")
    parser.add_argument("--size", default="640x360", help="rendered clip size (default 640x360)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-footage", action="store_true", help="skip the real footage")
    parser.add_argument("--no-rendered", action="store_true", help="skip the rendered clips")
    parser.add_argument("--jobs", type=int, default=1, help="clips analysed at once (default 1)")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON")
    parser.add_argument("--on", nargs="+", default=[], help="rules off by default to switch on everywhere")
    args = parser.parse_args(argv)
    from vbt.capture.bar import PlateSettings, without
    from vbt.synth import SYNTH_LIFTS

    os.environ.setdefault("GLOG_minloglevel", "2")
    rules = choose_rules(args.rules)
    clips: list[footage.Clip] = []
    if not args.no_footage:
        if not (args.footage / "MANIFEST.csv").is_file() or not args.model.is_file():
            print(f"no footage or pose model at {args.footage}, {args.model}: --no-footage", file=sys.stderr)
            return 2
        clips = [c for c in footage.read_clips(args.footage) if c.lift is not None]
        if args.clips:
            clips = [c for c in clips if any(s in c.file for s in args.clips)]
    planned: list[video_accuracy.PlannedSet] = []
    infos: list[RenderInfo] = []
    # Spawned, not forked: this process has threads of its own by then (decoding, rendering), and a
    # child forked while one of them holds a lock waits for it forever.
    spawn = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=args.jobs, mp_context=spawn) if args.jobs > 1 else None
    started = time.perf_counter()
    try:
        if clips:
            pose_jobs = [(args.footage / c.file, args.model, args.cache) for c in clips]
            if args.jobs > 1:  # a fresh process per clip: MediaPipe's native threads
                with ProcessPoolExecutor(args.jobs, mp_context=spawn, max_tasks_per_child=1) as pose_pool:
                    messages = list(pose_pool.map(pose_cache.cache_poses, pose_jobs))
            else:
                messages = [pose_cache.cache_poses(job) for job in pose_jobs]
            computed = [m for m in messages if not m.endswith(": cached")]
            print("poses: " + ("; ".join(computed) if computed else "all cached"), flush=True)
        if not args.no_rendered:
            lifts = args.lifts or [lift.value for lift in SYNTH_LIFTS]
            planned = video_accuracy.plan_sets(
                lifts, args.rates, sets=args.sets, vfr_sets=args.vfr_sets, seed=args.seed, reps=3
            )
            infos = render_all(planned, args.cache, size_px=video_accuracy._size(args.size), background="gym")
        print(f"(preparation {time.perf_counter() - started:.0f} s)\n", flush=True)
        rows: list[Row] = []
        for rule in [BASELINE, *rules]:
            base = footage.with_rules_on(tuple(args.on)) or PlateSettings()
            settings = base if rule == BASELINE else without(base, rule)
            row = Row(rule)
            t0 = time.perf_counter()
            row.outcomes = _map(
                footage_outcome, [(settings, c, args.footage, args.model, args.cache) for c in clips], pool
            )
            cells = _map(rendered_cell, [(settings, p, i) for p, i in zip(planned, infos, strict=True)], pool)
            row.rendered = video_accuracy._merge(cells)
            row.seconds = time.perf_counter() - t0
            rows.append(row)
            print(
                f"{rule}: footage exact {row.count('exact')} honest {row.count('honest')} wrong "
                f"{row.count('wrong')}; rendered {row.rendered.exact}/{row.rendered.sets}, MV MAE "
                f"{video_accuracy._mae(row.rendered.mean_err):.4f} m/s ({row.seconds:.0f} s)",
                flush=True,
            )
            for change in _changes(row, rows[0]):
                print(f"    {change}", flush=True)
            if args.json is not None:  # after every rule: a long run stopped early keeps what it did
                write_json(rows, args.json)
    finally:
        if pool is not None:
            pool.shutdown()
    print(f"\nplate-finder ablation: {len(clips)} footage clips, {len(planned)} rendered sets\n")
    print_table(rows, footage_on=bool(clips), rendered_on=bool(planned))
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


def write_json(rows: list[Row], path: Path) -> None:
    data = [
        {
            "rule": row.rule,
            "footage": {o.clip.file: o.label for o in row.outcomes},
            "footage_exact": row.count("exact"),
            "footage_honest": row.count("honest"),
            "footage_wrong": row.count("wrong"),
            "rendered_exact": row.rendered.exact,
            "rendered_sets": row.rendered.sets,
            "mean_velocity_mae_m_s": video_accuracy._mae(row.rendered.mean_err),
            "rendered_failures": row.rendered.failures,
            "seconds": round(row.seconds, 1),
        }
        for row in rows
    ]
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
