"""Gap filling, resampling, zero-phase low-pass filtering and derivatives of sampled series.

All functions are pure: the array comes first, settings are keyword-only, a new array is returned.
Missing samples are NaN. Gaps up to ``max_gap_s`` are bridged by interpolation; longer gaps split the
series into runs that are treated separately and stay NaN in between, and so do breaks (``breaks_t_s``:
times after which the samples are not comparable with those before, such as a camera cut).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import numpy as np
from scipy import interpolate, signal

from vbt.types import BoolArray, FloatArray


def _dual_pass_correction(order: int) -> float:
    """Run forward and backward, a Butterworth filter's -3 dB point falls below its design cutoff.

    Dividing the wanted cutoff by this factor corrects for it (Winter, Biomechanics and Motor Control of
    Human Movement, 4th ed., sec. 3.4.4.5: C = (2^(1/passes) - 1)^(1/(2 order)), 0.802 for order 2).
    """
    return float((2.0**0.5 - 1.0) ** (1.0 / (2 * order)))


def valid_runs(
    t_s: FloatArray, valid: BoolArray, *, max_gap_s: float, breaks_t_s: FloatArray | None = None
) -> list[tuple[int, int]]:
    """Index ranges ``[first, last]`` (inclusive) of valid samples not separated by more than ``max_gap_s``
    nor by a break.

    Args:
        t_s: (N,) strictly increasing times.
        valid: (N,) bool, True where the sample is present.
        max_gap_s: Two consecutive valid samples further apart than this start a new run.
        breaks_t_s: (K,) times: a valid sample at or after a break, following one before it, starts a new run.
    """
    index = np.flatnonzero(valid)
    if index.size == 0:
        return []
    split = np.diff(t_s[index]) > max_gap_s
    if breaks_t_s is not None and breaks_t_s.size:
        # the number of breaks at or before each sample's time: it changes where a break falls between
        side = np.searchsorted(np.sort(breaks_t_s), t_s[index], side="right")
        split |= np.diff(side) > 0
    breaks = np.flatnonzero(split)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [index.size - 1]))
    return [(int(index[s]), int(index[e])) for s, e in zip(starts, ends, strict=True)]


def resample_uniform(
    t_s: FloatArray,
    values: FloatArray,
    /,
    *,
    rate_hz: float,
    max_gap_s: float,
    t0_s: float | None = None,
    breaks_t_s: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Resample (N, ...) values taken at uneven times onto an even grid, bridging short gaps.

    Each column is interpolated on its own with a cubic spline through its valid samples (not-a-knot
    ends), within runs found by `valid_runs` (split at gaps longer than ``max_gap_s`` and at
    ``breaks_t_s``); grid points outside every run are NaN, and at least one grid point before each
    break is NaN, so that later filtering and differentiation never join the two sides. Runs of fewer
    than two samples are dropped.

    Returns:
        grid_t_s: (M,) even times from ``t0_s`` (default ``t_s[0]``) to ``t_s[-1]`` at ``rate_hz``.
        grid_values: (M, ...) resampled values.
    """
    if values.shape[0] != t_s.shape[0]:
        raise ValueError(f"values must have {t_s.shape[0]} rows like t_s, got shape {values.shape}")
    start = float(t_s[0]) if t0_s is None else t0_s
    n_grid = int(np.floor((t_s[-1] - start) * rate_hz + 1e-9)) + 1
    grid = start + np.arange(n_grid) / rate_hz
    flat = values.reshape(values.shape[0], -1)
    out = np.full((n_grid, flat.shape[1]), np.nan)
    for columns, valid in _same_gaps(flat):  # columns missing the same samples share one spline
        for first, last in valid_runs(t_s, valid, max_gap_s=max_gap_s, breaks_t_s=breaks_t_s):
            keep = valid[first : last + 1]
            t_run = t_s[first : last + 1][keep]
            y_run = flat[first : last + 1][keep][:, columns]
            if t_run.size < 2:
                continue
            inside = (grid >= t_run[0]) & (grid <= t_run[-1])
            kind = 3 if t_run.size >= 4 else 1
            spline = interpolate.make_interp_spline(t_run, y_run, k=kind, axis=0)
            out[np.ix_(inside, columns)] = spline(grid[inside])
    if breaks_t_s is not None:
        for t_break in breaks_t_s:  # the grid point just before a break: NaN, whatever fell there
            before = int(np.searchsorted(grid, t_break, side="left")) - 1
            if 0 <= before < n_grid:
                out[before] = np.nan
    return grid, out.reshape((n_grid, *values.shape[1:]))


