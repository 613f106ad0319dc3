"""Speed of the video analysis, in one run on the same clips: decoding alone, decoding + pose alone
(MediaPipe, lite by default), and the whole ``analyze_video`` (decode, pose, plate tracking,
calibration, kinematics). Prints frames per second, the real-time factor (video seconds per wall
second) and the ratio whole / (decode + pose), then the peak memory (RSS, VmHWM) of the whole
analysis of the longest clip, measured in a fresh process (Linux).

Decoding + pose is timed as fast as it goes: decoded on a thread of its own (``ReadAhead``), as the
whole analysis does. ``plain`` is the whole analysis with the plain loop (decode, pose, tracker one
after the other on one thread: ``read_ahead=0, overlap=False``), the loop before the overlap was
added, so that before and after are measured in the same run (``--no-plain`` skips it).
``--parts`` also prints where the CPU time goes per frame (decode, BGR to RGB + MediaPipe image,
pose, the picture's black bars and repeated frames, plate tracker, camera motion, the loop's rest,
the analysis), on one thread, each also as a share of decode + pose (``parts_ms``).
``--process`` (on by default; ``--no-process`` skips it) also times whole processes, from spawn to
exit: ``python -m vbt.cli analyze CLIP --lift LIFT --json OUT`` (Python's start-up, the imports,
the model's load, the analysis and the report included) next to a process that only decodes (read
ahead) and runs the pose (``MediaPipePose``, its load included), in the same run, each the fastest
of ``--repeat`` runs (at least 3); the goal: the analysis at least 0.85 of the speed of decode +
pose, i.e. (decode + pose process) / (analyze process) >= 0.85.
``--stages`` prints where a whole ``vbt analyze`` process spends its CPU, stage by stage (start-up,
the frame loop's parts, the whole-clip choice, the analysis, the second look, the report, exit:
``speed_stages``), beside a decode + pose process's CPU, one fresh process each.
``--camera`` prints the camera motion estimator's own cost per frame (``BackgroundMotion`` on the
decoded frames, one thread): CPU milliseconds, and the wall time's median and 90th percentile.

Goals on a 2-core machine: the whole analysis within 15 % of decode + pose; at least 2x real time on
720p30 with the lite model. Nothing is asserted: machines are noisy (the CPU seconds are printed
too, less sensitive to other load than wall time).

``--decoders`` prints, per clip, the decoder ``VideoFileSource`` chooses and the decoding's CPU
milliseconds per frame through OpenCV and through PyAV (HDR phone files: ``vbt.capture.pyav_capture``).

Clips: a 720p30 rendered power clean (made in a temporary directory) and, when ../shared/footage is
there, deadlift_side_1rep_hold.mp4 and squat_oblique_3reps.mp4 (720p) and squat_side_1rep_60fps.mp4
(1080x1920 at 60 fps, HLG in BT.2020 as iPhones record by default); a clip not there is skipped, saying so. The pose model comes from
VBT_MODEL_DIR (default ../shared/models relative to the repository).

    .venv/bin/python benchmarks/speed.py [--variant lite] [--repeat 1] [--clips PATH:LIFT ...] [--no-memory]
        [--no-plain] [--no-process] [--parts] [--stages] [--camera] [--decoders]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vbt.capture.sources import Decoder

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"
FOOTAGE = [
    ("deadlift_side_1rep_hold.mp4", "deadlift"),
    ("squat_oblique_3reps.mp4", "squat"),
    ("squat_side_1rep_60fps.mp4", "squat"),  # HDR: HLG, BT.2020
]


@dataclass
class Timing:
    wall_s: float
    cpu_s: float
    frames: int


def _timed(work: Callable[[], int]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    frames = work()
    return Timing(wall_s=time.perf_counter() - wall, cpu_s=time.process_time() - cpu, frames=frames)


def decode_only(path: Path, decoder: Decoder = "auto") -> int:
    from vbt.capture.sources import VideoFileSource

    n = 0
    with VideoFileSource(path, decoder=decoder) as source:
        for _ in source:
            n += 1
    return n


def decode_and_pose(path: Path, variant: str, *, read_ahead: bool = True) -> int:
    from vbt.capture.pose import MediaPipePose
    from vbt.capture.readahead import ReadAhead
    from vbt.capture.sources import FrameSource, VideoFileSource

    n = 0
    file = VideoFileSource(path)
    frames: FrameSource = ReadAhead(file) if read_ahead else file
    with frames as source, MediaPipePose(variant=variant) as pose:
        for frame in source:
            pose.detect(frame)
            n += 1
    return n


def whole(path: Path, lift: str, variant: str) -> int:
    from vbt.capture.pipeline import analyze_video

    result = analyze_video(path, lift=lift, variant=variant)
    return int(result.track.t_s.shape[0])


def whole_plain(path: Path, lift: str, variant: str) -> int:
    """``analyze_video`` with the plain loop: no read-ahead, no overlap of pose and tracker."""
    from vbt.capture.bar import BarMethod
    from vbt.capture.camera import BackgroundMotion
    from vbt.capture.pipeline import analyze_tracked, make_tracker, track_video
    from vbt.capture.pose import MediaPipePose
    from vbt.capture.sources import VideoFileSource

    with VideoFileSource(path) as source, MediaPipePose(variant=variant) as pose:
        tracked = track_video(
            source,
            tracker=make_tracker("plate"),
            bar_method=BarMethod.PLATE,
            pose=pose,
            read_ahead=0,
            overlap=False,
            camera=BackgroundMotion(),
        )
    result = analyze_tracked(tracked, lift=lift)
    return int(result.track.t_s.shape[0])


def _thread_timed(obj: Any, method: str, spent: list[float]) -> None:
    """Time every call of ``obj.method`` on the calling thread's CPU clock, adding to ``spent[0]``
    (the instance keeps its class: the loop's ``isinstance`` checks see what they saw)."""
    inner = getattr(obj, method)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[0] += time.thread_time() - started

    setattr(obj, method, timed)


#: The parts of ``parts_ms``, in the order printed.
PARTS = ("decode", "convert", "pose", "picture", "plate", "camera", "loop", "analysis")


def parts_ms(path: Path, lift: str, variant: str) -> dict[str, float]:
    """CPU milliseconds per frame of each part of the analysis (see ``PARTS``), on one thread.

    Passes over the clip adding one part at a time give, from the CPU time of the whole process
    (FFmpeg, OpenCV and MediaPipe work on threads of their own): decode; BGR to RGB +
    ``mp.Image``; pose (the whole call, which includes that conversion); the picture (black bars
    and repeated frames, ``vbt.capture.picture``: decode + picture over decode). In the plain loop
    (everything on one thread, OpenCV single-threaded, as in ``track_video``) the plate tracker's
    and the camera motion's ``update`` calls are timed on that thread's CPU clock; ``loop`` is the
    rest of the plain loop beyond decode + pose + picture + plate + camera (the frame loop's
    bookkeeping; near zero); ``analysis`` is calibration + kinematics + verdicts of the whole track,
    and the second look or front pass when the clip gets one (``analyze_file_tracked``)."""
    import cv2
    import mediapipe as mp

    from vbt.capture.bar import BarMethod
    from vbt.capture.camera import BackgroundMotion
    from vbt.capture.picture import Picture
    from vbt.capture.pipeline import analyze_file_tracked, make_tracker, track_video
    from vbt.capture.pose import MediaPipePose
    from vbt.capture.sources import VideoFileSource

    def convert_all() -> int:
        n, rgb = 0, None
        with VideoFileSource(path) as source:
            for frame in source:
                if rgb is None or rgb.shape != frame.image.shape:
                    rgb = frame.image.copy()
                cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB, dst=rgb)
                mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
                n += 1
        return n

    def picture_all() -> int:
        n = 0
        with VideoFileSource(path) as source:
            for _ in Picture(source):
                n += 1
        return n

    tracked: list[Any] = []
    plate_s, camera_s = [0.0], [0.0]

    def plain_loop() -> int:
        tracker, camera = make_tracker("plate"), BackgroundMotion()
        _thread_timed(tracker, "update", plate_s)
        _thread_timed(camera, "update", camera_s)
        with VideoFileSource(path) as source, MediaPipePose(variant=variant) as pose:
            tracked.append(
                track_video(
                    source,
                    tracker=tracker,
                    bar_method=BarMethod.PLATE,
                    pose=pose,
                    read_ahead=0,
                    overlap=False,
                    camera=camera,
                )
            )
        return len(tracked[-1].track)

    decode = _timed(lambda: decode_only(path))
    convert = _timed(convert_all)
    pose = _timed(lambda: decode_and_pose(path, variant, read_ahead=False))
    picture = _timed(picture_all)
    loop = _timed(plain_loop)
    t0 = time.process_time()
    analyze_file_tracked(tracked[-1], lift=lift)
    analysis_s = time.process_time() - t0
    n = max(1, decode.frames)
    picture_s = picture.cpu_s - decode.cpu_s
    rest_s = loop.cpu_s - pose.cpu_s - picture_s - plate_s[0] - camera_s[0]
    return {
        "decode": 1000.0 * decode.cpu_s / n,
        "convert": 1000.0 * (convert.cpu_s - decode.cpu_s) / n,
        "pose": 1000.0 * (pose.cpu_s - decode.cpu_s) / n,
        "picture": 1000.0 * picture_s / n,
        "plate": 1000.0 * plate_s[0] / n,
        "camera": 1000.0 * camera_s[0] / n,
        "loop": 1000.0 * rest_s / n,
        "analysis": 1000.0 * analysis_s / n,
    }


