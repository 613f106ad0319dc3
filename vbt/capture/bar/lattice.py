"""The one path through a clip's plate candidates that is consistent over the set (pure functions).

A clip's keyframes each hold a few plate candidates (centre, radius, rim evidence). The path picks
at most one per keyframe, or none ("unseen": never a guess), minimising a cost in nats:

- each candidate's own: -ln(rim evidence), ln(largest radius / its radius) (the bar's plates are
  the largest discs in a side view), its distance from the hands (they hold the bar), and a ring
  inside a clearly larger concentric circle (a hub, an inner ring: the plate is the outermost rim);
- each step between two seen keyframes: a centre farther than a barbell moves in the time between,
  or a radius changing more than the plate's depth can (perspective), costs the square of the
  excess over its noise (a step dearer than ``max_step_cost`` is impossible); and a centre whose
  offset from the hands changes (the plate moves with the hands that hold the bar) costs the square
  of that change over ``hands_offset_noise_radii``;
- each keyframe left unseen: ``miss_cost``; a path may skip keyframes over at most ``max_gap_s``.

Dynamic programming over the keyframes (Viterbi with skips) finds the cheapest path exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vbt.capture.bar.settings import WholeClipSettings
from vbt.errors import InputError
from vbt.types import FloatArray

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Keyframe:
    """One keyframe's plate candidates, in the frame's pixels.

    Attributes:
        t_s: the frame's time, seconds.
        centre_px: (K, 2) candidates' centres.
        radius_px: (K,) their radii (> 0).
        evidence: (K,) rim evidence 0..1 (the outline's share).
        hands_xy_px: (2,) the hands' midpoint, NaN when unknown.
    """

    t_s: float
    centre_px: FloatArray
    radius_px: FloatArray
    evidence: FloatArray
    hands_xy_px: FloatArray

    def __post_init__(self) -> None:
        k = np.shape(self.radius_px)
        if np.shape(self.centre_px) != (*k, 2) or np.shape(self.evidence) != k or len(k) != 1:
            raise InputError(
                f"a keyframe's candidates need centre_px (K, 2), radius_px (K,), evidence (K,); got "
                f"{np.shape(self.centre_px)}, {np.shape(self.radius_px)}, {np.shape(self.evidence)}"
            )
        if np.shape(self.hands_xy_px) != (2,):
            raise InputError(f"hands_xy_px must have shape (2,), got {np.shape(self.hands_xy_px)}")

    def __len__(self) -> int:
        return int(self.radius_px.shape[0])


def candidate_costs(
    key: Keyframe, *, settings: WholeClipSettings, radius_px: float | None = None
) -> FloatArray:
    """(K,) each candidate's own cost, nats (see the module docstring); the hands' distance in radii
    of the clip's plate, ``radius_px`` (None: each candidate's own)."""
    s = settings
    if len(key) == 0:
        return np.zeros(0)
    r = key.radius_px
    cost = -np.log(np.clip(key.evidence, s.evidence_floor_frac, 1.0))
    cost += s.size_weight * np.log(r.max() / r)
    if np.all(np.isfinite(key.hands_xy_px)):
        reach = s.hands_reach_radii * (r if radius_px is None else radius_px)
        d = np.hypot(*(key.centre_px - key.hands_xy_px).T) / reach
        cost += np.minimum(0.5 * d**2, s.hands_max_cost)
    apart = np.hypot(*(key.centre_px[:, None, :] - key.centre_px[None, :, :]).transpose(2, 0, 1))
    larger = r[None, :] > (1.0 + s.inner_ring_larger_frac) * r[:, None]  # [i, j]: j is clearly larger
    concentric = apart < s.inner_ring_centre_radii * r[None, :]
    cost += s.inner_ring_cost * np.any(larger & concentric, axis=1)
    out: FloatArray = cost
    return out


def step_costs(a: Keyframe, b: Keyframe, *, settings: WholeClipSettings) -> FloatArray:
    """(Ka, Kb) the cost of going from each candidate of ``a`` to each of ``b`` (later), nats; inf
    where impossible."""
    s = settings
    dt_s = b.t_s - a.t_s
    if dt_s <= 0.0:
        raise InputError(f"keyframes must be in time order ({a.t_s:.4f} s, then {b.t_s:.4f} s)")
    ra, rb = a.radius_px[:, None], b.radius_px[None, :]
    r_mean = np.sqrt(ra * rb)
    apart_px = np.hypot(*(a.centre_px[:, None, :] - b.centre_px[None, :, :]).transpose(2, 0, 1))
    reach_radii = s.max_speed_m_s * dt_s / s.smallest_plate_radius_m
    excess = np.maximum(0.0, apart_px / r_mean - reach_radii) / s.position_noise_radii
    grow = math.log1p(s.max_depth_speed_m_s * dt_s / s.min_camera_distance_m)
    excess_r = np.maximum(0.0, np.abs(np.log(rb / ra)) - grow) / s.radius_noise_frac
    cost = 0.5 * (excess**2 + excess_r**2)
    impossible = cost > s.max_step_cost
    if np.all(np.isfinite(a.hands_xy_px)) and np.all(np.isfinite(b.hands_xy_px)):
        # The plate moves with the hands that hold the bar: its offset from them stays put.
        offset_a = a.centre_px - a.hands_xy_px
        offset_b = b.centre_px - b.hands_xy_px
        moved = np.hypot(*(offset_a[:, None, :] - offset_b[None, :, :]).transpose(2, 0, 1)) / r_mean
        cost = cost + np.minimum(0.5 * (moved / s.hands_offset_noise_radii) ** 2, s.hands_max_cost)
    out: FloatArray = np.where(impossible, np.inf, cost)
    return out


def radius_costs(key: Keyframe, radius_px: float, *, settings: WholeClipSettings) -> FloatArray:
    """(K,) the cost of each candidate's radius against the clip's plate radius ``radius_px``: the
    square of how far ln(r / radius_px) exceeds ``radius_tolerance_frac`` (the plate's depth changes
    little over a set), over ``radius_noise_frac``."""
    s = settings
    excess = np.maximum(0.0, np.abs(np.log(key.radius_px / radius_px)) - math.log1p(s.radius_tolerance_frac))
    out: FloatArray = 0.5 * (excess / s.radius_noise_frac) ** 2
    return out


def clip_radii(keys: list[Keyframe], *, settings: WholeClipSettings) -> FloatArray:
    """The radii the clip's plate may have: every candidate's radius, merged where they lie within
    ``radius_tolerance_frac`` of each other (sorted, px)."""
    radii = np.sort(np.concatenate([k.radius_px for k in keys] or [np.zeros(0)]))
    out: list[float] = []
    for r in radii:
        if not out or r > out[-1] * (1.0 + settings.radius_tolerance_frac):
            out.append(float(r))
    return np.asarray(out, dtype=np.float64)


def choose_path(keys: list[Keyframe], *, settings: WholeClipSettings) -> IntArray:
    """The cheapest path through ``keys`` (in time order): (N,) the candidate chosen at each keyframe,
    -1 where the path sees none.

    The clip's plate has one radius up to perspective: the path is found for each radius the clip's
    candidates suggest (``clip_radii``; a candidate's radius far from it costs ``radius_costs``), and
    the cheapest of them is the answer. A path may skip keyframes (each one skipped costs
    ``miss_cost``) and continue with a step from the last seen one, as long as they are at most
    ``max_gap_s`` apart; farther, it starts anew.
    """
    best_total, best_path = math.inf, np.full(len(keys), -1, dtype=np.int64)
    for radius in clip_radii(keys, settings=settings):
        sized = [
            candidate_costs(k, settings=settings, radius_px=radius)
            + radius_costs(k, radius, settings=settings)
            for k in keys
        ]
        total, path = _cheapest(keys, sized, settings=settings)
        if total < best_total:
            best_total, best_path = total, path
    return best_path


def _cheapest(
    keys: list[Keyframe], own: list[FloatArray], *, settings: WholeClipSettings
) -> tuple[float, IntArray]:
    """The cheapest path's cost and candidates, with each candidate's own cost ``own``."""
    s = settings
    n = len(keys)
    best: list[FloatArray] = []  # best[i][b]: cheapest path ending at candidate b of keyframe i
    came: list[list[tuple[int, int]]] = []  # (keyframe, candidate) before it; (-1, -1): a start
    for i, key in enumerate(keys):
        start = s.miss_cost * i
        cost_i = own[i] + start
        from_i = [(-1, -1)] * len(key)
        for j in range(i - 1, -1, -1):
            if key.t_s - keys[j].t_s > s.max_gap_s:
                break
            if len(keys[j]) == 0 or len(key) == 0:
                continue
            through = best[j][:, None] + step_costs(keys[j], key, settings=s) + s.miss_cost * (i - j - 1)
            through = through + own[i][None, :]
            a = np.argmin(through, axis=0)
            value = through[a, np.arange(len(key))]
            better = value < cost_i
            cost_i = np.where(better, value, cost_i)
            from_i = [(j, int(a[b])) if better[b] else from_i[b] for b in range(len(key))]
        best.append(cost_i)
        came.append(from_i)
    path = np.full(n, -1, dtype=np.int64)
    total = s.miss_cost * n  # nothing seen at all
    end = (-1, -1)
    for i in range(n):
        if len(keys[i]):
            b = int(np.argmin(best[i]))
            value = float(best[i][b]) + s.miss_cost * (n - 1 - i)
            if value < total:
                total, end = value, (i, b)
    while end[0] >= 0:
        i, b = end
        path[i] = b
        end = came[i][b]
    return total, path
