"""Joint angles and the triple extension of a pull (hip, knee and ankle extending together).

Angles are interior angles in degrees with 180 meaning straight, measured with a sign so that a hip
extended past straight (the trunk leaning back behind the thigh line, common in the second pull) reads
above 180 rather than folding back:

- hip: shoulder-hip-knee;
- knee: hip-knee-ankle;
- ankle: knee-ankle-toe (about 110 standing flat-footed, 130-150 on the toes).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from vbt.kinematics.peaks import polished_extremum, refined_extremum
from vbt.kinematics.series import Kinematics
from vbt.types import BoolArray, FloatArray, Rep, TripleExtension

EXTENSION_JOINTS = ("hip", "knee", "ankle")


#: Ranges of these angles a body can take, degrees, with a 15-degree margin for a 2D projection
#: (the American Academy of Orthopaedic Surgeons' normal ranges of motion: hip extension 30, knee
#: flexion 135-150 and hyperextension to 10, ankle dorsiflexion 20 and plantar flexion 50; the hip
#: angle here includes the trunk, which closes to 25-40 degrees at the start of a snatch and in a
#: deep squat). An angle outside is a landmark in the wrong place, never a pose.
ANATOMY_DEG: dict[str, tuple[float, float]] = {
    "hip": (10.0, 225.0),
    "knee": (15.0, 205.0),
    "ankle": (40.0, 185.0),
}


#: What ``complete`` is measured against, as the report says it.
COMPLETE_BASIS = (
    "complete: hip at least 170, knee 160 and ankle 120 degrees, the three peaks within 0.15 s: the low "
    "end of what elite weightlifters reach at the end of the second pull, measured side-on in 2D "
    "(knee about 165-175, ankle about 120-135 degrees between shank and foot; Gourgoulis et al. 2000, "
    "J Sports Sci 18:643; Harbili 2012, J Sports Sci Med 11:162). vbt's angles are 2D, from the pose's "
    "landmarks of the side facing the camera, not yet checked against markers: a few degrees either way "
    "are within their error, and a joint behind the plate is not measured."
)


@dataclass(frozen=True)
class ExtensionSettings:
    """What counts as a complete triple extension and as a double knee bend, and when a joint is seen
    well enough to measure.

    Attributes:
        hip_deg, knee_deg, ankle_deg: each joint must reach at least this angle ...
        window_s: ... and the three peaks must fall within this time of each other.
        complete_basis: what the thresholds stand for (shown in the report beside ``complete``).
        min_rebend_deg: the knee must re-bend at least this much between its first-pull peak and its
            final extension for a double knee bend.
        around_peak_velocity_s: joints are searched for their final extension from this long before
            the bar's peak vertical velocity to this long after it. The pull's propulsive part ends at
            peak bar velocity (Hori, Chiu & Kawamori 2009, J Aust Strength Cond 17(3):18); the second
            pull lasts about 0.15-0.25 s before it (Garhammer 1985) and the ankle can finish just
            after. Beyond it the lifter drops under the bar, where the plate hides the hips.
        after_end_s: the search never goes further than this past the pull's end.
        polish_half_window_s: each peak found on the filtered angles is polished by a two-sided parabola
            through the raw angles this close to it (at least 3.5 source frames).
        ankle_polish_half_window_s: the same for the ankle, wider: its short foot segment makes its angle
            about 2.5 times noisier than the hip's or the knee's.
        min_visibility: a joint angle's three landmarks must each be at least this visible (and
            present) in a sample for it to count. MediaPipe rates the near ankle and toe of a side view
            0.35-0.55 where their positions are right. Lowering it measures more pulls, with guesses
            in them.
        plate_radius_m: the near plate's radius.
        hidden_depth_frac: a landmark closer to the bar than this share of the plate's radius is
            behind the plate in a side view, and so is the limb around it: the pose guesses it. Nearer
            the rim, the limb beyond the rim places it. Raising it rejects more of the second pull,
            where the hip passes close to the plate's rim.
        max_angular_speed_deg_s: a sample whose angle departs from its neighbours' faster than this is a
            landmark glitch. Hip and knee extension peak at about 600-900 deg/s in the second pull and
            in jumps (Kipp et al. 2011, J Strength Cond Res 25:1229); raising it lets glitches through.
        max_unseen_frac: a joint is not measured in a pull when more than this share of its samples
            within ``core_s`` of the bar's peak velocity could not be used ...
        core_s: ... (where the final extension happens).
        peak_margin_s, max_bad_near_peak_frac: when more than this share of the samples within
            ``peak_margin_s`` of a peak could not be used, the peak may lie among them: not measured
            (a sample or two missing beside it are bridged).
    """

    hip_deg: float = 170.0
    knee_deg: float = 160.0
    ankle_deg: float = 120.0
    window_s: float = 0.15
    complete_basis: str = COMPLETE_BASIS
    min_rebend_deg: float = 3.0
    around_peak_velocity_s: tuple[float, float] = (0.3, 0.15)
    after_end_s: float = 0.05
    polish_half_window_s: float = 0.08
    ankle_polish_half_window_s: float = 0.1
    min_visibility: float = 0.3
    plate_radius_m: float = 0.225
    hidden_depth_frac: float = 0.75
    max_angular_speed_deg_s: float = 1500.0
    max_unseen_frac: float = 0.5
    core_s: float = 0.1
    peak_margin_s: float = 0.04
    max_bad_near_peak_frac: float = 0.34


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


#: The landmarks of each joint's angle (the joint itself in the middle).
_ANGLE_POINTS = {
    "hip": ("shoulder", "hip", "knee"),
    "knee": ("hip", "knee", "ankle"),
    "ankle": ("knee", "ankle", "toe"),
}
_NAMES = ("shoulder", "hip", "knee", "ankle", "toe")


def usable_angle_samples(
    kinematics: Kinematics, raw_angles: dict[str, FloatArray], *, settings: ExtensionSettings
) -> dict[str, dict[str, BoolArray]]:
    """Per joint, why each raw sample's angle cannot be used: ``outside anatomy``, ``glitch`` (it
    departs from its neighbours faster than a joint moves), ``seen poorly`` (a landmark's visibility
    under ``min_visibility``), ``behind the plate`` (the joint inside the near plate's disc), and
    ``missing``. Each is an (N,) mask over the source's samples. Visibility and the plate's cover
    apply to joints from a pose (their visibility known); joints given without one are measured."""
    t = kinematics.source_t_s
    bar = kinematics.source_bar_xy_m
    visibility = kinematics.source_joints_visibility
    out: dict[str, dict[str, BoolArray]] = {}
    for joint, points in _ANGLE_POINTS.items():
        angle = raw_angles[joint]
        lo, hi = ANATOMY_DEG[joint]
        causes: dict[str, BoolArray] = {"missing": ~np.isfinite(angle)}
        with np.errstate(invalid="ignore"):
            causes["outside anatomy"] = np.isfinite(angle) & ((angle < lo) | (angle > hi))
        causes["glitch"] = _glitches(t, np.where(causes["outside anatomy"], np.nan, angle), settings)
        poorly = np.zeros(t.size, dtype=bool)
        if visibility.shape == (t.size, len(kinematics.joint_names)):
            for name in points:
                poorly |= visibility[:, kinematics.joint_names.index(name)] < settings.min_visibility
        causes["seen poorly"] = poorly
        hidden = np.zeros(t.size, dtype=bool)
        from_pose = visibility.shape == (t.size, len(kinematics.joint_names))
        for name in points:  # any of the angle's landmarks behind the plate spoils it
            j = kinematics.joint_names.index(name)
            xy = kinematics.source_joints_xy_m[:, j]
            with np.errstate(invalid="ignore"):
                inside = np.hypot(*(xy - bar).T) < settings.hidden_depth_frac * settings.plate_radius_m
            # only a pose guesses what it cannot see: joints given without a visibility (a track
            # CSV from markers or hand clicks) are taken as measured
            hidden |= inside & (np.isfinite(visibility[:, j]) if from_pose else False)
        causes["behind the plate"] = hidden
        out[joint] = causes
    return out


def _glitches(t_s: FloatArray, angle: FloatArray, settings: ExtensionSettings) -> BoolArray:
    """(N,) samples further from the median of their four nearest neighbours (two each side) than a
    joint can move in the time between them."""
    n = angle.size
    out = np.zeros(n, dtype=bool)
    if n < 5:
        return out
    padded = np.concatenate([[np.nan, np.nan], angle, [np.nan, np.nan]])
    tp = np.concatenate([[np.nan, np.nan], t_s, [np.nan, np.nan]])
    neighbours = np.stack([padded[k : k + n] for k in (0, 1, 3, 4)])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # samples without finite neighbours: NaN
        middle = np.nanmedian(neighbours, axis=0)
        dt = np.nanmax(np.abs(np.stack([tp[k : k + n] for k in (1, 3)]) - t_s), axis=0)
        out = np.abs(angle - middle) > settings.max_angular_speed_deg_s * dt
    return np.asarray(out & np.isfinite(angle) & np.isfinite(middle))


def anatomical_angles_deg(angles: dict[str, FloatArray]) -> dict[str, FloatArray]:
    """The angles with every value outside the joint's range of motion (``ANATOMY_DEG``) set to NaN:
    a landmark in the wrong place, never a pose (what a plot or a table should show)."""
    out = {}
    for joint, values in angles.items():
        lo, hi = ANATOMY_DEG.get(joint, (-np.inf, np.inf))
        with np.errstate(invalid="ignore"):
            out[joint] = np.where((values >= lo) & (values <= hi), values, np.nan)
    return out


def triple_extension(
    kinematics: Kinematics, rep: Rep, *, settings: ExtensionSettings | None = None
) -> TripleExtension | None:
    """Measure the triple extension of one pull from the joints; None without joints.

    - each joint's peak (time and angle) around the bar's peak velocity (``around_peak_velocity_s``,
      within the pull), refined between samples, on the samples that can be used
      (``usable_angle_samples``); a joint is not measured (NaN, with the reason in ``unseen``) when too
      many of its samples in the pull could not be used, or its peak lies next to such samples;
    - the order of the peaks seen, the spread from the first to the last, and each one's offset from the
      bar's peak vertical velocity;
    - ``complete``: every joint reached its threshold and the peaks lie within ``window_s``; None unless
      all three were seen;
    - the double knee bend: the knee extends (first pull), re-bends by ``knee_rebend_deg`` (the
      transition) before the bar's peak velocity (the second pull cannot start after it), then extends
      again; the second pull runs from that re-bend (``second_pull_start_s``) to the last of the peaks
      seen (``second_pull_duration_s``); NaN without a double knee bend.
    """
    settings = settings or ExtensionSettings()
    points = [kinematics.joint(n) for n in _NAMES]
    angles = joint_angles_deg(*points)
    t = kinematics.t_s
    pull = (t >= rep.start_s) & (t <= rep.end_s + settings.after_end_s)
    if not any(np.isfinite(angles[j][pull]).sum() >= 3 for j in EXTENSION_JOINTS):
        return None
    bar_window = (t >= rep.start_s) & (t <= rep.end_s)
    peak_velocity_s, _ = refined_extremum(t, kinematics.bar_velocity_m_s[:, 1], bar_window)
    before, after = settings.around_peak_velocity_s
    lo = max(rep.start_s, peak_velocity_s - before) if np.isfinite(peak_velocity_s) else rep.start_s
    hi = (
        min(rep.end_s + settings.after_end_s, peak_velocity_s + after)
        if np.isfinite(peak_velocity_s)
        else rep.end_s
    )
    window = (t >= lo) & (t <= hi)
    raw_t = kinematics.source_t_s
    raw_angles = joint_angles_deg(
        *[kinematics.source_joints_xy_m[:, kinematics.joint_names.index(n)] for n in _NAMES]
    )
    causes = usable_angle_samples(kinematics, raw_angles, settings=settings)
    raw_window = (raw_t >= lo) & (raw_t <= hi)
    min_half_window = 3.5 / kinematics.source_rate_hz

    peaks: dict[str, tuple[float, float]] = {}
    unseen: dict[str, str] = {}
    for j in EXTENSION_JOINTS:
        bad = np.zeros(raw_t.size, dtype=bool)
        for mask in causes[j].values():
            bad |= mask
        half = max(
            settings.ankle_polish_half_window_s if j == "ankle" else settings.polish_half_window_s,
            min_half_window,
        )
        core = raw_window & (np.abs(raw_t - peak_velocity_s) <= settings.core_s)
        found, why = _joint_peak(t, angles[j], window, raw_t, raw_angles[j], bad, core, half, settings)
        if why is not None:
            unseen[j] = _unseen_reason(j, causes[j], core if why == "unseen" else raw_window, why)
        else:
            peaks[j] = found

    times = {j: peaks[j][0] for j in peaks}
    order = tuple(sorted(times, key=lambda j: times[j]))
    spread = times[order[-1]] - times[order[0]] if len(order) >= 2 else np.nan
    thresholds = {"hip": settings.hip_deg, "knee": settings.knee_deg, "ankle": settings.ankle_deg}
    complete: bool | None = None
    if not unseen:
        complete = bool(
            spread <= settings.window_s and all(peaks[j][1] >= thresholds[j] for j in EXTENSION_JOINTS)
        )

    rebend_deg, rebend_s = 0.0, np.nan
    if "knee" in peaks:
        before_peak_velocity = pull & (t <= peak_velocity_s) if np.isfinite(peak_velocity_s) else pull
        rebend_deg, rebend_s = _knee_rebend(
            t, angles["knee"], before_peak_velocity, final_peak_s=times["knee"]
        )
    double_bend = rebend_deg >= settings.min_rebend_deg
    second_start = rebend_s if double_bend else np.nan
    last_peak = times[order[-1]] if order else np.nan
    nan = float("nan")
    return TripleExtension(
        hip_peak_s=times.get("hip", nan),
        knee_peak_s=times.get("knee", nan),
        ankle_peak_s=times.get("ankle", nan),
        hip_peak_deg=peaks.get("hip", (nan, nan))[1],
        knee_peak_deg=peaks.get("knee", (nan, nan))[1],
        ankle_peak_deg=peaks.get("ankle", (nan, nan))[1],
        order=order,
        spread_s=float(spread),
        hip_offset_from_peak_velocity_s=times.get("hip", nan) - peak_velocity_s,
        knee_offset_from_peak_velocity_s=times.get("knee", nan) - peak_velocity_s,
        ankle_offset_from_peak_velocity_s=times.get("ankle", nan) - peak_velocity_s,
        complete=complete,
        double_knee_bend=bool(double_bend),
        knee_rebend_deg=float(rebend_deg),
        second_pull_start_s=float(second_start),
        second_pull_duration_s=float(last_peak - second_start),
        unseen=unseen,
        complete_basis=settings.complete_basis,
    )


def _joint_peak(
    t: FloatArray,
    angle: FloatArray,
    window: BoolArray,
    raw_t: FloatArray,
    raw_angle: FloatArray,
    bad: BoolArray,
    core: BoolArray,
    half_window_s: float,
    settings: ExtensionSettings,
) -> tuple[tuple[float, float], str | None]:
    """A joint's peak in ``window`` on the usable samples, or why it cannot be measured
    (``"unseen"``: too many unusable samples in ``core``; ``"near"``: the peak borders unusable
    samples)."""
    nan = (float("nan"), float("nan"))
    if not core.any() or bad[core].mean() > settings.max_unseen_frac:
        return nan, "unseen"
    # grid samples take the usability of the source sample nearest them
    nearest = np.clip(np.searchsorted(raw_t, t), 1, raw_t.size - 1)
    nearest -= (t - raw_t[nearest - 1]) < (raw_t[nearest] - t)
    usable_grid = ~bad[nearest]
    coarse = refined_extremum(t, angle, window & usable_grid)
    if not np.isfinite(coarse[0]):
        return nan, "unseen"
    close = np.abs(raw_t - coarse[0]) <= settings.peak_margin_s + 0.5 / _rate(raw_t)
    if not close.any() or bad[close].mean() > settings.max_bad_near_peak_frac:
        return nan, "near"
    polished = polished_extremum(
        raw_t, np.where(bad, np.nan, raw_angle), around_s=coarse[0], half_window_s=half_window_s
    )
    return (polished if np.isfinite(polished[0]) else coarse), None


def _rate(t: FloatArray) -> float:
    return float(1.0 / np.median(np.diff(t))) if t.size > 1 else 1.0


def _unseen_reason(joint: str, causes: dict[str, BoolArray], window: BoolArray, why: str) -> str:
    """A sentence: which cause spoiled most of the joint's samples in the pull."""
    counts = {cause: int((mask & window).sum()) for cause, mask in causes.items()}
    cause = max(counts, key=lambda c: counts[c])
    where = "through the second pull" if why == "unseen" else "around its peak"
    text = {
        "behind the plate": f"the {joint} was behind the plate {where}",
        "seen poorly": f"the pose saw the {joint} poorly {where} (landmark visibility low)",
        "glitch": f"the {joint}'s landmarks jumped about {where}",
        "outside anatomy": f"the {joint} angle left the joint's range of motion {where} (landmarks misplaced)",
        "missing": f"the pose lost the {joint} {where}",
    }[cause]
    return (
        f"{text}: its peak is not measured. To see the hip, knee and ankle past the plate, film from "
        "about 30 degrees in front of the side (bar velocity stays right)"
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
