"""Whether live mode's frame loop has room to take shed work back: the busy share a shedding level
would have, predicted from what the loop measured at the levels it ran.

The loop's busy share (``vbt.live.shedding.BusyMeter``) says how busy it is at the level it runs,
not at the level below: with pose on every frame it is about 0.85 busy even on a quiet machine, so
a rule that eases off only below a fixed share never takes pose back once it was shed. A level's
work is a pose on one frame in ``Shed.pose_every`` (none at ``Shed.POSE_OFF``) plus the rest of a
frame (the decode, the tracker, the loop, the view) at the level's size, so ``RoomMeter`` keeps the
wall time of a pose (on its own thread, under whatever load the machine has) and the rest of a
frame's time at each size, and predicts

    share(level, size) = (rest(size) + pose / pose_every(level)) / frame interval

Wall time, not CPU time: on a loaded machine a step costs the loop the share of the core it gets,
which is what decides whether the frames keep up. Pose is taken as not overlapping the tracker (it
does when frames wait, ``vbt.capture.observer``), so the prediction errs on the busy side.
"""

from __future__ import annotations

import itertools
import math
import statistics
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

from vbt.capture.pose import PoseEstimator, PoseResult, PreparingPoseEstimator
from vbt.errors import InputError
from vbt.live.priority import ModelThreads
from vbt.live.shedding import Shed
from vbt.types import FloatArray, Frame

_T = TypeVar("_T")


class RoomMeter:
    """A frame's time in the loop, split into a pose's and the rest at each size; the busy share a
    level would have (``share``).

    Parameters:
        frames: the exponential averages' length in frames (the rest of a frame: 30 frames, one
            second at 30 fps) and in poses (a pose's time: a third of it, as a level posing one
            frame in eight poses 4 a second). Longer: steadier, slower to see the machine's load
            change.
        poses: False for a loop that runs no pose at all: a level's share is then the rest's.

    ``posed(wall_s)``: a pose took ``wall_s`` seconds (called from the pose's thread);
    ``done(t_s, busy_s, reduction=, posed=, one_off=)``: the loop spent ``busy_s`` wall seconds on
    the frame of time ``t_s`` decoded at 1 / ``reduction`` size, posed or not. A one-off frame (the
    run's first pose: the model's first inference; a tracker restarted by a change of size: a
    whole-frame search) costs what no level costs a frame, and is left out.
    """

    def __init__(self, *, frames: int = 30, poses: bool = True) -> None:
        if frames < 1:
            raise InputError(f"frames must be at least 1, got {frames}")
        self.poses = poses
        self._weight = 1.0 / frames
        self._pose_weight = min(3.0 / frames, 1.0)
        self.pose_s = math.nan
        """A pose's wall time (seconds, averaged; NaN: none measured)."""
        self.rest_s: dict[int, float] = {}
        """By reduction (1: full size), a frame's wall time in the loop less its pose's (seconds)."""
        self._first_pose = True
        self._t_s: deque[float] = deque(maxlen=16)

    @property
    def interval_s(self) -> float:
        """The frames' interval (the median of the last ones, seconds; NaN before two frames): the
        median, so that frames dropped do not lengthen it."""
        t = list(self._t_s)
        steps = [b - a for a, b in itertools.pairwise(t) if b > a]
        return statistics.median(steps) if steps else math.nan

    def posed(self, wall_s: float) -> None:
        """One pose took ``wall_s`` seconds of wall time (the run's first is left out)."""
        if self._first_pose:
            self._first_pose = False
            return
        self.pose_s = (
            wall_s if math.isnan(self.pose_s) else self.pose_s + self._pose_weight * (wall_s - self.pose_s)
        )

    def done(self, t_s: float, busy_s: float, *, reduction: int, posed: bool, one_off: bool = False) -> None:
        """The loop spent ``busy_s`` seconds on the frame of time ``t_s`` (see the class docstring)."""
        self._t_s.append(t_s)
        if one_off or (posed and math.isnan(self.pose_s)):
            return
        rest_s = busy_s - (self.pose_s if posed else 0.0)
        before = self.rest_s.get(reduction, math.nan)
        self.rest_s[reduction] = rest_s if math.isnan(before) else before + self._weight * (rest_s - before)

    def share(self, level: Shed, reduction: int) -> float:
        """The loop's busy share (0-1 and above: more than 1 cannot keep up) at ``level`` with frames
        at 1 / ``reduction`` size; NaN when what it needs was not measured yet."""
        rest_s = self.rest_s.get(reduction, math.nan)
        posed = 0.0 if level >= Shed.POSE_OFF or not self.poses else 1.0 / level.pose_every
        pose_s = self.pose_s * posed if posed else 0.0
        return max(rest_s + pose_s, 0.0) / self.interval_s


class TimedPose:
    """A pose estimator whose calls' wall time (``clock``, seconds) goes to a ``RoomMeter`` (all
    else passed on; a ``PreparingPoseEstimator`` keeps preparing: only the model's part is timed).
    ``threads``: watches the model's calls to find its own threads and lower their priority
    (``vbt.live.priority``), or None."""

    def __init__(
        self,
        pose: PoseEstimator,
        room: RoomMeter,
        *,
        clock: Callable[[], float] = time.perf_counter,
        threads: ModelThreads | None = None,
    ) -> None:
        self.inner, self.room, self.clock, self.threads = pose, room, clock, threads
        self._preparing = pose if isinstance(pose, PreparingPoseEstimator) else None

    def _timed(self, call: Callable[..., _T], *args: object) -> _T:
        if self.threads is not None:
            self.threads.before()
        start_s = self.clock()
        try:
            return call(*args)
        finally:
            self.room.posed(self.clock() - start_s)
            if self.threads is not None:
                self.threads.after()

    def estimate(self, frame: Frame) -> tuple[FloatArray, FloatArray]:
        return self._timed(self.inner.estimate, frame)

    def detect(self, frame: Frame) -> PoseResult:
        return self._timed(self.inner.detect, frame)

    def prepare(self, frame: Frame) -> object:
        return frame if self._preparing is None else self._preparing.prepare(frame)

    def detect_prepared(self, frame: Frame, prepared: object) -> PoseResult:
        if self._preparing is None:
            return self.detect(frame)
        return self._timed(self._preparing.detect_prepared, frame, prepared)
