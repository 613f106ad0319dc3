"""The queue of video analyses, kept in the database: the ``videos`` rows are the jobs.

A video moves ``queued → running → done | failed``. A worker (:mod:`vbt.service.videos.worker`) registers
a row in ``workers`` and refreshes its ``heartbeat_at``; it takes the oldest queued video with
``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (so any number of workers on any machines each
take a different one; on SQLite the write transaction's ``BEGIN IMMEDIATE`` serialises them), and
counts the attempt on the row. A running video whose worker stopped sending heartbeats (killed,
its machine lost) goes back to the queue, unless it has had ``max_attempts`` already: then it is set
aside as ``failed`` with the reason. Heartbeats are compared with the database server's clock on
PostgreSQL, so workers on machines whose clocks differ agree on who is alive.

Every function here is one short transaction; a database error propagates (the worker retries it
with :func:`retry_database`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from vbt.service.models import Video, Worker, utc_now

log = logging.getLogger(__name__)

T = TypeVar("T")


class VideoStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class WorkerSettings:
    """How workers keep time with each other and with the database.

    Attributes:
        heartbeat_interval_s: a worker refreshes its heartbeat this often, from its own thread (so
            also during an analysis). Lowering it notices dead workers sooner, at a write each time.
        stale_after_s: a worker whose heartbeat is older is taken as dead and its job goes back to
            the queue. Raising it tolerates longer database stalls before a job is run twice (which
            stores nothing twice: reps are idempotent and only the job's owner may finish it), at
            the cost of a longer wait after a crash. Keep it several heartbeats long.
        poll_interval_s: an idle worker looks for queued videos this often (an upload wakes the
            worker of the same process at once).
        max_attempts: a video whose analysis crashed or stopped its worker this many times is set
            aside as ``failed`` with the reason (a clean stop does not count).
        retry_initial_s: the first wait after a database error; doubled after each failure.
        retry_max_s: the longest wait between two tries after database errors.
        read_lock_timeout_s: on PostgreSQL, how long ``/api/health`` and ``GET /api/workers`` wait
            for a lock on the queue before they answer that the database cannot be read.
    """

    heartbeat_interval_s: float = 2.0
    stale_after_s: float = 30.0
    poll_interval_s: float = 1.0
    max_attempts: int = 3
    retry_initial_s: float = 0.25
    retry_max_s: float = 10.0
    read_lock_timeout_s: float = 1.0


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is a database error that may pass by itself: unreachable, restarting, a
    connection terminated, a lock that timed out."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def retry_database(
    action: Callable[[], T], *, settings: WorkerSettings, stop: threading.Event, what: str
) -> T:
    """``action()``, tried again after each transient database error with a doubling wait (from
    ``retry_initial_s`` to ``retry_max_s``), until it succeeds or ``stop`` is set.

    Raises:
        DBAPIError: the last error, once ``stop`` is set; any other error at once.
    """
    wait_s = settings.retry_initial_s
    while True:
        try:
            return action()
        except DBAPIError as exc:
            if not is_transient(exc) or stop.is_set():
                raise
            log.warning("%s: database error, retrying in %.2g s: %s", what, wait_s, _first_line(exc))
            if stop.wait(wait_s):
                raise
            wait_s = min(wait_s * 2, settings.retry_max_s)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0] if text else type(exc).__name__


def new_worker_id() -> str:
    """A worker id unique across machines: ``host:pid:random``."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _now(db: Session) -> datetime:
    """The database server's clock on PostgreSQL (workers on several machines), else this one's."""
    if db.get_bind().dialect.name == "postgresql":
        value = db.scalar(select(func.now()))
        assert isinstance(value, datetime)
        return value
    return utc_now()


def register_worker(write: sessionmaker[Session], worker_id: str) -> None:
    """Record the worker with a fresh heartbeat (again if its row is gone; idempotent)."""
    with write() as db:
        now = _now(db)
        found = db.execute(update(Worker).where(Worker.id == worker_id).values(heartbeat_at=now))
        if getattr(found, "rowcount", 0) == 0:
            db.add(
                Worker(
                    id=worker_id,
                    host=socket.gethostname()[:255],
                    pid=os.getpid(),
                    started_at=now,
                    heartbeat_at=now,
                )
            )
        db.commit()


#: A heartbeat is a registration: the same upsert.
heartbeat = register_worker


def unregister_worker(write: sessionmaker[Session], worker_id: str) -> None:
    with write() as db:
        db.execute(delete(Worker).where(Worker.id == worker_id))
        db.commit()


def claim(write: sessionmaker[Session], worker_id: str) -> int | None:
    """Take the oldest queued video for ``worker_id``: mark it running and count the attempt.
    Returns its id, or None when the queue is empty."""
    with write() as db:
        video = db.scalars(
            select(Video)
            .where(Video.status == VideoStatus.QUEUED)
            .order_by(Video.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if video is None:
            db.rollback()
            return None
        video.status, video.worker_id, video.attempts = VideoStatus.RUNNING, worker_id, video.attempts + 1
        video.started_at, video.progress, video.error = utc_now(), 0.0, None
        db.commit()
        return video.id


def give_back(write: sessionmaker[Session], video_id: int, worker_id: str) -> None:
    """Put a video this worker is running back in the queue without counting the attempt (a
    clean stop)."""
    with write() as db:
        db.execute(
            update(Video)
            .where(Video.id == video_id, Video.worker_id == worker_id, Video.status == VideoStatus.RUNNING)
            .values(
                status=VideoStatus.QUEUED,
                worker_id=None,
                progress=0.0,
                started_at=None,
                attempts=Video.attempts - 1,  # claim counted it: a running video has one or more
            )
        )
        db.commit()


def finish(write: sessionmaker[Session], video_id: int, worker_id: str, **values: object) -> bool:
    """Store a job's outcome, if ``worker_id`` still owns the running video (a worker taken for
    dead whose job went to another must not finish it too); the video no longer has a worker.
    Returns whether it did."""
    with write() as db:
        result = db.execute(
            update(Video)
            .where(Video.id == video_id, Video.worker_id == worker_id, Video.status == VideoStatus.RUNNING)
            .values(worker_id=None, **values)
        )
        db.commit()
    return bool(getattr(result, "rowcount", 0))


def set_progress(write: sessionmaker[Session], video_id: int, worker_id: str, fraction: float) -> None:
    with write() as db:
        db.execute(
            update(Video)
            .where(Video.id == video_id, Video.worker_id == worker_id, Video.status == VideoStatus.RUNNING)
            .values(progress=fraction)
        )
        db.commit()


def set_aside_reason(attempts: int, why: str) -> str:
    """The error of a video set aside after ``attempts`` attempts."""
    return (
        f"The analysis was set aside after {attempts} attempts: {why}. The server log has the "
        "details; please report it, and upload the video again once it is fixed."
    )


#: Why a video is set aside when its worker stopped during each attempt.
WORKER_STOPPED = "its worker stopped during each one (killed, crashed or its machine lost)"


def recover_stalled(write: sessionmaker[Session], settings: WorkerSettings) -> list[int]:
    """Queue again the running videos whose worker is dead (no heartbeat for ``stale_after_s``, or
    no row), or set them aside after ``max_attempts``; forget workers dead for a day. Returns the
    ids of the videos recovered."""
    with write() as db:
        now = _now(db)
        alive = select(Worker.id).where(
            Worker.heartbeat_at >= now - timedelta(seconds=settings.stale_after_s)
        )
        stalled = db.scalars(
            select(Video)
            .where(
                Video.status == VideoStatus.RUNNING,
                or_(Video.worker_id.is_(None), Video.worker_id.not_in(alive)),
            )
            .order_by(Video.id)
            .with_for_update(skip_locked=True)
        ).all()
        for video in stalled:
            log.warning(
                "video %s: its worker %s is gone; attempt %s", video.id, video.worker_id, video.attempts
            )
            video.worker_id, video.progress, video.started_at = None, 0.0, None
            if video.attempts >= settings.max_attempts:
                video.status, video.finished_at = VideoStatus.FAILED, utc_now()
                video.error = set_aside_reason(video.attempts, WORKER_STOPPED)
            else:
                video.status = VideoStatus.QUEUED
        db.execute(delete(Worker).where(Worker.heartbeat_at < now - timedelta(days=1)))
        db.commit()
        return [video.id for video in stalled]


@dataclass(frozen=True, kw_only=True)
class WorkerState:
    """A worker as ``GET /api/workers`` shows it."""

    id: str
    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime
    heartbeat_age_s: float
    alive: bool
    video_id: int | None


@dataclass(frozen=True, kw_only=True)
class QueueState:
    """The queue's depth and its workers."""

    queued: int
    running: int
    failed: int
    workers: list[WorkerState]

    @property
    def workers_alive(self) -> int:
        return sum(worker.alive for worker in self.workers)


def queue_state(read: sessionmaker[Session], settings: WorkerSettings) -> QueueState:
    """How many videos wait, run and failed, and each known worker with its last heartbeat."""
    with read() as db:
        if db.get_bind().dialect.name == "postgresql":  # a held lock makes health say so, not hang
            db.execute(text(f"SET LOCAL lock_timeout = {int(settings.read_lock_timeout_s * 1000)}"))
        now = _now(db)
        counts = dict(
            db.execute(
                select(Video.status, func.count())
                .where(Video.status.in_([VideoStatus.QUEUED, VideoStatus.RUNNING, VideoStatus.FAILED]))
                .group_by(Video.status)
            ).all()
        )
        running = dict(
            db.execute(select(Video.worker_id, Video.id).where(Video.status == VideoStatus.RUNNING)).all()
        )
        rows = db.scalars(select(Worker).order_by(Worker.started_at)).all()
    workers = []
    for row in rows:
        age_s = max((now - row.heartbeat_at).total_seconds(), 0.0)
        workers.append(
            WorkerState(
                id=row.id,
                host=row.host,
                pid=row.pid,
                started_at=row.started_at,
                heartbeat_at=row.heartbeat_at,
                heartbeat_age_s=round(age_s, 3),
                alive=age_s < settings.stale_after_s,
                video_id=running.get(row.id),
            )
        )
    return QueueState(
        queued=int(counts.get(VideoStatus.QUEUED, 0)),
        running=int(counts.get(VideoStatus.RUNNING, 0)),
        failed=int(counts.get(VideoStatus.FAILED, 0)),
        workers=workers,
    )
