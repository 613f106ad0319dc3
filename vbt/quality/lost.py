"""Frames the capture lost (a live analysis that fell behind): the reps they touch are doubtful, and
a rep they cut is still reported.

A rep's velocity needs the bar's path through it. When frames are lost during a rep, the samples
around the gap are bridged (up to ``SmoothingSettings.max_gap_s``) or, beyond that, the series is
split and the segmenter never sees the rep end (``segment_reps`` reports no rep cut by a gap). At
the platform that is the worst failure there is: the lifter did the rep and the tool says they did
not. So, given the times of the lost frames:

- a rep that a doubtful gap (``min_gap_s`` or longer) overlaps becomes ``suspect``: "frames lost
  during the rep: velocity doubtful";
- a gap with the bar rising at its edge that no rep covers is a rep seen to begin but not to end
  (or the reverse): it is reported as a rep of its own, with the times of the motion around the gap,
  no velocity (NaN: it was not measured), ``partial_end`` or ``partial_start``, and ``suspect``;
- a gap across which the bar rose by a complete rep's least range (``min_rom_m``; from the floor for
  the lifts that leave it) hid a rep's rise, even with the bar at rest on both sides (a start-up
  stall over a clean's pull): that rep is reported, unmeasured and ``suspect``, taking in the rep
  seen right after the gap if there is one (what is left of it: the clean's recovery);
- a rep a gap split in two is one rep again, unmeasured and ``suspect``; gaps with nothing but the
  bar rising seen between them that no rep covers are one gap in one rise (a pull lost in two places
  is one pull, not three pieces too short to be reps).

Only frames known to be lost count (``lost_t_s``): a bar hidden behind the lifter is the capture
checks' business (``vbt.quality.capture``), not this module's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from vbt.analysis import SetAnalysis, with_findings
from vbt.kinematics.floor_pulls import floor_level
from vbt.kinematics.reps import SegmentationSettings, default_segmentation
from vbt.quality.verdict import Finding, Severity
from vbt.types import FloatArray, RepMetrics, RepStatus

#: A rep ending (starting) this close before (after) a gap's kept edge borders it: the segmenter
#: places boundaries on the filtered grid, a few milliseconds from the source's samples.
_EDGE_S = 0.02

#: The finding's code for programs.
FRAMES_LOST = "frames_lost"
#: The end of the suspect reason of a rep that lost frames (its start says how long).
LOST_MESSAGE = "frames lost during the rep: velocity doubtful"


@dataclass(frozen=True)
class LostFramesSettings:
    """When lost frames make a rep doubtful.

    Attributes:
        min_gap_s: lost stretches shorter than this are ignored. The bar's low-pass filter (5 Hz)
            smooths over a window of about its period (0.2 s); a stretch of up to four frames at
            30 fps (0.13 s) bridged by the spline moves the rep's velocity less than the filter
            does, and a loaded machine drops such stretches by the dozen. Raising it hides longer
            gaps; lowering it flags reps that the lost frames did not change.
        motion_window_s: how far either side of a gap the bar's motion is looked at, for a gap that no
            rep covers.
    """

    min_gap_s: float = 0.15
    motion_window_s: float = 0.3  # also: a rep this close to a gap is the rep it cut, no new one


@dataclass(frozen=True)
class LostSpan:
    """One stretch of lost frames: the first and last lost frame's times, the kept samples' times
    around it (``before_t_s``, ``after_t_s``) and the time it covers (``lost_s``)."""

    first_t_s: float
    last_t_s: float
    lost_s: float
    before_t_s: float
    after_t_s: float


def lost_spans(t_s: FloatArray, lost: np.ndarray, *, min_gap_s: float = 0.0) -> list[LostSpan]:
    """The runs of lost samples of a recording, each covering at least ``min_gap_s``.

    Parameters:
        t_s: (N,) every sample's time, lost ones included, increasing.
        lost: (N,) True where the sample's frame was lost.

    A run's ``lost_s`` is the time between the kept samples around it minus one sample interval
    (the median's): three lost frames at 30 fps cover 0.1 s.
    """
    t = np.asarray(t_s, dtype=np.float64)
    flags = np.asarray(lost, dtype=bool)
    if t.shape != flags.shape or t.ndim != 1:
        raise ValueError(f"t_s and lost must both have shape (N,), got {t.shape} and {flags.shape}")
    if not flags.any():
        return []
    step = float(np.median(np.diff(t))) if t.size > 1 else 0.0
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    spans = []
    for first, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        before = t[first - 1] if first > 0 else t[first] - step
        after = t[end] if end < t.size else t[end - 1] + step
        covered = float(after - before - step)
        if covered >= min_gap_s:
            spans.append(LostSpan(float(t[first]), float(t[end - 1]), covered, float(before), float(after)))
    return spans


def mark_lost_frames(
    analysis: SetAnalysis,
    spans: Sequence[LostSpan],
    *,
    segmentation: SegmentationSettings | None = None,
    settings: LostFramesSettings | None = None,
) -> SetAnalysis:
    """The analysis with the lost frames' consequences: reps they overlap suspect, reps they cut
    added (suspect), reps renumbered in time order, the summary and verdict following.

    ``spans`` shorter than ``settings.min_gap_s`` are ignored; ``segmentation`` (the lift's
    defaults when None) says when the bar is moving (``rest_speed_m_s``), how far a rep rises at
    least (``min_attempt_m``) and how far a complete rep does (``min_rom_m``: a rise that large
    hidden by a gap is a rep).
    """
    settings = settings or LostFramesSettings()
    seg = segmentation or default_segmentation(analysis.lift)
    doubtful = [span for span in spans if span.lost_s >= settings.min_gap_s]
    if not doubtful:
        return analysis
    reps = list(analysis.reps)
    alias: dict[int, int] = {}  # a split rep's later pieces: its first piece's index
    for span in _one_movement(doubtful, analysis, seg):  # a rise lost in two places or more is one
        pieces = sorted((rep for rep in reps if _piece_of(rep, span)), key=lambda rep: rep.start_s)
        if len(pieces) >= 2:  # one rep the gaps split: measured by none of its pieces
            first = pieces[0]
            alias.update((piece.index, first.index) for piece in pieces[1:])
            reps = [rep for rep in reps if all(rep is not piece for piece in pieces)]
            reps.append(_unmeasured(first.start_s, max(p.end_s for p in pieces), first.index, analysis))
        elif len(pieces) == 1 and (whole := _rise_through(pieces[0], span, analysis, seg)) is not None:
            reps = [whole if rep is pieces[0] else rep for rep in reps]
        elif not any(_overlaps(rep, span, within_s=settings.motion_window_s) for rep in reps):
            cut = _cut_rep(analysis, span, seg, settings) or _swallowed(analysis, span, seg)
            if cut is not None:
                reps.append(replace(cut, index=-1 - len(alias) - len(reps)))  # a new, unique index
        elif not any(_overlaps(rep, span) for rep in reps) and (rise := _swallowed(analysis, span, seg)):
            # The rep next to the gap is what is left of the one the gap hid (a clean's recovery
            # after its pull): one rep, from the hidden rise's start, unmeasured.
            later = [rep for rep in reps if rep.start_s >= span.after_t_s - _EDGE_S]
            if later:  # (a rep just before the gap ended high: the bar cannot rise a rep's range more)
                near = min(later, key=lambda rep: rep.start_s)
                whole = _unmeasured(rise.start_s, max(near.end_s, rise.end_s), near.index, analysis)
                reps = [whole if rep is near else rep for rep in reps]
    reps.sort(key=lambda rep: rep.start_s)
    old_to_new = {rep.index: n for n, rep in enumerate(reps, start=1)}
    renumbered = [replace(rep, index=n) for n, rep in enumerate(reps, start=1)]

    def new_number(index: int) -> int:
        while index in alias:
            index = alias[index]
        return old_to_new[index]

    findings = tuple(
        replace(f, reps=tuple(dict.fromkeys(new_number(i) for i in f.reps))) for f in analysis.findings
    )
    if (
        not alias
        and reps == analysis.reps
        and not any(_overlaps(rep, span) for rep in reps for span in doubtful)
    ):
        return analysis  # gaps while the bar rested: nothing to mark
    renamed = replace(analysis, reps=renumbered, findings=())
    new = []
    for rep in renumbered:
        lost_s = sum(span.lost_s for span in doubtful if _overlaps(rep, span))
        if lost_s > 0:
            new.append(
                Finding(
                    code=FRAMES_LOST,
                    message=f"{lost_s:.2f} s of {LOST_MESSAGE}",
                    severity=Severity.DOUBT,
                    reps=(rep.index,),
                    suspect=True,
                )
            )
    return with_findings(renamed, (*findings, *new))


def _one_movement(spans: list[LostSpan], analysis: SetAnalysis, seg: SegmentationSettings) -> list[LostSpan]:
    """The doubtful spans, those with nothing but the bar rising seen between them (faster than
    ``rest_speed_m_s`` at every sample: one rise, lost in two places) taken as one."""
    kin = analysis.kinematics
    t, y, vy = kin.t_s, kin.bar_xy_m[:, 1], kin.bar_velocity_m_s[:, 1]
    merged: list[LostSpan] = []
    for span in sorted(spans, key=lambda span: span.first_t_s):
        if merged:
            last = merged[-1]
            between = np.isfinite(y) & (t >= last.after_t_s - _EDGE_S) & (t <= span.before_t_s + _EDGE_S)
            if between.any() and bool(np.all(vy[between] >= seg.rest_speed_m_s)):
                lost_s = last.lost_s + span.lost_s
                merged[-1] = LostSpan(last.first_t_s, span.last_t_s, lost_s, last.before_t_s, span.after_t_s)
                continue
        merged.append(span)
    return merged


def lost_frames_in(rep: RepMetrics) -> bool:
    """True when ``rep`` is suspect because frames were lost during it."""
    return any(reason.endswith(LOST_MESSAGE) for reason in rep.suspect_reasons)


def _piece_of(rep: RepMetrics, span: LostSpan) -> bool:
    """The rep is cut by the gap: it ends at the gap unseen (``partial_end``) or starts there."""
    return (rep.partial_end and _near(rep.end_s, span)) or (rep.partial_start and _near(rep.start_s, span))


def _near(t_s: float, span: LostSpan) -> bool:
    """``t_s`` lies at the gap: between its kept edges, give or take the grid's rounding."""
    return span.before_t_s - _EDGE_S <= t_s <= span.after_t_s + _EDGE_S


def _overlaps(rep: RepMetrics, span: LostSpan, *, within_s: float = _EDGE_S) -> bool:
    """The rep has or borders the lost frames (a rep the segmenter ends at the gap's edge), give or
    take ``within_s``."""
    return span.before_t_s <= rep.end_s + within_s and span.after_t_s >= rep.start_s - within_s


def _around(
    analysis: SetAnalysis, span: LostSpan
) -> tuple[FloatArray, FloatArray, FloatArray, np.ndarray, np.ndarray, np.ndarray]:
    """The smoothed times, heights and vertical velocities, where both are seen, and the indices of
    the seen samples before and after the gap."""
    kin = analysis.kinematics
    t, y, vy = kin.t_s, kin.bar_xy_m[:, 1], kin.bar_velocity_m_s[:, 1]
    seen = np.isfinite(y) & np.isfinite(vy)
    before = np.flatnonzero(seen & (t < span.first_t_s))
    after = np.flatnonzero(seen & (t > span.last_t_s))
    return t, y, vy, seen, before, after


def _rise_through(
    piece: RepMetrics, span: LostSpan, analysis: SetAnalysis, seg: SegmentationSettings
) -> RepMetrics | None:
    """The whole rep of which ``piece`` is the part after (before) the gap, when the bar rose across
    the gap by more than ``merge_dip_m`` (a reversal's noise): the rise began before the gap (went on
    after it), so neither the piece's start (end) nor its velocity is the rep's. Unmeasured (NaN)
    and ``suspect``, from where the rise was seen to begin to where it was seen to end (walked out
    from the gap's seen edges while the bar rose faster than ``rest_speed_m_s``); None when the bar
    did not rise across the gap (the piece is the rep as far as anything says)."""
    t, y, vy, seen, before, after = _around(analysis, span)
    if not (before.size and after.size) or y[after[0]] - y[before[-1]] <= seg.merge_dip_m:
        return None
    start_s, end_s = piece.start_s, piece.end_s
    if piece.partial_start and _near(start_s, span):
        start_s = _walk(t, vy, seen, int(before[-1]), -1, seg.rest_speed_m_s)
    else:  # a piece that ends at the gap
        end_s = _walk(t, vy, seen, int(after[0]), +1, seg.rest_speed_m_s)
    return replace(
        _unmeasured(start_s, end_s, piece.index, analysis),
        partial_start=piece.partial_start and start_s == piece.start_s,
        partial_end=piece.partial_end and end_s == piece.end_s,
    )


def _cut_rep(
    analysis: SetAnalysis, span: LostSpan, seg: SegmentationSettings, settings: LostFramesSettings
) -> RepMetrics | None:
    """The rep a gap cut, when the bar rose at the gap's edge and its height spanned a rep's least
    range around it and a complete rep's over the motion; None otherwise (a gap while the bar
    rested or was lowered, a step or an unrack)."""
    t, y, vy, seen, before, after = _around(analysis, span)
    near = (
        seen
        & (t >= span.first_t_s - settings.motion_window_s)
        & (t <= span.last_t_s + settings.motion_window_s)
    )
    edges = [i for i in (before[-1:], after[:1]) for i in i.tolist()]
    rising = [i for i in edges if vy[i] >= seg.rest_speed_m_s]  # lowering the bar is no rep
    if not rising or not near.any() or float(np.ptp(y[near])) < seg.min_attempt_m:
        return None
    start_i = before[-1] if before.size else None
    end_i = after[0] if after.size else None
    start_s = _walk(t, vy, seen, start_i, -1, seg.rest_speed_m_s) if start_i is not None else span.first_t_s
    end_s = _walk(t, vy, seen, end_i, +1, seg.rest_speed_m_s) if end_i is not None else span.last_t_s
    if analysis.lift.rises_from_floor:  # these leave the floor: a rise
        low = float(np.interp(start_s, t[seen], y[seen]))  # from higher up is a recovery, no rep
        if low > floor_level(y[seen]) + seg.floor_tolerance_m:
            return None
    began = start_i is not None and abs(vy[start_i]) >= seg.rest_speed_m_s  # seen to begin, not to end
    rep = _unmeasured(start_s, end_s, 0, analysis)
    if not rep.range_of_motion_m >= seg.min_rom_m:  # a step, an unrack: less than any complete rep
        return None
    return replace(rep, partial_start=not began, partial_end=began)


def _swallowed(analysis: SetAnalysis, span: LostSpan, seg: SegmentationSettings) -> RepMetrics | None:
    """The rep a gap hid whole: the bar seen on both sides of it and higher after it by at least a
    complete rep's least range (``min_rom_m``): a barbell rises only when lifted, so a rep's rise
    happened unseen, even with the bar at rest at both edges (a start-up stall over a deadlift's
    or a clean's pull). For lifts that leave the floor only a rise from the floor counts (from
    higher up it is a recovery). Unmeasured and ``suspect``, from where the rise was seen to begin
    to where it was seen to end (walked out from the gap's seen edges); None otherwise (a squat
    or a bench rep hidden whole ends where it began: only the motion at the gap's edges tells,
    ``_cut_rep``)."""
    kin = analysis.kinematics
    source_t, source_y = kin.source_t_s, kin.source_bar_xy_m[:, 1]
    known = np.isfinite(source_y)  # the samples themselves: a stall right after the first frames
    pre = np.flatnonzero(known & (source_t < span.first_t_s))  # leaves too few for the filter
    post = np.flatnonzero(known & (source_t > span.last_t_s))
    if not (pre.size and post.size) or source_y[post[0]] - source_y[pre[-1]] < seg.min_rom_m:
        return None
    if (
        analysis.lift.rises_from_floor
        and source_y[pre[-1]] > floor_level(source_y[known]) + seg.floor_tolerance_m
    ):
        return None
    t, _, vy, seen, before, after = _around(analysis, span)
    rest = seg.rest_speed_m_s
    start_s = _walk(t, vy, seen, int(before[-1]), -1, rest) if before.size else float(source_t[pre[-1]])
    end_s = _walk(t, vy, seen, int(after[0]), +1, rest) if after.size else float(source_t[post[0]])
    return _unmeasured(start_s, end_s, 0, analysis)


def _unmeasured(start_s: float, end_s: float, index: int, analysis: SetAnalysis) -> RepMetrics:
    """A rep known to have happened between ``start_s`` and ``end_s`` whose velocity could not be
    measured (NaN), ``suspect``; ``index`` 0 for a rep the analysis did not have."""
    kin = analysis.kinematics
    y = kin.bar_xy_m[:, 1]
    inside = np.isfinite(y) & (kin.t_s >= start_s) & (kin.t_s <= end_s)
    nan = math.nan
    return RepMetrics(
        index=index,
        start_s=start_s,
        end_s=end_s,
        status=RepStatus.SUSPECT,
        mean_velocity_m_s=nan,
        mean_propulsive_velocity_m_s=nan,
        peak_velocity_m_s=nan,
        time_to_peak_velocity_s=nan,
        range_of_motion_m=float(np.ptp(y[inside])) if inside.any() else nan,
        duration_s=end_s - start_s,
        propulsive_duration_s=nan,
        horizontal_excursion_m=nan,
        mean_power_w=nan,
        peak_power_w=nan,
        peak_height_m=nan,
        catch_height_m=nan,
    )


def _walk(t: FloatArray, vy: FloatArray, seen: np.ndarray, i: int, step: int, rest_m_s: float) -> float:
    """From sample ``i`` in direction ``step``, the time of the last seen sample still rising (a
    rep's measured phase rises: the concentric, the pull)."""
    while 0 <= i + step < t.size and seen[i + step] and vy[i + step] >= rest_m_s:
        i += step
    return float(t[i])
