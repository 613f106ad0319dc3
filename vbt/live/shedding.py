"""Degrade, never drop a rep: when the analysis falls behind the camera, live mode sheds the work it
can spare, cheapest loss first, before a frame is ever dropped.

1. ``VIEW``: the annotated picture (drawing it, pushing it to the browser view). The lifter loses
   a few pictures; the numbers lose nothing.
2. ``POSE``: pose on every other frame. The plate tracker is cheap and keeps every frame, so the
   bar (the velocity) is measured on every frame; the skipped frames' joints are NaN in the track
   (marked: ``LiveStats.shed``) and interpolated by the analysis, as any short gap is.
3. ``RECORDING``: the recording gets every other frame (its encoder runs on its own thread and
   competes for the same cores). The track CSV and the report keep every frame.

Frames are dropped only when all of that is not enough (``LiveOptions.max_queue`` frames waiting);
then their times are kept and the reps they touch are marked (``vbt.quality.lost``).

The level follows the frames waiting for the analysis (the capture's queue), rising at once and
easing off one step at a time once the backlog has stayed lower for ``calm_s``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import IntEnum

from vbt.errors import InputError


class Shed(IntEnum):
    """How much work is shed; each level sheds the ones before it too."""

    NOTHING = 0
    VIEW = 1
    POSE = 2
    RECORDING = 3


@dataclass(frozen=True)
class SheddingSettings:
    """When live mode sheds work, by the frames waiting for the analysis.

    Attributes:
        view_at, pose_at, recording_at: frames waiting at which the view, every other pose and
            every other recorded frame are shed. They lie below ``LiveOptions.max_queue`` (8), where
            frames start to be dropped: lowering them sheds sooner (a calmer picture, fewer joints)
            but keeps more headroom before a frame is lost.
        calm_s: a level is kept until the backlog has stayed below it this long (seconds on the
            frames' clock), so that one quick frame does not switch the work back on and off.
        view_keepalive_s: while the view is shed, one picture is still drawn and pushed this often,
            so that the browser view (which shows "no video" after ``Settings.frame_stale_s``, 3 s)
            never takes a loaded machine for a stopped run.
    """

    view_at: int = 2
    pose_at: int = 3
    recording_at: int = 5
    calm_s: float = 1.0
    view_keepalive_s: float = 1.0

    def __post_init__(self) -> None:
        if not 1 <= self.view_at <= self.pose_at <= self.recording_at:
            raise InputError(
                "shedding thresholds must satisfy 1 <= view_at <= pose_at <= recording_at, got "
                f"{self.view_at}, {self.pose_at}, {self.recording_at}"
            )


@dataclass
class Shedder:
    """The shedding level from one frame to the next, and what was shed.

    Attributes:
        level: the current level.
        frames: for each level above ``NOTHING``, the frames on which its work was shed (counted
            by the caller with ``count``).
        first_t_s: for each level, the time it was first reached (NaN: never).
    """

    settings: SheddingSettings = field(default_factory=SheddingSettings)
    level: Shed = Shed.NOTHING
    frames: dict[Shed, int] = field(default_factory=lambda: {s: 0 for s in Shed if s})
    first_t_s: dict[Shed, float] = field(default_factory=lambda: {s: math.nan for s in Shed if s})
    _calm_since_s: float = math.nan

    def update(self, waiting: int, t_s: float) -> Shed:
        """The level for a frame at ``t_s`` with ``waiting`` frames queued behind it."""
        wanted = self._wanted(waiting)
        if wanted >= self.level:
            self.level = wanted
            self._calm_since_s = math.nan
        elif math.isnan(self._calm_since_s):
            self._calm_since_s = t_s
        elif t_s - self._calm_since_s >= self.settings.calm_s:
            self.level = Shed(self.level - 1)
            self._calm_since_s = t_s if wanted < self.level else math.nan
        for level in Shed:
            if 0 < level <= self.level and math.isnan(self.first_t_s[level]):
                self.first_t_s[level] = t_s
        return self.level

    def count(self, level: Shed) -> None:
        """One frame's work of ``level`` was shed."""
        self.frames[level] += 1

    def _wanted(self, waiting: int) -> Shed:
        s = self.settings
        if waiting >= s.recording_at:
            return Shed.RECORDING
        if waiting >= s.pose_at:
            return Shed.POSE
        if waiting >= s.view_at:
            return Shed.VIEW
        return Shed.NOTHING

    def summary(self) -> dict[str, int]:
        """Frames shed per kind of work, by name (for the console, the report and the benchmark)."""
        return {level.name.lower(): count for level, count in self.frames.items()}
