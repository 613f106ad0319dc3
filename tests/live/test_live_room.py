"""A level that comes back: the loop's room predicted from what it measured (``RoomMeter``), and the
shedder's rules on a frame's wait and on that room (known answers, no clock)."""

from __future__ import annotations

import io
import math
import time
from pathlib import Path

import numpy as np
import pytest

from tests.capture.test_pipeline import _Pose
from vbt.capture.pose import PoseResult
from vbt.errors import InputError
from vbt.live.room import RoomMeter, TimedPose
from vbt.live.runner import LiveOptions, LiveRun
from vbt.live.shedding import BusyMeter, Shed, Shedder, SheddingSettings, reduction_at
from vbt.synth import generate_set
from vbt.types import Frame, Lift

FRAME_S = 1 / 30


def _room(*, rest_s: float, pose_s: float, frames: int = 60, reduction: int = 1) -> RoomMeter:
    """A meter that saw ``frames`` frames at 30 fps, every other one posed, each taking ``rest_s``
    plus ``pose_s`` when posed; the run's first pose took 0.3 s (the model's first inference)."""
    room = RoomMeter()
    room.posed(0.3)
    room.done(0.0, 0.3 + rest_s, reduction=reduction, posed=True, one_off=True)
    for i in range(1, frames):
        posed = i % 2 == 0
        if posed:
            room.posed(pose_s)
        room.done(i * FRAME_S, rest_s + (pose_s if posed else 0.0), reduction=reduction, posed=posed)
    return room


def test_the_room_meter_predicts_each_levels_share_from_a_poses_time_and_the_rest_of_a_frame() -> None:
    room = _room(rest_s=0.010, pose_s=0.020)
    assert room.pose_s == pytest.approx(0.020) and room.rest_s == pytest.approx({1: 0.010})
    assert room.interval_s == pytest.approx(FRAME_S)
    # (10 ms + 20 ms / pose_every) / 33.3 ms; the first pose (0.3 s) left out
    assert room.share(Shed.NOTHING, 1) == pytest.approx(0.9)
    assert room.share(Shed.POSE, 1) == pytest.approx(0.6)
    assert room.share(Shed.POSE_SPARSE, 1) == pytest.approx(0.45)
    assert room.share(Shed.POSE_RARE, 1) == pytest.approx(0.375)
    assert room.share(Shed.POSE_OFF, 1) == pytest.approx(0.3)
    assert math.isnan(room.share(Shed.NOTHING, 2))  # half size never measured
    assert math.isnan(RoomMeter().share(Shed.POSE_OFF, 1))  # nothing measured
    no_pose = RoomMeter(poses=False)  # a run without pose: the rest alone at every level
    for i in range(3):
        no_pose.done(i * FRAME_S, 0.010, reduction=1, posed=False)
    assert no_pose.share(Shed.NOTHING, 1) == pytest.approx(0.3) == no_pose.share(Shed.POSE_OFF, 1)
    with pytest.raises(InputError, match="frames"):
        RoomMeter(frames=0)


def test_a_timed_pose_gives_each_poses_wall_time_to_the_meter_but_the_runs_first() -> None:
    clock = iter([0.0, 0.5, 1.0, 1.02, 2.0, 2.04])  # (start, end) of three poses: 0.5, 0.02, 0.04 s
    room = RoomMeter(frames=3)  # a pose's average over 1 pose: the last one's time
    pose = TimedPose(_Pose(), room, clock=lambda: next(clock))
    frame = Frame(image=np.zeros((8, 8, 3), np.uint8), t_s=0.0, index=0)
    pose.detect(frame)
    assert math.isnan(room.pose_s)  # the model's first inference
    pose.detect(frame)
    assert room.pose_s == pytest.approx(0.02)
    pose.detect_prepared(frame, pose.prepare(frame))
    assert room.pose_s == pytest.approx(0.04)


def test_frames_dropped_do_not_lengthen_the_interval_and_a_restart_is_left_out() -> None:
    room = _room(rest_s=0.008, pose_s=0.020, frames=10)
    for i in range(10, 16):  # every other frame dropped: two intervals between the frames taken
        room.done((10 + 2 * (i - 10)) * FRAME_S, 0.008, reduction=1, posed=False)
    room.done(25 * FRAME_S, 0.12, reduction=2, posed=False, one_off=True)  # a tracker restart
    assert room.interval_s == pytest.approx(FRAME_S)  # the median of the last 15 steps
    assert 2 not in room.rest_s


