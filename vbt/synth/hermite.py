"""Piecewise cubic Hermite curves with exact, checkable shapes.

Every synthetic curve (bar velocity, bar x, joint angles) is a cubic Hermite spline assembled into a
`scipy.interpolate.PPoly`. A knot may have a different slope on its left and on its right, so a bar at
rest can start rising with a finite acceleration. Each segment is kept monotone (Fritsch-Carlson), so the
extrema of a curve are exactly at its knots and can be read off without searching.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.interpolate import PPoly

from vbt.types import FloatArray

#: Tolerance on the normalised slopes of the Fritsch-Carlson test (round-off, not modelling slack).
_FC_TOL = 1e-9


def segment_coefficients(h: float, y0: float, y1: float, d0: float, d1: float) -> FloatArray:
    """Coefficients of the cubic on one segment, highest power first, in ``s = t - t_start``.

    Parameters:
        h: Segment duration (> 0).
        y0, y1: Values at the start and at the end.
        d0, d1: Slopes at the start (right of the first knot) and at the end (left of the second knot).

    Returns:
        (4,) array ``[c3, c2, c1, c0]`` with ``y(s) = c3 s^3 + c2 s^2 + c1 s + c0``.
    """
    secant = (y1 - y0) / h
    c3 = (d0 + d1 - 2.0 * secant) / (h * h)
    c2 = (3.0 * secant - 2.0 * d0 - d1) / h
    return np.array([c3, c2, d0, y0], dtype=np.float64)


def segment_integral(h: float, y0: float, y1: float, d0: float, d1: float) -> float:
    """Exact integral of the Hermite cubic over its segment: ``h (y0 + y1) / 2 + h^2 (d0 - d1) / 12``."""
    return h * (y0 + y1) / 2.0 + h * h * (d0 - d1) / 12.0


def is_monotone(h: float, y0: float, y1: float, d0: float, d1: float) -> bool:
    """Fritsch-Carlson test: True when the Hermite cubic is monotone on its segment.

    A flat segment (``y0 == y1``) is monotone only with both slopes zero. Otherwise, with
    ``alpha = d0 / secant`` and ``beta = d1 / secant``, both must be >= 0 and (alpha, beta) must lie in
    the Fritsch-Carlson region (``alpha + beta <= 2``, or either of ``2 alpha + beta <= 3``,
    ``alpha + 2 beta <= 3``, or ``alpha - (2 alpha + beta - 3)^2 / (3 (alpha + beta - 2)) >= 0``).
    """
    secant = (y1 - y0) / h
    scale = max(abs(y0), abs(y1), 1.0)
    if abs(y1 - y0) <= 1e-14 * scale:
        return abs(d0) * h <= 1e-12 * scale and abs(d1) * h <= 1e-12 * scale
    alpha = d0 / secant
    beta = d1 / secant
    if alpha < -_FC_TOL or beta < -_FC_TOL:
        return False
    if alpha + beta - 2.0 <= _FC_TOL:
        return True
    if 2.0 * alpha + beta - 3.0 <= _FC_TOL or alpha + 2.0 * beta - 3.0 <= _FC_TOL:
        return True
    phi = alpha - (2.0 * alpha + beta - 3.0) ** 2 / (3.0 * (alpha + beta - 2.0))
    return phi >= -_FC_TOL


def hermite_ppoly(
    t_s: Sequence[float] | FloatArray,
    values: Sequence[float] | FloatArray,
    slopes_left: Sequence[float] | FloatArray,
    slopes_right: Sequence[float] | FloatArray,
    *,
    check_monotone: bool = True,
) -> PPoly:
    """Assemble a piecewise cubic Hermite curve.

    Parameters:
        t_s: (K,) knot times, strictly increasing, K >= 2.
        values: (K,) values at the knots.
        slopes_left, slopes_right: (K,) slopes just left and just right of each knot (``slopes_left[0]`` and
            ``slopes_right[-1]`` are unused).
        check_monotone: Raise `RuntimeError` when a segment is not monotone (a bug in the caller's
            construction).

    Returns:
        PPoly: Defined on ``[t_s[0], t_s[-1]]``; NaN outside (no extrapolation).
    """
    t = np.asarray(t_s, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    dl = np.asarray(slopes_left, dtype=np.float64)
    dr = np.asarray(slopes_right, dtype=np.float64)
    if t.ndim != 1 or t.shape[0] < 2 or not (y.shape == dl.shape == dr.shape == t.shape):
        raise ValueError(f"need K >= 2 knots with matching shapes, got {t.shape}, {y.shape}")
    h = np.diff(t)
    if not np.all(h > 0):
        raise ValueError("knot times must be strictly increasing")
    coefficients = np.empty((4, t.shape[0] - 1))
    for i in range(t.shape[0] - 1):
        args = (float(h[i]), float(y[i]), float(y[i + 1]), float(dr[i]), float(dl[i + 1]))
        if check_monotone and not is_monotone(*args):
            raise RuntimeError(
                f"internal error: segment {i} at t={t[i]:.6f} s is not monotone "
                f"(values {y[i]:.6g} -> {y[i + 1]:.6g}, slopes {dr[i]:.6g}, {dl[i + 1]:.6g})"
            )
        coefficients[:, i] = segment_coefficients(*args)
    return PPoly(coefficients, t, extrapolate=False)


def monotone_slopes(t_s: Sequence[float] | FloatArray, values: Sequence[float] | FloatArray) -> FloatArray:
    """Slopes that keep a Hermite interpolant monotone between knots (Fritsch-Butland).

    Zero at the two ends and wherever the data has a local extremum, so every interior extremum of the
    data is an extremum of the curve exactly at its knot.

    Parameters:
        t_s, values: (K,) knot times (strictly increasing) and values.

    Returns:
        (K,) slopes, the same on both sides of each knot.
    """
    t = np.asarray(t_s, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    h = np.diff(t)
    secant = np.diff(y) / h
    slopes = np.zeros_like(t)
    for k in range(1, t.shape[0] - 1):
        s0, s1 = secant[k - 1], secant[k]
        if s0 * s1 <= 0.0:
            continue
        w0 = 2.0 * h[k] + h[k - 1]
        w1 = h[k] + 2.0 * h[k - 1]
        slopes[k] = (w0 + w1) / (w0 / s0 + w1 / s1)
    return slopes


def monotone_ppoly(t_s: Sequence[float] | FloatArray, values: Sequence[float] | FloatArray) -> PPoly:
    """A C1 monotone-per-segment curve through the knots; extrema exactly at knots."""
    slopes = monotone_slopes(t_s, values)
    return hermite_ppoly(t_s, values, slopes, slopes)


def evaluate(curve: PPoly, t_s: FloatArray | float, *, nu: int = 0) -> FloatArray:
    """Evaluate a curve (or its ``nu``-th derivative) at times; NaN outside its domain."""
    t = np.asarray(t_s, dtype=np.float64)
    return np.asarray(curve(t, nu=nu), dtype=np.float64)
