"""The hands hold the bar: in a front view, the wrists check the plates and carry the bar where the
plates are lost.

Filmed from the front, the wrists (MediaPipe's landmarks) move with the bar: the bar's height is
the wrists' height plus an offset that changes only as the wrists flex and the bar rolls in the
hands, a few centimetres within a tenth of a second. Over a snatch's or a clean's turnover the bar
passes from below the wrists to above them (0.1-0.2 m in 0.2-0.3 s); a running median of the
offset follows that ramp (a median keeps a monotone ramp), while a pair of edges that is not the
plates (the lifter's legs, a banner) jumps away from it by a good part of a plate's radius.

- ``hands_disagree``: the frames whose plates depart from the hands (``HANDS_TOLERANCE_M`` from the
  running median of the offset): they saw something else, and are left out;
- ``bridgeable_gap_s``: how long a gap the hands may bridge on this clip, measured on the clip itself
  (the offset interpolated across gaps of growing length, compared with the offset seen where the
  bar moves);
- ``fill_with_hands``: the gaps up to that long filled from the wrists plus the interpolated offset,
  never across a cut (a new scene: positions before and after are not comparable), at a confidence
  below the scale's (the hands never set the scale), and said in the verdict (``hands_note``).

All positions are the frame's pixels; the plates' radius (``PixelTrack.bar_size_px``) converts
metres to pixels frame by frame.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from vbt.capture.camera.types import CameraStatus
from vbt.capture.track import PixelTrack
from vbt.lifts import LiftFamily
from vbt.quality.verdict import Finding, Severity
from vbt.types import FloatArray

BoolArray = npt.NDArray[np.bool_]

#: The bar moves against the wrist landmark (the wrist's flexion, the bar's roll in the hand) by up
#: to this within ``HANDS_WINDOW_S``, metres; a plate pair whose offset from the wrists departs from
#: the running median by more saw something else. Raising it keeps more pairs (wrong ones too);
#: lowering it leaves out right pairs where the wrist landmark jitters (1-2 cm).
HANDS_TOLERANCE_M = 0.05
#: The running median of the offset takes the seen frames within this of each frame, seconds (a
#: window of 0.2 s: shorter than a turnover, so its ramp is kept; long enough for a few frames).
HANDS_WINDOW_S = 0.2
#: Without enough moving frames to measure the gap the hands may bridge, this is the bound, seconds
#: (the offset holds over a fraction of a second, not over a whole turnover).
HANDS_FILL_S = 0.3
#: The longest gap the hands ever bridge, seconds: longer than a pull's fastest part (0.2-0.4 s) and
#: a turnover; beyond it, the offset's interpolation would span phases of the lift.
HANDS_MAX_FILL_S = 0.8
#: A gap is bridgeable when the offset interpolated across it stays within ``HANDS_TOLERANCE_M`` in
#: at least this share of the moving frames tested.
HANDS_GAP_SHARE = 0.9
#: Frames whose wrists rise or fall faster than this are the moving ones the gap is tested on, m/s
#: (the rep segmenter's speed of a bar at rest: ``SegmentationSettings.rest_speed_m_s``).
MOVING_M_S = 0.15
#: How far the bar's offset from the wrists swings through a lift whose hands turn over the bar (a
#: snatch's or a clean's turnover, a jerk from the front rack to overhead), metres: from hanging
#: below the wrists to resting above them, at most a hand's length (0.108 of stature: Drillis &
#: Contini 1966; 0.20 m for a 1.85 m lifter). Raising it lets the hands confirm plates that follow
#: them less closely (``min_hands_correlation``).
TURNOVER_SWING_M = 0.20
#: ... and through a lift held at one grip (squats, presses, pulls from the floor), metres: the wrist
#: flexes and the bar rolls in the hand by ``HANDS_TOLERANCE_M`` either way, no more.
HELD_SWING_M = 2 * HANDS_TOLERANCE_M
#: The bar carried by the hands gets this confidence (below ``MIN_SCALE_CONFIDENCE``: the hands
#: never set the scale).
HANDS_CONFIDENCE = 0.3


def _wrists_xy_px(track: PixelTrack) -> FloatArray:
    """(N, 2) the wrists' midpoint, NaN unless both were seen."""
    wrists: FloatArray = track.wrists_xy_px.mean(axis=1)
    return wrists


