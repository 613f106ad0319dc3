"""Inputs that used to end in a 500: 64-bit ids (PostgreSQL's "integer out of range"), dates that
leave the years 1..9999 once converted to UTC, a bad ``Last-Event-ID``, and a full disk."""

from __future__ import annotations

import errno
from typing import Any

import pytest
from sqlalchemy import event

from vbt.service.errors import is_disk_full

from .conftest import TestClient
from .helpers import rep_body

BIG_IDS = [2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1]


@pytest.mark.parametrize("big", BIG_IDS)
def test_any_64_bit_id_is_a_404_in_paths_and_bodies(client: TestClient, big: int) -> None:
    for path in (f"/api/athletes/{big}", f"/api/sessions/{big}", f"/api/sets/{big}", f"/api/videos/{big}"):
        assert client.get(path).status_code == 404, path
    assert client.post("/api/sessions", json={"athlete_id": big}).status_code == 404
    assert client.post(f"/api/sets/{big}/reps", json=rep_body(0)).status_code == 404
    assert (
        client.post(f"/api/sessions/{big}/sets", json={"exercise": "squat", "load_kg": 60}).status_code == 404
    )


def test_ids_beyond_64_bits_are_a_422(client: TestClient) -> None:
    assert client.get(f"/api/athletes/{2**63}").status_code == 422
    assert client.post("/api/sessions", json={"athlete_id": 2**63}).status_code == 422


@pytest.mark.parametrize(
    "started_at",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-01:00", "0001-01-01T00:59:59+01:00"],
)
def test_a_date_that_leaves_the_calendar_in_utc_is_a_422(client: TestClient, started_at: str) -> None:
    athlete = client.post("/api/athletes", json={"name": "Ada"}).json()
    response = client.post("/api/sessions", json={"athlete_id": athlete["id"], "started_at": started_at})
    assert response.status_code == 422
    assert "outside the years 1 to 9999" in response.json()["detail"]


def test_dates_at_the_calendar_edges_are_stored_and_read_back(client: TestClient) -> None:
    athlete = client.post("/api/athletes", json={"name": "Ada"}).json()
    for started_at, stored in [
        ("0001-01-01T00:00:00-01:00", "0001-01-01T01:00:00Z"),
        ("9999-12-31T22:00:00-01:00", "9999-12-31T23:00:00Z"),
    ]:
        created = client.post("/api/sessions", json={"athlete_id": athlete["id"], "started_at": started_at})
        assert created.status_code == 201, created.text
        read = client.get(f"/api/sessions/{created.json()['id']}").json()
        assert read["started_at"].replace("+00:00", "Z") == stored


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("since=0001-01-01T00:00:00%2B01:00", 422),
        ("until=9999-12-31T23:59:59-05:00", 422),
        ("until=9999-12-31", 200),
        ("since=0001-01-01", 200),
    ],
)
def test_history_bounds_at_the_calendar_edges(client: TestClient, query: str, status: int) -> None:
    athlete = client.post("/api/athletes", json={"name": "Ada"}).json()
    assert client.get(f"/api/athletes/{athlete['id']}/sets?{query}").status_code == status


@pytest.mark.parametrize("last_event_id", ["abc", "1" * 25, "1e3", "-1", str(2**63)])
def test_a_bad_last_event_id_is_a_422_not_a_broken_stream(
    client: TestClient, make_set: Any, last_event_id: str
) -> None:
    session_id = make_set()["session_id"]
    response = client.get(f"/api/sessions/{session_id}/events", headers={"Last-Event-ID": last_event_id})
    assert response.status_code == 422
    assert "Last-Event-ID" in response.json()["detail"]


def test_a_full_database_is_a_507_and_keeps_what_it_stored(tmp_path: Any) -> None:
    from vbt.service.app import create_app
    from vbt.service.settings import Settings

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/vbt.sqlite3"))
    with TestClient(app) as client:
        first = client.post("/api/athletes", json={"name": "Ada"})
        assert first.status_code == 201
        engine = app.state.engine

        @event.listens_for(engine, "connect")
        def _no_room(dbapi_connection: Any, _record: Any) -> None:  # the disk is full from now on
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA page_count")
            cursor.execute(f"PRAGMA max_page_count = {cursor.fetchone()[0]}")
            cursor.close()

        engine.dispose()
        statuses = []
        for _ in range(200):
            response = client.post("/api/athletes", json={"name": "x" * 200})
            statuses.append(response.status_code)
            if response.status_code != 201:
                break
        assert statuses[-1] == 507, statuses
        assert "disk is full" in response.json()["detail"]
        assert client.get(f"/api/athletes/{first.json()['id']}").json()["name"] == "Ada"


class _PostgresError(Exception):
    def __init__(self, sqlstate: str) -> None:
        self.sqlstate = sqlstate


class _WrappedError(Exception):
    def __init__(self, orig: BaseException) -> None:
        self.orig = orig


def test_a_full_disk_is_recognised_from_sqlite_postgresql_and_the_os() -> None:
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(_WrappedError(_PostgresError("53100")))  # PostgreSQL's disk_full
    assert not is_disk_full(_WrappedError(_PostgresError("40P01")))  # a deadlock is not
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))


def test_an_upgraded_database_takes_64_bit_ids_and_keeps_its_tokens_writing(empty_database_url: str) -> None:
    database_url = empty_database_url
    from sqlalchemy import text

    from vbt.service.app import create_app
    from vbt.service.db import make_engine, run_migrations
    from vbt.service.settings import Settings

    engine = make_engine(database_url)
    run_migrations(engine, "0005")  # the schema before 64-bit ids and token scopes
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO api_tokens (name, token_hash, created_at) VALUES ('old', :h, CURRENT_TIMESTAMP)"
            ),
            {"h": "0" * 64},
        )
    run_migrations(engine)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT scope FROM api_tokens")).scalar_one() == "write"
        if engine.dialect.name == "postgresql":  # the next athlete gets id 2**31
            connection.execute(text("SELECT setval('athletes_id_seq', 2147483647)"))
        else:
            connection.execute(
                text(
                    "INSERT INTO athletes (id, name, created_at) VALUES (2147483647, 'x', CURRENT_TIMESTAMP)"
                )
            )
    engine.dispose()
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        athlete = client.post("/api/athletes", json={"name": "Ada"})
        assert athlete.status_code == 201 and athlete.json()["id"] == 2**31
        session = client.post("/api/sessions", json={"athlete_id": 2**31})
        assert session.status_code == 201
        assert client.get(f"/api/athletes/{2**31}/sessions").json()[0]["id"] == session.json()["id"]
