"""Checks of a set's reps that need only the trajectory: numbers no barbell reaches in the lift,
reps cut by the recording's edges, and stretches without samples (the bar lost, frames dropped).

They run wherever a trajectory is analysed (a video, a track CSV, live mode).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vbt.kinematics.series import Kinematics
from vbt.quality.limits import LIFT_LIMITS
from vbt.quality.verdict import Finding, Severity
from vbt.types import Lift, RepMetrics, RepStatus


@dataclass(frozen=True)
class MotionCheckSettings:
    """Settings of the trajectory checks.

    Attributes:
        max_gap_cutoff_periods: a rep is suspect when it holds a stretch without bar samples longer
            than this many periods of the low-pass cutoff (half a period: the filter cannot put the
            peak back; a pull's peak lasts about that long). Raising it keeps more reps but lets
            guessed peaks through.
        note_gap_cutoff_periods: shorter stretches longer than this are noted.
        dropped_frame_factor: an interval between frames longer than this many times the median
            interval means frames were dropped there.
    """

    max_gap_cutoff_periods: float = 0.5
    note_gap_cutoff_periods: float = 0.25
    dropped_frame_factor: float = 1.6


def _fmt(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def implausible_numbers(reps: list[RepMetrics], *, lift: Lift) -> list[Finding]:
    """Reps whose velocity, range or duration no rep of the lift has (``vbt.quality.limits``)."""
    limits = LIFT_LIMITS[lift]
    name = lift.value.replace("_", " ")
    findings = []
    for rep in reps:
        problems = []
        if rep.mean_velocity_m_s > limits.max_mean_velocity_m_s:
            problems.append(
                f"mean velocity {_fmt(rep.mean_velocity_m_s)} m/s (no {name} averages more than "
                f"{limits.max_mean_velocity_m_s:g} m/s)"
            )
        if rep.peak_velocity_m_s > limits.max_peak_velocity_m_s:
            problems.append(
                f"peak velocity {_fmt(rep.peak_velocity_m_s)} m/s (no {name} peaks above "
                f"{limits.max_peak_velocity_m_s:g} m/s)"
            )
        if rep.range_of_motion_m > limits.max_range_m:
            problems.append(
                f"a range of {_fmt(rep.range_of_motion_m)} m (no lifter moves the bar more than "
                f"{limits.max_range_m:g} m in a {name})"
            )
        if problems:
            findings.append(
                Finding(
                    "numbers_implausible",
                    f"{'; '.join(problems)}: the scale or the bar track is wrong. Check the tracked plate "
                    "in the annotated video (--video) or give the scale with --known-length",
                    Severity.DOUBT,
                    reps=(rep.index,),
                    suspect=True,
                )
            )
        elif not limits.min_duration_s <= rep.duration_s <= limits.max_duration_s:
            findings.append(
                Finding(
                    "duration_implausible",
                    f"it lasts {_fmt(rep.duration_s)} s, outside the {limits.min_duration_s:g}-"
                    f"{limits.max_duration_s:g} s any {name} takes: the bar track is probably wrong there",
                    Severity.DOUBT,
                    reps=(rep.index,),
                    suspect=True,
                )
            )
    return findings


def partial_reps(reps: list[RepMetrics]) -> list[Finding]:
    """Reps whose start or end is the recording's edge: measured over what was recorded."""
    findings = []
    for rep in reps:
        if rep.partial_start or rep.partial_end:
            edge = (
                "starts and ends while the bar moves"
                if rep.partial_start and rep.partial_end
                else "starts while the bar already moves"
                if rep.partial_start
                else "ends before the bar stops"
            )
            findings.append(
                Finding(
                    "rep_partial",
                    f"the recording {edge}, so its velocities cover only what was recorded; "
                    "start the recording before the rep and stop it after",
                    Severity.DOUBT,
                    reps=(rep.index,),
                )
            )
    return findings


def missing_samples(
    kinematics: Kinematics, reps: list[RepMetrics], *, settings: MotionCheckSettings | None = None
) -> list[Finding]:
    """Reps holding a stretch without bar samples: the bar was lost, or frames were dropped.

    The stretch is measured between the bar samples on either side of it, within the rep (its
    ends included); frames missing from the source's clock (an interval longer than
    ``dropped_frame_factor`` times the median) are named as such.
    """
    settings = settings or MotionCheckSettings()
    t, bar = kinematics.source_t_s, kinematics.source_bar_xy_m
    if t.size < 2:
        return []
    seen = np.isfinite(bar).all(axis=1)
    period_s = 1.0 / kinematics.cutoff_hz
    limit_s = settings.max_gap_cutoff_periods * period_s
    note_s = settings.note_gap_cutoff_periods * period_s
    interval = float(np.median(np.diff(t)))
    findings = []
    for rep in reps:
        inside = np.flatnonzero(seen & (t >= rep.start_s) & (t <= rep.end_s))
        # the seen samples just outside the rep bound the stretches at its ends
        before = np.flatnonzero(seen & (t < rep.start_s))
        after = np.flatnonzero(seen & (t > rep.end_s))
        around = np.concatenate([before[-1:], inside, after[:1]])
        if around.size < 2:
            continue
        times = t[around]
        gaps = np.diff(times)
        k = int(np.argmax(gaps))
        gap_s = float(gaps[k])
        if gap_s <= max(note_s, settings.dropped_frame_factor * interval):
            continue
        span = (t > times[k]) & (t < times[k + 1])
        frames_there = int(span.sum())
        expected = round(gap_s / interval) - 1
        cause = (
            f"{expected - frames_there} frames are missing from the video"
            if frames_there < expected - 0.5
            else "the bar was not seen"
        )
        at = f"{times[k]:.2f}-{times[k + 1]:.2f} s"
        if gap_s > limit_s:
            findings.append(
                Finding(
                    "samples_missing",
                    f"no bar position for {gap_s:.2f} s ({at}: {cause}), so its peak velocity is a guess; "
                    "film with the whole plate in view and good light",
                    Severity.DOUBT,
                    reps=(rep.index,),
                    suspect=True,
                )
            )
        else:
            findings.append(
                Finding(
                    "samples_missing",
                    f"no bar position for {gap_s:.2f} s ({at}: {cause}); bridged, velocities slightly smoothed there",
                    Severity.NOTE,
                    reps=(rep.index,),
                )
            )
    return findings


def no_reps(reps: list[RepMetrics], *, lift: Lift) -> list[Finding]:
    if reps:
        return []
    return [
        Finding(
            "no_reps",
            f"no {lift.value.replace('_', ' ')} rep was found: check the lift, that the whole set is in "
            "the recording and that the bar was tracked (--video shows the track)",
            Severity.UNUSABLE,
        )
    ]


def check_motion(
    kinematics: Kinematics, reps: list[RepMetrics], *, lift: Lift, settings: MotionCheckSettings | None = None
) -> list[Finding]:
    """Every trajectory check, in the order a reader needs them."""
    counted = [r for r in reps if r.status is not RepStatus.SUSPECT]
    return [
        *no_reps(reps, lift=lift),
        *implausible_numbers(counted, lift=lift),
        *missing_samples(kinematics, counted, settings=settings),
        *partial_reps(counted),
    ]