def _px_per_m(track: PixelTrack, plate_m: float) -> FloatArray:
    """(N,) pixels per metre from each frame's plate radius (the clip's median where not measured)."""
    size = track.bar_size_px
    finite = np.isfinite(size) & (size > 0)
    if not finite.any():
        return np.full(size.shape, np.nan)
    return np.where(finite, size, float(np.median(size[finite]))) / (0.5 * plate_m)


def running_median(t_s: FloatArray, values: FloatArray, window_s: float) -> FloatArray:
    """(N,) the median of the finite ``values`` within ``window_s`` of each time (NaN with fewer
    than three, or where the value itself is NaN)."""
    out = np.full(values.shape, np.nan)
    finite = np.flatnonzero(np.isfinite(values))
    t = t_s[finite]
    lo = np.searchsorted(t, t - window_s - 1e-9, side="left")
    hi = np.searchsorted(t, t + window_s + 1e-9, side="right")
    for k, i in enumerate(finite):
        if hi[k] - lo[k] >= 3:
            out[i] = float(np.median(values[finite[lo[k] : hi[k]]]))
    return out


def hands_offset_px(track: PixelTrack) -> FloatArray:
    """(N,) the bar's height below the wrists' midpoint, pixels (NaN unless both were seen)."""
    return np.asarray(track.bar_xy_px[:, 1] - _wrists_xy_px(track)[:, 1], dtype=np.float64)


def hands_residual_px(track: PixelTrack, *, window_s: float = HANDS_WINDOW_S) -> FloatArray:
    """(N,) the offset from the wrists less its running median over ``window_s`` either side: how
    far the plates depart from what the hands say, pixels (NaN where either is unseen)."""
    offset = hands_offset_px(track)
    return offset - running_median(track.t_s, offset, window_s)


def hands_disagree(
    track: PixelTrack,
    *,
    plate_m: float,
    tolerance_m: float = HANDS_TOLERANCE_M,
    window_s: float = HANDS_WINDOW_S,
) -> BoolArray:
    """(N,) the frames whose bar departs from the hands by more than ``tolerance_m`` (its offset from
    the wrists against the running median of the offset; ``plate_m``: the plates' diameter, metres)."""
    residual = hands_residual_px(track, window_s=window_s)
    with np.errstate(invalid="ignore"):
        return np.asarray(np.abs(residual) > tolerance_m * _px_per_m(track, plate_m), dtype=bool)


def without_frames(track: PixelTrack, frames: BoolArray) -> PixelTrack:
    """``track`` with the bar unseen in ``frames`` (NaN, confidence 0)."""
    if not frames.any():
        return track
    return replace(
        track,
        bar_xy_px=np.where(frames[:, None], np.nan, track.bar_xy_px),
        bar_confidence=np.where(frames, 0.0, track.bar_confidence),
        bar_size_px=np.where(frames, np.nan, track.bar_size_px),
    )


