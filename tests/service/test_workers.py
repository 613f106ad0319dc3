"""Analysis workers as their own processes, the queue in the database, and their faults.

Runs on SQLite and, with ``VBT_TEST_POSTGRESQL_URL``, on PostgreSQL. Worker processes are
``tests/service/worker_process.py`` (``vbt worker`` with a slow fake analysis), killed with SIGKILL
mid-job; database faults are a held lock longer than the first retry and, on PostgreSQL, every
connection of the test database terminated mid-job. In each case every video must end ``done``
exactly once, with its three reps stored once, and health must say what is true.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from vbt.service.app import create_app
from vbt.service.models import Video, Worker, utc_now
from vbt.service.settings import Settings
from vbt.service.videos.queue import (
    WORKER_STOPPED,
    WorkerSettings,
    heartbeat,
    register_worker,
    retry_database,
)

from ..capture.video_fixtures import write_clip
from .conftest import BUCKET
from .test_videos import TIMEOUT_S, FakeAnalyzer, TestClient, new_set, upload, wait_for
from .worker_process import FAST

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write_clip(tmp_path / "set.mp4", 12, 30.0)


def app_client(settings: Settings, data_dir: Path, analyzer: Any = None, **changes: Any) -> TestClient:
    app = create_app(replace(settings, data_dir=data_dir, video_progress_interval_s=0.0, **changes))
    app.state.video_analyzer = analyzer
    app.state.worker_settings = FAST
    return TestClient(app)


class WorkerProcess:
    """``tests/service/worker_process.py`` in a subprocess (SIGKILL-able)."""

    def __init__(self, db_url: str, data_dir: Path, seconds: float, **env: str) -> None:
        log = (data_dir / "worker.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.service.worker_process", db_url, str(data_dir), str(seconds)],
            cwd=REPO,
            env=dict(os.environ, PYTHONPATH=str(REPO), **env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_processes() -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.stop()


def wait_until(condition: Callable[[], Any], what: str) -> Any:
    end = time.monotonic() + TIMEOUT_S
    while time.monotonic() < end:
        if value := condition():
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {TIMEOUT_S} s: {what}")


def assert_done_once(client: TestClient, video_id: int, set_id: int) -> None:
    video = wait_for(client, video_id, "done", "failed")
    assert (video["status"], video["rep_count"], video["error"]) == ("done", 3, None)
    reps = client.get(f"/api/sets/{set_id}/reps").json()
    assert [r["client_rep_id"] for r in reps] == [f"video-{video_id}-rep-{i}" for i in range(3)]


# ---------------------------------------------------------------- the queue without faults


def test_health_and_workers_report_the_in_process_worker(settings, tmp_path, clip):
    with app_client(settings, tmp_path / "data", FakeAnalyzer()) as client:
        listed = wait_until(lambda: client.get("/api/workers").json()["workers"], "the worker registers")
        (worker,) = listed
        assert worker["alive"] and worker["pid"] == os.getpid() and worker["video_id"] is None
        health = client.get("/api/health").json()
        assert (health["status"], health["workers_alive"], health["videos_queued"]) == ("ok", 1, 0)
        lift_set = new_set(client)
        video_id = upload(client, clip, set_id=lift_set["id"]).json()["id"]
        assert wait_for(client, video_id, "done")["rep_count"] == 3
    with app_client(settings, tmp_path / "data", FakeAnalyzer(), in_process_worker=False) as client:
        assert client.get("/api/workers").json()["workers"] == []  # a clean stop unregisters


def test_a_heartbeat_in_flight_at_a_clean_stop_does_not_register_the_worker_again(
    settings, tmp_path, monkeypatch
):
    """Seen in CI under load: the heartbeat (an upsert) finished after the worker had unregistered."""
    from vbt.service.videos import queue

    beating = threading.Event()

    def slow_heartbeat(write: Any, worker_id: str) -> None:
        beating.set()
        time.sleep(0.5)  # the database busy with something else
        register_worker(write, worker_id)

    monkeypatch.setattr(queue, "heartbeat", slow_heartbeat)
    with app_client(settings, tmp_path / "data", FakeAnalyzer()):
        assert beating.wait(TIMEOUT_S)
    with app_client(settings, tmp_path / "data", FakeAnalyzer(), in_process_worker=False) as client:
        assert client.get("/api/workers").json()["workers"] == []


def test_a_killed_worker_process_leaves_its_video_to_another_which_stores_it_once(
    settings, tmp_path, clip, worker_processes, s3_endpoint, s3_client
):
    """On PostgreSQL and the S3 server: what several machines share."""
    if not settings.database_url.startswith("postgresql"):  # SQLite: the next test recovers a dead worker
        pytest.skip("worker processes on several machines share a PostgreSQL database")
    data = tmp_path / "data"
    store = {"video_store": f"s3://{BUCKET}/kill", "s3_endpoint_url": s3_endpoint}
    store_env = {"VBT_VIDEO_STORE": store["video_store"], "VBT_S3_ENDPOINT_URL": s3_endpoint}
    with app_client(settings, data, in_process_worker=False, **store) as client:
        lift_set = new_set(client)
        video_id = upload(client, clip, set_id=lift_set["id"]).json()["id"]
        health = client.get("/api/health").json()  # nobody to analyse it: health says so
        assert (health["status"], health["videos_queued"], health["workers_alive"]) == ("degraded", 1, 0)
        assert "vbt worker" in health["problem"]
        worker_processes.append(
            first := WorkerProcess(settings.database_url, data, seconds=30.0, **store_env)
        )
        running = wait_until(
            lambda: (
                (v := client.get(f"/api/videos/{video_id}").json())["status"] == "running"
                and v["progress"] > 0
                and v
            ),
            "the worker process takes the video",
        )
        assert running["progress"] < 1
        first.kill()  # mid-job
        workers = client.get("/api/workers").json()
        assert (workers["running"], workers["workers"][0]["video_id"]) == (1, video_id)
        wait_until(lambda: not client.get("/api/workers").json()["workers"][0]["alive"], "the heartbeat ages")
        health = client.get("/api/health").json()
        assert (health["status"], health["workers_alive"]) == ("ok", 0)  # running, not waiting yet
    analyzer = FakeAnalyzer()
    with app_client(settings, data, analyzer, **store) as client:  # another worker: this process's
        assert_done_once(client, video_id, lift_set["id"])
        # The dead worker started the analysis once, the live one once more and finished it.
        (started,) = (data / "analyses.log").read_text().splitlines()  # a copy downloaded from S3
        assert started.endswith(f"-{video_id}.mp4")
        assert len(analyzer.calls) == 1
        assert client.get(f"/api/videos/{video_id}/report").json()["reps"] == analyzer.report["reps"]
        keys = {o["Key"] for o in s3_client.list_objects_v2(Bucket=BUCKET, Prefix="kill/")["Contents"]}
        assert keys == {f"kill/{video_id}.mp4", f"kill/{video_id}.annotated.mp4"}
        health = client.get("/api/health").json()
        assert (health["status"], health["videos_queued"], health["workers_alive"]) == ("ok", 0, 1)


@pytest.mark.parametrize(("attempts", "outcome"), [(1, "done"), (3, "failed")])
def test_a_video_whose_worker_died_is_queued_again_then_set_aside(
    settings, tmp_path, clip, attempts, outcome
):
    with app_client(settings, tmp_path / "data", FakeAnalyzer(), in_process_worker=False) as client:
        lift_set = new_set(client)
        video_id = upload(client, clip, set_id=lift_set["id"]).json()["id"]
        with client.app.state.write_sessions() as db:  # a worker that died on this video, long ago
            db.add(Worker(id="gone:1:x", host="gone", pid=1, heartbeat_at=utc_now().replace(year=2020)))
            video = db.get(Video, video_id)
            video.status, video.worker_id, video.attempts = "running", "gone:1:x", attempts
            db.commit()
    with app_client(settings, tmp_path / "data", FakeAnalyzer()) as client:
        video = wait_for(client, video_id, "done", "failed")
        assert video["status"] == outcome
        if outcome == "failed":
            assert "set aside after 3 attempts" in video["error"] and WORKER_STOPPED in video["error"]
            assert client.get(f"/api/sets/{lift_set['id']}/reps").json() == []
        else:
            assert video["rep_count"] == 3


def test_a_heartbeat_and_a_registration_are_one_idempotent_upsert(settings, tmp_path):
    with app_client(settings, tmp_path / "data", in_process_worker=False) as client:
        # Alive is asserted, not timing: FAST's 1.5 s staleness can pass on a loaded machine
        # between the heartbeat and the read, so this client takes a worker for dead only after 10 min.
        client.app.state.worker_settings = replace(FAST, stale_after_s=600.0)
        write = client.app.state.write_sessions
        heartbeat(write, "w:1:a")  # before its registration: it registers
        register_worker(write, "w:1:a")  # then registering again is only a heartbeat
        (worker,) = client.get("/api/workers").json()["workers"]
        assert (worker["id"], worker["alive"], worker["pid"]) == ("w:1:a", True, os.getpid())


def test_database_errors_are_retried_with_a_doubling_wait_until_they_pass():
    calls: list[float] = []
    waits: list[float] = []

    class Stop(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waits.append(timeout or 0.0)
            return False

    def flaky() -> str:
        calls.append(time.monotonic())
        if len(calls) <= 4:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))
        return "ok"

    settings = WorkerSettings(retry_initial_s=0.5, retry_max_s=3.0)
    assert retry_database(flaky, settings=settings, stop=Stop(), what="test") == "ok"
    assert waits == [0.5, 1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="not a database error"):
        retry_database(lambda: int("not a database error"), settings=settings, stop=Stop(), what="test")


# ---------------------------------------------------------------- database faults mid-job


def hold_write_lock(settings: Settings, seconds: float, held: threading.Event) -> None:
    """Hold the lock a job's writes need: SQLite's write lock, PostgreSQL's lock on ``videos``."""
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.execute(text("LOCK TABLE videos IN ACCESS EXCLUSIVE MODE"))
            held.set()
            time.sleep(seconds)
            connection.rollback()
    finally:
        engine.dispose()


