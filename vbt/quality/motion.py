"""Checks of a set's reps that need only the trajectory: numbers no barbell reaches in the lift (or
may reach, within the track's noise), reps cut by the recording's edges, and stretches without
samples (the bar lost, frames dropped).

They run wherever a trajectory is analysed (a video, a track CSV, live mode).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vbt.kinematics.reps import SegmentationSettings, default_segmentation
from vbt.kinematics.series import Kinematics
from vbt.lifts import VelocityKind
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
        max_mean_uncertainty_frac: a rep whose start or end falls in a stretch without samples is
            suspect when that leaves its mean velocity uncertain by more than this share.
        use_track_jumps: check the track between reps for rises no bar makes (`track_jumps`).
        use_frame_rate: check that a rep's frames came no faster than the recording's own rate
            (`squeezed_times`; its limit is ``max_mean_uncertainty_frac``: squeezed times make the
            mean velocity too fast by as much as they are squeezed). On for frames timed by their
            arrival (a camera, a stream: ``video_analysis_settings``); a file's frames carry the
            times they were taken at.
        peak_confidence_sd: a rep's peak velocity under the lift's limit is doubted when this many of
            its standard deviations (``RepMetrics.peak_velocity_sd_m_s``) above it reach past the
            limit (2: 97.7 % one-sided for a normal error). Raising it doubts more peaks near the
            limit; lowering it lets more through; 0 switches the check off (`uncertain_peaks`).
        max_peak_sd_frac: a peak velocity whose standard deviation is more than this share of it is
            doubted whatever the limit where the peak is the lift's velocity (noted elsewhere: the
            mean is shown): at 0.1 its 2-sd interval spans +-20 %, wider than a velocity zone
            (0.15-0.3 m/s at 1 m/s). Raising it lets noisier peaks through.
    """

    max_gap_cutoff_periods: float = 0.5
    note_gap_cutoff_periods: float = 0.25
    dropped_frame_factor: float = 1.6
    max_mean_uncertainty_frac: float = 0.1
    use_track_jumps: bool = True
    use_frame_rate: bool = False
    peak_confidence_sd: float = 2.0
    max_peak_sd_frac: float = 0.1


def _fmt(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def implausible_numbers(reps: list[RepMetrics], *, lift: Lift) -> list[Finding]:
    """Reps whose velocity, range or duration no rep of the lift has (``vbt.quality.limits``)."""
    limits = lift.spec.limits
    name = lift.label
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


def uncertain_peaks(
    reps: list[RepMetrics], *, lift: Lift, settings: MotionCheckSettings | None = None
) -> list[Finding]:
    """Reps whose peak velocity is inside the lift's limit (``vbt.quality.limits``) but whose
    uncertainty from the track's noise (``peak_confidence_sd`` standard deviations) reaches past it,
    or whose standard deviation exceeds ``max_peak_sd_frac`` of it. Where the lift's velocity is its
    peak (`vbt.lifts.velocity_kind`: the Olympic pulls, the jerk drive) the rep is suspect either way;
    else the rep counts (its mean velocity, a displacement over a duration, stands): a peak that may
    pass the limit makes the set doubtful, a merely uncertain one is noted (the table shows its sd).
    A peak with no standard deviation (NaN) is not judged here."""
    settings = settings or MotionCheckSettings()
    k = settings.peak_confidence_sd
    if k <= 0:
        return []
    limit = lift.spec.limits.max_peak_velocity_m_s
    peak_kind = lift.spec.velocity_kind is VelocityKind.PEAK
    findings = []
    for rep in reps:
        peak, sd = rep.peak_velocity_m_s, rep.peak_velocity_sd_m_s
        if not peak <= limit or not np.isfinite(sd):  # beyond: `implausible_numbers`
            continue
        value = f"peak velocity {_fmt(peak)} ± {_fmt(sd)} m/s"
        severity = Severity.DOUBT
        if peak + k * sd > limit:
            why = f"{value} from the track's noise may exceed the {limit:g} m/s no {lift.label} reaches"
        elif sd > settings.max_peak_sd_frac * peak:
            why = f"{value}: the track's noise leaves it uncertain by {100 * sd / peak:.0f} %"
            severity = Severity.DOUBT if peak_kind else Severity.NOTE
        else:
            continue
        stands = "" if peak_kind else "; its mean velocity stands"
        findings.append(
            Finding(
                "peak_uncertain",
                f"{why}{stands}. Film at 60 frames a second or more, closer, in good light (a short "
                "exposure blurs the plate less) for a peak to rely on",
                severity,
                reps=(rep.index,),
                suspect=peak_kind,
            )
        )
    return findings


def partial_reps(reps: list[RepMetrics]) -> list[Finding]:
    """Reps whose start or end is the edge of the data (the recording's, or a gap's): measured over
    what was recorded."""
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
                    f"the recording (or the bar's track) {edge}, so its velocities cover only what was "
                    "recorded; start the recording before the rep and stop it after",
                    Severity.DOUBT,
                    reps=(rep.index,),
                )
            )
    return findings


