"""Where a resting bar starts to move, located on the raw samples (``refine_rest_boundary``)."""

import numpy as np
import pytest

from vbt.kinematics.onsets import refine_rest_boundary


def test_a_clean_start_is_found_between_samples() -> None:
    t = np.arange(0.0, 1.5, 1 / 30)
    start = 1.01
    y = 0.5 * 2.0 * np.maximum(t - start, 0.0) ** 2  # 2 m/s^2 from rest
    found = refine_rest_boundary(t, y, guess_s=1.05, moving_limit_s=1.3, rest_before=True)
    assert found == pytest.approx(start, abs=2e-3)


@pytest.mark.parametrize("rest_before", [True, False])
def test_a_start_the_samples_cannot_place_is_put_at_the_resting_side_whatever_the_rounding(
    rest_before: bool,
) -> None:
    """A dropped frame right where the bar starts (or stops), and only two samples on the moving side
    before the fit's limit: every hinge from 1.0591 s (before it, the fit would need a jerk that
    grows, which the model forbids: y2/y1 = 3 = ((1.13 - t0)/(1.10 - t0))^2 there) to the next sample
    fits them exactly. The answer is the resting end of that run, on the 2 ms grid; guesses a rounding
    error apart move it by as little (it used to flip between two points 19 ms apart as the live
    analysis added samples far away)."""
    rest = np.arange(0.0, 1.0 + 1e-9, 1 / 30)  # at rest until 1.0 s
    moving = np.array([1.10, 1.13])  # the frames between 1.0 and 1.1 s were dropped
    t = np.concatenate([rest, moving])
    y = np.concatenate([np.zeros(rest.size), [0.004, 0.012]])
    edge = (1.10 * 3**0.5 - 1.13) / (3**0.5 - 1)  # 1.0591 s
    if not rest_before:  # the same mirrored in time: a rising bar that stops (below its rest height)
        t, y, edge = (2.2 - t)[::-1], -y[::-1], 2.2 - edge
    guess, limit = (1.08, 1.14) if rest_before else (2.2 - 1.08, 2.2 - 1.14)
    answers = [
        refine_rest_boundary(t, y, guess_s=guess + d, moving_limit_s=limit, rest_before=rest_before)
        for d in (0.0, 1e-12, -1e-12, 3e-10)
    ]
    assert max(answers) - min(answers) < 1e-9
    if rest_before:
        assert edge < answers[0] <= edge + 0.002
    else:
        assert edge - 0.002 <= answers[0] < edge
