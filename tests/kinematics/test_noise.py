"""A rep's velocities' uncertainty from the track's noise, against noise of known size."""

import numpy as np
import pytest

from tests.kinematics.paths import eased_path
from vbt.analysis import analyze_trajectory
from vbt.kinematics.filters import butterworth_lowpass, derivative, resample_uniform
from vbt.kinematics.noise import (
    noise_gains,
    peak_velocity_uncertainty,
    real_samples,
    reversal_floor_m,
    sample_noise,
)
from vbt.kinematics.series import smooth
from vbt.types import Lift, Trajectory

#: A 0.9 m pull in 0.6 s (peak pi/2 x 1.5 = 2.36 m/s) between rests.
PULL = [(1.0, 0.0), (0.6, 0.9), (1.0, 0.0)]


@pytest.mark.parametrize(("source_rate_hz", "cutoff_hz"), [(30.0, 6.0), (60.0, 6.0), (30.0, 5.0)])
def test_the_gains_are_what_white_noise_becomes(source_rate_hz, cutoff_hz):
    # 2000 tracks of pure white noise (sd 1) through the analysis's steps: the spread of the filtered
    # velocity between two samples is what the gain says
    rng = np.random.default_rng(1)
    t = np.arange(int(2 * source_rate_hz)) / source_rate_hz
    noise = rng.normal(0.0, 1.0, (t.size, 2000))
    grid_t, grid = resample_uniform(t, noise, rate_hz=200.0, max_gap_s=1.0)
    position = butterworth_lowpass(grid, sample_rate_hz=200.0, cutoff_hz=cutoff_hz)
    velocity = derivative(position, sample_rate_hz=200.0)
    middle = t[t.size // 2]
    between = (grid_t >= middle) & (grid_t < middle + 1 / source_rate_hz)
    gains = noise_gains(source_rate_hz, cutoff_hz=cutoff_hz, grid_rate_hz=200.0)
    assert np.max(np.std(velocity[between], axis=1)) == pytest.approx(gains.velocity_per_s, rel=0.05)
    # an ideal low-pass passes 2 pi (2 fc^3 / (3 fs))^0.5 of velocity noise; the Butterworth pair's
    # gentle roll-off a little more; an alternating error, at the Nyquist frequency, far less
    ideal = 2 * np.pi * np.sqrt(2 * cutoff_hz**3 / (3 * source_rate_hz))
    assert ideal < gains.velocity_per_s < 1.4 * ideal
    assert gains.alternating_velocity_per_s < 0.5 * gains.velocity_per_s


def test_the_samples_noise_is_found_in_a_moving_stretch():
    # white noise of 4 mm on a pull at 30 fps: the fit's residual gives it back within 10 % (median of
    # 200 tracks), and no alternating part
    sds, alternating = [], []
    for seed in range(200):
        trajectory, bounds = eased_path(PULL, y0_m=0.225, fps=30.0, noise_m=0.004, seed=seed)
        y = trajectory.bar_xy_m[:, 1]
        noise = sample_noise(trajectory.t_s, y, at_s=0.5 * (bounds[1] + bounds[2]), half_window_s=1 / 6)
        sds.append(noise.sd_m)
        alternating.append(noise.alternating_m)
    assert np.median(sds) == pytest.approx(0.004, rel=0.1)
    assert np.median(alternating) < 0.002  # what 4 mm of white noise puts in one fitted term


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_the_peaks_sd_predicts_how_far_noisy_peaks_scatter(fps):
    # 120 noisy tracks of one pull through the whole analysis: the peaks scatter by what each rep's
    # own sd says (within 25 %: the sd of 120 draws is itself known to ~7 %, each rep's estimate rests
    # on ~10-20 samples)
    peaks, peak_sds = [], []
    for seed in range(120):
        trajectory, _ = eased_path(PULL, y0_m=0.225, fps=fps, noise_m=0.005, seed=seed)
        (rep,) = analyze_trajectory(trajectory, lift=Lift.SNATCH).reps
        peaks.append(rep.peak_velocity_m_s)
        peak_sds.append(rep.peak_velocity_sd_m_s)
    assert np.std(peaks) == pytest.approx(np.median(peak_sds), rel=0.25)
    gains = noise_gains(fps, cutoff_hz=6.0, grid_rate_hz=200.0)
    assert np.median(peak_sds) == pytest.approx(0.005 * gains.velocity_per_s, rel=0.15)  # 0.08 m/s at 30


def test_repeated_samples_do_not_inflate_the_noise():
    # every third sample of a pull held (a repeated frame, a held detection): left out, the noise is
    # the track's own; kept in, the steps where the bar moves ~8 cm a frame would read as noise
    trajectory, bounds = eased_path(PULL, y0_m=0.225, fps=30.0, noise_m=0.002, seed=3)
    held = trajectory.bar_xy_m.copy()
    held[2::3] = held[1::3][: held[2::3].shape[0]]
    real = real_samples(held)
    assert not real[2::3].any() and real[0::3].all() and real[1::3].all()
    at = 0.5 * (bounds[1] + bounds[2])
    args = {"at_s": at, "half_window_s": 0.25}
    kept = sample_noise(trajectory.t_s, held[:, 1], **args)
    dropped = sample_noise(trajectory.t_s, held[:, 1], real=real, **args)
    assert dropped.sd_m == pytest.approx(0.002, rel=0.5)
    assert kept.sd_m > 5 * dropped.sd_m
    # through the analysis: the held samples are left out of the peak's noise
    k = smooth(Trajectory(t_s=trajectory.t_s, bar_xy_m=held), lift=Lift.SNATCH)
    u = peak_velocity_uncertainty(k, peak_s=at)
    assert u.noise.samples == int(real[np.abs(trajectory.t_s - at) <= 1 / 6].sum())


def test_a_cadence_is_kept_apart_from_the_noise():
    # a 30 fps pull with every third frame dropped, the rest put on an even 20 Hz clock (what a
    # conversion to 20 fps shown as such does): alternate samples early and late by 1/60 s. The fit
    # takes that out as its alternating part (about v/60: 2 cm at 1.5 m/s), leaving the broadband noise
    # small; the peak's sd covers how far the cadence moved the peak
    trajectory, _ = eased_path(PULL, y0_m=0.225, fps=30.0)
    keep = np.arange(trajectory.t_s.size) % 3 != 2
    cadenced = Trajectory(t_s=np.arange(keep.sum()) / 20.0, bar_xy_m=trajectory.bar_xy_m[keep])
    (truth,) = analyze_trajectory(trajectory, lift=Lift.SNATCH).reps
    (rep,) = analyze_trajectory(cadenced, lift=Lift.SNATCH).reps
    k = smooth(cadenced, lift=Lift.SNATCH)
    u = peak_velocity_uncertainty(k, peak_s=rep.start_s + rep.time_to_peak_velocity_s)
    assert u.noise.alternating_m > 0.01 and u.noise.sd_m < 0.3 * u.noise.alternating_m
    assert abs(rep.peak_velocity_m_s - truth.peak_velocity_m_s) < 2 * rep.peak_velocity_sd_m_s


def test_a_clean_track_has_a_small_sd_and_no_samples_none():
    trajectory, bounds = eased_path(PULL, y0_m=0.225, fps=30.0)
    (rep,) = analyze_trajectory(trajectory, lift=Lift.SNATCH).reps
    assert rep.peak_velocity_sd_m_s < 0.01
    peak_s = 0.5 * (bounds[1] + bounds[2])
    hidden = trajectory.bar_xy_m.copy()
    hidden[np.abs(trajectory.t_s - peak_s) < 0.12] = np.nan  # too few samples left near the peak
    k = smooth(Trajectory(t_s=trajectory.t_s, bar_xy_m=hidden), lift=Lift.SNATCH)
    assert np.isnan(peak_velocity_uncertainty(k, peak_s=peak_s).sd_m_s)


def test_a_reversals_noise_floor_is_two_noisy_heights_apart():
    # 3 mm of white noise on a pull: the floor at 2 sigmas is 2 sqrt(2) x 3 mm = 8.5 mm (median of 100
    # tracks, within 15 %); where the track has no samples it is NaN
    floors = []
    for seed in range(100):
        trajectory, bounds = eased_path(PULL, y0_m=0.225, fps=30.0, noise_m=0.003, seed=seed)
        k = smooth(trajectory, lift=Lift.SNATCH)
        middle = 0.5 * (bounds[1] + bounds[2])
        floors.append(reversal_floor_m(k, start_s=middle - 0.03, end_s=middle + 0.03, sigmas=2.0))
    assert np.median(floors) == pytest.approx(2 * np.sqrt(2) * 0.003, rel=0.15)
    assert np.isnan(reversal_floor_m(k, start_s=-5.0, end_s=-4.0, sigmas=2.0))
