"""vbt on real footage filmed by other people: is every number right, or marked doubtful?

Runs the analysis of ``vbt analyze`` (the same functions, the same JSON report) on every clip of
``../shared/footage/MANIFEST.csv`` with the lite pose model and the default plate tracker, and sorts
each clip into one of:

- ``exact``: the rep count is right (each rep where ``footage_truth.csv`` says one is, when it says),
  no rep of a made lift is called failed (the manifest names the one missed lift), every number is
  plausible for the lift and the verdict is ``good``;
- ``honest``: something is wrong or missing, but the report says so (the verdict is ``doubtful`` or
  ``unusable``, the reps that are off are ``suspect``, or the analysis ends with an error that says why);
- ``wrong``: something is wrong and the report presents it as good;
- ``unknown lift``: a lift vbt does not segment yet (listed, not judged).

"Plausible" here is the benchmark's own yardstick, independent of vbt's checks: every counted rep's
mean and peak velocity and range of motion inside wide bounds per family of the catalogue or per lift
(``PLAUSIBLE_FAMILY``, ``PLAUSIBLE_LIFT``), from the lifts' published ranges. Lift names in the
manifest are free text; ``lift_for`` maps them onto the catalogue (`vbt.lifts.parse_lift`).

Prints a table per clip (truth, found, verdict and reasons, bar seen, metres per pixel from the
plate and from the body) and a summary over all clips, the side-on clips and the known lifts.

    .venv/bin/python benchmarks/footage.py [--footage ../shared/footage] [--model PATH]
        [--clips NAME ...] [--jobs 1] [--cache DIR] [--poses DIR] [--json OUT] [--reasons]
        [--on RULE ...]

``--cache DIR`` keeps each clip's pixel track (decode, pose and bar tracking: the slow part), keyed
by a digest of the capture code, the model and the clip, so that a change after capture re-runs in
seconds; any change under ``vbt/capture`` makes new tracks (``--any-capture-code`` reuses tracks made
by any capture code: for work on what follows capture only). ``--poses DIR`` computes MediaPipe's
poses once per clip into DIR and replays them (``pose_cache``): the bar finder and all after it run
anew, at a fraction of the time. ``--on RULE`` switches on plate-finder rules that are off by default
(``whole_clip.use_whole_clip``), to judge them on the corpus before they are.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import pickle
import re
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vbt.capture.bar import PlateSettings
    from vbt.capture.pipeline import TrackedVideo

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TRUTH_CSV = Path(__file__).with_name("footage_truth.csv")

#: The benchmark's yardstick: (mean velocity m/s, peak velocity m/s, range of motion m) of any counted
#: rep, per family of the catalogue (`vbt.lifts.LiftFamily`) and, where a lift of a family moves
#: differently, per lift. Wide on purpose: a rep outside is one no coach would believe. Independent of
#: vbt's own checks (`vbt.quality.limits`), which this judges.
Yardstick = tuple[tuple[float, float], tuple[float, float], tuple[float, float]]
#: - squat-like (squat, front squat): mean concentric velocity from ~0.1 m/s (a grinding 1RM) to
#:   ~1.5 m/s (20 % of 1RM) (Sanchez-Medina et al. 2017, Int J Sports Med 38:217; Gonzalez-Badillo &
#:   Sanchez-Medina 2010, Int J Sports Med 31:347); range: a quarter squat's ~0.15 m to a tall lifter's
#:   full squat ~0.8 m;
#: - pull from the floor (deadlift): the same velocities (Helms et al. 2017, J Strength Cond Res
#:   31:292: deadlift 1RM mean velocity ~0.15-0.25 m/s); range 0.3-0.8 m (floor to lockout);
#: - press (bench): the same low end, up to ~1.7 m/s (Sanchez-Medina et al. 2017); range 0.15-0.6 m
#:   (bar to chest, arms locked; an overhead press moves the bar by at most the arm, 0.66 m);
#: - Olympic pull (lift-off to peak height): peak vertical bar velocity 1.0-2.8 m/s, peak height
#:   0.5-1.5 m (Garhammer 1985, Int J Sport Biomech 1:122; hang variants start higher, hence the low
#:   end); the clean and jerk is judged on its clean's pull, as vbt measures it;
#: - jerk drive: peak bar velocity of the drive ~1.4-1.9 m/s (Grabe & Widule 1988, Res Q Exerc Sport
#:   59:1), the dip and the arm's push at most ~0.95 m.
PLAUSIBLE_FAMILY: dict[str, Yardstick] = {
    "squat_like": ((0.08, 1.6), (0.15, 2.6), (0.12, 0.85)),
    "floor_pull": ((0.08, 1.6), (0.15, 2.6), (0.25, 0.85)),
    "press": ((0.05, 1.7), (0.1, 2.6), (0.12, 0.7)),
    "olympic_pull": ((0.3, 2.0), (1.0, 2.8), (0.3, 1.5)),
    "jerk_drive": ((0.3, 2.0), (0.8, 2.8), (0.15, 0.95)),
}
#: Lifts that move unlike their family's first member:
#: - bench press: the bar from the chest to locked arms, 0.15-0.45 m in a full bench (an incline bench
#:   moves along the incline, its vertical part shorter), so at most 0.6 m;
#: - snatch: caught overhead, its peak height up to ~1.6 m (Garhammer 1985);
#: - Romanian deadlift (squat-like in how its reps are found: a hinge down, then the rise): lifted
#:   with less than a deadlift's load, so within the deadlift's velocities; its range is the hinge,
#:   from the wrists standing (0.485 H) to at most mid-shin (~0.14 H) and at least above the knees
#:   (0.285 H): 0.15-0.7 m for lifters of 1.5-2.0 m (Drillis & Contini 1966 proportions, as
#:   `vbt.lifts` uses);
#: - bent-over row (squat-like too: the hinge, then each pull): the bar from hanging arms to the
#:   torso, 0.12-0.6 m (at most the arm, 0.33 H); mean velocity of a barbell pull from ~0.5 m/s at 1RM
#:   to ~1.7 m/s light (Sanchez-Medina et al. 2014, Int J Sports Med 35:209, prone bench pull), so
#:   0.3-2.0 m/s, peaks up to 3.0 m/s.
PLAUSIBLE_LIFT: dict[str, Yardstick] = {
    "bench": ((0.05, 1.7), (0.1, 2.6), (0.12, 0.6)),
    "snatch": ((0.3, 2.0), (1.0, 2.8), (0.3, 1.6)),
    "romanian_deadlift": ((0.08, 1.6), (0.15, 2.6), (0.15, 0.7)),
    "row": ((0.3, 2.0), (0.5, 3.0), (0.12, 0.6)),
}


def plausible(lift: str) -> Yardstick:
    """The yardstick of ``lift`` (a catalogue key): its own where it has one, else its family's."""
    from vbt.lifts import parse_lift

    return PLAUSIBLE_LIFT.get(lift) or PLAUSIBLE_FAMILY[parse_lift(lift).family.value]


