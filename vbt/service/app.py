"""The FastAPI application, made by :func:`create_app` from :class:`Settings`; :func:`run` serves it
(``vbt serve``) and :func:`run_worker` runs an analysis worker with it (``vbt worker``).

Nothing is created at import: each app has its own engine, session factories and stream hub, kept
in ``app.state``. Migrations run on startup (``alembic upgrade head``), so a new version of vbt
upgrades a user's database and keeps the history in it.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

import vbt
from vbt.errors import ServiceError
from vbt.service.db import make_engine, make_sessionmakers, run_migrations
from vbt.service.doors import Doors, RedactTokens, allowed_host_names, exposed_warning
from vbt.service.errors import BodySizeLimit, install_error_handlers
from vbt.service.limits import BodyGuard
from vbt.service.progression import routes as progression_routes
from vbt.service.routes import athletes, lifts, pages, sessions, sets, tokens
from vbt.service.schemas import Health
from vbt.service.settings import Settings, settings_from_env
from vbt.service.stream.fanout import FanoutSettings, StreamHub
from vbt.service.stream.frames import FrameHub
from vbt.service.stream.postgres import notifier_for
from vbt.service.stream.routes import frames, reps, stream
from vbt.service.videos import queue
from vbt.service.videos import worker as video_worker
from vbt.service.videos.jobs import Analyzer, analyze_with_pipeline, store_rep_as_posted, upload_settings_for
from vbt.service.videos.queue import WorkerSettings
from vbt.service.videos.routes import videos, workers
from vbt.service.videos.storage import video_storage_for

_DESCRIPTION = """\
Velocity-based training data over HTTP: athletes, training sessions, sets and the reps the vbt
analysis measured, with each set's velocity figures and a live stream of reps as they are stored.

Live mode (`vbt live`) posts each rep provisionally (`"provisional": true`) as soon as it sees it and
replaces it with its final metrics (same `client_rep_id`) or deletes it; per-set velocity, history,
profiles and plans use final reps only. It also pushes its annotated frames to
`WS /api/sessions/{id}/frames`, shown to any number of viewers at `GET /api/sessions/{id}/live.mjpg`.

