"""Per-rep metrics from the smoothed bar path: velocities, range, duration, power, heights."""

from __future__ import annotations

import numpy as np

from vbt.kinematics.noise import peak_velocity_uncertainty
from vbt.kinematics.peaks import refined_extremum
from vbt.kinematics.series import Kinematics
from vbt.types import BoolArray, FloatArray, Lift, Rep, RepMetrics, TripleExtension

#: Standard gravity, m/s^2.
G_M_S2 = 9.80665


def rep_metrics(
    kinematics: Kinematics,
    rep: Rep,
    *,
    lift: Lift,
    load_kg: float | None = None,
    triple_extension: TripleExtension | None = None,
) -> RepMetrics:
    """Measure one rep on the smoothed bar path.

    - ``mean_velocity_m_s``: vertical displacement over the phase divided by its duration.
    - ``mean_propulsive_velocity_m_s``: the same over the propulsive part, from the start to the first
      time after peak velocity that the bar decelerates faster than gravity (acceleration < -g); the
      whole phase when it never does (Sanchez-Medina et al. 2010, Int J Sports Med 31:123).
    - ``peak_velocity_m_s`` and ``time_to_peak_velocity_s`` (from the start), refined between samples.
    - ``peak_velocity_sd_m_s``: the peak's standard deviation from the track's noise
      (`vbt.kinematics.noise.peak_velocity_uncertainty`; NaN where it cannot be estimated).
    - ``horizontal_excursion_m``: the bar path's horizontal range (max - min x) over the phase.
    - with ``load_kg``: power = load x (a + g) x v; its mean over the phase and its peak.
    - Olympic lifts: ``peak_height_m`` (end of the pull above lift-off) and ``catch_height_m``
      (lowest point of the catch above lift-off; NaN for a failed lift).

    Samples inside the phase that are NaN are ignored; the ends are interpolated in time.
    """
    t = kinematics.t_s
    x, y = kinematics.bar_xy_m[:, 0], kinematics.bar_xy_m[:, 1]
    vy = kinematics.bar_velocity_m_s[:, 1]
    ay = kinematics.bar_acceleration_m_s2[:, 1]
    start, end = rep.start_s, rep.end_s
    duration = end - start
    y_start, y_end = _at(t, y, start), _at(t, y, end)
    inside: BoolArray = (t >= start) & (t <= end)

    peak_t, peak_v = refined_extremum(t, vy, inside)
    propulsive_end = _propulsive_end(t, ay, after_s=peak_t, end_s=end)
    propulsive_duration = propulsive_end - start
    mpv = (_at(t, y, propulsive_end) - y_start) / propulsive_duration if propulsive_duration > 0 else np.nan

    x_inside = x[inside]
    excursion = float(np.nanmax(x_inside) - np.nanmin(x_inside)) if np.isfinite(x_inside).any() else np.nan

    mean_power = peak_power = np.nan
    if load_kg is not None:
        power = load_kg * (ay[inside] + G_M_S2) * vy[inside]
        if np.isfinite(power).any():
            mean_power = float(np.nanmean(power))
            peak_power = float(np.nanmax(power))

    peak_height = catch_height = np.nan
    if lift.is_olympic:
        peak_height = y_end - y_start
        if np.isfinite(rep.catch_s):
            catch_height = _at(t, y, rep.catch_s) - y_start

    return RepMetrics(
        index=rep.index,
        start_s=start,
        end_s=end,
        status=rep.status,
        mean_velocity_m_s=(y_end - y_start) / duration,
        mean_propulsive_velocity_m_s=float(mpv),
        peak_velocity_m_s=peak_v,
        time_to_peak_velocity_s=peak_t - start,
        range_of_motion_m=y_end - y_start,
        duration_s=duration,
        propulsive_duration_s=propulsive_duration,
        horizontal_excursion_m=excursion,
        mean_power_w=mean_power,
        peak_power_w=peak_power,
        peak_height_m=peak_height,
        catch_height_m=catch_height,
        triple_extension=triple_extension,
        partial_start=rep.partial_start,
        partial_end=rep.partial_end,
        peak_velocity_sd_m_s=peak_velocity_uncertainty(kinematics, peak_s=peak_t).sd_m_s,
    )


def _at(t_s: FloatArray, values: FloatArray, when_s: float) -> float:
    """Linear interpolation of (M,) values at one time (NaN outside or next to a gap; a sample's own
    value at its own time, whatever lies beside it)."""
    i = int(np.searchsorted(t_s, when_s))
    if i < t_s.size and t_s[i] == when_s:
        return float(values[i])
    if i <= 0 or i >= t_s.size:
        return float(values[min(max(i, 0), t_s.size - 1)]) if t_s.size else float("nan")
    fraction = (when_s - t_s[i - 1]) / (t_s[i] - t_s[i - 1])
    return float(values[i - 1] + fraction * (values[i] - values[i - 1]))


def _propulsive_end(t_s: FloatArray, ay: FloatArray, *, after_s: float, end_s: float) -> float:
    """First time after ``after_s`` where acceleration falls below -g, interpolated; ``end_s`` if never."""
    if not np.isfinite(after_s):
        return end_s
    index = np.flatnonzero((t_s >= after_s) & (t_s <= end_s))
    below = index[ay[index] < -G_M_S2]
    if below.size == 0:
        return end_s
    i = int(below[0])
    if i == 0 or not np.isfinite(ay[i - 1]) or ay[i - 1] < -G_M_S2:
        return float(t_s[i])
    a0, a1 = ay[i - 1], ay[i]
    return float(t_s[i - 1] + (-G_M_S2 - a0) / (a1 - a0) * (t_s[i] - t_s[i - 1]))
