"""Where a whole ``vbt analyze`` process spends its CPU, stage by stage (``speed.py --stages``).

A fresh process runs ``vbt analyze CLIP --lift LIFT --json OUT --quiet`` (the CLI's own ``main``)
with the stages' entry points wrapped to read a CPU clock on the way in and out:

- ``start-up``: the process's CPU (all threads) from its start until the frame loop begins
  (Python, the imports the CLI needs, opening the file);
- the frame loop, all threads (``track_source`` until the whole-clip choice's ``finish``), split
  into the parts that run on the loop's own (main) thread, timed on that thread's CPU clock (the
  plate tracker's ``update``, the whole-clip choice's keyframe candidates, the camera's motion,
  MediaPipe's input made from the frame, the rest of the loop) and ``other threads``: decoding,
  the picture's black bars and repeated frames (also shown alone: ``of it: picture``, timed on the
  reading thread; the frame's grey copy it starts from is shared with the camera's motion and not
  counted there), the pose model's load and the pose itself;
- the whole-clip choice's ``finish`` (its path and walks) and, of it, the frames read again;
- the rest of ``track_source`` (closing the pose and the file), ``analysis`` (calibration,
  kinematics, verdicts, SciPy's import), the ``second look`` or front pass when a clip gets one,
  the ``report`` (table and JSON) and ``exit`` (interpreter shutdown: the parent's reading of the
  child's CPU less the child's own last reading).

Everything is CPU seconds (user + system), so the numbers hold on a loaded machine; the stages
add up to the process's CPU. Results are those of any ``vbt analyze`` run: the wrappers only read
clocks.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The stages, in the order printed (see the module docstring); ``  `` marks a part of the row above.
STAGES = (
    "start-up",
    "loop: plate tracker",
    "loop: keyframe candidates",
    "loop: camera motion",
    "loop: pose input",
    "loop: main thread, rest",
    "loop: other threads",
    "  of it: picture",
    "whole-clip finish",
    "  of it: frames read again",
    "closing",
    "analysis",
    "second look",
    "report",
    "exit",
)


def _process_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _Clocks:
    """CPU seconds spent inside wrapped callables, per stage, and CPU readings at events."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.files_opened = 0
        self.at: dict[str, tuple[float, float]] = {}  # event: (process, thread) CPU s
        self._lock = threading.Lock()

    def add(self, stage: str, seconds: float) -> None:
        with self._lock:
            self.spent[stage] = self.spent.get(stage, 0.0) + seconds

    def wrap(self, owner: Any, name: str, stage: str, clock: Callable[[], float]) -> None:
        """Time every call of ``owner.name`` on ``clock``, adding to ``stage``."""
        inner = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = clock()
            try:
                return inner(*args, **kwargs)
            finally:
                self.add(stage, clock() - started)

        setattr(owner, name, timed)

    def mark(self, owner: Any, name: str, event: str) -> None:
        """Record the process's and the calling thread's CPU when ``owner.name`` is first entered
        (``event`` + ``:in``) and left (``:out``); later calls (a second look's) are not marked."""
        inner = getattr(owner, name)

        def marked(*args: Any, **kwargs: Any) -> Any:
            self.at.setdefault(f"{event}:in", (_process_cpu_s(), time.thread_time()))
            try:
                return inner(*args, **kwargs)
            finally:
                self.at.setdefault(f"{event}:out", (_process_cpu_s(), time.thread_time()))

        setattr(owner, name, marked)


