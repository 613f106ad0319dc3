"""``/api/videos``: upload a video of a set, follow its analysis, read its report.

The upload is parsed as it arrives (python-multipart's streaming parser) and its file part written to
disk in chunks, never held in memory. It is refused with 413 once the body passes
``UploadSettings.max_upload_bytes``, with 415 as soon as its first bytes are not a video container
(MP4/MOV ``ftyp``, Matroska/WebM EBML, AVI ``RIFF``), and with 422 when OpenCV cannot decode a frame
of it. An accepted video gets 202 and is analysed by the background worker (:mod:`vbt.service.jobs`).

Once analysed, the annotated video is served by ``GET /api/videos/{id}/annotated`` (with range
requests, so a browser can seek), and ``GET /api/sets/{id}/videos`` lists a set's uploads with the
address of each one's annotated video (the set page shows it).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from vbt.errors import InputError, ServiceError
from vbt.service.auth import ReadAccess, WriteAccess
from vbt.service.db import ReadSessionDep
from vbt.service.deps import SetId, athlete_or_404, set_or_404
from vbt.service.errors import ConflictError, NotFoundError
from vbt.service.jobs import (
    JobRunner,
    UploadSettings,
    VideoStatus,
    analyze_with_pipeline,
    store_rep_as_posted,
    upload_settings_for,
)
from vbt.service.models import LiftSet, Rep, TrainingSession, Video, utc_now
from vbt.service.schemas import MAX_ID, Id, LoadKg
from vbt.types import Lift

FILE_FIELD = "file"
FORM_FIELDS = frozenset({"set_id", "athlete_id", "exercise", "load_kg"})
MAX_FIELD_BYTES = 1000
HEAD_BYTES = 12

VideoId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="A video's id.")]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the video worker (tests may put ``upload_settings`` and ``video_analyzer`` in
    ``app.state`` before the app starts)."""
    upload: UploadSettings = getattr(app.state, "upload_settings", None) or upload_settings_for(
        app.state.settings
    )
    try:  # the folder itself is made by the first upload
        for leftover in (upload.video_dir / "incoming").glob("*.part"):  # cut short by a stop
            leftover.unlink(missing_ok=True)
    except OSError as exc:
        raise ServiceError(
            f"cannot use {upload.video_dir} for uploaded videos ({exc.strerror}); set VBT_DATA_DIR "
            "to a writable folder"
        ) from exc
    analyzer = getattr(app.state, "video_analyzer", None) or analyze_with_pipeline
    runner = JobRunner(app, analyzer=analyzer, upload=upload, store_rep=store_rep_as_posted)
    await run_in_threadpool(runner.start)
    app.state.upload_settings = upload
    app.state.video_jobs = runner
    try:
        yield
    finally:
        await run_in_threadpool(runner.close)


router = APIRouter(prefix="/videos", tags=["videos"], lifespan=lifespan)
#: ``/api/sets/{id}/videos``: included by ``create_app`` next to ``router``.
sets_router = APIRouter(prefix="/sets", tags=["videos"])


class VideoTarget(BaseModel):
    """Where the video's reps go: an existing set, or a new set in a new session of an athlete."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)
    set_id: Id | None = None
    athlete_id: Id | None = None
    exercise: Lift | None = None
    load_kg: LoadKg | None = None

    @model_validator(mode="after")
    def _one_target(self) -> VideoTarget:
        new_set = (self.athlete_id, self.exercise, self.load_kg)
        if self.set_id is not None and any(v is not None for v in new_set):
            raise ValueError("give either set_id, or athlete_id, exercise and load_kg, not both")
        if self.set_id is None and any(v is None for v in new_set):
            raise ValueError("give set_id (an existing set), or athlete_id, exercise and load_kg (a new set)")
        return self


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


def _public(video: Video, session_id: int) -> VideoPublic:
    return VideoPublic(
        id=video.id,
        set_id=video.set_id,
        session_id=session_id,
        filename=video.filename,
        container=video.container,
        size_bytes=video.size_bytes,
        status=VideoStatus(video.status),
        progress=video.progress,
        error=video.error,
        rep_count=video.rep_count,
        created_at=video.created_at,
        started_at=video.started_at,
        finished_at=video.finished_at,
        annotated_url=(
            f"/api/videos/{video.id}/annotated"
            if video.annotated_name and video.status == VideoStatus.DONE
            else None
        ),
    )


def container_of(head: bytes) -> str | None:
    """The container a file starts like (``mp4``, ``mov``, ``mkv``, ``avi``), or None."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mov" if head[8:12] == b"qt  " else "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "mkv"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    return None


