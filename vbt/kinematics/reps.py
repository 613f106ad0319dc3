"""Rep segmentation per lift family (`vbt.lifts`), from the strokes of the bar's vertical path.

- squat-like concentric, press, jerk drive, pull from the floor: a rep is the concentric phase, from the
  bar's lowest point to where it stops rising, both ends at zero crossings of vertical velocity. A
  squat-like rep needs the descent before it (a pick-up from the floor or a walk-out is not a rep); a
  press or a jerk drive may start from rest at the bottom, so its rise counts too; a pull from the
  floor starts at the floor.
- Olympic pull: a rep is the pull, from lift-off to peak bar height. The drop under the bar, standing up
  from the catch, the jerk of a clean and jerk and lowering the bar to the floor are not reps.

No ghost reps: rises smaller than ``min_attempt_m`` (walk-outs, re-racks, bumper bounces, hitches) are
never reps; a rise that starts a rep but does not reach lockout is a failed rep, reported as such; a
bar thrown back up by its bumpers after a drop is never an attempt.

Recordings are often trimmed: a rep whose start or end is the recording's edge, with the bar still
moving there, is kept with ``partial_start`` / ``partial_end`` (measured over what was recorded); a
bar at rest at the recording's edge (no zero crossing there, only stillness) starts or ends a rep
like any other rest. So does a bar that has only just come into the stillness band at the edge when
the rep's range says the edge is its turning point: a rep that ends slowing into the band at its
lockout height (back at the height its descent started from; for a pull from the floor, as far
as the set's fullest recorded rep), or that starts speeding up out of it and rises as far as the
set's fullest recorded rep. A clip cut at lockout has recorded the whole concentric; a clip cut at
a sticking point (where the bar also slows) has not, and its range says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from vbt.kinematics.floor_pulls import (
    floor_reps,
    olympic_reps,
    rests_after,
    rests_before,
)
from vbt.kinematics.noise import reversal_floor_m
from vbt.kinematics.onsets import at_rest, refine_rest_boundary
from vbt.kinematics.series import Kinematics
from vbt.kinematics.strokes import Stroke, find_strokes, merge_hesitations
from vbt.kinematics.top_down import given_up_s, slow_heights, top_down_reps
from vbt.lifts import LiftFamily
from vbt.types import Lift, Rep, RepStatus


@dataclass(frozen=True)
class SegmentationSettings:
    """Thresholds for one lift (metres, seconds, metres per second).

    Attributes:
        min_rom_m: the least range a complete rep covers (squat-like and press: depth below the
            lockout height before the rep; pulls from the floor and Olympic pulls: rise from the floor).
        min_attempt_m: rises smaller than this are never reps, not even failed ones.
        lockout_tolerance_m: a rep ending this close below its lockout height is complete.
        lockout_tolerance_fraction: ... or this fraction of its range, whichever is larger.
        merge_dip_m: a reversal smaller than this inside a movement does not split it.
        reversal_noise_sigmas: ... nor one shallower than this many standard deviations of what the
            track's own noise makes of a reversal there (`vbt.kinematics.noise.reversal_floor_m`: the
            raw heights' scatter about a cubic, the scale times the plate centre's jitter in
            pixels); ``merge_dip_m`` stays the least. 2 is about the normal distribution's two-sided
            95 % point (1.96). Raising it merges deeper reversals into one movement (a failed rep's
            fall back down is tens of centimetres, far above the floor of a track that stays on the
            plate: a few millimetres to a few centimetres); lowering it lets a tracker's slip of a
            few frames split a rep into a failed rep and no rep. 0: off.
        merge_min_part_m: only movements at least this long on both sides of a reversal are merged.
        floor_tolerance_m, floor_tolerance_fraction: deadlift and Olympic lifts start within the larger
            of this and this fraction of their rise of the floor level: the floor is not one height in
            the picture (a bar set down further from the camera rests higher in it), while a stand-up
            from a catch starts more than half its pull above the floor.
        hold_speed_m_s, hold_s: the bar is held when its vertical speed stays under ``hold_speed_m_s``
            for ``hold_s`` (an Olympic lift is made when the bar is held high after the catch).
        hold_height_fraction: ... at a height above the floor of at least this fraction of the pull.
        rest_speed_m_s, rest_check_s: a rep boundary with the bar slower than ``rest_speed_m_s``
            between ``rest_check_s[0]`` and ``rest_check_s[1]`` seconds outside it (a lift-off from rest,
            a stop at lockout) is located on the raw samples (`vbt.kinematics.onsets`).
        stop_check_s: the window for the stop at the end of a rep, when it differs from
            ``rest_check_s`` (live mode's provisional look, with only a little data after the rep).
        pause_speed_m_s, min_pause_s: a bar slower than ``pause_speed_m_s`` for ``min_pause_s`` at a
            rep's start paused there (a paused bottom): the start is where it moves off, located on the
            raw samples. A bar turning without a pause spends 2 v / a under that speed: 0.1 s at
            1 m/s^2, a slow grinding turn. Lowering the speed or raising the time leaves more short
            pauses to the filter's crossing (tens of milliseconds early); the other way, smooth turns
            are fitted as pauses (late).
        edge_rest_s: a stroke that begins (ends) at the edge of the data begins (ends) at rest when the
            bar is slower than ``rest_speed_m_s`` for this long there; otherwise the rep is partial,
            unless the bar is slower than ``rest_speed_m_s`` at the recording's edge and the rep's
            range shows the edge is its turning point (see the module docstring). Raising it marks
            more clips cut just after the bar stopped as partial; lowering it lets a bar passing
            slowly through the band at the edge pass for one at rest.
        drop_speed_m_s: a rise from the floor that starts right after the bar fell faster than this
            is a bounce, never an attempt: a bar lowered under control stays well under it, a bar
            dropped from 0.2 m or higher reaches it (v = sqrt(2 g h)). Squat-like and press: a rise
            short of lockout after such a fall (a bounce, or the track jumping down) is no failed rep
            either (a squat's or a bench press's descent peaks near 1 m/s).
        drop_window_s: how long before a rise that fall is looked for (a bounce follows impact
            within a few hundredths of a second; the filter smears it over about a tenth).
        drop_max_accel_m_s2: a fall that accelerates downwards faster than this is not a bar falling
            (gravity, 9.8 m/s^2, is all that pulls it) but a track that jumped: 1.5 g leaves room for the
            filter's ripple.
        descent_cutoff_hz: squat and bench: the descent before a rep is measured on the bar's height
            low-passed at this frequency, which keeps a real descent (half a second or more) and takes
            out a tracker's jitter (tenths of a second), so that jitter never adds up to a "depth".
            Raising it lets faster jitter count; lowering it shrinks quick touch-and-go descents.
        descent_lookback_s: ... looking back this far for the top (an eccentric and a pause).
        rise_counts_as_depth: press and jerk drive: a rise counts its own height as its depth, not only
            the descent before it (an overhead press or a hip thrust starts from rest at the bottom, a
            jerk's drive from a dip shallower than the drive). Off for squat-like lifts, whose rise
            from the floor (a pick-up before Romanian deadlifts or rows) is not a rep.
        stand_s: a recording that starts with a rise from rest is a rep when the bar is then lowered
            without standing still (slower than ``hold_speed_m_s``) this long at the top: a row's squeeze
            lasts a few tenths of a second (with the slow ends of the pull and the lowering), a lifter
            who picked the bar up from the floor stands before hinging. Raising it counts pick-ups
            followed by a quick hinge; lowering it misses rows held at the top.
        max_rise_speed_m_s: where the top before a rise is unknown (the recording started during
            the descent), the rise counts as its own depth only when it is no faster than this: the
            lift's cited peak velocity (``LiftLimits.max_peak_velocity_m_s``; inf: any rise). A
            faster rise is the track jumping to something else, no lift. Raising it lets such jumps
            start a set and set its lockout height; lowering it below what the lift reaches loses
            first reps of clips cut during the descent.
    """

    min_rom_m: float
    min_attempt_m: float
    lockout_tolerance_m: float = 0.05
    lockout_tolerance_fraction: float = 0.1
    merge_dip_m: float = 0.01
    reversal_noise_sigmas: float = 2.0
    merge_min_part_m: float = 0.03
    floor_tolerance_m: float = 0.05
    floor_tolerance_fraction: float = 0.15
    hold_speed_m_s: float = 0.15
    hold_s: float = 0.3
    hold_height_fraction: float = 0.5
    rest_speed_m_s: float = 0.15
    rest_check_s: tuple[float, float] = (0.1, 0.35)
    stop_check_s: tuple[float, float] | None = None
    pause_speed_m_s: float = 0.05
    min_pause_s: float = 0.1
    edge_rest_s: float = 0.1
    drop_speed_m_s: float = 2.0
    drop_window_s: float = 0.3
    drop_max_accel_m_s2: float = 1.5 * 9.80665
    descent_cutoff_hz: float = 2.0
    descent_lookback_s: float = 4.0
    rise_counts_as_depth: bool = False
    stand_s: float = 0.5
    max_rise_speed_m_s: float = math.inf


#: Families whose rise counts as its own depth (``SegmentationSettings.rise_counts_as_depth``).
_RISE_IS_DEPTH = frozenset({LiftFamily.PRESS, LiftFamily.JERK_DRIVE})


def default_segmentation(lift: Lift) -> SegmentationSettings:
    """Thresholds that suit each lift: its minimum range and least attempt from the catalogue
    (`vbt.lifts`), its family's rules."""
    spec = lift.spec
    return SegmentationSettings(
        min_rom_m=spec.min_range_m,
        min_attempt_m=spec.min_attempt_m,
        rise_counts_as_depth=spec.family in _RISE_IS_DEPTH,
        max_rise_speed_m_s=spec.limits.max_peak_velocity_m_s,
    )


def segment_reps(
    kinematics: Kinematics,
    *,
    lift: Lift,
    settings: SegmentationSettings | None = None,
    refine_from_s: float = -math.inf,
    refine_unfinished: bool = True,
) -> list[Rep]:
    """Find the reps of one set in the bar's vertical path.

    Args:
        kinematics: The smoothed trajectory; NaN gaps split it, and a rep cut by a gap is not reported.
        lift: Which segmentation rules apply.
        settings: Thresholds; `default_segmentation` of the lift when None.
        refine_from_s: The boundaries of reps whose stroke ends before this time (seconds) stay at
            the filtered zero crossings instead of being located on the raw samples (the costly
            part: live mode's reps already final, whose times it has). Which reps are found, and
            every later rep, do not depend on it.
        refine_unfinished: False: a rep the data's end cuts (``partial_end``: the bar still moving
            there) keeps its start's filtered crossing too (live mode's looks, which do not report
            such a rep yet).

    Returns:
        list of Rep: In time order, indexed from 1, ``status`` ok or failed.
    """
    settings = settings or default_segmentation(lift)
    t_s = kinematics.t_s
    y_m = kinematics.bar_xy_m[:, 1]
    vy = kinematics.bar_velocity_m_s[:, 1]
    strokes = [
        _with_edges(s, kinematics, settings)
        for s in merge_hesitations(
            find_strokes(t_s, y_m, vy),
            max_dip_m=settings.merge_dip_m,
            min_part_m=settings.merge_min_part_m,
            noise_floor_m=lambda dip: reversal_floor_m(
                kinematics, start_s=dip.start_s, end_s=dip.end_s, sigmas=settings.reversal_noise_sigmas
            ),
        )
    ]
    settled: dict[int, float] = {}  # Olympic pulls: by stroke, when the hold or the floor settled it
    locked: set[int] = set()  # squat-like, press: the strokes back at their known lockout height
    family = lift.family
    if family is LiftFamily.OLYMPIC_PULL:
        found = olympic_reps(strokes, kinematics, settings, settled=settled)
    elif family is LiftFamily.FLOOR_PULL:
        found = floor_reps(strokes, y_m, kinematics, settings)
    else:
        found = top_down_reps(
            strokes, kinematics, slow_heights(kinematics, settings), settings, locked=locked
        )
    found = _whole_at_edges(found, settings, locked=locked)
    reps = []
    for i, (stroke, status, catch_s) in enumerate(found, start=1):
        s = _stopped_before_the_end(stroke, kinematics, settings)
        refine = s.end_s >= refine_from_s and (refine_unfinished or not s.partial_end)
        end_s = (
            s.end_s
            if s.partial_end or not refine
            else _refined(kinematics, s, start=False, settings=settings)
        )
        if s.partial_end:  # the rep goes on past the data: only the recording's end settles it
            settled_s = math.inf
        elif family is LiftFamily.OLYMPIC_PULL:
            settled_s = settled.get(id(s), math.inf)
        else:  # the stop at lockout is looked for up to this far past the end
            settled_s = end_s + (settings.stop_check_s or settings.rest_check_s)[1]
            if status is RepStatus.FAILED and family is not LiftFamily.FLOOR_PULL:
                settled_s = max(settled_s, given_up_s(kinematics, s, settings))  # else a hitch
        start_s = (
            s.start_s
            if s.partial_start or not refine
            else _refined(kinematics, s, start=True, settings=settings)
        )
        reps.append(
            Rep(
                index=i,
                start_s=start_s,
                end_s=end_s,
                status=status,
                catch_s=catch_s,
                partial_start=s.partial_start,
                partial_end=s.partial_end,
                settled_s=settled_s,
            )
        )
    return reps


@dataclass(frozen=True)
class EdgedStroke(Stroke):
    """A stroke and what its ends are: ``partial_start`` / ``partial_end`` when an end is the edge of
    the data with the bar still moving there (the rep goes on outside what was recorded);
    ``slow_start`` / ``slow_end`` when such an end is the recording's own edge (not a gap's) with
    the bar inside the stillness band there (``rest_speed_m_s``), only not for ``edge_rest_s``: the
    rep may have turned right there, which its range decides (`_whole_at_edges`)."""

    partial_start: bool = False
    partial_end: bool = False
    slow_start: bool = False
    slow_end: bool = False


def _with_edges(stroke: Stroke, kinematics: Kinematics, settings: SegmentationSettings) -> EdgedStroke:
    """The stroke with its ends classified: an end at the recording's edge is a rest when the bar is
    slower than ``rest_speed_m_s`` for ``edge_rest_s`` there, else partial; an end at a gap is partial."""
    fields = {f: getattr(stroke, f) for f in Stroke.__dataclass_fields__}
    if not (stroke.start_at_edge or stroke.end_at_edge):  # most strokes: nothing to look at
        return EdgedStroke(**fields)
    t, vy = kinematics.t_s, kinematics.bar_velocity_m_s[:, 1]
    seen = np.flatnonzero(np.isfinite(kinematics.bar_xy_m[:, 1]))
    first_s, last_s = (float(t[seen[0]]), float(t[seen[-1]])) if seen.size else (np.nan, np.nan)

    def moving(start_s: float, end_s: float) -> bool:
        return not at_rest(t, vy, start_s=start_s, end_s=end_s, max_speed_m_s=settings.rest_speed_m_s)

    # At the recording's own edge a bar at rest is a start (an end); at a gap's edge nothing says
    # where the movement began (ended): partial, whatever the bar does there.
    partial_start = stroke.start_at_edge and (
        stroke.start_s > first_s or moving(stroke.start_s, stroke.start_s + settings.edge_rest_s)
    )
    partial_end = stroke.end_at_edge and (
        stroke.end_s < last_s or moving(stroke.end_s - settings.edge_rest_s, stroke.end_s)
    )
    slow = np.zeros(0, dtype=bool) if not seen.size else np.abs(vy[seen[[0, -1]]]) < settings.rest_speed_m_s
    slow_start = bool(partial_start and stroke.start_s <= first_s and slow[0])
    slow_end = bool(partial_end and stroke.end_s >= last_s and slow[-1])
    return EdgedStroke(
        **fields,
        partial_start=partial_start,
        partial_end=partial_end,
        slow_start=slow_start,
        slow_end=slow_end,
    )


def _stopped_before_the_end(
    stroke: EdgedStroke, kinematics: Kinematics, settings: SegmentationSettings
) -> EdgedStroke:
    """A stroke running to the recording's end with the bar at rest there, ended where the bar stopped.

    The filtered velocity need not cross zero after a lockout: a bar held while the lifter settles (or
    the track drifts) a centimetre upwards stays just above it, and the rise would run on to the
    recording's end, its rest counted into the rep. When the bar has been slower than
    ``rest_speed_m_s`` for the rest check's window (``rest_check_s``, as for a stop inside the
    recording; not live mode's shorter ``stop_check_s``) before the end, the stroke ends where it first slowed under ``pause_speed_m_s`` after
    its last faster sample (the boundary is then located on the raw samples, as any stop). A shorter
    stillness (a clip cut at lockout) leaves the end at the edge. Any other stroke is returned as is.
    """
    if not stroke.end_at_edge or stroke.partial_end:
        return stroke
    t, vy = kinematics.t_s, kinematics.bar_velocity_m_s[:, 1]
    inside = np.flatnonzero((t >= stroke.start_s) & (t <= stroke.end_s) & np.isfinite(vy))
    fast = inside[np.abs(vy[inside]) >= settings.rest_speed_m_s]
    far_s = settings.rest_check_s[1]  # a rest, not live mode's quick look at a bar just slowing
    if fast.size == 0 or stroke.end_s - t[fast[-1]] < far_s:
        return stroke
    after = inside[inside > fast[-1]]
    slow = after[np.abs(vy[after]) < settings.pause_speed_m_s]
    stop_s = float(t[slow[0]] if slow.size else t[after[0]])
    return replace(stroke, end_s=stop_s)


def _refined(kinematics: Kinematics, stroke: Stroke, *, start: bool, settings: SegmentationSettings) -> float:
    """A rep boundary, moved onto the raw samples' hinge when the bar rests on its outer side: a
    long rest (``rest_check_s``) or a short pause (``min_pause_s``: a paused bottom, a held lockout).

    Where the bar turns without resting (a touch-and-go bottom, the top of a pull) the filtered zero
    crossing stays: a two-sided parabola through the raw heights was tried there and lost as much on
    turns that are not parabolic over its window as it gained on lopsided ones.
    """
    boundary_s = stroke.start_s if start else stroke.end_s
    t, vy = kinematics.t_s, kinematics.bar_velocity_m_s[:, 1]
    raw_t, raw_y = kinematics.source_t_s, kinematics.source_bar_xy_m[:, 1]
    inside = np.flatnonzero((t >= stroke.start_s) & (t <= stroke.end_s) & np.isfinite(vy))
    if inside.size < 3:
        return boundary_s
    fast = inside[np.abs(vy[inside]) >= _HINGE_SPEED_FRACTION * np.max(np.abs(vy[inside]))]
    limit_s = float(t[fast[0]] if start else t[fast[-1]])
    rests = (
        rests_before(kinematics, boundary_s, settings)
        if start
        else rests_after(kinematics, boundary_s, settings)
    )
    if rests:
        return refine_rest_boundary(
            raw_t, raw_y, guess_s=boundary_s, moving_limit_s=limit_s, rest_before=start
        )
    pause = _pause(kinematics, inside, start=start, settings=settings) if start else None
    if pause is None:
        return boundary_s
    # A short pause: the filtered crossing lies anywhere in it (its noise), the bar moves at its
    # end. The hinge is searched across the pause, with only the pause as its resting side.
    near, far = pause
    span = abs(far - near)
    return refine_rest_boundary(
        raw_t,
        raw_y,
        guess_s=near,
        moving_limit_s=limit_s,
        rest_before=start,
        rest_window_s=0.5 * span,
        search_s=0.5 * span,
    )


def _pause(
    kinematics: Kinematics, inside: npt.NDArray[np.intp], *, start: bool, settings: SegmentationSettings
) -> tuple[float, float] | None:
    """(where the bar starts (stops) moving, the far end of the stillness before (after) it) when
    the bar paused there: its filtered speed under ``pause_speed_m_s`` for at least ``min_pause_s``;
    None otherwise (a turn without a pause)."""
    t, vy = kinematics.t_s, kinematics.bar_velocity_m_s[:, 1]
    moving = inside[np.abs(vy[inside]) >= settings.pause_speed_m_s]
    if moving.size == 0:
        return None
    edge = int(moving[0] if start else moving[-1])
    step = -1 if start else 1
    k = edge + step
    while 0 <= k < t.size and np.isfinite(vy[k]) and abs(vy[k]) < settings.pause_speed_m_s:
        k += step
    far = float(t[k - step])
    if abs(t[edge] - far) < settings.min_pause_s:
        return None
    return float(t[edge]), far


FoundReps = list[tuple[EdgedStroke, RepStatus, float]]
#: The hinge model is fitted up to where the bar reaches this fraction of the rep's peak speed.
_HINGE_SPEED_FRACTION = 0.7


def _whole_at_edges(found: FoundReps, settings: SegmentationSettings, *, locked: set[int]) -> FoundReps:
    """The reps with a slow edge (``slow_start``, ``slow_end``) that their range shows to be their
    turning point made whole there: an end back at its known lockout height (``locked``: the ids of
    those strokes), or an end or a start of a rep that rises as far as the set's fullest rep recorded
    whole (within the lockout tolerance). A slow edge short of that (a sticking point, where the bar
    slows too) stays partial; so does a lone rep's, which nothing to compare it with confirms."""
    recorded = [
        s.rise_m if status is RepStatus.OK and not (s.partial_start or s.partial_end) else -np.inf
        for s, status, _ in found
    ]
    out: FoundReps = []
    for k, (stroke, status, catch_s) in enumerate(found):
        fullest = max((r for j, r in enumerate(recorded) if j != k), default=-np.inf)
        tolerance = max(settings.lockout_tolerance_m, settings.lockout_tolerance_fraction * fullest)
        full = bool(np.isfinite(fullest) and stroke.rise_m >= fullest - tolerance)
        end_whole = stroke.slow_end and (full or id(stroke) in locked)
        start_whole = stroke.slow_start and full
        if end_whole or start_whole:
            stroke = replace(
                stroke,
                partial_start=stroke.partial_start and not start_whole,
                partial_end=stroke.partial_end and not end_whole,
            )
        out.append((stroke, status, catch_s))
    return out
