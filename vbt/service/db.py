"""The database: one engine per app, migrations to head, and sessions for the routes.

SQLite runs in WAL mode with ``synchronous=FULL`` so that a rep acknowledged with a 2xx survives a
killed process and a power cut. SQLAlchemy emits ``BEGIN`` itself (the sqlite3 module's implicit
transactions are turned off) and write sessions start with ``BEGIN IMMEDIATE``: a writer takes the
write lock before it reads, so two writers never deadlock on a lock upgrade, and the per-session rep
sequence is assigned in commit order. PostgreSQL gets the same order from a row lock on the session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from vbt.errors import InputError, ServiceError
from vbt.service.private import make_private_dir, make_private_file
from vbt.service.settings import normalize_database_url

#: Execution option that makes a SQLite transaction start with ``BEGIN IMMEDIATE``.
WRITE_OPTION = "vbt_write"

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The PostgreSQL advisory lock that makes processes migrating one database at once take turns.
MIGRATION_LOCK_KEY = 0x7662_7400


def parse_database_url(database_url: str) -> URL:
    """``database_url`` (a URL or a SQLite file path) as SQLAlchemy's URL, checked before anything uses it.

    Raises:
        InputError: the URL is malformed.
    """
    try:
        return make_url(normalize_database_url(database_url))
    except (ArgumentError, ValueError) as exc:
        raise InputError(
            f"{database_url!r} is not a database URL; use sqlite:///path/to/file.sqlite3 or "
            "postgresql://user:password@host/dbname"
        ) from exc


def make_engine(database_url: str, *, sqlite_busy_timeout_s: float = 30.0) -> Engine:
    """Create (but do not connect) an engine for ``database_url`` (a URL or a SQLite file path).

    For a SQLite file the folder and the file are created private (0700, 0600) when missing, and
    every connection is set to WAL mode,
    ``synchronous=FULL``, foreign keys on and a busy timeout.

    Raises:
        InputError: the URL is malformed, names a driver that is not installed, or the SQLite
            file's directory cannot be created.
    """
    url = parse_database_url(database_url)
    is_sqlite = url.get_backend_name() == "sqlite"
    if is_sqlite and url.database and url.database != ":memory:":
        folder = Path(url.database).expanduser().parent
        try:
            make_private_dir(folder)
        except OSError as exc:
            raise InputError(
                f"cannot create the folder {folder} for the SQLite database ({exc.strerror}); "
                "choose another location with --db or VBT_DATABASE_URL"
            ) from exc
    kwargs: dict[str, Any] = {}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": sqlite_busy_timeout_s}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise InputError(
            f"no database driver for {url.drivername!r} is installed; vbt supports SQLite and "
            "PostgreSQL (install psycopg[binary] for postgresql:// URLs)"
        ) from exc
    except ArgumentError as exc:
        raise InputError(f"the database URL {database_url!r} cannot be used: {exc}") from exc
    if is_sqlite:
        _configure_sqlite(engine)
        if url.database and url.database != ":memory:":
            _create_private(engine, Path(url.database).expanduser())
    return engine


def _create_private(engine: Engine, file: Path) -> None:
    """Create the SQLite file private (0600) just before the first connection opens it."""

    @event.listens_for(engine, "do_connect")
    def _before_connect(*_: Any) -> None:
        make_private_file(file)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Turn off the sqlite3 module's own BEGIN handling; _on_begin emits BEGIN instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def run_migrations(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema to ``revision`` (default: the newest) with Alembic.

    Raises:
        ServiceError: the database cannot be reached or the migration fails.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":  # replicas and workers starting together: one at a time
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except SQLAlchemyError as exc:
        raise ServiceError(
            f"cannot prepare the database at {engine.url.render_as_string(hide_password=True)}: "
            f"{_first_line(exc)}; check that it is reachable and writable"
        ) from exc


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0] if text else type(exc).__name__


def make_sessionmakers(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """A reader and a writer session factory on ``engine``; the writer's transactions take the
    SQLite write lock at ``BEGIN``."""
    reader = sessionmaker(bind=engine, expire_on_commit=False)
    writer = sessionmaker(bind=engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)
    return reader, writer


def get_read_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: a session for reading, closed after the request."""
    factory: sessionmaker[Session] = request.app.state.read_sessions
    with factory() as session:
        yield session


def get_write_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: a session whose transaction holds the write lock; the route commits."""
    factory: sessionmaker[Session] = request.app.state.write_sessions
    with factory() as session:
        yield session


ReadSessionDep = Annotated[Session, Depends(get_read_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]