def camera_ms(path: Path, limit: int = 600) -> dict[str, float]:
    """The camera motion estimator alone on up to ``limit`` decoded frames (held in memory, so that
    decoding is not timed), on one OpenCV thread: CPU and wall milliseconds per frame."""
    import cv2
    import numpy as np

    from vbt.capture.bar import BarDetection, BarMethod
    from vbt.capture.camera import BackgroundMotion
    from vbt.capture.sources import VideoFileSource

    frames = []
    with VideoFileSource(path) as source:
        for frame in source:
            frames.append(frame)
            if len(frames) >= limit:
                break
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        estimator = BackgroundMotion()
        wall = []
        cpu = time.process_time()
        for frame in frames:
            started = time.perf_counter()
            estimator.update(frame, pose=None, bar=BarDetection.missing(frame.t_s, BarMethod.PLATE))
            wall.append(time.perf_counter() - started)
        cpu_s = time.process_time() - cpu
    finally:
        cv2.setNumThreads(threads)
    ms = 1000.0 * np.array(wall)
    return {
        "frames": float(len(frames)),
        "cpu": 1000.0 * cpu_s / max(1, len(frames)),
        "median": float(np.median(ms)),
        "p90": float(np.percentile(ms, 90)),
    }


#: A process that decodes a clip (read ahead) and runs the pose on every frame, nothing else.
_DECODE_POSE = (
    "import sys\n"
    "from vbt.capture.pose import MediaPipePose\n"
    "from vbt.capture.readahead import ReadAhead\n"
    "from vbt.capture.sources import VideoFileSource\n"
    "with ReadAhead(VideoFileSource(sys.argv[1])) as source, MediaPipePose(variant=sys.argv[2]) as pose:\n"
    "    for frame in source:\n"
    "        pose.detect(frame)\n"
)


