"""Does the tracked plate move with what holds the bar? The lifter's hands (the shoulders in a squat,
the hips in a hip thrust: ``vbt.lifts.Holder``) rise as the bar does in every rep, and a rise of
theirs by a rep's range with the tracked plate still means the tracker followed something else.

Each check returns ``Finding``s (``vbt.quality.verdict``); ``vbt.quality.capture.check_capture`` runs
them with the other capture checks. Positions are the track's pixels.
"""

from __future__ import annotations

import math

import numpy as np

from vbt.calibration.body import hidden_by_plate
from vbt.capture.pose import BODY_POINTS
from vbt.capture.track import PixelTrack, body_y_px
from vbt.lifts import Holder
from vbt.quality.settings import CaptureCheckSettings
from vbt.quality.verdict import Finding, Severity
from vbt.types import BoolArray, FloatArray, Lift, RepMetrics, RepStatus


def rep_frames(track: PixelTrack, rep: RepMetrics) -> BoolArray:
    """(N,) True on the track's frames between ``rep``'s start and end."""
    return np.asarray((track.t_s >= rep.start_s) & (track.t_s <= rep.end_s))


def _rise_px(t_s: FloatArray, y_px: FloatArray, start_s: float, end_s: float) -> float:
    """How far a pixel path rose (image y points down) from ``start_s`` to ``end_s``; NaN if unseen.
    Each end is the median of the three seen samples nearest it."""
    seen = np.isfinite(y_px)
    if seen.sum() < 4:
        return math.nan
    t, y = t_s[seen], y_px[seen]

    def at(when: float) -> float:
        nearest = np.argsort(np.abs(t - when))[:3]
        return float(np.median(y[nearest]))

    return at(start_s) - at(end_s)


#: The body points (either side) of what holds the bar.
_HOLDER_POINT = {Holder.HANDS: "_wrist", Holder.SHOULDERS: "_shoulder", Holder.HIPS: "_hip"}


def _holds(track: PixelTrack, lift: Lift) -> FloatArray:
    """(N,) image height of what holds the bar (the catalogue's ``held_by``): the shoulders in a back
    or front squat (the bar on the upper back or the front delts, the hands wherever the grip puts
    them), the hips in a hip thrust, else the hands; NaN where unseen.

    A point inside the tracked plate's disc is behind the near plate (a squatter's shoulders always
    are, side-on, when the plate tracked is the bar's): where the pose puts it is a guess that lags
    the body, so it is left out. A wrong circle (a knee, a stored plate) does not hide them."""
    names = [n for n in BODY_POINTS if n.endswith(_HOLDER_POINT[lift.spec.held_by])]
    hidden = np.column_stack(
        [
            hidden_by_plate(track.body_xy_px[:, BODY_POINTS.index(n)], track.bar_xy_px, track.bar_size_px)
            for n in names
        ]
    )
    return body_y_px(track, names, min_visibility=0.5, hidden=hidden)


