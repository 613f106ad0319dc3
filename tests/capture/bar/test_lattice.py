"""The whole clip's path through plate candidates (``vbt.capture.bar.lattice``), on keyframes with
known answers: a plate rising and falling as a squat does, and beside it the round things a search
proposes (a thigh, stored plates, a second plate near the true one for part of the set)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vbt.capture.bar.lattice import Keyframe, candidate_costs, choose_path, clip_radii, step_costs
from vbt.capture.bar.settings import WholeClipSettings
from vbt.errors import InputError

R = 40.0  # the plate's radius, px
DT = 0.5  # keyframes every half second


def _plate(t: float) -> np.ndarray:
    """A squat: the plate 2 radii down and up every 2 s, at x = 300."""
    return np.array([300.0, 200.0 + 2 * R * 0.5 * (1 - math.cos(math.pi * t))])


def _keys(extra: list[list[tuple[float, float, float, float]]], *, hands: bool = True) -> list[Keyframe]:
    """Keyframes with the plate (index 0, evidence 0.6) and ``extra[i]`` (x, y, r, evidence) each."""
    keys = []
    for i, more in enumerate(extra):
        t = i * DT
        rows = [(*_plate(t), R, 0.6), *more]
        a = np.array(rows, dtype=np.float64)
        hands_xy = _plate(t) + np.array([5.0, 10.0]) if hands else np.full(2, np.nan)
        keys.append(Keyframe(t, a[:, :2], a[:, 2], a[:, 3], hands_xy))
    return keys


def test_the_path_follows_the_plate_past_a_larger_thigh_with_a_cleaner_outline() -> None:
    # A thigh-sized round shape (1.6 radii, a clearer outline than the plate's) beside it: its centre,
    # midway between the hip (which moves with the bar) and the knee (which does not), moves half as far.
    extra = [[(300.0 - 90.0, 0.5 * (_plate(i * DT)[1] + 200.0) + 60.0, 1.6 * R, 0.9)] for i in range(12)]
    path = choose_path(_keys(extra), settings=WholeClipSettings())
    assert path.tolist() == [0] * 12


def test_stored_plates_still_on_a_rack_never_take_over_from_the_plate_in_the_hands() -> None:
    # Two plates on a rack behind (smaller: farther), outlines as good, never moving.
    extra = [[(520.0, 150.0, 0.8 * R, 0.7), (560.0, 150.0, 0.8 * R, 0.7)] for _ in range(12)]
    path = choose_path(_keys(extra), settings=WholeClipSettings())
    assert path.tolist() == [0] * 12


def test_a_second_plate_of_the_same_size_near_the_plate_for_part_of_the_set_is_not_taken() -> None:
    # From 2 s to 4 s another plate of the plate's size rests 2.5 radii beside it, a cleaner outline;
    # it is not with the hands, and jumping to it and back is more than a bar moves.
    extra = [[(300.0 + 2.5 * R, 300.0, R, 0.95)] if 4 <= i < 8 else [] for i in range(12)]
    path = choose_path(_keys(extra), settings=WholeClipSettings())
    assert path.tolist() == [0] * 12


def test_without_hands_the_one_radius_of_the_clip_decides() -> None:
    # No pose: a circle half the plate's size with a better outline shows up for a third of the set;
    # the clip's radius (the plate, seen throughout) keeps the path on the plate.
    extra = [
        [(*(_plate(i * DT) + np.array([0.0, 2 * R])), 0.5 * R, 0.9)] if i % 3 == 0 else [] for i in range(12)
    ]
    path = choose_path(_keys(extra, hands=False), settings=WholeClipSettings())
    assert path.tolist() == [0] * 12


def test_a_keyframe_with_nothing_plate_like_is_unseen_and_the_path_goes_on() -> None:
    keys = _keys([[] for _ in range(6)])
    empty = Keyframe(keys[3].t_s, np.zeros((0, 2)), np.zeros(0), np.zeros(0), keys[3].hands_xy_px)
    keys[3] = empty
    assert choose_path(keys, settings=WholeClipSettings()).tolist() == [0, 0, 0, -1, 0, 0]


def test_an_inner_ring_costs_its_penalty_and_a_step_beyond_a_barbell_is_impossible() -> None:
    s = WholeClipSettings()
    key = Keyframe(
        0.0,
        np.array([[100.0, 100.0], [102.0, 100.0]]),
        np.array([R, 0.6 * R]),
        np.ones(2),
        np.full(2, np.nan),
    )
    costs = candidate_costs(key, settings=s)
    # the ring: its size term ln(1/0.6) and the inner ring's cost; the plate: nothing
    assert costs[0] == pytest.approx(0.0)
    assert costs[1] == pytest.approx(s.size_weight * math.log(1 / 0.6) + s.inner_ring_cost)
    a = Keyframe(0.0, np.array([[0.0, 0.0]]), np.array([R]), np.ones(1), np.full(2, np.nan))
    reach_px = s.max_speed_m_s * 0.1 / s.smallest_plate_radius_m * R  # the farthest in 0.1 s
    near = Keyframe(0.1, np.array([[reach_px, 0.0]]), np.array([R]), np.ones(1), np.full(2, np.nan))
    far = Keyframe(0.1, np.array([[reach_px + 5 * R, 0.0]]), np.array([R]), np.ones(1), np.full(2, np.nan))
    assert step_costs(a, near, settings=s)[0, 0] == pytest.approx(0.0)
    assert step_costs(a, far, settings=s)[0, 0] == math.inf
    with pytest.raises(InputError, match="time order"):
        step_costs(near, a, settings=s)


def test_clip_radii_merge_sizes_within_the_tolerance() -> None:
    keys = _keys([[(0.0, 0.0, 1.05 * R, 0.5), (0.0, 0.0, 2 * R, 0.5)]])
    assert clip_radii(keys, settings=WholeClipSettings()).tolist() == [R, 2 * R]


def test_a_keyframe_checks_its_shapes() -> None:
    with pytest.raises(InputError, match=r"centre_px \(K, 2\)"):
        Keyframe(0.0, np.zeros((2, 3)), np.ones(2), np.ones(2), np.full(2, np.nan))