def _process_s(command: list[str]) -> Timing:
    """Wall seconds of a child process, from spawn to exit (it must succeed), and its CPU seconds
    (user + system, its threads included)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=os.environ.copy())
    wall_s = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu_s = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Timing(wall_s=wall_s, cpu_s=cpu_s, frames=0)


def process_times(path: Path, lift: str, variant: str, directory: Path) -> dict[str, Timing]:
    """One ``vbt analyze`` process and one decode + pose process, back to back."""
    report = directory / f"{path.stem}.json"
    return {
        "dec+pose": _process_s([sys.executable, "-c", _DECODE_POSE, str(path), variant]),
        "analyze": _process_s(
            [
                sys.executable,
                "-m",
                "vbt.cli",
                "analyze",
                str(path),
                "--lift",
                lift,
                "--json",
                str(report),
                "--model-variant",
                variant,
            ]
        ),
    }


def clip_info(path: Path) -> tuple[str, float, float]:
    """``WxH``, fps and duration (s) from the file's header."""
    from vbt.capture.sources import VideoFileSource

    with VideoFileSource(path) as source:
        size = source.size_px
        fps = source.fps
        frames = source.frame_count or 0
    return (f"{size[0]}x{size[1]}" if size else "?"), fps, frames / fps if fps > 0 else float("nan")


