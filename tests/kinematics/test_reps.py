"""Rep segmentation on hand-made paths whose reps (and ghosts) are known by construction."""

import math
from dataclasses import replace

import numpy as np
import pytest

from tests.kinematics.paths import eased_path
from vbt.analysis import AnalysisSettings, analyze_trajectory
from vbt.kinematics.noise import reversal_floor_m
from vbt.kinematics.reps import SegmentationSettings, default_segmentation, segment_reps
from vbt.kinematics.series import smooth
from vbt.kinematics.strokes import Stroke, find_strokes, merge_hesitations
from vbt.types import Lift, RepStatus, Trajectory

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


def test_a_rise_short_of_lockout_after_a_fall_no_descent_reaches_is_no_failed_rep():
    # two squats, then the track drops 0.45 m in 0.15 s (4.7 m/s peak: a jump to another circle, or
    # a dropped bar; a squat's descent peaks near 1 m/s) and rises 0.2 m: no attempt. The same rise
    # after a controlled descent is a failed squat (test above).
    segments = squats_then([(0.15, -0.45), (0.5, 0.2), (1.0, 0.0)])
    trajectory, _ = eased_path(segments, y0_m=1.4, fps=30.0, noise_m=0.002)
    assert [r.status for r in analyze_trajectory(trajectory, lift=Lift.SQUAT).reps] == [OK, OK]
    controlled, _ = eased_path(squats_then([(1.2, -0.45), (0.5, 0.2), (1.0, 0.0)]), y0_m=1.4, fps=30.0)
    assert [r.status for r in analyze_trajectory(controlled, lift=Lift.SQUAT).reps] == [OK, OK, FAILED]


def squats_then(tail: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(1.0, 0.0), *[(1.2, -0.5), (0.9, 0.5), (0.8, 0.0)] * 2, *tail]


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


# --- trimmed recordings, drops, jitter, short ranges, pauses -----------------------------------------


def test_a_clip_that_starts_at_lift_off_and_ends_at_lockout_still_gets_its_rep():
    # the whole recording is one deadlift pull, trimmed at both ends while the bar moves
    segments = [(0.3, 0.0), (1.0, 0.55), (0.5, 0.0)]
    trajectory, bounds = eased_path(segments, y0_m=0.225, fps=30.0, noise_m=0.002)
    moving = (trajectory.t_s > bounds[1] + 0.2) & (trajectory.t_s < bounds[2] - 0.15)
    trimmed = type(trajectory)(t_s=trajectory.t_s[moving], bar_xy_m=trajectory.bar_xy_m[moving])
    analysis = analyze_trajectory(trimmed, lift=Lift.DEADLIFT)
    (rep,) = analysis.reps
    assert rep.partial_start and rep.partial_end
    assert rep.start_s == pytest.approx(trimmed.t_s[0], abs=0.04)
    assert any("starts and ends while the bar moves" in r for r in analysis.quality.reasons)


def test_a_bar_resting_at_the_recording_s_start_is_a_start_not_a_partial_rep():
    # no zero crossing before the rise: the bar rests from the first frame, then the lifter pulls
    trajectory, bounds = eased_path([(0.4, 0.0), (1.0, 0.55), (1.0, 0.0)], y0_m=0.225, fps=30.0)
    (rep,) = analyze_trajectory(trajectory, lift=Lift.DEADLIFT).reps
    assert rep.status is OK and not rep.partial_start
    assert rep.start_s == pytest.approx(bounds[1], abs=0.03)


def bench_cut(*, last_rise: list[tuple[float, float]], cut_before_end_s: float):
    """Three bench reps (0.32 m), the recording cut ``cut_before_end_s`` before the end of the third
    rep's rise (``last_rise``: its segments)."""
    segments = [(1.0, 0.0), (0.5, 0.05), (0.6, 0.0)]  # on the hooks, unrack
    for _ in range(2):
        segments += [(1.0, -0.32), (0.7, 0.32), (0.8, 0.0)]
    segments += [(1.0, -0.32), *last_rise, (0.8, 0.0)]
    trajectory, bounds = eased_path(segments, y0_m=0.9, fps=30.0, noise_m=0.001)
    end_s = bounds[-2] - cut_before_end_s
    kept = trajectory.t_s <= end_s
    return type(trajectory)(t_s=trajectory.t_s[kept], bar_xy_m=trajectory.bar_xy_m[kept]), bounds


