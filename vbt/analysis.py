"""The analysis of one set: trajectory -> smoothed kinematics -> reps -> metrics -> set summary.

This is the part shared by every input (a track CSV, a video, a live camera): everything after the
``Trajectory`` happens here and only here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from vbt.errors import NotEnoughDataError
from vbt.kinematics.extension import ExtensionSettings, triple_extension
from vbt.kinematics.metrics import rep_metrics
from vbt.kinematics.reps import SegmentationSettings, segment_reps
from vbt.kinematics.series import Kinematics, SmoothingSettings, smooth
from vbt.kinematics.summary import summarize_set
from vbt.lifts import parse_lift
from vbt.quality.motion import MotionCheckSettings, check_motion
from vbt.quality.verdict import Finding, Quality, Verdict, judge, suspect_reasons
from vbt.types import Lift, Rep, RepMetrics, RepStatus, SetSummary, Trajectory

#: The shortest recording that can hold a rep.
MIN_DURATION_S = 0.5


@dataclass(frozen=True)
class AnalysisSettings:
    """Every setting of the analysis; None picks the lift's defaults."""

    smoothing: SmoothingSettings = field(default_factory=SmoothingSettings)
    segmentation: SegmentationSettings | None = None
    extension: ExtensionSettings = field(default_factory=ExtensionSettings)
    checks: MotionCheckSettings = field(default_factory=MotionCheckSettings)


@dataclass(frozen=True, eq=False)
class SetAnalysis:
    """The result of analysing one set.

    ``quality`` is the verdict on its numbers (see ``vbt.quality``), from ``findings``; reps that a
    finding makes suspect carry ``status`` suspect and their reasons, and ``summary`` leaves them out.
    ``segments``: the segmenter's reps behind ``reps`` (their times, and from when each is settled:
    ``Rep.settled_s``).
    """

    lift: Lift
    load_kg: float | None
    reps: list[RepMetrics]
    summary: SetSummary
    kinematics: Kinematics
    warnings: list[str]
    quality: Quality = field(default_factory=lambda: Quality(Verdict.GOOD))
    findings: tuple[Finding, ...] = ()
    segments: tuple[Rep, ...] = ()


def with_findings(analysis: SetAnalysis, findings: Iterable[Finding]) -> SetAnalysis:
    """The analysis with more findings: reps they make suspect re-statused (their reasons added),
    the summary over the reps still counted, and the verdict over every finding so far."""
    every = (*analysis.findings, *findings)
    reasons = suspect_reasons(every)
    reps = []
    for rep in analysis.reps:
        more = tuple(r for r in reasons.get(rep.index, ()) if r not in rep.suspect_reasons)
        if more:
            rep = replace(rep, status=RepStatus.SUSPECT, suspect_reasons=rep.suspect_reasons + more)
        reps.append(rep)
    counted = sum(1 for r in reps if r.status is not RepStatus.SUSPECT)
    return replace(
        analysis,
        reps=reps,
        summary=summarize_set(reps),
        quality=judge(every, counted_reps=counted),
        findings=every,
    )


def analyze_trajectory(
    trajectory: Trajectory,
    *,
    lift: Lift | str,
    load_kg: float | None = None,
    settings: AnalysisSettings | None = None,
    refine_from_s: float = -math.inf,
    refine_unfinished: bool = True,
    extend: Callable[[Rep], bool] | None = None,
) -> SetAnalysis:
    """Segment and measure every rep of one set.

    Two keywords let a caller that already has some reps' numbers skip their costly parts (live
    mode, which re-analyses a growing set; the reps it needs are exactly what this returns without
    them):

    - ``refine_from_s``: reps that end before this time (seconds) keep the filtered zero crossings
      as their boundaries (``segment_reps``), so their metrics are rough; with
      ``refine_unfinished`` False, so does a rep the data's end cuts; which reps are found, and the
      others' numbers, do not change;
    - ``extend``: an Olympic lift's reps for which it returns False get no triple extension
      (None: every rep gets one).

    Raises:
        NotEnoughDataError: When the recording is too short or the bar is hardly ever seen.
    """
    lift = parse_lift(lift)
    settings = settings or AnalysisSettings()
    duration = float(trajectory.t_s[-1] - trajectory.t_s[0]) if len(trajectory) else 0.0
    if duration < MIN_DURATION_S:
        raise NotEnoughDataError(
            f"the recording lasts {duration:.2f} s; a rep needs at least {MIN_DURATION_S} s of data"
        )
    kinematics = smooth(trajectory, lift=lift, settings=settings.smoothing)
    reps = segment_reps(
        kinematics,
        lift=lift,
        settings=settings.segmentation,
        refine_from_s=refine_from_s,
        refine_unfinished=refine_unfinished,
    )
    measured = []
    for rep in reps:
        extension = (
            triple_extension(kinematics, rep, settings=settings.extension)
            if lift.is_olympic and (extend is None or extend(rep))
            else None
        )
        measured.append(rep_metrics(kinematics, rep, lift=lift, load_kg=load_kg, triple_extension=extension))
    warnings = _warnings(trajectory, kinematics, lift=lift, reps=measured)
    analysis = SetAnalysis(
        lift=lift,
        load_kg=load_kg,
        reps=measured,
        summary=summarize_set(measured),
        kinematics=kinematics,
        warnings=warnings,
        segments=tuple(reps),
    )
    return with_findings(analysis, check_motion(kinematics, measured, lift=lift, settings=settings.checks))


def _warnings(
    trajectory: Trajectory, kinematics: Kinematics, *, lift: Lift, reps: list[RepMetrics]
) -> list[str]:
    notes = []
    seen = np.isfinite(trajectory.bar_xy_m).all(axis=1).mean()
    if seen < 0.8:
        notes.append(
            f"the bar is missing in {100 * (1 - seen):.0f} % of the samples; reps inside long gaps are lost"
        )
    gaps = np.isnan(kinematics.bar_xy_m[:, 1]).mean()
    if gaps > 0:
        notes.append(f"{100 * gaps:.0f} % of the recording lies in gaps too long to bridge")
    if not reps:
        notes.append(f"no {lift.value} rep found: is the lift right, and is the whole set in the recording?")
    if lift.is_olympic and reps and not trajectory.has_joints:
        notes.append("no joint positions: triple extension not measured")
    return notes
