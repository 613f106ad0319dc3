import json
import math

import numpy as np
import pytest

from tests.synth.checks import check_all, rising_runs
from vbt.errors import InputError
from vbt.synth import SYNTH_LIFTS, Sampling, generate_set
from vbt.types import Lift, RepStatus

RACK = (Lift.SQUAT, Lift.BENCH)
OLYMPIC = (Lift.POWER_CLEAN, Lift.CLEAN, Lift.SNATCH)


def _options(lift: Lift) -> list[dict]:
    common = [
        {},
        {"failed_last": True},
        {"partials": True, "n_reps": 4},
        {"fatigue": False, "load_kg": 100.0},
        {"with_joints": False, "n_reps": 1},
        {"failed_last": True, "n_reps": 1},
    ]
    if lift in RACK:
        return [
            *common,
            {"walkout": False},
            {"paused": True, "load_kg": 80.0},
            {"sticking": True},
            {"sticking": False, "first_mean_velocity_m_s": 1.0, "rom_m": 0.3},
            {"partials": True, "failed_last": True, "paused": True, "walkout": False},
        ]
    if lift is Lift.DEADLIFT:
        return [
            *common,
            {"bounces": True, "load_kg": 180.0},
            {"sticking": True, "partials": True},
            {"bounces": True, "failed_last": True, "partials": True},
        ]
    return [
        *common,
        {"bounces": False, "load_kg": 70.0},
        {"incomplete_extension": True},
        {"incomplete_extension": ("hip", "knee", "ankle"), "double_knee_bend": False},
        {"double_knee_bend": False, "partials": True, "failed_last": True, "bounces": False},
    ]


CASES = [(lift, opts) for lift in SYNTH_LIFTS for opts in _options(lift)]


@pytest.mark.parametrize(
    ("lift", "options"), CASES, ids=[f"{lift.value}-{i}" for i, (lift, _) in enumerate(CASES)]
)
def test_every_lift_and_option_gives_exact_consistent_truth(lift, options):
    for seed in (0, 7):
        s = generate_set(lift, seed=seed, **options)
        json.dumps(s.truth, allow_nan=False)  # JSON-serialisable, no NaN
        check_all(s)
        reps = s.truth["reps"]
        n = options.get("n_reps", 5)
        assert len(reps) == n
        assert (reps[-1]["status"] == "failed") == bool(options.get("failed_last"))
        if options.get("partials"):
            kinds = {g["kind"] for g in s.truth["ghosts"]}
            assert "partial" in kinds or (n == 1 and options.get("failed_last"))


@pytest.mark.parametrize("lift", list(SYNTH_LIFTS))
def test_mean_velocity_matches_integrating_sampled_noise_free_velocity(lift):
    s = generate_set(lift, n_reps=1, seed=3, sampling=Sampling(fps=120.0, bar_noise_m=0.0))
    rep = s.truth["reps"][0]
    t = np.linspace(rep["start_s"], rep["end_s"], 4001)
    v = s.bar_vy_m_s(t)
    integral = float(np.sum((v[1:] + v[:-1]) / 2 * np.diff(t)))  # trapezoid, O(dt^2)
    assert integral / rep["duration_s"] == pytest.approx(rep["mean_velocity_m_s"], rel=1e-5)
    assert rep["mean_velocity_m_s"] == pytest.approx(rep["range_of_motion_m"] / rep["duration_s"])
    # the sampled track is the exact path at its frame times
    traj = s.trajectory
    assert np.array_equal(traj.bar_xy_m[:, 1], s.bar_y_m(traj.t_s))


def test_seeds_reproduce_and_differ():
    a = generate_set("clean", seed=11, sampling=Sampling(missing_fraction=0.05))
    b = generate_set("clean", seed=11, sampling=Sampling(missing_fraction=0.05))
    c = generate_set("clean", seed=12, sampling=Sampling(missing_fraction=0.05))
    assert a.truth == b.truth
    assert np.array_equal(a.trajectory.t_s, b.trajectory.t_s)
    assert np.array_equal(a.trajectory.bar_xy_m, b.trajectory.bar_xy_m, equal_nan=True)
    assert np.array_equal(a.trajectory.joints_xy_m, b.trajectory.joints_xy_m, equal_nan=True)
    assert a.truth["reps"] != c.truth["reps"]


def test_the_same_seed_at_another_frame_rate_is_the_same_lift():
    a = generate_set("snatch", seed=5, sampling=Sampling(fps=25.0))
    b = generate_set("snatch", seed=5, sampling=Sampling(fps=120.0, vfr=False))
    assert a.truth["reps"] == b.truth["reps"]
    assert a.truth["ghosts"] == b.truth["ghosts"]
    assert len(b.trajectory) > 4 * len(a.trajectory)


