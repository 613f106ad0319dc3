"""Joint angles and the triple extension of a pull (hip, knee and ankle extending together).

Angles are interior angles in degrees with 180 meaning straight, measured with a sign so that a hip
extended past straight (the trunk leaning back behind the thigh line, common in the second pull) reads
above 180 rather than folding back:

- hip: shoulder-hip-knee;
- knee: hip-knee-ankle;
- ankle: knee-ankle-toe (about 110 standing flat-footed, 130-150 on the toes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vbt.kinematics.peaks import polished_extremum, refined_extremum
from vbt.kinematics.series import Kinematics
from vbt.types import FloatArray, Rep, TripleExtension

EXTENSION_JOINTS = ("hip", "knee", "ankle")


@dataclass(frozen=True)
class ExtensionSettings:
    """What counts as a complete triple extension and as a double knee bend.

    Attributes:
        hip_deg, knee_deg, ankle_deg: each joint must reach at least this angle ...
        window_s: ... and the three peaks must fall within this time of each other.
        min_rebend_deg: the knee must re-bend at least this much between its first-pull peak and its
            final extension for a double knee bend.
        after_end_s: joints are searched for their peak up to this long after the pull ends (the ankle
            can peak as the bar reaches its highest point).
        polish_half_window_s: each peak found on the filtered angles is polished by a two-sided parabola
            through the raw angles this close to it (at least 3.5 source frames).
        ankle_polish_half_window_s: the same for the ankle, wider: its short foot segment makes its angle
            about 2.5 times noisier than the hip's or the knee's.
    """

    hip_deg: float = 170.0
    knee_deg: float = 160.0
    ankle_deg: float = 125.0
    window_s: float = 0.15
    min_rebend_deg: float = 3.0
    after_end_s: float = 0.05
    polish_half_window_s: float = 0.08
    ankle_polish_half_window_s: float = 0.1


def oriented_angle_deg(u: FloatArray, v: FloatArray) -> FloatArray:
    """Counter-clockwise angle from vectors (N, 2) ``u`` to ``v`` in degrees, in [0, 360). NaN propagates."""
    cross = u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]
    dot = u[:, 0] * v[:, 0] + u[:, 1] * v[:, 1]
    return np.asarray(np.mod(np.degrees(np.arctan2(cross, dot)), 360.0), dtype=np.float64)


def facing_sign(ankle_xy_m: FloatArray, toe_xy_m: FloatArray) -> float:
    """+1 when the lifter faces +x (toes ahead of the ankle in x), -1 when facing -x; +1 when unknown."""
    forward = toe_xy_m[:, 0] - ankle_xy_m[:, 0]
    if not np.isfinite(forward).any():
        return 1.0
    return 1.0 if np.nanmedian(forward) >= 0 else -1.0


def joint_angles_deg(
    shoulder: FloatArray, hip: FloatArray, knee: FloatArray, ankle: FloatArray, toe: FloatArray
) -> dict[str, FloatArray]:
    """Hip, knee and ankle angles (N,) in degrees from (N, 2) joint positions (x forward or back, y up).

    The lifter's facing direction is taken from the toes; positions are mirrored so the lifter faces +x,
    then the angles follow one convention: ankle = CCW angle from ankle->toe to ankle->knee, knee = CCW
    angle from knee->hip to knee->ankle, hip = CCW angle from hip->knee to hip->shoulder.
    """
    mirror = np.array([facing_sign(ankle, toe), 1.0])
    s, h, k, a, t = (p * mirror for p in (shoulder, hip, knee, ankle, toe))
    return {
        "hip": oriented_angle_deg(k - h, s - h),
        "knee": oriented_angle_deg(h - k, a - k),
        "ankle": oriented_angle_deg(t - a, k - a),
    }


def triple_extension(
    kinematics: Kinematics, rep: Rep, *, settings: ExtensionSettings | None = None
) -> TripleExtension | None:
    """Measure the triple extension of one pull from the smoothed joints; None without joints.

    - each joint's peak (time and angle) between lift-off and the end of the pull (peak bar height, plus
      ``after_end_s``), refined between samples;
    - the order of the peaks, the spread from the first to the last, and each one's offset from the bar's
      peak vertical velocity;
    - ``complete``: every joint reached its threshold and the peaks lie within ``window_s``;
    - the double knee bend: the knee extends (first pull), re-bends by ``knee_rebend_deg`` (the
      transition), then extends again; the second pull runs from that re-bend (``second_pull_start_s``)
      to the last of the three peaks (``second_pull_duration_s``); NaN without a double knee bend.
    """
    settings = settings or ExtensionSettings()
    names = ("shoulder", "hip", "knee", "ankle", "toe")
    points = [kinematics.joint(n) for n in names]
    angles = joint_angles_deg(*points)
    t = kinematics.t_s
    window = (t >= rep.start_s) & (t <= rep.end_s + settings.after_end_s)
    if not all(np.isfinite(angles[j][window]).sum() >= 3 for j in EXTENSION_JOINTS):
        return None

    coarse = {j: refined_extremum(t, angles[j], window) for j in EXTENSION_JOINTS}
    raw_angles = joint_angles_deg(
        *[kinematics.source_joints_xy_m[:, kinematics.joint_names.index(n)] for n in names]
    )
    min_half_window = 3.5 / kinematics.source_rate_hz
    half_windows = {j: max(settings.polish_half_window_s, min_half_window) for j in EXTENSION_JOINTS}
    half_windows["ankle"] = max(settings.ankle_polish_half_window_s, min_half_window)
    peaks = {}
    for j in EXTENSION_JOINTS:
        polished = polished_extremum(
            kinematics.source_t_s, raw_angles[j], around_s=coarse[j][0], half_window_s=half_windows[j]
        )
        peaks[j] = polished if np.isfinite(polished[0]) else coarse[j]
    bar_window = (t >= rep.start_s) & (t <= rep.end_s)
    peak_velocity_s, _ = refined_extremum(t, kinematics.bar_velocity_m_s[:, 1], bar_window)
    times = {j: peaks[j][0] for j in EXTENSION_JOINTS}
    order = tuple(sorted(EXTENSION_JOINTS, key=lambda j: times[j]))
    spread = times[order[-1]] - times[order[0]]
    thresholds = {"hip": settings.hip_deg, "knee": settings.knee_deg, "ankle": settings.ankle_deg}
    complete = spread <= settings.window_s and all(peaks[j][1] >= thresholds[j] for j in EXTENSION_JOINTS)

    rebend_deg, rebend_s = _knee_rebend(t, angles["knee"], window, final_peak_s=times["knee"])
    double_bend = rebend_deg >= settings.min_rebend_deg
    second_start = rebend_s if double_bend else np.nan
    return TripleExtension(
        hip_peak_s=times["hip"],
        knee_peak_s=times["knee"],
        ankle_peak_s=times["ankle"],
        hip_peak_deg=peaks["hip"][1],
        knee_peak_deg=peaks["knee"][1],
        ankle_peak_deg=peaks["ankle"][1],
        order=order,
        spread_s=spread,
        hip_offset_from_peak_velocity_s=times["hip"] - peak_velocity_s,
        knee_offset_from_peak_velocity_s=times["knee"] - peak_velocity_s,
        ankle_offset_from_peak_velocity_s=times["ankle"] - peak_velocity_s,
        complete=bool(complete),
        double_knee_bend=bool(double_bend),
        knee_rebend_deg=float(rebend_deg),
        second_pull_start_s=float(second_start),
        second_pull_duration_s=float(times[order[-1]] - second_start),
    )


def _knee_rebend(
    t_s: FloatArray, knee_deg: FloatArray, window: np.ndarray, *, final_peak_s: float
) -> tuple[float, float]:
    """Largest re-bend before the knee's final extension: (first-pull peak - transition minimum, its time).

    Scans the knee angle from lift-off to its final peak, tracking the highest angle so far; the deepest
    drop below that running maximum is the re-bend. Returns (0, NaN) when the knee only extends.
    """
    index = np.flatnonzero(window & (t_s <= final_peak_s) & np.isfinite(knee_deg))
    if index.size < 3:
        return 0.0, float("nan")
    knee = knee_deg[index]
    running_max = np.maximum.accumulate(knee)
    drop = running_max - knee
    i = int(np.argmax(drop))
    if drop[i] <= 0:
        return 0.0, float("nan")
    around = np.zeros(t_s.size, dtype=bool)
    around[index[max(i - 2, 0) : i + 3]] = True
    rebend_s, rebend_deg = refined_extremum(t_s, knee_deg, around, lowest=True)
    return float(running_max[i] - rebend_deg), rebend_s