def missing_samples(
    kinematics: Kinematics, reps: list[RepMetrics], *, settings: MotionCheckSettings | None = None
) -> list[Finding]:
    """Reps with stretches without bar samples (the bar lost, or frames dropped), bridged by the
    analysis (up to its ``max_gap_s``) and judged by what they hide:

    - the rep's start or end inside a stretch: the boundary is known to half the stretch, so the mean
      velocity to half the stretch over the rep's duration; beyond ``max_mean_uncertainty_frac``
      the rep is suspect;
    - its peak velocity inside such a stretch: the peak is interpolated (doubt);
    - any other stretch longer than ``note_gap_cutoff_periods``: noted.

    Frames missing from the source's clock (an interval longer than ``dropped_frame_factor`` times
    the median) are named as such.
    """
    settings = settings or MotionCheckSettings()
    t, bar = kinematics.source_t_s, kinematics.source_bar_xy_m
    if t.size < 2:
        return []
    seen_t = t[np.isfinite(bar).all(axis=1)]
    if seen_t.size < 2:
        return []
    period_s = 1.0 / kinematics.cutoff_hz
    limit_s = settings.max_gap_cutoff_periods * period_s
    interval = float(np.median(np.diff(t)))
    note_s = max(settings.note_gap_cutoff_periods * period_s, settings.dropped_frame_factor * interval)
    gaps = np.diff(seen_t)
    long = np.flatnonzero(gaps > note_s)
    findings = []
    for rep in reps:
        peak_s = rep.start_s + rep.time_to_peak_velocity_s
        for k in long:
            a, b = float(seen_t[k]), float(seen_t[k + 1])
            if b + interval <= rep.start_s or a - interval >= rep.end_s:
                continue
            gap_s = b - a
            frames_there = int(((t > a) & (t < b)).sum())
            expected = round(gap_s / interval) - 1
            cause = _gap_cause(missing=max(expected - frames_there, 0), unseen=frames_there)
            at = f"no bar position for {gap_s:.2f} s ({a:.2f}-{b:.2f} s: {cause})"
            # a boundary within a frame of the stretch was placed from the samples beside it
            edge = any(a - interval < when < b + interval for when in (rep.start_s, rep.end_s))
            uncertainty = 0.5 * gap_s / rep.duration_s if rep.duration_s > 0 else np.inf
            if edge and uncertainty > settings.max_mean_uncertainty_frac:
                findings.append(
                    Finding(
                        "samples_missing",
                        f"{at} where the rep starts or ends, so its mean velocity is uncertain by "
                        f"{100 * uncertainty:.0f} %; film with the whole plate in view and good light",
                        Severity.DOUBT,
                        reps=(rep.index,),
                        suspect=True,
                    )
                )
            elif gap_s > limit_s and a < peak_s < b:
                findings.append(
                    Finding(
                        "peak_interpolated",
                        f"{at} at its peak velocity, which is interpolated there",
                        Severity.DOUBT,
                        reps=(rep.index,),
                    )
                )
            else:
                findings.append(
                    Finding(
                        "samples_missing",
                        f"{at}; bridged, velocities slightly smoothed there",
                        Severity.NOTE,
                        reps=(rep.index,),
                    )
                )
    return findings