#: A counted rep must overlap the window the truth gives, give or take this (s).
WINDOW_SLACK_S = 0.4


@dataclass
class Clip:
    file: str
    lift_text: str
    view: str
    reps: int
    windows_s: list[tuple[float, float]]
    lift: str | None

    @property
    def side_on(self) -> bool:
        return self.view.strip().lower().startswith("side")

    @property
    def made(self) -> bool:
        """Whether the manifest's lift was made: every lift is, but one its name says was missed or
        failed ("snatch (missed)")."""
        text = self.lift_text.lower()
        return not any(word in text for word in ("missed", "fail"))


@dataclass
class Outcome:
    clip: Clip
    label: str  # exact, honest, wrong, unknown lift
    found: str = ""
    verdict: str = ""
    reasons: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    bar_seen: float = math.nan
    mm_per_px_plate: float = math.nan
    mm_per_px_body: float = math.nan
    seconds: float = 0.0


def lift_for(text: str) -> str | None:
    """The catalogue's lift (its key) for a manifest's free-text lift, or None for a lift vbt does not
    know. What is in brackets qualifies the lift ("snatch (made)"); so do leading words the catalogue
    does not name ("heavy back squat", "power snatch (hang)": the longest ending of the name that is a
    lift's key, label or alias wins, so "power clean" stays a power clean)."""
    from vbt.errors import InputError
    from vbt.lifts import parse_lift

    words = re.sub(r"\([^)]*\)", " ", text).split()
    for start in range(len(words)):
        try:
            return parse_lift(" ".join(words[start:])).value
        except InputError:
            continue
    return None


