"""Degrade, never drop a rep: when the analysis falls behind the camera, live mode sheds the work it
can spare, cheapest loss first, before a frame is ever dropped.

1. ``VIEW``: the annotated picture (drawing it, pushing it to the browser view). The lifter loses
   a few pictures; the numbers lose nothing.
2. ``POSE``: pose on every other frame. The plate tracker is cheap and keeps every frame, so the
   bar (the velocity) is measured on every frame; the skipped frames' joints are NaN in the track
   (marked: ``LiveStats.shed``) and interpolated by the analysis, as any short gap is.
3. ``RECORDING``: the recording gets every other frame (its encoder runs on its own thread and
   competes for the same cores). The track CSV and the report keep every frame. A recording that
   keeps the stream's JPEGs as they came (``vbt.live.recorder``) costs nothing to shed: it keeps
   every frame at this level.
4. ``POSE_SPARSE``: pose on one frame in four (``pose_every``). The bar is still measured on every
   frame; the joints (the lifter's posture, the triple extension) are interpolated over 0.1 s at
   30 fps, which the joint angles of a lift (changing over 0.3-1 s) survive.
5. ``RESOLUTION``: the stream's JPEGs decoded at half size, the plate tracker and pose run on them
   (``vbt.live.resolution``; positions mapped back to the full frame's pixels). Every frame keeps
   its time and its bar position; the plate's radius in pixels halves, so each position is
   measured more coarsely (``benchmarks/live.py --costs`` measures the velocity error it costs on
   the rendered clips). Only for a stream of JPEGs and the plate tracker; elsewhere a no-op.
6. ``POSE_RARE``: pose on one frame in eight (0.27 s at 30 fps). The joints are interpolated over
   0.23 s, which blurs the fastest joint motion (an Olympic lift's second pull, 0.1-0.2 s), and
   the tracker's hands (its switches between plates, ``vbt.capture.bar.choice``) are up to 0.23 s
   old between poses.
7. ``POSE_OFF``: no pose at all. Pose is the largest cost left at the step before (MediaPipe's own
   threads take about 40 CPU-ms a posed frame on a contended machine, 5 a frame at one in eight),
   and without it the frame loop costs the decode, the tracker and the analysis only. The bar is
   still measured on every frame; the joints are unknown (NaN) until pose comes back (a rep
   measured then has no joint angles or triple extension); the tracker's hands are the last
   pose's, however old, and the lifter checks stop with pose.

Beside the steps, one piece of the plate tracker's work sheds as soon as anything is shed: its
"stirred recheck" (``vbt.capture.bar.plate``: while no hands are known and the scene moves about a
still tracked plate, a whole-frame search for a plate that started to move, at every answer of its
scene watch: every frame at 30 fps). Such a search costs 30-56 CPU-ms at 720p against 5-8 for a
tracked frame, and the scene moves most at the start of a set (the walk-out, the set-up, the
lift-off) when pose has not yet given hands. While the loop sheds, these searches run at most once
every ``SheddingSettings.stirred_every_s`` (``StirredBudget``); the tracker's rule stays as it is,
and offline every search runs.

Frames are dropped only when all of that is not enough (``LiveOptions.max_queue`` frames waiting);
then their times are kept and the reps they touch are marked (``vbt.quality.lost``).

The level follows the frames waiting for the analysis (the capture's queue), rising at once and
easing off one step at a time once the backlog has stayed lower for ``calm_s``. It also follows how
busy the frame loop is (``BusyMeter``: the share of the wall time it spends on frames rather than
waiting for the next): a loop busy nearly all the time will fall behind at the next slowdown, so it
sheds one more step (every ``busy_step_s`` while it stays that busy; the first straight to every
other pose, ``SheddingSettings.busy_first``) before frames pile up.

It also follows the delay itself: a frame the loop takes later than ``wait_budget_s`` after it
arrived will be shown that late whatever its own processing costs, so when the loop has no room at
its level to catch up (``RoomMeter``: a predicted busy share of ``room_busy`` or more) it counts as a
busy loop (one more step); with room, the lateness (one slow frame: a whole-frame search) drains by
itself and sheds nothing. A level eases off once the backlog has been calm for ``calm_s`` and the
loop has room for the work the level below adds back: ``RoomMeter``
predicts the level below's busy share from what the loop measured (its time per frame at each size,
and a pose's time), which must stay under ``room_busy``. The loop's own busy share cannot say that:
with pose on every frame it is about 0.85 busy even unloaded, and a rule waiting for it to fall
under a fixed share kept pose shed for good once the start-up's stall had shed it. Without a
prediction (nothing measured yet) a level eases off only below ``calm_busy``, as before.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum

from vbt.errors import InputError


class Shed(IntEnum):
    """How much work is shed; each level sheds the ones before it too."""

    NOTHING = 0
    VIEW = 1
    POSE = 2
    RECORDING = 3
    POSE_SPARSE = 4
    RESOLUTION = 5
    POSE_RARE = 6
    POSE_OFF = 7

    @property
    def pose_every(self) -> int:
        """Pose runs on one frame in this many at this level, below ``POSE_OFF`` (which runs none
        and keeps ``POSE_RARE``'s 8: what the pose estimator's own checks are told, for when pose
        comes back)."""
        if self >= Shed.POSE_RARE:
            return 8
        return 4 if self >= Shed.POSE_SPARSE else 2 if self >= Shed.POSE else 1

    def posed(self, index: int) -> bool:
        """Whether pose runs on frame ``index`` at this level."""
        return self < Shed.POSE_OFF and index % self.pose_every == 0

    @staticmethod
    def pose_shed_by(index: int) -> Shed:
        """The shallowest level that skips pose on frame ``index``: every other frame ``POSE``, two
        in eight ``POSE_SPARSE``, one in eight ``POSE_RARE`` and the last one in eight
        ``POSE_OFF``."""
        for level in (Shed.POSE, Shed.POSE_SPARSE, Shed.POSE_RARE):
            if index % level.pose_every:
                return level
        return Shed.POSE_OFF


@dataclass(frozen=True)
class SheddingSettings:
    """When live mode sheds work, by the frames waiting for the analysis and how busy its loop is.

    Attributes:
        view_at, pose_at, recording_at, sparse_pose_at, resolution_at, rare_pose_at, pose_off_at:
            frames waiting at which the view, every other pose, every other recorded frame, three
            poses in four, full resolution, seven poses in eight and pose altogether are shed.
            They lie at or below ``LiveOptions.max_queue`` (8), where frames start to be dropped
            (``pose_off_at``: the queue full, the next frame would be dropped): lowering them sheds
            sooner (a calmer picture, fewer joints, a coarser plate) but keeps more headroom before
            a frame is lost. A loop that is behind reaches the deep levels sooner through its busy
            share (``busy_at``) than through the backlog.
        busy_at: the frame loop's busy share (0-1, ``BusyMeter``) at which one more step is shed
            before any frame waits. 1 would wait for the backlog; lowering it sheds on a machine
            that would have kept up (fewer joints for nothing).
        busy_first: the level a busy loop sheds to first, from below it. The view alone saves
            0.1-0.3 CPU-ms of a frame's 14-28 (``benchmarks/live.py``'s stages at 12 view frames a
            second), too little to relieve a loop busy nearly all the time; every other pose saves
            about half of pose's 19-29. ``Shed.VIEW`` steps through the view first, leaving the loop
            at its limit ``busy_step_s`` longer.
        calm_busy: a level eases off only while the loop is busy less than this (and the backlog
            is calm): the step down adds back work (a pose costs about three times the tracker), so
            the loop needs that much room; raising it towards ``busy_at`` switches levels more often.
        busy_step_s: while the loop stays busier than ``busy_at``, one more step at most this often
            (seconds on the frames' clock): the time a step takes to show in the busy share.
        calm_s: a level is kept until the backlog has stayed below it this long (seconds on the
            frames' clock), so that one quick frame does not switch the work back on and off.
        full_size_below: once frames are decoded at half size (``Shed.RESOLUTION``), full size
            comes back only below this level. A change of size restarts the bar tracker (a
            whole-frame search: about a frame's budget of CPU), while the step below
            ``RESOLUTION`` adds back only 2-3 CPU-ms a frame; ``Shed.RESOLUTION`` switches back at
            the first step down (a loop at the edge then switches at every step), lower levels
            keep the half size longer (a coarser plate for longer).
        view_keepalive_s: while the view is shed, one picture is still drawn and pushed this often,
            so that the browser view (which shows "no video" after ``Settings.frame_stale_s``, 3 s)
            never takes a loaded machine for a stopped run.
        stirred_every_s: while anything is shed (the level above ``Shed.NOTHING``), the plate
            tracker's stirred rechecks (a whole-frame search each, 30-56 CPU-ms at 720p) run at
            most this often (seconds on the frames' clock; ``StirredBudget``). 0.15 s is the
            shortest gap of lost frames that makes a rep doubtful
            (``vbt.quality.lost.LostFramesSettings.min_gap_s``: shorter ones move a rep's velocity
            less than the bar's 5 Hz filter): a switch from a still plate to the loaded one at the
            lift-off comes that much later at most, and the frames before it keep the still
            plate's track (live mode does not measure earlier frames again). Raising it saves more
            CPU while the lifter sets up, and delays such a switch more; 0 runs every search, as
            offline.
        pose_room_spare: frames kept free in the queue beyond those the last posed frame took,
            before a frame is posed (``PoseRoom.spare``): a pose's time varies on a loaded machine.
            Raising it skips more poses while frames wait; lowering it risks a dropped frame.
        wait_budget_s: the longest a frame may wait for the loop (seconds from its arrival to the
            loop taking it) before one more step is shed when the loop has no room at its level
            (as a busy loop sheds: ``busy_first``, then one step every ``busy_step_s``). A late
            frame does not stop a level easing off where there is room: on a loaded machine the
            loop is scheduled late whatever its work, and that would keep pose shed for good.
            From the goals: the screen's p95 of 0.15 s less
            the data part's p95 (the rep's end to the sample that shows it, 0.09 s: the README's
            "Where the unloaded delay goes") less the analysis of that sample (at most 0.015 s)
            leaves 0.045 s for the frame's wait; its own processing is what the levels cut.
            Raising it sheds later (more joints, a later screen); lowering it sheds at every
            hiccup of the machine.
        late_sheds_to: the deepest level a late frame sheds to (deeper ones are reached by the
            backlog and the busy share only). The levels beyond cost more than a late screen
            justifies: half size a coarser plate and a tracker restarted twice, pose on one frame
            in eight or none the lifter's joints; they are for keeping up, not for the delay.
            Raising it cuts the delay further on a machine that keeps up anyway.
        room_busy: a level eases off only while the loop's predicted busy share at the level below
            (``RoomMeter``) is under this, and a late frame sheds only while the share at the
            present level is at least this. At a busy share ``b`` a backlog of ``S`` seconds
            drains in ``S / (1 - b)`` seconds; the longest stall the loop meets at any level (a
            whole-frame search of the plate tracker, 0.11-0.12 s at 720p, with the frame it holds
            up: 0.15 s) must drain within ``calm_s`` (1 s), before the next step can come back:
            ``b <= 1 - 0.15 / 1 = 0.85``. Raising it (towards ``busy_at``) takes work back nearer
            the limit (more joints, later screens after a stall); lowering it keeps work shed with
            room to spare.
    """

    view_at: int = 2
    pose_at: int = 3
    recording_at: int = 5
    sparse_pose_at: int = 6
    resolution_at: int = 7
    rare_pose_at: int = 7
    pose_off_at: int = 8
    busy_at: float = 0.9
    busy_first: Shed = Shed.POSE
    calm_busy: float = 0.6
    busy_step_s: float = 0.5
    calm_s: float = 1.0
    full_size_below: Shed = Shed.POSE_SPARSE
    view_keepalive_s: float = 1.0
    stirred_every_s: float = 0.15
    pose_room_spare: int = 2
    wait_budget_s: float = 0.045
    late_sheds_to: Shed = Shed.POSE_SPARSE
    room_busy: float = 0.85

    def __post_init__(self) -> None:
        at = [self.view_at, self.pose_at, self.recording_at, self.sparse_pose_at, self.resolution_at]
        at += [self.rare_pose_at, self.pose_off_at]
        if at[0] < 1 or at != sorted(at):
            raise InputError(
                "shedding thresholds must satisfy 1 <= view_at <= pose_at <= recording_at <= "
                "sparse_pose_at <= resolution_at <= rare_pose_at <= pose_off_at, got "
                + ", ".join(str(n) for n in at)
            )
        if not self.stirred_every_s >= 0:
            raise InputError(f"stirred_every_s must be >= 0 seconds, got {self.stirred_every_s}")
        if not self.wait_budget_s > 0:
            raise InputError(f"wait_budget_s must be positive seconds, got {self.wait_budget_s}")
        if not 0 < self.calm_busy < self.busy_at:
            raise InputError(
                f"the busy shares must satisfy 0 < calm_busy < busy_at, got {self.calm_busy}, {self.busy_at}"
            )
        if not 0 < self.room_busy <= self.busy_at:
            raise InputError(
                f"the busy shares must satisfy 0 < room_busy <= busy_at, got {self.room_busy}, {self.busy_at}"
            )


def reduction_at(level: Shed, current: int, reduced: int, settings: SheddingSettings) -> int:
    """The size frames are decoded at (full-frame pixels per decoded pixel) at ``level``, from
    ``current``: ``reduced`` from ``Shed.RESOLUTION`` on, full size (1) again only below
    ``settings.full_size_below``, the current size between them."""
    if level >= Shed.RESOLUTION:
        return reduced
    return 1 if level < settings.full_size_below else current


@dataclass
class Shedder:
    """The shedding level from one frame to the next, and what was shed.

    Attributes:
        level: the current level.
        frames: for each level above ``NOTHING``, the frames on which its work was shed (counted
            by the caller with ``count``).
        no_room: frames whose pose the level kept but ``PoseRoom`` skipped (``count_no_room``).
        stirred_skipped: the plate tracker's stirred rechecks skipped (``StirredBudget``).
        first_t_s: for each level, the time it was first reached (NaN: never).
    """

    settings: SheddingSettings = field(default_factory=SheddingSettings)
    level: Shed = Shed.NOTHING
    frames: dict[Shed, int] = field(default_factory=lambda: {s: 0 for s in Shed if s})
    first_t_s: dict[Shed, float] = field(default_factory=lambda: {s: math.nan for s in Shed if s})
    no_room: int = 0
    stirred_skipped: int = 0
    _calm_since_s: float = math.nan
    _busy_step_t_s: float = -math.inf

    def update(
        self,
        waiting: int,
        t_s: float,
        *,
        busy: float = math.nan,
        wait_s: float = math.nan,
        room: Callable[[Shed], float] | None = None,
    ) -> Shed:
        """The level for a frame at ``t_s`` with ``waiting`` frames queued behind it, the frame loop
        busy ``busy`` of the time lately (0-1), the frame taken ``wait_s`` seconds after it arrived;
        ``room(level)``: the loop's predicted busy share at ``level`` (``RoomMeter.share``; NaN: not
        known). NaN or None: not known (the backlog alone decides; without ``room``, ``busy`` says
        when a level may ease off, and a late frame sheds nothing)."""
        s = self.settings
        wanted = self._wanted(waiting)
        late = wait_s > s.wait_budget_s and self._share(room, self.level) >= s.room_busy
        late = late and self.level < s.late_sheds_to
        behind = busy >= s.busy_at or late
        if behind and t_s - self._busy_step_t_s >= s.busy_step_s and self.level < max(Shed):
            step = max(Shed(self.level + 1), s.busy_first)
            wanted = max(wanted, step if busy >= s.busy_at else min(step, s.late_sheds_to))
            self._busy_step_t_s = t_s
        elif behind or not self._room(busy, room):
            wanted = max(wanted, self.level)  # no room to take work back yet
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

    @staticmethod
    def _share(room: Callable[[Shed], float] | None, level: Shed) -> float:
        return math.nan if room is None else room(level)

    def _room(self, busy: float, room: Callable[[Shed], float] | None) -> bool:
        """Whether the loop has room for the work the level below adds back."""
        below = self._share(room, Shed(max(self.level - 1, 0)))
        if not math.isnan(below):
            return below < self.settings.room_busy
        return not busy >= self.settings.calm_busy

    def count(self, level: Shed) -> None:
        """One frame's work of ``level`` was shed."""
        self.frames[level] += 1

    def count_no_room(self) -> None:
        """One frame the level would pose went without: no room in the queue (``PoseRoom``)."""
        self.no_room += 1

    def _wanted(self, waiting: int) -> Shed:
        s = self.settings
        if waiting >= s.pose_off_at:
            return Shed.POSE_OFF
        if waiting >= s.rare_pose_at:
            return Shed.POSE_RARE
        if waiting >= s.resolution_at:
            return Shed.RESOLUTION
        if waiting >= s.sparse_pose_at:
            return Shed.POSE_SPARSE
        if waiting >= s.recording_at:
            return Shed.RECORDING
        if waiting >= s.pose_at:
            return Shed.POSE
        if waiting >= s.view_at:
            return Shed.VIEW
        return Shed.NOTHING

    def summary(self) -> dict[str, int]:
        """Frames shed per kind of work, by name (for the console, the report and the benchmark)."""
        shed = {level.name.lower(): count for level, count in self.frames.items()}
        return {**shed, "pose_no_room": self.no_room, "stirred_search": self.stirred_skipped}


class BusyMeter:
    """How busy the frame loop is: the share of wall time it spends on frames, smoothed over about
    ``window_s`` seconds (an exponential average, so that one slow frame does not decide).

    Parameters:
        window_s: the averaging time (seconds). Longer: steadier, slower to see a slowdown.

    ``done(started_s, ended_s)`` is called for each frame with the wall times (any monotonic clock)
    at which the loop took it and finished with it; ``share`` is NaN until two frames have been.
    """

    def __init__(self, *, window_s: float = 1.0) -> None:
        if window_s <= 0:
            raise InputError(f"window_s must be positive, got {window_s}")
        self.window_s = window_s
        self.share = math.nan
        self._last_end_s = math.nan

    def done(self, started_s: float, ended_s: float) -> float:
        """One frame processed from ``started_s`` to ``ended_s``; the busy share now."""
        span_s = ended_s - self._last_end_s  # since the loop finished the frame before
        self._last_end_s = ended_s
        if not span_s > 0:  # the first frame (NaN), or a clock that did not move
            return self.share
        busy = min(max((ended_s - started_s) / span_s, 0.0), 1.0)
        weight = 1.0 - math.exp(-span_s / self.window_s)
        self.share = busy if math.isnan(self.share) else self.share + weight * (busy - self.share)
        return self.share


class PoseRoom:
    """Whether the capture's queue has room for the frames that arrive while a frame is posed.

    A posed frame holds the frame loop for the pose's time (on a loaded machine several frame
    intervals: MediaPipe's 20-40 CPU-ms at a third of a core is 60-120 ms, two to four frames at
    30 fps); the frames arriving meanwhile wait, and those beyond the queue are dropped. The
    shedder's level follows the backlog and the busy share, which show that only afterwards: at the
    start of a run (nothing measured yet) and in a burst, a pose that does not fit drops frames
    before the level has risen. So a frame the level would pose is posed only when the frames
    waiting, those that arrived while the last posed frame was processed and ``spare`` more leave a
    place in the queue (``fits``); else its pose is skipped (``LiveStats.shed["pose_no_room"]``),
    as at a deeper level.

    Parameters:
        max_queue: the capture's queue (``LiveOptions.max_queue``): frames arriving beyond it are
            dropped.
        spare: frames kept free beyond those the last posed frame took: a pose's time varies on a
            loaded machine (0.2 s of pose took up to 0.33 s beside other work). Raising it skips
            more poses while frames wait; lowering it risks a dropped frame.

    ``posed(arrived)`` tells it how many frames arrived while a posed frame was processed (what it
    expects of the next one; at most what leaves a place with no frame waiting, so that such a
    frame is always posed and measured again). Until the first, ``measured`` is False and every
    frame fits.
    """

    def __init__(self, *, max_queue: int, spare: int = 2) -> None:
        if max_queue < 1 or not 0 <= spare < max_queue:
            raise InputError(f"need max_queue >= 1 and 0 <= spare < max_queue, got {max_queue}, {spare}")
        self.max_queue, self.spare = max_queue, spare
        self.frames_per_pose = 0
        """Frames that arrived while the last posed frame was processed (0: none posed yet)."""
        self.measured = False

    def fits(self, waiting: int) -> bool:
        """True when a frame posed now, with ``waiting`` frames queued, is not expected to drop one."""
        return waiting + self.frames_per_pose + self.spare < self.max_queue

    def posed(self, arrived: int) -> None:
        """``arrived`` frames came in while a posed frame was processed."""
        self.frames_per_pose = min(max(arrived, 0), self.max_queue - 1 - self.spare)
        self.measured = True


class StirredBudget:
    """Whether the plate tracker may run a stirred recheck now (``PlateTracker.stirred_allowed``):
    always while nothing is shed, else at most once every ``SheddingSettings.stirred_every_s`` on
    the frames' clock. A skipped one is counted by the shedder (``Shedder.stirred_skipped``).

    One budget serves the full-size and the half-size trackers alike (``vbt.live.resolution``):
    the searches it spaces are the loop's, whichever tracker asks.
    """

    def __init__(self, shedder: Callable[[], Shedder]) -> None:
        self.shedder = shedder
        """The live loop's shedder, as it is now (a benchmark may replace it)."""
        self._last_t_s = -math.inf

    def __call__(self, t_s: float) -> bool:
        shedder = self.shedder()
        if shedder.level > Shed.NOTHING and t_s - self._last_t_s < shedder.settings.stirred_every_s:
            shedder.stirred_skipped += 1
            return False
        self._last_t_s = t_s
        return True