def render_clip(directory: Path) -> Path:
    from vbt.synth import Sampling, generate_set
    from vbt.synth.render import render_set

    s = generate_set("power_clean", n_reps=3, seed=1, load_kg=80.0, sampling=Sampling(fps=30.0))
    info = render_set(
        s, directory / "rendered_power_clean_720p30.mp4", size_px=(1280, 720), seed=1, compression_quality=80
    )
    return info.path


def peak_rss_mb(path: Path, lift: str, variant: str) -> float:
    """Peak resident memory (MB) of a fresh process that runs the whole analysis of ``path``."""
    # VmHWM, not ru_maxrss: after fork + exec Linux carries the parent's peak into ru_maxrss.
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from vbt.capture.pipeline import analyze_video\n"
        "analyze_video(Path(sys.argv[1]), lift=sys.argv[2], variant=sys.argv[3])\n"
        "rows = [r for r in open('/proc/self/status') if r.startswith('VmHWM:')]\n"
        "print(rows[0].split()[1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), lift, variant],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return float("nan")
    return int(done.stdout.strip().splitlines()[-1]) / 1024.0  # VmHWM is in kB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variant", default="lite", choices=["lite", "full", "heavy"])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each stage; the fastest is kept")
    parser.add_argument(
        "--clips", nargs="*", default=None, metavar="PATH:LIFT", help="clips instead of the defaults"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory run")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain-loop run")
    parser.add_argument("--parts", action="store_true", help="also the CPU time of each part per frame")
    parser.add_argument(
        "--stages", action="store_true", help="also the CPU of each stage of a whole vbt analyze process"
    )
    parser.add_argument("--camera", action="store_true", help="also the camera motion estimator's cost")
    parser.add_argument(
        "--decoders", action="store_true", help="also decoding's CPU time through OpenCV and through PyAV"
    )
    parser.add_argument(
        "--no-process", action="store_true", help="skip the whole-process timing (vbt analyze as a child)"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("VBT_MODEL_DIR", str((SHARED / "models").resolve()))
    with tempfile.TemporaryDirectory(prefix="vbt-speed-") as tmp:
        clips: list[tuple[Path, str]] = []
        if args.clips:
            for spec in args.clips:
                path, _, lift = spec.rpartition(":")
                clips.append((Path(path), lift))
        else:
            print("rendering a 720p30 clip ...", file=sys.stderr, flush=True)
            clips.append((render_clip(Path(tmp)), "power_clean"))
            for name, lift in FOOTAGE:
                path = SHARED / "footage" / name
                if path.is_file():
                    clips.append((path, lift))
                else:
                    print(f"skipping {name}: {path} is not there", file=sys.stderr)
        rows = []
        for path, lift in clips:
            print(f"timing {path.name} ...", file=sys.stderr, flush=True)
            best: dict[str, Timing] = {}
            stages: list[tuple[str, Callable[[], int]]] = [
                ("decode", partial(decode_only, path)),
                ("pose", partial(decode_and_pose, path, args.variant)),
                ("whole", partial(whole, path, lift, args.variant)),
            ]
            if not args.no_plain:
                stages.append(("plain", partial(whole_plain, path, lift, args.variant)))
            for _ in range(max(1, args.repeat)):
                for stage, work in stages:
                    timing = _timed(work)
                    if stage not in best or timing.wall_s < best[stage].wall_s:
                        best[stage] = timing
            rows.append((path, lift, clip_info(path), best))
        _print_table(rows, args.variant)
        if not args.no_process:
            processes = []
            for path, lift in clips:
                print(f"timing processes on {path.name} ...", file=sys.stderr, flush=True)
                best_run: dict[str, Timing] = {}
                for _ in range(max(3, args.repeat)):
                    for stage, timing in process_times(path, lift, args.variant, Path(tmp)).items():
                        if stage not in best_run or timing.wall_s < best_run[stage].wall_s:
                            best_run[stage] = timing
                processes.append((path, clip_info(path)[2], best_run))
            _print_processes(processes)
        if args.parts:
            _print_parts([(path, parts_ms(path, lift, args.variant)) for path, lift in clips])
        if args.stages:
            _stages([(path, lift) for path, lift in clips], args.variant, Path(tmp))
        if args.decoders:
            _print_decoders([(path, clip_info(path)[0]) for path, _ in clips])
        if args.camera:
            _print_camera([(path, clip_info(path)[0], camera_ms(path)) for path, _ in clips])
        if not args.no_memory and clips:
            longest = max(rows, key=lambda row: row[2][2])
            path, lift = longest[0], longest[1]
            print(
                f"\npeak memory (RSS) of the whole analysis of {path.name} ({longest[2][2]:.1f} s), fresh process: ",
                end="",
                flush=True,
            )
            print(f"{peak_rss_mb(path, lift, args.variant):.0f} MB (goal <= 500 MB for any length)")
    return 0


def _print_table(
    rows: list[tuple[Path, str, tuple[str, float, float], dict[str, Timing]]], variant: str
) -> None:
    load = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    print(
        f"\npose model: {variant}; cores: {os.cpu_count()}; load average (1/5/15 min) at the end: "
        f"{load}; wall time, fastest of the runs\n"
    )
    header = (
        f"{'clip':<34} {'size':>9} {'fps':>6} {'dur s':>6} {'frames':>6} | {'decode f/s':>10} "
        f"{'+pose f/s':>9} {'whole f/s':>9} {'plain f/s':>9} | {'whole xRT':>9} {'plain xRT':>9} "
        f"{'whole/(dec+pose)':>16} {'CPU ratio':>9}"
    )
    print(header)
    print("-" * len(header))
    for path, _lift, (size, fps, duration), t in rows:
        d, p, w = t["decode"], t["pose"], t["whole"]
        plain = t.get("plain")
        plain_fps = f"{plain.frames / plain.wall_s:>9.1f}" if plain else f"{'-':>9}"
        plain_rt = f"{duration / plain.wall_s:>8.2f}x" if plain else f"{'-':>9}"
        print(
            f"{path.name[:34]:<34} {size:>9} {fps:>6.2f} {duration:>6.1f} {w.frames:>6} | "
            f"{d.frames / d.wall_s:>10.1f} {p.frames / p.wall_s:>9.1f} {w.frames / w.wall_s:>9.1f} "
            f"{plain_fps} | {duration / w.wall_s:>8.2f}x {plain_rt} "
            f"{w.wall_s / p.wall_s:>16.3f} {w.cpu_s / p.cpu_s:>9.3f}"
        )
    print(
        "\nwhole/(dec+pose): wall time of analyze_video over the wall time of decoding (read ahead) + "
        "pose alone (goal <= 1.15); xRT: video seconds per wall second (goal >= 2 on 720p30 with "
        "lite); plain: the whole analysis with decode, pose and tracker one after the other on one "
        "thread (the loop before the overlap); CPU ratio: CPU seconds of whole over decode + pose."
    )


def _print_processes(rows: list[tuple[Path, float, dict[str, Timing]]]) -> None:
    load = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"\nwhole processes, wall seconds from spawn to exit, fastest of the runs; load average: {load}\n")
    header = (
        f"{'clip':<34} {'dur s':>6} | {'dec+pose s':>10} {'analyze s':>9} | "
        f"{'speed (dec+pose)/analyze':>24} {'goal':>7} | {'CPU s dec+pose':>14} {'analyze':>7} {'CPU ratio':>9}"
    )
    print(header)
    print("-" * len(header))
    for path, duration, best in rows:
        d, a = best["dec+pose"], best["analyze"]
        print(
            f"{path.name[:34]:<34} {duration:>6.1f} | {d.wall_s:>10.2f} {a.wall_s:>9.2f} | "
            f"{d.wall_s / a.wall_s:>24.3f} {'>= 0.85':>7} | {d.cpu_s:>14.2f} {a.cpu_s:>7.2f} "
            f"{d.cpu_s / a.cpu_s:>9.3f}"
        )
    print(
        "\nanalyze: `python -m vbt.cli analyze CLIP --lift LIFT --json OUT`; dec+pose: a process "
        "that decodes (read ahead) and runs MediaPipePose on every frame; both include Python's start-up, "
        "their imports and the model's load. CPU: user + system seconds of the fastest run (on a machine "
        "whose cores are all busy, the wall ratio tends to the CPU ratio: no core is free to overlap on)."
    )


