"""Between replicas on one PostgreSQL: ``NOTIFY vbt_stream, '<session id>'`` after a rep is committed,
and one ``LISTEN`` connection per process (psycopg 3's async notifications) that wakes the
session's reader, so a listener on any replica sees every rep, in order, as it is committed.

A notification only wakes a reader; the reader reads the database, so a lost or duplicated one costs
nothing but time (readers also re-read every ``poll_s``). After the ``LISTEN`` connection is lost,
it reconnects with backoff and wakes every reader, which reads what it may have missed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import anyio
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

#: The notification channel; the payload is the session id.
CHANNEL = "vbt_stream"


@dataclass(frozen=True)
class ListenSettings:
    """Reconnecting the ``LISTEN`` connection after it was lost (a database restart).

    Attributes:
        first_retry_s: wait before the first reconnection; doubled after each failure.
        max_retry_s: the longest wait between reconnections (meanwhile readers poll).
    """

    first_retry_s: float = 0.5
    max_retry_s: float = 10.0


class PostgresNotifier:
    """:class:`vbt.service.stream.fanout.Notifier` on PostgreSQL's ``LISTEN/NOTIFY``."""

    def __init__(self, engine: Engine, *, settings: ListenSettings | None = None) -> None:
        self.engine = engine
        self.settings = settings if settings is not None else ListenSettings()

    def publish(self, session_id: int) -> None:
        """Notify every process listening (a blocking call: run it off the event loop). A failure
        is logged, not raised: the rep is committed already, and readers poll."""
        try:
            with self.engine.connect() as connection:
                connection.execute(
                    text("SELECT pg_notify(:channel, :payload)"),
                    {"channel": CHANNEL, "payload": str(session_id)},
                )
                connection.commit()
        except SQLAlchemyError as exc:
            log.warning("cannot notify the other replicas of session %d (%s)", session_id, type(exc).__name__)

    def _conninfo(self) -> str:
        return self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    async def listen(self, wake: Callable[[int | None], None]) -> None:
        """Wake the reader of each notified session until cancelled (see the module doc)."""
        import psycopg

        retry_s = self.settings.first_retry_s
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._conninfo(), autocommit=True
                ) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    retry_s = self.settings.first_retry_s
                    wake(None)  # anything committed while nobody listened
                    async for notification in connection.notifies():
                        if notification.payload.isdigit():
                            wake(int(notification.payload))
            except (psycopg.Error, OSError) as exc:
                log.warning(
                    "stream notifications lost (%s); reconnecting in %.1f s", type(exc).__name__, retry_s
                )
            await anyio.sleep(retry_s)
            retry_s = min(2 * retry_s, self.settings.max_retry_s)


def notifier_for(engine: Engine) -> PostgresNotifier | None:
    """The notifier between replicas for this database: PostgreSQL's, none for SQLite (one process)."""
    return PostgresNotifier(engine) if engine.dialect.name == "postgresql" else None
