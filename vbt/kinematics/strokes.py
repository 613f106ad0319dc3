"""Strokes: the stretches between zero crossings of the bar's vertical velocity.

A stroke rises or falls. Its ends are zero crossings of vertical velocity, interpolated linearly between
grid samples, so a rep's start and end are located where the bar really turns, not where its speed
crosses a detection threshold.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from vbt.types import FloatArray


@dataclass(frozen=True)
class Stroke:
    """One monotone stretch of the bar's vertical path.

    ``complete`` is False for the first and last stroke of a finite stretch of data: one of their ends is
    the edge of the data (or of a gap), not a zero crossing; ``start_at_edge`` / ``end_at_edge`` say
    which.
    """

    start_s: float
    end_s: float
    start_y_m: float
    end_y_m: float
    rising: bool
    complete: bool
    start_at_edge: bool = False
    end_at_edge: bool = False

    @property
    def rise_m(self) -> float:
        """Vertical displacement, positive up."""
        return self.end_y_m - self.start_y_m


def zero_crossings(t_s: FloatArray, v: FloatArray) -> FloatArray:
    """Times where (M,) finite ``v`` changes sign, interpolated linearly between samples.

    Samples that are exactly zero take the sign of the sample before them, so a velocity that touches
    zero and turns back is not a crossing.
    """
    sign = np.sign(v)
    # An exact zero takes the sign of the last non-zero sample before it (leading zeros stay zero).
    last_nonzero = np.maximum.accumulate(np.where(sign != 0, np.arange(sign.size), 0))
    sign = sign[last_nonzero]
    change = np.flatnonzero(sign[:-1] * sign[1:] < 0)
    t0, t1, v0, v1 = t_s[change], t_s[change + 1], v[change], v[change + 1]
    return np.asarray(t0 + (0.0 - v0) * (t1 - t0) / (v1 - v0), dtype=np.float64)


def find_strokes(t_s: FloatArray, y_m: FloatArray, vy_m_s: FloatArray) -> list[Stroke]:
    """Split (M,) vertical position and velocity into strokes, stretch by stretch (NaN splits)."""
    strokes: list[Stroke] = []
    finite = np.isfinite(y_m) & np.isfinite(vy_m_s)
    edges = np.diff(np.concatenate(([0], finite.astype(np.int8), [0])))
    for first, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if stop - first < 3:
            continue
        t, y, v = t_s[first:stop], y_m[first:stop], vy_m_s[first:stop]
        crossings = zero_crossings(t, v)
        bounds = np.concatenate(([t[0]], crossings, [t[-1]]))
        heights = np.interp(bounds, t, y)
        for k in range(bounds.size - 1):
            if bounds[k + 1] <= bounds[k]:
                continue
            strokes.append(
                Stroke(
                    start_s=float(bounds[k]),
                    end_s=float(bounds[k + 1]),
                    start_y_m=float(heights[k]),
                    end_y_m=float(heights[k + 1]),
                    rising=bool(heights[k + 1] > heights[k]),
                    complete=0 < k < bounds.size - 2,
                    start_at_edge=k == 0,
                    end_at_edge=k == bounds.size - 2,
                )
            )
    return strokes


def merge_hesitations(
    strokes: list[Stroke],
    *,
    max_dip_m: float,
    min_part_m: float,
    noise_floor_m: Callable[[Stroke], float] | None = None,
) -> list[Stroke]:
    """Join two strokes of one direction separated by a small reversal (a sticking point, a hitch).

    Two rises (or falls) each longer than ``min_part_m`` and separated by a reversal shorter than
    ``max_dip_m`` become one stroke. Reversals at rest (millimetre jitter around zero velocity) are never
    merged into a movement, because their own strokes are shorter than ``min_part_m``.

    ``noise_floor_m``, when given, says for a reversal (the dip's stroke) how deep the track's noise
    alone could make it there; a reversal shallower than that is merged too (``max_dip_m`` stays the
    least), and a NaN floor leaves ``max_dip_m`` alone.
    """
    out: list[Stroke] = []
    for stroke in strokes:
        if len(out) >= 2:
            before, dip = out[-2], out[-1]
            mergeable = (
                before.rising == stroke.rising
                and dip.rising != stroke.rising
                and abs(before.rise_m) >= min_part_m
                and abs(stroke.rise_m) >= min_part_m
                and before.end_s == dip.start_s
                and dip.end_s == stroke.start_s
            )
            if mergeable and abs(dip.rise_m) >= max_dip_m:  # the floor is asked only where it decides
                floor_m = math.nan if noise_floor_m is None else noise_floor_m(dip)
                mergeable = abs(dip.rise_m) < floor_m  # False for NaN
            if mergeable:
                out[-2:] = [
                    replace(
                        before,
                        end_s=stroke.end_s,
                        end_y_m=stroke.end_y_m,
                        complete=before.complete and stroke.complete,
                        end_at_edge=stroke.end_at_edge,
                    )
                ]
                continue
        out.append(stroke)
    return out
