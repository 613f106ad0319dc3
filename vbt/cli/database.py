"""What ``vbt profile`` and ``vbt plan`` share: the database they read, named on stderr and in every error,
never created by a read; and the athlete they name, by id or by name."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from vbt.errors import InputError, VbtError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")
#: At most this many athletes are listed when a name matches none.
MAX_NAMES_LISTED = 10


def add_database_options(parser: argparse.ArgumentParser) -> None:
    """``--athlete ID|NAME`` and ``--db URL``."""
    parser.add_argument(
        "--athlete",
        type=athlete_ref,
        required=True,
        metavar="ID|NAME",
        help="the athlete's id, or name (any case; an ambiguous name lists the matches)",
    )
    parser.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="database URL or SQLite file path (default: VBT_DATABASE_URL, else vbt serve's default file)",
    )


def athlete_ref(text: str) -> str:
    """An athlete's id (digits) or name, as typed; checked against the database by :func:`find_athlete`."""
    if not text.strip():
        raise argparse.ArgumentTypeError("give an athlete's id or name")
    if text.strip().isdigit() and int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not an athlete id (ids start at 1)")
    return text.strip()


def find_athlete(db: Session, ref: str) -> int:
    """The id of the athlete ``ref`` names: digits are an id, anything else a name (case-insensitive).

    Raises:
        NotFoundError: no athlete has that id or name (the message lists some that exist).
        InputError: several athletes have that name (the message lists them with their ids).
    """
    from sqlalchemy import select

    from vbt.service.errors import NotFoundError
    from vbt.service.models import Athlete

    if ref.isdigit():
        if db.get(Athlete, int(ref)) is None:
            raise NotFoundError(f"athlete {ref} does not exist")
        return int(ref)
    athletes = db.execute(select(Athlete.id, Athlete.name).order_by(Athlete.id)).all()
    matches = [(i, name) for i, name in athletes if name.casefold() == ref.casefold()]
    if len(matches) == 1:
        return int(matches[0][0])
    if matches:
        listed = ", ".join(f"{name} (id {i})" for i, name in matches)
        raise InputError(f"{len(matches)} athletes are named {ref!r}: {listed}; give the id with --athlete")
    if not athletes:
        raise NotFoundError(f"no athlete named {ref!r}: the database has no athletes yet")
    listed = ", ".join(f"{name} (id {i})" for i, name in athletes[:MAX_NAMES_LISTED])
    more = f" and {len(athletes) - MAX_NAMES_LISTED} more" if len(athletes) > MAX_NAMES_LISTED else ""
    raise NotFoundError(f"no athlete named {ref!r}; the athletes are {listed}{more}")


def database_name(url: str) -> str:
    """The database as a person recognises it: a SQLite file's path, else the URL without its password
    (a URL SQLAlchemy cannot parse comes back as it is: opening it gives the error)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return url
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return str(Path(parsed.database).expanduser().resolve())
    return parsed.render_as_string(hide_password=True)


def _is_sqlite_file(url: str) -> bool:
    return url.startswith("sqlite:///") and ":memory:" not in url


def with_database(db_url: str | None, work: Callable[[Any, Any], T]) -> T:
    """Run ``work(reader, writer)`` on the migrated database at ``db_url`` (default: as ``vbt serve``).

    The database is named on stderr, and in any error ``work`` raises. A SQLite file that does not exist
    is an error rather than a new empty database: these commands read athletes a database already has.

    Raises:
        InputError: no database file there, or the URL is unusable.
    """
    from vbt.service.db import make_engine, make_sessionmakers, run_migrations
    from vbt.service.settings import settings_from_env

    settings = settings_from_env(database_url=db_url)
    name = database_name(settings.database_url)
    if _is_sqlite_file(settings.database_url) and not Path(name).is_file():
        raise InputError(
            f"no database at {name}; vbt serve creates it when it starts (or give the one you use with "
            "--db FILE or VBT_DATABASE_URL)"
        )
    print(f"vbt: database {name}", file=sys.stderr)
    engine = make_engine(settings.database_url, sqlite_busy_timeout_s=settings.sqlite_busy_timeout_s)
    try:
        run_migrations(engine)
        reader, writer = make_sessionmakers(engine)
        return work(reader, writer)
    except VbtError as exc:
        raise _naming(exc, name) from None
    finally:
        engine.dispose()


def _naming(error: VbtError, database: str) -> VbtError:
    """``error`` with the database named at its end (a plain VbtError when its class takes more than
    a message)."""
    message = f"{error} (database {database})"
    try:
        return type(error)(message)
    except TypeError:
        return VbtError(message)