def test_a_lock_held_mid_job_delays_the_video_but_it_ends_done_once(settings, tmp_path, clip, caplog):
    analyzer = FakeAnalyzer()
    analyzer.release = threading.Event()
    # The SQLite writer gives up after 0.3 s: the 1.5 s lock makes its first tries fail.
    fast_sqlite = replace(settings, sqlite_busy_timeout_s=0.3)
    with app_client(fast_sqlite, tmp_path / "data", analyzer) as client:
        lift_set = new_set(client)
        video_id = upload(client, clip, set_id=lift_set["id"]).json()["id"]
        assert analyzer.started.wait(TIMEOUT_S)
        held = threading.Event()
        locker = threading.Thread(target=hold_write_lock, args=(settings, 1.5, held))
        locker.start()
        assert held.wait(TIMEOUT_S)
        analyzer.release.set()  # the job ends while the lock is held: its writes must wait
        if client.app.state.engine.dialect.name == "postgresql":
            health = client.get("/api/health").json()
            assert health["status"] == "degraded" and "cannot be read" in health["problem"]
        locker.join()
        assert_done_once(client, video_id, lift_set["id"])
        assert len(analyzer.calls) == 1
        assert client.get("/api/health").json()["status"] == "ok"
    if settings.database_url.startswith("sqlite"):  # PostgreSQL's writes wait; SQLite's gave up and retried
        assert any("database error, retrying" in r.getMessage() for r in caplog.records)


