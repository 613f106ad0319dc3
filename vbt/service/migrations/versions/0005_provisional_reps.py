"""Provisional reps (``reps.provisional``) and the deletions of provisional reps (``rep_deletions``).

Reps stored before this migration are final.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("reps") as batch:
        batch.add_column(sa.Column("provisional", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "rep_deletions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("session_seq", sa.Integer(), nullable=False),
        sa.Column("client_rep_id", sa.String(length=100), nullable=False),
        sa.Column("rep_index", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["set_id"], ["sets.id"], name=op.f("fk_rep_deletions_set_id_sets")),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_rep_deletions_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rep_deletions")),
        sa.UniqueConstraint(
            "session_id", "session_seq", name=op.f("uq_rep_deletions_session_id_session_seq")
        ),
    )
    op.create_index(op.f("ix_rep_deletions_set_id"), "rep_deletions", ["set_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_rep_deletions_set_id"), table_name="rep_deletions")
    op.drop_table("rep_deletions")
    with op.batch_alter_table("reps") as batch:
        batch.drop_column("provisional")
