"""``/api/videos``: upload a video of a set, follow its analysis, read its report.

The upload is streamed to disk and checked as it arrives (:mod:`vbt.service.videos.upload`: 413 over
``Settings.max_upload_bytes``, 415 for what is not a video container, 422 when OpenCV cannot decode
it), then stored as a queued video of its set (:mod:`vbt.service.videos.records`). An accepted video
gets 202 and waits in the queue (:mod:`vbt.service.videos.queue`) for a worker (:mod:`vbt.service.videos.worker`:
the one in this process, unless ``--no-worker``, or ``vbt worker`` processes); the files live in
the video store (:mod:`vbt.service.videos.storage`).

Once analysed, the annotated video is served by ``GET /api/videos/{id}/annotated`` (with range
requests, so a browser can seek), and ``GET /api/sets/{id}/videos`` lists a set's uploads with the
address of each one's annotated video (the set page shows it).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager, suppress
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse
from pydantic import ValidationError
from sqlalchemy import select
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from vbt.errors import ServiceError
from vbt.service.auth import ReadAccess, WriteAccess
from vbt.service.db import ReadSessionDep
from vbt.service.deps import SetId, set_or_404
from vbt.service.errors import ConflictError, NotFoundError
from vbt.service.models import LiftSet, Video
from vbt.service.schemas import MAX_ID
from vbt.service.videos.jobs import (
    UploadSettings,
    analyze_with_pipeline,
    store_rep_as_posted,
    upload_settings_for,
)
from vbt.service.videos.queue import VideoStatus, WorkerSettings
from vbt.service.videos.records import (
    VideoPublic,
    VideoTarget,
    public_error,
    public_video_report,
    store_video,
    video_public,
)
from vbt.service.videos.storage import VideoStorage, video_storage_for
from vbt.service.videos.upload import FILE_FIELD, NOT_A_VIDEO, check_decodable, container_of, receive_upload
from vbt.service.videos.worker import VideoWorker
from vbt.types import Lift

VideoId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="A video's id.")]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the in-process video worker (unless ``Settings.in_process_worker`` is off), with the
    upload settings and video store of ``app.state.settings`` (tests may put a ``video_analyzer``
    and ``worker_settings`` in ``app.state`` before the app starts)."""
    upload: UploadSettings = upload_settings_for(app.state.settings)
    storage = video_storage_for(app.state.settings)
    try:  # the folder itself is made by the first upload
        for leftover in (upload.video_dir / "incoming").glob("*.part"):  # cut short by a stop
            leftover.unlink(missing_ok=True)
    except OSError as exc:
        raise ServiceError(
            f"cannot use {upload.video_dir} for uploaded videos ({exc.strerror}); set VBT_DATA_DIR "
            "(or vbt serve --data-dir) to a writable folder"
        ) from exc
    app.state.upload_settings = upload
    app.state.video_storage = storage
    worker_settings = getattr(app.state, "worker_settings", None) or WorkerSettings()
    app.state.worker_settings = worker_settings
    worker = None
    if app.state.settings.in_process_worker:
        worker = VideoWorker(
            app,
            analyzer=getattr(app.state, "video_analyzer", None) or analyze_with_pipeline,
            storage=storage,
            store_rep=store_rep_as_posted,
            settings=worker_settings,
            progress_interval_s=upload.progress_interval_s,
        )
        worker.start()
    app.state.video_worker = worker
    try:
        yield
    finally:
        if worker is not None:
            await run_in_threadpool(worker.close)


