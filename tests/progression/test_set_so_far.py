"""SetSoFar, the stop-set cue kept up to date one rep at a time, gives the cue of the whole list."""

from __future__ import annotations

import random

import pytest

from vbt.progression.profile import VelocityKind
from vbt.progression.rules import SetSoFar, stop_set_cue
from vbt.types import RepStatus

from .helpers import NAN, rep


@pytest.mark.parametrize("seed", range(5))
def test_puts_and_removes_in_any_order_give_the_cue_of_the_reps_left(seed):
    rng = random.Random(seed)
    so_far = SetSoFar(VelocityKind.MEAN)
    kept = {}
    for _ in range(60):
        order = rng.randrange(12)
        if rng.random() < 0.25:
            so_far.remove(order)
            kept.pop(order, None)
        else:
            status = rng.choice(
                [RepStatus.OK, RepStatus.OK, RepStatus.OK, RepStatus.FAILED, RepStatus.SUSPECT]
            )
            velocity = rng.choice([NAN, round(rng.uniform(0.3, 1.0), 3)])
            so_far.put(order, status, velocity)
            kept[order] = rep(order, mean_m_s=velocity, status=status)
        expected = stop_set_cue([kept[k] for k in sorted(kept)], 20.0)
        assert so_far.cue(20.0) == pytest.approx(expected, nan_ok=True)


def test_a_rep_stored_late_with_a_lower_index_is_not_the_latest():
    so_far = SetSoFar(VelocityKind.PEAK)
    so_far.put(0, RepStatus.OK, 2.0)
    so_far.put(2, RepStatus.OK, 1.5)
    so_far.put(1, RepStatus.OK, 1.9)  # arrives last, is not the latest rep
    cue = so_far.cue(20.0)
    assert (cue.stop, cue.velocity_loss_pct, cue.rep_count) == (True, pytest.approx(25.0), 3)
