"""64-bit ids and sequence numbers on PostgreSQL (SQLite's are already 64-bit), and token scopes.

An id from 2**31 to 2**63 - 1 in a path or a body was "integer out of range" on PostgreSQL; now it
is a row that does not exist (404). Tokens made before this migration keep what they could do:
the ``write`` scope (which includes reads).

Revision ID: 0007_secure
Revises: 0006_workers
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007_secure"
down_revision: str | None = "0006_workers"
branch_labels: str | None = None
depends_on: str | None = None

#: Every table's 64-bit columns: its id (a serial) and the ids and sequence numbers it refers to.
BIGINT_COLUMNS = {
    "athletes": ("id",),
    "sessions": ("id", "athlete_id", "rep_seq"),
    "sets": ("id", "session_id"),
    "reps": ("id", "set_id", "session_id", "session_seq"),
    "rep_deletions": ("id", "set_id", "session_id", "session_seq"),
    "api_tokens": ("id",),
    "videos": ("id", "set_id"),
    "training_plans": ("id", "athlete_id"),
    "one_rep_maxes": ("id", "athlete_id"),
    "velocity_thresholds": ("id", "athlete_id"),
}


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("scope", sa.String(length=10), nullable=False, server_default="write"))
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in BIGINT_COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())
        # the id's sequence was made AS integer: its maximum would still be 2**31 - 1
        op.execute(sa.text(f"ALTER SEQUENCE IF EXISTS {table}_id_seq AS bigint"))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("scope")