router = APIRouter(prefix="/videos", tags=["videos"], lifespan=lifespan)
#: ``/api/sets/{id}/videos``: included by ``create_app`` next to ``router``.
sets_router = APIRouter(prefix="/sets", tags=["videos"])


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
                            "session_id": {
                                "type": "integer",
                                "minimum": 1,
                                "description": "For a new set in this session.",
                            },
                            "athlete_id": {
                                "type": "integer",
                                "minimum": 1,
                                "description": "For a new set in a new session.",
                            },
                            "exercise": {"type": "string", "enum": [lift.value for lift in Lift]},
                            "load_kg": {"type": "number", "minimum": 0, "exclusiveMaximum": 1000},
                        },
                    }
                }
            },
        }
    },
    responses={
        404: {"description": "The set, the session or the athlete does not exist."},
        409: {"description": "The set already has reps or a video."},
        413: {"description": "The upload is larger than the server accepts."},
        415: {"description": "Not multipart/form-data, or the file is not a video container."},
        422: {"description": "The form is not valid, or OpenCV cannot decode the video."},
    },
)
async def upload_video(request: Request, response: Response) -> VideoPublic:
    """Upload a video of one set (multipart: ``file`` plus ``set_id``; or ``session_id``,
    ``exercise`` and ``load_kg`` for a new set in that session; or ``athlete_id``, ``exercise`` and
    ``load_kg`` for a new set in a new session). The set is made only when the video is accepted.
    Its analysis runs in the background: follow it with ``GET /api/videos/{id}``."""
    upload: UploadSettings = request.app.state.upload_settings
    part_path = upload.video_dir / "incoming" / f"{uuid.uuid4().hex}.part"
    try:
        state = await receive_upload(request, upload, part_path)
        container = container_of(state.head)
        if container is None:
            raise HTTPException(415, detail=NOT_A_VIDEO)
        try:
            target = VideoTarget.model_validate(state.fields)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from None
        filename = state.filename or "video"
        await run_in_threadpool(check_decodable, part_path, filename)

        def store() -> tuple[VideoPublic, int]:
            with request.app.state.write_sessions() as db:
                return store_video(
                    db,
                    target,
                    filename=filename,
                    size_bytes=state.file_bytes,
                    container=container,
                    part_path=part_path,
                    storage=request.app.state.video_storage,
                )

        public, video_id = await run_in_threadpool(store)
    finally:
        with suppress(OSError):
            part_path.unlink(missing_ok=True)
    worker: VideoWorker | None = request.app.state.video_worker
    if worker is not None:
        worker.wake()
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
    return video_public(*_video_or_404(request, video_id))


@router.get(
    "/{video_id}/report",
    dependencies=[ReadAccess],
    responses={409: {"description": "The analysis has not finished (or failed)."}},
)
def get_video_report(video_id: VideoId, request: Request) -> dict[str, Any]:
    """The analysis report of a video (as ``vbt analyze --json`` writes it, without the server's
    file paths), once it is done."""
    video, _ = _video_or_404(request, video_id)
    if video.report_json is None:
        why = f"failed: {public_error(video)}" if video.status == VideoStatus.FAILED else f"is {video.status}"
        raise ConflictError(f"Video {video_id} has no report yet: its analysis {why}.")
    report = public_video_report(video)
    assert report is not None
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
    storage: VideoStorage = request.app.state.video_storage
    local = ExitStack()
    path = None
    if video.annotated_name and video.status == VideoStatus.DONE:
        with suppress(FileNotFoundError):
            path = local.enter_context(
                storage.local_copy(video.annotated_name, upload.video_dir / "outgoing")
            )
    if path is None:
        why = {
            VideoStatus.QUEUED: "its analysis has not started",
            VideoStatus.RUNNING: "its analysis is running",
            VideoStatus.FAILED: f"its analysis failed: {public_error(video)}",
        }.get(VideoStatus(video.status), "the analysis wrote none (see the report's warnings)")
        raise NotFoundError(f"Video {video_id} has no annotated video: {why}.")
    stem = Path(video.filename).stem or "video"
    return FileResponse(
        path,
        media_type="video/mp4",
        filename=f"{stem}.annotated.mp4",
        content_disposition_type="inline",
        background=BackgroundTask(local.close),  # a copy from an object store is removed once sent
    )


@sets_router.get("/{set_id}/videos", dependencies=[ReadAccess])
def list_set_videos(set_id: SetId, db: ReadSessionDep) -> list[VideoPublic]:
    """The videos uploaded into a set, oldest first, each with its analysis state and, once done,
    ``annotated_url``: where its annotated video is served."""
    lift_set = set_or_404(db, set_id)
    videos = db.scalars(select(Video).where(Video.set_id == set_id).order_by(Video.id)).all()
    return [video_public(video, lift_set.session_id) for video in videos]
