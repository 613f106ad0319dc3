"""Where a bar at rest starts to move, or a moving bar comes to rest, located on the raw samples.

A low-pass filter smears a velocity that leaves zero abruptly (lift-off from the floor, the drive off a
paused bottom, the stop at lockout) over about half its cutoff period, which moves the filtered zero
crossing tens of milliseconds away from the real one. Where the bar is at rest on one side, the zero
crossing is therefore located by fitting the raw positions with a hinge: constant on the resting side,
``c + b h^2 + d h^3`` on the moving side (h = time since the bar started, or until it stopped), so that
velocity is zero at the hinge and leaves it with a finite acceleration that may fade (see `_hinge_sse`).
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from vbt.kinematics.fitting import batched_lstsq
from vbt.types import FloatArray

#: Candidate hinge times are tried this far apart before the best is polished.
_GRID_STEP_S = 0.002
#: Residuals this close to the minimum are the same fit (rounding): relative, and absolute in m^2.
_FLAT_RTOL = 1e-9
_FLAT_ATOL_M2 = 1e-18


def _hinge_sse(t0: FloatArray, t: FloatArray, y: FloatArray, *, rest_before: bool) -> FloatArray:
    """Residuals (G,) of the best hinges at (G,) times ``t0``: ``c + b h^2 + d h^3``, concave velocity.

    The bar rises on the moving side, so ``b`` has the sign of the motion away from rest (``b >= 0``
    after a start, ``b <= 0`` before a stop) and the cubic opposes it (``b d <= 0``): acceleration is
    largest at the moment the bar leaves rest or stops, as when a bar breaks from the floor or is stopped
    at lockout. Without that constraint the cubic trades against the hinge time and drifts tens of
    milliseconds under tracker noise. Solved by the small active-set rule: the unconstrained fit if it
    obeys the signs, else the quadratic alone, else a constant.
    """
    h = (
        np.maximum(t[None, :] - t0[:, None], 0.0)
        if rest_before
        else np.maximum(t0[:, None] - t[None, :], 0.0)
    )
    sign = 1.0 if rest_before else -1.0
    ones = np.ones_like(h)
    cubic_sse, cubic = batched_lstsq(np.stack([ones, h**2, h**3], axis=2), y)
    quadratic_sse, quadratic = batched_lstsq(np.stack([ones, h**2], axis=2), y)
    constant_sse = np.full(t0.shape, float(np.sum(y**2)))
    cubic_ok = (sign * cubic[:, 1] >= 0) & (sign * cubic[:, 2] <= 0)
    quadratic_ok = sign * quadratic[:, 1] >= 0
    return np.where(cubic_ok, cubic_sse, np.where(quadratic_ok, quadratic_sse, constant_sse))


def refine_rest_boundary(
    t_s: FloatArray,
    y_m: FloatArray,
    *,
    guess_s: float,
    moving_limit_s: float,
    rest_before: bool,
    rest_window_s: float = 0.3,
    search_s: float = 0.1,
) -> float:
    """Locate the instant a bar at rest starts moving (``rest_before``) or stops moving.

    Args:
        t_s: (N,) raw sample times.
        y_m: (N,) raw heights (NaN samples are ignored).
        guess_s: The zero crossing found on the filtered velocity.
        moving_limit_s: How far into the movement the hinge model holds: a time on the moving side where the bar has
            reached about a third of its peak speed. Samples up to it are fitted.
        rest_before: True when the bar rests before the boundary (a start), False when it rests after (an end).
        rest_window_s: Samples this far into the resting side of the search range are fitted.
        search_s: The boundary is searched from this far outside the guess up to ``moving_limit_s``.

    Returns:
        float: The refined time; the guess itself when there are too few samples to fit.
    """
    if rest_before:
        lo, hi = guess_s - search_s, moving_limit_s
        fit_lo, fit_hi = lo - rest_window_s, moving_limit_s
    else:
        lo, hi = moving_limit_s, guess_s + search_s
        fit_lo, fit_hi = moving_limit_s, hi + rest_window_s
    near = (t_s >= fit_lo) & (t_s <= fit_hi) & np.isfinite(y_m)
    t, y = t_s[near], y_m[near]
    if t.size < 8 or hi - lo < 2 * _GRID_STEP_S:
        return guess_s
    grid = np.arange(lo, hi, _GRID_STEP_S)
    costs = _hinge_sse(grid, t, y, rest_before=rest_before)
    best = int(np.argmin(costs))
    first, last = _flat_run(costs, best)
    if last > first:
        # The samples cannot tell these hinges apart (a gap in the samples where the bar started or
        # stopped, with too few samples on the moving side to pin the curve). Take the end of the
        # run on the resting side: the motion nearest the hinge is too small to show, so the bar
        # was moving for as long as the samples allow. Not whichever point a rounding error
        # favours: that would flip as samples are added (the live analysis against the offline).
        return float(grid[first] if rest_before else grid[last])
    result = optimize.minimize_scalar(
        lambda t0: float(_hinge_sse(np.array([t0]), t, y, rest_before=rest_before)[0]),
        bounds=(grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)]),
        method="bounded",
        options={"xatol": 1e-4},
    )
    return float(result.x)


def _flat_run(costs: FloatArray, best: int) -> tuple[int, int]:
    """The run of grid indices around ``best`` whose cost equals the minimum (to rounding)."""
    flat = costs <= costs[best] * (1.0 + _FLAT_RTOL) + _FLAT_ATOL_M2
    first = last = best
    while first > 0 and flat[first - 1]:
        first -= 1
    while last < costs.size - 1 and flat[last + 1]:
        last += 1
    return first, last


def at_rest(
    t_s: FloatArray, v_m_s: FloatArray, *, start_s: float, end_s: float, max_speed_m_s: float
) -> bool:
    """True when every finite velocity in [start_s, end_s] stays under ``max_speed_m_s`` (and some exist)."""
    inside = (t_s >= start_s) & (t_s <= end_s) & np.isfinite(v_m_s)
    return bool(inside.any() and np.all(np.abs(v_m_s[inside]) < max_speed_m_s))
