"""Squat-like, press and jerk-drive reps (`vbt.kinematics.reps`' top-down families): each rep starts at
the top, goes down and comes back up; where the top (the lockout height) is known, what a failed rep
is, a rep from rest at the bottom, a press or a jerk's drive from rest.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from vbt.kinematics.filters import butterworth_lowpass
from vbt.kinematics.floor_pulls import fell_fast_before, first_hold_above, rests_before
from vbt.types import FloatArray, RepStatus

if TYPE_CHECKING:
    from vbt.kinematics.reps import EdgedStroke, FoundReps, SegmentationSettings
    from vbt.kinematics.series import Kinematics
    from vbt.kinematics.strokes import Stroke


def _reached_lockout(
    stroke: Stroke, lockout_y_m: float, range_m: float, settings: SegmentationSettings
) -> bool:
    tolerance = max(settings.lockout_tolerance_m, settings.lockout_tolerance_fraction * range_m)
    return stroke.end_y_m >= lockout_y_m - tolerance


def slow_heights(kinematics: Kinematics, settings: SegmentationSettings) -> FloatArray:
    """The bar's height low-passed at ``descent_cutoff_hz`` (NaN gaps kept)."""
    cutoff = min(settings.descent_cutoff_hz, 0.4 * kinematics.sample_rate_hz)
    y = kinematics.bar_xy_m[:, 1]
    return butterworth_lowpass(y, sample_rate_hz=kinematics.sample_rate_hz, cutoff_hz=cutoff)


def top_down_reps(
    strokes: list[EdgedStroke],
    kinematics: Kinematics,
    slow_y_m: FloatArray,
    settings: SegmentationSettings,
    *,
    locked: set[int],
) -> FoundReps:
    """Squat-like, press, jerk drive: each rep starts at the top, goes down at least ``min_rom_m`` and
    comes back up (with ``rise_counts_as_depth``: or rises at least ``min_rom_m`` from the bottom).

    The depth is measured twice: from the highest point since the previous rep, and on the slow
    heights (``descent_cutoff_hz``, within ``descent_lookback_s``): jitter can add up to the first,
    never to the second. When the recording starts during the descent (or the rise) the top is not
    known: the rise itself is then the least the depth can be. It stays unknown until the bar turns
    down from a rise of at least ``min_attempt_m``: a wobble's top (a rise smaller than any attempt)
    is no lockout, so a clip cut late in the descent, its track wobbling near the bottom, keeps its
    first rep (`_starts_at_a_top`). A rise faster than the lift's cited peak (``max_rise_speed_m_s``)
    is no rep's depth there: the track jumped (`_liftable`).

    With ``rise_counts_as_depth`` a rise also counts its own height when it starts from rest (or from
    a dip that does) and the bar is then held high: a press from rest, a jerk's drive from its dip
    (`_a_press`); a tracker's jitter does neither.

    ``locked`` gets the ids of the counted strokes that came back to a known lockout height (the
    top before their descent was seen, not the recording's first sample).

    A recording that starts at the bottom, its first rise lowered again straight away, starts with a
    rep (`_an_opening_rep`). A first rep that starts from rest at the bottom is complete when it rises
    as far as the set's fullest other rep: the height before it is the set-up's (standing before the
    hinge to a row's hang, the bar on the hooks above a bench), not its lockout. A rep is no yardstick
    for itself: a lone rep from rest (a paused bench press, the set's only rep) is judged by the height
    before it, as every other rep is, so one stopped short of it is failed.

    A failed rep needs the bar to stay short of lockout: one the bar then rises on to lockout from,
    before it gave the rep up (`_given_up_y`), was finished after a hitch (a reversal deeper than the
    track's noise at the sticking point, or the track slipping there) and is one complete rep from
    its bottom to that lockout. A bar track cannot tell a spotter's hands from the lifter's: a
    spotted finish counts as made.
    """
    t_s = kinematics.t_s
    found: FoundReps = []
    top_y = -np.inf  # highest point since the previous rep ended: the lockout height of the next rep
    top_known = False  # whether that point is a real top (not the recording's first sample)
    last_end_s = -np.inf
    set_up: int | None = None  # the first rep, when it starts from rest at the bottom
    set_up_locked = False  # whether that rep came back to the height before it (a lone rep's verdict)
    failed_depth = np.nan  # the last rep's depth when it failed: a hitch may yet finish it
    for k, stroke in enumerate(strokes):
        if not stroke.rising:
            top_y = max(top_y, stroke.start_y_m)
            top_known = top_known or (not stroke.partial_start and _starts_at_a_top(strokes, k, settings))
            if (
                found
                and found[-1][1] is RepStatus.FAILED
                and stroke.end_y_m <= _given_up_y(found[-1][0], settings)
            ):
                failed_depth = np.nan  # the failure stands
            continue
        if np.isfinite(failed_depth) and _reached_lockout(stroke, top_y, failed_depth, settings):
            # the failed rep was finished after a hitch: one rep, from its bottom to this lockout
            first = found[-1][0]
            merged = replace(
                first,
                end_s=stroke.end_s,
                end_y_m=stroke.end_y_m,
                complete=first.complete and stroke.complete,
                end_at_edge=stroke.end_at_edge,
                partial_end=stroke.partial_end,
                slow_end=stroke.slow_end,
            )
            found[-1] = (merged, RepStatus.OK, np.nan)
            if top_known and not merged.partial_start:
                locked.add(id(merged))
            top_y, last_end_s, failed_depth = merged.end_y_m, merged.end_s, np.nan
            continue
        depth = top_y - stroke.start_y_m
        if stroke.partial_start or (
            np.isfinite(top_y) and not top_known and _liftable(stroke, kinematics, settings)
        ):
            depth = max(depth, stroke.rise_m)
        else:
            depth = min(depth, _slow_descent(slow_y_m, t_s, stroke, last_end_s, settings))
        if (
            settings.rise_counts_as_depth
            and depth < stroke.rise_m
            and _a_press(strokes, k, kinematics, settings)
        ) or (not found and _an_opening_rep(strokes, k, top_y, kinematics, settings)):
            depth = stroke.rise_m
        attempt = depth >= settings.min_rom_m and stroke.rise_m >= settings.min_attempt_m
        from_rest = attempt and not found and rests_before(kinematics, stroke.start_s, settings)
        ok = from_rest or (attempt and _reached_lockout(stroke, top_y, depth, settings))
        if attempt and not ok and fell_fast_before(kinematics, stroke.start_s, settings):
            attempt = False  # short of lockout after a fall no descent reaches: a bounce, a track's jump
        if attempt:
            if from_rest:
                set_up = len(found)  # judged below, by the set's fullest rise
                set_up_locked = _reached_lockout(stroke, top_y, depth, settings)
            elif ok and top_known and not stroke.partial_start:
                locked.add(id(stroke))
            found.append((stroke, RepStatus.OK if ok else RepStatus.FAILED, np.nan))
            failed_depth = np.nan if ok or from_rest else depth
            top_y = stroke.end_y_m if ok else top_y
            top_known = True
            last_end_s = stroke.end_s
            continue
        top_y = max(top_y, stroke.end_y_m)
        top_known = top_known or (
            not stroke.partial_start and (k == 0 or stroke.rise_m >= settings.min_attempt_m)
        )
    if set_up is not None:
        first = found[set_up][0]
        fullest = max((s.rise_m for j, (s, _, _) in enumerate(found) if j != set_up), default=np.nan)
        tolerance = max(settings.lockout_tolerance_m, settings.lockout_tolerance_fraction * fullest)
        # a lone rep has no other rep to be measured against: the height before it is its lockout
        ok = first.rise_m >= fullest - tolerance if np.isfinite(fullest) else set_up_locked
        found[set_up] = (first, RepStatus.OK if ok else RepStatus.FAILED, np.nan)
    return found