def test_a_level_eases_off_where_the_loop_has_room_though_it_is_busy_with_pose_on() -> None:
    """Main's rule eased a level off only below a busy share of 0.6; with pose on every other frame
    the loop measured 0.85 busy and never took pose back. The predicted share of the level below
    (here 0.6 at ``Shed.POSE``, from 10 ms a frame and 20 ms a pose) decides instead."""
    room = _room(rest_s=0.010, pose_s=0.020)
    settings = SheddingSettings(calm_s=1.0, busy_step_s=0.5)
    shedder = Shedder(settings, level=Shed.POSE_SPARSE)

    def share(level: Shed) -> float:
        return room.share(level, 1)

    levels = [shedder.update(0, i * 0.1, busy=0.85, room=share) for i in range(31)]
    assert levels[0] is Shed.POSE_SPARSE and levels[10] is Shed.RECORDING and levels[20] is Shed.POSE
    assert levels[30] is Shed.POSE  # 0.9 at full work: no room for it (room_busy 0.85)
    stuck = Shedder(settings, level=Shed.POSE_SPARSE)  # no prediction: the busy share decides
    assert {stuck.update(0, i * 0.1, busy=0.85) for i in range(31)} == {Shed.POSE_SPARSE}


def test_a_late_frame_sheds_only_where_the_loop_has_no_room_and_not_beyond_the_delays_levels() -> None:
    settings = SheddingSettings(wait_budget_s=0.045, room_busy=0.85, busy_step_s=0.5, calm_s=1.0)

    def full(level: Shed) -> float:  # pose on every frame fills the loop
        return {Shed.NOTHING: 0.95, Shed.VIEW: 0.95}.get(level, 0.6)

    shedder = Shedder(settings)
    assert shedder.update(0, 0.0, wait_s=0.03, room=full) is Shed.NOTHING  # within the budget
    assert shedder.update(0, 0.1, wait_s=0.06, room=full) is Shed.POSE  # late: straight to every other pose
    assert shedder.update(0, 0.2, wait_s=0.06, room=full) is Shed.POSE  # room at POSE: it drains
    assert shedder.update(0, 1.5, wait_s=0.0, room=full) is Shed.POSE  # no room below (0.95)

    def roomy(level: Shed) -> float:
        return 0.5

    eased = Shedder(settings, level=Shed.POSE)  # late every frame (a loaded machine schedules the
    levels = [eased.update(0, i * 0.1, wait_s=0.06, room=roomy) for i in range(12)]  # loop late)
    assert levels[9] is Shed.POSE and levels[10] is levels[11] is Shed.VIEW  # room: eased off all the same

    def none(level: Shed) -> float:  # no room anywhere
        return 0.95

    deep = Shedder(settings)
    levels = [deep.update(0, i * 0.5, wait_s=0.2, room=none) for i in range(8)]
    assert levels == [Shed.POSE, Shed.RECORDING] + [Shed.POSE_SPARSE] * 6  # late_sheds_to
    assert deep.update(0, 4.0, busy=0.95, wait_s=0.2, room=none) is Shed.RESOLUTION  # busy goes on
    assert Shedder(settings).update(0, 0.0, wait_s=0.2) is Shed.NOTHING  # no prediction: no rule
    with pytest.raises(InputError, match="room_busy <= busy_at"):
        SheddingSettings(room_busy=0.95, busy_at=0.9)
    with pytest.raises(InputError, match="wait_budget_s"):
        SheddingSettings(wait_budget_s=0.0)


def test_half_size_is_taken_at_resolution_and_left_only_below_full_size_below() -> None:
    settings = SheddingSettings(full_size_below=Shed.POSE_SPARSE)
    assert reduction_at(Shed.RESOLUTION, 1, 2, settings) == 2
    assert reduction_at(Shed.POSE_SPARSE, 2, 2, settings) == 2  # kept on the way down
    assert reduction_at(Shed.POSE_SPARSE, 1, 2, settings) == 1  # not taken on the way up
    assert reduction_at(Shed.RECORDING, 2, 2, settings) == 1