def test_a_clip_that_ends_at_lockout_has_recorded_the_whole_rep():
    # the last frame is the lockout: the bar has slowed into the stillness band (0.09 m/s filtered)
    # but was never still for 0.1 s; it is back at the height its descent started from, so the rep
    # is whole and its numbers are the rep's (a bar still moving at the edge, below, is partial)
    trajectory, _ = bench_cut(last_rise=[(0.7, 0.32)], cut_before_end_s=-0.001)
    analysis = analyze_trajectory(trajectory, lift=Lift.BENCH)
    assert [r.status for r in analysis.reps] == [OK, OK, OK]
    last = analysis.reps[-1]
    assert not last.partial_end and not last.partial_start
    assert last.range_of_motion_m == pytest.approx(0.32, abs=0.01)
    assert last.mean_velocity_m_s == pytest.approx(analysis.reps[0].mean_velocity_m_s, rel=0.05)
    assert not any("ends before the bar stops" in r for r in analysis.quality.reasons)


def test_a_clip_cut_mid_concentric_or_at_a_sticking_point_is_partial():
    # mid-press the bar moves fast at the edge; at a sticking point it is as slow as at lockout, but
    # 0.17 m short of it: both are partial
    mid, _ = bench_cut(last_rise=[(0.7, 0.32)], cut_before_end_s=0.35)
    stuck, _ = bench_cut(last_rise=[(0.6, 0.15), (0.6, 0.17)], cut_before_end_s=0.6)
    for trajectory in (mid, stuck):
        analysis = analyze_trajectory(trajectory, lift=Lift.BENCH)
        assert len(analysis.reps) == 3
        assert analysis.reps[-1].partial_end
        assert any("ends before the bar stops" in r for r in analysis.quality.reasons)


def test_a_clip_that_starts_as_the_bar_leaves_the_chest_has_recorded_the_whole_rep():
    # the first frame is the bar leaving the chest (slow, then the full rise): a start; a recording
    # that starts a frame later has the bar moving at 0.17 m/s (filtered): partial
    segments = [(0.7, 0.32), (0.8, 0.0)] + [(1.0, -0.32), (0.7, 0.32), (0.8, 0.0)] * 2
    full, _ = eased_path(segments, y0_m=0.6, fps=30.0, noise_m=0.001)
    for first_s, partial in ((0.0, False), (1 / 30, True)):
        late = full.t_s >= first_s - 1e-9
        trajectory = type(full)(t_s=full.t_s[late], bar_xy_m=full.bar_xy_m[late])
        reps = analyze_trajectory(trajectory, lift=Lift.BENCH).reps
        assert [r.status for r in reps] == [OK, OK, OK]
        assert reps[0].partial_start is partial


def test_a_squat_clip_that_starts_during_the_descent_counts_its_first_rep():
    segments = [(0.6, -0.3)]  # the recording starts half-way down
    segments += [(0.9, 0.5), (0.8, 0.0), (1.2, -0.5), (0.9, 0.5), (0.8, 0.0)]
    trajectory, _ = eased_path(segments, y0_m=1.2, fps=30.0, noise_m=0.002)
    reps = analyze_trajectory(trajectory, lift=Lift.SQUAT).reps
    assert [r.status for r in reps] == [OK, OK]
    assert not reps[0].partial_start  # the rise itself was recorded whole


def test_a_wobble_at_the_start_of_a_clip_cut_during_the_descent_is_no_lockout():
    # the recording starts in the last 2-3 cm of a bench press's descent, the bar moving; near the
    # chest the track wobbles up 7-10 mm (less than any attempt, 5 cm) and 2 cm down before the
    # press, held 0.8 s at lockout (no opening rep from the bottom: that is a row's quick squeeze).
    # The wobble's top is no lockout: the top before the first rep is unknown, its rise is its
    # depth, and the set has its three reps
    for wobble_m in (0.007, 0.01):
        segments = [(0.6, -0.32), (0.08, wobble_m), (0.12, -0.02), (0.7, 0.33), (0.8, 0.0)]
        segments += [(1.0, -0.32), (0.7, 0.32), (0.8, 0.0)] * 2
        full, bounds = eased_path(segments, y0_m=0.9, fps=30.0, noise_m=0.001)
        late = full.t_s >= bounds[1] - 0.12  # 0.12 s before the chest, the bar still moving
        trajectory = type(full)(t_s=full.t_s[late], bar_xy_m=full.bar_xy_m[late])
        reps = analyze_trajectory(trajectory, lift=Lift.BENCH).reps
        assert [r.status for r in reps] == [OK, OK, OK]
        assert reps[0].start_s == pytest.approx(bounds[3], abs=0.05)
        assert reps[0].range_of_motion_m == pytest.approx(0.33, abs=0.01)
        # recorded from the lockout before, the wobble is inside a descent a rep needs: three too
        assert [r.status for r in analyze_trajectory(full, lift=Lift.BENCH).reps] == [OK, OK, OK]


