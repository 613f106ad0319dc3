"""The samples of a set live mode analyses as it happens: one row per frame, appended in time order.

``OnlineSet`` (``vbt.live.online``) keeps its samples here and reads them back as the offline path
would (``trajectory``) or as the arrays its per-sample checks search (``t_s``, ``height_m``).
"""

from __future__ import annotations

import math

import numpy as np

from vbt.errors import InputError
from vbt.types import JOINT_NAMES, FloatArray, Trajectory


class Samples:
    """Times, bar positions, joints and lost flags of a set's samples, appended one at a time.

    The times and bar positions are kept in one array grown by doubling (rows t, x, y; the first
    ``len(self)`` columns): the per-sample checks search them, and building arrays from lists on
    every sample would grow with the set.
    """

    def __init__(self) -> None:
        self._rows = np.empty((3, 1024), dtype=np.float64)
        self._n = 0
        self._joints: list[FloatArray] = []
        self._lost: list[bool] = []
        self.any_joints = False
        """True once a sample came with joints."""

    def __len__(self) -> int:
        return self._n

    def append(self, t_s: float, bar_xy_m: FloatArray, joints_xy_m: FloatArray | None, *, lost: bool) -> None:
        """One sample (see ``OnlineSet.add``).

        Raises:
            InputError: time not finite or not after the last sample's, or a wrong shape.
        """
        t = float(t_s)
        if not math.isfinite(t) or (self._n and t <= self.last_t_s):
            last = f" (the previous sample is at {self.last_t_s:.6f} s)" if self._n else ""
            raise InputError(f"sample times must be finite and increasing, got {t_s}{last}")
        bar = np.asarray(bar_xy_m, dtype=np.float64)
        if bar.shape != (2,):
            raise InputError(f"bar_xy_m must have shape (2,), got {bar.shape}")
        if joints_xy_m is None:
            joints = np.full((len(JOINT_NAMES), 2), np.nan)
        else:
            joints = np.asarray(joints_xy_m, dtype=np.float64)
            if joints.shape != (len(JOINT_NAMES), 2):
                raise InputError(f"joints_xy_m must have shape ({len(JOINT_NAMES)}, 2), got {joints.shape}")
            self.any_joints = True
        if self._n == self._rows.shape[1]:
            self._rows = np.concatenate([self._rows, np.empty_like(self._rows)], axis=1)
        self._rows[:, self._n] = t, bar[0], bar[1]
        self._n += 1
        self._lost.append(bool(lost))
        self._joints.append(joints)

    @property
    def t_s(self) -> FloatArray:
        """(N,) the samples' times (a view: valid until the next ``append``)."""
        return self._rows[0, : self._n]

    @property
    def height_m(self) -> FloatArray:
        """(N,) the bar's height (y) of each sample, NaN where not seen (a view, as ``t_s``)."""
        return self._rows[2, : self._n]

    @property
    def first_t_s(self) -> float:
        """The first sample's time (NaN before any)."""
        return float(self._rows[0, 0]) if self._n else math.nan

    @property
    def last_t_s(self) -> float:
        """The newest sample's time (NaN before any)."""
        return float(self._rows[0, self._n - 1]) if self._n else math.nan

    @property
    def lost(self) -> np.ndarray:
        """(N,) for each sample, whether its frame was lost."""
        return np.asarray(self._lost, dtype=bool)

    def any_lost(self, *, first: int = 0) -> bool:
        """Whether a sample from the ``first`` on was a lost frame."""
        return any(self._lost[first:])

    def trajectory(self, *, first: int = 0, joints: bool = True) -> Trajectory:
        """The samples (from the ``first``), as the offline path would read them (``joints=False``:
        without the joints)."""
        t_s = self.t_s[first:].copy()
        bar = self._rows[1:, first : self._n].T.copy()
        if self.any_joints and joints:
            joints_xy_m = np.asarray(self._joints[first:], dtype=np.float64).reshape(-1, len(JOINT_NAMES), 2)
            return Trajectory(t_s=t_s, bar_xy_m=bar, joints_xy_m=joints_xy_m, joint_names=JOINT_NAMES)
        return Trajectory(t_s=t_s, bar_xy_m=bar)
