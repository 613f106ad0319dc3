"""Frames dropped as a loaded machine drops them (``vbt.live.drops``): the patterns are what they say,
and a set replayed through the online set with them loses no rep and adds no good one (known answers:
synthetic sets with their truth's reps; no thread, no clock)."""

from __future__ import annotations

import numpy as np
import pytest

from vbt.live.drops import DropKind, Drops, DropSettings, drop_pattern, replay, score
from vbt.quality.lost import lost_frames_in
from vbt.synth import Sampling, generate_set
from vbt.types import Lift, RepStatus, Trajectory


def _runs(lost: np.ndarray) -> list[int]:
    edges = np.diff(np.concatenate(([0], lost.astype(np.int8), [0])))
    return [int(n) for n in np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)]


def test_random_drops_are_seeded_stretches_of_one_to_eight_frames_at_the_rate() -> None:
    t = np.arange(900) / 30
    drops = drop_pattern(t, DropKind.RANDOM, 0.15, seed=4)
    again = drop_pattern(t, DropKind.RANDOM, 0.15, seed=4)
    assert np.array_equal(drops.lost, again.lost)
    assert not np.array_equal(drops.lost, drop_pattern(t, DropKind.RANDOM, 0.15, seed=5).lost)
    assert drops.lost.sum() == 135 and drops.rate == pytest.approx(0.15)
    assert not drops.lost[0] and not drops.lost[-1]
    # stretches of 1-8 frames; two that happen to touch make one longer run
    assert min(_runs(drops.lost)) >= 1 and np.mean(_runs(drops.lost)) <= 8
    assert not drops.pose_shed.any() and not drops.reduced.any()


def test_bursts_cover_each_reps_top_or_bottom_and_shed_stretches_pose_one_frame_in_eight() -> None:
    t = np.arange(900) / 30
    reps_s = [(3.0, 4.0), (8.0, 9.0), (13.0, 14.0)]
    tops = drop_pattern(t, DropKind.TOPS, 0.1, seed=0, reps_s=reps_s)
    bottoms = drop_pattern(t, DropKind.BOTTOMS, 0.1, seed=0, reps_s=reps_s)
    for start_s, end_s in reps_s:
        assert tops.lost[np.abs(t - end_s) <= 0.15].all()
        assert bottoms.lost[np.abs(t - start_s) <= 0.15].all()
    assert tops.lost.sum() == bottoms.lost.sum() == 90
    shed = drop_pattern(t, DropKind.SHED, 0.05, seed=0, settings=DropSettings(shed_s=2.0, pose_every=8))
    stretch = (t >= 2.0) & (t < 4.0)
    assert (shed.reduced | shed.lost)[stretch].all() and not shed.reduced[t < 2.0].any()
    assert not (shed.lost & ~(shed.reduced | shed.lost | shed.pose_shed)).any()
    posed = stretch & ~shed.lost & ~shed.pose_shed
    assert posed.sum() == pytest.approx((stretch & ~shed.lost).sum() / 8, abs=2)
    assert not shed.lost[t < 2.0].any() and shed.lost.sum() == 45


def _squat() -> tuple[Trajectory, list[tuple[float, float]]]:
    synth = generate_set(Lift.SQUAT, n_reps=3, seed=3, sampling=Sampling(fps=30.0), load_kg=80.0)
    return synth.trajectory, [(r["start_s"], r["end_s"]) for r in synth.truth["reps"]]


def test_bursts_over_every_reps_top_leave_every_rep_shown_suspect_and_none_extra() -> None:
    trajectory, truth_s = _squat()
    drops = drop_pattern(trajectory.t_s, DropKind.TOPS, 0.05, seed=0, reps_s=truth_s)
    result = replay(trajectory, drops, lift=Lift.SQUAT, load_kg=80.0)
    found = score(result, truth_s)
    assert (found.lost, found.extra_good, found.extra_suspect) == (0, 0, 0)
    assert [r.status for r in result.shown] == [RepStatus.SUSPECT] * 3
    assert all(lost_frames_in(r) for r in result.shown)
    assert found.same_as_offline and found.final_offline_m_s < 1e-6


def test_frames_lost_over_a_power_cleans_catch_add_no_rep_online_or_in_the_report() -> None:
    # Seven frames (0.23 s) lost 0.08 s after the pull's end, as the bar drops into the catch: the
    # stand-up seen after the gap used to be taken for a pull cut by the gap (a sixth, suspect rep)
    synth = generate_set(Lift.POWER_CLEAN, n_reps=2, seed=3, sampling=Sampling(fps=30.0), load_kg=80.0)
    trajectory = synth.trajectory
    truth_s = [(r["start_s"], r["end_s"]) for r in synth.truth["reps"]]
    first = int(np.searchsorted(trajectory.t_s, truth_s[0][1] + 0.08))
    lost = np.zeros(len(trajectory), dtype=bool)
    lost[first : first + 7] = True
    drops = Drops(lost=lost, pose_shed=np.zeros_like(lost), reduced=np.zeros_like(lost))
    result = replay(trajectory, drops, lift=Lift.POWER_CLEAN, load_kg=80.0)
    found = score(result, truth_s)
    assert (found.lost, found.extra_good, found.extra_suspect) == (0, 0, 0)
    assert len(result.shown) == len(result.analysis.reps) == 2 and found.same_as_offline


def test_a_pull_lost_in_two_places_is_still_one_suspect_rep() -> None:
    # Two stretches of 7 frames lost 0.1 and 0.45 s into the second pull: the pieces between and
    # around them were no rep of their own, and the rep was lost (1 of 2 reps shown)
    synth = generate_set(Lift.POWER_CLEAN, n_reps=2, seed=3, sampling=Sampling(fps=30.0), load_kg=80.0)
    trajectory = synth.trajectory
    truth_s = [(r["start_s"], r["end_s"]) for r in synth.truth["reps"]]
    lost = np.zeros(len(trajectory), dtype=bool)
    for after_s in (0.1, 0.45):
        first = int(np.searchsorted(trajectory.t_s, truth_s[1][0] + after_s))
        lost[first : first + 7] = True
    drops = Drops(lost=lost, pose_shed=np.zeros_like(lost), reduced=np.zeros_like(lost))
    result = replay(trajectory, drops, lift=Lift.POWER_CLEAN, load_kg=80.0)
    found = score(result, truth_s)
    assert (found.lost, found.extra_good, found.extra_suspect) == (0, 0, 0)
    assert [r.status for r in result.shown] == [RepStatus.OK, RepStatus.SUSPECT]
    assert lost_frames_in(result.shown[1]) and found.same_as_offline
