"""One set analysed while it happens, with exactly the functions of the offline path.

``OnlineSet`` is fed one sample at a time and re-runs `vbt.analysis.analyze_trajectory` on everything
buffered so far (at most every ``rerun_every_s`` of new data). It computes nothing of its own: a rep
is emitted once it appears in that analysis and nothing that arrives later can change it (the rules
below), so the emitted reps are the ones ``analyze_trajectory`` finds on the whole recording (checked
on synthetic sets of every lift in ``tests/live``).

When a rep is final (the emission delay)
----------------------------------------
Times are on the trajectory's clock; ``t_end`` is the newest sample.

- squat, bench, deadlift: ``t_end >= end_s + rest_check_s[1] + settle_s``. The segmenter looks up to
  ``rest_check_s[1]`` (0.35 s) past the end for the stop at lockout, and the zero-phase filter needs
  ``settle_s`` (0.15 s, about three time constants at a 5 Hz cutoff) before the edge of the buffer no
  longer moves the rep's samples. With the defaults: 0.5 s after the end, plus up to ``rerun_every_s``
  and one sample interval. (On the synthetic sets the emitted metrics equal the offline ones within
  1e-9 with ``settle_s`` = 0.1 s; with 0 they differ by up to 1.3e-3 m/s.)
- power clean, clean, snatch (made): made/failed is decided by the hold after the catch, so the rep is
  final once the smoothed bar has been held (``|vy| < hold_speed_m_s`` for ``hold_s``, 0.3 s, above
  ``hold_height_fraction`` of the pull) after the pull, plus ``settle_s``: the drop under the bar and,
  for a squat clean or snatch, the recovery until the bar is still, then 0.45 s; 1.3-3.4 s after
  the end of the pull on the synthetic sets.
- Olympic lifts (failed): final once the bar is back within ``floor_tolerance_m`` of its lift-off
  height, plus ``settle_s``. A failed lift that never comes back to the floor is final only at ``finish``.

Cost
----
Each re-run analyses the whole buffer, which is what keeps the result identical to the offline one.
On this 2-core machine one analysis of a 5-rep set (800-1,200 samples) takes 40-80 ms when idle
(up to 200 ms when shared), about 80 % of it in the per-rep boundary fits of
`vbt.kinematics.onsets.refine_rest_boundary`, redone for every rep at every re-run. At one re-run per
``rerun_every_s`` (0.1 s) that is up to most of a core late in a long set.
"""

from __future__ import annotations

import math

import numpy as np

from vbt.analysis import AnalysisSettings, SetAnalysis, analyze_trajectory
from vbt.errors import InputError, NotEnoughDataError
from vbt.kinematics.reps import SegmentationSettings, default_segmentation
from vbt.types import JOINT_NAMES, FloatArray, Lift, RepMetrics, RepStatus, Trajectory

#: Two analyses' reps starting closer than this (seconds) are the same rep.
SAME_REP_S = 0.1