def _stages(clips: list[tuple[Path, str]], variant: str, directory: Path) -> None:
    from speed_stages import print_stages, stages_cpu  # beside this file

    rows = []
    for path, lift in clips:
        print(f"timing the stages of {path.name} ...", file=sys.stderr, flush=True)
        stages = stages_cpu(path, lift, variant, directory)
        decode_pose = _process_s([sys.executable, "-c", _DECODE_POSE, str(path), variant])
        rows.append((path, stages, (decode_pose.cpu_s, decode_pose.wall_s)))
    print_stages(rows)


def _print_decoders(rows: list[tuple[Path, str]]) -> None:
    from vbt.capture.sources import VideoFileSource

    print("\ndecoding alone through each decoder, CPU milliseconds per frame (all threads)\n")
    header = f"{'clip':<34} {'size':>9} {'chosen':>7} {'OpenCV':>7} {'PyAV':>7}"
    print(header)
    print("-" * len(header))
    for path, size in rows:
        with VideoFileSource(path) as source:
            chosen = source.decoder
        ms = {}
        for decoder in ("opencv", "pyav"):
            timing = _timed(partial(decode_only, path, decoder))
            ms[decoder] = 1000.0 * timing.cpu_s / max(1, timing.frames)
        print(f"{path.name[:34]:<34} {size:>9} {chosen:>7} {ms['opencv']:>7.1f} {ms['pyav']:>7.1f}")