def hands_follow_the_bar(
    track: PixelTrack,
    reps: list[RepMetrics],
    *,
    lift: Lift,
    metres_per_px: float,
    settings: CaptureCheckSettings,
) -> list[Finding]:
    """Reps where the tracked bar rose but what holds it did not (or the other way round): the
    tracked circle is not the bar (a knee, a stored plate, a wheel).

    What holds the bar: the lift's ``held_by`` in the catalogue (the hands; the shoulders in a back or
    front squat; the hips in a hip thrust). Compared only where pose saw
    them near both ends of the rep (within ``ends_s``) and through most of it, and where either rose
    at least ``min_rise_px`` (a still plate under rising hands is as wrong as the other way round).

    A failed rep is compared up to where what holds the bar stopped rising (`_holder_rose_until_s`):
    a failed rep is the bar stopping short and coming down, and the lifter with it. Hands or
    shoulders that rose on to lockout after the tracked plate stopped say the rep was made and the
    tracker lost the plate at the top.
    """
    if not track.pose_ran:
        return []
    holder_y = _holds(track, lift)
    what = lift.spec.held_by.value
    findings = []
    lo, hi = settings.hands_rise_range
    reps = sorted(reps, key=lambda r: r.start_s)
    for k, rep in enumerate(reps):
        end_s = rep.end_s
        if rep.status is RepStatus.FAILED:
            until_s = reps[k + 1].start_s if k + 1 < len(reps) else math.inf
            hysteresis_px = lift.spec.min_attempt_m / metres_per_px if metres_per_px > 0 else math.nan
            end_s = _holder_rose_until_s(track.t_s, holder_y, rep.end_s, until_s, hysteresis_px)
        frames = np.asarray((track.t_s >= rep.start_s) & (track.t_s <= end_s))
        seen = frames & np.isfinite(holder_y)
        if frames.sum() < 4 or seen.sum() < settings.hands_min_seen_frac * frames.sum():
            continue
        t_seen = track.t_s[seen]
        if t_seen[0] > rep.start_s + settings.ends_s or t_seen[-1] < end_s - settings.ends_s:
            continue
        bar = _rise_px(track.t_s, track.bar_xy_px[:, 1], rep.start_s, end_s)
        held = _rise_px(track.t_s[frames], holder_y[frames], rep.start_s, end_s)
        if not (math.isfinite(bar) and math.isfinite(held)):
            continue
        if max(abs(bar), abs(held)) < settings.min_rise_px or lo <= held / (bar or math.nan) <= hi:
            continue
        rose_on = end_s > rep.end_s
        findings.append(
            Finding(
                "bar_not_in_hands",
                (
                    f"rep {rep.index} stopped short of lockout on the track, but the lifter's {what} rose "
                    f"on to {end_s:.2f} s, {100 * held * metres_per_px:.0f} cm in all while the tracked "
                    f"plate rose {100 * bar * metres_per_px:.0f} cm: the rep was probably made and the "
                    "tracker lost the plate"
                    if rose_on
                    else f"the tracked plate rose {100 * bar * metres_per_px:.0f} cm but the lifter's "
                    f"{what} {100 * held * metres_per_px:.0f} cm: what was tracked is probably not the bar"
                )
                + ". Check the track in the annotated video (--video); film side-on with the loaded "
                "plate in full view",
                Severity.DOUBT,
                reps=(rep.index,),
                suspect=True,
            )
        )
    return findings


def _holder_rose_until_s(
    t_s: FloatArray, holder_y_px: FloatArray, from_s: float, until_s: float, hysteresis_px: float
) -> float:
    """Where what holds the bar (image heights ``holder_y_px``, NaN unseen) stopped rising after
    ``from_s``: the highest point it reaches before it comes down by ``hysteresis_px`` again, before
    ``until_s`` (the next rep) or the end of the data; ``from_s`` when it was not rising there (or
    unseen, or ``hysteresis_px`` is not finite)."""
    after = np.flatnonzero((t_s >= from_s) & (t_s < until_s) & np.isfinite(holder_y_px))
    if after.size < 2 or not math.isfinite(hysteresis_px):
        return from_s
    height = -holder_y_px[after]
    top = 0
    for j in range(1, after.size):
        if height[j] > height[top]:
            top = j
        elif height[top] - height[j] >= hysteresis_px:
            break
    return float(t_s[after[top]]) if height[top] > height[0] else from_s


def _rises(height_px: FloatArray, *, min_rise_px: float) -> list[tuple[int, int]]:
    """(low, high) sample indices of each rise of ``height_px`` (up positive; NaN skipped) by at
    least ``min_rise_px``: from the lowest point since the last high (its last sample) to the highest
    before it falls ``min_rise_px`` again (a zig-zag with that hysteresis)."""
    out: list[tuple[int, int]] = []
    seen = np.flatnonzero(np.isfinite(height_px))
    if seen.size == 0:
        return out
    low, high = int(seen[0]), -1
    for i in seen[1:].tolist():
        if high < 0:
            if height_px[i] <= height_px[low]:  # the rise starts where the low ends
                low = i
            elif height_px[i] - height_px[low] >= min_rise_px:
                high = i
        elif height_px[i] > height_px[high]:
            high = i
        elif height_px[high] - height_px[i] >= min_rise_px:
            out.append((low, high))
            low, high = i, -1
    if high >= 0:
        out.append((low, high))
    return out


