"""A failed squat the lifter stood up from: the bar rests on the shoulders, so a lifter whose hips
came back up to their standing height after the rep stood up with the bar, whatever the track says.

A squat is made when the hips and knees are extended again: the hips back at the height they stood
at before the descent. The hips are never behind the bar's plate (the plate is at the shoulders, a
torso's length above them), so pose sees them where a wrong circle (a hood, a head, a stored plate)
hides nothing and where a track that slipped off the plate at the top cannot say whether the lifter
stood up. A rep the track calls failed while the hips came back to standing was probably made (or
the bar was left on the safeties and the lifter stood up without it): either way the track did not
follow the bar up, and the rep is suspect.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vbt.capture.track import PixelTrack, body_y_px
from vbt.kinematics.reps import default_segmentation
from vbt.lifts import Holder
from vbt.quality.verdict import Finding, Severity
from vbt.types import Lift, RepMetrics, RepStatus


@dataclass(frozen=True)
class StoodSettings:
    """Settings of `stood_up_from_failed`.

    Attributes:
        min_visibility: a hip counts where pose's visibility of it is at least this (0..1), as for
            what holds the bar (`vbt.quality.capture`).
        high_percentile: the hips' standing height in a stretch is this percentile of their height
            there (a landmark's single-frame jump is not a stand). Raising it lets such a jump count;
            lowering it takes a stand held briefly for less than it was.
        min_seen_frac: each stretch (before the rep, after it) is judged only where pose saw the hips
            in at least this share of its frames.
    """

    min_visibility: float = 0.5
    high_percentile: float = 90.0
    min_seen_frac: float = 0.5


def stood_up_from_failed(
    track: PixelTrack,
    reps: list[RepMetrics],
    *,
    lift: Lift,
    metres_per_px: float,
    settings: StoodSettings | None = None,
) -> list[Finding]:
    """Failed reps of a lift the shoulders hold (a back or front squat) after which the lifter's hips
    came back up to their standing height: a suspect finding for each.

    The hips' standing height before the rep is their high (``high_percentile``) from the previous
    rep's end (or the recording's start), at most the segmenter's ``descent_lookback_s`` back, to
    the rep's start; after it, their high from its start to the next rep's start (or that long after
    its end). The lifter squatted when the hips came down by at least the lift's ``min_range_m``
    before the rep's end; stood up when their high after it is within the lift's lockout tolerance
    (``lockout_tolerance_m``, or ``lockout_tolerance_fraction`` of that descent) of the high before.
    Not judged where pose saw the hips in less than ``min_seen_frac`` of either stretch.
    """
    if lift.spec.held_by is not Holder.SHOULDERS or not track.pose_ran:
        return []
    if not (math.isfinite(metres_per_px) and metres_per_px > 0):
        return []
    settings = settings or StoodSettings()
    seg = default_segmentation(lift)
    t = track.t_s
    # the hips' height in the image (up positive), NaN where unseen
    height = -body_y_px(track, ["left_hip", "right_hip"], min_visibility=settings.min_visibility)
    ordered = sorted(reps, key=lambda r: r.start_s)

    def high(start_s: float, end_s: float) -> float:
        inside = (t >= start_s) & (t <= end_s)
        seen = inside & np.isfinite(height)
        if inside.sum() < 2 or seen.sum() < settings.min_seen_frac * inside.sum():
            return math.nan
        return float(np.percentile(height[seen], settings.high_percentile))

    findings = []
    for k, rep in enumerate(ordered):
        if rep.status is not RepStatus.FAILED:
            continue
        before_s = max(ordered[k - 1].end_s if k else -math.inf, rep.start_s - seg.descent_lookback_s)
        after_s = ordered[k + 1].start_s if k + 1 < len(ordered) else rep.end_s + seg.descent_lookback_s
        standing, again = high(before_s, rep.start_s), high(rep.start_s, after_s)
        low = (t >= before_s) & (t <= rep.end_s) & np.isfinite(height)
        if not (math.isfinite(standing) and math.isfinite(again) and low.any()):
            continue
        drop_m = (standing - float(np.min(height[low]))) * metres_per_px
        tolerance_m = max(seg.lockout_tolerance_m, seg.lockout_tolerance_fraction * drop_m)
        if drop_m < lift.spec.min_range_m or (standing - again) * metres_per_px > tolerance_m:
            continue
        findings.append(
            Finding(
                "failed_but_stood",
                "it stops short of lockout on the track, but the lifter's hips came back "
                f"up to their standing height after it ({100 * drop_m:.0f} cm down and back): the rep "
                "was probably made (or the bar left on the safeties) and the tracker did not follow the "
                "bar up. Check the track in the annotated video (--video); film side-on with the loaded "
                "plate in full view",
                Severity.DOUBT,
                reps=(rep.index,),
                suspect=True,
            )
        )
    return findings