def test_a_track_jump_after_a_clip_cut_during_the_descent_is_no_rep_nor_a_lockout():
    # cut during the descent as above (0.2 s before the chest, 8 cm up), but after the wobble the
    # track jumps 0.5 m up and back in 0.4 s (peak 3.9 m/s: no bench press passes 2.8) before the
    # bar, at rest on the chest, is pressed three times. The jump's rise is no press (the top stays
    # unknown) and its top no lockout: without that, it was a suspect rep and every press failed
    segments = [(0.6, -0.32), (0.08, 0.007), (0.12, -0.02), (0.2, 0.5), (0.2, -0.5), (1.0, 0.0)]
    segments += [(0.7, 0.32), (0.8, 0.0), (1.0, -0.32)] * 3
    full, bounds = eased_path(segments, y0_m=0.9, fps=30.0, noise_m=0.001)
    late = full.t_s >= bounds[1] - 0.2
    trajectory = type(full)(t_s=full.t_s[late], bar_xy_m=full.bar_xy_m[late])
    reps = analyze_trajectory(trajectory, lift=Lift.BENCH).reps
    assert [r.status for r in reps] == [OK, OK, OK]
    assert reps[0].start_s == pytest.approx(bounds[6], abs=0.05)


def test_a_dropped_bar_that_bounces_high_is_never_an_attempt():
    # a snatch dropped from overhead (1.5 m: 5.4 m/s at impact) rebounds 0.45 m off its bumpers:
    # higher than a failed pull's minimum, but it starts straight from the fall
    segments = [(1.0, 0.0), (0.9, 1.0), (0.6, 0.0), (0.55, -1.0), (0.25, 0.45), (0.25, -0.45), (1.5, 0.0)]
    trajectory, _ = eased_path(segments, y0_m=0.225, fps=60.0, noise_m=0.002)
    reps = analyze_trajectory(trajectory, lift=Lift.SNATCH).reps
    assert len(reps) == 1


def test_tracker_jitter_at_set_up_never_adds_up_to_a_rep():
    # a racked bar whose tracked height jumps 12-18 cm back and forth every 0.15 s for 6 s (a plate
    # track switching between circles at low resolution), then two real bench reps
    rng = np.random.default_rng(3)
    segments = [(1.0, 0.0)]
    for _ in range(20):
        jump = float(rng.uniform(0.12, 0.18))
        segments += [(0.15, -jump), (0.15, jump)]
    segments += [(1.0, 0.0), (0.5, 0.05), (0.5, 0.0)]  # unrack
    for _ in range(2):
        segments += [(1.0, -0.32), (0.7, 0.32), (0.8, 0.0)]
    trajectory, _ = eased_path(segments, y0_m=0.9, fps=30.0, noise_m=0.002)
    reps = analyze_trajectory(trajectory, lift=Lift.BENCH).reps
    assert [r.status for r in reps] == [OK, OK]