def _longest_outside(a_s: float, b_s: float, reps: list[RepMetrics]) -> tuple[float, float]:
    """The longest part of ``a_s``-``b_s`` outside every rep (an empty one, ``b_s`` to ``b_s``, when the
    reps cover it all)."""
    parts = [(a_s, b_s)]
    for rep in reps:
        parts = [
            piece
            for lo, hi in parts
            for piece in ((lo, min(hi, rep.start_s)), (max(lo, rep.end_s), hi))
            if piece[1] > piece[0]
        ]
    return max(parts, key=lambda piece: piece[1] - piece[0], default=(b_s, b_s))


def hands_rose_alone(
    track: PixelTrack,
    reps: list[RepMetrics],
    *,
    lift: Lift,
    metres_per_px: float,
    settings: CaptureCheckSettings | None = None,
    span_s: tuple[float, float] | None = None,
) -> list[Finding]:
    """What holds the bar (``hands_follow_the_bar``) rose by at least a complete rep's range (the
    lift's ``min_range_m``) between the reps found (after the first one began, before the last one
    ended), while the tracked bar rose less than ``1 / hands_rise_range[1]`` as far: the lifter held
    the bar through the set, so the bar rose and the tracker followed something else: a rep there went
    unseen and the count is in doubt. Before the first rep (reaching for the bar, lying down under
    it) and after the last (letting go) the hands may move without it, so rises there are not judged;
    nor where the bar or the holder was unseen within ``ends_s`` of the rise's ends.

    ``span_s``: the stretch judged instead of the set's (the whole clip, where a plate must show that
    it is the bar: `vbt.capture.second_pass`); a rise overlapping a rep is then judged on its longest
    part outside the reps (a rep found on a pick-up that the first row continued), where the set's
    span leaves it to ``hands_follow_the_bar``."""
    if span_s is None and not reps:
        return []
    if not track.pose_ran or not math.isfinite(metres_per_px) or metres_per_px <= 0:
        return []
    settings = settings or CaptureCheckSettings()
    holder_y = _holds(track, lift)
    t, bar_y = track.t_s, track.bar_xy_px[:, 1]
    min_rise_px = lift.spec.min_range_m / metres_per_px
    first_start_s, last_end_s = span_s or (min(r.start_s for r in reps), max(r.end_s for r in reps))
    t_bar, t_held = t[np.isfinite(bar_y)], t[np.isfinite(holder_y)]

    def seen_near(times: FloatArray, when: float) -> bool:
        return bool(times.size and np.min(np.abs(times - when)) <= settings.ends_s)

    worst: tuple[float, float, float, float] | None = None  # (held, bar, start, end)
    for low, high in _rises(-holder_y, min_rise_px=min_rise_px):
        a, b = float(t[low]), float(t[high])
        if a < first_start_s or b > last_end_s or b - a > lift.spec.limits.max_duration_s:
            continue
        if any(r.start_s <= b and r.end_s >= a for r in reps):
            if span_s is None:
                continue
            a, b = _longest_outside(a, b, reps)
        if not all(seen_near(times, when) for times in (t_bar, t_held) for when in (a, b)):
            continue
        held = _rise_px(t, holder_y, a, b)
        bar = _rise_px(t, bar_y, a, b)
        if not held >= min_rise_px or bar * settings.hands_rise_range[1] >= held:
            continue
        if worst is None or held - bar > worst[0] - worst[1]:
            worst = (held, bar, a, b)
    if worst is None:
        return []
    held, bar, a, b = worst
    what = lift.spec.held_by.value
    return [
        Finding(
            "rep_unseen",
            f"the lifter's {what} rose {100 * held * metres_per_px:.0f} cm at {a:.2f}-{b:.2f} s, "
            f"{'between the reps' if span_s is None else 'outside the reps'}, while the tracked plate "
            f"rose {100 * bar * metres_per_px:.0f} cm: the bar rose there "
            "and the tracker followed something else, so a rep may be missing from the count. Check the "
            "track in the annotated video (--video); film side-on with the loaded plate in full view",
            Severity.DOUBT,
        )
    ]