def read_clips(footage: Path) -> list[Clip]:
    windows: dict[str, list[tuple[float, float]]] = {}
    with TRUTH_CSV.open(newline="") as handle:
        for row in csv.DictReader(handle):
            spans = [w.split("-") for w in row["rep_windows_s"].split(";") if w.strip()]
            windows[row["file"]] = [(float(a), float(b)) for a, b in spans]
    clips = []
    with (footage / "MANIFEST.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            clips.append(
                Clip(
                    file=row["file"],
                    lift_text=row["lift"],
                    view=row["view"],
                    reps=int(row["reps"]),
                    windows_s=windows.get(row["file"], []),
                    lift=lift_for(row["lift"]),
                )
            )
    return clips


# --- running the analysis ------------------------------------------------------------------------


def capture_digest(model: Path) -> str:
    """A digest of what makes a pixel track: the capture code (as imported: read once, at start)
    and the pose model."""
    digest = hashlib.sha256()
    for path in [*sorted((ROOT / "vbt" / "capture").rglob("*.py")), ROOT / "vbt" / "videoio.py"]:
        digest.update(path.read_bytes())
    digest.update(f"{model.name}:{model.stat().st_size}".encode())
    return digest.hexdigest()[:24]


def _clip_key(clip: Path, code: str) -> str:
    stat = clip.stat()
    name = f"{clip.name}:{stat.st_size}:{stat.st_mtime_ns}:{code}"
    return f"{clip.stem}-{hashlib.sha256(name.encode()).hexdigest()[:24]}"


def analyse(
    path: Path,
    lift: str,
    model: Path,
    cache: Path | None,
    code: str = "",
    poses: Path | None = None,
    settings: PlateSettings | None = None,
) -> tuple[dict[str, Any] | None, str]:
    """The clip's JSON report as ``vbt analyze --json`` writes it, or None and the error line
    (``poses``: MediaPipe's poses are computed once into this folder and replayed, ``pose_cache``;
    ``settings``: the plate tracker's, None for the defaults, with poses replayed only)."""
    from vbt.capture.pipeline import track_source
    from vbt.capture.sources import quiet_decoder_logs
    from vbt.errors import VbtError

    quiet_decoder_logs()
    tracked: TrackedVideo | None = None
    cached = None if cache is None else cache / f"{_clip_key(path, code)}.pickle"
    if cached is not None and cached.is_file():
        tracked = pickle.loads(cached.read_bytes())
    try:
        if tracked is None:
            if poses is None:
                tracked = track_source(path, model_path=model)
            else:
                import pose_cache

                pose_cache.cache_poses((path, model, poses))
                poses_file = pose_cache.pose_cache_file(poses, path, model)
                tracked = (
                    pose_cache.track_replayed(path, poses_file, settings)
                    if poses_file.is_file()
                    else track_source(
                        path, model_path=model
                    )  # no poses: the clip's own error, as analyze meets it
                )
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_bytes(pickle.dumps(tracked))
    except VbtError as exc:
        return None, str(exc)
    return report_of(tracked, path, lift, settings)


def report_of(
    tracked: TrackedVideo, path: Path, lift: str, settings: PlateSettings | None = None
) -> tuple[dict[str, Any] | None, str]:
    """A tracked clip's JSON report as ``vbt analyze --json`` writes it, or None and the error line
    (``settings``: the plate tracker's, for the second look)."""
    from vbt.capture.pipeline import analyze_tracked
    from vbt.capture.second_pass import second_look
    from vbt.errors import VbtError
    from vbt.report.json_report import set_report, to_jsonable

    try:
        result = analyze_tracked(tracked, lift=lift)
    except VbtError as exc:
        return None, str(exc)
    tracked, result = second_look(tracked, result, lift=lift, settings=settings)  # as vbt analyze does
    report = set_report(result.analysis, input_name=str(path), extra=result.report_extra)
    return json.loads(json.dumps(to_jsonable(report))), "" if result.error is None else str(result.error)


