"""Analysis workers as their own processes: the ``workers`` table (heartbeats) and, on each video,
the number of attempts and the worker running it.

Revision ID: 0006_workers
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006_workers"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workers")),
    )
    op.create_index(op.f("ix_workers_heartbeat_at"), "workers", ["heartbeat_at"])
    with op.batch_alter_table("videos") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("worker_id", sa.String(length=100), nullable=True))
        batch.create_index(batch.f("ix_videos_worker_id"), ["worker_id"])


def downgrade() -> None:
    with op.batch_alter_table("videos") as batch:
        batch.drop_index(batch.f("ix_videos_worker_id"))
        batch.drop_column("worker_id")
        batch.drop_column("attempts")
    op.drop_index(op.f("ix_workers_heartbeat_at"), table_name="workers")
    op.drop_table("workers")
