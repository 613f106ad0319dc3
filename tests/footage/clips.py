"""The real clips of ../shared/footage for the footage tests: paths that skip with a reason when the
folder is absent, the manifest's rep counts, and each clip analysed once per test run (several test
modules assert different things of the same default ``vbt analyze`` of a clip, and of what its pose
estimator did: ``tests/groups.py`` puts their tests in one group)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest

from vbt.capture.pipeline import VideoAnalysis, analyze_video
from vbt.capture.pose import MediaPipePose

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
FOOTAGE = SHARED / "footage"
LITE = SHARED / "models" / "pose_landmarker_lite.task"


def clip(name: str) -> Path:
    path = FOOTAGE / name
    if not path.is_file():
        pytest.skip(f"real footage not available: {path} (the shared footage folder is absent)")
    return path


def model() -> Path:
    if not LITE.is_file():
        pytest.skip(f"pose model not available: {LITE} (the shared models folder is absent)")
    return LITE


@cache
def manifest_reps() -> dict[str, int]:
    with (FOOTAGE / "MANIFEST.csv").open(newline="") as handle:
        return {row["file"]: int(row["reps"]) for row in csv.DictReader(handle) if row["reps"].isdigit()}


def analysed(name: str, lift: str) -> VideoAnalysis:
    """The clip as a user's default ``vbt analyze`` measures it (lite pose model, plate tracker)."""
    return _analysed(clip(name), lift, model())[0]


def lifter_switches(name: str, lift: str) -> int:
    """The times the pose of that analysis (``analysed``) switched from one person to another (its
    ``LifterChooser``'s ``switches``, over the whole clip)."""
    return _analysed(clip(name), lift, model())[1]


@cache
def _analysed(path: Path, lift: str, model_path: Path) -> tuple[VideoAnalysis, int]:
    # The pose estimator ``vbt analyze`` makes (the lite model, following the lifter), made here so
    # that its lifter chooser can be read: the same track as when ``analyze_video`` makes it.
    with MediaPipePose(model_path) as pose:
        return analyze_video(path, lift=lift, pose=pose), pose.lifter_chooser.switches