def butterworth_lowpass(
    values: FloatArray, /, *, sample_rate_hz: float, cutoff_hz: float, order: int = 2
) -> FloatArray:
    """Zero-phase low-pass Butterworth filter of evenly sampled (M, ...) values, column by column.

    The filter runs forward and backward as second-order sections (`scipy.signal.sosfiltfilt`), so events
    are not shifted in time; the design cutoff is corrected so that ``cutoff_hz`` is the -3 dB point of
    the two passes together. NaN stretches are left as NaN and each finite stretch is filtered on its own;
    stretches too short to pad (fewer than about ``3 * (2 * order + 1)`` samples) are returned unfiltered.
    """
    nyquist = sample_rate_hz / 2.0
    design = cutoff_hz / _dual_pass_correction(order)
    if not 0 < design < nyquist:
        raise ValueError(
            f"cutoff {cutoff_hz} Hz does not fit a {sample_rate_hz} Hz series (Nyquist {nyquist} Hz)"
        )
    sos = _butterworth_sos(order, design, sample_rate_hz)
    flat = values.reshape(values.shape[0], -1)
    out = flat.copy()
    min_len = 3 * (2 * len(sos) + 1)
    for columns, finite in _same_gaps(flat):  # columns with the same NaN stretches: filtered at once
        for first, last in _finite_stretches(finite):
            if last - first + 1 > min_len:
                stretch = flat[first : last + 1][:, columns]
                # A longer odd-extension pad than scipy's default tames the start-up transient.
                padlen = min(last - first, max(min_len, int(sample_rate_hz / cutoff_hz)))
                out[first : last + 1, columns] = signal.sosfiltfilt(sos, stretch, padlen=padlen, axis=0)
    return out.reshape(values.shape)


def derivative(values: FloatArray, /, *, sample_rate_hz: float) -> FloatArray:
    """First derivative along axis 0 of evenly sampled values (second-order central differences).

    NaN neighbours make the derivative NaN; the first and last samples of a finite stretch use one-sided
    differences.
    """
    flat = values.reshape(values.shape[0], -1)
    out = np.full_like(flat, np.nan)
    for column in range(flat.shape[1]):
        for first, last in _finite_stretches(flat[:, column]):
            if last > first:
                edge_order: Literal[1, 2] = 2 if last - first >= 2 else 1
                out[first : last + 1, column] = np.gradient(
                    flat[first : last + 1, column], 1.0 / sample_rate_hz, edge_order=edge_order
                )
    return out.reshape(values.shape)


@lru_cache(maxsize=32)
def _butterworth_sos(order: int, design_hz: float, sample_rate_hz: float) -> FloatArray:
    """The filter's second-order sections (designed once per setting: live mode filters every frame)."""
    sos: FloatArray = signal.butter(order, design_hz, btype="low", fs=sample_rate_hz, output="sos")
    return sos  # shared: read only by convention (scipy's sosfilt wants a writable buffer)


def _same_gaps(flat: FloatArray) -> list[tuple[list[int], BoolArray]]:
    """The (N, C) array's columns grouped by where they are finite: (columns, (N,) finite mask)."""
    finite = np.isfinite(flat)
    groups: dict[bytes, tuple[list[int], BoolArray]] = {}
    for column in range(flat.shape[1]):
        mask = finite[:, column]
        groups.setdefault(np.packbits(mask).tobytes(), ([], mask))[0].append(column)
    return list(groups.values())


def _finite_stretches(y: FloatArray | BoolArray) -> list[tuple[int, int]]:
    """Index ranges ``[first, last]`` of the finite samples of ``y`` (or of a boolean mask: its Trues)."""
    finite = y if y.dtype == np.bool_ else np.isfinite(y)
    if not finite.any():
        return []
    edges = np.diff(np.concatenate(([False], finite, [False])).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return [(int(s), int(e)) for s, e in zip(starts, ends, strict=True)]
