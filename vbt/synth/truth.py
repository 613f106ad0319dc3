"""The exact answers of a synthetic set, computed from the construction (never from samples).

Rep boundaries, peak velocity and the catch are knots; heights come from the exact antiderivative; the
propulsive end is the root of a quadratic (the acceleration of a cubic segment); peak power is the
maximum of a quintic per segment, found at the roots of its derivative.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from scipy.interpolate import PPoly

from vbt.synth.plans import ExtensionPlan, GhostPlan, Program, RepPlan
from vbt.synth.profiles import G_M_S2, BarMotion
from vbt.types import Lift, RepMetrics, RepStatus

Json = dict[str, Any]


def build_truth(
    program: Program,
    *,
    lift: Lift,
    load_kg: float | None,
    with_joints: bool,
) -> Json:
    """The ``reps``, ``set`` and ``ghosts`` parts of the truth JSON."""
    reps = [
        rep_truth(program.motion, rep, i + 1, lift=lift, load_kg=load_kg, with_joints=with_joints)
        for i, rep in enumerate(program.reps)
    ]
    return {
        "reps": reps,
        "set": set_truth(reps),
        "ghosts": [ghost_truth(g) for g in program.ghosts],
    }


def rep_truth(
    motion: BarMotion,
    rep: RepPlan,
    index: int,
    *,
    lift: Lift,
    load_kg: float | None,
    with_joints: bool,
) -> Json:
    """Exact metrics of one rep (keys as in the analysis report)."""
    t = motion.knot_t_s
    start, end = float(t[rep.start]), float(t[rep.end])
    y_start, y_end = _at(motion.y, start), _at(motion.y, end)
    duration = end - start
    rom = y_end - y_start
    velocities = motion.knot_v_m_s[rep.start : rep.end + 1]
    k_peak = rep.start + int(np.argmax(velocities))
    peak_v = float(motion.knot_v_m_s[k_peak])
    t_peak = float(t[k_peak])
    t_prop = propulsive_end_s(motion.vy, k_peak, rep.end)
    ok = rep.status is RepStatus.OK
    olympic = lift.is_olympic and ok
    catch_s = float(t[rep.catch]) if olympic and rep.catch is not None else None
    v_start, v_end = float(motion.knot_v_m_s[rep.start]), float(motion.knot_v_m_s[rep.end])
    if load_kg is None:
        mean_power: float | None = None
        peak_power: float | None = None
    else:
        work = (v_end**2 - v_start**2) / 2.0 + G_M_S2 * rom
        mean_power = load_kg * work / duration
        peak_power = load_kg * peak_specific_power(motion.vy, rep.start, rep.end)
    return {
        "index": index,
        "status": rep.status.value,
        "start_s": start,
        "end_s": end,
        "mean_velocity_m_s": rom / duration,
        "mean_propulsive_velocity_m_s": (_at(motion.y, t_prop) - y_start) / (t_prop - start),
        "propulsive_duration_s": t_prop - start,
        "peak_velocity_m_s": peak_v,
        "time_to_peak_velocity_s": t_peak - start,
        "range_of_motion_m": rom,
        "duration_s": duration,
        "horizontal_excursion_m": horizontal_excursion_m(motion, start, end),
        "mean_power_w": mean_power,
        "peak_power_w": peak_power,
        "peak_height_m": rom if olympic else None,
        "catch_height_m": _at(motion.y, catch_s) - y_start if catch_s is not None else None,
        "catch_s": catch_s,
        "triple_extension": (
            extension_truth(rep.extension, peak_velocity_s=t_peak)
            if rep.extension is not None and with_joints
            else None
        ),
    }


def extension_truth(plan: ExtensionPlan, *, peak_velocity_s: float) -> Json:
    peaks = {"hip": plan.hip_peak_s, "knee": plan.knee_peak_s, "ankle": plan.ankle_peak_s}
    order = sorted(peaks, key=lambda name: peaks[name])
    return {
        "hip_peak_s": plan.hip_peak_s,
        "knee_peak_s": plan.knee_peak_s,
        "ankle_peak_s": plan.ankle_peak_s,
        "hip_peak_deg": plan.hip_peak_deg,
        "knee_peak_deg": plan.knee_peak_deg,
        "ankle_peak_deg": plan.ankle_peak_deg,
        "order": order,
        "spread_s": max(peaks.values()) - min(peaks.values()),
        "peak_velocity_s": peak_velocity_s,
        "hip_offset_from_peak_velocity_s": plan.hip_peak_s - peak_velocity_s,
        "knee_offset_from_peak_velocity_s": plan.knee_peak_s - peak_velocity_s,
        "ankle_offset_from_peak_velocity_s": plan.ankle_peak_s - peak_velocity_s,
        "double_knee_bend": plan.double_knee_bend,
        "knee_rebend_deg": plan.knee_rebend_deg,
        "second_pull_start_s": plan.second_pull_start_s,
        "complete_intended": plan.complete_intended,
    }


def set_truth(reps: list[Json]) -> Json:
    """Set figures over the successful reps (failed reps are only counted)."""
    mean_v = [r["mean_velocity_m_s"] for r in reps if r["status"] == RepStatus.OK.value]
    failed = sum(1 for r in reps if r["status"] == RepStatus.FAILED.value)
    if not mean_v:
        return {
            "rep_count": 0,
            "failed_rep_count": failed,
            "best_mean_velocity_m_s": None,
            "first_mean_velocity_m_s": None,
            "last_mean_velocity_m_s": None,
            "velocity_loss_pct": None,
            "velocity_loss_from_first_pct": None,
        }
    best, first, last = max(mean_v), mean_v[0], mean_v[-1]
    return {
        "rep_count": len(mean_v),
        "failed_rep_count": failed,
        "best_mean_velocity_m_s": best,
        "first_mean_velocity_m_s": first,
        "last_mean_velocity_m_s": last,
        "velocity_loss_pct": (best - last) / best * 100.0,
        "velocity_loss_from_first_pct": (first - last) / first * 100.0,
    }


def ghost_truth(ghost: GhostPlan) -> Json:
    return {"kind": ghost.kind, "start_s": ghost.start_s, "end_s": ghost.end_s}


# --- exact searches on the velocity profile ---------------------------------------------------------


def propulsive_end_s(vy: PPoly, first_segment: int, end_knot: int) -> float:
    """First time after knot ``first_segment`` where the acceleration is below -g, else the end knot.

    The acceleration on a segment is the quadratic ``3 c3 s^2 + 2 c2 s + c1``; the set where it is below
    -g starts at the segment start or at a root of ``a(s) + g``.
    """
    for i in range(first_segment, end_knot):
        c3, c2, c1, _ = vy.c[:, i]
        h = float(vy.x[i + 1] - vy.x[i])
        quad = (3.0 * c3, 2.0 * c2, c1 + G_M_S2)
        points = [0.0, *sorted(r for r in _quadratic_roots(*quad) if 0.0 < r < h), h]
        for p, q in itertools.pairwise(points):
            mid = (p + q) / 2.0
            if (quad[0] * mid + quad[1]) * mid + quad[2] < 0.0:
                return float(vy.x[i] + p)
    return float(vy.x[end_knot])


def peak_specific_power(vy: PPoly, start_knot: int, end_knot: int) -> float:
    """Max of ``(a + g) v`` (W/kg) between two knots: each segment's quintic at its ends and roots."""
    best = -math.inf
    for i in range(start_knot, end_knot):
        c3, c2, c1, c0 = vy.c[:, i]
        h = float(vy.x[i + 1] - vy.x[i])
        power = np.polymul([3.0 * c3, 2.0 * c2, c1 + G_M_S2], [c3, c2, c1, c0])
        slope = np.polyder(power)
        candidates = [0.0, h]
        if np.any(slope != 0.0):
            roots = np.roots(slope)
            candidates += [float(r.real) for r in roots if abs(r.imag) < 1e-9 and 0.0 < r.real < h]
        best = max(best, max(float(np.polyval(power, s)) for s in candidates))
    return best