def test_quarter_squats_are_reps_and_7_cm_wiggles_are_not():
    segments = [(1.0, 0.0)]
    for _ in range(4):
        segments += [(0.45, -0.15), (0.45, 0.15), (0.3, 0.0)]  # quarter squats
    for _ in range(3):
        segments += [(0.2, -0.07), (0.2, 0.07), (0.4, 0.0)]  # re-racking wiggles
    trajectory, _ = eased_path(segments, y0_m=1.4, fps=30.0, noise_m=0.002)
    reps = analyze_trajectory(trajectory, lift=Lift.SQUAT).reps
    assert [r.status for r in reps] == [OK] * 4
    assert all(r.range_of_motion_m == pytest.approx(0.15, abs=0.01) for r in reps)


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_after_a_short_pause_at_the_bottom_the_rep_starts_where_the_bar_starts_rising(fps):
    # 0.1-0.2 s pauses, a smooth start: the filter's zero crossing lies anywhere in the pause (tens of
    # milliseconds early); the start is where the bar moves off
    errors, crossing = [], []
    for pause in (0.1, 0.15, 0.2):
        for seed in range(4):
            segments = [(1.0, 0.0), (1.0, -0.5), (pause, 0.0), (0.8, 0.5), (1.0, 0.0)]
            trajectory, bounds = eased_path(segments, y0_m=1.4, fps=fps, noise_m=0.002, seed=seed)
            (rep,) = analyze_trajectory(trajectory, lift=Lift.SQUAT).reps
            errors.append(rep.start_s - bounds[3])
            no_pause_rule = AnalysisSettings(
                segmentation=replace(default_segmentation(Lift.SQUAT), min_pause_s=1e9)
            )
            (plain,) = analyze_trajectory(trajectory, lift=Lift.SQUAT, settings=no_pause_rule).reps
            crossing.append(plain.start_s - bounds[3])
    assert np.median(np.abs(errors)) <= 0.02
    assert np.median(np.abs(errors)) < 0.5 * np.median(np.abs(crossing))


def test_a_deadlift_set_down_further_from_the_camera_still_starts_from_the_floor():
    # the bar rolls away between reps and rests 6 cm higher in the picture (the floor recedes)
    segments = [(0.5, 0.0), (1.0, 0.55), (0.5, 0.0), (1.0, -0.55), (0.5, 0.06), (1.0, 0.0)]
    segments += [(1.0, 0.55), (0.5, 0.0), (1.0, -0.55), (1.0, 0.0)]
    trajectory, _ = eased_path(segments, y0_m=0.225, fps=30.0, noise_m=0.002)
    reps = analyze_trajectory(trajectory, lift=Lift.DEADLIFT).reps
    assert [r.status for r in reps] == [OK, OK]


def test_a_track_that_jumps_down_to_the_bar_is_not_a_drop_before_the_pull():
    # the track starts on a plate leaning on the wall, 0.6 m above the bar, and jumps to the loaded
    # plate in one frame (far faster than gravity moves a bar): the pull that follows is a lift
    trajectory, bounds = eased_path([(1.0, 0.0), (0.9, 0.9), (0.6, -0.9), (1.5, 0.0)], y0_m=0.225, fps=60.0)
    bar = trajectory.bar_xy_m.copy()
    before = trajectory.t_s < bounds[1] - 0.25
    bar[before, 1] += 0.6
    jumped = type(trajectory)(t_s=trajectory.t_s, bar_xy_m=bar)
    reps = analyze_trajectory(jumped, lift=Lift.POWER_CLEAN).reps
    assert [r.start_s for r in reps] == [pytest.approx(bounds[1], abs=0.06)]


def paused_bench(press_m: float) -> list[tuple[float, float]]:
    """Held at lockout, lowered 0.39 m to the chest, paused 1.8 s, pressed ``press_m`` in 1.6 s,
    held 0.9 s (a spotter's hands, or a lockout), lowered onto the safeties."""
    return [
        (2.0, 0.0),
        (1.0, -0.39),
        (1.8, 0.0),
        (1.6, press_m),
        (0.9, 0.0),
        (0.8, -press_m - 0.02),
        (0.6, 0.0),
    ]


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_a_lone_paused_bench_press_stopped_short_of_its_lockout_is_failed(fps):
    # the set's only rep starts from rest on the chest: with no other rep to measure it against, the
    # lockout it must reach is the height it was lowered from (0.39 m above the chest); 0.22 m of it
    # is a failed rep, the whole 0.39 m a made one
    for press_m, status in ((0.22, FAILED), (0.39, OK)):
        trajectory, bounds = eased_path(paused_bench(press_m), y0_m=1.05, fps=fps, noise_m=0.002)
        (rep,) = analyze_trajectory(trajectory, lift=Lift.BENCH).reps
        assert rep.status is status
        assert rep.start_s == pytest.approx(bounds[3], abs=0.05)
        assert rep.range_of_motion_m == pytest.approx(press_m, abs=0.01)


