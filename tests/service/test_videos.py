"""Video uploads: streamed to disk, size- and content-checked, analysed by the background worker,
reps stored in the set through the rep route (so stream listeners get them), report kept.

Most tests inject an analyser with a known report, so the job machinery is tested exactly; one test
runs the real capture pipeline on a clip without a bar and expects a clean failure.
"""

from __future__ import annotations

import hashlib
import threading
import time
import tracemalloc
import warnings
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from vbt.errors import CalibrationError
from vbt.service.app import create_app
from vbt.service.settings import Settings, settings_from_env
from vbt.service.videos.jobs import analyze_with_pipeline, upload_settings_for
from vbt.service.videos.upload import container_of
from vbt.types import Lift

from ..capture.video_fixtures import write_clip
from .helpers import ThreadServer, rep_body
from .test_stream import receive_json

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from .conftest import TestClient

TIMEOUT_S = 20.0


def report_with(n_reps: int, *, v0: float = 0.8) -> dict[str, Any]:
    """A report as ``vbt analyze --json`` writes it, with ``n_reps`` reps slowing by 0.05 m/s."""
    reps = []
    for i in range(n_reps):
        rep = rep_body(i, mean_velocity_m_s=round(v0 - 0.05 * i, 3))
        del rep["client_rep_id"]
        reps.append(rep)
    return {"lift": "squat", "reps": reps, "set": {"rep_count": n_reps}, "warnings": []}


#: What the fake analyser writes as the "annotated video": bytes that identify it in a range request.
ANNOTATED_BYTES = bytes(range(256)) * 40


class FakeAnalyzer:
    """Records its calls; returns ``report`` or raises ``error``; may wait for ``release``; writes
    ``annotated`` (when not None) as the annotated video."""

    def __init__(
        self,
        report: dict[str, Any] | None = None,
        error: Exception | None = None,
        annotated: bytes | None = ANNOTATED_BYTES,
    ) -> None:
        self.report = report if report is not None else report_with(3)
        self.error = error
        self.annotated = annotated
        self.calls: list[dict[str, Any]] = []
        self.release: threading.Event | None = None
        self.started = threading.Event()

    def __call__(
        self,
        path: Path,
        *,
        lift: Lift,
        load_kg: float,
        progress: Callable[[float], None],
        annotated_path: Path,
    ) -> Any:
        self.calls.append(
            {
                "path": path,
                "lift": lift,
                "load_kg": load_kg,
                "size": path.stat().st_size,
                "annotated_path": annotated_path,
            }
        )
        if self.annotated is not None:
            annotated_path.write_bytes(self.annotated)
        progress(0.5)
        self.started.set()
        if self.release is not None:
            while not self.release.wait(0.02):
                progress(0.5)  # raises JobCancelledError when the server stops
        if self.error is not None:
            raise self.error
        return self.report


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write_clip(tmp_path / "set.mp4", 12, 30.0)


def make_client(settings: Settings, data_dir: Path, analyzer: Any, **upload: Any) -> TestClient:
    app = create_app(replace(settings, data_dir=data_dir, video_progress_interval_s=0.0, **upload))
    app.state.video_analyzer = analyzer
    return TestClient(app)


@pytest.fixture
def analyzer() -> FakeAnalyzer:
    return FakeAnalyzer()


@pytest.fixture
def vclient(settings: Settings, tmp_path: Path, analyzer: FakeAnalyzer) -> Iterator[TestClient]:
    with make_client(settings, tmp_path / "data", analyzer) as test_client:
        yield test_client


def new_set(client: Any, exercise: str = "squat", load_kg: float = 100.0) -> dict[str, Any]:
    athlete = client.post("/api/athletes", json={"name": "Ada"}).json()
    session = client.post("/api/sessions", json={"athlete_id": athlete["id"]}).json()
    created = client.post(
        f"/api/sessions/{session['id']}/sets", json={"exercise": exercise, "load_kg": load_kg}
    )
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


