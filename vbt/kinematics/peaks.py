"""Sub-sample extrema: the top of a parabola through the highest sample and its two neighbours."""

from __future__ import annotations

import numpy as np

from vbt.types import BoolArray, FloatArray


def refined_extremum(
    t_s: FloatArray, values: FloatArray, window: BoolArray, *, lowest: bool = False
) -> tuple[float, float]:
    """Time and value of the largest (or smallest) of (M,) ``values`` where ``window`` is True.

    The sample extremum is refined by a parabola through it and its two neighbours (when both are inside
    the window and finite), which recovers the peak of a smooth curve between samples. NaNs are ignored.

    Returns
    -------
    (t_s, value)
        NaN, NaN when the window holds no finite value.
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
