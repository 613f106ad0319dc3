"""Fixtures: an app on a fresh database per test, and a session with one set ready for reps.

Every test that takes ``database_url`` (or ``settings``, ``client``) runs on a new SQLite file, and
also on a new PostgreSQL database when ``VBT_TEST_POSTGRESQL_URL`` names a server (an account
that may create databases, e.g. ``postgresql://postgres@127.0.0.1:5432/postgres``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest
from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.exc import ProgrammingError

with warnings.catch_warnings():
    # Starlette suggests httpx2 for its TestClient; httpx is what the project installs.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient as _StarletteTestClient

from vbt.service.app import create_app
from vbt.service.settings import Settings, normalize_database_url

from .helpers import free_port

POSTGRESQL_ENV = "VBT_TEST_POSTGRESQL_URL"

#: The server's own name as the tests call it: the Host check (vbt.service.doors) answers only to
#: loopback names by default, and Starlette's TestClient says "testserver".
BASE_URL = "http://127.0.0.1"


class TestClient(_StarletteTestClient):
    """Starlette's TestClient calling the app as http://127.0.0.1 (a name the server answers to)."""

    __test__ = False

    def __init__(self, app: Any, base_url: str = BASE_URL, **kwargs: Any) -> None:
        super().__init__(app, base_url=base_url, **kwargs)

    def websocket_connect(self, url: str, *args: Any, **kwargs: Any) -> Any:
        # Starlette joins a WebSocket's URL to ws://testserver, whatever the base URL
        return super().websocket_connect(
            urljoin(str(self.base_url).replace("http", "ws", 1), url), *args, **kwargs
        )


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(POSTGRESQL_ENV) else ["sqlite"]


@pytest.fixture(params=backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file in ``folder``, or a new database on the
    server ``VBT_TEST_POSTGRESQL_URL`` names (dropped afterwards)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder}/vbt.sqlite3"
        return
    admin_url = make_url(normalize_database_url(os.environ[POSTGRESQL_ENV]))
    name = f"vbt_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(admin, name)
        admin.dispose()


def _drop_database(admin: Engine, name: str, *, attempts: int = 20) -> None:
    """Drop a test database. WITH (FORCE) ends its sessions, but a non-superuser may not end an
    autovacuum worker's (a superuser process): then wait for the worker to finish and try again."""
    for attempt in range(attempts):
        try:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except ProgrammingError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.25)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def make_set(client: TestClient) -> Callable[..., dict[str, Any]]:
    """Create athlete, session and set in one go: ``make_set(exercise="squat", load_kg=100)``."""

    def make(
        *, exercise: str = "squat", load_kg: float = 100.0, athlete_id: int | None = None, **extra: Any
    ) -> dict[str, Any]:
        if athlete_id is None:
            athlete_id = client.post("/api/athletes", json={"name": "Ada"}).json()["id"]
        session = client.post("/api/sessions", json={"athlete_id": athlete_id}).json()
        response = client.post(
            f"/api/sessions/{session['id']}/sets",
            json={"exercise": exercise, "load_kg": load_kg, **extra},
        )
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    return make


# ---------------------------------------------------------------- an S3 server (moto) for the video store

BUCKET = "vbt-videos"


def wait_for_server(endpoint: str, process: subprocess.Popen[bytes], deadline_s: float = 30.0) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with status {process.returncode}")
        try:
            httpx.get(endpoint, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not answer at {endpoint} within {deadline_s} s")


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's S3 server on a loopback port, with the bucket made, and fake credentials."""
    server = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
    if server is None:
        pytest.skip("moto[server] is not installed (pip install 'moto[server]')")
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    process = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(endpoint, process)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def s3_client(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> object:
    import boto3

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.create_bucket(Bucket=BUCKET)
    return client