def upload(client: TestClient, path: Path, **fields: Any) -> Any:
    with path.open("rb") as file:
        return client.post(
            "/api/videos",
            files={"file": (path.name, file, "video/mp4")},
            data={key: str(value) for key, value in fields.items()},
        )


BOUNDARY = "vbt-test-boundary"


def multipart_body(video: bytes, **fields: Any) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="v.mp4"\r\n'
    head += "Content-Type: video/mp4\r\n\r\n"
    return b"".join(parts) + head.encode() + video + f"\r\n--{BOUNDARY}--\r\n".encode()


def wait_for(client: TestClient, video_id: int, *statuses: str) -> dict[str, Any]:
    end = time.monotonic() + TIMEOUT_S
    while time.monotonic() < end:
        video: dict[str, Any] = client.get(f"/api/videos/{video_id}").json()
        if video["status"] in statuses:
            return video
        time.sleep(0.02)
    raise AssertionError(f"video {video_id} did not reach {statuses} within {TIMEOUT_S} s: {video}")


def leftover_parts(data_dir: Path) -> list[Path]:
    return list((data_dir / "videos" / "incoming").glob("*"))


# ---------------------------------------------------------------- the happy path


def test_upload_to_a_set_stores_the_reps_and_the_report(vclient, analyzer, clip, tmp_path):
    lift_set = new_set(vclient, "deadlift", 140.0)
    response = upload(vclient, clip, set_id=lift_set["id"])
    assert response.status_code == 202, response.text
    video = response.json()
    assert response.headers["location"] == f"/api/videos/{video['id']}"
    assert (video["set_id"], video["session_id"], video["filename"]) == (
        lift_set["id"],
        lift_set["session_id"],
        "set.mp4",
    )
    assert (video["container"], video["size_bytes"]) == ("mp4", clip.stat().st_size)
    done = wait_for(vclient, video["id"], "done", "failed")
    assert (done["status"], done["progress"], done["rep_count"], done["error"]) == ("done", 1.0, 3, None)
    # The analyser got the set's lift and load and the whole file, kept under the data directory.
    (call,) = analyzer.calls
    assert (call["lift"], call["load_kg"], call["size"]) == (Lift.DEADLIFT, 140.0, clip.stat().st_size)
    assert call["path"] == tmp_path / "data" / "videos" / f"{video['id']}.mp4"
    assert call["path"].read_bytes() == clip.read_bytes()
    reps = vclient.get(f"/api/sets/{lift_set['id']}/reps").json()
    assert [r["client_rep_id"] for r in reps] == [f"video-{video['id']}-rep-{i}" for i in range(3)]
    velocity = vclient.get(f"/api/sets/{lift_set['id']}/velocity").json()
    assert [r["mean_velocity_m_s"] for r in velocity["reps"]] == [0.8, 0.75, 0.7]
    assert velocity["best_mean_velocity_m_s"] == 0.8
    assert velocity["velocity_loss_pct"] == pytest.approx(12.5)
    assert vclient.get(f"/api/videos/{video['id']}/report").json() == analyzer.report
    assert leftover_parts(tmp_path / "data") == []


def test_upload_for_an_athlete_makes_a_new_session_and_set(vclient, analyzer, clip):
    athlete = vclient.post("/api/athletes", json={"name": "Bo"}).json()
    response = upload(vclient, clip, athlete_id=athlete["id"], exercise="power_clean", load_kg=60.5)
    assert response.status_code == 202, response.text
    video = wait_for(vclient, response.json()["id"], "done", "failed")
    assert video["status"] == "done"
    lift_set = vclient.get(f"/api/sets/{video['set_id']}").json()
    assert (lift_set["exercise"], lift_set["load_kg"], lift_set["athlete_id"]) == (
        "power_clean",
        60.5,
        athlete["id"],
    )
    assert len(lift_set["reps"]) == 3
    assert analyzer.calls[0]["lift"] is Lift.POWER_CLEAN