NOT_A_VIDEO = (
    "The file is not a video: it does not start like an MP4/MOV, Matroska/WebM or AVI file. Upload the "
    "video file itself as the 'file' part."
)


class _Upload:
    """The state of one multipart body being parsed: form fields, and the file part written to disk."""

    def __init__(self, out: BinaryIO) -> None:
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self.file_bytes = 0
        self.head = b""
        self.problem: str | None = None
        self._out = out
        self._headers: dict[bytes, bytes] = {}
        self._field = bytearray()
        self._value = bytearray()
        self._part: str | None = None
        self._value_buffer = bytearray()
        self._seen_file = False

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._field.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._headers, self._part = {}, None
        self._value_buffer = bytearray()

    def _header_end(self) -> None:
        self._headers[bytes(self._field).lower()] = bytes(self._value)
        self._field, self._value = bytearray(), bytearray()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name == FILE_FIELD:
            if self._seen_file:
                self.problem = "send one video per upload (one 'file' part)"
            self._seen_file = True
            raw_name = options.get(b"filename", b"video").decode("utf-8", "replace")
            self.filename = "".join(c for c in Path(raw_name.replace("\\", "/")).name if c.isprintable())[
                :255
            ]
        elif name not in FORM_FIELDS:
            self.problem = (
                f"{name!r} is not a field of a video upload; use file, set_id, athlete_id, exercise, load_kg"
            )
        self._part = name

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self.problem is not None:
            return
        chunk = data[start:end]
        if self._part == FILE_FIELD:
            if len(self.head) < HEAD_BYTES:
                self.head += chunk[: HEAD_BYTES - len(self.head)]
            self._out.write(chunk)
            self.file_bytes += len(chunk)
        else:
            self._value_buffer.extend(chunk)
            if len(self._value_buffer) > MAX_FIELD_BYTES:
                self.problem = f"the form field {self._part!r} is too long"

    def _part_end(self) -> None:
        if self.problem is not None or self._part is None or self._part == FILE_FIELD:
            return
        try:
            self.fields[self._part] = bytes(self._value_buffer).decode("utf-8")
        except UnicodeDecodeError:
            self.problem = f"the form field {self._part!r} is not UTF-8 text"


def _boundary(request: Request) -> bytes:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary", b"")
    if content_type != b"multipart/form-data" or not boundary:
        raise HTTPException(
            415,
            detail="Send the video as multipart/form-data: a 'file' part with the video, and set_id "
            "(or athlete_id, exercise and load_kg) as form fields.",
        )
    return boundary


def _too_large(upload: UploadSettings) -> HTTPException:
    return HTTPException(
        413,
        detail=f"The upload is larger than this server accepts ({upload.max_upload_bytes / 1e6:.0f} MB); "
        "trim the video to the set, or ask the server's owner to raise VBT_MAX_UPLOAD_BYTES.",
    )


