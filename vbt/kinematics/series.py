"""From a sampled trajectory to evenly resampled, filtered positions, velocities and accelerations."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vbt.errors import NotEnoughDataError
from vbt.kinematics.filters import butterworth_lowpass, derivative, resample_uniform
from vbt.lifts import LiftFamily
from vbt.types import FloatArray, Lift, Trajectory

#: Bar cutoffs by family. Olympic pulls and jerk drives hold faster events (the second pull lasts about
#: 0.15 s) than squats, presses and deadlifts, so they keep more bandwidth. Chosen with
#: benchmarks/accuracy.py: higher cutoffs let more tracker noise into peak velocity than they recover
#: from the peak's sharpness.
_BASE_CUTOFF_HZ = {
    LiftFamily.SQUAT: 5.0,
    LiftFamily.PRESS: 5.0,
    LiftFamily.FLOOR_PULL: 5.0,
    LiftFamily.OLYMPIC_PULL: 6.0,
    LiftFamily.JERK_DRIVE: 6.0,
}


@dataclass(frozen=True)
class SmoothingSettings:
    """How a trajectory is resampled and filtered.

    Attributes:
        cutoff_hz: low-pass cutoff for the bar (-3 dB of the zero-phase pair); None picks one for the
            lift and the source's sampling rate (`default_cutoff_hz`).
        joint_cutoff_hz: the same for joints; None uses the bar's cutoff.
        grid_rate_hz: rate of the even grid everything is computed on; None uses
            max(200 Hz, 2 x the source rate).
        max_gap_s: gaps up to this long are interpolated; longer gaps split the series.
        order: Butterworth order of each pass.
    """

    cutoff_hz: float | None = None
    joint_cutoff_hz: float | None = None
    grid_rate_hz: float | None = None
    max_gap_s: float = 0.25
    order: int = 2


@dataclass(frozen=True, eq=False)
class Kinematics:
    """A trajectory on an even time grid, filtered, with the bar's derivatives.

    Attributes:
        t_s: (M,) even times, seconds, on the source's clock.
        sample_rate_hz: the grid's rate.
        source_rate_hz: the median sampling rate of the source.
        cutoff_hz: the bar's low-pass cutoff actually used.
        bar_xy_m: (M, 2) filtered bar position (NaN in gaps longer than ``max_gap_s``).
        bar_velocity_m_s: (M, 2).
        bar_acceleration_m_s2: (M, 2).
        joints_xy_m: (M, J, 2) filtered joints.
        joint_names: names for the second axis of ``joints_xy_m``.
        source_t_s: (N,) the source's own sample times.
        source_bar_xy_m: (N, 2) the source's raw bar samples (NaN where missing), for fits that must not
            see the filter's smearing.
        source_joints_xy_m: (N, J, 2) the source's raw joint samples.
        source_joints_visibility: (N, J) how well the pose saw them (NaN: unknown).
        filter_order: the Butterworth order of each pass (what `vbt.kinematics.noise` propagates
            the track's noise through).
    """

    t_s: FloatArray
    sample_rate_hz: float
    source_rate_hz: float
    cutoff_hz: float
    bar_xy_m: FloatArray
    bar_velocity_m_s: FloatArray
    bar_acceleration_m_s2: FloatArray
    joints_xy_m: FloatArray
    joint_names: tuple[str, ...]
    source_t_s: FloatArray
    source_bar_xy_m: FloatArray
    source_joints_xy_m: FloatArray
    source_joints_visibility: FloatArray = field(default_factory=lambda: np.empty((0, 0)))
    filter_order: int = 2

    def joint(self, name: str) -> FloatArray:
        """(M, 2) filtered positions of one joint, all NaN when it was not recorded."""
        if name not in self.joint_names:
            return np.full((self.t_s.size, 2), np.nan)
        return self.joints_xy_m[:, self.joint_names.index(name), :]


def source_rate_hz(t_s: FloatArray) -> float:
    """The median sampling rate of (N,) times, robust to dropped and jittered frames."""
    if t_s.size < 2:
        return float("nan")
    return float(1.0 / np.median(np.diff(t_s)))


def default_cutoff_hz(lift: Lift, *, source_rate_hz: float) -> float:
    """A bar low-pass cutoff that suits the lift, never above half the source's Nyquist frequency.

    The cutoff follows the movement, not the camera: a faster camera does not make a squat faster, and
    the extra samples go to lowering the noise instead.
    """
    return float(min(_BASE_CUTOFF_HZ[lift.family], 0.5 * source_rate_hz / 2.0))


def smooth(trajectory: Trajectory, *, lift: Lift, settings: SmoothingSettings | None = None) -> Kinematics:
    """Resample a trajectory onto an even grid, low-pass filter it and differentiate the bar path.

    Raises:
        NotEnoughDataError: When fewer than two bar samples are present.
    """
    settings = settings or SmoothingSettings()
    t_s = trajectory.t_s
    present = np.isfinite(trajectory.bar_xy_m).all(axis=1)
    if present.sum() < 2:
        raise NotEnoughDataError("the bar was seen in fewer than two samples; there is nothing to analyse")
    rate = source_rate_hz(t_s)
    grid_rate = settings.grid_rate_hz or max(200.0, 2.0 * rate)
    cutoff = settings.cutoff_hz or default_cutoff_hz(lift, source_rate_hz=rate)
    joint_cutoff = settings.joint_cutoff_hz or cutoff

    breaks = trajectory.breaks_t_s
    grid_t, bar = resample_uniform(
        t_s, trajectory.bar_xy_m, rate_hz=grid_rate, max_gap_s=settings.max_gap_s, breaks_t_s=breaks
    )
    bar = butterworth_lowpass(bar, sample_rate_hz=grid_rate, cutoff_hz=cutoff, order=settings.order)
    velocity = derivative(bar, sample_rate_hz=grid_rate)
    acceleration = derivative(velocity, sample_rate_hz=grid_rate)

    joints = np.full((grid_t.size, len(trajectory.joint_names), 2), np.nan)
    if trajectory.has_joints:
        _, joints = resample_uniform(
            t_s, trajectory.joints_xy_m, rate_hz=grid_rate, max_gap_s=settings.max_gap_s, breaks_t_s=breaks
        )
        joints = butterworth_lowpass(
            joints, sample_rate_hz=grid_rate, cutoff_hz=joint_cutoff, order=settings.order
        )
    return Kinematics(
        t_s=grid_t,
        sample_rate_hz=grid_rate,
        source_rate_hz=rate,
        cutoff_hz=cutoff,
        bar_xy_m=bar,
        bar_velocity_m_s=velocity,
        bar_acceleration_m_s2=acceleration,
        joints_xy_m=joints,
        joint_names=trajectory.joint_names,
        source_t_s=t_s,
        source_bar_xy_m=trajectory.bar_xy_m,
        source_joints_xy_m=trajectory.joints_xy_m,
        source_joints_visibility=trajectory.joints_visibility,
        filter_order=settings.order,
    )
