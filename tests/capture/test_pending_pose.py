"""The pose model made on a thread of its own (``PendingPose``) while the source opens and the
first frames decode: the same results as an estimator made first, the same errors in the same
order (a bad video before the model, a missing model at once, an unloadable one from the loop),
nothing left running; and the frame loop's modules do not import SciPy (the analysis does, after)."""

from __future__ import annotations

import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.capture.test_pipeline import render_plate_clip, squat_set
from tests.capture.test_pipeline_overlap import _Pose, _Tracker
from vbt.capture import pipeline
from vbt.capture.bar import BarMethod
from vbt.capture.pipeline import track_source, track_video
from vbt.capture.pose.pending import PendingPose
from vbt.capture.sources import VideoFileSource
from vbt.errors import InputError, ModelError
from vbt.types import Frame


class _ClosingPose(_Pose):
    def __init__(self) -> None:
        super().__init__()
        self.closed = 0
        self.prepared: list[int] = []

    def prepare(self, frame: Frame) -> object:
        self.prepared.append(frame.index)
        return frame.index

    def detect_prepared(self, frame: Frame, prepared: object) -> Any:
        assert prepared == frame.index
        return self.detect(frame)

    def close(self) -> None:
        self.closed += 1


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_plate_clip(tmp_path_factory.mktemp("pending") / "squat.mp4", squat_set(1))


def _threads() -> set[str]:
    return {thread.name for thread in threading.enumerate()}


def test_the_loop_with_a_pending_pose_equals_the_loop_with_the_pose(clip: Path) -> None:
    def run(pose: Any, *, overlap: bool) -> Any:
        with VideoFileSource(clip) as source:
            return track_video(
                source, tracker=_Tracker(), bar_method=BarMethod.WRISTS, pose=pose, overlap=overlap
            ).track

    made = _ClosingPose()
    for overlap in (True, False):
        plain = run(_Pose(), overlap=False)
        with PendingPose(lambda: made) as pending:
            pending_track = run(pending, overlap=overlap)
        for name, value in plain.__dict__.items():
            if isinstance(value, np.ndarray):
                np.testing.assert_array_equal(getattr(pending_track, name), value, err_msg=name)
    assert made.closed == 2  # closed by each PendingPose
    assert made.prepared  # the overlapped loop prepares through it


def test_an_estimator_that_cannot_be_made_raises_at_first_use_and_leaves_no_thread() -> None:
    before = _threads()

    def fail() -> Any:
        raise ModelError("this model cannot be loaded")

    pending = PendingPose(fail, name="vbt-pose-load-failing")
    frame = Frame(image=np.zeros((8, 8, 3), np.uint8), t_s=0.0, index=0)
    with pytest.raises(ModelError, match="cannot be loaded"):
        pending.detect(frame)
    with pytest.raises(ModelError, match="cannot be loaded"):
        pending.wait()
    pending.close()
    pending.close()  # safe twice
    assert _threads() <= before


def test_a_bad_video_is_reported_before_the_model_is_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "fake.mp4"
    fake.write_text("this is not a video\n")
    started: list[object] = []
    monkeypatch.setattr(pipeline, "_start_pose", lambda *args: started.append(args))
    with pytest.raises(InputError, match="not a video OpenCV can read"):
        track_source(fake, model_path=tmp_path / "missing.task")
    assert started == []


def test_a_missing_model_is_reported_at_once_and_leaves_no_thread(clip: Path, tmp_path: Path) -> None:
    before = _threads()
    with pytest.raises(ModelError, match="no such model file"):
        track_source(clip, model_path=tmp_path / "missing.task")
    assert _threads() <= before


def test_a_model_mediapipe_cannot_load_stops_the_loop_with_its_message(clip: Path, tmp_path: Path) -> None:
    pytest.importorskip("mediapipe")
    bundle = tmp_path / "pose_landmarker_lite.task"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("pose_detector.tflite", b"not a model" * 8)
        archive.writestr("pose_landmarks_detector.tflite", b"not a model" * 8)
    before = _threads()
    with pytest.raises(ModelError, match="MediaPipe cannot load") as caught:
        track_source(clip, model_path=bundle)
    assert str(bundle) in str(caught.value)
    assert {name for name in _threads() - before if name.startswith("vbt-")} == set()


def test_the_frame_loop_does_not_import_scipy() -> None:
    # SciPy takes most of a second to import: the loop starts without it, the analysis imports it.
    code = "import sys, vbt.capture.pipeline; print(sorted(m for m in sys.modules if m.startswith('scipy')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
