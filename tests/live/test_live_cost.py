"""CPU time per stage: known amounts divided by known frame counts, nested stages not counted twice,
and the metered pose and tracker still what the frame loop expects (no assertion on speed)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tests.capture.test_pipeline import _Pose
from vbt.capture.pose import PreparingPoseEstimator
from vbt.live.cost import CpuMeter, MeteredTracker, metered_pose
from vbt.types import Frame


def test_per_frame_ms_divides_each_stage_by_its_frames() -> None:
    meter = CpuMeter()
    meter.add("pose", 0.9)
    meter.add("tracker", 0.3)
    meter.add("capture", 0.2)
    meter.add("pose", 0.3)
    per_frame = meter.per_frame_ms(60, frames_of={"capture": 100})
    assert per_frame["pose"] == pytest.approx(20.0)
    assert per_frame["tracker"] == pytest.approx(5.0)
    assert per_frame["capture"] == pytest.approx(2.0)  # it read 100 frames, 40 of them dropped later
    assert per_frame["total"] == pytest.approx(27.0)
    assert list(per_frame)[:3] == ["capture", "pose", "tracker"]  # the order a frame meets them
    assert meter.per_frame_ms(0) == {}


def _spin(cpu_s: float) -> None:
    end_s = time.thread_time() + cpu_s
    while time.thread_time() < end_s:
        pass


def test_a_nested_stage_is_taken_out_of_the_one_around_it() -> None:
    meter = CpuMeter()
    start_s = time.thread_time()
    with meter.stage("loop"):
        _spin(0.01)
        with meter.stage("tracker"):
            _spin(0.01)
    spent_s = time.thread_time() - start_s
    totals = meter.totals_s()
    assert totals["tracker"] >= 0.01 and totals["loop"] >= 0.01
    assert totals["loop"] + totals["tracker"] == pytest.approx(spent_s, abs=1e-3)  # once each


class _PreparingPose(_Pose):
    def prepare(self, frame: Frame) -> object:
        return frame.image

    def detect_prepared(self, frame: Frame, prepared: object) -> object:
        return self.detect(frame)


class _Tracker:
    method = "plate"

    def update(self, frame: Frame, *, hands_xy_px: object = None) -> str:
        return f"bar {frame.index}"

    def reset(self) -> None:
        pass


def test_metered_pose_and_tracker_pass_everything_on() -> None:
    meter = CpuMeter()
    frame = Frame(image=np.zeros((4, 4, 3), np.uint8), t_s=0.0, index=3)
    assert not isinstance(metered_pose(_Pose(), meter), PreparingPoseEstimator)
    preparing = metered_pose(_PreparingPose(), meter)
    assert isinstance(preparing, PreparingPoseEstimator)  # the observer still prepares on its thread
    assert preparing.detect(frame).t_s == _Pose().detect(frame).t_s
    tracker = MeteredTracker(_Tracker(), meter)  # type: ignore[arg-type]
    assert tracker.update(frame) == "bar 3" and tracker.method == "plate"
    assert set(meter.totals_s()) == {"pose", "tracker"}
