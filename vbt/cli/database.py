"""What ``vbt profile`` and ``vbt plan`` share: the database they read and the athlete they name."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def athlete_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not an athlete id (a positive whole number)")
    return int(text)


def with_database(db_url: str | None, work: Callable[[Any, Any], T]) -> T:
    """Run ``work(reader, writer)`` on the migrated database at ``db_url``."""
    from vbt.service.db import make_engine, make_sessionmakers, run_migrations
    from vbt.service.settings import settings_from_env

    settings = settings_from_env(database_url=db_url)
    engine = make_engine(settings.database_url, sqlite_busy_timeout_s=settings.sqlite_busy_timeout_s)
    try:
        run_migrations(engine)
        reader, writer = make_sessionmakers(engine)
        return work(reader, writer)
    finally:
        engine.dispose()
