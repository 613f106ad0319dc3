"""The database: WAL mode, migrations that keep a user's data, models that match the migrations."""

from __future__ import annotations

import json
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from vbt.errors import InputError, ServiceError
from vbt.service.app import create_app
from vbt.service.db import MIGRATIONS_DIR, make_engine, make_sessionmakers, run_migrations
from vbt.service.models import Base
from vbt.service.settings import Settings

from .conftest import TestClient
from .helpers import rep_body


def _revisions() -> list[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_sqlite_runs_in_wal_mode_with_full_sync_and_foreign_keys(tmp_path):
    engine = make_engine(str(tmp_path / "deep" / "er" / "vbt.sqlite3"))
    run_migrations(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
    assert (tmp_path / "deep" / "er" / "vbt.sqlite3").is_file()


def test_migrations_are_idempotent_and_the_first_one_creates_the_schema(tmp_path):
    engine = make_engine(str(tmp_path / "vbt.sqlite3"))
    run_migrations(engine, _revisions()[0])
    tables = set(inspect(engine).get_table_names())
    assert {"athletes", "sessions", "sets", "reps", "api_tokens"} <= tables
    run_migrations(engine)
    run_migrations(engine)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == _revisions()[-1]
    engine.dispose()


def test_the_models_match_the_migrated_schema(tmp_path):
    engine = make_engine(str(tmp_path / "vbt.sqlite3"))
    run_migrations(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_upgrading_a_database_made_by_the_first_migration_keeps_its_data(tmp_path):
    """Data written with the first schema (by plain SQL, as an old vbt wrote it) reads back
    through today's API after ``upgrade head``."""
    path = tmp_path / "old.sqlite3"
    engine = make_engine(str(path))
    run_migrations(engine, _revisions()[0])
    body = rep_body(0, mean_velocity_m_s=0.71)
    # an older vbt may not have had every key of today's report
    stored = {k: v for k, v in body.items() if k not in ("client_rep_id", "catch_height_m")}
    with engine.begin() as connection:
        now = "2024-05-01 18:00:00"
        connection.execute(
            text("INSERT INTO athletes (id, name, created_at) VALUES (1, 'Old Timer', :t)"),
            {"t": now},
        )
        connection.execute(
            text(
                "INSERT INTO sessions (id, athlete_id, started_at, rep_seq, created_at) "
                "VALUES (1, 1, :t, 1, :t)"
            ),
            {"t": now},
        )
        connection.execute(
            text(
                "INSERT INTO sets (id, session_id, exercise, load_kg, performed_at, created_at) "
                "VALUES (1, 1, 'deadlift', 180.0, :t, :t)"
            ),
            {"t": now},
        )
        connection.execute(
            text(
                "INSERT INTO reps (id, set_id, session_id, session_seq, client_rep_id, rep_index,"
                " status, start_s, end_s, mean_velocity_m_s, body_json, created_at)"
                " VALUES (1, 1, 1, 1, 'rep-0', 0, 'ok', 1.0, 1.75, 0.71, :body, :t)"
            ),
            {"body": json.dumps(stored), "t": now},
        )
    engine.dispose()

    with TestClient(create_app(Settings(database_url=str(path)))) as client:  # upgrades to head
        assert client.get("/api/athletes/1").json()["name"] == "Old Timer"
        velocity = client.get("/api/sets/1/velocity").json()
        assert velocity["exercise"] == "deadlift"
        assert velocity["performed_at"] == "2024-05-01T18:00:00Z"
        assert [r["mean_velocity_m_s"] for r in velocity["reps"]] == [0.71]
        assert velocity["best_mean_velocity_m_s"] == 0.71
        assert client.get("/api/sets/1/reps").json()[0]["catch_height_m"] is None
        # a client retrying the old rep with today's keys gets it back, not a conflict
        assert client.post("/api/sets/1/reps", json=body).status_code == 200
        # and the upgraded database takes new reps after the old ones
        new = client.post("/api/sets/1/reps", json=rep_body(1, mean_velocity_m_s=0.65))
        assert new.status_code == 201
        assert new.json()["seq"] == 2
        # a rep stored before provisional reps existed (0005) is final: never replaced nor deleted
        assert client.get("/api/sets/1/reps").json()[0]["provisional"] is False
        assert client.post("/api/sets/1/reps", json={**body, "mean_velocity_m_s": 0.5}).status_code == 409
        assert client.delete("/api/sets/1/reps/rep-0").status_code == 409
        # and provisional reps work on the upgraded database
        provisional = {**rep_body(2, mean_velocity_m_s=0.6), "provisional": True}
        assert client.post("/api/sets/1/reps", json=provisional).status_code == 201
        assert client.delete("/api/sets/1/reps/rep-2").status_code == 204


def test_postgresql_urls_get_the_psycopg_3_driver_without_connecting():
    engine = make_engine("postgresql+psycopg://coach@127.0.0.1:1/vbt")
    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")


def test_an_unreachable_postgresql_is_a_service_error_naming_it():
    engine = make_engine("postgresql+psycopg://coach:pw@127.0.0.1:1/vbt?connect_timeout=2")
    with pytest.raises(ServiceError, match=r"127\.0\.0\.1:1/vbt") as caught:
        run_migrations(engine)
    assert "pw" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql+nosuchdriver://u@h/db", "no database driver"),
        ("ht!tp://x", "not a database URL"),
        ("postgresql://u@h:notaport/db", "not a database URL"),
    ],
)
def test_unusable_urls_are_input_errors(url, words):
    with pytest.raises(InputError, match=words):
        make_engine(url)


def test_sqlite_writers_take_the_write_lock_at_begin_and_readers_do_not(tmp_path):
    """Writers serialise at BEGIN (so the rep sequence follows commit order and no writer fails
    on a lock upgrade); readers never block a writer (WAL)."""
    path = tmp_path / "vbt.sqlite3"
    engine = make_engine(str(path))
    run_migrations(engine)
    reader, writer = make_sessionmakers(engine)

    def another_writer_can_begin() -> bool:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            other.close()

    with reader() as session:
        session.execute(text("SELECT count(*) FROM athletes")).scalar()
        assert another_writer_can_begin()
    with writer() as session:
        session.execute(text("SELECT count(*) FROM athletes")).scalar()  # a read, first
        assert not another_writer_can_begin()
        session.rollback()
        assert another_writer_can_begin()
    engine.dispose()
