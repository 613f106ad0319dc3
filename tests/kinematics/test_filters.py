import numpy as np
import pytest

from vbt.kinematics.filters import butterworth_lowpass, derivative, resample_uniform, valid_runs


def test_resample_reproduces_a_cubic_exactly_on_an_uneven_grid():
    rng = np.random.default_rng(0)
    t = np.cumsum(rng.uniform(0.02, 0.05, 80))
    y = 0.3 * t**3 - t + 2.0
    grid, out = resample_uniform(t, y, rate_hz=100.0, max_gap_s=0.2)
    assert np.allclose(grid[1:] - grid[:-1], 0.01)
    np.testing.assert_allclose(out, 0.3 * grid**3 - grid + 2.0, atol=1e-9)


def test_short_gaps_are_bridged_and_long_gaps_split_the_series():
    t = np.arange(0.0, 3.0, 0.02)
    y = np.sin(t)
    y[20:24] = np.nan  # 0.1 s: bridged
    y[80:100] = np.nan  # 0.42 s: stays a gap
    grid, out = resample_uniform(t, y, rate_hz=50.0, max_gap_s=0.2)
    assert np.isfinite(out[(grid > 0.35) & (grid < 0.5)]).all()
    np.testing.assert_allclose(out[21], np.sin(grid[21]), atol=1e-4)
    gap = (grid > t[79] + 1e-9) & (grid < t[100] - 1e-9)
    assert gap.any() and np.isnan(out[gap]).all()
    assert valid_runs(t, np.isfinite(y), max_gap_s=0.2) == [(0, 79), (100, t.size - 1)]


@pytest.mark.parametrize(("frequency_hz", "gain"), [(0.5, 1.0), (6.0, 2**-0.5)])
def test_lowpass_gain_is_one_in_the_passband_and_minus_3_db_at_the_cutoff(frequency_hz, gain):
    rate = 200.0
    t = np.arange(0, 20, 1 / rate)
    y = np.sin(2 * np.pi * frequency_hz * t)
    out = butterworth_lowpass(y, sample_rate_hz=rate, cutoff_hz=6.0)
    middle = slice(t.size // 4, 3 * t.size // 4)
    assert np.max(np.abs(out[middle])) == pytest.approx(gain, rel=0.02)


def test_lowpass_is_zero_phase_and_keeps_nans():
    rate = 200.0
    t = np.arange(0, 4, 1 / rate)
    pulse = np.exp(-(((t - 1.3) / 0.15) ** 2))
    pulse[600:700] = np.nan
    out = butterworth_lowpass(pulse, sample_rate_hz=rate, cutoff_hz=5.0)
    assert t[np.nanargmax(out[:600])] == pytest.approx(1.3, abs=1 / rate)
    assert np.isnan(out[600:700]).all() and np.isfinite(out[:600]).all()


def test_derivative_of_a_parabola_is_exact():
    rate = 50.0
    t = np.arange(0, 2, 1 / rate)
    np.testing.assert_allclose(derivative(3 * t**2, sample_rate_hz=rate), 6 * t, atol=1e-9)


def test_columns_with_different_gaps_come_out_as_if_each_were_alone():
    """Columns missing the same samples are resampled and filtered together: the answer must be the
    one each column gets on its own, whatever the others miss."""
    rng = np.random.default_rng(3)
    t = np.cumsum(rng.uniform(0.02, 0.05, 200))
    values = np.stack([np.sin(t), np.cos(t), 0.5 * t, t**0.5], axis=1)
    values[30:33, 0] = np.nan  # a bridged gap in column 0 only
    values[30:33, 2] = np.nan  # ... and the same one in column 2
    values[120:140, 1] = np.nan  # a long gap in column 1 only
    _, together = resample_uniform(t, values, rate_hz=100.0, max_gap_s=0.2)
    filtered = butterworth_lowpass(together, sample_rate_hz=100.0, cutoff_hz=4.0)
    for column in range(values.shape[1]):
        _, alone = resample_uniform(t, values[:, column], rate_hz=100.0, max_gap_s=0.2)
        np.testing.assert_allclose(together[:, column], alone, rtol=0, atol=1e-12)
        alone_filtered = butterworth_lowpass(alone, sample_rate_hz=100.0, cutoff_hz=4.0)
        np.testing.assert_allclose(filtered[:, column], alone_filtered, rtol=0, atol=1e-12)
    assert np.isnan(together[:, 1]).any() and np.isfinite(together[:, 0]).all()


def test_a_break_splits_the_series_even_between_two_consecutive_samples():
    # A camera cut at 1.0 s: the positions after it are in another view, 0.5 m off. The sample at
    # the break starts a new run, and no grid point joins the two sides, even at the grid's rate.
    t = np.arange(0.0, 2.0, 0.02)
    y = np.where(t < 1.0 - 1e-9, 0.0, 0.5)
    breaks = np.array([t[50]])
    assert valid_runs(t, np.isfinite(y), max_gap_s=0.2, breaks_t_s=breaks) == [(0, 49), (50, t.size - 1)]
    grid, out = resample_uniform(t, y, rate_hz=50.0, max_gap_s=0.2, breaks_t_s=breaks)
    before, after = grid < t[50] - 1e-9, grid >= t[50] - 1e-9
    assert np.isnan(out[before][-1])  # the grid point before the break is left empty
    np.testing.assert_allclose(out[before][:-1], 0.0)
    np.testing.assert_allclose(out[after], 0.5)
    velocity = derivative(butterworth_lowpass(out, sample_rate_hz=50.0, cutoff_hz=5.0), sample_rate_hz=50.0)
    assert np.nanmax(np.abs(velocity)) < 1e-9  # no step, so no speed, on either side
