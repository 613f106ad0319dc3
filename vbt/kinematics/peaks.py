"""Sub-sample extrema: the top of a parabola through the highest sample and its two neighbours."""

from __future__ import annotations

import numpy as np
from scipy import optimize

from vbt.kinematics.fitting import batched_lstsq
from vbt.types import BoolArray, FloatArray


def refined_extremum(
    t_s: FloatArray, values: FloatArray, window: BoolArray, *, lowest: bool = False
) -> tuple[float, float]:
    """Time and value of the largest (or smallest) of (M,) ``values`` where ``window`` is True.

    The sample extremum is refined by a parabola through it and its two neighbours (when both are inside
    the window and finite), which recovers the peak of a smooth curve between samples. NaNs are ignored.

    Returns:
        (t_s, value): NaN, NaN when the window holds no finite value.
    """
    index = np.flatnonzero(window & np.isfinite(values))
    if index.size == 0:
        return float("nan"), float("nan")
    signed = -values if lowest else values
    i = int(index[np.argmax(signed[index])])
    sign = -1.0 if lowest else 1.0
    if i - 1 < 0 or i + 1 >= values.size or not (window[i - 1] and window[i + 1]):
        return float(t_s[i]), float(values[i])
    y0, y1, y2 = signed[i - 1], signed[i], signed[i + 1]
    if not np.isfinite(y0 + y2):
        return float(t_s[i]), float(values[i])
    curvature = y0 - 2.0 * y1 + y2
    if curvature >= 0:  # flat or not a maximum: keep the sample
        return float(t_s[i]), float(values[i])
    shift = 0.5 * (y0 - y2) / curvature
    top = y1 - 0.25 * (y0 - y2) * shift
    return float(t_s[i] + shift * (t_s[i + 1] - t_s[i])), float(sign * top)


def polished_extremum(
    t_s: FloatArray, values: FloatArray, *, around_s: float, half_window_s: float, lowest: bool = False
) -> tuple[float, float]:
    """Vertex of a two-sided parabola fitted to (N,) samples within ``half_window_s`` of ``around_s``.

    The model is ``c + k1 (t - t0)^2`` before the vertex ``t0`` and ``c + k2 (t - t0)^2`` after it: a
    peak that may be steeper on one side than on the other, as a joint that snaps into extension and
    then flexes more slowly. A zero-phase filter (or any symmetric smoother) pulls such a lopsided peak
    towards its gentler side; this fit, on raw samples, does not. ``t0`` is found by a search over the
    middle half of the window, then polished.

    Returns:
        (t_s, value): NaN, NaN when fewer than six finite samples fall in the window.
    """
    near = (np.abs(t_s - around_s) <= half_window_s) & np.isfinite(values)
    if near.sum() < 6:
        return float("nan"), float("nan")
    t, y = t_s[near], values[near]

    grid = np.linspace(around_s - half_window_s / 2, around_s + half_window_s / 2, 41)
    best = int(np.argmin(_two_sided_fits(grid, t, y)[0]))
    step = grid[1] - grid[0]
    result = optimize.minimize_scalar(
        lambda t0: float(_two_sided_fits(np.array([t0]), t, y)[0][0]),
        bounds=(grid[best] - step, grid[best] + step),
        method="bounded",
        options={"xatol": 1e-5},
    )
    t0 = float(result.x)
    return t0, float(_two_sided_fits(np.array([t0]), t, y)[1][0])


def _two_sided_fits(t0: FloatArray, t: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Residual sums (G,) and vertex values (G,) of ``c + k1 h^2 (h < 0) + k2 h^2 (h >= 0)``, h = t - t0.

    All (G,) vertex times at once.
    """
    h = t[None, :] - t0[:, None]
    square = h * h
    design = np.stack([np.ones_like(h), np.where(h < 0, square, 0.0), np.where(h >= 0, square, 0.0)], axis=2)
    sse, coefficients = batched_lstsq(design, y)
    return sse, coefficients[:, 0]
