"""The annotated video of an uploaded set: recorded by the job, listed per set, served with byte
ranges (a browser's player seeks with them), 404 until it exists."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from vbt.service.settings import Settings

from .test_videos import (
    ANNOTATED_BYTES,
    TIMEOUT_S,
    FakeAnalyzer,
    make_client,
    new_set,
    upload,
    wait_for,
)
from .test_videos import analyzer as analyzer
from .test_videos import clip as clip
from .test_videos import vclient as vclient


def test_a_done_video_is_listed_with_its_annotated_video_and_served_whole(vclient, analyzer, clip, tmp_path):
    lift_set = new_set(vclient)
    assert vclient.get(f"/api/sets/{lift_set['id']}/videos").json() == []
    video_id = upload(vclient, clip, set_id=lift_set["id"]).json()["id"]
    done = wait_for(vclient, video_id, "done", "failed")
    assert done["annotated_url"] == f"/api/videos/{video_id}/annotated"
    # The analyser wrote it in its work folder; the video store keeps it next to the upload.
    assert analyzer.calls[0]["annotated_path"].name == f"{video_id}.annotated.mp4"
    stored = tmp_path / "data" / "videos" / f"{video_id}.annotated.mp4"
    assert not analyzer.calls[0]["annotated_path"].exists() and stored.is_file()
    (listed,) = vclient.get(f"/api/sets/{lift_set['id']}/videos").json()
    assert (listed["id"], listed["status"], listed["annotated_url"]) == (
        video_id,
        "done",
        done["annotated_url"],
    )
    response = vclient.get(done["annotated_url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "video/mp4"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-disposition"].startswith("inline")
    assert response.content == ANNOTATED_BYTES


@pytest.mark.parametrize(("first", "last"), [(0, 99), (1000, 1999), (10_000, 10_239)])
def test_the_annotated_video_answers_range_requests(vclient, clip, first, last):
    video_id = upload(vclient, clip, set_id=new_set(vclient)["id"]).json()["id"]
    url = wait_for(vclient, video_id, "done")["annotated_url"]
    response = vclient.get(url, headers={"Range": f"bytes={first}-{last}"})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes {first}-{last}/{len(ANNOTATED_BYTES)}"
    assert response.content == ANNOTATED_BYTES[first : last + 1]
    beyond = vclient.get(url, headers={"Range": f"bytes={len(ANNOTATED_BYTES)}-"})
    assert beyond.status_code == 416


def test_the_annotated_video_is_404_until_the_analysis_has_written_it(
    settings: Settings, tmp_path: Path, clip
):
    analyzer = FakeAnalyzer()
    analyzer.release = threading.Event()
    with make_client(settings, tmp_path / "data", analyzer) as client:
        lift_set = new_set(client)
        video_id = upload(client, clip, set_id=lift_set["id"]).json()["id"]
        assert analyzer.started.wait(TIMEOUT_S)
        # The fake wrote its file already, but the job is not done: nothing is served yet.
        running = client.get(f"/api/videos/{video_id}/annotated")
        assert running.status_code == 404 and "running" in running.json()["detail"]
        (listed,) = client.get(f"/api/sets/{lift_set['id']}/videos").json()
        assert (listed["status"], listed["annotated_url"]) == ("running", None)
        analyzer.release.set()
        assert wait_for(client, video_id, "done")["annotated_url"] is not None
        assert client.get(f"/api/videos/{video_id}/annotated").status_code == 200


def test_an_analysis_that_wrote_no_annotated_video_has_none(settings: Settings, tmp_path: Path, clip):
    with make_client(settings, tmp_path / "data", FakeAnalyzer(annotated=None)) as client:
        video_id = upload(client, clip, set_id=new_set(client)["id"]).json()["id"]
        assert wait_for(client, video_id, "done")["annotated_url"] is None
        missing = client.get(f"/api/videos/{video_id}/annotated")
        assert missing.status_code == 404 and "wrote none" in missing.json()["detail"]


def test_a_failed_analysis_has_no_annotated_video(settings: Settings, tmp_path: Path, clip):
    from vbt.errors import CalibrationError

    failing = FakeAnalyzer(error=CalibrationError("no plate was found"))
    with make_client(settings, tmp_path / "data", failing) as client:
        lift_set = new_set(client)
        video_id = upload(client, clip, set_id=lift_set["id"]).json()["id"]
        assert wait_for(client, video_id, "failed")["annotated_url"] is None
        (listed,) = client.get(f"/api/sets/{lift_set['id']}/videos").json()
        assert (listed["status"], listed["error"], listed["annotated_url"]) == (
            "failed",
            "no plate was found",
            None,
        )
        response = client.get(f"/api/videos/{video_id}/annotated")
        assert response.status_code == 404 and "failed: no plate was found" in response.json()["detail"]


def test_unknown_sets_and_videos_are_404(vclient):
    assert vclient.get("/api/sets/999/videos").status_code == 404
    assert vclient.get("/api/videos/999/annotated").status_code == 404
    assert vclient.get("/api/videos/0/annotated").status_code == 422