@pytest.mark.parametrize("creep_m", [0.0, 0.013])
def test_a_clip_that_ends_with_the_bar_held_at_lockout_ends_its_rep_where_the_bar_stopped(creep_m):
    # A deadlift clip cut half a second after lockout (footage_variants' trim of a real clip): the
    # bar held there, or creeping up 1.3 cm as the lifter settles (and the track drifts), never takes
    # the filtered velocity back through zero, so the rise runs to the recording's end. The rep ends
    # where the bar stopped (the segment's end), not at the edge: the held half second is no part of
    # the concentric (0.52 m in 1.0 s: 0.52 m/s; 0.36 m/s with it, before this was fixed).
    segments = [(0.4, 0.0), (1.0, 0.52), (0.5, creep_m)]
    trajectory, bounds = eased_path(segments, y0_m=0.225, fps=30.0, noise_m=0.0005)
    (rep,) = analyze_trajectory(trajectory, lift=Lift.DEADLIFT).reps
    assert rep.status is OK and not rep.partial_end
    assert rep.end_s == pytest.approx(bounds[2], abs=0.05)
    assert rep.mean_velocity_m_s == pytest.approx(0.52, abs=0.03)


# --- reversals inside a movement: the bar's, or the track's noise ------------------------------------

#: One squat whose ascent rises 0.6 m in 2.2 s (0.43 m/s at its fastest), with 2 mm of noise.
SLOW_SQUAT = [(1.0, 0.0), (1.4, -0.6), (2.2, 0.6), (1.0, 0.0)]


def slipped_squat(seed: int) -> tuple[Trajectory, np.ndarray]:
    """`SLOW_SQUAT` with the tracked circle slipped 5 cm down the plate's outline for six frames 0.8 s
    into the ascent (15 cm up it), as a circle hugging an oblique plate's top, then its bottom, does:
    the filtered track reverses by more than ``merge_dip_m`` there."""
    trajectory, bounds = eased_path(SLOW_SQUAT, y0_m=1.4, fps=30.0, noise_m=0.002, seed=seed)
    xy = trajectory.bar_xy_m.copy()
    slip = int(np.searchsorted(trajectory.t_s, bounds[2] + 0.8))
    xy[slip : slip + 6, 1] -= 0.05
    return Trajectory(t_s=trajectory.t_s, bar_xy_m=xy), bounds


@pytest.mark.parametrize("seed", range(3))
def test_a_reversal_the_tracks_noise_makes_inside_an_ascent_does_not_split_the_rep(seed):
    trajectory, bounds = slipped_squat(seed)
    reps = analyze_trajectory(trajectory, lift=Lift.SQUAT).reps
    assert [r.status for r in reps] == [OK]
    assert reps[0].start_s == pytest.approx(bounds[2], abs=0.1)  # at the bottom, not at the slip (+0.8 s)
    assert reps[0].range_of_motion_m == pytest.approx(0.6, abs=0.01)
    assert reps[0].mean_velocity_m_s == pytest.approx(0.6 / 2.2, abs=0.02)
    # judged by ``merge_dip_m`` alone, the slip splits the ascent (a 15 cm rise short of lockout, a
    # reversal, the rest of it); the rise on to lockout finishes the rep all the same (a hitch)
    fixed = replace(default_segmentation(Lift.SQUAT), reversal_noise_sigmas=0.0)
    first, *_ = ascent_strokes(trajectory, bounds[2], bounds[3], fixed)
    assert first.rise_m == pytest.approx(0.15, abs=0.02)
    split = analyze_trajectory(trajectory, lift=Lift.SQUAT, settings=AnalysisSettings(segmentation=fixed))
    assert [r.status for r in split.reps] == [OK]
    assert split.reps[0].range_of_motion_m == pytest.approx(0.6, abs=0.01)


