"""How far the track's noise moves a rep's filtered peak velocity.

A rep's mean velocity is a displacement over a duration: a sample's error of a few millimetres
moves it by a fraction of a percent. Its peak velocity is the filtered path's steepest slope, made
from the few samples around it: the same error moves it by several percent at 30 frames a second
(a plate's centre found 2.3 px apart in two frames of a blurred snatch pull moved its peak by 6 %).

The uncertainty is the noise of the raw samples there (`sample_noise`) times the analysis's gain
from sample noise to filtered velocity (`noise_gains`: the source's rate, the even grid, the
cutoff, the filter's order and the derivative set it). Both are linear-algebra facts of the
analysis, not tuned: the gain is computed from each sample's impulse response through the
analysis's own functions, and the noise from a least-squares fit's residual.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from vbt.kinematics.filters import butterworth_lowpass, derivative, resample_uniform
from vbt.kinematics.series import Kinematics
from vbt.types import BoolArray, FloatArray

#: The filter's reach on either side of an impulse, in periods of the cutoff: the Butterworth pair's
#: response has decayed to nothing well within it.
_SUPPORT_PERIODS = 3.0
#: Two consecutive samples closer than this (metres: a micrometre, far below any pixel of a video)
#: are one measurement twice (a repeated frame, a held detection), not two measurements.
REPEAT_TOLERANCE_M = 1e-6


@dataclass(frozen=True)
class NoiseGains:
    """What unit noise on evenly spaced samples becomes after the analysis's resampling, filter and
    derivative; each the largest over where between two samples the peak falls.

    Attributes:
        velocity_per_s: white noise (unit standard deviation) to the filtered velocity's standard
            deviation, 1/s (m/s per metre of noise).
        alternating_velocity_per_s: an error alternating in sign from sample to sample (unit
            amplitude: a cadence's samples alternately early and late) to the filtered velocity's
            error, 1/s. The filter removes most of it: this is well under ``velocity_per_s``.
    """

    velocity_per_s: float
    alternating_velocity_per_s: float


@dataclass(frozen=True)
class SampleNoise:
    """The raw samples' noise around one time.

    Attributes:
        sd_m: one standard deviation of the broadband (white) part, metres.
        alternating_m: the amplitude of the part that alternates in sign from sample to sample,
            metres (0 for a track without a cadence).
        samples: how many real samples the estimate rests on.
    """

    sd_m: float
    alternating_m: float
    samples: int


@dataclass(frozen=True)
class SampleNoiseSettings:
    """How the samples' noise is estimated (`sample_noise`).

    Attributes:
        half_window_periods: samples within this many periods of the cutoff on either side are
            used: one period holds the samples a filtered value is mostly made of. Raising it steadies
            the estimate but lets the motion's own curvature (which the cubic cannot follow over a
            longer stretch) count as noise; lowering it leaves fewer samples.
        min_dof: the fewest degrees of freedom (samples minus fitted terms) an estimate rests on; fewer
            give NaN. A standard deviation from 3 degrees of freedom is within a factor of 2 of the
            truth 9 times in 10.
    """

    half_window_periods: float = 1.0
    min_dof: int = 3


@lru_cache(maxsize=32)
def noise_gains(
    source_rate_hz: float, *, cutoff_hz: float, grid_rate_hz: float, order: int = 2
) -> NoiseGains:
    """The gains of `NoiseGains` for samples at ``source_rate_hz`` put through the analysis (a cubic
    spline onto the ``grid_rate_hz`` grid, the zero-phase Butterworth pair at ``cutoff_hz``, central
    differences), computed from the response to each sample's unit impulse: the analysis is linear,
    so white noise's variance is the sum of the squared responses and an alternating error's effect
    the alternating sum of the responses.
    """
    half = math.ceil(_SUPPORT_PERIODS * source_rate_hz / cutoff_hz)
    t_s = np.arange(-half, half + 1) / source_rate_hz
    impulses = np.eye(t_s.size)  # column k: sample k moved by one unit
    grid_t, grid = resample_uniform(t_s, impulses, rate_hz=grid_rate_hz, max_gap_s=math.inf)
    position = butterworth_lowpass(grid, sample_rate_hz=grid_rate_hz, cutoff_hz=cutoff_hz, order=order)
    velocity = derivative(position, sample_rate_hz=grid_rate_hz)
    between = (grid_t >= 0.0) & (grid_t < 1.0 / source_rate_hz)  # from the middle sample to the next
    signs = (-1.0) ** np.arange(t_s.size)
    return NoiseGains(
        velocity_per_s=float(np.max(np.linalg.norm(velocity[between], axis=1))),
        alternating_velocity_per_s=float(np.max(np.abs(velocity[between] @ signs))),
    )


def real_samples(xy_m: FloatArray) -> BoolArray:
    """(N,) True where a sample of (N, 2) positions is present and is not a copy of the one before
    (within `REPEAT_TOLERANCE_M`): a repeated frame or a held detection adds no measurement, and kept
    in, it would put a step where the bar moves smoothly."""
    present: BoolArray = np.asarray(np.isfinite(xy_m).all(axis=1))
    real: BoolArray = present.copy()
    index = np.flatnonzero(present)
    if index.size > 1:
        step = np.max(np.abs(np.diff(xy_m[index], axis=0)), axis=1)
        real[index[1:][step < REPEAT_TOLERANCE_M]] = False
    return real


def sample_noise(
    t_s: FloatArray,
    y_m: FloatArray,
    *,
    at_s: float,
    half_window_s: float,
    real: BoolArray | None = None,
    min_dof: int = 3,
) -> SampleNoise:
    """The noise of (N,) raw samples ``y_m`` at ``t_s`` within ``half_window_s`` of ``at_s``.

    A least-squares fit of a cubic in time (constant jerk: any smooth stretch of a lift that short)
    plus a term alternating in sign from sample to sample (a frame-rate conversion's cadence puts
    alternate pictures early and late on an even clock; the analysis's filter removes most of that,
    so it is kept apart from the noise it passes). The broadband noise is the residual's standard
    deviation with the fitted terms' degrees of freedom taken out (unbiased for white noise).
    Samples that are NaN or not ``real`` (default: every present one) are left out.

    Returns:
        NaN figures when fewer than ``min_dof`` degrees of freedom remain.
    """
    keep = np.isfinite(y_m) & (np.abs(t_s - at_s) <= half_window_s)
    if real is not None:
        keep &= real
    tau = (t_s[keep] - at_s) / half_window_s if half_window_s > 0 else t_s[keep] * 0.0
    y = y_m[keep]
    design = np.column_stack([tau**0, tau, tau**2, tau**3, (-1.0) ** np.arange(tau.size)])
    dof = y.size - design.shape[1]
    if dof < max(min_dof, 1):
        return SampleNoise(float("nan"), float("nan"), int(y.size))
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coefficients
    return SampleNoise(
        sd_m=float(np.sqrt(np.sum(residual**2) / dof)),
        alternating_m=float(abs(coefficients[-1])),
        samples=int(y.size),
    )


def height_noise(
    kinematics: Kinematics, *, at_s: float, settings: SampleNoiseSettings | None = None
) -> SampleNoise:
    """The noise of the raw vertical samples around ``at_s`` (`sample_noise`): the real samples
    (`real_samples`) within ``half_window_periods`` of the cutoff of it, the samples a filtered value
    there is made of. NaN figures where the cutoff or ``at_s`` is not finite, or too few samples remain."""
    settings = settings or SampleNoiseSettings()
    if not (math.isfinite(at_s) and math.isfinite(kinematics.cutoff_hz) and kinematics.cutoff_hz > 0):
        return SampleNoise(float("nan"), float("nan"), 0)
    return sample_noise(
        kinematics.source_t_s,
        kinematics.source_bar_xy_m[:, 1],
        at_s=at_s,
        half_window_s=settings.half_window_periods / kinematics.cutoff_hz,
        real=real_samples(kinematics.source_bar_xy_m),
        min_dof=settings.min_dof,
    )


def reversal_floor_m(kinematics: Kinematics, *, start_s: float, end_s: float, sigmas: float) -> float:
    """How deep, in metres, the track's noise alone makes a reversal of the bar between ``start_s``
    and ``end_s`` at ``sigmas`` standard deviations: a reversal's depth is the difference of two
    heights, each as noisy as the raw samples around it (`height_noise`, at its middle), so its
    standard deviation is sqrt(2) times theirs. The filter averages the samples' noise down, so this
    errs towards calling a reversal noise. NaN where the noise cannot be estimated.

    A tracker that jumps for a frame (a circle hugging a plate's outline at its top, then its bottom)
    leaves residuals the smooth motion's cubic cannot explain: the floor rises right where it did.
    """
    noise = height_noise(kinematics, at_s=0.5 * (start_s + end_s))
    return sigmas * math.sqrt(2.0) * noise.sd_m


@dataclass(frozen=True)
class PeakUncertainty:
    """A peak velocity's uncertainty from the track's noise (NaN where it cannot be estimated).

    Attributes:
        sd_m_s: one standard deviation of the vertical peak velocity, m/s.
        noise: the samples' noise around the peak.
        gains: the analysis's gains from sample noise (`noise_gains`).
    """

    sd_m_s: float
    noise: SampleNoise
    gains: NoiseGains


def peak_velocity_uncertainty(
    kinematics: Kinematics, *, peak_s: float, settings: SampleNoiseSettings | None = None
) -> PeakUncertainty:
    """The uncertainty of the vertical peak velocity at ``peak_s`` from the track's own noise there
    (`height_noise`: the samples the peak is made of).

    The standard deviation is the broadband noise there times `NoiseGains.velocity_per_s`, combined
    with the alternating part times `NoiseGains.alternating_velocity_per_s` (taken as independent).
    Motion the cubic cannot follow counts as noise: the estimate errs towards doubt. The source's
    median rate stands for its clock (a variable frame rate is taken as even).

    A rep's mean velocity is not given an uncertainty this way: two filtered heights' noise over the
    duration is a small part of it (0.007 m/s for 5 mm of noise at 30 fps over 0.6 s), where the
    noise moves the rep's boundaries the segmenter finds by ten times more.
    """
    nan = float("nan")
    if not all(math.isfinite(v) for v in (peak_s, kinematics.source_rate_hz, kinematics.cutoff_hz)):
        return PeakUncertainty(nan, SampleNoise(nan, nan, 0), NoiseGains(nan, nan))
    gains = noise_gains(
        round(kinematics.source_rate_hz, 1),  # a tenth of a hertz moves the gains by < 0.5 %
        cutoff_hz=kinematics.cutoff_hz,
        grid_rate_hz=kinematics.sample_rate_hz,
        order=kinematics.filter_order,
    )
    noise = height_noise(kinematics, at_s=peak_s, settings=settings)
    sd = math.hypot(noise.sd_m * gains.velocity_per_s, noise.alternating_m * gains.alternating_velocity_per_s)
    return PeakUncertainty(sd_m_s=sd, noise=noise, gains=gains)
