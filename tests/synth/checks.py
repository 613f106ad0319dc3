"""Independent checks of a synthetic set's truth against its exact motion (dense sampling, quadrature)."""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import quad

from vbt.synth import GHOST_KINDS, SynthSet

G = 9.80665
#: The triple-extension thresholds the generator promises for "complete" pulls.
COMPLETE = {"hip": 175.0, "knee": 165.0, "ankle": 130.0}


def dense(start: float, end: float, n: int = 4001) -> np.ndarray:
    return np.linspace(start, end, n)


def rising_runs(s: SynthSet) -> list[tuple[float, float]]:
    """Maximal intervals where the exact vertical velocity is > 0 (they start and end at knots)."""
    v = s.motion.knot_v_m_s
    t = s.motion.knot_t_s
    runs, start = [], None
    for i in range(len(v) - 1):
        rising = v[i] > 0 or v[i + 1] > 0
        if rising and start is None:
            start = t[i]
        if not rising and start is not None:
            runs.append((start, t[i]))
            start = None
    if start is not None:
        runs.append((start, t[-1]))
    return runs


def check_motion(s: SynthSet) -> None:
    """Velocity segments monotone, zero crossings only at knots, position continuous."""
    m = s.motion
    v = m.knot_v_m_s
    assert np.all(v[:-1] * v[1:] >= 0.0), "velocity changes sign inside a segment"
    for i in range(len(m.knot_t_s) - 1):
        t = dense(m.knot_t_s[i], m.knot_t_s[i + 1], 201)
        steps = np.diff(m.vy(t)) * np.sign(v[i + 1] - v[i])
        assert steps.min() >= -1e-12, f"velocity segment {i} is not monotone"
        h = m.y.x[i + 1] - m.y.x[i]
        assert abs(np.polyval(m.y.c[:, i], h) - m.y(m.y.x[i + 1])) < 1e-12


def check_reps(s: SynthSet) -> None:
    """Every truth value of every rep, recomputed independently."""
    truth = s.truth
    load = truth["load_kg"]
    for r in truth["reps"]:
        start, end = r["start_s"], r["end_s"]
        assert s.bar_vy_m_s(start) == 0.0
        assert s.bar_vy_m_s(end) == 0.0
        inside = dense(start, end)[1:-1]
        assert s.bar_vy_m_s(inside).min() > 0.0
        duration = end - start
        rom = float(s.bar_y_m(end) - s.bar_y_m(start))
        assert r["duration_s"] == duration
        assert r["range_of_motion_m"] == rom
        all_knots = s.motion.knot_t_s
        knots = list(all_knots[(all_knots > start) & (all_knots < end)])
        travelled, _ = quad(lambda t: float(s.bar_vy_m_s(t)), start, end, limit=200, points=knots)
        assert math.isclose(r["mean_velocity_m_s"], travelled / duration, rel_tol=1e-12)
        assert math.isclose(r["mean_velocity_m_s"], rom / duration, rel_tol=1e-12)
        # peak velocity: a knot, so no dense sample exceeds it and one comes within round-off
        grid = np.union1d(inside, start + r["time_to_peak_velocity_s"])
        vel = s.bar_vy_m_s(grid)
        assert vel.max() <= r["peak_velocity_m_s"] + 1e-12
        assert math.isclose(
            s.bar_vy_m_s(start + r["time_to_peak_velocity_s"]),
            r["peak_velocity_m_s"],
            abs_tol=1e-12,
        )
        # propulsive phase: ends where a first drops below -g after the peak
        t_peak = start + r["time_to_peak_velocity_s"]
        t_prop = start + r["propulsive_duration_s"]
        assert t_peak <= t_prop <= end + 1e-12
        before = dense(t_peak, t_prop)[:-1]
        if before.size:
            assert s.bar_ay_m_s2(before).min() >= -G - 1e-7
        if t_prop < end - 1e-12:
            assert s.bar_ay_m_s2(t_prop + 1e-7) < -G
        mpv = (s.bar_y_m(t_prop) - s.bar_y_m(start)) / (t_prop - start)
        assert math.isclose(r["mean_propulsive_velocity_m_s"], float(mpv), rel_tol=1e-12)
        # horizontal excursion, with the x knots in the grid
        x_knots = s.motion.x_knot_t_s
        grid_x = np.union1d(dense(start, end), x_knots[(x_knots > start) & (x_knots < end)])
        x = s.bar_x_m(grid_x)
        assert math.isclose(r["horizontal_excursion_m"], float(x.max() - x.min()), abs_tol=1e-12)
        if load is None:
            assert r["mean_power_w"] is None
            assert r["peak_power_w"] is None
        else:
            power = load * (s.bar_ay_m_s2(inside) + G) * s.bar_vy_m_s(inside)
            assert power.max() <= r["peak_power_w"] * (1 + 1e-9)
            assert power.max() >= r["peak_power_w"] * 0.99
            energy, _ = quad(
                lambda t: float(load * (s.bar_ay_m_s2(t) + G) * s.bar_vy_m_s(t)),
                start,
                end,
                limit=400,
                points=knots,
            )
            assert math.isclose(r["mean_power_w"], energy / duration, rel_tol=1e-11)
        check_olympic(s, r)