async def _receive(request: Request, upload: UploadSettings, part_path: Path) -> _Upload:
    """Parse the multipart body, writing the file part to ``part_path``; checks size and content."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > upload.max_upload_bytes:
        raise _too_large(upload)
    boundary = _boundary(request)
    received = 0
    try:
        part_path.parent.mkdir(parents=True, exist_ok=True)
        with part_path.open("wb") as out:
            state = _Upload(out)
            parser = MultipartParser(boundary, state.callbacks())
            async for chunk in request.stream():
                received += len(chunk)
                if received > upload.max_upload_bytes:
                    raise _too_large(upload)
                parser.write(chunk)
                if state.problem is not None:
                    raise InputError(f"The upload is not valid: {state.problem}.")
                if len(state.head) >= HEAD_BYTES and container_of(state.head) is None:
                    raise HTTPException(415, detail=NOT_A_VIDEO)
            parser.finalize()
    except MultipartParseError as exc:
        raise InputError(f"The upload is not a well-formed multipart/form-data body ({exc}).") from None
    except ClientDisconnect:
        raise InputError("The upload was interrupted before it ended; send it again.") from None
    except OSError as exc:
        raise ServiceError(
            f"The server cannot store the upload ({exc.strerror}); nothing was kept. Free space "
            "in its data directory (VBT_DATA_DIR) and send it again."
        ) from None
    if state.filename is None:
        raise InputError("The upload has no 'file' part; send the video as the form field 'file'.")
    if state.file_bytes == 0:
        raise InputError("The uploaded file is empty; send the video file itself.")
    return state


def _check_decodable(path: Path, filename: str) -> None:
    from vbt.capture.sources import VideoFileSource
    from vbt.errors import VideoError

    try:
        VideoFileSource(path).close()
    except VideoError as exc:
        message = str(exc).replace(str(path), filename)
        raise VideoError(f"The upload looks like a video but cannot be decoded: {message}") from None


def _store_video(
    request: Request, target: VideoTarget, state: _Upload, container: str, part_path: Path
) -> tuple[VideoPublic, int]:
    upload: UploadSettings = request.app.state.upload_settings
    with request.app.state.write_sessions() as db:
        if target.set_id is not None:
            lift_set = set_or_404(db, target.set_id)
            if db.query(Rep.id).filter(Rep.set_id == lift_set.id).first() is not None:
                raise ConflictError(
                    f"Set {lift_set.id} already has reps; upload the video into a new set "
                    "(give athlete_id, exercise and load_kg instead of set_id)."
                )
            if (
                db.query(Video.id)
                .filter(Video.set_id == lift_set.id, Video.status != VideoStatus.FAILED)
                .first()
                is not None
            ):
                raise ConflictError(f"Set {lift_set.id} already has a video; each set gets one.")
        else:
            assert target.athlete_id is not None and target.exercise is not None
            assert target.load_kg is not None
            athlete_or_404(db, target.athlete_id)
            training = TrainingSession(athlete_id=target.athlete_id, started_at=utc_now())
            db.add(training)
            db.flush()
            lift_set = LiftSet(session_id=training.id, exercise=target.exercise.value, load_kg=target.load_kg)
            db.add(lift_set)
            db.flush()
        video = Video(
            set_id=lift_set.id,
            filename=state.filename or "video",
            stored_name="",
            container=container,
            size_bytes=state.file_bytes,
            status=VideoStatus.QUEUED,
            progress=0.0,
        )
        db.add(video)
        db.flush()
        video.stored_name = f"{video.id}.{container}"
        final_path = upload.video_dir / video.stored_name
        part_path.replace(final_path)
        try:
            db.commit()
        except BaseException:
            final_path.unlink(missing_ok=True)
            raise
        return _public(video, lift_set.session_id), video.id


@router.post(
    "",
    status_code=202,
    dependencies=[WriteAccess],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [FILE_FIELD],
                        "properties": {
                            FILE_FIELD: {"type": "string", "format": "binary", "description": "The video."},
                            "set_id": {"type": "integer", "minimum": 1, "description": "An existing set."},
                            "athlete_id": {"type": "integer", "minimum": 1, "description": "For a new set."},
                            "exercise": {"type": "string", "enum": [lift.value for lift in Lift]},
                            "load_kg": {"type": "number", "minimum": 0, "exclusiveMaximum": 1000},
                        },
                    }
                }
            },
        }
    },
    responses={
        404: {"description": "The set or the athlete does not exist."},
        409: {"description": "The set already has reps or a video."},
        413: {"description": "The upload is larger than the server accepts."},
        415: {"description": "Not multipart/form-data, or the file is not a video container."},
        422: {"description": "The form is not valid, or OpenCV cannot decode the video."},
    },
)
async def upload_video(request: Request, response: Response) -> VideoPublic:
    """Upload a video of one set (multipart: ``file`` plus ``set_id``, or ``athlete_id``,
    ``exercise`` and ``load_kg`` for a new set in a new session); its analysis runs in the
    background: follow it with ``GET /api/videos/{id}``."""
    upload: UploadSettings = request.app.state.upload_settings
    part_path = upload.video_dir / "incoming" / f"{uuid.uuid4().hex}.part"
    try:
        state = await _receive(request, upload, part_path)
        container = container_of(state.head)
        if container is None:
            raise HTTPException(415, detail=NOT_A_VIDEO)
        try:
            target = VideoTarget.model_validate(state.fields)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from None
        await run_in_threadpool(_check_decodable, part_path, state.filename or "video")
        public, video_id = await run_in_threadpool(_store_video, request, target, state, container, part_path)
    finally:
        with suppress(OSError):
            part_path.unlink(missing_ok=True)
    runner: JobRunner = request.app.state.video_jobs
    runner.submit(video_id)
    response.headers["Location"] = f"/api/videos/{video_id}"
    return public


def _video_or_404(request: Request, video_id: int) -> tuple[Video, int]:
    with request.app.state.read_sessions() as db:
        video = db.get(Video, video_id)
        if video is None:
            raise NotFoundError(f"Video {video_id} does not exist; upload videos with POST /api/videos.")
        lift_set = db.get(LiftSet, video.set_id)
        assert lift_set is not None  # a foreign key
        return video, lift_set.session_id


@router.get("/{video_id}", dependencies=[ReadAccess])
def get_video(video_id: VideoId, request: Request) -> VideoPublic:
    """A video's analysis: ``status`` (queued, running, done, failed), ``progress`` (0..1), the
    ``error`` when it failed, and how many reps it stored in its set."""
    return _public(*_video_or_404(request, video_id))


@router.get(
    "/{video_id}/report",
    dependencies=[ReadAccess],
    responses={409: {"description": "The analysis has not finished (or failed)."}},
)
def get_video_report(video_id: VideoId, request: Request) -> dict[str, Any]:
    """The analysis report of a video (as ``vbt analyze --json`` writes it), once it is done."""
    import json

    video, _ = _video_or_404(request, video_id)
    if video.report_json is None:
        why = f"failed: {video.error}" if video.status == VideoStatus.FAILED else f"is {video.status}"
        raise ConflictError(f"Video {video_id} has no report yet: its analysis {why}.")
    report = json.loads(video.report_json)
    assert isinstance(report, dict)
    return report


@router.get(
    "/{video_id}/annotated",
    dependencies=[ReadAccess],
    response_class=FileResponse,
    responses={
        200: {"content": {"video/mp4": {}}, "description": "The annotated MP4 (byte ranges supported)."},
        206: {"description": "The requested byte range of the MP4."},
        404: {"description": "No such video, or no annotated video (yet)."},
    },
)
def get_annotated_video(video_id: VideoId, request: Request) -> FileResponse:
    """The annotated video of an analysed upload (MP4; ``Range`` requests are answered with 206,
    so a browser's player can seek); 404 until the analysis has written it."""
    video, _ = _video_or_404(request, video_id)
    upload: UploadSettings = request.app.state.upload_settings
    path = upload.video_dir / video.annotated_name if video.annotated_name else None
    if video.status != VideoStatus.DONE or path is None or not path.is_file():
        why = {
            VideoStatus.QUEUED: "its analysis has not started",
            VideoStatus.RUNNING: "its analysis is running",
            VideoStatus.FAILED: f"its analysis failed: {video.error}",
        }.get(VideoStatus(video.status), "the analysis wrote none (see the report's warnings)")
        raise NotFoundError(f"Video {video_id} has no annotated video: {why}.")
    stem = Path(video.filename).stem or "video"
    return FileResponse(
        path,
        media_type="video/mp4",
        filename=f"{stem}.annotated.mp4",
        content_disposition_type="inline",
    )


@sets_router.get("/{set_id}/videos", dependencies=[ReadAccess])
def list_set_videos(set_id: SetId, db: ReadSessionDep) -> list[VideoPublic]:
    """The videos uploaded into a set, oldest first, each with its analysis state and, once done,
    ``annotated_url``: where its annotated video is served."""
    lift_set = set_or_404(db, set_id)
    videos = db.scalars(select(Video).where(Video.set_id == set_id).order_by(Video.id)).all()
    return [_public(video, lift_set.session_id) for video in videos]
