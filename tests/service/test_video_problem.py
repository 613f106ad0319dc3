"""An analysis that gave no reps says why in words, and no answer names the server's files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vbt.errors import VideoError
from vbt.service.settings import Settings
from vbt.service.videos.public_text import NO_REPS, public_report, video_problem, without_paths

from ..capture.video_fixtures import write_clip
from .test_videos import FakeAnalyzer, make_client, new_set, upload, wait_for


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write_clip(tmp_path / "set.mp4", 12, 30.0)


@pytest.mark.parametrize(
    ("text", "public"),
    [
        ("cannot open /srv/vbt/videos/12.mp4: no frames", "cannot open set.mp4: no frames"),
        ("the model /home/ann/.cache/vbt/pose_lite.task is missing.", "the model pose_lite.task is missing."),
        (r"cannot read C:\vbt\data\videos\12.mp4", "cannot read set.mp4"),
        ("(in '/tmp/x/12.mp4')", "(in 'set.mp4')"),
        ("upload videos with POST /api/videos/12", "upload videos with POST /api/videos/12"),
        ("see http://example.org/a/b.html", "see http://example.org/a/b.html"),
        ("a 12.mp4x file and 112.mp4 stay", "a 12.mp4x file and 112.mp4 stay"),
        ("0.72 m/s and 3/4 of the set", "0.72 m/s and 3/4 of the set"),
    ],
)
def test_without_paths_keeps_file_names_only(text: str, public: str) -> None:
    assert without_paths(text, stored_name="12.mp4", filename="set.mp4") == public


def test_public_report_cleans_every_text_and_keeps_the_numbers() -> None:
    report = {"input": "/d/videos/3.mp4", "warnings": ["x in /d/videos/3.mp4"], "n": 3, "v": [0.5, None]}
    assert public_report(report, stored_name="3.mp4", filename="a.mov") == {
        "input": "a.mov",
        "warnings": ["x in a.mov"],
        "n": 3,
        "v": [0.5, None],
    }


def test_video_problem_says_why_there_are_no_reps() -> None:
    unusable = {"quality": {"verdict": "unusable", "reasons": ["no squat rep was found"]}, "warnings": ["w"]}
    assert video_problem(status="done", error=None, rep_count=0, report=unusable) == (
        "No reps were stored: no squat rep was found."
    )
    assert video_problem(status="done", error=None, rep_count=0, report={"warnings": ["a", "b"]}) == (
        "No reps were stored: a; b."
    )
    assert video_problem(status="done", error=None, rep_count=0, report={}) == NO_REPS
    assert video_problem(status="failed", error="no plate", rep_count=None, report=None) == "no plate"
    assert video_problem(status="done", error=None, rep_count=3, report=unusable) is None
    assert video_problem(status="running", error=None, rep_count=None, report=None) is None


def _no_reps_report(data_dir: Path) -> dict[str, Any]:
    stored = data_dir / "videos" / "1.mp4"
    return {
        "input": str(stored),
        "reps": [],
        "set": {"rep_count": 0},
        "quality": {"verdict": "unusable", "reasons": [f"no squat rep was found in {stored}"], "notes": []},
        "warnings": [f"the camera moved in {stored}"],
    }


def test_a_finished_analysis_without_reps_says_why_without_paths(
    settings: Settings, tmp_path: Path, clip: Path
) -> None:
    data_dir = tmp_path / "data"
    with make_client(settings, data_dir, FakeAnalyzer(_no_reps_report(data_dir), annotated=None)) as client:
        lift_set = new_set(client)
        video_id = upload(client, clip, set_id=lift_set["id"]).json()["id"]
        video = wait_for(client, video_id, "done", "failed")
        assert (video["status"], video["rep_count"]) == ("done", 0)
        assert video["problem"] == "No reps were stored: no squat rep was found in set.mp4."
        assert video["quality"]["reasons"] == ["no squat rep was found in set.mp4"]
        answers = [
            client.get(f"/api/videos/{video_id}").text,
            client.get(f"/api/sets/{lift_set['id']}/videos").text,
            client.get(f"/api/videos/{video_id}/report").text,
        ]
        assert json.loads(answers[2])["input"] == "set.mp4"
    for answer in answers:
        assert str(tmp_path) not in answer and "/videos/1.mp4" not in answer


def test_a_failed_analysis_names_no_server_path(settings: Settings, tmp_path: Path, clip: Path) -> None:
    error = VideoError("cannot decode /var/lib/vbt/videos/1.mp4 with /usr/lib/codecs/h264.so")
    with make_client(settings, tmp_path / "data", FakeAnalyzer(error=error)) as client:
        video_id = upload(client, clip, set_id=new_set(client)["id"]).json()["id"]
        video = wait_for(client, video_id, "done", "failed")
        assert video["error"] == video["problem"] == "cannot decode set.mp4 with h264.so"
        assert "/var/lib" not in client.get(f"/api/videos/{video_id}/report").json()["detail"]