def test_stream_listeners_see_the_reps_of_a_video(vclient, clip):
    lift_set = new_set(vclient)
    with vclient.websocket_connect(f"/api/sessions/{lift_set['session_id']}/stream") as listener:
        assert upload(vclient, clip, set_id=lift_set["id"]).status_code == 202
        events = [receive_json(listener) for _ in range(3)]
    assert [e["rep"]["index"] for e in events] == [0, 1, 2]
    assert [e["seq"] for e in events] == [1, 2, 3]
    assert {e["set_id"] for e in events} == {lift_set["id"]}


def test_progress_is_reported_while_running(settings, tmp_path, clip):
    analyzer = FakeAnalyzer()
    analyzer.release = threading.Event()
    with make_client(settings, tmp_path / "data", analyzer) as client:
        video_id = upload(client, clip, set_id=new_set(client)["id"]).json()["id"]
        assert analyzer.started.wait(TIMEOUT_S)
        running = client.get(f"/api/videos/{video_id}").json()
        assert (running["status"], running["progress"], running["rep_count"]) == ("running", 0.5, None)
        assert running["started_at"] is not None and running["finished_at"] is None
        assert client.get(f"/api/videos/{video_id}/report").status_code == 409
        analyzer.release.set()
        assert wait_for(client, video_id, "done")["progress"] == 1.0


def test_a_video_interrupted_by_a_stop_is_analysed_after_the_restart(settings, tmp_path, clip):
    blocked = FakeAnalyzer()
    blocked.release = threading.Event()  # never set: the stop cancels it
    with make_client(settings, tmp_path / "data", blocked) as client:
        lift_set = new_set(client)
        video_id = upload(client, clip, set_id=lift_set["id"]).json()["id"]
        assert blocked.started.wait(TIMEOUT_S)
    after = FakeAnalyzer(report_with(2))
    with make_client(settings, tmp_path / "data", after) as client:
        video = wait_for(client, video_id, "done", "failed")
        assert (video["status"], video["rep_count"]) == ("done", 2)
        assert len(client.get(f"/api/sets/{lift_set['id']}/reps").json()) == 2


# ---------------------------------------------------------------- failed analyses


def test_an_analysis_error_fails_the_job_with_its_message(settings, tmp_path, clip):
    message = "no plate was found in the video; film the bar end-on with a plate in view"
    with make_client(settings, tmp_path / "data", FakeAnalyzer(error=CalibrationError(message))) as client:
        lift_set = new_set(client)
        video_id = upload(client, clip, set_id=lift_set["id"]).json()["id"]
        video = wait_for(client, video_id, "done", "failed")
        assert (video["status"], video["error"], video["rep_count"]) == ("failed", message, None)
        report = client.get(f"/api/videos/{video_id}/report")
        assert report.status_code == 409 and message in report.json()["detail"]
        assert client.get(f"/api/sets/{lift_set['id']}/reps").json() == []


def test_a_bug_in_the_analysis_is_retried_then_set_aside_and_the_worker_goes_on(settings, tmp_path, clip):
    analyzer = FakeAnalyzer(error=ZeroDivisionError("division by zero"))
    with make_client(settings, tmp_path / "data", analyzer) as client:
        first = upload(client, clip, set_id=new_set(client)["id"]).json()["id"]
        failed = wait_for(client, first, "done", "failed")
        assert failed["status"] == "failed" and "internal error (ZeroDivisionError)" in failed["error"]
        assert "set aside after 3 attempts" in failed["error"] and len(analyzer.calls) == 3
        analyzer.error = None
        second = upload(client, clip, set_id=new_set(client)["id"]).json()["id"]
        assert wait_for(client, second, "done", "failed")["status"] == "done"


def test_reps_outside_the_schema_are_left_out_with_a_warning(settings, tmp_path, clip):
    report = report_with(2)
    report["reps"][1]["mean_velocity_m_s"] = 42.0  # not a barbell
    with make_client(settings, tmp_path / "data", FakeAnalyzer(report)) as client:
        video_id = upload(client, clip, set_id=new_set(client)["id"]).json()["id"]
        assert wait_for(client, video_id, "done")["rep_count"] == 1
        warnings_ = client.get(f"/api/videos/{video_id}/report").json()["warnings"]
        assert len(warnings_) == 1 and warnings_[0].startswith("rep 1 was not stored")