def with_rules_on(rules: tuple[str, ...]) -> PlateSettings | None:
    """The plate tracker's default settings with ``rules`` (``group.use_x``) switched on; None (the
    defaults) when none is named."""
    from dataclasses import replace

    from vbt.capture.bar import PlateSettings, rule_names

    if not rules:
        return None
    settings = PlateSettings()
    for rule in rules:
        if rule not in rule_names(settings):
            raise SystemExit(f"unknown plate-finder rule {rule!r}; the rules are {', '.join(rule_names())}")
        group, name = rule.split(".")
        settings = replace(settings, **{group: replace(getattr(settings, group), **{name: True})})
    return settings


def _run(job: tuple[Clip, Path, Path, Path | None, str, Path | None, tuple[str, ...]]) -> Outcome:
    clip, footage, model, cache, code, poses, rules_on = job
    started = time.perf_counter()
    if clip.lift is None:
        return Outcome(clip, "unknown lift", found="-", verdict="-")
    settings = with_rules_on(rules_on)
    report, error = analyse(footage / clip.file, clip.lift, model, cache, code, poses, settings)
    outcome = judge(clip, report, error)
    outcome.seconds = time.perf_counter() - started
    return outcome


# --- judging ------------------------------------------------------------------------------------


def _overlaps(rep: dict[str, Any], window: tuple[float, float]) -> bool:
    return bool(rep["start_s"] <= window[1] + WINDOW_SLACK_S and rep["end_s"] >= window[0] - WINDOW_SLACK_S)


def _window_of(rep: dict[str, Any], windows: list[tuple[float, float]]) -> int | None:
    """The truth's window a counted rep belongs to: of those it overlaps (give or take the slack),
    the one it shares most time with, else the nearest; None when it overlaps none. Windows closer
    together than the slack (quick reps) each get their own rep."""
    near = [k for k, w in enumerate(windows) if _overlaps(rep, w)]
    if not near:
        return None

    def fit(k: int) -> tuple[float, float]:
        a, b = windows[k]
        shared = min(b, rep["end_s"]) - max(a, rep["start_s"])
        gap = max(a - rep["end_s"], rep["start_s"] - b, 0.0)
        return (shared, -gap)

    return max(near, key=fit)


def judge(clip: Clip, report: dict[str, Any] | None, error: str) -> Outcome:
    """exact / honest / wrong for one clip's report (None: the analysis stopped with ``error``)."""
    assert clip.lift is not None
    if report is None:
        # No numbers at all, and a sentence saying why: honest, never exact (the clip has reps).
        return Outcome(clip, "honest", found="none", verdict="error", reasons=[error])
    quality = report.get("quality") or {"verdict": "good", "reasons": []}
    reps = report["reps"]
    counted = [r for r in reps if r["status"] in ("ok", "failed")]
    suspect = [r for r in reps if r["status"] == "suspect"]
    problems: list[str] = []
    if len(counted) != clip.reps:
        problems.append(f"{len(counted)} reps counted, {clip.reps} true")
    windows = list(clip.windows_s)
    belongs = [_window_of(r, windows) for r in counted]
    for k, window in enumerate(windows):
        hits = belongs.count(k)
        if hits != 1:
            problems.append(f"{hits} counted reps at {window[0]:g}-{window[1]:g} s")
    if windows:
        for rep, window_index in zip(counted, belongs, strict=True):
            if window_index is None:
                problems.append(f"rep {rep['index']} at {rep['start_s']:.2f} s is not a rep of the truth")
    if clip.made:
        # a made lift reported failed is a wrong statement about it (its reps count, at least)
        problems += [
            f"rep {r['index']} failed, but the lift was made" for r in counted if r["status"] == "failed"
        ]
    (mean_lo, mean_hi), (peak_lo, peak_hi), (rom_lo, rom_hi) = plausible(clip.lift)
    for rep in counted:
        checks = (
            ("mean velocity", rep["mean_velocity_m_s"], mean_lo, mean_hi, "m/s"),
            ("peak velocity", rep["peak_velocity_m_s"], peak_lo, peak_hi, "m/s"),
            ("range", rep["range_of_motion_m"], rom_lo, rom_hi, "m"),
        )
        for name, value, lo, hi, unit in checks:
            if value is None or not lo <= value <= hi:
                shown = "null" if value is None else f"{value:.2f}"
                problems.append(f"rep {rep['index']} {name} {shown} {unit}")
    verdict = quality["verdict"]
    if not problems and verdict == "good" and not suspect:
        label = "exact"
    elif verdict != "good" or suspect:
        label = "honest"
    else:
        label = "wrong"
    calibration = report.get("calibration", {})
    plate = calibration.get("measured_metres_per_px", calibration.get("metres_per_px"))
    body = calibration.get("body_metres_per_px")
    found = f"{len(counted)}" + (f"+{len(suspect)}s" if suspect else "")
    return Outcome(
        clip,
        label,
        found=found,
        verdict=verdict,
        reasons=list(quality["reasons"]) + ([error] if error else []),
        problems=problems,
        bar_seen=report.get("tracking", {}).get("bar_detected_fraction", math.nan),
        mm_per_px_plate=1000 * plate if plate else math.nan,
        mm_per_px_body=1000 * body if body else math.nan,
    )


