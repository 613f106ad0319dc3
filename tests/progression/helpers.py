"""Rep metrics with chosen velocities, for the progression tests."""

from __future__ import annotations

import math

from vbt.types import RepMetrics, RepStatus, TripleExtension

NAN = math.nan


def extension(*, complete: bool) -> TripleExtension:
    return TripleExtension(
        1.5,
        1.52,
        1.55,
        178.0,
        172.0,
        121.0 if complete else 100.0,
        ("hip", "knee", "ankle"),
        0.05,
        -0.02,
        0.0,
        0.03,
        complete,
        True,
        14.0,
        1.3,
        0.2,
    )


def rep(
    index: int,
    *,
    mean_m_s: float = NAN,
    peak_m_s: float = NAN,
    status: RepStatus = RepStatus.OK,
    complete: bool | None = None,
) -> RepMetrics:
    start = 2.0 * index
    return RepMetrics(
        index=index,
        start_s=start,
        end_s=start + 0.7,
        status=status,
        mean_velocity_m_s=mean_m_s,
        mean_propulsive_velocity_m_s=NAN,
        peak_velocity_m_s=peak_m_s,
        time_to_peak_velocity_s=NAN,
        range_of_motion_m=NAN,
        duration_s=0.7,
        propulsive_duration_s=NAN,
        horizontal_excursion_m=NAN,
        mean_power_w=NAN,
        peak_power_w=NAN,
        peak_height_m=NAN,
        catch_height_m=NAN,
        triple_extension=None if complete is None else extension(complete=complete),
    )