def test_the_real_pipeline_fails_cleanly_on_a_clip_without_a_bar(tmp_path, clip, monkeypatch):
    settings = Settings(  # the pipeline, not storage
        database_url=f"sqlite:///{tmp_path}/vbt.sqlite3", data_dir=tmp_path / "data"
    )
    monkeypatch.setenv("VBT_MODEL_DIR", str(Path(__file__).resolve().parents[2] / ".." / "shared" / "models"))
    app = create_app(settings)
    with TestClient(app) as client:  # the default analyser: vbt.capture.pipeline.analyze_video
        video_id = upload(client, clip, set_id=new_set(client)["id"]).json()["id"]
        video = wait_for(client, video_id, "done", "failed")
    assert video["status"] == "failed"
    assert video["error"] and "internal error" not in video["error"], video["error"]


def test_a_large_upload_is_streamed_to_disk_not_held_in_memory(settings, tmp_path, clip):
    """30 MB (a clip plus trailing bytes a decoder ignores) through a real server: stored byte for
    byte, while the server process allocated far less than the upload's size."""
    padding = bytes(range(256)) * 4096  # 1 MiB
    video = clip.read_bytes()
    body_parts = [multipart_body(video, set_id=1).removesuffix(f"\r\n--{BOUNDARY}--\r\n".encode())]
    body_parts += [padding] * 30 + [f"\r\n--{BOUNDARY}--\r\n".encode()]
    expected = video + padding * 30
    app = create_app(replace(settings, data_dir=tmp_path / "data"))
    app.state.video_analyzer = FakeAnalyzer()
    with ThreadServer(app) as server, httpx.Client(base_url=server.base_url, timeout=60) as client:
        new_set_id = new_set(client)["id"]
        assert new_set_id == 1
        tracemalloc.start()
        try:
            response = client.post(
                "/api/videos",
                content=iter(body_parts),  # chunked: the server cannot know the size ahead
                headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
            )
            _, peak_bytes = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert response.status_code == 202, response.text
        video_id = response.json()["id"]
        assert response.json()["size_bytes"] == len(expected)
    stored = tmp_path / "data" / "videos" / f"{video_id}.mp4"
    assert hashlib.sha256(stored.read_bytes()).digest() == hashlib.sha256(expected).digest()
    assert peak_bytes < 8_000_000, (
        f"{peak_bytes / 1e6:.1f} MB allocated for a {len(expected) / 1e6:.0f} MB upload"
    )


# ---------------------------------------------------------------- refused uploads


def test_an_upload_over_the_limit_gets_413_and_leaves_no_file(settings, tmp_path, clip):
    data_dir = tmp_path / "data"
    with make_client(settings, data_dir, FakeAnalyzer(), max_upload_bytes=clip.stat().st_size // 2) as client:
        set_id = new_set(client)["id"]
        declared = upload(client, clip, set_id=set_id)
        assert declared.status_code == 413 and "larger than this server accepts" in declared.json()["detail"]
        body = multipart_body(clip.read_bytes(), set_id=set_id)
        chunked = client.post(  # no Content-Length: counted as it arrives
            "/api/videos",
            content=iter([body[i : i + 4096] for i in range(0, len(body), 4096)]),
            headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
        assert chunked.status_code == 413, chunked.text
    assert leftover_parts(data_dir) == []
    assert list((data_dir / "videos").glob("*.mp4")) == []


def test_a_small_body_limit_does_not_apply_to_uploads(database_url, tmp_path, clip):
    settings = Settings(database_url=database_url, max_body_bytes=1000)
    with make_client(settings, tmp_path / "data", FakeAnalyzer()) as client:
        assert clip.stat().st_size > 1000
        assert upload(client, clip, set_id=new_set(client)["id"]).status_code == 202


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"hello, this is a text file and not a video at all", 415, "not a video"),
        (b"\x00\x00\x00\x18ftypisom" + b"\x00" * 2000, 422, "cannot be decoded"),
        (b"\x1a\x45\xdf\xa3" + b"garbage" * 100, 422, "cannot be decoded"),
    ],
    ids=["text", "mp4-header-only", "mkv-header-only"],
)
def test_a_file_that_is_not_a_decodable_video_is_refused(vclient, tmp_path, content, status, words):
    path = tmp_path / "fake.mp4"
    path.write_bytes(content)
    response = upload(vclient, path, set_id=new_set(vclient)["id"])
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    assert leftover_parts(tmp_path / "data") == []


