"""Fixtures: an app on a fresh database per test, and a session with one set ready for reps.

Every test that takes ``database_url`` (or ``settings``, ``client``) runs on a new SQLite file, and
also on a new PostgreSQL database when ``VBT_TEST_POSTGRESQL_URL`` names a server (an account
that may create databases, e.g. ``postgresql://postgres@127.0.0.1:5432/postgres``).
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
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
    """A new database for one test, at today's schema and without rows (``fresh_database(...,
    migrated=True)``)."""
    with fresh_database(request.param, tmp_path, migrated=True) as url:
        yield url


@pytest.fixture(params=backends())
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new database without any schema, on either backend: for tests that migrate it themselves."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@contextmanager
def fresh_database(backend: str, folder: Path, *, migrated: bool = False) -> Iterator[str]:
    """The URL of a new database: a SQLite file in ``folder``, or a new database on the server
    ``VBT_TEST_POSTGRESQL_URL`` names (dropped afterwards, on the dropper's thread); empty or, with
    ``migrated``, a copy of a database ``run_migrations`` brought to today's schema once per process
    (``_TEMPLATES``).

    The app migrates its database when it starts, and finds a copy at today's schema: migrating from
    nothing cost 0.25-0.3 CPU-s and 0.5-1.5 s of waiting on the disk for SQLite, 1.0-1.5 s of waiting
    on the server for PostgreSQL; copying the template 0.16 CPU-s and 0.25 s, 0.2-0.3 s. The tests of
    each backend make about 250 databases. The migrations themselves are tested from nothing (and from
    old schemas) by tests/service/test_db.py and by the tests that take ``empty_database_url``."""
    if backend == "sqlite":
        if migrated:
            _TEMPLATES.sqlite_copy(folder / "vbt.sqlite3")
        yield f"sqlite:///{folder}/vbt.sqlite3"
        return
    admin = _DROPPER.admin()
    name = f"vbt_test_{uuid.uuid4().hex[:12]}"
    template = f' TEMPLATE "{_TEMPLATES.postgresql()}"' if migrated else ""
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"{template}')
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        _DROPPER.drop(name)


class _Dropper:
    """Drops the tests' PostgreSQL databases one after another on a thread of its own, while the next
    tests run: DROP DATABASE makes the server checkpoint (flush every dirty page and fsync), which
    takes 0.2-2 s, most of a short test's time. The ``_databases_dropped`` fixture waits for the last
    drop at the end of the run and fails it if a drop failed."""

    def __init__(self) -> None:
        self._admin: Engine | None = None
        self._names: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._failures: list[str] = []

    def admin(self) -> Engine:
        """One engine on the server's maintenance database, for the whole run."""
        if self._admin is None:
            url = make_url(normalize_database_url(os.environ[POSTGRESQL_ENV]))
            self._admin = create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        return self._admin

    def drop(self, name: str) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="drop-test-databases", daemon=True)
            self._thread.start()
        self._names.put(name)

    def _run(self) -> None:
        while (name := self._names.get()) is not None:
            try:
                _drop_database(self.admin(), name)
            except Exception as exc:  # reported by wait(): a drop failing must not stop the others
                self._failures.append(f"{name}: {exc}")

    def wait(self) -> list[str]:
        """Wait for every drop asked for so far; the failures, described."""
        if self._thread is not None:
            self._names.put(None)
            self._thread.join()
            self._thread = None
        if self._admin is not None:
            self._admin.dispose()
            self._admin = None
        failures, self._failures = self._failures, []
        return failures


_DROPPER = _Dropper()


class _Templates:
    """The databases at today's schema that ``fresh_database`` copies, made on first use by
    ``run_migrations`` and removed by ``remove`` (the ``_databases_dropped`` fixture)."""

    def __init__(self) -> None:
        self._sqlite: Path | None = None
        self._postgresql: str | None = None

    def sqlite_copy(self, path: Path) -> None:
        """Copy the SQLite template to ``path`` (with its private mode, as ``make_engine`` makes it)."""
        if self._sqlite is None:
            from vbt.service.db import make_engine, run_migrations

            template = Path(tempfile.mkdtemp(prefix="vbt-template-")) / "vbt.sqlite3"
            self._sqlite = template
            engine = make_engine(str(template))
            try:
                run_migrations(engine)
            finally:
                engine.dispose()  # the last connection closed: the write-ahead log is in the file
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self._sqlite, path)

    def postgresql(self) -> str:
        """The name of the PostgreSQL template: nothing stays connected to it (PostgreSQL copies only
        a database nobody is connected to)."""
        if self._postgresql is None:
            from vbt.service.db import make_engine, run_migrations

            admin = _DROPPER.admin()
            name = f"vbt_template_{uuid.uuid4().hex[:12]}"
            with admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            self._postgresql = name  # removed even if the migration fails
            engine = make_engine(admin.url.set(database=name).render_as_string(hide_password=False))
            try:
                run_migrations(engine)
            finally:
                engine.dispose()
        return self._postgresql

    def remove(self) -> None:
        if self._sqlite is not None:
            shutil.rmtree(self._sqlite.parent, ignore_errors=True)
            self._sqlite = None
        if self._postgresql is not None:
            _DROPPER.drop(self._postgresql)
            self._postgresql = None


_TEMPLATES = _Templates()


@pytest.fixture(scope="session", autouse=True)
def _databases_dropped() -> Iterator[None]:
    yield
    _TEMPLATES.remove()
    failures = _DROPPER.wait()
    assert not failures, "test databases left on the server:\n" + "\n".join(failures)


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