def _liftable(stroke: Stroke, kinematics: Kinematics, settings: SegmentationSettings) -> bool:
    """True when rising ``stroke`` is no faster than the lift's cited peak (``max_rise_speed_m_s``):
    a rise a lifter can make, not the track jumping to something else."""
    t, vy = kinematics.t_s, kinematics.bar_velocity_m_s[:, 1]
    inside = (t >= stroke.start_s) & (t <= stroke.end_s) & np.isfinite(vy)
    return not inside.any() or float(np.max(vy[inside])) <= settings.max_rise_speed_m_s


def _starts_at_a_top(strokes: list[EdgedStroke], k: int, settings: SegmentationSettings) -> bool:
    """True when falling stroke ``k`` starts at a top the bar was seen to reach: the recording's
    start with the bar at rest there (``k`` is 0, not partial), or the end of a rise of at least
    ``min_attempt_m`` (a lockout, an unrack). The top of a smaller rise is a wobble within the track's
    noise or a settle at the bottom: it says nothing of where the lockout was."""
    if k == 0:
        return not strokes[0].partial_start
    before = strokes[k - 1]
    return before.rising and before.rise_m >= settings.min_attempt_m


def _given_up_y(stroke: Stroke, settings: SegmentationSettings) -> float:
    """The height (metres) at or below which a squat-like or press rep stopped short of lockout has
    been given up, its failure standing: lowered ``min_rom_m`` (a descent another attempt needs), or
    back to within ``lockout_tolerance_m`` of the bottom it rose from (all of its rise given back)."""
    return max(stroke.end_y_m - settings.min_rom_m, stroke.start_y_m + settings.lockout_tolerance_m)


