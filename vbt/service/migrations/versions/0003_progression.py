"""Add progression tables: training plans, tested 1RMs and per-athlete velocity thresholds.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "training_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("body_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name=op.f("fk_training_plans_athlete_id_athletes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_plans")),
        sa.UniqueConstraint("athlete_id", name=op.f("uq_training_plans_athlete_id")),
    )
    op.create_table(
        "one_rep_maxes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=32), nullable=False),
        sa.Column("load_kg", sa.Double(), nullable=False),
        sa.Column("velocity_m_s", sa.Double(), nullable=True),
        sa.Column("tested_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name=op.f("fk_one_rep_maxes_athlete_id_athletes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_rep_maxes")),
    )
    op.create_index(op.f("ix_one_rep_maxes_athlete_id"), "one_rep_maxes", ["athlete_id"], unique=False)
    op.create_table(
        "velocity_thresholds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=32), nullable=False),
        sa.Column("velocity_m_s", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name=op.f("fk_velocity_thresholds_athlete_id_athletes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_velocity_thresholds")),
        sa.UniqueConstraint(
            "athlete_id", "exercise", name=op.f("uq_velocity_thresholds_athlete_id_exercise")
        ),
    )


def downgrade() -> None:
    op.drop_table("velocity_thresholds")
    op.drop_index(op.f("ix_one_rep_maxes_athlete_id"), table_name="one_rep_maxes")
    op.drop_table("one_rep_maxes")
    op.drop_table("training_plans")