def test_an_empty_file_and_a_missing_file_part_are_422(vclient, tmp_path):
    set_id = new_set(vclient)["id"]
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    assert "empty" in upload(vclient, empty, set_id=set_id).json()["detail"]
    no_file = vclient.post("/api/videos", files={"set_id": (None, str(set_id))})
    assert no_file.status_code == 422 and "no 'file' part" in no_file.json()["detail"]


def test_a_body_that_is_not_multipart_is_415(vclient):
    response = vclient.post("/api/videos", json={"set_id": 1})
    assert response.status_code == 415 and "multipart/form-data" in response.json()["detail"]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({}, "give set_id"),
        ({"set_id": 1, "athlete_id": 1, "exercise": "squat", "load_kg": 100}, "not both"),
        ({"athlete_id": 1, "exercise": "curl", "load_kg": 100}, "exercise"),
        ({"athlete_id": 1, "exercise": "squat", "load_kg": 1e6}, "load_kg"),
        ({"set_id": "one"}, "set_id"),
        ({"set_id": 1, "colour": "red"}, "'colour' is not a field"),
    ],
)
def test_a_bad_form_is_422(vclient, clip, fields, words):
    response = upload(vclient, clip, **fields)
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]


def test_unknown_ids_are_404(vclient, clip):
    assert upload(vclient, clip, set_id=999).status_code == 404
    missing_athlete = upload(vclient, clip, athlete_id=999, exercise="squat", load_kg=50)
    assert missing_athlete.status_code == 404 and "Athlete 999" in missing_athlete.json()["detail"]
    assert vclient.get("/api/videos/12345").status_code == 404
    assert vclient.get("/api/videos/12345/report").status_code == 404
    assert vclient.get("/api/videos/0").status_code == 422


def test_a_set_with_reps_or_a_video_gets_409(vclient, clip):
    lift_set = new_set(vclient)
    assert upload(vclient, clip, set_id=lift_set["id"]).status_code == 202
    again = upload(vclient, clip, set_id=lift_set["id"])
    assert again.status_code == 409 and "already has" in again.json()["detail"]
    other = new_set(vclient)
    assert vclient.post(f"/api/sets/{other['id']}/reps", json=rep_body(0)).status_code == 201
    assert upload(vclient, clip, set_id=other["id"]).status_code == 409


def test_uploads_need_a_token_when_writes_do(database_url, tmp_path, clip):
    settings = Settings(database_url=database_url, require_token_for_writes=True)
    with make_client(settings, tmp_path / "data", FakeAnalyzer()) as client:
        response = upload(client, clip, set_id=1)
        assert response.status_code == 401


# ---------------------------------------------------------------- pieces


@pytest.mark.parametrize(
    ("head", "container"),
    [
        (b"\x00\x00\x00\x20ftypisom", "mp4"),
        (b"\x00\x00\x00\x14ftypqt  ", "mov"),
        (b"\x1a\x45\xdf\xa3\x01\x00\x00\x00\x00\x00\x00\x1f", "mkv"),
        (b"RIFF\x24\x00\x01\x00AVI ", "avi"),
        (b"RIFF\x24\x00\x01\x00WAVE", None),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0d", None),
        (b"ftyp", None),
    ],
)
def test_container_of_knows_video_containers_by_their_first_bytes(head, container):
    assert container_of(head) == container