def squeezed_times(
    kinematics: Kinematics, reps: list[RepMetrics], *, settings: MotionCheckSettings | None = None
) -> list[Finding]:
    """Reps whose frames came faster than the recording's own rate.

    No camera sends frames faster than its rate, so frames that came closer together over a whole rep
    than the recording's interval were not timed when they were taken: a camera's or a stream's
    frames are timed by their arrival, and a computer that fell behind reads the frames waiting for
    it faster than they came. The rep's times are then squeezed and its velocities too fast by the
    same factor; beyond ``max_mean_uncertainty_frac`` the rep is suspect. The recording's interval is
    the larger of the median and the mean (the whole recording's span over its frames): on a machine
    that fell behind often the median is a catching-up reader's, while frames arrive on average no
    faster than they are taken.
    """
    settings = settings or MotionCheckSettings()
    t = kinematics.source_t_s
    if t.size < 3:
        return []
    interval_s = max(float(np.median(np.diff(t))), float(t[-1] - t[0]) / (t.size - 1))
    if not interval_s > 0:
        return []
    findings = []
    for rep in reps:
        inside = t[(t >= rep.start_s) & (t <= rep.end_s)]
        if inside.size < 3:
            continue
        squeeze = (inside.size - 1) * interval_s / float(inside[-1] - inside[0])
        if squeeze - 1 > settings.max_mean_uncertainty_frac:
            findings.append(
                Finding(
                    "frames_squeezed",
                    f"{inside.size} frames in {inside[-1] - inside[0]:.2f} s, {100 * (squeeze - 1):.0f} % "
                    f"faster than the recording's own {1 / interval_s:.0f} a second: the frames were timed "
                    "when they were read, not when they were taken (the computer fell behind the camera "
                    "or stream), so the velocity is too fast by about as much. Record the set to a file "
                    "(or use vbt live, which reads the stream on a thread of its own) and analyse that",
                    Severity.DOUBT,
                    reps=(rep.index,),
                    suspect=True,
                )
            )
    return findings


