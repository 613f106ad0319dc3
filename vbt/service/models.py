"""Tables of the service database (SQLAlchemy 2 declarative).

A rep is stored twice over: its whole JSON body as the client sent it (after validation), so nothing
the core reports is lost, and the fields people query on (index, status, times, velocities) as
columns. Times are stored as naive UTC and returned as aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints, so that later migrations (batch mode on SQLite) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: Ids are 64-bit (BIGINT on PostgreSQL); on SQLite an INTEGER primary key is already 64-bit and
#: must stay INTEGER to remain the rowid (and so autoincrement).
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC; naive input is taken as UTC, output is aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Athlete(Base):
    __tablename__ = "athletes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    body_mass_kg: Mapped[float | None] = mapped_column(Double)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    sessions: Mapped[list[TrainingSession]] = relationship(back_populates="athlete")


class TrainingSession(Base):
    """A training session (``/api/sessions``); ``rep_seq`` numbers its reps in commit order."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    notes: Mapped[str | None] = mapped_column(Text)
    rep_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    athlete: Mapped[Athlete] = relationship(back_populates="sessions")
    sets: Mapped[list[LiftSet]] = relationship(back_populates="session", order_by="LiftSet.id")


class LiftSet(Base):
    """One set of one exercise at one load (``/api/sets``)."""

    __tablename__ = "sets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    exercise: Mapped[str] = mapped_column(String(32))
    load_kg: Mapped[float] = mapped_column(Double)
    performed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    session: Mapped[TrainingSession] = relationship(back_populates="sets")
    reps: Mapped[list[Rep]] = relationship(back_populates="lift_set", order_by="Rep.rep_index")


class Rep(Base):
    """One rep as the core measured it, keyed by the client's ``client_rep_id`` within its set.

    A ``provisional`` rep was posted by live mode as soon as it was seen; the final analysis
    replaces it (same ``client_rep_id``) or deletes it. Per-set figures use final reps only.
    """

    __tablename__ = "reps"
    __table_args__ = (
        UniqueConstraint("set_id", "client_rep_id"),
        UniqueConstraint("set_id", "rep_index"),
        UniqueConstraint("session_id", "session_seq"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id"))
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    session_seq: Mapped[int] = mapped_column(BigInteger)
    client_rep_id: Mapped[str] = mapped_column(String(100))
    rep_index: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    start_s: Mapped[float] = mapped_column(Double)
    end_s: Mapped[float] = mapped_column(Double)
    mean_velocity_m_s: Mapped[float | None] = mapped_column(Double)
    mean_propulsive_velocity_m_s: Mapped[float | None] = mapped_column(Double)
    peak_velocity_m_s: Mapped[float | None] = mapped_column(Double)
    range_of_motion_m: Mapped[float | None] = mapped_column(Double)
    body_json: Mapped[str] = mapped_column(Text)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    lift_set: Mapped[LiftSet] = relationship(back_populates="reps")


class RepDeletion(Base):
    """A provisional rep that was deleted, kept so that stream listeners hear of it in ``seq``
    order (its ``session_seq`` comes from the same per-session sequence as the reps')."""

    __tablename__ = "rep_deletions"
    __table_args__ = (UniqueConstraint("session_id", "session_seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    session_seq: Mapped[int] = mapped_column(BigInteger)
    client_rep_id: Mapped[str] = mapped_column(String(100))
    rep_index: Mapped[int] = mapped_column(Integer)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class ApiToken(Base):
    """A bearer token, stored as the SHA-256 of the token (the token itself is shown once), with
    its scope."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: ``read``, ``write`` (includes read) or ``admin`` (includes both, and manages tokens).
    scope: Mapped[str] = mapped_column(String(10), default="write")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class Video(Base):
    """An uploaded video and its analysis job (``/api/videos``); see :mod:`vbt.service.videos.jobs`."""

    __tablename__ = "videos"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100))
    container: Mapped[str] = mapped_column(String(16))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), index=True)
    progress: Mapped[float] = mapped_column(Double, default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    rep_count: Mapped[int | None] = mapped_column(Integer)
    report_json: Mapped[str | None] = mapped_column(Text)
    #: The annotated MP4 the analysis wrote next to the upload (in the same folder), if any.
    annotated_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: How many times a worker took the job (a clean stop gives its turn back); see
    #: :mod:`vbt.service.videos.queue`.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The worker running the job (a :class:`Worker` id) while ``status`` is ``running``.
    worker_id: Mapped[str | None] = mapped_column(String(100), index=True)


class Worker(Base):
    """An analysis worker (``vbt worker``, or the one inside ``vbt serve``) and its heartbeat."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)


class TrainingPlan(Base):
    """An athlete's power-clean plan (``/api/athletes/{id}/plan``): its settings, as JSON."""

    __tablename__ = "training_plans"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"), unique=True)
    body_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class OneRepMax(Base):
    """A tested 1RM (``/api/athletes/{id}/maxes``), with the velocity of the 1RM rep if recorded."""

    __tablename__ = "one_rep_maxes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"), index=True)
    exercise: Mapped[str] = mapped_column(String(32))
    load_kg: Mapped[float] = mapped_column(Double)
    velocity_m_s: Mapped[float | None] = mapped_column(Double)
    tested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class VelocityThreshold(Base):
    """An athlete's own minimal velocity threshold for one exercise (overrides the default)."""

    __tablename__ = "velocity_thresholds"
    __table_args__ = (UniqueConstraint("athlete_id", "exercise"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"))
    exercise: Mapped[str] = mapped_column(String(32))
    velocity_m_s: Mapped[float] = mapped_column(Double)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