def child(argv: list[str]) -> None:
    """In the child process: ``argv`` = [clip, lift, variant, json report, stages out]; runs the CLI
    with the stages timed and writes them (JSON) to the last path."""
    clip, lift, variant, report, out = argv
    clocks = _Clocks()
    import vbt.capture.bar as bar
    import vbt.capture.borders as borders
    import vbt.capture.camera.background as background
    import vbt.capture.pipeline as pipeline
    import vbt.capture.pose.pending as pending
    import vbt.capture.repeats as repeats
    import vbt.capture.reread as reread
    import vbt.capture.sources as sources
    import vbt.cli.analyze as cli_analyze
    from vbt.cli.command import main

    thread = time.thread_time
    clocks.wrap(bar.PlateTracker, "update", "loop: plate tracker", thread)
    clocks.wrap(bar.ContribEllipses, "find", "loop: keyframe candidates", thread)
    clocks.wrap(bar.VotedCircles, "find", "loop: keyframe candidates", thread)
    clocks.wrap(background.BackgroundMotion, "update", "loop: camera motion", thread)
    clocks.wrap(pending.PendingPose, "prepare", "loop: pose input", thread)
    clocks.wrap(reread.FileFrames, "frame", "  of it: frames read again", _process_cpu_s)
    for module, name in ((repeats, "small_grey"), (repeats, "picture_change"), (borders, "without_bars")):
        clocks.wrap(module, name, "  of it: picture", thread)
    clocks.wrap(borders, "bright_counts", "  of it: picture", thread)
    clocks.mark(pipeline, "track_source", "track_source")
    clocks.mark(bar.WholeClipTracker, "finish", "finish")
    clocks.mark(pipeline, "analyze_tracked", "analysis")
    clocks.mark(cli_analyze, "_video_outputs", "report")
    opened = sources.VideoFileSource.__init__

    def opening(self: Any, *args: Any, **kwargs: Any) -> None:
        clocks.files_opened += 1
        opened(self, *args, **kwargs)

    sources.VideoFileSource.__init__ = opening  # type: ignore[method-assign]
    main(["analyze", clip, "--lift", lift, "--json", report, "--model-variant", variant, "--quiet"])
    at, spent = clocks.at, clocks.spent
    end = _process_cpu_s()
    loop_in, source_out = at["track_source:in"], at["track_source:out"]
    finish_in, finish_out = at.get("finish:in", source_out), at.get("finish:out", source_out)
    loop_main = (
        "loop: plate tracker",
        "loop: keyframe candidates",
        "loop: camera motion",
        "loop: pose input",
    )
    main_thread = finish_in[1] - loop_in[1]
    stages = {
        "start-up": loop_in[0],
        **{name: spent.get(name, 0.0) for name in loop_main},
        "loop: main thread, rest": main_thread - sum(spent.get(name, 0.0) for name in loop_main),
        "loop: other threads": (finish_in[0] - loop_in[0]) - main_thread,
        "  of it: picture": spent.get("  of it: picture", 0.0),
        "whole-clip finish": finish_out[0] - finish_in[0],
        "  of it: frames read again": spent.get("  of it: frames read again", 0.0),
        "closing": source_out[0] - finish_out[0],
        "analysis": at["analysis:out"][0] - at["analysis:in"][0],
        "second look": at["report:in"][0] - at["analysis:out"][0],
        "report": at["report:out"][0] - at["report:in"][0],
        "total in process": end,
        "files opened": float(clocks.files_opened),
    }
    Path(out).write_text(json.dumps(stages))
    gc.freeze()  # as the CLI's process entry point does after main (vbt.cli.command.run)


def stages_cpu(path: Path, lift: str, variant: str, directory: Path) -> dict[str, float]:
    """CPU seconds of each stage (``STAGES``) of one ``vbt analyze`` process on ``path``, its total
    (``total``, from the parent's reading: exit included), its wall seconds (``wall``) and how many
    times it opened the file."""
    out = directory / f"{path.stem}.stages.json"
    code = f"import runpy, sys\nrunpy.run_path({str(Path(__file__).resolve())!r})['child'](sys.argv[1:])\n"
    command = [
        sys.executable,
        "-c",
        code,
        str(path),
        lift,
        variant,
        str(directory / f"{path.stem}.json"),
        str(out),
    ]
    from speed import _process_s  # beside this file; speed.py imports this module only when run

    timing = _process_s(command)
    stages: dict[str, float] = json.loads(out.read_text())
    stages["exit"] = timing.cpu_s - stages.pop("total in process")
    stages["total"] = timing.cpu_s
    stages["wall"] = timing.wall_s
    return stages


def print_stages(rows: list[tuple[Path, dict[str, float], tuple[float, float]]]) -> None:
    """The stages of each clip (columns), with the decode + pose process's CPU and wall seconds."""
    load = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"\nCPU seconds of each stage of one `vbt analyze` process (user + system); load average: {load}\n")
    width = 12
    header = f"{'stage':<28} " + " ".join(f"{path.stem[:width]:>{width}}" for path, _, _ in rows)
    print(header)
    print("-" * len(header))
    for stage in (*STAGES, "total"):
        print(f"{stage:<28} " + " ".join(f"{s[stage]:>{width}.2f}" for _, s, _ in rows))
    print(f"{'decode + pose process':<28} " + " ".join(f"{d:>{width}.2f}" for _, _, (d, _) in rows))
    print(f"{'CPU ratio':<28} " + " ".join(f"{d / s['total']:>{width}.3f}" for _, s, (d, _) in rows))
    print(f"{'wall s, analyze':<28} " + " ".join(f"{s['wall']:>{width}.2f}" for _, s, _ in rows))
    print(f"{'wall s, decode + pose':<28} " + " ".join(f"{w:>{width}.2f}" for _, _, (_, w) in rows))
    print(f"{'wall ratio':<28} " + " ".join(f"{w / s['wall']:>{width}.3f}" for _, s, (_, w) in rows))
    print(f"{'files opened':<28} " + " ".join(f"{s['files opened']:>{width}.0f}" for _, s, _ in rows))
    print(
        "\nloop: the frame loop; its main-thread parts are timed on that thread's clock, `other threads` "
        "(decoding, the picture's bars and repeats, the pose model's load and the pose) is the rest of "
        "the process's CPU meanwhile. analysis includes SciPy's import; exit is the interpreter's "
        "shutdown. CPU and wall ratio: the decode + pose process's over this process's, one run each "
        "(speed.py's process table measures the same two, fastest of three)."
    )