def given_up_s(kinematics: Kinematics, stroke: Stroke, settings: SegmentationSettings) -> float:
    """When the bar first came down to `_given_up_y` after the failed rep ``stroke``; inf when it
    has not (yet): until then a rise on to lockout may still finish the rep."""
    t, y = kinematics.t_s, kinematics.bar_xy_m[:, 1]
    down = np.flatnonzero((t > stroke.end_s) & (y <= _given_up_y(stroke, settings)))
    return float(t[down[0]]) if down.size else math.inf


def _an_opening_rep(
    strokes: list[EdgedStroke], k: int, top_y_m: float, kinematics: Kinematics, settings: SegmentationSettings
) -> bool:
    """True when the recording starts with the bar at rest at the bottom (nothing seen above where
    rising stroke ``k`` starts) and the bar is seen lowered again after it without a stand at its top
    (still for ``stand_s``): a row from the hang in the first frame, its squeeze shorter than that.
    A pick-up from the floor (before Romanian deadlifts or rows) ends standing still, an unrack is
    shorter than any rep: neither is a rep."""
    stroke = strokes[k]
    # the next movement that is not noise at the top (a squeeze's wobble)
    lowered = next((s for s in strokes[k + 1 :] if abs(s.rise_m) >= settings.min_attempt_m), None)
    nothing_above = not np.isfinite(top_y_m) or top_y_m - stroke.start_y_m < settings.min_attempt_m
    still_since_the_start = strokes[0].start_at_edge and all(
        abs(s.rise_m) < settings.min_attempt_m for s in strokes[:k]
    )
    from_rest = still_since_the_start or rests_before(kinematics, stroke.start_s, settings)
    return (
        nothing_above
        and from_rest
        and not stroke.partial_start
        and not stroke.partial_end
        and lowered is not None
        and not lowered.rising
        and not lowered.partial_start
        and -lowered.rise_m >= settings.min_attempt_m
        and _still_around_s(kinematics, stroke.end_s, settings.hold_speed_m_s) < settings.stand_s
    )


def _still_around_s(kinematics: Kinematics, when_s: float, max_speed_m_s: float) -> float:
    """How long, in seconds, the bar stays slower than ``max_speed_m_s`` around ``when_s`` (0 when it
    is faster there)."""
    t, vy = kinematics.t_s, kinematics.bar_velocity_m_s[:, 1]
    i = int(np.clip(np.searchsorted(t, when_s), 0, t.size - 1))
    slow = np.isfinite(vy) & (np.abs(vy) < max_speed_m_s)
    if not slow[i]:
        return 0.0
    first, last = i, i
    while first > 0 and slow[first - 1]:
        first -= 1
    while last < t.size - 1 and slow[last + 1]:
        last += 1
    return float(t[last] - t[first])


def _a_press(
    strokes: list[EdgedStroke], k: int, kinematics: Kinematics, settings: SegmentationSettings
) -> bool:
    """True when rising stroke ``k`` starts from rest, or from a dip (the stroke before it) that
    starts from rest, and the bar is then held (``hold_s``) above ``hold_height_fraction`` of the rise
    before it is back down (within ``floor_tolerance_m``) where the rise began."""
    stroke = strokes[k]
    dip = strokes[k - 1] if k > 0 and not strokes[k - 1].rising else None
    from_rest = rests_before(kinematics, stroke.start_s, settings) or (
        dip is not None and rests_before(kinematics, dip.start_s, settings)
    )
    if not from_rest:
        return False
    hold = first_hold_above(
        kinematics.t_s,
        kinematics.bar_xy_m[:, 1],
        kinematics.bar_velocity_m_s[:, 1],
        after_s=stroke.end_s,
        min_y_m=stroke.start_y_m + settings.hold_height_fraction * stroke.rise_m,
        floor_y_m=stroke.start_y_m + settings.floor_tolerance_m,
        settings=settings,
    )
    return hold is not None


def _slow_descent(
    slow_y_m: FloatArray, t_s: FloatArray, stroke: Stroke, last_end_s: float, settings: SegmentationSettings
) -> float:
    """How far the slow heights came down to a rising stroke's start, from their top since the last
    rep (within ``descent_lookback_s``); the stroke's own rise when the slow heights are missing."""
    start = max(last_end_s, stroke.start_s - settings.descent_lookback_s)
    before = (t_s >= start) & (t_s <= stroke.start_s) & np.isfinite(slow_y_m)
    if before.sum() < 2:
        return stroke.rise_m
    at_start = float(np.interp(stroke.start_s, t_s[before], slow_y_m[before]))
    return float(np.max(slow_y_m[before]) - at_start)