Errors are JSON objects with a `detail` sentence. Beyond loopback, reads need a token with the
`read` scope and writes one with the `write` scope (`vbt token create NAME --scope read|write|admin`),
sent as `Authorization: Bearer <token>`, as the `vbt_token` cookie (`POST /api/auth/cookie`) or as a
WebSocket's first message `{"token": "..."}`; never in a URL. A write or WebSocket from a foreign web
page (`Origin`) gets 403, a `Host` that is not one of the server's names 400.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new application for ``settings`` (default: :func:`settings_from_env`).

    The engine is created here but connects only when the app starts (migrations) or serves.

    Raises:
        InputError: the database URL cannot be used.
    """
    settings = settings if settings is not None else settings_from_env()
    engine = make_engine(settings.database_url, sqlite_busy_timeout_s=settings.sqlite_busy_timeout_s)
    read_sessions, write_sessions = make_sessionmakers(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(run_migrations, engine)
        hub = app.state.hub = StreamHub(
            read_sessions,
            settings=FanoutSettings(poll_s=settings.stream_poll_s),
            notifier=notifier_for(engine),  # LISTEN/NOTIFY between replicas on PostgreSQL
        )
        await hub.start()
        frames = app.state.frames = FrameHub()
        try:
            yield
        finally:
            hub.close()
            frames.close()
            engine.dispose()

    app = FastAPI(
        title="vbt",
        version=vbt.__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.read_sessions = read_sessions
    app.state.write_sessions = write_sessions
    app.state.hub = StreamHub(read_sessions)  # replaced by a fresh one each time the app starts
    frames.install(app)  # the live video's frame hub (also replaced at start) and placeholder
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(
        BodyGuard,
        body_idle_timeout_s=settings.body_idle_timeout_s,
        max_concurrent_uploads=settings.max_concurrent_uploads,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Last-Event-ID"],
        )
    # outermost: a refused Host or Origin reaches nothing else
    app.add_middleware(
        Doors, allowed_hosts=allowed_host_names(settings), trusted_origins=settings.cors_origins
    )

    api = APIRouter(prefix="/api")

    @api.get("/health", tags=["service"])
    async def health(request: Request) -> Health:
        """Whether the service is up, its version, its database kind, whether writes and reads
        need a token, and the video queue: ``degraded`` when the database is unreachable or videos wait
        with no live worker."""
        current: Settings = request.app.state.settings
        base = Health(
            status="ok",
            version=vbt.__version__,
            database=engine.dialect.name,
            writes_need_token=current.writes_need_token,
            reads_need_token=current.reads_need_token,
        )
        return await workers.health_of_queue(request, base)

    for module in (athletes, sessions, sets, reps, stream, frames, lifts):
        api.include_router(module.router)
    api.include_router(videos.router)  # also starts and stops the video analysis worker
    api.include_router(videos.sets_router)  # a set's videos
    api.include_router(workers.router)  # the analysis workers and the queue
    api.include_router(progression_routes.router)  # profiles, recommendations, plans, 1RMs
    api.include_router(tokens.router)  # the pages' sign-in cookie, token management
    app.include_router(api)
    stream.document_stream_events(app)  # the stream's rep and rep_deleted messages
    pages.install(app)  # dashboard pages, their /static files, offline /docs and /redoc
    return app


def prepare_database(settings: Settings) -> None:
    """Create or upgrade the database now, so that a problem is reported before serving.

    Raises:
        InputError, ServiceError: the database URL is unusable or the database unreachable.
    """
    engine = make_engine(settings.database_url, sqlite_busy_timeout_s=settings.sqlite_busy_timeout_s)
    try:
        run_migrations(engine)
    finally:
        engine.dispose()


def run(
    host: str = "127.0.0.1",
    port: int = 8000,
    db_url: str | None = None,
    *,
    data_dir: Path | None = None,
    max_upload_bytes: int | None = None,
    allowed_hosts: tuple[str, ...] | None = None,
    in_process_worker: bool = True,
    video_store: str | None = None,
    s3_endpoint_url: str | None = None,
) -> None:
    """Serve the API with uvicorn until interrupted (``vbt serve``).

    The arguments that are not None win over the ``VBT_*`` environment variables, which give the
    other settings (see :func:`settings_from_env`).

    Raises:
        InputError, ServiceError: the settings are unusable or the database unreachable.
    """
    import uvicorn

    settings = settings_from_env(
        database_url=db_url,
        host=host,
        port=port,
        data_dir=data_dir,
        max_upload_bytes=max_upload_bytes,
        allowed_hosts=allowed_hosts or None,
        in_process_worker=in_process_worker,
        video_store=video_store,
        s3_endpoint_url=s3_endpoint_url,
    )
    prepare_database(settings)
    app = create_app(settings)
    if (warning := exposed_warning(settings)) is not None:
        print(warning, file=sys.stderr)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        timeout_graceful_shutdown=3,
        timeout_keep_alive=max(1, round(settings.idle_timeout_s)),
        log_level="info",
    )  # configures logging: the filter goes on after it
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
    uvicorn.Server(config).run()


def run_worker(
    settings: Settings, worker_settings: WorkerSettings | None = None, analyzer: Analyzer | None = None
) -> None:
    """Run one worker in this process until SIGINT or SIGTERM (``vbt worker``): it upgrades the
    database first, then analyses queued videos; a signal stops it cleanly (a running analysis is
    queued again). ``analyzer`` defaults to the capture pipeline.

    Raises:
        InputError, ServiceError: the settings, the database or the video store cannot be used.
    """
    import signal

    wait_s = (worker_settings or WorkerSettings()).retry_initial_s
    while True:  # a database that is down when the worker starts is waited for, not fatal
        try:
            prepare_database(settings)
            break
        except ServiceError as exc:
            if not queue.is_transient(exc.__cause__ or exc):
                raise
            print(f"vbt worker: {exc}; trying again in {wait_s:.2g} s", file=sys.stderr, flush=True)
            time.sleep(wait_s)
            wait_s = min(wait_s * 2, (worker_settings or WorkerSettings()).retry_max_s)
    app = create_app(settings)  # never served: its sessions and stream hub carry the reps
    worker = video_worker.VideoWorker(
        app,
        analyzer=analyzer or analyze_with_pipeline,
        storage=video_storage_for(settings),
        store_rep=store_rep_as_posted,
        settings=worker_settings or WorkerSettings(),
        progress_interval_s=upload_settings_for(settings).progress_interval_s,
    )

    def stop(signum: int, _frame: object) -> None:
        video_worker.log.info("worker %s: stopping on signal %s", worker.id, signum)
        worker.request_stop()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    print(f"vbt worker {worker.id}: analysing queued videos (Ctrl+C stops)", file=sys.stderr, flush=True)
    try:
        worker.run_forever()
    finally:
        app.state.engine.dispose()