def test_upload_settings_come_from_the_settings(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path}/db/vbt.sqlite3")
    default = upload_settings_for(settings)
    assert (default.data_dir, default.max_upload_bytes) == (tmp_path / "db", 500_000_000)
    assert default.progress_interval_s == 0.5
    given = upload_settings_for(
        replace(settings, data_dir=tmp_path / "v", max_upload_bytes=1000, video_progress_interval_s=0.0)
    )
    assert (given.video_dir, given.max_upload_bytes, given.progress_interval_s) == (
        tmp_path / "v" / "videos",
        1000,
        0.0,
    )


def test_the_upload_settings_environment_variables_reach_the_app(tmp_path):
    env = {"VBT_DATA_DIR": str(tmp_path / "v"), "VBT_MAX_UPLOAD_BYTES": "1000"}
    app = create_app(settings_from_env(env, database_url=str(tmp_path / "vbt.sqlite3")))
    with TestClient(app):
        upload = app.state.upload_settings
    assert (upload.video_dir, upload.max_upload_bytes) == (tmp_path / "v" / "videos", 1000)


REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_videos" / "squat_100kg_3reps.mp4"


@pytest.mark.slow
def test_the_real_pipeline_puts_a_sample_videos_reps_in_its_set(tmp_path):
    if not SAMPLE.is_file():
        pytest.skip(f"{SAMPLE} (a rendered sample clip) is absent")
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/vbt.sqlite3", data_dir=tmp_path / "data"))
    # The default analyser without pose: the clip has no person (its lifter is a drawn silhouette the
    # pose model does not see; tests/live/test_live_run.py tracks it without pose too), so pose would
    # only add MediaPipe's cost. The analyser with pose, its model found through VBT_MODEL_DIR, runs
    # in test_the_real_pipeline_fails_cleanly_on_a_clip_without_a_bar.
    app.state.video_analyzer = partial(analyze_with_pipeline, with_pose=False)
    with TestClient(app) as client:
        athlete = client.post("/api/athletes", json={"name": "Sam"}).json()
        response = upload(client, SAMPLE, athlete_id=athlete["id"], exercise="squat", load_kg=100)
        assert response.status_code == 202, response.text
        end = time.monotonic() + 240
        while (video := client.get(f"/api/videos/{response.json()['id']}").json())["status"] not in (
            "done",
            "failed",
        ):
            assert time.monotonic() < end, f"the analysis did not end within 240 s: {video}"
            time.sleep(0.2)
        assert video["status"] == "done", video["error"]
        assert video["rep_count"] == 3  # the clip was rendered from a 3-rep squat set
        reps = client.get(f"/api/sets/{video['set_id']}/reps").json()
        report = client.get(f"/api/videos/{video['id']}/report").json()
        assert [(r["index"], r["mean_velocity_m_s"]) for r in reps] == [
            (r["index"], r["mean_velocity_m_s"]) for r in report["reps"]
        ]
        assert report["input"] == SAMPLE.name and report["lift"] == "squat"
        assert {"video", "calibration", "tracking"} <= report.keys()
        # The annotated video: listed for the set, served, and as long as the source.
        (listed,) = client.get(f"/api/sets/{video['set_id']}/videos").json()
        assert listed["annotated_url"] == f"/api/videos/{video['id']}/annotated", report["warnings"]
        served = client.get(listed["annotated_url"])
        assert served.status_code == 200 and served.headers["content-type"] == "video/mp4"
    annotated = tmp_path / "annotated.mp4"
    annotated.write_bytes(served.content)
    assert _frame_count(annotated) == _frame_count(SAMPLE)


def _frame_count(path: Path) -> int:
    import cv2

    capture = cv2.VideoCapture(str(path))
    try:
        count = 0
        while capture.grab():
            count += 1
        return count
    finally:
        capture.release()
