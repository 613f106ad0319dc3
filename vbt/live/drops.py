"""Frames dropped as a loaded machine drops them, replayed through the online set without real time.

Live mode drops frames when the analysis falls behind (``vbt.live.runner``: the capture keeps the
newest frame). Whether a rep is then lost or added depends on where the frames went, not on the
clock, so a set is replayed here sample by sample with a fixed pattern of lost frames
(``drop_pattern``: seeded, the same every run) and what the online set said is scored against the
truth's reps (``score``): found (good / suspect), extra, lost, provisional against final, and the
reps emitted final during the set against the whole recording's analysis (``OnlineSet.finish``, what
the saved report has).

Patterns (``DropKind``), each at a fraction of the frames:

- ``random``: stretches of 1 to ``max_run`` frames (8: a quarter second at 30 fps) at random places;
- ``tops``, ``bottoms``: one burst over each rep's top (end of the concentric) or bottom (its start),
  the rest of the rate at random;
- ``shed``: stretches of ``shed_s`` in which pose runs on one frame in ``pose_every`` (the others'
  joints unknown) and the rate's frames are lost (live mode sheds pose and resolution before it
  drops; the frames it then still drops fall inside those stretches).

``benchmarks/live_drops.py`` runs them on the rendered live clips; ``tests/live`` on synthetic sets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from vbt.analysis import AnalysisSettings, SetAnalysis
from vbt.live.events import RepEventKind, shown_reps
from vbt.live.online import OnlineSet
from vbt.types import FloatArray, Lift, RepMetrics, RepStatus, Trajectory


class DropKind(StrEnum):
    """Where a pattern's lost frames fall (see the module's docstring)."""

    RANDOM = "random"
    TOPS = "tops"
    BOTTOMS = "bottoms"
    SHED = "shed"


@dataclass(frozen=True)
class DropSettings:
    """The shape of the drop patterns.

    Attributes:
        max_run: longest random stretch of lost frames (frames; 8 at 30 fps is 0.27 s, the longest
            stall a loaded 2-core machine made in ``benchmarks/live.py``'s runs).
        burst_s: length of a burst over a rep's top or bottom, seconds (0.3 s: more than the analysis
            bridges, ``SmoothingSettings.max_gap_s``).
        shed_s: length of a shed stretch, seconds (the shedder eases off one step a second).
        pose_every: in a shed stretch, pose runs on one frame in this many (live mode's deepest step).
    """

    max_run: int = 8
    burst_s: float = 0.3
    shed_s: float = 2.0
    pose_every: int = 8


@dataclass(frozen=True)
class Drops:
    """One pattern: per sample (N,), whether its frame was lost, whether its pose was shed and
    whether it was decoded at half size (every frame of a shed stretch)."""

    lost: np.ndarray
    pose_shed: np.ndarray
    reduced: np.ndarray

    @property
    def rate(self) -> float:
        """The fraction of frames lost."""
        return float(self.lost.mean()) if self.lost.size else 0.0


def drop_pattern(
    t_s: FloatArray,
    kind: DropKind,
    rate: float,
    *,
    seed: int,
    reps_s: Sequence[tuple[float, float]] = (),
    settings: DropSettings | None = None,
) -> Drops:
    """A pattern of lost frames over samples at ``t_s`` (N,), about ``rate`` of them (0..1).

    ``reps_s``: the reps' (start, end) times, for ``tops`` and ``bottoms``. The first and last
    samples are never lost (a recording starts and ends with a frame). Seeded: the same arguments
    give the same pattern.
    """
    settings = settings or DropSettings()
    rng = np.random.default_rng(seed)
    t = np.asarray(t_s, dtype=np.float64)
    n = t.size
    lost = np.zeros(n, dtype=bool)
    shed = np.zeros(n, dtype=bool)
    allowed_shed = np.zeros(n, dtype=bool)
    target = round(rate * n)
    allowed = np.ones(n, dtype=bool)
    if kind is DropKind.SHED:
        allowed[:] = False
        for start_s in np.arange(t[0] + settings.shed_s, t[-1], 2 * settings.shed_s):
            allowed |= (t >= start_s) & (t < start_s + settings.shed_s)
        allowed_shed = allowed.copy()
        shed = allowed.copy()
        shed[np.flatnonzero(shed)[:: settings.pose_every]] = False  # pose runs on one in ``pose_every``
    elif kind in (DropKind.TOPS, DropKind.BOTTOMS):
        for start_s, end_s in reps_s:
            at_s = end_s if kind is DropKind.TOPS else start_s
            burst = np.abs(t - at_s) <= settings.burst_s / 2
            if lost.sum() + burst.sum() > target:
                break
            lost |= burst
    allowed[[0, -1]] = False
    free = np.flatnonzero(allowed & ~lost)
    while lost.sum() < target and free.size:
        run = int(rng.integers(1, settings.max_run + 1))
        start = int(free[rng.integers(free.size)])
        stretch = np.arange(start, min(start + run, n - 1))
        stretch = stretch[allowed[stretch]]
        lost[stretch[: max(target - int(lost.sum()), 0)]] = True
        free = np.flatnonzero(allowed & ~lost)
    return Drops(lost=lost, pose_shed=shed & ~lost, reduced=allowed_shed & ~lost)


@dataclass(frozen=True)
class Replay:
    """What the online set said of a set replayed with a drop pattern.

    Attributes:
        shown: the reps as the events say at the end (final, not retracted), in time order.
        emitted: the reps emitted final during the set (before ``finish``).
        provisional: per rep key, the first provisional rep, for the keys that had one.
        finals: per rep key, the final rep.
        retracted: how many provisional reps were retracted.
        analysis: the whole recording's analysis (``OnlineSet.finish``: the saved report's reps).
    """

    shown: list[RepMetrics]
    emitted: list[RepMetrics]
    provisional: dict[int, RepMetrics]
    finals: dict[int, RepMetrics]
    retracted: int
    analysis: SetAnalysis


def replay(
    trajectory: Trajectory,
    drops: Drops,
    *,
    lift: Lift,
    load_kg: float | None = None,
    settings: AnalysisSettings | None = None,
    rerun_every_s: float = 0.25,
    discover_every_s: float = 1.0,
) -> Replay:
    """Feed ``trajectory``'s samples to an ``OnlineSet`` one at a time, the lost ones as lost frames
    (NaN bar, ``lost=True``) and the shed ones without joints, then finish it. ``rerun_every_s`` and
    ``discover_every_s`` as live mode sets them (``LiveOptions.final_every_s``, ``discover_every_s``)."""
    online = OnlineSet(
        lift=lift,
        load_kg=load_kg,
        settings=settings,
        rerun_every_s=rerun_every_s,
        discover_every_s=discover_every_s,
    )
    joints = trajectory.joints_xy_m if trajectory.has_joints else None
    nan_bar = np.full(2, np.nan)
    for i, t in enumerate(trajectory.t_s):
        if drops.lost[i]:
            online.add(float(t), nan_bar, None, lost=True)
            continue
        posed = joints is not None and not drops.pose_shed[i]
        online.add(float(t), trajectory.bar_xy_m[i], joints[i] if posed and joints is not None else None)
    analysis = online.finish()
    provisional: dict[int, RepMetrics] = {}
    finals: dict[int, RepMetrics] = {}
    retracted = 0
    for event in online.events:
        if event.kind is RepEventKind.PROVISIONAL:
            provisional.setdefault(event.key, event.rep)
        elif event.kind is RepEventKind.FINAL:
            finals[event.key] = event.rep
        else:
            retracted += 1
    shown = [event.rep for event, _ in shown_reps(online.events)]
    return Replay(shown, list(online.emitted), provisional, finals, retracted, analysis)


@dataclass(frozen=True)
class Score:
    """A replay against the truth's reps.

    Attributes:
        good, suspect: reps shown, by status (``suspect``: counted out, with a reason).
        lost: the truth's reps no shown rep covers.
        extra_good, extra_suspect: shown reps that cover no rep of the truth (or a rep another shown
            rep covers already), by status.
        provisional_final_m_s: largest |provisional - final| mean velocity over the reps with both.
        final_offline_m_s: largest difference between a rep emitted final during the set and the same
            rep of the whole recording's analysis (mean velocity; inf when the reps differ).
        same_as_offline: the shown reps are the whole recording's, rep for rep (times, status).
    """

    good: int
    suspect: int
    lost: int
    extra_good: int
    extra_suspect: int
    provisional_final_m_s: float
    final_offline_m_s: float
    same_as_offline: bool
    reasons: list[str] = field(default_factory=list)


def match(reps: Sequence[RepMetrics], truth_s: Sequence[tuple[float, float]]) -> tuple[int, list[RepMetrics]]:
    """How many of the truth's reps (their (start, end) times) no rep of ``reps`` covers, and the reps
    that cover none: a rep is the truth's rep it overlaps most, each truth rep taken once."""
    taken: set[int] = set()
    extra: list[RepMetrics] = []
    for rep in reps:
        overlaps = [min(rep.end_s, e) - max(rep.start_s, s) for s, e in truth_s]
        best = int(np.argmax(overlaps)) if overlaps else -1
        if best < 0 or overlaps[best] <= 0 or best in taken:
            extra.append(rep)
        else:
            taken.add(best)
    return len(truth_s) - len(taken), extra


