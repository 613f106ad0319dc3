"""A rise first seen after a gap can have started at the floor only as fast as gravity lets the bar
get there (known answers: g t^2 / 2)."""

from __future__ import annotations

import numpy as np

from vbt.kinematics.gaps import could_start_from
from vbt.kinematics.metrics import G_M_S2


def _seen_until(last_y_m: float, last_vy_m_s: float, gap_s: float) -> tuple[np.ndarray, ...]:
    """Samples at 100 Hz: the bar seen at ``last_y_m`` up to t = 1 s, then a gap of ``gap_s``, then seen."""
    t = np.arange(0.0, 3.0, 0.01)
    y = np.full(t.size, last_y_m)
    vy = np.full(t.size, last_vy_m_s)
    gap = (t > 1.0 + 1e-9) & (t < 1.0 + gap_s - 1e-9)
    y[gap] = vy[gap] = np.nan
    return t, y, vy


def test_a_rise_after_a_gap_too_short_to_fall_to_the_floor_did_not_start_there() -> None:
    # 0.55 m above the floor: a free fall takes sqrt(2 * 0.55 / g) = 0.335 s
    fall_s = float(np.sqrt(2 * 0.55 / G_M_S2))
    for gap_s, expected in ((0.30, False), (0.33, False), (0.34, True), (0.6, True)):
        t, y, vy = _seen_until(0.6, -0.3, gap_s)
        assert could_start_from(t, y, vy, 1.0 + gap_s, low_y_m=0.05, rising_m_s=0.15) is expected
    assert 0.33 < fall_s < 0.34


def test_a_rise_cut_by_the_gap_or_at_the_recordings_start_may_have_started_at_the_floor() -> None:
    t, y, vy = _seen_until(0.6, 0.8, 0.3)  # rising into the gap: the pull the gap cut
    assert could_start_from(t, y, vy, 1.3, low_y_m=0.05, rising_m_s=0.15)
    t, y, vy = _seen_until(0.6, 0.0, 0.3)
    assert could_start_from(t, y, vy, 0.0, low_y_m=0.05, rising_m_s=0.15)  # nothing seen before
    assert could_start_from(t, y, vy, 1.3, low_y_m=0.6, rising_m_s=0.15)  # already as low as needed