def track_jumps(
    kinematics: Kinematics,
    reps: list[RepMetrics],
    *,
    lift: Lift,
    segmentation: SegmentationSettings,
    suspect: frozenset[int] = frozenset(),
) -> list[Finding]:
    """The track rising faster than any bar in the lift (its ``max_peak_velocity_m_s``) outside every
    rep: only a lifter's push raises a bar, and no push in the lift is that fast, so the tracker
    jumped to something else there (another plate, a circle in the background) and a rep made
    meanwhile was not seen. A rise right after the bar fell faster than
    ``segmentation.drop_speed_m_s`` (within ``drop_window_s``) is a dropped bar's bounce, not a jump.

    Inside the set (between the first counted rep's start and the last one's end; reps already
    suspect, or in ``suspect``: the indices other checks make suspect, are not counted), or in a set
    with no rep counted ``ok``, the count is in doubt (``doubt``). Before
    the first rep or after the last one (set-up, re-rack) it is noted: the reps the set has were each
    seen whole.
    Reps with such numbers inside them are judged by `implausible_numbers`; the fastest jump is named.
    """
    t, vy = kinematics.t_s, kinematics.bar_velocity_m_s[:, 1]
    limit = lift.spec.limits.max_peak_velocity_m_s
    outside = np.isfinite(vy)
    for rep in reps:
        outside &= (t < rep.start_s) | (t > rep.end_s)
    jumps = []
    for i in np.flatnonzero(outside & (vy > limit)):
        before = (t >= t[i] - segmentation.drop_window_s) & (t <= t[i]) & np.isfinite(vy)
        if np.min(vy[before]) >= -segmentation.drop_speed_m_s:  # else a bounce after a drop
            jumps.append(i)
    if not jumps:
        return []
    counted = [r for r in reps if r.status is not RepStatus.SUSPECT and r.index not in suspect]
    first_s = min((r.start_s for r in counted), default=np.inf)
    last_s = max((r.end_s for r in counted), default=-np.inf)
    inside = [i for i in jumps if first_s < t[i] < last_s]
    i = max(inside or jumps, key=lambda j: float(vy[j]))
    doubt = bool(inside) or not any(r.status is RepStatus.OK for r in counted)
    where = "between reps" if inside else "before the first rep" if t[i] <= first_s else "after the last rep"
    consequence = (
        "a rep made while it was off the bar was not seen, so the count is in doubt"
        if doubt
        else "the reps counted were each seen whole"
    )
    return [
        Finding(
            "track_jumps",
            f"the bar's track rises at {_fmt(float(vy[i]), 1)} m/s at {_fmt(float(t[i]))} s, {where}: "
            f"faster than any {lift.label} ({limit:g} m/s at most), so the tracker followed something "
            f"else there; {consequence}. Check the track in the annotated video (--video)",
            Severity.DOUBT if doubt else Severity.NOTE,
        )
    ]


def extension_unseen(reps: list[RepMetrics]) -> list[Finding]:
    """Pulls whose triple extension could be measured only in part (noted: the bar's numbers stand)."""
    findings = []
    for rep in reps:
        te = rep.triple_extension
        if te is None or not te.unseen:
            continue
        joints = ", ".join(te.unseen)
        first = next(iter(te.unseen.values()))
        findings.append(
            Finding(
                "extension_unseen",
                f"triple extension not measured for the {joints} ({first})",
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
            f"no {lift.label} rep was found: check the lift, that the whole set is in "
            "the recording and that the bar was tracked (--video shows the track)",
            Severity.UNUSABLE,
        )
    ]


def check_motion(
    kinematics: Kinematics, reps: list[RepMetrics], *, lift: Lift, settings: MotionCheckSettings | None = None
) -> list[Finding]:
    """Every trajectory check, in the order a reader needs them."""
    counted = [r for r in reps if r.status is not RepStatus.SUSPECT]
    settings = settings or MotionCheckSettings()
    numbers = implausible_numbers(counted, lift=lift)
    uncertain = uncertain_peaks(counted, lift=lift, settings=settings)
    missing = missing_samples(kinematics, counted, settings=settings)
    squeezed = squeezed_times(kinematics, counted, settings=settings) if settings.use_frame_rate else []
    suspect = frozenset(i for f in (*numbers, *uncertain, *missing, *squeezed) if f.suspect for i in f.reps)
    jumps = (
        track_jumps(kinematics, reps, lift=lift, segmentation=default_segmentation(lift), suspect=suspect)
        if settings.use_track_jumps and reps
        else []
    )
    return [
        *no_reps(reps, lift=lift),
        *numbers,
        *uncertain,
        *jumps,
        *missing,
        *squeezed,
        *partial_reps(counted),
        *extension_unseen(counted),
    ]


def _frames(n: int) -> str:
    return f"{n} frame{'' if n == 1 else 's'}"


def _gap_cause(*, missing: int, unseen: int) -> str:
    """Why a stretch has no bar position: frames the video lacks, frames where the bar was not seen."""
    if missing and unseen:
        return f"{_frames(missing)} missing from the video, the bar not seen in {_frames(unseen)}"
    if missing:
        return f"{_frames(missing)} missing from the video"
    return "the bar was not seen"
