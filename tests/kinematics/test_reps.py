"""Rep segmentation on hand-made paths whose reps (and ghosts) are known by construction."""

import numpy as np
import pytest

from tests.kinematics.paths import eased_path
from vbt.analysis import analyze_trajectory
from vbt.types import Lift, RepStatus

OK, FAILED = RepStatus.OK, RepStatus.FAILED


def squat_set(*, failed_last: bool = False) -> list[tuple[float, float]]:
    segments = [(1.0, 0.0), (0.5, 0.04), (0.3, 0.0)]  # in the rack, unrack
    segments += [(0.4, -0.015), (0.4, 0.015), (0.4, -0.01), (0.4, 0.01), (0.8, 0.0)]  # walk-out bobbing
    for _ in range(3):
        segments += [(1.2, -0.5), (0.9, 0.5), (0.8, 0.0)]  # descent, concentric, stand
    if failed_last:
        segments += [(1.2, -0.5), (0.8, 0.2), (1.0, -0.3), (1.0, 0.0)]  # stuck, down onto the safeties
    else:
        segments += [(0.5, 0.0), (0.4, 0.04), (0.4, -0.04), (1.0, 0.0)]  # re-rack
    return segments


@pytest.mark.parametrize("noise_m", [0.0, 0.002])
def test_squat_counts_concentric_phases_only_not_the_walkout_or_rerack(noise_m):
    segments = squat_set()
    trajectory, bounds = eased_path(segments, y0_m=1.4, fps=30.0, noise_m=noise_m)
    reps = analyze_trajectory(trajectory, lift=Lift.SQUAT).reps
    assert [r.status for r in reps] == [OK, OK, OK]
    concentric = [i for i, (d, dy) in enumerate(segments) if dy == 0.5]
    for rep, i in zip(reps, concentric, strict=True):
        assert rep.start_s == pytest.approx(bounds[i], abs=0.02)
        assert rep.end_s == pytest.approx(bounds[i + 1], abs=0.03)
        assert rep.range_of_motion_m == pytest.approx(0.5, abs=0.01)
        assert rep.mean_velocity_m_s == pytest.approx(0.5 / 0.9, abs=0.02)


def test_a_squat_stuck_halfway_is_a_failed_rep():
    trajectory, _ = eased_path(squat_set(failed_last=True), y0_m=1.4, fps=30.0, noise_m=0.002)
    reps = analyze_trajectory(trajectory, lift=Lift.SQUAT).reps
    assert [r.status for r in reps] == [OK, OK, OK, FAILED]
    assert reps[-1].range_of_motion_m == pytest.approx(0.2, abs=0.01)


def test_bench_hitch_and_bounce_below_the_minimum_range_are_ignored():
    segments = [(1.0, 0.0), (0.4, 0.03), (0.6, 0.0)]
    for _ in range(2):
        segments += [(0.9, -0.35), (0.2, 0.02), (0.2, -0.02), (0.7, 0.35), (0.6, 0.0)]  # touch, small bounce
    segments += [(0.3, 0.05), (0.3, -0.05), (1.0, 0.0)]  # a 5 cm hitch at the top, then rack
    trajectory, _ = eased_path(segments, y0_m=0.9, fps=30.0, noise_m=0.002)
    reps = analyze_trajectory(trajectory, lift=Lift.BENCH).reps
    assert [r.status for r in reps] == [OK, OK]


def test_deadlift_reps_from_the_floor_ignore_bumper_bounces():
    segments = [(1.0, 0.0)]
    for _ in range(3):
        segments += [(0.8, 0.55), (0.8, 0.0), (0.9, -0.55), (0.15, 0.04), (0.15, -0.04), (1.0, 0.0)]
    trajectory, bounds = eased_path(segments, y0_m=0.225, fps=29.97, noise_m=0.002)
    reps = analyze_trajectory(trajectory, lift=Lift.DEADLIFT).reps
    assert [r.status for r in reps] == [OK, OK, OK]
    assert reps[0].start_s == pytest.approx(bounds[1], abs=0.03)


