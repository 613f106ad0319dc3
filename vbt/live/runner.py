"""``vbt live``'s loop: a camera or stream in, each rep's velocity out while the lifter is still there.

::

    source ─▶ ThreadedCapture (drops the oldest frame when behind) ─▶ Observer (pose + bar)
        ─▶ calibration (from the first second of plate sightings) ─▶ OnlineSet (provisional, final reps)
        ─▶ screen (OpenCV window, browser view), console, Outbox (the service), recording

A set ends when, after at least one rep, the bar has been still (or out of view) for ``end_still_s``
or the source ends; its recording (video with the frames' own times, track CSV: the
``vbt.capture.recording.SetRecording`` the offline loop fills too, lost frames included) and report
(the offline analysis of the same samples with the scale the reps were posted with:
``vbt.capture.pipeline.analyze_tracked``) are saved under
``out_dir`` as ``set-NN.*``, and the next set starts. A camera or stream that drops is reopened for
up to ``reconnect_s``; after that the set ends with what was recorded, and the run says so.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

import numpy as np

from vbt.analysis import SetAnalysis
from vbt.calibration import Calibration, CameraProfile, pixels_to_metres
from vbt.capture.bar import BarMethod, BarTracker, PlateTracker
from vbt.capture.observer import Observer, Sighting, opencv_single_threaded
from vbt.capture.pipeline import analyze_tracked, video_analysis_settings
from vbt.capture.pose import PoseEstimator, SheddablePose
from vbt.capture.recording import LOST_FRAME, SetRecording
from vbt.capture.sources import FrameSource
from vbt.capture.track import MIN_SCALE_CONFIDENCE, PixelTrack, calibrate_track, write_track
from vbt.errors import CalibrationError, NotEnoughDataError, VbtError, VideoError
from vbt.kinematics.reps import default_segmentation
from vbt.live.analyst import Analyst
from vbt.live.capture import ThreadedCapture
from vbt.live.clock import ArrivalClock
from vbt.live.cost import CpuMeter, MeteredTracker, metered_pose
from vbt.live.events import RepEvent, RepEventKind, doubted_by_report, shown_reps
from vbt.live.outbox import Outbox
from vbt.live.priority import ModelThreads
from vbt.live.recorder import VideoRecorder
from vbt.live.resolution import (
    SHED_REDUCTION,
    FullFramePose,
    FullFrameTracker,
    ReducibleSource,
    full_size,
    reduced_tracker_for,
    reduction_of,
)
from vbt.live.room import RoomMeter, TimedPose
from vbt.live.screen import LiveScreen, ScreenState
from vbt.live.shedding import (
    BusyMeter,
    PoseRoom,
    Shed,
    Shedder,
    SheddingSettings,
    StirredBudget,
    reduction_at,
)
from vbt.progression.profile import velocity_kind_for
from vbt.progression.rules import StopSetCue, stop_set_cue
from vbt.quality.lost import lost_frames_in, lost_spans, mark_lost_frames
from vbt.report.json_report import set_report, to_jsonable, write_json
from vbt.types import Frame, Lift, RepMetrics, RepStatus

#: Confident plate sightings needed before the scale is fixed for the live metrics.
MIN_SCALE_SIGHTINGS = 10


class FrameSink(Protocol):
    """Where annotated frames go (a browser view through the service, a window): never blocks."""

    def show(self, image: np.ndarray[Any, Any], t_s: float) -> None: ...

    def close(self) -> None: ...


@dataclass
class LiveOptions:
    """How a live run behaves (see ``vbt live --help`` for the user's words).

    Attributes:
        lift, load_kg: the lift and the bar's load.
        out_dir: where each set's recording and report go.
        end_still_s: a set ends when, after a rep, the bar is still or unseen this long.
        still_m: "still": the bar's height spans less than this.
        reconnect_s: how long to try reopening a source that dropped.
        threshold_pct: the velocity loss (%) at which the stop cue sounds.
        record: save the set's video (needs PyAV); the track CSV and report are always saved.
        bar_method, plate, marker_side_m, known_length, camera_profile: as for ``vbt analyze``.
        overlap: when frames are waiting, run pose one frame ahead of the tracker (about 30 % more
            frames per second on two cores); when none is, each frame is finished before the next
            comes, so overlapping costs no delay while processing keeps up.
        max_sets: stop after this many sets (None: until the source ends or Ctrl-C).
        idle_keep_s: before a set's first rep, samples older than this are forgotten.
        max_queue: frames waiting for processing at most (more: the oldest is dropped); 8 frames
            (0.27 s at 30 fps) ride out a stall of the computer without a gap in the track.
        final_every_s: how often, at most, the whole set is re-analysed for final reps (see
            ``vbt.live.online``: when a rep may become final; provisional ones are looked for at
            every frame while a rep may have just ended).
        discover_every_s: while the bar moves and no rep waits to become final, the whole set is
            re-analysed this often for reps the provisional look did not see (a rep it saw is
            re-analysed when it can first be final). Lowering it costs CPU; raising it delays
            such a rep's first appearance on the screen.
        shedding: when work is shed as the analysis falls behind (``vbt.live.shedding``), before
            any frame is dropped.
        shed_resolution: at ``Shed.RESOLUTION``, decode a JPEG stream's pictures at half size and
            track the plate on them (``vbt.live.resolution``). False: that step sheds nothing.
        shed_lifter_checks: the pose estimator's own checks (``MediaPipePose``'s multi-person
            lifter check) shed with pose: one in ``Shed.pose_every`` as often, except when the
            tracked pose jumps or changes size (``vbt.capture.pose.lifter``). False: a check every
            ``LifterSettings.check_interval_s`` at every level (about 7 CPU-ms of a posed frame's).
        pose_nice: the pose model's own threads run this many Linux nice steps below the frame
            loop's (``vbt.live.priority``: found by their work during the first poses): where both
            want a core, the decode, the tracker and the analysis get it first and pose is slowed
            (and so shed sooner); 5 is a third of the scheduler's weight. Raising it favours the
            bar's path more and poses less. 0 (the default): the model's threads as they are: on
            the quiet 2-core machine, 5 did not shorten the delays and dropped more frames with
            four busy loops (README, live).
    """

    lift: Lift
    out_dir: Path
    load_kg: float | None = None
    end_still_s: float = 8.0
    still_m: float = 0.03
    reconnect_s: float = 10.0
    threshold_pct: float = 20.0
    record: bool = True
    bar_method: BarMethod = BarMethod.PLATE
    plate: str | float = "bumper"
    marker_side_m: float | None = None
    known_length: tuple[float, float] | None = None
    camera_profile: CameraProfile | None = None
    overlap: bool = True
    max_sets: int | None = None
    idle_keep_s: float = 10.0
    max_queue: int = 8
    final_every_s: float = 0.25
    discover_every_s: float = 1.0
    shedding: SheddingSettings = field(default_factory=SheddingSettings)
    shed_resolution: bool = True
    shed_lifter_checks: bool = True
    pose_nice: int = 0


@dataclass
class SetResult:
    """One finished set: its number, what was saved, its reps (final), and why it ended."""

    number: int
    reps: list[RepMetrics]
    files: dict[str, Path]
    ended_because: str
    error: str | None = None


@dataclass
class LiveStats:
    """Counts and delays of a run, for the console and ``benchmarks/live.py``.

    Delays are wall-clock seconds from a rep's end (on the frames' arrival clock) to the moment its
    event was ready (``provisional_delays_s``, ``final_delays_s``). ``shed``: frames whose work of
    each kind was shed (``vbt.live.shedding``: view, recording, resolution; pose, pose_sparse,
    pose_rare, pose_off: the frames without pose, each counted at the shallowest level that skips
    it, ``Shed.pose_shed_by``); ``lost_t_s``: the times of
    the frames dropped, on the run's clock; ``cpu_ms_per_frame``: CPU milliseconds per frame
    processed, per stage (``vbt.live.cost``), set when the run ends.
    """

    frames_read: int = 0
    frames_processed: int = 0
    frames_dropped: int = 0
    wall_s: float = 0.0
    provisional_delays_s: list[float] = field(default_factory=list)
    final_delays_s: list[float] = field(default_factory=list)
    events: list[tuple[float, RepEvent]] = field(default_factory=list)
    reconnects: int = 0
    first_frame_s: float = math.nan
    last_frame_s: float = math.nan
    shed: dict[str, int] = field(default_factory=dict)
    lost_t_s: list[float] = field(default_factory=list)
    cpu_ms_per_frame: dict[str, float] = field(default_factory=dict)

    @property
    def processed_fps(self) -> float:
        """Frames processed per second between the first and the last frame (NaN before two)."""
        span = self.last_frame_s - self.first_frame_s
        return (self.frames_processed - 1) / span if span > 0 else math.nan


class _Set:
    """The state of the set being recorded."""

    def __init__(self, number: int, options: LiveOptions, *, pose_ran: bool) -> None:
        self.number = number
        self.recording = SetRecording(bar_method=options.bar_method, pose_ran=pose_ran)
        self.analyst: Analyst | None = None
        self.events: list[RepEvent] = []
        self.recorder: VideoRecorder | None = None
        self.video_path = options.out_dir / f"set-{number:02d}.mp4"
        self.first_t_s = math.nan
        self.last_motion_t_s = -math.inf
        self.last_seen_t_s = -math.inf
        self.cued = False
        self.lost_t_s: list[float] = []  # frames dropped during the set (run clock)
        self.last_t_s = -math.inf  # the last sighting's time
        self.recent: deque[tuple[float, float]] = deque()  # (t_s, bar height in metres)


class LiveRun:
    """One ``vbt live`` run: sets one after another from one source, until it ends or ``stop()``.

    Parameters:
        open_source: opens the camera or stream (called again to reconnect).
        options: see ``LiveOptions``.
        tracker: the bar tracker; pose: the pose estimator (or None).
        reduced_tracker: the tracker of frames decoded at half size (``Shed.RESOLUTION``); None:
            one made like ``tracker`` (``vbt.live.resolution.reduced_tracker_for``), when it can be.
        calibration: a fixed scale (``--known-length`` or a camera profile's), or None to take it from
            the plate's size in the first sightings.
        outbox: where rep events go for the service, or None.
        frames: where annotated frames go (window, browser view), each a ``FrameSink``.
        view_fps: how often annotated frames are drawn and handed to ``frames``.
        console: where rep lines and messages are printed (None: nowhere).
        on_event: called with each rep event and the wall time it was ready (tests, benchmarks).
    """

    def __init__(
        self,
        open_source: Callable[[], FrameSource],
        options: LiveOptions,
        *,
        tracker: BarTracker,
        pose: PoseEstimator | None = None,
        reduced_tracker: BarTracker | None = None,
        calibration: Calibration | None = None,
        outbox: Outbox | None = None,
        frames: list[FrameSink] | None = None,
        view_fps: float = 12.0,
        console: TextIO | None = None,
        on_event: Callable[[RepEvent, float], None] | None = None,
    ) -> None:
        self.open_source = open_source
        self.options = options
        self.tracker = tracker
        self.pose = pose
        self._shed_pose: Callable[[int], None] | None = (  # the lifter checks shed with pose
            pose.shed if options.shed_lifter_checks and isinstance(pose, SheddablePose) else None
        )
        self.fixed_calibration = calibration
        self.calibration = calibration
        self.outbox = outbox
        self.frames = frames or []
        self.view_period_s = 1.0 / view_fps if view_fps > 0 else math.inf
        self.console = console
        self.on_event = on_event
        self.stats = LiveStats()
        self.meter = CpuMeter()
        self.sets: list[SetResult] = []
        self.run_id = f"live-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
        self.screen = LiveScreen(options.lift)
        self._stop = False
        self._status = "looking for the plate…"
        self._t0_wall = math.nan
        self.t0_epoch_s = math.nan
        self.t0_wall_s = math.nan
        """The run clock's zero on ``time.perf_counter``."""
        """The run clock's zero as a Unix time (seconds): rep times plus this are wall-clock times."""
        self._offset_s = 0.0
        self._clock = ArrivalClock()
        self._publish_lock = threading.RLock()
        self._last_t_s = -math.inf
        self._index = 0
        self._last_view_t_s = -math.inf
        self._last_shown_t_s = -math.inf
        self._pending: deque[Frame] = deque()
        self._capture: ThreadedCapture | None = None  # the one the frames come from
        self._lost_waiting: deque[float] = deque()  # dropped frames' times, until the sighting after
        self.shedder = Shedder(options.shedding)
        self.busy = BusyMeter()
        self.room = RoomMeter(poses=pose is not None)
        self.model_threads = ModelThreads(options.pose_nice)
        """The pose model's own threads, lowered below the loop's after the first poses."""
        self._room_frame: tuple[float, int, bool, bool] | None = None  # t_s, reduction, posed, one-off
        self._room_frame_reduction = 0  # the size of the frame before (0: none yet)
        self.pose_room = PoseRoom(
            max_queue=options.max_queue, spare=min(options.shedding.pose_room_spare, options.max_queue - 1)
        )
        self._posing: tuple[int, int] | None = None  # the frame being posed, the frames read before it
        self._set = _Set(1, options, pose_ran=pose is not None)
        reduced = reduced_tracker if reduced_tracker is not None else reduced_tracker_for(tracker)
        reduced = reduced if options.shed_resolution else None
        self.full_frame_tracker = FullFrameTracker(tracker, reduced)
        """The tracker as the frame loop runs it: frames at full or half size (``Shed.RESOLUTION``)."""
        budget = StirredBudget(lambda: self.shedder)
        for plate_tracker in (tracker, reduced):  # their stirred rechecks shed with the rest
            if isinstance(plate_tracker, PlateTracker):
                plate_tracker.stirred_allowed = budget

    @property
    def stopped(self) -> bool:
        """True once ``stop()`` was called or ``max_sets`` sets are saved."""
        return self._stop

    def stop(self) -> None:
        """End the run after the frame being processed (from another thread, or a signal handler)."""
        self._stop = True

    # -- the loop --------------------------------------------------------------------------------

    def run(self) -> list[SetResult]:
        """Process frames until the source ends for good, ``stop()``, Ctrl-C or ``max_sets``; returns
        the sets saved. Raises ``VbtError`` only when the source never opens."""
        with opencv_single_threaded():  # capture, pose, tracker and analysis fill the cores already
            return self._run()

    def _run(self) -> list[SetResult]:
        self.options.out_dir.mkdir(parents=True, exist_ok=True)
        self._t0_wall = time.perf_counter()
        self.t0_wall_s = self._t0_wall
        self.t0_epoch_s = time.time()
        if self.calibration is not None:  # a scale given up front: measure from the first frame
            self._online_for(self._set)
        source: FrameSource | None = self.open_source()
        observer = Observer(
            tracker=MeteredTracker(self.full_frame_tracker, self.meter),
            pose=metered_pose(
                TimedPose(FullFramePose(self.pose), self.room, threads=self.model_threads),
                self.meter,
            )
            if self.pose is not None
            else None,
            overlap=self.options.overlap,
        )
        ended_because = "the source ended"
        try:
            while source is not None and not self._stop:
                error = self._consume(source, observer)
                if self.stopped:
                    ended_because = "stopped"
                    break
                if error is None:
                    break
                self._say(f"{error} Reconnecting for up to {self.options.reconnect_s:g} s…")
                source = self._reconnect()
                if source is None:
                    ended_because = (
                        f"the camera or stream dropped and did not come back within "
                        f"{self.options.reconnect_s:g} s ({error})"
                    )
        except KeyboardInterrupt:
            ended_because = "stopped (Ctrl-C)"
        finally:
            with contextlib.suppress(VbtError):
                last = observer.flush()
                if last is not None:
                    self._on_sighting(last)
            observer.close()
            self.stats.wall_s = time.perf_counter() - self._t0_wall
            self._end_set(ended_because)
            self.meter.stop()
            self.stats.cpu_ms_per_frame = self.meter.per_frame_ms(
                self.stats.frames_processed, frames_of={"capture": self.stats.frames_read}
            )
        return self.sets

    def _consume(self, source: FrameSource, observer: Observer) -> VideoError | None:
        """Process one source until it ends; its error when it dropped, None when it ended normally."""
        with ThreadedCapture(source, max_queue=self.options.max_queue, meter=self.meter) as capture:
            for frame in capture:
                started_s = time.perf_counter()
                with self.meter.stage("loop"):
                    self._process(frame, capture, observer)
                ended_s = time.perf_counter()
                self.busy.done(started_s, ended_s)
                if self._room_frame is not None:
                    t_s, reduction, posed, one_off = self._room_frame
                    self.room.done(
                        t_s, ended_s - started_s, reduction=reduction, posed=posed, one_off=one_off
                    )
                    self._room_frame = None
                if self._stop or self._max_sets_done():
                    self._stop = True
                    break
            self.stats.frames_read += capture.frames_read
            self.stats.frames_dropped += capture.dropped_frames
            self.stats.shed = self.shedder.summary()
            return capture.error

    def _process(self, frame: Frame, capture: ThreadedCapture, observer: Observer) -> None:
        """One frame from ``capture``: its time put on the run's clock, shedding decided, recorded,
        observed."""
        if capture is not self._capture:  # the source's clock starts at its first frame: put it
            self._capture = capture  # on the run's clock
            self._offset_s = (time.perf_counter() - self._t0_wall) - frame.t_s
            self._clock.reset()
        self._lost_waiting.extend(t + self._offset_s for t in capture.take_dropped())
        t_s = self._clock.correct(frame.index, frame.t_s + self._offset_s)
        if t_s is None or t_s <= self._last_t_s:  # read in a burst, or a reconnect's first
            self.stats.frames_dropped += 1  # frame within a clock tick of the last: lost
            self._lost_waiting.append(frame.t_s + self._offset_s)
            return
        self._last_t_s = t_s
        if math.isnan(self.stats.first_frame_s):
            self.stats.first_frame_s = t_s
        self.stats.last_frame_s = t_s
        frame = dataclasses.replace(frame, t_s=t_s, index=self._index)  # a JpegFrame keeps its JPEG
        self._index += 1
        self.stats.frames_processed += 1
        self._pending.append(frame)
        wait_s = (time.perf_counter() - self._t0_wall) - t_s  # since it arrived
        level = self.shedder.update(
            capture.waiting,
            t_s,
            busy=self.busy.share,
            wait_s=wait_s,
            room=self._room_at(capture.source),
        )
        self._reduce(capture.source, level)
        if self._shed_pose is not None:
            self._shed_pose(level.pose_every)
        if reduction_of(frame) != 1:
            self.shedder.count(Shed.RESOLUTION)
        if self._set.recorder is None and self.options.record:
            self._set.recorder = VideoRecorder(self._set.video_path, preset="ultrafast", meter=self.meter)
        recorder = self._set.recorder
        if recorder is not None:
            if level >= Shed.RECORDING and frame.index % 2 and recorder.encodes(frame):
                self.shedder.count(Shed.RECORDING)
            else:
                recorder.write(frame)
        if self._posing is not None and not self.pose_room.measured:  # the run's first pose: wait
            held = observer.flush()  # for it, to know what a pose costs before posing the next
            if held is not None:
                self._on_sighting(held)
        posed = self.pose is not None and level.posed(frame.index)
        if posed and not self.pose_room.fits(capture.waiting):
            posed = False  # the frames arriving while it is posed would not fit in the queue
            self.shedder.count_no_room()
        elif self.pose is not None and not posed:
            self.shedder.count(Shed.pose_shed_by(frame.index))
        if posed:
            self._posing = (frame.index, capture.frames_read)
        reduction = reduction_of(frame)
        restarted = self._room_frame_reduction != reduction  # the tracker restarts (or starts)
        self._room_frame_reduction = reduction
        self._room_frame = (t_s, reduction, posed, restarted)
        if self.pose is None or posed:
            sighting = observer.push(frame)
        else:
            held = observer.flush()
            if held is not None:
                self._on_sighting(held)
            sighting = observer.push(frame, pose=False)
        if sighting is not None:
            self._on_sighting(sighting)
        if capture.waiting == 0:  # keeping up: this frame's sighting now, not at the next
            held = observer.flush()  # frame (overlap only pays when frames are waiting)
            if held is not None:
                self._on_sighting(held)

    def _reduction(self, source: FrameSource, level: Shed) -> int:
        """The size frames are decoded at at ``level`` (``reduction_at``; 1 for a source that
        cannot reduce, or without a tracker of reduced frames)."""
        if self.full_frame_tracker.reduced is None or not isinstance(source, ReducibleSource):
            return 1
        return reduction_at(level, source.reduction, SHED_REDUCTION, self.options.shedding)

    def _room_at(self, source: FrameSource) -> Callable[[Shed], float]:
        """The loop's predicted busy share at a level (``RoomMeter.share``), its frames at the size
        that level would have from the present one."""
        return lambda level: self.room.share(level, self._reduction(source, level))

    def _reduce(self, source: FrameSource, level: Shed) -> None:
        """Ask a source that can decode at reduced size (a JPEG stream) for the size ``level``
        wants: half size from ``Shed.RESOLUTION``, full size again below
        ``SheddingSettings.full_size_below``. The frames already decoded keep their size (each
        frame says its own)."""
        if isinstance(source, ReducibleSource):
            source.reduction = self._reduction(source, level)

    def _reconnect(self) -> FrameSource | None:
        deadline = time.monotonic() + self.options.reconnect_s
        while time.monotonic() < deadline and not self._stop:
            try:
                source = self.open_source()
            except VbtError:
                time.sleep(0.5)
                continue
            self.stats.reconnects += 1
            self._say("reconnected")
            return source
        return None

    def _max_sets_done(self) -> bool:
        return self.options.max_sets is not None and len(self.sets) >= self.options.max_sets

    # -- one frame -------------------------------------------------------------------------------

    def _on_sighting(self, sighting: Sighting) -> None:
        while self._pending and self._pending[0].index < sighting.frame_index:
            self._pending.popleft()
        frame = self._pending.popleft() if self._pending else None
        if self._posing is not None and self._posing[0] == sighting.frame_index and self._capture is not None:
            self.pose_room.posed(self._capture.frames_read - self._posing[1])  # arrived meanwhile
            self._posing = None
        current = self._set
        observation = sighting.observation
        t_s = observation.t_s
        self._mark_lost(current, t_s)
        current.last_t_s = t_s
        if math.isnan(current.first_t_s):
            current.first_t_s = t_s
        # Earlier frames a tracker measures again (RevisingBarTracker) are not applied here: the
        # online analysis has used them already, and the saved report must equal what was shown.
        current.recording.add(sighting)
        self.screen.add_bar(t_s, observation.bar_xy_px)
        if self.calibration is None:
            self._try_calibrate()
        elif current.analyst is not None:
            self._feed(current, t_s, observation.bar_xy_px, observation.joints_xy_px)
        if frame is not None and t_s - self._last_view_t_s >= self.view_period_s and self.frames:
            self._last_view_t_s = t_s
            keepalive_s = self.options.shedding.view_keepalive_s
            if self.shedder.level >= Shed.VIEW and t_s - self._last_shown_t_s < keepalive_s:
                self.shedder.count(Shed.VIEW)
            else:
                self._last_shown_t_s = t_s
                self._show(frame, sighting)
        if self._set_is_over(t_s):
            self._end_set(f"the bar rested {self.options.end_still_s:g} s after the last rep")
            self._set = _Set(current.number + 1, self.options, pose_ran=self.pose is not None)
            self._online_for(self._set)

    def _show(self, frame: Frame, sighting: Sighting) -> None:
        """Draw the screen on ``frame`` and hand it to every frame sink."""
        observation = sighting.observation
        joints = observation.joints_xy_px if sighting.pose is not None else None
        with self.meter.stage("view"):
            reduction = reduction_of(frame)
            picture = full_size(frame.image, reduction) if reduction != 1 else frame.image.copy()
            image = self.screen.draw(picture, self._screen_state(), joints_xy_px=joints)
            for sink in self.frames:
                sink.show(image, observation.t_s)

    def _mark_lost(self, current: _Set, t_s: float) -> None:
        """The frames dropped before the sighting at ``t_s``: kept as lost samples (NaN bar) for the
        online analysis and the set's report, which mark the reps they touch."""
        while self._lost_waiting and self._lost_waiting[0] < t_s:
            lost_t_s = self._lost_waiting.popleft()
            if lost_t_s <= max(current.last_t_s, current.lost_t_s[-1] if current.lost_t_s else -math.inf):
                continue  # a dropped frame the clock placed before the frame it came after
            current.lost_t_s.append(lost_t_s)
            self.stats.lost_t_s.append(lost_t_s)
            current.recording.lose(lost_t_s)  # the track keeps every frame's time
            if current.analyst is not None:
                current.analyst.add(lost_t_s, np.full(2, np.nan), None, lost=True)

    def _try_calibrate(self) -> None:
        if len(self._set.recording) < MIN_SCALE_SIGHTINGS or len(self._set.recording) % 5:
            return  # try every fifth frame
        track = self._set.recording.track()
        good = track.bar_seen & (track.bar_confidence >= MIN_SCALE_CONFIDENCE)
        if good.sum() < MIN_SCALE_SIGHTINGS:
            return
        try:
            self.calibration = calibrate_track(
                track,
                bar_method=self.options.bar_method,
                plate=self.options.plate,
                marker_side_m=self.options.marker_side_m,
                known_length=self.options.known_length,
                camera=self.options.camera_profile,
            )
        except CalibrationError:
            return
        self._say(
            f"scale: {self.calibration.metres_per_px * 1000:.3f} mm per pixel ({self.calibration.method})"
        )
        self._online_for(self._set)
        for i in range(len(track)):  # the samples seen (and lost) before the scale was known
            lost = bool(track.frame_index[i] == LOST_FRAME)
            self._feed(self._set, float(track.t_s[i]), track.bar_xy_px[i], track.joints_xy_px[i], lost=lost)

    def _online_for(self, current: _Set) -> None:
        if self.calibration is None:
            return
        current.analyst = Analyst(
            on_events=lambda events: self._publish_all(current, events),
            lift=self.options.lift,
            load_kg=self.options.load_kg,
            idle_keep_s=self.options.idle_keep_s,
            meter=self.meter,
            rerun_every_s=self.options.final_every_s,
            discover_every_s=self.options.discover_every_s,
            settings=video_analysis_settings(self.options.plate, timed_by_arrival=True),  # as the report's
        )
        if self.outbox is not None:
            self.outbox.create_set(
                self._set_key(current), exercise=self.options.lift.value, load_kg=self.options.load_kg or 0.0
            )
        self._status = f"set {current.number}: ready"

    def _feed(
        self,
        current: _Set,
        t_s: float,
        bar_xy_px: np.ndarray[Any, Any],
        joints_xy_px: np.ndarray[Any, Any],
        *,
        lost: bool = False,
    ) -> None:
        assert current.analyst is not None and self.calibration is not None
        bar_m = pixels_to_metres(np.asarray(bar_xy_px, dtype=np.float64).reshape(1, 2), self.calibration)[0]
        joints_m = None
        if self.pose is not None:
            joints_m = pixels_to_metres(np.asarray(joints_xy_px, dtype=np.float64), self.calibration)
        self._track_motion(current, t_s, float(bar_m[1]))
        current.analyst.add(t_s, bar_m, joints_m, lost=lost)

    def _track_motion(self, current: _Set, t_s: float, height_m: float) -> None:
        if not math.isfinite(height_m):
            return
        current.last_seen_t_s = t_s
        current.recent.append((t_s, height_m))
        while current.recent and current.recent[0][0] < t_s - self.options.end_still_s:
            current.recent.popleft()
        heights = [h for when_s, h in current.recent if t_s - when_s <= 1.0]
        if max(heights) - min(heights) >= self.options.still_m:
            current.last_motion_t_s = t_s

    def _set_is_over(self, t_s: float) -> bool:
        current = self._set
        reps = shown_reps(current.events)
        if not reps:
            return False
        quiet_since = max(current.last_motion_t_s, reps[-1][0].rep.end_s)
        return t_s - quiet_since >= self.options.end_still_s

    # -- events ----------------------------------------------------------------------------------

    def _set_key(self, current: _Set) -> str:
        return f"{self.run_id}-set{current.number}"

    def _publish_all(self, current: _Set, events: list[RepEvent]) -> None:
        """Publish events as the analysis thread produces them (no wait for the next frame)."""
        with self._publish_lock:
            for event in events:
                self._publish(current, event)

    def _publish(self, current: _Set, event: RepEvent) -> None:
        now = time.perf_counter()
        delay = (now - self._t0_wall) - event.rep.end_s
        if event.kind is RepEventKind.PROVISIONAL:
            self.stats.provisional_delays_s.append(delay)
        elif event.kind is RepEventKind.FINAL:
            self.stats.final_delays_s.append(delay)
        self.stats.events.append((now, event))
        current.events.append(event)
        if self.on_event is not None:
            self.on_event(event, now)
        if self.outbox is not None:
            if event.kind is RepEventKind.RETRACTED:
                self.outbox.delete_rep(self._set_key(current), self._rep_id(current, event.key))
            else:
                self._post_rep(current, event)
        self._console_event(current, event)
        self._cue(current)

    def _console_event(self, current: _Set, event: RepEvent) -> None:
        rep = event.rep
        value = self.screen.headline(rep)
        kind = "peak" if self.screen.kind.value == "peak" else "mean"
        if event.kind is RepEventKind.RETRACTED:
            self._say(f"set {current.number}: the rep at {rep.start_s:.1f} s was not a rep after all")
            return
        tag = "…" if event.kind is RepEventKind.PROVISIONAL else " "
        failed = " FAILED" if rep.status is RepStatus.FAILED else ""
        if rep.status is RepStatus.SUSPECT:
            failed = " SUSPECT, not counted: " + (rep.suspect_reasons[0] if rep.suspect_reasons else "")
        if lost_frames_in(rep):  # on the screen's status line too, until the next message
            self._status = f"set {current.number}: frames lost during rep {rep.index}: velocity doubtful"
            self._say(self._status)
        zone = self.screen.zone_name(rep)
        self._say(
            f"set {current.number} rep {rep.index}{tag} {value:5.2f} m/s {kind}"
            f"{'  ' + zone if zone else ''}{failed}"
            + ("" if event.kind is RepEventKind.PROVISIONAL else "  (final)")
        )
        if not lost_frames_in(rep):
            self._status = f"set {current.number}: {len(shown_reps(current.events))} reps"

    def _cue(self, current: _Set) -> None:
        if current.cued:
            return
        cue = self._stop_cue([event.rep for event, _ in shown_reps(current.events)])
        if cue.stop:
            current.cued = True
            if self.console is not None:
                self.console.write("\a")  # the terminal's bell: the audio cue where there is no browser
            self._say(f"STOP: {cue.reason}")

    def _stop_cue(self, reps: list[RepMetrics]) -> StopSetCue:
        return stop_set_cue(reps, self.options.threshold_pct, kind=velocity_kind_for(self.options.lift))

    def _screen_state(self) -> ScreenState:
        shown = shown_reps(self._set.events)
        if not shown:
            return ScreenState(status=self._status)
        reps = tuple(event.rep for event, _ in shown)
        cue = self._stop_cue(list(reps))
        return ScreenState(
            status=self._status,
            reps=reps,
            provisional=tuple(provisional for _, provisional in shown),
            velocity_loss_pct=cue.velocity_loss_pct,
            stop=cue.stop,
            stop_reason=cue.reason,
        )

    # -- the end of a set ------------------------------------------------------------------------

    def _end_set(self, because: str) -> None:
        current = self._set
        files: dict[str, Path] = {}
        error: str | None = None
        if current.recorder is not None:
            try:
                current.recorder.close()
                files["video"] = current.video_path
                if current.recorder.skipped_frames:
                    self._say(
                        f"the recording skipped {current.recorder.skipped_frames} frames (the encoder "
                        "could not keep up); the track CSV and report have them all"
                    )
            except VideoError as exc:
                error = str(exc)
            current.recorder = None
        if current.analyst is not None:
            self._publish_all(current, current.analyst.finish())
        if not shown_reps(current.events):
            if "video" in files:
                files["video"].unlink(missing_ok=True)  # nothing happened in it
            return
        reps: list[RepMetrics] = []
        track = current.recording.track()
        base = self.options.out_dir / f"set-{current.number:02d}"
        tracked = current.recording.tracked(
            name=str(files.get("video", base)), track=track, timed_by_arrival=True
        )
        try:
            result = analyze_tracked(
                tracked,
                lift=self.options.lift,
                load_kg=self.options.load_kg,
                plate=self.options.plate,
                marker_side_m=self.options.marker_side_m,
                known_length=self.options.known_length,
                camera_profile=self.options.camera_profile,
                calibration=self.calibration,  # the scale the reps were posted with: one truth
            )
        except (NotEnoughDataError, VbtError) as exc:
            error = error or str(exc)
            result = None
        files["track"] = base.with_suffix(".csv")
        write_track(files["track"], track, result.trajectory if result is not None else None)
        if result is not None:
            analysis = self._with_lost(result.analysis, track)
            reps = list(analysis.reps)
            self._mark_doubted(current, reps)
            files["report"] = base.with_suffix(".json")
            live = {
                "ended_because": because,
                "run_id": self.run_id,
                "frames_lost": len(current.lost_t_s),
                "frames_shed": self.shedder.summary(),
            }
            extra = {**result.report_extra, "live": live}
            write_json(
                files["report"],
                set_report(analysis, input_name=str(files.get("video", base)), extra=extra),
            )
        self.sets.append(SetResult(current.number, reps, files, because, error))
        self._say(
            f"set {current.number} saved ({len(reps)} reps): {', '.join(str(p) for p in files.values())}"
        )
        self._status = f"set {current.number + 1}: ready"

    def _rep_id(self, current: _Set, key: int) -> str:
        return f"{self._set_key(current)}-rep{key}"

    def _post_rep(self, current: _Set, event: RepEvent) -> None:
        """Queue a provisional or final rep event's rep for the service."""
        assert self.outbox is not None
        provisional = event.kind is RepEventKind.PROVISIONAL
        body = {
            **to_jsonable(event.rep),
            "client_rep_id": self._rep_id(current, event.key),
            "provisional": provisional,
        }
        self.outbox.post_rep(self._set_key(current), body)

    def _mark_doubted(self, current: _Set, reps: list[RepMetrics]) -> None:
        """Post again, marked suspect, the final reps the set's report doubts (`doubted_by_report`):
        the service and the screen then hold the report's verdict too."""
        with self._publish_lock:
            for event in doubted_by_report(current.events, reps):
                current.events.append(event)
                if self.outbox is not None:
                    self._post_rep(current, event)
                reason = next(iter(event.rep.suspect_reasons), "doubted by the set's checks")
                self._say(f"rep {event.key} of set {current.number} is SUSPECT, not counted: {reason}")

    def _with_lost(self, analysis: SetAnalysis, track: PixelTrack) -> SetAnalysis:
        """The set's analysis with the frames dropped during it marked, as the online set marks them."""
        lost = track.frame_index == LOST_FRAME
        if not lost.any():
            return analysis
        spans = lost_spans(track.t_s, lost)
        return mark_lost_frames(analysis, spans, segmentation=default_segmentation(self.options.lift))

    def _say(self, message: str) -> None:
        if self.console is not None:
            self.console.write(message + "\n")
            self.console.flush()
