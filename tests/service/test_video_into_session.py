"""An upload with ``session_id``, ``exercise`` and ``load_kg`` becomes a new set of that session (the
dashboard's session page): every set of the session is in it, and a refused upload leaves no set."""

from __future__ import annotations

from pathlib import Path

import pytest

from vbt.service.settings import Settings

from ..capture.video_fixtures import write_clip
from .test_videos import FakeAnalyzer, make_client, upload, wait_for


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write_clip(tmp_path / "set.mp4", 12, 30.0)


def test_uploads_with_session_id_become_sets_of_that_session(
    settings: Settings, tmp_path: Path, clip: Path
) -> None:
    with make_client(settings, tmp_path / "data", FakeAnalyzer()) as client:
        athlete = client.post("/api/athletes", json={"name": "Ada"}).json()["id"]
        session = client.post("/api/sessions", json={"athlete_id": athlete}).json()["id"]
        first = upload(client, clip, session_id=session, exercise="power_clean", load_kg=70)
        second = upload(client, clip, session_id=session, exercise="power_clean", load_kg=72.5)
        assert (first.status_code, second.status_code) == (202, 202), first.text
        assert first.json()["session_id"] == second.json()["session_id"] == session
        for response in (first, second):
            assert wait_for(client, response.json()["id"], "done", "failed")["rep_count"] == 3
        sets = client.get(f"/api/sessions/{session}").json()["sets"]
        assert [(s["id"], s["exercise"], s["load_kg"]) for s in sets] == [
            (first.json()["set_id"], "power_clean", 70.0),
            (second.json()["set_id"], "power_clean", 72.5),
        ]
        assert len(client.get(f"/api/athletes/{athlete}/sessions").json()) == 1  # no session made


#: Upload forms that name no one target, each with its status and words of the answer.
BAD_TARGETS = [
    ({"session_id": 1, "athlete_id": 1, "exercise": "squat", "load_kg": 100}, 422, "not both"),
    ({"session_id": 1, "set_id": 1}, 422, "not both"),
    ({"session_id": 1, "exercise": "squat"}, 422, "give set_id"),
    ({"session_id": 999, "exercise": "squat", "load_kg": 100}, 404, "Session 999"),
]


def test_a_bad_session_target_is_refused_and_makes_no_set(
    settings: Settings, tmp_path: Path, clip: Path
) -> None:
    with make_client(settings, tmp_path / "data", FakeAnalyzer()) as client:
        athlete = client.post("/api/athletes", json={"name": "Ada"}).json()["id"]
        assert client.post("/api/sessions", json={"athlete_id": athlete}).json()["id"] == 1
        for fields, status, words in BAD_TARGETS:
            response = upload(client, clip, **fields)
            assert response.status_code == status, (fields, response.text)
            assert words in response.json()["detail"], fields
        assert client.get("/api/sessions/1").json()["sets"] == []
        text = tmp_path / "notes.mp4"
        text.write_text("not a video at all, just words")
        response = upload(client, text, session_id=1, exercise="squat", load_kg=100)
        assert response.status_code == 415, response.text
        assert client.get("/api/sessions/1").json()["sets"] == []