@pytest.mark.parametrize("lift", OLYMPIC)
def test_olympic_pulls_stay_in_their_documented_ranges(lift):
    peak_v = {Lift.POWER_CLEAN: (1.5, 2.0), Lift.CLEAN: (1.4, 1.8), Lift.SNATCH: (1.7, 2.2)}[lift]
    height = (1.0, 1.3) if lift is Lift.SNATCH else (0.75, 1.1)
    drop = {Lift.POWER_CLEAN: (0.03, 0.15), Lift.CLEAN: (0.25, 0.5), Lift.SNATCH: (0.2, 0.5)}[lift]
    for seed in range(12):
        s = generate_set(lift, n_reps=2, seed=seed, fatigue=False)
        for r in s.truth["reps"]:
            f = 1.015  # rep-to-rep jitter without fatigue
            assert peak_v[0] / f <= r["peak_velocity_m_s"] <= peak_v[1] * f
            assert 0.5 <= r["time_to_peak_velocity_s"] <= 0.8
            assert height[0] / f**2 <= r["peak_height_m"] <= height[1] * f**2
            assert drop[0] - 1e-12 <= r["peak_height_m"] - r["catch_height_m"] <= drop[1] + 1e-12
            # decelerating at 1-1.3 g into the peak height
            a_end = s.bar_ay_m_s2(r["end_s"] - 1e-6)
            assert -1.3 * 9.80665 - 1e-6 <= a_end <= -1.0 * 9.80665
            assert r["mean_propulsive_velocity_m_s"] > r["mean_velocity_m_s"]
            ext = r["triple_extension"]
            assert ext["order"][0] in ("knee", "hip", "ankle")
            assert ext["spread_s"] <= 0.16


@pytest.mark.parametrize(
    ("lift", "rom"), [(Lift.SQUAT, (0.45, 0.65)), (Lift.BENCH, (0.25, 0.45)), (Lift.DEADLIFT, (0.45, 0.65))]
)
def test_strength_reps_have_their_range_and_a_finite_lockout_deceleration(lift, rom):
    for seed in range(10):
        s = generate_set(lift, seed=seed)
        for r in s.truth["reps"]:
            assert rom[0] * 0.98 <= r["range_of_motion_m"] <= rom[1] * 1.02
            a_end = s.bar_ay_m_s2(r["end_s"] - 1e-7)
            assert -60.0 < a_end < -0.1
            a_start = s.bar_ay_m_s2(r["start_s"])  # right of the bottom knot
            assert a_start > 0.0


def test_fatigue_slows_every_set_by_two_to_six_percent_per_rep():
    s = generate_set("squat", n_reps=6, seed=2, fatigue=True, sticking=False)
    mean_v = [r["mean_velocity_m_s"] for r in s.truth["reps"]]
    ratios = np.array(mean_v[1:]) / np.array(mean_v[:-1])
    assert np.all((ratios >= 0.94 - 1e-9) & (ratios <= 0.98 + 1e-9))
    assert s.truth["set"]["velocity_loss_pct"] > 0


def test_a_failed_squat_stalls_low_and_sinks_back_to_the_bottom():
    s = generate_set("squat", n_reps=3, seed=4, failed_last=True)
    failed = s.truth["reps"][-1]
    assert failed["status"] == RepStatus.FAILED.value
    depth = s.truth["reps"][0]["range_of_motion_m"]
    assert 0.2 * depth * 0.97 <= failed["range_of_motion_m"] <= 0.6 * depth * 1.03
    bottom = s.bar_y_m(failed["start_s"])
    assert s.bar_y_m(s.motion.knot_t_s[-1]) <= bottom + 1e-12
    assert not any(g["kind"] == "rerack" for g in s.truth["ghosts"])


def test_a_failed_clean_has_a_pull_but_no_catch_and_ends_on_the_floor():
    s = generate_set("clean", n_reps=2, seed=4, failed_last=True)
    failed = s.truth["reps"][-1]
    assert failed["status"] == "failed"
    assert failed["catch_s"] is None
    assert failed["peak_height_m"] is None
    assert failed["peak_velocity_m_s"] > 1.0
    assert failed["triple_extension"] is not None
    assert s.bar_y_m(s.motion.knot_t_s[-1]) == pytest.approx(0.225, abs=1e-12)
    assert not any(g["kind"] == "recovery" and g["start_s"] > failed["end_s"] for g in s.truth["ghosts"])


def test_squat_clean_recovery_is_a_long_rise_that_is_a_ghost():
    s = generate_set("clean", n_reps=1, seed=1)
    recovery = next(g for g in s.truth["ghosts"] if g["kind"] == "recovery")
    rise = s.bar_y_m(recovery["end_s"]) - s.bar_y_m(recovery["start_s"])
    assert rise > 0.3  # as long as a rep: only the lift's structure says it is not one
    assert (recovery["start_s"], recovery["end_s"]) in rising_runs(s)


def test_reps_as_types():
    s = generate_set("power_clean", n_reps=2, seed=0)
    reps = s.reps
    assert [r.index for r in reps] == [1, 2]
    assert reps[0].catch_s == s.truth["reps"][0]["catch_s"]
    d = generate_set("deadlift", n_reps=1, seed=0).reps[0]
    assert math.isnan(d.catch_s)
    assert d.status is RepStatus.OK


@pytest.mark.parametrize(
    ("lift", "options", "message"),
    [
        ("curl", {}, "unknown lift"),
        ("deadlift", {"walkout": True}, "walkout"),
        ("squat", {"bounces": True}, "bounces"),
        ("clean", {"paused": True}, "paused"),
        ("snatch", {"rom_m": 0.5}, "Olympic"),
        ("squat", {"incomplete_extension": True}, "Olympic"),
        ("clean", {"incomplete_extension": ("elbow",)}, "unknown joints"),
        ("squat", {"n_reps": 0}, "n_reps"),
        ("squat", {"seed": -1}, "seed"),
        ("bench", {"rom_m": 3.0}, "rom_m"),
    ],
)
def test_bad_options_are_input_errors(lift, options, message):
    with pytest.raises(InputError, match=message):
        generate_set(lift, **options)
