"""MediaPipe's poses of a footage clip, computed once and replayed: the slow part of a footage run
that does not depend on the bar finder or anything after it.

``cache_poses`` runs the pose model over a clip (as ``vbt analyze`` does) and keeps each frame's pose
by its index, keyed by the clip, the model and the pose and decoding code; ``track_replayed`` then
tracks the clip as ``vbt analyze`` does (the plate tracker with the given settings, the camera's
motion, black bars and repeated frames left out) with the poses replayed. Used by ``footage.py
--poses`` and ``ablation.py``.
"""

from __future__ import annotations

import hashlib
import pickle
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vbt.capture.bar import PlateSettings
    from vbt.capture.pipeline import TrackedVideo
    from vbt.capture.pose import PoseResult
    from vbt.types import FloatArray, Frame

ROOT = Path(__file__).resolve().parents[1]


def digest(paths: Iterable[Path], *extra: str) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    for text in extra:
        digest.update(text.encode())
    return digest.hexdigest()[:20]


def pose_cache_file(cache: Path, clip: Path, model: Path) -> Path:
    """Where the clip's poses are kept: keyed by the clip, the model, and the pose and decoding code."""
    capture = ROOT / "vbt" / "capture"
    code = [*sorted((capture / "pose").glob("*.py")), capture / "sources.py", ROOT / "vbt" / "videoio.py"]
    # the clip by its content, not its modification time (a copy or a touch of the footage keeps its poses)
    key = digest([*code, clip], f"{model.name}:{model.stat().st_size}", clip.name)
    return cache / "pose" / f"{clip.stem}-{key}.pickle"


def cache_poses(job: tuple[Path, Path, Path]) -> str:
    """Run MediaPipe over one clip (as ``vbt analyze`` does) and keep each frame's pose by its index."""
    clip, model, cache = job
    from vbt.capture.pose import MediaPipePose
    from vbt.capture.sources import VideoFileSource, quiet_decoder_logs
    from vbt.errors import VbtError

    quiet_decoder_logs()
    target = pose_cache_file(cache, clip, model)
    if target.is_file():
        return f"{clip.name}: cached"
    started = time.perf_counter()
    poses: dict[int, PoseResult] = {}
    try:
        with MediaPipePose(model) as pose, VideoFileSource(clip) as source:
            for frame in source:
                poses[frame.index] = pose.detect(frame)
    except VbtError as exc:  # the footage run meets the same error and reports it
        return f"{clip.name}: no poses ({exc})"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pickle.dumps(poses))
    return f"{clip.name}: {len(poses)} poses in {time.perf_counter() - started:.0f} s"


class ReplayPose:
    """A ``PoseEstimator`` that gives each frame the pose found in it before (by frame index)."""

    def __init__(self, poses: dict[int, PoseResult]) -> None:
        self.poses = poses

    def detect(self, frame: Frame) -> PoseResult:
        from vbt.errors import InputError

        found = self.poses.get(frame.index)
        if found is None or abs(found.t_s - frame.t_s) > 1e-6:
            raise InputError(f"no cached pose for frame {frame.index} at {frame.t_s:.4f} s; clear the cache")
        return found

    def estimate(self, frame: Frame) -> tuple[FloatArray, FloatArray]:
        found = self.detect(frame)
        return found.joints_xy_px, found.joints_visibility


def track_replayed(path: Path, poses_file: Path, settings: PlateSettings | None = None) -> TrackedVideo:
    """The clip tracked as ``vbt analyze`` tracks it (``track_source``: the plate tracker, the camera's
    motion from the background), with the poses of ``poses_file`` replayed instead of MediaPipe."""
    from vbt.capture.bar import BarMethod, PlateTracker
    from vbt.capture.camera import BackgroundMotion
    from vbt.capture.pipeline import track_video
    from vbt.capture.sources import VideoFileSource

    poses = pickle.loads(poses_file.read_bytes()) if poses_file.is_file() else {}
    with VideoFileSource(path) as source:
        return track_video(
            source,
            tracker=PlateTracker(settings),
            bar_method=BarMethod.PLATE,
            pose=ReplayPose(poses),
            overlap=False,  # nothing to overlap: the poses are known
            camera=BackgroundMotion(),
        )
