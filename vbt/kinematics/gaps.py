"""What a gap in the samples (frames lost, the bar unseen) can have hidden: bounds from gravity.

A rise first seen after a gap (a stroke with ``partial_start`` at the gap's edge, `vbt.kinematics.reps`)
began somewhere inside the gap. For a lift that must start at the floor, that is possible only if
the bar could get from where it was last seen down to the floor within the gap: lowered or dropped,
a bar falls no faster than gravity lets it, ``h = g t^2 / 2`` from rest. A stand-up from a power
clean's catch (0.6 m up) first seen after a 0.3 s gap cannot have started at the floor: 0.3 s of free
fall covers 0.44 m.
"""

from __future__ import annotations

import numpy as np

from vbt.kinematics.metrics import G_M_S2
from vbt.types import FloatArray


def could_start_from(
    t_s: FloatArray,
    y_m: FloatArray,
    vy_m_s: FloatArray,
    start_s: float,
    *,
    low_y_m: float,
    rising_m_s: float,
) -> bool:
    """Whether a rise first seen at ``start_s``, after a gap, can have started at ``low_y_m`` or lower.

    Parameters:
        t_s: (N,) sample times, seconds.
        y_m: (N,) bar height, metres, NaN where unseen (the gap).
        vy_m_s: (N,) vertical velocity, m/s, NaN where unseen.
        start_s: the rise's first seen time.
        low_y_m: the height the rise must have started from (the floor, with its tolerance).
        rising_m_s: a bar at least this fast upwards at the gap's edge was rising into it: the
            rise is the one the gap cut, and it started before the gap (True).

    True when nothing was seen before ``start_s`` (the recording's start: nothing known), when the bar
    was rising into the gap, or when the bar, from its last seen height at rest or falling, could
    fall to ``low_y_m`` within the gap (``g t^2 / 2``).
    """
    t = np.asarray(t_s, dtype=np.float64)
    y = np.asarray(y_m, dtype=np.float64)
    vy = np.asarray(vy_m_s, dtype=np.float64)
    before = np.flatnonzero(np.isfinite(y) & (t < start_s))
    if not before.size:
        return True
    last = int(before[-1])
    if np.isfinite(vy[last]) and vy[last] >= rising_m_s:
        return True
    gap_s = start_s - float(t[last])
    return bool(y[last] - low_y_m <= 0.5 * G_M_S2 * gap_s**2)