def _print_camera(rows: list[tuple[Path, str, dict[str, float]]]) -> None:
    print("\ncamera motion (BackgroundMotion alone, one thread), milliseconds per frame\n")
    header = f"{'clip':<34} {'size':>9} {'frames':>6} {'CPU ms':>7} {'wall median':>11} {'wall p90':>8}"
    print(header)
    print("-" * len(header))
    for path, size, ms in rows:
        print(
            f"{path.name[:34]:<34} {size:>9} {ms['frames']:>6.0f} {ms['cpu']:>7.2f} "
            f"{ms['median']:>11.2f} {ms['p90']:>8.2f}"
        )
    print("\nwall times include waiting for a core on a busy machine; the CPU time does not.")


def _print_parts(rows: list[tuple[Path, dict[str, float]]]) -> None:
    load = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    print(
        "\nCPU ms per frame of each part (passes adding one part at a time; pose includes convert), "
        f"and each part beyond decode + pose as a share of decode + pose; load average: {load}\n"
    )
    extra = PARTS[3:]
    header = (
        f"{'clip':<34} "
        + " ".join(f"{name:>8}" for name in PARTS)
        + " | "
        + " ".join(f"{name + '/dp':>10}" for name in extra)
        + f" {'CPU ratio':>9}"
    )
    print(header)
    print("-" * len(header))
    for path, ms in rows:
        base = ms["decode"] + ms["pose"]
        ratio = (base + sum(ms[name] for name in extra)) / base
        print(
            f"{path.name[:34]:<34} "
            + " ".join(f"{ms[name]:>8.2f}" for name in PARTS)
            + " | "
            + " ".join(f"{ms[name] / base:>10.3f}" for name in extra)
            + f" {ratio:>9.3f}"
        )
    print(
        "\npicture: black bars + repeated frames; plate: the plate tracker's update; camera: the camera "
        "motion's update (both on the loop's thread CPU clock); loop: the rest of the plain loop, by "
        "difference of two passes, so it carries their noise (on a busy machine a few ms per frame, "
        "either sign; the timed parts do not); "
        "analysis: calibration, kinematics, verdicts and any second look, per frame. X/dp: X over "
        "decode + pose; CPU ratio: (decode + pose + all the parts after it) / (decode + pose), the "
        "frame loop's and analysis's share of a whole analyze's CPU ratio (the process adds the "
        "imports and the report)."
    )


if __name__ == "__main__":
    sys.exit(main())
