"""Create the schema: athletes, sessions, sets, reps and API tokens.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "athletes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("body_mass_kg", sa.Double(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_athletes")),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("rep_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name=op.f("fk_sessions_athlete_id_athletes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    op.create_index(op.f("ix_sessions_athlete_id"), "sessions", ["athlete_id"], unique=False)
    op.create_table(
        "sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=32), nullable=False),
        sa.Column("load_kg", sa.Double(), nullable=False),
        sa.Column("performed_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], name=op.f("fk_sets_session_id_sessions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sets")),
    )
    op.create_index(op.f("ix_sets_performed_at"), "sets", ["performed_at"], unique=False)
    op.create_index(op.f("ix_sets_session_id"), "sets", ["session_id"], unique=False)
    op.create_table(
        "reps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("session_seq", sa.Integer(), nullable=False),
        sa.Column("client_rep_id", sa.String(length=100), nullable=False),
        sa.Column("rep_index", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("start_s", sa.Double(), nullable=False),
        sa.Column("end_s", sa.Double(), nullable=False),
        sa.Column("mean_velocity_m_s", sa.Double(), nullable=True),
        sa.Column("mean_propulsive_velocity_m_s", sa.Double(), nullable=True),
        sa.Column("peak_velocity_m_s", sa.Double(), nullable=True),
        sa.Column("range_of_motion_m", sa.Double(), nullable=True),
        sa.Column("body_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], name=op.f("fk_reps_session_id_sessions")),
        sa.ForeignKeyConstraint(["set_id"], ["sets.id"], name=op.f("fk_reps_set_id_sets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reps")),
        sa.UniqueConstraint("session_id", "session_seq", name=op.f("uq_reps_session_id_session_seq")),
        sa.UniqueConstraint("set_id", "client_rep_id", name=op.f("uq_reps_set_id_client_rep_id")),
        sa.UniqueConstraint("set_id", "rep_index", name=op.f("uq_reps_set_id_rep_index")),
    )


def downgrade() -> None:
    op.drop_table("reps")
    op.drop_index(op.f("ix_sets_session_id"), table_name="sets")
    op.drop_index(op.f("ix_sets_performed_at"), table_name="sets")
    op.drop_table("sets")
    op.drop_index(op.f("ix_sessions_athlete_id"), table_name="sessions")
    op.drop_table("sessions")
    op.drop_table("athletes")
    op.drop_table("api_tokens")