def check_olympic(s: SynthSet, r: dict) -> None:
    olympic = s.lift.is_olympic
    if not olympic or r["status"] != "ok":
        assert r["peak_height_m"] is None
        assert r["catch_height_m"] is None
        assert r["catch_s"] is None
    else:
        assert r["peak_height_m"] == r["range_of_motion_m"]
        catch = r["catch_s"]
        assert s.bar_vy_m_s(catch) == 0.0
        assert s.bar_ay_m_s2(catch) > 0.0  # crossing upwards
        recovery = next(g for g in s.truth["ghosts"] if g["kind"] == "recovery" and g["start_s"] == catch)
        y = s.bar_y_m(dense(r["end_s"], recovery["end_s"]))
        assert y.min() >= s.bar_y_m(catch) - 1e-12
        assert r["catch_height_m"] == float(s.bar_y_m(catch) - s.bar_y_m(r["start_s"]))
        assert 0.0 < r["catch_height_m"] < r["peak_height_m"]
    ext = r["triple_extension"]
    if not olympic or not s.truth["options"]["with_joints"]:
        assert ext is None
        return
    angles_at = s.joint_angles_deg
    window = dense(r["start_s"], r["end_s"] + 0.15, 6001)
    for joint in ("hip", "knee", "ankle"):
        peak_s, peak_deg = ext[f"{joint}_peak_s"], ext[f"{joint}_peak_deg"]
        assert angles_at(peak_s)[joint][0] == peak_deg
        assert angles_at(window)[joint].max() <= peak_deg + 1e-9
        assert abs(peak_s - ext["peak_velocity_s"]) <= 0.08 + 1e-12
        short = joint in s.truth["options"]["incomplete_extension"]
        assert (peak_deg >= COMPLETE[joint] + 2.0) is not short
    assert ext["complete_intended"] is not bool(s.truth["options"]["incomplete_extension"])
    assert ext["peak_velocity_s"] == r["start_s"] + r["time_to_peak_velocity_s"]
    times = {j: ext[f"{j}_peak_s"] for j in ("hip", "knee", "ankle")}
    assert ext["order"] == sorted(times, key=times.get)
    assert math.isclose(ext["spread_s"], max(times.values()) - min(times.values()), abs_tol=1e-15)
    if ext["double_knee_bend"]:
        t2 = ext["second_pull_start_s"]
        assert r["start_s"] < t2 < ext["knee_peak_s"]
        first_pull = angles_at(dense(r["start_s"], t2, 20001))["knee"]
        rebend = first_pull.max() - angles_at(t2)["knee"][0]
        assert 5.0 <= ext["knee_rebend_deg"] <= 20.0
        assert math.isclose(rebend, ext["knee_rebend_deg"], abs_tol=1e-3)
    else:
        assert ext["knee_rebend_deg"] == 0.0
        assert ext["second_pull_start_s"] is None
        knee = angles_at(dense(r["start_s"], ext["knee_peak_s"]))["knee"]
        assert np.diff(knee).min() >= -1e-9  # extends all the way


def check_set(s: SynthSet) -> None:
    reps = s.truth["reps"]
    ok = [r["mean_velocity_m_s"] for r in reps if r["status"] == "ok"]
    summary = s.truth["set"]
    assert summary["rep_count"] == len(ok)
    assert summary["failed_rep_count"] == sum(r["status"] == "failed" for r in reps)
    assert [r["index"] for r in reps] == list(range(1, len(reps) + 1))
    if ok:
        best, first, last = max(ok), ok[0], ok[-1]
        assert summary["velocity_loss_pct"] == (best - last) / best * 100
        assert summary["velocity_loss_from_first_pct"] == (first - last) / first * 100
    failed = [i for i, r in enumerate(reps) if r["status"] == "failed"]
    assert failed in ([], [len(reps) - 1])  # only the last rep can fail


def check_ghosts(s: SynthSet) -> None:
    """Every rise of the bar is a rep or lies inside a ghost; ghosts never overlap reps."""
    reps = [(r["start_s"], r["end_s"]) for r in s.truth["reps"]]
    ghosts = s.truth["ghosts"]
    for g in ghosts:
        assert g["kind"] in GHOST_KINDS
        assert g["start_s"] < g["end_s"]
        for start, end in reps:
            assert g["end_s"] <= start + 1e-9 or g["start_s"] >= end - 1e-9
    for start, end in rising_runs(s):
        if (start, end) in reps:
            continue
        home = [g for g in ghosts if g["start_s"] - 1e-9 <= start and end <= g["end_s"] + 1e-9]
        assert home, f"a rise at {start:.3f}-{end:.3f} s is neither a rep nor a ghost"
        rise = float(s.bar_y_m(end) - s.bar_y_m(start))
        if home[0]["kind"] in ("partial", "bounce", "walkout", "rerack"):
            assert rise <= 0.08 + 1e-12, f"{home[0]['kind']} rises {rise:.3f} m"
    assert all(any(abs(a - start) < 1e-12 for a, _ in rising_runs(s)) for start, _ in reps)


def check_all(s: SynthSet) -> None:
    check_motion(s)
    check_reps(s)
    check_set(s)
    check_ghosts(s)
