"""Frame timings for rendered clips: a constant rate, a phone's variable rate, given times."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vbt.errors import InputError
from vbt.synth.timing import ConstantRate, GivenTimes, PhoneTiming, check_times


def test_constant_rate_is_the_grid_from_zero() -> None:
    np.testing.assert_allclose(ConstantRate(25.0).frame_times_s(1.0), np.arange(26) / 25.0)
    t = ConstantRate(30000 / 1001).frame_times_s(10.0)
    assert t.shape[0] == math.floor(10.0 * 30000 / 1001) + 1
    assert ConstantRate(30.0).to_dict() == {"kind": "constant", "fps": 30.0}


def test_phone_timing_without_drops_or_spells_stays_within_its_interval_limits() -> None:
    t = PhoneTiming(drop_fraction=0.0, slow_spells_per_s=0.0, seed=2).frame_times_s(30.0)
    steps_ms = 1000 * np.diff(t)
    assert t[0] == 0.0 and t[-1] <= 30.0
    assert steps_ms.min() >= 28.0 - 1e-9 and steps_ms.max() <= 40.0 + 1e-9  # 0.84 and 1.2 x 33.3 ms
    assert np.median(steps_ms) == pytest.approx(1000 / 30, abs=0.7)
    assert 30.0 * 30 / 1.05 < t.shape[0] < 30.0 * 30 / 0.95


def test_a_dropped_frame_is_one_gap_of_two_intervals() -> None:
    t = PhoneTiming(drop_fraction=0.05, slow_spells_per_s=0.0, seed=3).frame_times_s(60.0)
    steps_ms = 1000 * np.diff(t)

    def spans(n: int) -> np.ndarray:  # n intervals of 28..40 ms in one gap
        return (steps_ms >= n * 28.0 - 1e-9) & (steps_ms <= n * 40.0 + 1e-9)

    assert (spans(1) | spans(2) | spans(3)).all()
    assert 0.03 < spans(2).mean() < 0.07
    assert spans(3).mean() < 0.01  # two drops in a row: 5 % x 5 %
    assert np.median(steps_ms[spans(2) & ~spans(1)]) == pytest.approx(2000 / 30, abs=2.0)


def test_low_light_spells_slow_the_rate_to_24_fps_for_half_a_second_to_a_second_and_a_half() -> None:
    timing = PhoneTiming(jitter_fraction=0.0, drop_fraction=0.0, slow_spells_per_s=0.2, seed=4)
    steps_s = np.diff(timing.frame_times_s(120.0))
    slow = np.isclose(steps_s, 1 / 24)
    assert (slow | np.isclose(steps_s, 1 / 30)).all()
    edges = np.flatnonzero(np.diff(np.concatenate([[0], slow.astype(int), [0]])))
    spells_s = [  # the last may be cut short by the clip's end
        steps_s[a:b].sum() for a, b in zip(edges[::2], edges[1::2], strict=True) if b < steps_s.shape[0]
    ]
    assert 10 <= len(spells_s) <= 40  # about 0.2 a second of normal-rate video
    assert min(spells_s) >= 0.5 - 1e-9 and max(spells_s) <= 1.5 + 1 / 24 + 1e-9


def test_phone_timing_is_seeded_and_a_longer_clip_only_adds_frames() -> None:
    a, b = PhoneTiming(seed=7).frame_times_s(20.0), PhoneTiming(seed=7).frame_times_s(20.0)
    np.testing.assert_array_equal(a, b)
    c = PhoneTiming(seed=8).frame_times_s(20.0)
    assert a.shape != c.shape or not np.array_equal(a, c)
    longer = PhoneTiming(seed=7).frame_times_s(25.0)
    np.testing.assert_array_equal(longer[: a.shape[0]], a)
    assert PhoneTiming(seed=7).to_dict()["seed"] == 7


def test_given_times_pass_through_with_their_rate() -> None:
    t = np.array([0.0, 0.03, 0.07, 0.1])
    given = GivenTimes(t)
    np.testing.assert_array_equal(given.frame_times_s(0.08), t[:3])
    assert given.nominal_fps == pytest.approx(1 / 0.03)
    assert GivenTimes(t, fps=24.0).nominal_fps == 24.0


@pytest.mark.parametrize(
    ("times", "words"),
    [
        ([], "non-empty"),
        ([0.0, math.nan], "not a finite"),
        ([0.0, 0.5, 2.5], "within"),
        ([-0.1, 0.5], "within"),
        ([0.0, 0.1, 0.1005], "at least 1 ms"),
        ([0.0, 0.2, 0.1], "at least 1 ms"),
    ],
)
def test_bad_frame_times_are_clear_errors(times: list[float], words: str) -> None:
    with pytest.raises(InputError, match=words):
        check_times(np.array(times), duration_s=2.0)


def test_bad_phone_settings_are_clear_errors() -> None:
    with pytest.raises(InputError, match="interval_limits"):
        PhoneTiming(interval_limits=(1.1, 1.2))
    with pytest.raises(InputError, match="nominal_fps"):
        PhoneTiming(nominal_fps=0.0)
    with pytest.raises(InputError, match="drop_fraction"):
        PhoneTiming(drop_fraction=0.9)
