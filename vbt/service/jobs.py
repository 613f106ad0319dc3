"""Background analysis of uploaded videos: a queue, one worker thread, and the job's states.

A video row moves ``queued → running → done | failed``. The worker runs an :class:`Analyzer` (by
default the capture pipeline, :func:`analyze_with_pipeline`) on the stored file, then stores each rep
of the report through the same function as ``POST /api/sets/{id}/reps`` (so live-stream listeners see
them), with ``client_rep_id = "video-<id>-rep-<index>"``: a job that runs again after a crash never
duplicates a rep. The report JSON is stored on the video row, and the annotated video the analyzer
wrote (``<id>.annotated.mp4`` next to the upload) is recorded in ``annotated_name``.

The runner is made and closed by the videos router's lifespan (nothing at import). Its worker is a
daemon thread; closing asks a running analysis to stop at its next frame and puts the video back in
the queue, and videos still queued or running when the server stopped are queued again at start.
"""

from __future__ import annotations

import json
import logging
import math
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from fastapi import FastAPI, Request, Response
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from vbt.closing import Closing
from vbt.errors import InputError, VbtError
from vbt.service.errors import ConflictError
from vbt.service.models import LiftSet, Video, utc_now
from vbt.service.settings import DEFAULT_MAX_UPLOAD_BYTES, Settings
from vbt.types import Frame, Lift

log = logging.getLogger(__name__)


class VideoStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


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
        warnings.append(f"the annotated video could not be written: {_first_line(exc)}")
    report["warnings"] = warnings
    return report


# ---------------------------------------------------------------- the runner


StoreRep = Callable[[FastAPI, Session, int, dict[str, Any]], None]


class JobRunner:
    """One worker thread that analyses queued videos, one at a time (the machine's cores go to the
    analysis, not to many analyses at once).

    Parameters:
        app: the application (its write sessions, its stream hub).
        analyzer: what analyses a video file.
        upload: where the videos are.
        store_rep: stores one rep body in a set the way ``POST /api/sets/{id}/reps`` does.
    """

    def __init__(
        self, app: FastAPI, *, analyzer: Analyzer, upload: UploadSettings, store_rep: StoreRep
    ) -> None:
        self._app = app
        self._write: sessionmaker[Session] = app.state.write_sessions
        self._analyzer = analyzer
        self._upload = upload
        self._store_rep = store_rep
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="vbt-video-jobs", daemon=True)

    def start(self) -> None:
        """Queue again the videos a stopped server left queued or running; start the worker."""
        with self._write() as db:
            unfinished = db.scalars(
                select(Video.id)
                .where(Video.status.in_([VideoStatus.QUEUED, VideoStatus.RUNNING]))
                .order_by(Video.id)
            ).all()
            db.execute(
                update(Video).where(Video.id.in_(unfinished)).values(status=VideoStatus.QUEUED, progress=0.0)
            )
            db.commit()
        for video_id in unfinished:
            self._queue.put(video_id)
        self._thread.start()

    def submit(self, video_id: int) -> None:
        """Queue a stored (``queued``) video for analysis."""
        self._queue.put(video_id)

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop the worker: a running analysis stops at its next frame and is queued again."""
        self._stop.set()
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout=timeout_s)

    def _work(self) -> None:
        while not self._stop.is_set():
            video_id = self._queue.get()
            if video_id is None:
                return
            self.run(video_id)

    def _set(self, video_id: int, **values: Any) -> None:
        with self._write() as db:
            db.execute(update(Video).where(Video.id == video_id).values(**values))
            db.commit()

    def run(self, video_id: int) -> None:
        """Analyse one video and store its outcome (called by the worker thread)."""
        with self._write() as db:
            video = db.get(Video, video_id)
            if video is None or video.status != VideoStatus.QUEUED:
                return
            lift_set = db.get(LiftSet, video.set_id)
            assert lift_set is not None  # a foreign key
            lift, load_kg, set_id = Lift(lift_set.exercise), lift_set.load_kg, lift_set.id
            filename = video.filename
            path = self._upload.video_dir / video.stored_name
            annotated = self._upload.video_dir / annotated_name_for(video_id)
            video.status, video.started_at, video.progress = VideoStatus.RUNNING, utc_now(), 0.0
            db.commit()
        try:
            report = self._analyzer(
                path,
                lift=lift,
                load_kg=load_kg,
                progress=self._progress_writer(video_id),
                annotated_path=annotated,
            )
            stored, skipped = self._store_reps(video_id, set_id, report)
        except JobCancelledError:
            self._set(video_id, status=VideoStatus.QUEUED, progress=0.0, started_at=None)
            return
        except VbtError as exc:  # its message names the stored file: name the uploaded one
            self._fail(video_id, str(exc).replace(str(path), filename))
            return
        except Exception as exc:  # a bug in the analysis must not kill the worker
            log.error("video %s: the analysis failed unexpectedly", video_id, exc_info=exc)
            self._fail(
                video_id,
                f"The analysis stopped with an internal error ({type(exc).__name__}); the server "
                "log has the details. Please report it.",
            )
            return
        if skipped:
            report["warnings"] = [*report.get("warnings", []), *skipped]
        if "input" in report:  # the stored file's name means nothing to the user
            report["input"] = filename
        self._set(
            video_id,
            status=VideoStatus.DONE,
            progress=1.0,
            rep_count=stored,
            report_json=json.dumps(report, allow_nan=False),
            annotated_name=annotated.name if annotated.is_file() else None,
            finished_at=utc_now(),
        )

    def _fail(self, video_id: int, message: str) -> None:
        self._set(video_id, status=VideoStatus.FAILED, error=message, finished_at=utc_now())

    def _progress_writer(self, video_id: int) -> ProgressFn:
        last_write = [-math.inf, 0.0]

        def progress(fraction: float) -> None:
            if self._stop.is_set():
                raise JobCancelledError
            now = time.monotonic()
            if now - last_write[0] >= self._upload.progress_interval_s and fraction != last_write[1]:
                last_write[:] = [now, fraction]
                value = min(max(float(fraction), 0.0), 1.0) if math.isfinite(fraction) else 0.0
                self._set(video_id, progress=value)

        return progress

    def _store_reps(self, video_id: int, set_id: int, report: dict[str, Any]) -> tuple[int, list[str]]:
        """Store the report's reps in the set; returns how many and a warning per rep left out."""
        stored, skipped = 0, []
        for rep in report.get("reps", []):
            body = {**rep, "client_rep_id": f"video-{video_id}-rep-{rep.get('index')}"}
            try:
                with self._write() as db:
                    self._store_rep(self._app, db, set_id, body)
            except (ValidationError, InputError, ConflictError) as exc:
                skipped.append(f"rep {rep.get('index')} was not stored: {_first_line(exc)}")
                continue
            stored += 1
        return stored, skipped


def annotated_name_for(video_id: int) -> str:
    """The file name of a video's annotated MP4, in the folder of the uploads."""
    return f"{video_id}.annotated.mp4"


def _first_line(exc: Exception) -> str:
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
    from vbt.service.routes.reps import create_rep
    from vbt.service.schemas import RepCreate

    known = {key: value for key, value in body.items() if key in RepCreate.model_fields}
    request = Request({"type": "http", "app": app, "method": "POST", "headers": []})
    create_rep(set_id, RepCreate.model_validate(known), db, request, Response())