def test_after_a_start_up_stall_the_level_comes_back_to_pose_on_every_frame() -> None:
    """The loop replayed without a clock: frames at 30 fps into a queue of 8, one loop taking 8 ms
    a frame and 16 ms a pose (0.72 busy at full work), the first frame 0.35 s (the model's first
    inference and the tracker's first whole-frame search). The stall sheds pose altogether (the
    queue full); once it drains, the levels come back one a second to pose on every frame, and
    after the stall no frame waits longer than the budget."""
    settings = SheddingSettings()
    shedder, busy, room = Shedder(settings), BusyMeter(), RoomMeter()
    now_s, arrived, dropped = 0.0, 0, 0
    waits: list[float] = []
    levels: list[Shed] = []
    queue: list[int] = []
    n = 300
    while arrived < n or queue:
        while arrived < n and arrived * FRAME_S <= now_s:
            if len(queue) >= 8:
                queue.pop(0)
                dropped += 1
            queue.append(arrived)
            arrived += 1
        if not queue:
            now_s = arrived * FRAME_S
            continue
        i = queue.pop(0)
        t_s = i * FRAME_S
        level = shedder.update(
            len(queue), t_s, busy=busy.share, wait_s=now_s - t_s, room=lambda level: room.share(level, 1)
        )
        posed = level.posed(len(levels))
        spent_s = 0.008 + (0.016 if posed else 0.0) + (0.35 if i == 0 else 0.0)
        if posed:
            room.posed(0.35 if i == 0 else 0.016)
        start_s, now_s = now_s, now_s + spent_s
        busy.done(start_s, now_s)
        room.done(t_s, spent_s, reduction=1, posed=posed)
        waits.append(now_s - t_s - spent_s)
        levels.append(level)
    assert dropped == 3  # the stall (0.374 s with the first frame's work): 11 frames against 8
    assert max(levels) is Shed.POSE_OFF
    # one step a second from the deepest level (a loop 0.72 busy at full work: main's rule, easing
    # off below a busy share of 0.6 only, stopped at Shed.VIEW)
    assert levels[-1] is Shed.NOTHING and levels.index(Shed.NOTHING, 1) < 9 * 30
    assert max(waits[60:]) < settings.wait_budget_s


def test_a_live_run_feeds_its_room_meter_a_poses_time_and_the_rest_of_each_frame(tmp_path: Path) -> None:
    """The wiring: a paced synthetic stream (4 s at 30 fps), a stand-in pose taking at least 20 ms
    (its first call at least 0.3 s: the model's first inference, left out; its stall sheds pose
    altogether, which comes back, one step a second, once the queue has drained), a stand-in
    tracker."""
    from tests.live.test_live_degrade import MPP, _PromptSynthSource, _SlowPose, _Tracker

    synth = generate_set(Lift.SQUAT, n_reps=1, seed=1).trajectory
    keep = synth.t_s <= 4.0
    pose = _SlowPose(cost_s=0.02)
    first = [True]
    detect = pose.detect

    def stalling(frame: Frame) -> PoseResult:
        if first.pop() if first else False:
            time.sleep(0.3)
        return detect(frame)

    pose.detect = stalling  # type: ignore[method-assign]
    run = LiveRun(
        lambda: _PromptSynthSource(synth.t_s[keep]),
        LiveOptions(lift=Lift.SQUAT, out_dir=tmp_path, known_length=(1000.0, 1000 * MPP), record=False),
        tracker=_Tracker(synth.bar_xy_m[keep]),
        pose=pose,
        console=io.StringIO(),
    )
    run.run()
    seen = (run.shedder.level, run.stats.shed, run.room.pose_s, run.room.rest_s, run.room.interval_s)
    assert 0.02 <= run.room.pose_s < 0.3, seen  # every pose's time, the first (0.3 s) left out
    assert math.isfinite(run.room.rest_s[1]) and 2 not in run.room.rest_s, seen  # full size only
    assert run.room.interval_s == pytest.approx(FRAME_S, rel=0.1), seen  # the frames' own clock
    assert math.isfinite(run.room.share(Shed.NOTHING, 1))