@pytest.mark.parametrize("seed", range(3))
def test_a_failed_rep_the_bar_then_finishes_after_a_hitch_is_one_rep_made(seed):
    # A 0.5 m squat stops 0.2 m short, sinks 0.1 m (far deeper than the 2 mm noise: a real reversal,
    # or a tracker slipping at the sticking point) and rises on to lockout without being lowered for
    # another attempt: one rep, made, from the bottom to that lockout.
    segments = [(1.0, 0.0), (1.2, -0.5), (0.8, 0.3), (0.3, -0.1), (0.7, 0.3), (1.0, 0.0)]
    trajectory, bounds = eased_path(segments, y0_m=1.4, fps=30.0, noise_m=0.002, seed=seed)
    (rep,) = analyze_trajectory(trajectory, lift=Lift.SQUAT).reps
    assert rep.status is OK
    assert rep.start_s == pytest.approx(bounds[2], abs=0.1) and rep.end_s == pytest.approx(bounds[5], abs=0.1)
    assert rep.range_of_motion_m == pytest.approx(0.5, abs=0.02)
    # A failure: the bar stops 0.2 m short and sinks back to the pins (0.3 m), where it is left. It
    # is settled (final, live) once it has come down min_rom_m (0.12 m) from where it stopped.
    segments = [(1.0, 0.0), (1.2, -0.5), (0.8, 0.3), (0.8, -0.3), (1.0, 0.0)]
    trajectory, bounds = eased_path(segments, y0_m=1.4, fps=30.0, noise_m=0.002, seed=seed)
    (rep,) = analyze_trajectory(trajectory, lift=Lift.SQUAT).reps
    assert rep.status is FAILED
    (segment,) = segment_reps(smooth(trajectory, lift=Lift.SQUAT), lift=Lift.SQUAT)
    # an eased 0.3 m fall has covered 0.12 m at 0.44 of its time (1 - cos(pi u) = 0.8)
    assert segment.settled_s == pytest.approx(bounds[3] + 0.44 * 0.8, abs=0.1)
    # held at the sticking point to the end of the data, it may still be finished: never settled
    held = [(1.0, 0.0), (1.2, -0.5), (0.8, 0.3), (1.0, 0.0)]
    (segment,) = segment_reps(
        smooth(eased_path(held, y0_m=1.4, fps=30.0, seed=seed)[0], lift=Lift.SQUAT), lift=Lift.SQUAT
    )
    assert segment.status is FAILED and segment.settled_s == math.inf
    # ... and a second attempt from the pins that is made: the failure stands, the attempt is a rep
    segments = [(1.0, 0.0), (1.2, -0.5), (0.8, 0.3), (0.8, -0.3), (0.5, 0.0), (1.2, 0.5), (1.0, 0.0)]
    trajectory, _ = eased_path(segments, y0_m=1.4, fps=30.0, noise_m=0.002, seed=seed)
    assert [r.status for r in analyze_trajectory(trajectory, lift=Lift.SQUAT).reps] == [FAILED, OK]


@pytest.mark.parametrize("seed", range(3))
def test_a_reversal_the_bar_makes_stands_above_the_noise_floor(seed):
    # the bar sinks 3 cm a third of the way up and grinds on (each part eased: a true reversal); with
    # 2 mm of noise the floor there is about 2 sqrt(2) x 2 mm: the ascent stays two rises, as a tracker
    # slip's is one (the floor rises to its residuals)
    segments = [(1.0, 0.0), (1.4, -0.6), (1.0, 0.25), (0.3, -0.03), (1.2, 0.38), (1.0, 0.0)]
    trajectory, bounds = eased_path(segments, y0_m=1.4, fps=30.0, noise_m=0.002, seed=seed)
    strokes = ascent_strokes(trajectory, bounds[2], bounds[5])
    assert [round(s.rise_m, 2) for s in strokes] == [0.25, -0.03, 0.38]
    slipped, slip_bounds = slipped_squat(seed)
    assert [round(s.rise_m, 1) for s in ascent_strokes(slipped, slip_bounds[2], slip_bounds[3])] == [0.6]


def ascent_strokes(
    trajectory: Trajectory, start_s: float, end_s: float, settings: SegmentationSettings | None = None
) -> list[Stroke]:
    """The squat's strokes between ``start_s`` and ``end_s`` (within 0.1 s) that move at least 1 cm,
    after the segmenter's merging of reversals (``settings``: the squat's defaults when None)."""
    settings = settings or default_segmentation(Lift.SQUAT)
    k = analyze_trajectory(trajectory, lift=Lift.SQUAT).kinematics
    strokes = merge_hesitations(
        find_strokes(k.t_s, k.bar_xy_m[:, 1], k.bar_velocity_m_s[:, 1]),
        max_dip_m=settings.merge_dip_m,
        min_part_m=settings.merge_min_part_m,
        noise_floor_m=lambda dip: reversal_floor_m(
            k, start_s=dip.start_s, end_s=dip.end_s, sigmas=settings.reversal_noise_sigmas
        ),
    )
    return [
        s for s in strokes if s.start_s >= start_s - 0.1 and s.end_s <= end_s + 0.1 and abs(s.rise_m) >= 0.01
    ]
