"""Analysing an uploaded video: the :class:`Analyzer` (by default the capture pipeline,
:func:`analyze_with_pipeline`), where uploads are kept (:class:`UploadSettings`) and how a rep of
its report is stored (:func:`store_rep_as_posted`: through the same function as
``POST /api/sets/{id}/reps``, so live-stream listeners see it).

The queue is in the database (:mod:`vbt.service.videos.queue`); the workers that run it are
:mod:`vbt.service.videos.worker`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from fastapi import FastAPI, Request, Response
from sqlalchemy.orm import Session

from vbt.closing import Closing
from vbt.errors import VbtError
from vbt.service.settings import DEFAULT_MAX_UPLOAD_BYTES, Settings
from vbt.types import Frame, Lift

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class UploadSettings:
    """Where uploaded videos are kept and how large one may be, resolved once from :class:`Settings`
    by :func:`upload_settings_for` when the app starts (so every request and the worker use the
    same folder).

    Attributes:
        data_dir: videos go to ``data_dir / "videos"``.
        max_upload_bytes: an upload (the whole multipart body) over this gets 413.
        progress_interval_s: the job's progress is written to the database at most this often.
    """

    data_dir: Path
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    progress_interval_s: float = 0.5

    @property
    def video_dir(self) -> Path:
        return self.data_dir / "videos"


def upload_settings_for(settings: Settings) -> UploadSettings:
    """The upload settings of ``settings``: its :attr:`~Settings.resolved_data_dir`,
    ``max_upload_bytes`` and ``video_progress_interval_s``."""
    return UploadSettings(
        data_dir=settings.resolved_data_dir,
        max_upload_bytes=settings.max_upload_bytes,
        progress_interval_s=settings.video_progress_interval_s,
    )


# ---------------------------------------------------------------- the analysis


class JobCancelledError(Exception):
    """Raised from a progress callback when the server is stopping (not a VbtError: not for users)."""


ProgressFn = Callable[[float], None]


class Analyzer(Protocol):
    """Analyse a video file; return the JSON report (``vbt analyze --json``: ``reps``, ``set``, ...).

    Write the annotated video to ``annotated_path`` when it can (MP4; the job records it if the file
    exists afterwards); a video that cannot be drawn is a warning in the report, not a failed job.
    Call ``progress(fraction)`` (0..1) now and then; it raises :class:`JobCancelledError` when the job
    must stop. Raise a :class:`VbtError` with a message for the user when the video cannot be used.
    """

    def __call__(
        self, path: Path, *, lift: Lift, load_kg: float, progress: ProgressFn, annotated_path: Path
    ) -> dict[str, Any]: ...


class _ProgressSource(Closing):
    """A frame source that reports the fraction of frames read (when the file announces a count)."""

    def __init__(self, source: Any, progress: ProgressFn) -> None:
        self._source = source
        self._progress = progress

    def __getattr__(self, name: str) -> Any:  # name, fps, frame_count, size_px, rotation_deg, error
        return getattr(self._source, name)

    @property
    def source(self) -> Any:
        """The source wrapped (as ``SourceWrapper.source``: the frame loop tells a file by it)."""
        return self._source

    def __iter__(self) -> Iterator[Frame]:
        total = self._source.frame_count
        for count, frame in enumerate(self._source, start=1):
            self._progress(min(count / total, 0.99) if total else 0.0)
            yield frame

    def close(self) -> None:
        self._source.close()


#: Share of the job's progress bar taken by tracking; drawing the annotated video takes the rest.
TRACKING_SHARE = 0.8


def analyze_with_pipeline(
    path: Path,
    *,
    lift: Lift,
    load_kg: float,
    progress: ProgressFn,
    annotated_path: Path,
    with_pose: bool = True,
    annotate: bool = True,
) -> dict[str, Any]:
    """The default :class:`Analyzer`: :func:`vbt.capture.pipeline.analyze_video`, its report, and
    the annotated video (:func:`vbt.report.video.write_annotated_video`) at ``annotated_path``.
    ``with_pose=False`` skips pose (clips without a person), ``annotate=False`` the annotated video
    (the dashboard's browser test uses both, to stay fast).

    Raises:
        VbtError: the video cannot be analysed (the pipeline's message). A failure to draw the
            annotated video only adds a warning to the report.
    """
    from vbt.capture.pipeline import analyze_video  # loads OpenCV; MediaPipe once it runs
    from vbt.capture.sources import VideoFileSource
    from vbt.report.json_report import set_report
    from vbt.report.video import write_annotated_video

    def tracking(fraction: float) -> None:
        progress(TRACKING_SHARE * fraction)

    with _ProgressSource(VideoFileSource(path), tracking) as source:
        result = analyze_video(source, lift=lift, load_kg=load_kg, progress=False, with_pose=with_pose)
    report = set_report(result.analysis, input_name=path.name, extra=dict(result.report_extra))
    warnings = list(report.get("warnings", []))
    if result.error is not None:
        warnings.append(str(result.error))
    progress(TRACKING_SHARE)  # the last chance to stop before drawing
    if not annotate:
        report["warnings"] = warnings
        return report
    try:
        write_annotated_video(
            path, annotated_path, track=result.track, analysis=result.analysis, calibration=result.calibration
        )
    except VbtError as exc:
        warnings.append(f"the annotated video could not be written: {first_line(exc)}")
    report["warnings"] = warnings
    return report


# ---------------------------------------------------------------- storing the reps


StoreRep = Callable[[FastAPI, Session, int, dict[str, Any]], None]


def annotated_name_for(video_id: int) -> str:
    """The file name of a video's annotated MP4, in the folder of the uploads."""
    return f"{video_id}.annotated.mp4"


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type when it has none)."""
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def store_rep_as_posted(app: FastAPI, db: Session, set_id: int, body: dict[str, Any]) -> None:
    """Store a rep through ``POST /api/sets/{id}/reps``'s own function (idempotent on
    ``client_rep_id``; wakes the stream's listeners).

    Keys of the report that the rep schema does not know are left out.

    Raises:
        ValidationError: the rep is outside the schema's bounds.
        ConflictError: the set holds a different rep with that id or index.
    """
    from vbt.service.schemas import RepCreate
    from vbt.service.stream.routes.reps import create_rep

    known = {key: value for key, value in body.items() if key in RepCreate.model_fields}
    request = Request({"type": "http", "app": app, "method": "POST", "headers": []})
    create_rep(set_id, RepCreate.model_validate(known), db, request, Response())
