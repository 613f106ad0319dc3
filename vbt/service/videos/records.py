"""Uploaded videos as the API shows them, and the database row an accepted upload becomes.

:class:`VideoTarget` is where an upload's reps go (an existing set, or a new set in a new session);
:func:`store_video` checks it, adds the :class:`~vbt.service.models.Video` row and moves the
received file in the video store; :func:`video_public` is a row as the API returns it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.orm import Session

from vbt.service.deps import athlete_or_404, session_or_404, set_or_404
from vbt.service.errors import ConflictError
from vbt.service.models import LiftSet, Rep, TrainingSession, Video, utc_now
from vbt.service.schemas import Id, LiftName, LoadKg
from vbt.service.videos.public_text import public_report, video_problem, without_paths
from vbt.service.videos.queue import VideoStatus
from vbt.service.videos.storage import VideoStorage


class VideoTarget(BaseModel):
    """Where the video's reps go: an existing set, a new set in a session (``session_id``), or a new
    set in a new session of an athlete (``athlete_id``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)
    set_id: Id | None = None
    session_id: Id | None = None
    athlete_id: Id | None = None
    exercise: LiftName | None = None
    load_kg: LoadKg | None = None

    @model_validator(mode="after")
    def _one_target(self) -> VideoTarget:
        new_set = (self.exercise, self.load_kg)
        owners = (self.session_id, self.athlete_id)
        if self.set_id is not None and any(v is not None for v in (*new_set, *owners)):
            raise ValueError(
                "give either set_id, or session_id (or athlete_id), exercise and load_kg, not both"
            )
        if self.session_id is not None and self.athlete_id is not None:
            raise ValueError(
                "give session_id (a new set in that session) or athlete_id (a new session), not both"
            )
        if self.set_id is None and (all(v is None for v in owners) or any(v is None for v in new_set)):
            raise ValueError(
                "give set_id (an existing set), or session_id (or athlete_id for a new session), "
                "exercise and load_kg (a new set)"
            )
        return self


class QualityPublic(BaseModel):
    """The verdict of an analysis (``good`` / ``doubtful`` / ``unusable``) and why."""

    verdict: Literal["good", "doubtful", "unusable"]
    reasons: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class VideoPublic(BaseModel):
    """An uploaded video and the state of its analysis."""

    id: int
    set_id: int
    session_id: int
    filename: str
    container: str
    size_bytes: int
    status: VideoStatus
    progress: float
    error: str | None
    rep_count: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    annotated_url: str | None = None
    """Where the annotated MP4 is served, once the analysis is done and wrote one."""
    quality: QualityPublic | None = None
    """The analysis's verdict on its numbers, once it is done (the report's ``quality``)."""
    problem: str | None = None
    """Why the analysis gave the set no reps (or failed), in words; None when it stored reps."""


def public_error(video: Video) -> str | None:
    """Why the video's analysis failed, without the server's paths; None when it did not."""
    if not video.error:
        return None
    return without_paths(video.error, stored_name=video.stored_name, filename=video.filename)


def public_video_report(video: Video) -> dict[str, Any] | None:
    """The stored report without the server's paths; None before the analysis is done."""
    if video.report_json is None:
        return None
    report = public_report(
        json.loads(video.report_json), stored_name=video.stored_name, filename=video.filename
    )
    return report if isinstance(report, dict) else None


def _quality(report: dict[str, Any] | None) -> QualityPublic | None:
    """The report's verdict; None before the analysis is done (or from an older vbt)."""
    if report is None:
        return None
    quality = report.get("quality")
    if not isinstance(quality, dict):
        return None
    return QualityPublic.model_validate(
        {k: quality.get(k) for k in ("verdict", "reasons", "notes") if k in quality}
    )


def video_public(video: Video, session_id: int) -> VideoPublic:
    """``video`` (a row of the set's session ``session_id``) as the API returns it (no server paths)."""
    report = public_video_report(video)
    error = public_error(video)
    return VideoPublic(
        id=video.id,
        set_id=video.set_id,
        session_id=session_id,
        filename=video.filename,
        container=video.container,
        size_bytes=video.size_bytes,
        status=VideoStatus(video.status),
        progress=video.progress,
        error=error,
        rep_count=video.rep_count,
        created_at=video.created_at,
        started_at=video.started_at,
        finished_at=video.finished_at,
        quality=_quality(report),
        problem=video_problem(status=video.status, error=error, rep_count=video.rep_count, report=report),
        annotated_url=(
            f"/api/videos/{video.id}/annotated"
            if video.annotated_name and video.status == VideoStatus.DONE
            else None
        ),
    )


def _set_for(db: Session, target: VideoTarget) -> LiftSet:
    """The target's set: an existing one without reps or a video, or a new one in the target's
    session or in a new session of the target's athlete."""
    if target.set_id is not None:
        lift_set = set_or_404(db, target.set_id)
        if db.query(Rep.id).filter(Rep.set_id == lift_set.id).first() is not None:
            raise ConflictError(
                f"Set {lift_set.id} already has reps; upload the video into a new set "
                "(give session_id, exercise and load_kg instead of set_id)."
            )
        if (
            db.query(Video.id).filter(Video.set_id == lift_set.id, Video.status != VideoStatus.FAILED).first()
            is not None
        ):
            raise ConflictError(f"Set {lift_set.id} already has a video; each set gets one.")
        return lift_set
    assert target.exercise is not None and target.load_kg is not None
    if target.session_id is not None:
        training = session_or_404(db, target.session_id)
    else:
        assert target.athlete_id is not None
        athlete_or_404(db, target.athlete_id)
        training = TrainingSession(athlete_id=target.athlete_id, started_at=utc_now())
        db.add(training)
        db.flush()
    lift_set = LiftSet(session_id=training.id, exercise=target.exercise.value, load_kg=target.load_kg)
    db.add(lift_set)
    db.flush()
    return lift_set


def store_video(
    db: Session,
    target: VideoTarget,
    *,
    filename: str,
    size_bytes: int,
    container: str,
    part_path: Path,
    storage: VideoStorage,
) -> tuple[VideoPublic, int]:
    """Add a queued video row for the received file ``part_path`` and put the file in ``storage``
    as ``"<id>.<container>"``; commit. Returns the video as the API shows it, and its id.

    Raises:
        NotFoundError: the target's set or athlete does not exist.
        ConflictError: the target set already has reps, or a video that did not fail.
        ServiceError: the store cannot be written (nothing is kept).
    """
    lift_set = _set_for(db, target)
    video = Video(
        set_id=lift_set.id,
        filename=filename,
        stored_name="",
        container=container,
        size_bytes=size_bytes,
        status=VideoStatus.QUEUED,
        progress=0.0,
    )
    db.add(video)
    db.flush()
    video.stored_name = f"{video.id}.{container}"
    storage.put(video.stored_name, part_path)
    try:
        db.commit()
    except BaseException:
        storage.delete(video.stored_name)
        raise
    return video_public(video, lift_set.session_id), video.id