def score(result: Replay, truth_s: Sequence[tuple[float, float]]) -> Score:
    """Score ``result`` against the truth's reps' (start, end) times (see `match`)."""
    lost, extra = match(result.shown, truth_s)
    suspect = [r for r in result.shown if r.status is RepStatus.SUSPECT]
    gaps = [
        abs(result.provisional[k].mean_velocity_m_s - f.mean_velocity_m_s)
        for k, f in result.finals.items()
        if k in result.provisional
        and math.isfinite(result.provisional[k].mean_velocity_m_s)
        and math.isfinite(f.mean_velocity_m_s)
    ]
    whole = list(result.analysis.reps)
    offline = 0.0
    for rep in result.emitted:
        same = [r for r in whole if abs(r.start_s - rep.start_s) < 1e-9 and abs(r.end_s - rep.end_s) < 1e-9]
        if not same:
            offline = math.inf
            continue
        a, b = rep.mean_velocity_m_s, same[0].mean_velocity_m_s
        if math.isfinite(a) or math.isfinite(b):
            offline = max(offline, abs(a - b) if math.isfinite(a) and math.isfinite(b) else math.inf)
    same_as_offline = len(whole) == len(result.shown) and all(
        abs(a.start_s - b.start_s) < 1e-9 and abs(a.end_s - b.end_s) < 1e-9 and a.status is b.status
        for a, b in zip(whole, result.shown, strict=True)
    )
    return Score(
        good=len(result.shown) - len(suspect),
        suspect=len(suspect),
        lost=lost,
        extra_good=sum(1 for r in extra if r.status is not RepStatus.SUSPECT),
        extra_suspect=sum(1 for r in extra if r.status is RepStatus.SUSPECT),
        provisional_final_m_s=max(gaps, default=math.nan),
        final_offline_m_s=offline,
        same_as_offline=same_as_offline,
        reasons=[reason for r in extra for reason in r.suspect_reasons],
    )