def bridgeable_gap_s(
    track: PixelTrack,
    *,
    plate_m: float,
    tolerance_m: float = HANDS_TOLERANCE_M,
    max_gap_s: float = HANDS_MAX_FILL_S,
    share: float = HANDS_GAP_SHARE,
) -> float:
    """The longest gap the hands may bridge on this clip, seconds: the offset from the wrists,
    interpolated from the seen frames ``g / 2`` before and after each frame where the wrists move
    (``MOVING_M_S``), stays within ``tolerance_m`` of the offset seen there in ``share`` of them, for
    every ``g`` up to the answer (tested in steps of a frame, up to ``max_gap_s``).
    ``HANDS_FILL_S`` when fewer than five moving frames were seen with the bar."""
    t = track.t_s
    offset = hands_offset_px(track)
    both = np.isfinite(offset)
    wrists_y = _wrists_xy_px(track)[:, 1]
    px_per_m = _px_per_m(track, plate_m)
    with np.errstate(invalid="ignore"):
        speed_m_s = np.abs(np.gradient(wrists_y, t)) / px_per_m if t.size > 1 else np.zeros(t.size)
        tested = np.flatnonzero(both & (speed_m_s > MOVING_M_S))
    if tested.size < 5 or both.sum() < 2:
        return HANDS_FILL_S
    t_both, o_both = t[both], offset[both]
    step = float(np.median(np.diff(t)))
    best = 0.0
    for gap in np.arange(2 * step, max_gap_s + 1e-9, step):
        left = np.searchsorted(t_both, t[tested] - 0.5 * gap, side="right") - 1
        right = np.searchsorted(t_both, t[tested] + 0.5 * gap, side="left")
        ok = (left >= 0) & (right < t_both.size)
        if ok.sum() < 5:
            break
        lo, hi, i = left[ok], right[ok], tested[ok]
        w = (t[i] - t_both[lo]) / (t_both[hi] - t_both[lo])
        guess = o_both[lo] + w * (o_both[hi] - o_both[lo])
        within = np.abs(guess - offset[i]) <= tolerance_m * px_per_m[i]
        if within.mean() < share:
            break
        best = float(gap)
    return best


def hands_correlation(track: PixelTrack) -> float:
    """The correlation of the bar's height with the wrists' over the frames both are seen in (NaN
    with fewer than three, or where either stands still)."""
    bar_y, wrists_y = track.bar_xy_px[:, 1], _wrists_xy_px(track)[:, 1]
    both = np.isfinite(bar_y) & np.isfinite(wrists_y)
    if both.sum() < 3 or np.ptp(bar_y[both]) == 0 or np.ptp(wrists_y[both]) == 0:
        return math.nan
    return float(np.corrcoef(bar_y[both], wrists_y[both])[0, 1])


def offset_swing_m(family: LiftFamily) -> float:
    """How far the bar's offset from the wrists may swing through a lift of ``family``, metres:
    ``TURNOVER_SWING_M`` where the hands turn over the bar (Olympic pulls, jerks), else
    ``HELD_SWING_M``."""
    turns = family in (LiftFamily.OLYMPIC_PULL, LiftFamily.JERK_DRIVE)
    return TURNOVER_SWING_M if turns else HELD_SWING_M


def min_hands_correlation(track: PixelTrack, *, plate_m: float, swing_m: float) -> float:
    """The least correlation of the bar's height with the wrists' (``hands_correlation``) that plates
    moving with the hands reach on this clip; NaN where the wrists moved too little for it to tell.

    The bar's height is the wrists' plus an offset. Over the frames both are seen in, the offset's
    spread about its mean is at most ``s_e``: half its swing (``swing_m``, at the plates' scale: half
    its frames at either end) and the clip's own residual about the hands (``hands_residual_px``,
    the wrist landmark's and the search's noise), in quadrature. Two series whose difference spreads
    by ``s_e`` about its mean, one of them spreading by ``s_w`` (the wrists' height), make an angle
    of at most ``arcsin(s_e / s_w)`` as vectors about their means, whatever the offset does: they
    correlate at least ``sqrt(1 - (s_e / s_w)^2)``. Where ``s_e >= s_w`` nothing is excluded and
    the hands cannot confirm the plates (NaN).

    Parameters:
        track: the plates' track (``bar_xy_px``, ``bar_size_px``) with the wrists.
        plate_m: the plates' diameter, metres.
        swing_m: how far the offset may swing through the lift (``offset_swing_m``), metres.
    """
    bar_y, wrists_y = track.bar_xy_px[:, 1], _wrists_xy_px(track)[:, 1]
    both = np.isfinite(bar_y) & np.isfinite(wrists_y)
    if both.sum() < 3:
        return math.nan
    residual = hands_residual_px(track)[both]
    residual = residual[np.isfinite(residual)]
    noise_px = float(np.sqrt(np.mean(residual**2))) if residual.size else 0.0
    px_per_m = float(np.median(_px_per_m(track, plate_m)[both]))
    spread_px = math.hypot(0.5 * swing_m * px_per_m, noise_px)
    wrists_px = float(np.std(wrists_y[both]))
    if not wrists_px > spread_px:
        return math.nan
    return math.sqrt(1.0 - (spread_px / wrists_px) ** 2)


