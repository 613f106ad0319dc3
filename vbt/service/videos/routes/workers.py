"""``GET /api/workers``: the analysis workers, each with its last heartbeat, and the queue's depth.

A worker is ``alive`` while its heartbeat is younger than ``WorkerSettings.stale_after_s``; a
running video whose worker is not alive goes back to the queue (see :mod:`vbt.service.videos.queue`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from vbt.service.auth import ReadAccess
from vbt.service.schemas import Health
from vbt.service.videos.queue import QueueState, WorkerState, queue_state

router = APIRouter(prefix="/workers", tags=["service"])


class WorkersPublic(BaseModel):
    """The queue's depth and every worker the database knows (dead ones for a day)."""

    queued: int
    running: int
    failed: int
    workers_alive: int
    workers: list[WorkerState]
    """Each worker: its id, host, pid, start, last heartbeat (and its age), whether it is alive,
    and the video it is analysing."""


def workers_public(state: QueueState) -> WorkersPublic:
    return WorkersPublic(
        queued=state.queued,
        running=state.running,
        failed=state.failed,
        workers_alive=state.workers_alive,
        workers=state.workers,
    )


async def current_queue(request: Request) -> QueueState:
    """The queue of the app's database (raises the database's error when it is unreachable)."""
    return await run_in_threadpool(
        queue_state, request.app.state.read_sessions, request.app.state.worker_settings
    )


@router.get("", dependencies=[ReadAccess])
async def list_workers(request: Request) -> WorkersPublic:
    """Each analysis worker with its last heartbeat and whether it is alive, and how many videos
    are queued, running and failed."""
    return workers_public(await current_queue(request))


async def health_of_queue(request: Request, health: Health) -> Health:
    """``health`` with the queue's depth and live workers; ``degraded`` (with the reason) when the
    database cannot be read, or videos wait and no worker is alive."""
    try:
        state = await current_queue(request)
    except SQLAlchemyError as exc:
        why = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        return health.model_copy(
            update={"status": "degraded", "problem": f"the database cannot be read: {why}"}
        )
    problem = None
    if state.queued and not state.workers_alive:
        problem = f"{state.queued} video(s) wait and no analysis worker is alive; start one with `vbt worker`"
    return health.model_copy(
        update={
            "status": "degraded" if problem else "ok",
            "videos_queued": state.queued,
            "workers_alive": state.workers_alive,
            "problem": problem,
        }
    )
