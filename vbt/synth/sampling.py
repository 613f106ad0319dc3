"""What a camera and a tracker make of the exact motion: frame times, noise, missing samples."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import numpy as np
import numpy.typing as npt

from vbt.errors import InputError
from vbt.types import FloatArray

#: The NTSC rate, exactly (never 29.97 rounded).
NTSC_FPS = 30000 / 1001


@dataclass(frozen=True)
class Sampling:
    """How the synthetic set is sampled.

    Attributes:
        fps: frame rate (the nominal one when ``vfr``); 29.97 fps is ``30000 / 1001``.
        vfr: variable frame rate: intervals jittered by +-``vfr_jitter`` and occasional dropped frames.
        bar_noise_m: Gaussian sigma on each bar coordinate, metres.
        joint_noise_m: Gaussian sigma on each joint coordinate, metres.
        missing_fraction: fraction of samples (bar, and each joint separately) set to NaN, as isolated
            samples and gaps of up to ``max_gap_frames``.
        vfr_jitter: relative interval jitter for ``vfr``.
        vfr_drop_fraction: fraction of frames dropped for ``vfr`` (the interval doubles there).
        max_gap_frames: longest gap of missing samples.
        random_start: the first frame comes at a random time in ``[0, 1/fps)`` after the motion's start
            (else exactly at 0).
    """

    fps: float = 30.0
    vfr: bool = False
    bar_noise_m: float = 0.002
    joint_noise_m: float = 0.002
    missing_fraction: float = 0.0
    vfr_jitter: float = 0.15
    vfr_drop_fraction: float = 0.02
    max_gap_frames: int = 4
    random_start: bool = True

    def __post_init__(self) -> None:
        if not (math.isfinite(self.fps) and 1.0 <= self.fps <= 10000.0):
            raise InputError(f"fps must be between 1 and 10000, got {self.fps}")
        for name in ("bar_noise_m", "joint_noise_m"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0.0 <= value <= 1.0):
                raise InputError(f"{name} must be between 0 and 1 m, got {value}")
        if not 0.0 <= self.missing_fraction <= 0.5:
            raise InputError(f"missing_fraction must be between 0 and 0.5, got {self.missing_fraction}")
        if not 0.0 <= self.vfr_jitter < 0.5:
            raise InputError(f"vfr_jitter must be in [0, 0.5), got {self.vfr_jitter}")
        if not 0.0 <= self.vfr_drop_fraction <= 0.5:
            raise InputError(f"vfr_drop_fraction must be between 0 and 0.5, got {self.vfr_drop_fraction}")
        if self.max_gap_frames < 1:
            raise InputError(f"max_gap_frames must be >= 1, got {self.max_gap_frames}")

    @classmethod
    def at_rate(cls, rate: float | str, *, base: Sampling | None = None) -> Sampling:
        """``base`` (default settings if None) at ``rate`` fps, or ``"vfr"`` (nominal 30 fps, variable)."""
        base = base if base is not None else cls()
        if isinstance(rate, str):
            if rate.strip().lower() != "vfr":
                raise InputError(f"frame rate must be a number or 'vfr', got {rate!r}")
            return replace(base, fps=30.0, vfr=True)
        return replace(base, fps=float(rate), vfr=False)

    def to_dict(self) -> dict[str, float | bool | int]:
        return asdict(self)


def frame_times(duration_s: float, sampling: Sampling, rng: np.random.Generator) -> FloatArray:
    """(N,) frame times in ``[0, duration_s]``, strictly increasing.

    Constant rate: ``offset + k / fps``. Variable rate: intervals ``(1 +- jitter) / fps`` with a fraction
    of frames dropped.
    """
    period = 1.0 / sampling.fps
    offset = float(rng.uniform(0.0, period)) if sampling.random_start else 0.0
    if not sampling.vfr:
        n = math.floor((duration_s - offset) * sampling.fps) + 1
        t = offset + np.arange(n) / sampling.fps
        return t[t <= duration_s]
    n = math.ceil(duration_s * sampling.fps * 1.6) + 2
    intervals = period * (1.0 + rng.uniform(-sampling.vfr_jitter, sampling.vfr_jitter, size=n))
    t = offset + np.concatenate([[0.0], np.cumsum(intervals)])
    keep = np.asarray(rng.random(t.shape[0]) >= sampling.vfr_drop_fraction)
    keep[0] = True
    kept: FloatArray = t[keep]
    return kept[kept <= duration_s]


def missing_mask(
    n: int, *, fraction: float, max_gap_frames: int, rng: np.random.Generator
) -> npt.NDArray[np.bool_]:
    """(N,) bool, True where a sample is missing: half isolated samples, half gaps of 2..max frames.

    The count is ``round(fraction * n)`` (gaps are cut at the end to hit it).
    """
    mask = np.zeros(n, dtype=bool)
    target = round(fraction * n)
    missing = 0
    while missing < target:
        length = 1
        if max_gap_frames > 1 and rng.random() >= 0.5:
            length = int(rng.integers(2, max_gap_frames + 1))
        start = int(rng.integers(0, n))
        free = np.flatnonzero(~mask[start : start + length])
        take = free[: target - missing] + start
        mask[take] = True
        missing += take.shape[0]
    return mask


def add_noise(
    positions: FloatArray,
    *,
    sigma_m: float,
    missing_fraction: float,
    max_gap_frames: int,
    rng: np.random.Generator,
) -> FloatArray:
    """Gaussian noise on every coordinate and missing points (both coordinates NaN).

    Parameters:
        positions: (N, 2) one point's track, or (N, J, 2) several points (each gets its own missing samples).

    Returns:
        A new array of the same shape.
    """
    noisy = positions + rng.normal(0.0, sigma_m, size=positions.shape) if sigma_m > 0 else positions.copy()
    if missing_fraction > 0.0:
        points = noisy.reshape(noisy.shape[0], -1, 2)
        for j in range(points.shape[1]):
            mask = missing_mask(
                points.shape[0], fraction=missing_fraction, max_gap_frames=max_gap_frames, rng=rng
            )
            points[mask, j, :] = np.nan
        noisy = points.reshape(positions.shape)
    return np.asarray(noisy, dtype=np.float64)