def test_connections_terminated_mid_job_are_retried_and_the_video_ends_done_once(
    settings, tmp_path, clip, caplog
):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("terminating the server's connections is a PostgreSQL fault")
    analyzer = FakeAnalyzer()
    analyzer.release = threading.Event()
    admin = create_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    with app_client(settings, tmp_path / "data", analyzer) as client:
        lift_set = new_set(client)
        video_id = upload(client, clip, set_id=lift_set["id"]).json()["id"]
        assert analyzer.started.wait(TIMEOUT_S)
        end = time.monotonic() + 1.5
        with admin.connect() as connection:
            analyzer.release.set()
            while time.monotonic() < end:  # an outage of 1.5 s: every connection cut, again and again
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND usename = current_user AND pid <> pg_backend_pid()"
                    )
                )
                time.sleep(0.02)
        assert_done_once(client, video_id, lift_set["id"])
        assert len(analyzer.calls) == 1
        workers = client.get("/api/workers").json()
        assert workers["workers_alive"] == 1 and workers["running"] == 0
    admin.dispose()
    assert any("database error, retrying" in r.getMessage() for r in caplog.records)


# ---------------------------------------------------------------- the commands


def test_vbt_worker_and_serve_no_worker_reach_the_settings(tmp_path, monkeypatch):
    from vbt import cli
    from vbt.service import app as app_module

    seen: dict[str, Any] = {}
    monkeypatch.setattr(app_module, "run_worker", lambda settings: seen.update(worker=settings))
    monkeypatch.setattr(app_module, "run", lambda *args, **kwargs: seen.update(serve=kwargs))
    db = tmp_path / "vbt.sqlite3"
    store = ["--video-store", "s3://bucket/gym", "--s3-endpoint-url", "http://127.0.0.1:9"]
    assert cli.main(["worker", "--db", str(db), "--data-dir", str(tmp_path / "d"), *store]) == 0
    worker_settings: Settings = seen["worker"]
    assert (worker_settings.database_url, worker_settings.data_dir) == (f"sqlite:///{db}", tmp_path / "d")
    assert (worker_settings.video_store, worker_settings.s3_endpoint_url) == (
        "s3://bucket/gym",
        "http://127.0.0.1:9",
    )
    assert cli.main(["serve", "--db", str(db), "--no-worker"]) == 0
    assert seen["serve"]["in_process_worker"] is False
    assert cli.main(["serve", "--db", str(db)]) == 0
    assert seen["serve"]["in_process_worker"] is True