def power_clean(*, made: bool) -> list[tuple[float, float]]:
    segments: list[tuple[float, float]] = [(1.0, 0.0), (0.9, 0.9)]  # rest, pull to peak height
    if made:
        segments += [(0.2, -0.1), (0.7, 0.15), (1.2, 0.0), (1.5, -0.95)]  # drop, catch, stand, hold, lower
    else:
        segments += [(0.6, -0.9)]  # no catch: back to the floor
    return [*segments, (0.12, 0.05), (0.12, -0.05), (1.5, 0.0)]  # bumper bounce, rest


def test_power_clean_pull_runs_from_lift_off_to_peak_height_and_catch_is_measured():
    segments = power_clean(made=True) + power_clean(made=True) + power_clean(made=False)
    trajectory, bounds = eased_path(segments, y0_m=0.225, fps=60.0, noise_m=0.002)
    reps = analyze_trajectory(trajectory, lift=Lift.POWER_CLEAN).reps
    assert [r.status for r in reps] == [OK, OK, FAILED]
    pulls = [i for i, (_, dy) in enumerate(segments) if dy == 0.9]
    for rep, i in zip(reps, pulls, strict=True):
        assert rep.start_s == pytest.approx(bounds[i], abs=0.02)
        assert rep.end_s == pytest.approx(bounds[i + 1], abs=0.02)  # peak height
    analysis = analyze_trajectory(trajectory, lift=Lift.POWER_CLEAN)
    made = analysis.reps[0]
    assert made.peak_height_m == pytest.approx(0.9, abs=0.01)
    assert made.catch_height_m == pytest.approx(0.8, abs=0.01)
    assert made.peak_velocity_m_s == pytest.approx(0.9 * np.pi / (2 * 0.9), abs=0.02)
    assert np.isnan(analysis.reps[2].catch_height_m)


def test_a_clip_that_ends_at_the_catch_is_a_made_lift():
    segments = [(1.0, 0.0), (0.9, 0.9), (0.2, -0.1), (0.4, 0.05)]  # rest, pull, drop, rising from the catch
    trajectory, _ = eased_path(segments, y0_m=0.225, fps=30.0, noise_m=0.002)
    reps = analyze_trajectory(trajectory, lift=Lift.CLEAN).reps
    assert [r.status for r in reps] == [OK]
    assert reps[0].catch_height_m == pytest.approx(0.8, abs=0.01)


def test_a_clip_that_ends_with_the_bar_falling_to_the_floor_is_a_miss():
    segments = [(1.0, 0.0), (0.9, 0.9), (0.6, -0.9), (0.5, 0.0)]
    trajectory, _ = eased_path(segments, y0_m=0.225, fps=30.0, noise_m=0.002)
    assert [r.status for r in analyze_trajectory(trajectory, lift=Lift.SNATCH).reps] == [FAILED]


def test_a_bumper_bounce_after_a_drop_is_not_an_attempt_but_a_short_pull_from_rest_is():
    # a missed snatch: the bar falls to the floor and the bumpers throw it back up 11 cm, then it rests;
    # then the lifter breaks the bar 15 cm off the floor and sets it down
    segments = [(1.0, 0.0), (0.9, 1.0), (0.5, -1.0), (0.15, 0.11), (0.15, -0.11), (1.5, 0.0)]
    segments += [(0.5, 0.15), (0.4, 0.0), (0.6, -0.15), (1.0, 0.0)]
    trajectory, bounds = eased_path(segments, y0_m=0.225, fps=30.0, noise_m=0.002)
    reps = analyze_trajectory(trajectory, lift=Lift.SNATCH).reps
    assert [r.status for r in reps] == [FAILED, FAILED]
    assert reps[1].start_s == pytest.approx(bounds[6], abs=0.03)
