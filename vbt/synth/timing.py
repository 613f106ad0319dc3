"""When a rendered clip's frames are taken: a constant rate, a phone's variable rate, or given times.

A ``FrameTiming`` gives the frame times of a set of ``duration_s`` seconds on the set's clock: (N,)
seconds, strictly increasing, the first at 0, the last at most ``duration_s``. ``vbt.synth.render``
draws each frame at its own time and, for anything but ``ConstantRate``, writes the file with those
exact times (variable frame rate).

>>> ConstantRate(25.0).frame_times_s(0.1)
array([0.  , 0.04, 0.08])
>>> t = PhoneTiming(seed=1).frame_times_s(60.0)
>>> bool(0.028 <= np.median(np.diff(t)) <= 0.040)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from vbt.errors import InputError
from vbt.types import FloatArray

#: Frames closer than this are refused: readers treat them as one repeated timestamp.
MIN_INTERVAL_S = 0.001


class FrameTiming(Protocol):
    """Frame times of a clip.

    Attributes:
        nominal_fps: the rate the camera claims (the container declares it; the default exposure is
            half its interval).
    """

    @property
    def nominal_fps(self) -> float: ...

    def frame_times_s(self, duration_s: float) -> FloatArray:
        """(N,) frame times in ``[0, duration_s]``, strictly increasing, the first at 0."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """What the timing is, for the truth file (JSON-safe)."""
        ...


@dataclass(frozen=True)
class ConstantRate:
    """Frame ``k`` at ``k / fps``: what ``render_set`` has always written."""

    fps: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.fps) and 1.0 <= self.fps <= 1000.0):
            raise InputError(f"fps must be between 1 and 1000, got {self.fps}")

    @property
    def nominal_fps(self) -> float:
        return float(self.fps)

    def frame_times_s(self, duration_s: float) -> FloatArray:
        return np.arange(math.floor(duration_s * self.fps) + 1) / self.fps

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "constant", "fps": float(self.fps)}


@dataclass(frozen=True)
class PhoneTiming:
    """A phone camera's variable frame rate, seeded: the same settings give the same times.

    Parameters:
        nominal_fps: the rate the phone is set to.
        jitter_fraction: Gaussian sigma of each frame interval, as a fraction of the nominal one.
        interval_limits: (low, high) bounds of an interval as fractions of the nominal one; at
            30 fps the defaults give 28..40 ms.
        drop_fraction: fraction of frames the phone drops; the gap there is two intervals (about
            67 ms at 30 fps).
        slow_fps: the rate in low light (auto-exposure lengthens the frame time).
        slow_spells_per_s: how often a low-light spell starts (per second of normal-rate video).
        slow_spell_s: (shortest, longest) spell, seconds (uniform between).
        seed: the random stream.
    """

    nominal_fps: float = 30.0
    jitter_fraction: float = 0.06
    interval_limits: tuple[float, float] = (0.84, 1.2)
    drop_fraction: float = 0.02
    slow_fps: float = 24.0
    slow_spells_per_s: float = 0.1
    slow_spell_s: tuple[float, float] = (0.5, 1.5)
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("nominal_fps", "slow_fps"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 1.0 <= value <= 1000.0):
                raise InputError(f"PhoneTiming.{name} must be between 1 and 1000 fps, got {value}")
        if not 0.0 <= self.jitter_fraction <= 0.3:
            raise InputError(f"PhoneTiming.jitter_fraction must be within 0..0.3, got {self.jitter_fraction}")
        low, high = self.interval_limits
        if not 0.5 <= low <= 1.0 <= high <= 2.0:
            raise InputError(
                f"PhoneTiming.interval_limits must be (low, high) with 0.5 <= low <= 1 <= high <= 2, "
                f"got {self.interval_limits}"
            )
        if not 0.0 <= self.drop_fraction <= 0.3:
            raise InputError(f"PhoneTiming.drop_fraction must be within 0..0.3, got {self.drop_fraction}")
        if not (math.isfinite(self.slow_spells_per_s) and self.slow_spells_per_s >= 0.0):
            raise InputError(f"PhoneTiming.slow_spells_per_s must be 0 or more, got {self.slow_spells_per_s}")
        shortest, longest = self.slow_spell_s
        if not 0.0 < shortest <= longest:
            raise InputError(
                f"PhoneTiming.slow_spell_s must be (shortest, longest) > 0, got {self.slow_spell_s}"
            )

    def frame_times_s(self, duration_s: float) -> FloatArray:
        """(N,) frame times from 0 to at most ``duration_s``; a longer duration only adds frames."""
        rng = np.random.default_rng(np.random.SeedSequence([int(self.seed), 23]))
        low, high = self.interval_limits
        times = [0.0]
        slow_until_s = -math.inf
        t = 0.0
        while True:
            if t >= slow_until_s and rng.random() < self.slow_spells_per_s / self.nominal_fps:
                slow_until_s = t + float(rng.uniform(*self.slow_spell_s))
            period = 1.0 / (self.slow_fps if t < slow_until_s else self.nominal_fps)
            jitter = float(np.clip(rng.normal(1.0, self.jitter_fraction), low, high))
            t += period * jitter
            if t > duration_s:
                break
            if rng.random() >= self.drop_fraction:
                times.append(t)
        return np.asarray(times, dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "phone",
            "nominal_fps": float(self.nominal_fps),
            "jitter_fraction": self.jitter_fraction,
            "interval_limits": list(self.interval_limits),
            "drop_fraction": self.drop_fraction,
            "slow_fps": float(self.slow_fps),
            "slow_spells_per_s": self.slow_spells_per_s,
            "slow_spell_s": list(self.slow_spell_s),
            "seed": int(self.seed),
        }


@dataclass(frozen=True, eq=False)
class GivenTimes:
    """Frames at the times given (seconds on the set's clock); they are checked by ``check_times``.

    ``nominal_fps`` is the median interval's rate unless given.
    """

    t_s: FloatArray
    fps: float | None = None

    @property
    def nominal_fps(self) -> float:
        if self.fps is not None:
            return float(self.fps)
        t = np.asarray(self.t_s, dtype=np.float64)
        return 1.0 / float(np.median(np.diff(t))) if t.shape[0] > 1 else 30.0

    def frame_times_s(self, duration_s: float) -> FloatArray:
        t = np.asarray(self.t_s, dtype=np.float64)
        return t[t <= duration_s]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "given", "nominal_fps": self.nominal_fps}


def check_times(t_s: npt.ArrayLike, *, duration_s: float) -> FloatArray:
    """``t_s`` as a float (N,) array, checked: finite, within ``[0, duration_s]``, increasing by at
    least ``MIN_INTERVAL_S``, at least one frame.

    Raises:
        InputError: saying which frame breaks which rule.
    """
    t = np.asarray(t_s, dtype=np.float64)
    if t.ndim != 1 or t.shape[0] == 0:
        raise InputError(f"frame times must be a non-empty (N,) array, got shape {t.shape}")
    if not np.isfinite(t).all():
        raise InputError(f"frame time {int(np.flatnonzero(~np.isfinite(t))[0])} is not a finite number")
    if t[0] < 0.0 or t[-1] > duration_s + 1e-9:
        raise InputError(
            f"frame times must lie within the set's 0..{duration_s:.3f} s, got {t[0]:.3f}..{t[-1]:.3f} s"
        )
    steps = np.diff(t)
    if steps.shape[0] and steps.min() < MIN_INTERVAL_S:
        k = int(np.argmin(steps)) + 1
        raise InputError(
            f"frame {k} at {t[k]:.4f} s is {1000 * steps[k - 1]:.2f} ms after the previous one; frame times "
            f"must increase by at least {1000 * MIN_INTERVAL_S:.0f} ms"
        )
    return t