# --- the tables ---------------------------------------------------------------------------------


def _mm(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{value:.2f}"


def print_table(outcomes: list[Outcome], *, reasons: bool) -> None:
    header = (
        f"{'clip':<58} {'lift':<11} {'view':<5} {'truth':>5} {'found':>6} {'verdict':<9} {'class':<8} "
        f"{'bar seen':>8} {'mm/px plate':>11} {'mm/px body':>10}"
    )
    print(header)
    print("-" * len(header))
    for o in outcomes:
        view = "side" if o.clip.side_on else o.clip.view.split()[0].strip(",")[:5]
        seen = "-" if not math.isfinite(o.bar_seen) else f"{100 * o.bar_seen:.0f} %"
        print(
            f"{o.clip.file[:58]:<58} {o.clip.lift or '-':<11} {view:<5} {o.clip.reps:>5} {o.found:>6} "
            f"{o.verdict:<9} {o.label:<8} {seen:>8} {_mm(o.mm_per_px_plate):>11} {_mm(o.mm_per_px_body):>10}"
        )
        if reasons or o.label != "exact":
            for problem in o.problems:
                print(f"{'':<8}off: {problem}")
            for reason in o.reasons:
                print(f"{'':<8}says: {reason[:200]}")


def summary(outcomes: list[Outcome], title: str) -> str:
    counts = Counter(o.label for o in outcomes)
    judged = [o for o in outcomes if o.label != "unknown lift"]
    exact = counts["exact"]
    pct = 100.0 * exact / len(outcomes) if outcomes else math.nan
    return (
        f"summary, {title}: {len(outcomes)} clips; exact {exact} ({pct:.0f} %), honest {counts['honest']}, "
        f"wrong {counts['wrong']}, unknown lift {counts['unknown lift']} ({len(judged)} judged)"
    )


def scale_line(outcomes: list[Outcome]) -> str:
    """How the plate's scale compared with the body's, over the clips where both were measured."""
    pairs = [
        (o.mm_per_px_plate, o.mm_per_px_body)
        for o in outcomes
        if math.isfinite(o.mm_per_px_plate) and math.isfinite(o.mm_per_px_body) and o.label == "exact"
    ]
    if not pairs:
        return "scale: no exact clip with both a plate and a body scale"
    ratios = sorted(p / b for p, b in pairs)
    mid = ratios[len(ratios) // 2]
    return (
        f"scale: plate / body metres per pixel on the {len(ratios)} exact clips with both: median {mid:.2f}, "
        f"range {ratios[0]:.2f}-{ratios[-1]:.2f} (the body's likely value assumes a 1.75 m lifter 3 m from the camera)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--footage", type=Path, default=SHARED / "footage")
    parser.add_argument("--model", type=Path, default=SHARED / "models" / "pose_landmarker_lite.task")
    parser.add_argument("--clips", nargs="*", default=None, help="only these files (substrings)")
    parser.add_argument("--jobs", type=int, default=1, help="clips analysed at once (default 1)")
    parser.add_argument("--cache", type=Path, default=None, help="keep pixel tracks here (see above)")
    parser.add_argument(
        "--any-capture-code",
        action="store_true",
        help="reuse cached tracks made by any capture code (while changing what follows capture only)",
    )
    parser.add_argument(
        "--poses",
        type=Path,
        default=None,
        help="compute MediaPipe's poses once into this folder and replay them (the bar finder and all after "
        "it run anew; the same folder as ablation.py's --cache)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the outcomes as JSON")
    parser.add_argument("--reasons", action="store_true", help="print the reasons of exact clips too")
    parser.add_argument(
        "--on", nargs="+", default=[], help="plate-finder rules to switch on (e.g. whole_clip.use_whole_clip)"
    )
    args = parser.parse_args(argv)
    if not (args.footage / "MANIFEST.csv").is_file():
        print(f"no footage at {args.footage} (MANIFEST.csv missing)", file=sys.stderr)
        return 2
    if not args.model.is_file():
        print(f"no pose model at {args.model}", file=sys.stderr)
        return 2
    if args.on and args.poses is None:
        print("--on needs --poses (the rules reach the tracker through the replayed poses)", file=sys.stderr)
        return 2
    clips = read_clips(args.footage)
    if args.clips:
        clips = [c for c in clips if any(s in c.file for s in args.clips)]
    started = time.perf_counter()
    code = "any" if args.any_capture_code else capture_digest(args.model)  # read before vbt.capture loads
    rules_on = tuple(sorted(args.on))
    code += "".join(f"+{rule}" for rule in rules_on)  # the cache's tracks are the settings' too
    jobs = [(c, args.footage, args.model, args.cache, code, args.poses, rules_on) for c in clips]
    os.environ.setdefault("GLOG_minloglevel", "2")
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs, max_tasks_per_child=1) as pool:
            outcomes = list(pool.map(_run, jobs))
    else:
        outcomes = [_run(job) for job in jobs]
    elapsed = time.perf_counter() - started
    print(f"real footage: {len(clips)} clips of {args.footage} (lite pose, plate tracker)\n")
    print_table(outcomes, reasons=args.reasons)
    print()
    side = [o for o in outcomes if o.clip.side_on]
    known = [o for o in outcomes if o.clip.lift is not None]
    for title, group in (("all", outcomes), ("side-on", side), ("known lifts", known)):
        print(summary(group, title))
    print(scale_line(outcomes))
    wrong = sum(o.label == "wrong" for o in outcomes)
    goal_side = 100.0 * sum(o.label == "exact" for o in side) / max(len(side), 1)
    goal_all = 100.0 * sum(o.label == "exact" for o in outcomes) / max(len(outcomes), 1)
    met = wrong == 0 and goal_side >= 90.0 and goal_all >= 80.0
    print(
        f"goals: wrong = 0 ({wrong}); exact >= 90 % of side-on ({goal_side:.0f} %) and >= 80 % of all "
        f"({goal_all:.0f} %): {'MET' if met else 'NOT MET'}"
    )
    print(f"({elapsed:.0f} s)")
    if args.json is not None:
        data = [
            {
                "file": o.clip.file,
                "lift": o.clip.lift,
                "view": o.clip.view,
                "truth": o.clip.reps,
                "found": o.found,
                "verdict": o.verdict,
                "class": o.label,
                "problems": o.problems,
                "reasons": o.reasons,
                "bar_seen": o.bar_seen if math.isfinite(o.bar_seen) else None,
                "mm_per_px_plate": o.mm_per_px_plate if math.isfinite(o.mm_per_px_plate) else None,
                "mm_per_px_body": o.mm_per_px_body if math.isfinite(o.mm_per_px_body) else None,
                "seconds": round(o.seconds, 1),
            }
            for o in outcomes
        ]
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
