"""The application: nothing done at import or creation, the contract's paths in the OpenAPI, and
``python -m vbt.service`` ending a bad start with one line."""

from __future__ import annotations

import os
import subprocess
import sys

from vbt.service.app import create_app
from vbt.service.settings import Settings

from .conftest import TestClient
from .helpers import REPO

CONTRACT = {
    "/api/athletes": {"post"},
    "/api/athletes/{athlete_id}": {"get"},
    "/api/athletes/{athlete_id}/sets": {"get"},
    "/api/sessions": {"post"},
    "/api/sessions/{session_id}/sets": {"post"},
    "/api/sets/{set_id}/reps": {"post"},
    "/api/sets/{set_id}/velocity": {"get"},
    "/api/sessions/{session_id}/events": {"get"},
}


def test_importing_the_service_creates_nothing(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), PYTHONPATH=str(REPO))
    code = "import vbt.service.app, vbt.service.stream.routes.stream, vbt.service.migrations"
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_database_is_touched_only_when_the_app_starts(tmp_path):
    path = tmp_path / "vbt.sqlite3"
    app = create_app(Settings(database_url=str(path)))
    assert not path.exists()
    with TestClient(app) as client:
        assert path.exists()
        assert client.get("/api/health").json()["status"] == "ok"


def test_the_openapi_describes_the_contract(client):
    schema = client.get("/openapi.json").json()
    for path, methods in CONTRACT.items():
        assert methods <= set(schema["paths"][path]), path
    rep = schema["components"]["schemas"]["RepCreate"]["properties"]
    for key in ("client_rep_id", "index", "status", "mean_velocity_m_s", "triple_extension"):
        assert key in rep
    assert client.get("/docs").status_code == 200


def test_a_bad_database_url_ends_the_server_with_one_line_and_status_2(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-m", "vbt.service", "--port", "1", "--db", "postgresql://u@h:x/db"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("vbt: ")
    assert "not a database URL" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
