"""Alembic environment: migrations run on the connection that ``run_migrations`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from vbt.service.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError(
            "vbt migrations run through vbt.service.db.run_migrations(engine), which passes a "
            "connection; the alembic command line is not configured for this package"
        )
    _run(connection)


_main()