class OnlineSet:
    """A set analysed online: feed samples with `add`, get each rep once it is final, then `finish`.

    Parameters:
        lift: the lift performed.
        load_kg: the bar's load, for power.
        settings: the analysis settings, the same object the offline analysis would get.
        rerun_every_s: re-analyse after at least this much new data (seconds on the samples' clock).
        settle_s: data needed after the last look of the segmenter before a rep is final (see above).

    Attributes:
        emitted: every rep emitted by `add`, in order.
        emitted_at_s: for each emitted rep, ``t_end`` (the newest sample's time) when it was emitted.
    """

    def __init__(
        self,
        *,
        lift: Lift,
        load_kg: float | None = None,
        settings: AnalysisSettings | None = None,
        rerun_every_s: float = 0.1,
        settle_s: float = 0.15,
    ) -> None:
        if not (math.isfinite(rerun_every_s) and rerun_every_s >= 0):
            raise InputError(f"rerun_every_s must be 0 or more seconds, got {rerun_every_s}")
        if not (math.isfinite(settle_s) and settle_s >= 0):
            raise InputError(f"settle_s must be 0 or more seconds, got {settle_s}")
        self.lift = Lift(lift)
        self.load_kg = load_kg
        self.settings = settings or AnalysisSettings()
        self.rerun_every_s = rerun_every_s
        self.settle_s = settle_s
        self.emitted: list[RepMetrics] = []
        self.emitted_at_s: list[float] = []
        self._segmentation: SegmentationSettings = self.settings.segmentation or default_segmentation(
            self.lift
        )
        self._t: list[float] = []
        self._bar: list[FloatArray] = []
        self._joints: list[FloatArray] = []
        self._any_joints = False
        self._last_run_t_s = -math.inf
        self._finished = False

    def add(
        self, t_s: float, bar_xy_m: FloatArray, joints_xy_m: FloatArray | None = None
    ) -> list[RepMetrics]:
        """Add one sample; return the reps that became final with it (usually none).

        Parameters:
            t_s: the sample's time, seconds, later than the previous sample's.
            bar_xy_m: (2,) bar position, metres (x forward, y up), NaN when not seen.
            joints_xy_m: (J, 2) joints in ``JOINT_NAMES`` order, metres, or None when not measured.

        Raises:
            InputError: a sample after `finish`, time not increasing, or a wrong shape.
        """
        if self._finished:
            raise InputError("this set is finished; start a new OnlineSet for the next set")
        t = float(t_s)
        if not math.isfinite(t) or (self._t and t <= self._t[-1]):
            last = f" (the previous sample is at {self._t[-1]:.6f} s)" if self._t else ""
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
            self._any_joints = True
        self._t.append(t)
        self._bar.append(bar)
        self._joints.append(joints)
        if t - self._last_run_t_s < self.rerun_every_s:
            return []
        self._last_run_t_s = t
        analysis = self._analyze()
        if analysis is None:
            return []
        new = [r for r in analysis.reps if not self._was_emitted(r) and self._is_final(r, analysis)]
        self.emitted.extend(new)
        self.emitted_at_s.extend([t] * len(new))
        return new

    def finish(self) -> SetAnalysis:
        """The analysis of the whole set, exactly ``analyze_trajectory`` on every sample added.

        Reps in it that were not emitted by `add` (the last rep when the set ends right after it, a
        failed Olympic lift) became final only now.

        Raises:
            NotEnoughDataError: the set is too short to analyse.
        """
        self._finished = True
        return analyze_trajectory(
            self.trajectory(), lift=self.lift, load_kg=self.load_kg, settings=self.settings
        )

    def trajectory(self) -> Trajectory:
        """Every sample added so far, as the offline path would read it from a track."""
        if self._any_joints:
            return Trajectory(
                t_s=np.asarray(self._t, dtype=np.float64),
                bar_xy_m=np.asarray(self._bar, dtype=np.float64).reshape(-1, 2),
                joints_xy_m=np.asarray(self._joints, dtype=np.float64).reshape(-1, len(JOINT_NAMES), 2),
                joint_names=JOINT_NAMES,
            )
        return Trajectory(
            t_s=np.asarray(self._t, dtype=np.float64), bar_xy_m=np.asarray(self._bar).reshape(-1, 2)
        )

    def _analyze(self) -> SetAnalysis | None:
        trajectory = self.trajectory()
        if len(trajectory) < 2 or np.isfinite(trajectory.bar_xy_m).all(axis=1).sum() < 2:
            return None
        try:
            return analyze_trajectory(
                trajectory, lift=self.lift, load_kg=self.load_kg, settings=self.settings
            )
        except NotEnoughDataError:  # too short yet: wait for more samples
            return None

    def _was_emitted(self, rep: RepMetrics) -> bool:
        return any(abs(rep.start_s - e.start_s) < SAME_REP_S for e in self.emitted)

    def _is_final(self, rep: RepMetrics, analysis: SetAnalysis) -> bool:
        t_end = self._t[-1]
        seg = self._segmentation
        if not self.lift.is_olympic:
            return t_end >= rep.end_s + seg.rest_check_s[1] + self.settle_s
        kin = analysis.kinematics
        y = kin.bar_xy_m[:, 1]
        start_y = float(np.interp(rep.start_s, kin.t_s, y))
        if rep.status is RepStatus.OK:
            # The segmenter's hold: still, above this fraction of the pull, after the peak.
            high = y >= start_y + seg.hold_height_fraction * rep.range_of_motion_m
            still = (np.abs(kin.bar_velocity_m_s[:, 1]) < seg.hold_speed_m_s) & high
            held_s = _first_run_end(kin.t_s, still, start_s=rep.end_s, length_s=seg.hold_s)
            return held_s is not None and t_end >= held_s + self.settle_s
        after = (kin.t_s > rep.end_s) & np.isfinite(y)
        down = np.flatnonzero(after & (y <= start_y + seg.floor_tolerance_m))
        return down.size > 0 and t_end >= float(kin.t_s[down[0]]) + self.settle_s


def _first_run_end(t_s: FloatArray, flags: np.ndarray, *, start_s: float, length_s: float) -> float | None:
    """End time of the first run of True flags after ``start_s`` lasting at least ``length_s``."""
    run_start: float | None = None
    for i in np.flatnonzero(t_s >= start_s):
        if not flags[i]:
            run_start = None
            continue
        if run_start is None:
            run_start = float(t_s[i])
        if float(t_s[i]) - run_start >= length_s:
            return float(t_s[i])
    return None
