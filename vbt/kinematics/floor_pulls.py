"""Pulls from the floor and Olympic pulls (`vbt.kinematics.reps`' floor families): where the floor is,
which rises from it are attempts (never a bumper's bounce after a drop, nor a stand-up from a catch
seen again after lost frames), whether an Olympic pull was made (the bar held high before it came
back down), and the rest checks the segmenter shares.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from vbt.kinematics.gaps import could_start_from
from vbt.kinematics.onsets import at_rest
from vbt.kinematics.peaks import refined_extremum
from vbt.types import FloatArray, RepStatus

if TYPE_CHECKING:
    from vbt.kinematics.reps import EdgedStroke, FoundReps, SegmentationSettings
    from vbt.kinematics.series import Kinematics
    from vbt.kinematics.strokes import Stroke


def floor_level(y_m: FloatArray) -> float:
    """Where the bar rests on the floor: a low percentile of its height (robust to noise)."""
    return float(np.nanpercentile(y_m, 2.0))


def floor_reps(
    strokes: list[EdgedStroke], y_m: FloatArray, kinematics: Kinematics, settings: SegmentationSettings
) -> FoundReps:
    """Pull from the floor: each rep rises from the floor; it is complete when it rises as far as the set's
    fullest rep (within the lockout tolerance)."""
    floor = floor_level(y_m)
    attempts = [s for s in strokes if floor_attempt(s, floor, kinematics, settings)]
    if not attempts:
        return []
    # Completion by the rise, not by the height reached: the bar may rest lower or higher in the
    # picture from rep to rep (set down nearer or further from the camera), its lift is the same.
    full_rise = max(s.rise_m for s in attempts)
    found: FoundReps = []
    for s in attempts:
        tolerance = max(settings.lockout_tolerance_m, settings.lockout_tolerance_fraction * s.rise_m)
        ok = s.rise_m >= settings.min_rom_m and s.rise_m >= full_rise - tolerance
        found.append((s, RepStatus.OK if ok else RepStatus.FAILED, np.nan))
    return found


def floor_attempt(
    stroke: EdgedStroke, floor_y_m: float, kinematics: Kinematics, settings: SegmentationSettings
) -> bool:
    """A rise from the floor that is a lift: a full one, or a shorter one that starts from rest.

    Rises shorter than ``min_attempt_m`` (a bar nudged and set down) are never attempts. Between that and
    ``min_rom_m`` a rise counts (as a failed attempt) only when the bar rested before it. A rise that
    starts right after the bar fell faster than ``drop_speed_m_s`` is a bumper bounce after a drop, never
    an attempt, however high it rebounds. A rise already under way when the recording starts counts when
    it covers ``min_rom_m`` (where it began is not known); one first seen after a gap, only when the bar
    could have got from where it was last seen to the floor within the gap (`could_start_from`: a
    stand-up from a catch seen again after lost frames is no pull).
    """
    if not stroke.rising:
        return False
    tolerance = max(settings.floor_tolerance_m, settings.floor_tolerance_fraction * stroke.rise_m)
    if stroke.partial_start:  # after a gap, only a rise that can have left the floor in it
        y, vy = kinematics.bar_xy_m[:, 1], kinematics.bar_velocity_m_s[:, 1]
        from_floor = could_start_from(
            kinematics.t_s,
            y,
            vy,
            stroke.start_s,
            low_y_m=floor_y_m + tolerance,
            rising_m_s=settings.rest_speed_m_s,
        )
        return from_floor and stroke.rise_m >= settings.min_rom_m
    if stroke.start_y_m > floor_y_m + tolerance or _after_a_drop(kinematics, stroke, settings):
        return False
    if stroke.rise_m >= settings.min_rom_m:
        return True
    return stroke.rise_m >= settings.min_attempt_m and rests_before(kinematics, stroke.start_s, settings)


def _after_a_drop(kinematics: Kinematics, stroke: Stroke, settings: SegmentationSettings) -> bool:
    """True when the bar fell faster than ``drop_speed_m_s`` within ``drop_window_s`` before the rise,
    the way a dropped bar falls: never accelerating downwards faster than gravity lets it
    (``drop_max_accel_m_s2``); faster than that, the track jumped (to another plate), nothing fell."""
    t, vy = kinematics.t_s, kinematics.bar_velocity_m_s[:, 1]
    ay = kinematics.bar_acceleration_m_s2[:, 1]
    if not fell_fast_before(kinematics, stroke.start_s, settings):
        return False
    before = (t >= stroke.start_s - settings.drop_window_s) & (t <= stroke.start_s) & np.isfinite(vy)
    falling = before & (vy < 0)
    return bool(np.nanmin(ay[falling]) >= -settings.drop_max_accel_m_s2)


def fell_fast_before(kinematics: Kinematics, when_s: float, settings: SegmentationSettings) -> bool:
    """True when the track came down faster than ``drop_speed_m_s`` within ``drop_window_s`` before
    ``when_s``: a bar dropped, or the track jumping down; never a bar lowered under control."""
    t, vy = kinematics.t_s, kinematics.bar_velocity_m_s[:, 1]
    before = (t >= when_s - settings.drop_window_s) & (t <= when_s) & np.isfinite(vy)
    return bool(before.any() and np.min(vy[before]) < -settings.drop_speed_m_s)


def rests_before(kinematics: Kinematics, when_s: float, settings: SegmentationSettings) -> bool:
    near, far = settings.rest_check_s
    return _rests(kinematics, when_s - far, when_s - near, settings)


def rests_after(kinematics: Kinematics, when_s: float, settings: SegmentationSettings) -> bool:
    near, far = settings.stop_check_s or settings.rest_check_s
    return _rests(kinematics, when_s + near, when_s + far, settings)


def _rests(kinematics: Kinematics, start_s: float, end_s: float, settings: SegmentationSettings) -> bool:
    vy = kinematics.bar_velocity_m_s[:, 1]
    return at_rest(kinematics.t_s, vy, start_s=start_s, end_s=end_s, max_speed_m_s=settings.rest_speed_m_s)


def olympic_reps(
    strokes: list[EdgedStroke],
    kinematics: Kinematics,
    settings: SegmentationSettings,
    *,
    settled: dict[int, float],
) -> FoundReps:
    """Olympic pull: a pull starts at lift-off from the floor and ends at peak height.

    The lift is made when, after the pull, the bar is held high (still for ``hold_s`` above
    ``hold_height_fraction`` of the pull) before it comes back to the floor; the catch is the lowest
    point between the peak and that hold. ``settled`` gets, by ``id`` of each stroke kept, the time
    from which later samples cannot change that verdict: the hold's last needed sample, or the
    bar's return to the floor (none: only the recording's end settles it).
    """
    t_s, y_m, vy = kinematics.t_s, kinematics.bar_xy_m[:, 1], kinematics.bar_velocity_m_s[:, 1]
    floor = floor_level(y_m)
    found: FoundReps = []
    for s in strokes:
        if not floor_attempt(s, floor, kinematics, settings):
            continue
        if s.partial_end:  # the recording ends during the pull: nothing says it failed
            found.append((s, RepStatus.OK, np.nan))
            continue
        hold_start, settled[id(s)] = first_hold_above(
            t_s,
            y_m,
            vy,
            after_s=s.end_s,
            min_y_m=s.start_y_m + settings.hold_height_fraction * s.rise_m,
            floor_y_m=floor + settings.floor_tolerance_m,
            settings=settings,
        )
        if s.rise_m < settings.min_rom_m or hold_start is None:
            found.append((s, RepStatus.FAILED, np.nan))
            continue
        window = (t_s >= s.end_s) & (t_s <= hold_start) & np.isfinite(y_m)
        catch_s, _ = refined_extremum(t_s, y_m, window, lowest=True)
        found.append((s, RepStatus.OK, catch_s))
    return found


def first_hold_above(
    t_s: FloatArray,
    y_m: FloatArray,
    vy: FloatArray,
    *,
    after_s: float,
    min_y_m: float,
    floor_y_m: float,
    settings: SegmentationSettings,
) -> tuple[float | None, float]:
    """Start of the first hold above ``min_y_m`` after ``after_s``, before the bar is back on the
    floor (None: no hold), and when that was settled: the hold's last needed sample, the bar's
    return to the floor, or inf (the recording ends before either: more data may still decide)."""
    after = np.flatnonzero(t_s > after_s)
    if after.size == 0:
        return None, math.inf
    y, v, t = y_m[after], vy[after], t_s[after]
    on_floor = np.flatnonzero(y <= floor_y_m)
    stop = on_floor[0] if on_floor.size else y.size
    still = (np.abs(v[:stop]) < settings.hold_speed_m_s) & (y[:stop] >= min_y_m)
    need = max(1, round(float(settings.hold_s / np.median(np.diff(t_s)))))
    run = 0
    for i, flag in enumerate(still):
        run = run + 1 if flag else 0
        if run >= need:
            return float(t[i - need + 1]), float(t[i])
    back_s = float(t[on_floor[0]]) if on_floor.size else math.inf
    seen = np.flatnonzero(np.isfinite(y))
    if not on_floor.size and seen.size and y[seen[-1]] >= min_y_m:
        # The recording ends with the bar still high after the catch (a clip cut at the catch): nothing
        # says the lift failed, so it counts as made, with the catch found up to the end.
        return float(t[seen[-1]]), back_s
    return None, back_s
