"""The live video: ``WS /api/sessions/{id}/frames`` takes live mode's annotated JPEG frames,
``GET /api/sessions/{id}/live.mjpg`` streams the newest one to every viewer and
``GET /api/sessions/{id}/live.jpg`` gives it one at a time (see :mod:`vbt.service.stream.frames`).

Pushing frames is a write: beyond loopback it needs a token with the write scope (``Authorization``
header, ``vbt_token`` cookie or first message, see :mod:`vbt.service.stream.websockets`). Each binary message is one JPEG; a text message, a non-JPEG or a frame over
``Settings.max_frame_bytes`` closes the connection with a reason (1003 unsupported data, 1009 too
big). Nothing is sent back.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response, WebSocket
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from vbt.service.auth import ReadAccess
from vbt.service.deps import SessionId, session_or_404
from vbt.service.schemas import MAX_ID
from vbt.service.settings import Settings
from vbt.service.stream.frames import (
    MJPEG_MEDIA_TYPE,
    PLACEHOLDER_PATH,
    FrameHub,
    looks_like_jpeg,
    mjpeg_stream,
)
from vbt.service.stream.websockets import accept_session_websocket

router = APIRouter(tags=["live video"])

#: WebSocket close codes (RFC 6455).
UNSUPPORTED_DATA = 1003
MESSAGE_TOO_BIG = 1009


def install(app: FastAPI) -> None:
    """Give ``app`` a frame hub (replaced when the app starts) and its placeholder image."""
    app.state.frames = FrameHub()
    app.state.no_video_jpeg = PLACEHOLDER_PATH.read_bytes()


def _existing_session(session_id: SessionId, request: Request) -> int:
    # A short-lived session: a dependency's session would stay open as long as the stream.
    factory: sessionmaker[Session] = request.app.state.read_sessions
    with factory() as db:
        session_or_404(db, session_id)
    return session_id


@router.get(
    "/sessions/{session_id}/live.mjpg",
    dependencies=[ReadAccess],
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "multipart/x-mixed-replace: the newest JPEG frame each time one arrives "
            "(a 'no video' image when none came for a while); an <img> shows it as video.",
            "content": {"multipart/x-mixed-replace": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def live_mjpeg(
    request: Request, session_id: Annotated[int, Depends(_existing_session)]
) -> StreamingResponse:
    """The session's live video (the annotated frames ``vbt live`` pushes) as MJPEG, for any number
    of viewers; a slow viewer skips frames, nothing queues."""
    state = request.app.state
    settings: Settings = state.settings
    parts: AsyncIterator[bytes] = mjpeg_stream(
        state.frames, session_id, placeholder=state.no_video_jpeg, stale_s=settings.frame_stale_s
    )
    return StreamingResponse(
        parts,
        media_type=MJPEG_MEDIA_TYPE,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/sessions/{session_id}/live.jpg",
    dependencies=[ReadAccess],
    response_class=Response,
    responses={
        200: {
            "description": "The newest frame, or the 'no video' image when none came for a while. "
            "X-Frame-Seq is the seq of the session's newest frame (0: none yet); X-Frame-Stale is 1 "
            "when the image is the 'no video' one.",
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def live_jpeg(
    request: Request,
    session_id: Annotated[int, Depends(_existing_session)],
    after: Annotated[
        int, Query(ge=0, le=MAX_ID, description="Wait for a frame with a larger seq (the last one you got).")
    ] = 0,
    wait_s: Annotated[float, Query(ge=0, le=10, description="How long to wait for it (seconds).")] = 0.0,
) -> Response:
    """The session's newest live-video frame, one at a time: a viewer that asks again with the seq
    it got (``?after=SEQ&wait_s=5``) receives each new frame as it arrives and, when it is slower
    than the frames, skips to the newest; it never has more than one frame in flight."""
    state = request.app.state
    settings: Settings = state.settings
    frame = await state.frames.wait_newer(session_id, after, timeout_s=wait_s)
    stale = frame is None or time.monotonic() - frame.received_s >= settings.frame_stale_s
    headers = {
        "Cache-Control": "no-store",
        "X-Frame-Seq": str(frame.seq if frame is not None else 0),
        "X-Frame-Stale": "1" if stale else "0",
    }
    image = state.no_video_jpeg if stale or frame is None else frame.jpeg
    return Response(image, media_type="image/jpeg", headers=headers)


@router.websocket("/sessions/{session_id}/frames")
async def push_frames(websocket: WebSocket, session_id: SessionId) -> None:
    """Take JPEG frames (one per binary message) and make each the session's newest frame."""
    state = websocket.app.state
    settings: Settings = state.settings
    if not await accept_session_websocket(
        websocket, session_id, needed="write" if settings.writes_need_token else None
    ):
        return
    hub: FrameHub = state.frames
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        data = message.get("bytes")
        if data is None:
            reason = "Send each frame as a binary message holding one JPEG image."
            await websocket.close(code=UNSUPPORTED_DATA, reason=reason)
            return
        if len(data) > settings.max_frame_bytes:
            reason = f"Frame of {len(data)} bytes is over the {settings.max_frame_bytes}-byte limit; send ~640 px JPEGs."
            await websocket.close(code=MESSAGE_TOO_BIG, reason=reason)
            return
        if not looks_like_jpeg(data):
            reason = "Not a JPEG image; encode each frame as JPEG (cv2.imencode('.jpg', frame))."
            await websocket.close(code=UNSUPPORTED_DATA, reason=reason)
            return
        hub.publish(session_id, data)