def horizontal_excursion_m(motion: BarMotion, start_s: float, end_s: float) -> float:
    """max x - min x over [start, end]: x is monotone between its knots, so ends and inner knots."""
    inner = (motion.x_knot_t_s > start_s) & (motion.x_knot_t_s < end_s)
    values = [_at(motion.x, start_s), _at(motion.x, end_s), *map(float, motion.x_knot_m[inner])]
    return max(values) - min(values)


def _quadratic_roots(a: float, b: float, c: float) -> list[float]:
    scale = max(abs(a), abs(b), abs(c))
    if scale == 0.0:
        return []
    if abs(a) <= 1e-12 * scale:
        return [] if abs(b) <= 1e-12 * scale else [-c / b]
    disc = b * b - 4.0 * a * c
    if disc < 0.0:
        return []
    root = math.sqrt(disc)
    q = -0.5 * (b + math.copysign(root, b))
    roots = [q / a]
    if q != 0.0:
        roots.append(c / q)
    return roots


def _at(curve: PPoly, t_s: float) -> float:
    return float(curve(t_s))


def match_reps(measured: list[RepMetrics], truth_reps: list[Json]) -> list[tuple[RepMetrics, Json]]:
    """Pair each true rep with the measured rep that overlaps it most in time; unmatched ones are left out."""
    pairs = []
    for true_rep in truth_reps:
        best, overlap = None, 0.0
        for rep in measured:
            shared = min(rep.end_s, true_rep["end_s"]) - max(rep.start_s, true_rep["start_s"])
            if shared > overlap:
                best, overlap = rep, shared
        if best is not None:
            pairs.append((best, true_rep))
    return pairs