def not_with_the_hands(correlation: float, needed: float) -> Finding:
    """Why a front view's plates were not kept: what was found does not move with the hands (their
    heights correlate at ``correlation``, below the ``needed`` of ``min_hands_correlation``; NaN:
    the wrists moved too little to tell)."""
    need = (
        f"plates moving with the hands would correlate at {needed:.2f} or more"
        if math.isfinite(needed)
        else "the hands moved too little to tell"
    )
    return Finding(
        "edge_on_not_with_hands",
        f"the shapes found as the plates seen edge-on do not move with the lifter's hands (their heights "
        f"correlate at {correlation:.2f}; {need}): they may not be the bar's plates, so the front view is "
        "not measured; keep both ends of the bar in the picture, square to the camera, or film from the side",
        Severity.NOTE,
    )


def fill_with_hands(track: PixelTrack, *, max_gap_s: float = HANDS_FILL_S) -> tuple[PixelTrack, int]:
    """``track`` with its gaps up to ``max_gap_s`` long filled from the wrists' midpoint plus the
    bar's offset from it, interpolated in time from the seen frames on both sides; the number of
    frames filled. A frame is filled only when both wrists were seen in it, and never across a cut
    (a frame that starts a new scene, ``CameraStatus.REFERENCE`` after the first)."""
    seen = track.bar_seen
    wrists = _wrists_xy_px(track)
    both = seen & np.isfinite(wrists).all(axis=1)
    if both.sum() < 2 or seen.all():
        return track, 0
    t = track.t_s
    offset = track.bar_xy_px[both] - wrists[both]
    fill = ~seen & np.isfinite(wrists).all(axis=1) & (t > t[both][0]) & (t < t[both][-1])
    # Only inside gaps no longer than max_gap_s (between the seen frames around them).
    after = np.searchsorted(t[both], t, side="right")
    before_t = t[both][np.clip(after - 1, 0, both.sum() - 1)]
    after_t = t[both][np.clip(after, 0, both.sum() - 1)]
    fill &= (after_t - before_t) <= max_gap_s
    # Never across a cut: the scenes either side are not one picture.
    cuts = np.flatnonzero(np.asarray(track.camera_status) == CameraStatus.REFERENCE)[1:]
    for cut_t in t[cuts]:
        fill &= ~((before_t < cut_t) & (cut_t <= after_t))
    if not fill.any():
        return track, 0
    guess = np.stack([np.interp(t, t[both], offset[:, k]) for k in range(2)], axis=1) + wrists
    return (
        replace(
            track,
            bar_xy_px=np.where(fill[:, None], guess, track.bar_xy_px),
            bar_confidence=np.where(fill, HANDS_CONFIDENCE, track.bar_confidence),
        ),
        int(fill.sum()),
    )


def hands_note(filled: int, frames: int, *, gap_s: float = HANDS_FILL_S) -> list[Finding]:
    """A note saying in how many frames the hands carried the bar (``fill_with_hands``), over gaps
    up to ``gap_s`` (``bridgeable_gap_s``)."""
    if filled == 0:
        return []
    gap = f"{gap_s:.2f} s" if math.isfinite(gap_s) else "a short time"
    return [
        Finding(
            "bar_from_hands",
            f"in {filled} of {frames} frames ({100 * filled / max(frames, 1):.0f} %) the plates were blurred or "
            "hidden and the bar was carried by the lifter's hands (their offset from the bar taken from the "
            f"frames on either side, over gaps up to {gap}, as long as the hands follow the plates on this "
            "clip): a few centimetres less certain there",
            Severity.NOTE,
        )
    ]
