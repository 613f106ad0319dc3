"""MediaPipe pose on real footage (skipped without ../shared), and the side chooser's hysteresis."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from tests.capture.video_fixtures import FOOTAGE, SHARED_MODELS
from vbt.capture.models import MODEL_DIR_ENV
from vbt.capture.pose import MediaPipePose, PoseEstimator, PreparingPoseEstimator, SideChooser
from vbt.capture.sources import VideoFileSource
from vbt.errors import InputError, ModelError
from vbt.types import JOINT_NAMES, Frame

SHOULDER, HIP, KNEE, ANKLE = (JOINT_NAMES.index(n) for n in ("shoulder", "hip", "knee", "ankle"))


# --- the side chooser (pure) -----------------------------------------------------------------------


def _cues(right_minus_left: float) -> tuple[np.ndarray, np.ndarray]:
    """Six cue landmarks whose right side is ``right_minus_left`` more visible; equal depth."""
    visibility = np.column_stack([np.full(6, 0.5), np.full(6, 0.5 + right_minus_left)])
    return visibility, np.zeros((6, 2))


def test_side_follows_visibility_with_hysteresis() -> None:
    chooser = SideChooser(margin=0.1, smoothing=0.3, depth_weight=0.5)
    sides = [chooser.update(*_cues(0.4)) for _ in range(3)]
    # One frame favouring the left does not flip the side...
    sides.append(chooser.update(*_cues(-0.4)))
    sides.append(chooser.update(*_cues(0.4)))
    assert sides == ["right"] * 5
    # ...a sustained change does: smoothed score 0.23 -> -0.02 -> -0.19 (past the -0.1 margin).
    sides = [chooser.update(*_cues(-0.6)) for _ in range(3)]
    assert sides == ["right", "left", "left"]


def test_depth_breaks_a_visibility_tie() -> None:
    chooser = SideChooser()
    visibility = np.full((6, 2), 0.9)
    z = np.column_stack([np.full(6, -0.3), np.full(6, 0.0)])  # left landmarks nearer the camera
    assert chooser.update(visibility, z) == "left"


# --- MediaPipe on footage --------------------------------------------------------------------------


def _need(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.skip(f"{path} absent: {what} live in ../shared beside the repository")
    return path


@pytest.fixture
def model_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = _need(SHARED_MODELS / "pose_landmarker_lite.task", "pose model bundles").parent
    monkeypatch.setenv(MODEL_DIR_ENV, str(folder))
    return folder


def _first_frames(name: str, n: int) -> Iterator[Frame]:
    path = _need(FOOTAGE / name, "footage clips")
    with VideoFileSource(path) as source:
        for frame in source:
            if frame.index >= n:
                return
            yield frame


@pytest.mark.footage
@pytest.mark.parametrize("variant", ["lite", "full"])
def test_lifter_found_and_joints_plausible_in_side_squat(model_dir: Path, variant: str) -> None:
    if not (model_dir / f"pose_landmarker_{variant}.task").is_file():
        pytest.skip(f"no {variant} bundle in {model_dir}")
    with MediaPipePose(variant=variant) as pose:
        assert isinstance(pose, PoseEstimator)
        results = [pose.detect(frame) for frame in _first_frames("squat_side_3reps.mp4", 30)]
    found = [r for r in results if r.person_found]
    assert len(found) >= 27
    # The lifter faces right: his right side is towards the camera, every frame.
    assert {r.side for r in results} == {"right"}
    for r in found:
        y = r.joints_xy_px[:, 1]
        # Standing at the start of the set (y grows downwards): shoulder, hip, knee, ankle.
        assert y[SHOULDER] < y[HIP] < y[KNEE] < y[ANKLE]
        assert np.all(r.joints_visibility[[SHOULDER, HIP]] > 0.9)
        assert np.isfinite(r.heel_xy_px).all()
    first = found[0].joints_xy_px
    # Inside the 620 x 720 image, the hip in the upper half of the body's height.
    assert np.all((first[:, 0] > 0) & (first[:, 0] < 620))
    assert np.all((first[:, 1] > 0) & (first[:, 1] < 720))
    body_px = first[ANKLE, 1] - first[SHOULDER, 1]
    assert 150 < body_px < 400


@pytest.mark.footage
def test_estimate_matches_detect_and_blank_frame_gives_nan(model_dir: Path) -> None:
    frames = list(_first_frames("squat_side_3reps.mp4", 3))
    with MediaPipePose() as pose:
        joints, visibility = pose.estimate(frames[0])
        assert joints.shape == (len(JOINT_NAMES), 2)
        assert visibility.shape == (len(JOINT_NAMES),)
        assert np.isfinite(joints).all()
        blank = Frame(image=np.zeros((480, 640, 3), np.uint8), t_s=frames[-1].t_s + 1.0, index=99)
        joints, visibility = pose.estimate(blank)
        result = pose.last_result
    assert np.isnan(joints).all()
    assert np.all(visibility == 0)
    assert result is not None
    assert not result.person_found
    assert np.isnan(result.wrist_midpoint_xy_px).all()
    assert result.side == "right"  # the side chosen so far is kept


@pytest.mark.footage
def test_prepared_on_another_thread_gives_what_detect_gives(model_dir: Path) -> None:
    frames = list(_first_frames("squat_side_3reps.mp4", 4))
    with MediaPipePose() as pose:
        direct = [pose.detect(frame) for frame in frames]
    with MediaPipePose() as pose, ThreadPoolExecutor(max_workers=1) as other:
        assert isinstance(pose, PreparingPoseEstimator)
        prepared = [other.submit(pose.prepare, frame).result() for frame in frames]  # all ahead
        later = [pose.detect_prepared(frame, ready) for frame, ready in zip(frames, prepared, strict=True)]
        with pytest.raises(InputError, match="prepare"):
            pose.detect_prepared(frames[0], frames[0].image)
        with pytest.raises(InputError, match="uint8"):
            pose.prepare(Frame(image=np.zeros((4, 4), np.uint8), t_s=9.0, index=9))
    for a, b in zip(direct, later, strict=True):
        np.testing.assert_array_equal(a.joints_xy_px, b.joints_xy_px)
        np.testing.assert_array_equal(a.wrists_xy_px, b.wrists_xy_px)


@pytest.mark.footage
def test_equal_or_backward_times_do_not_break_video_mode(model_dir: Path) -> None:
    frames = list(_first_frames("squat_side_3reps.mp4", 2))
    with MediaPipePose() as pose:
        pose.detect(frames[0])
        pose.detect(Frame(image=frames[1].image, t_s=frames[0].t_s, index=1))  # same ms
        pose.detect(Frame(image=frames[1].image, t_s=frames[0].t_s - 0.5, index=2))  # backwards
        with pytest.raises(InputError, match="finite"):
            pose.detect(Frame(image=frames[1].image, t_s=float("nan"), index=3))


@pytest.mark.footage
def test_closed_estimator_refuses_frames(model_dir: Path) -> None:
    frame = next(_first_frames("squat_side_3reps.mp4", 1))
    pose = MediaPipePose()
    pose.close()
    pose.close()
    with pytest.raises(ModelError, match="closed"):
        pose.detect(frame)


def test_unloadable_bundle_is_a_model_error(tmp_path: Path) -> None:
    bundle = tmp_path / "pose_landmarker_lite.task"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("pose_detector.tflite", b"not a model" * 8)
        archive.writestr("pose_landmarks_detector.tflite", b"not a model" * 8)
    with pytest.raises(ModelError, match="MediaPipe cannot load") as caught:
        MediaPipePose(bundle)
    assert str(bundle) in str(caught.value)


def test_not_a_bundle_is_a_model_error(tmp_path: Path) -> None:
    path = tmp_path / "model.task"
    path.write_text("nope")
    with pytest.raises(ModelError, match="not a zip"):
        MediaPipePose(path)


@pytest.mark.footage
def test_an_estimator_left_open_exits_quietly(model_dir: Path) -> None:
    # MediaPipe raises a TypeError at interpreter exit for a landmarker never closed; vbt closes
    # forgotten ones before Python stops MediaPipe's thread pool.
    script = (
        "import numpy as np\n"
        "from vbt.capture.pose import MediaPipePose\n"
        "from vbt.types import Frame\n"
        f"pose = MediaPipePose({str(model_dir / 'pose_landmarker_lite.task')!r})\n"
        "pose.detect(Frame(image=np.zeros((64, 64, 3), np.uint8), t_s=0.0, index=0))\n"
        "print('done')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "done"
    assert "TypeError" not in done.stderr
    assert "Traceback" not in done.stderr
