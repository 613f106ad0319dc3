"""Opening a session's WebSocket (the rep stream, the frame push): the same checks as the HTTP routes
(a token with the needed scope when the server asks for one, a session that exists).

The token comes in the ``Authorization`` header or the ``vbt_token`` cookie, checked before the
socket is accepted (a refusal is an HTTP 401/403/404 with its reason); or, when neither carries
one, as the first message after the socket opens: a text message ``{"token": "vbt_..."}``, within
``Settings.websocket_auth_timeout_s``. A refusal after opening closes with code 1008 and the reason.
"""

from __future__ import annotations

import json
from functools import partial

import anyio
from fastapi import WebSocket
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from vbt.errors import VbtError
from vbt.service.auth import TokenScope, check_token, presented_token
from vbt.service.deps import session_or_404
from vbt.service.errors import status_for
from vbt.service.settings import Settings

#: WebSocket close code for a refused token (RFC 6455 "policy violation").
POLICY_VIOLATION = 1008
#: The longest close reason a WebSocket frame holds, in bytes (RFC 6455).
_MAX_REASON_BYTES = 123


def _refusal(
    sessions: sessionmaker[Session], session_id: int, *, needed: TokenScope | None, token: str | None
) -> VbtError | None:
    """Why the WebSocket may not open (a missing token, a too small scope, no such session), or
    None when it may."""
    try:
        if needed is not None:
            check_token(sessions, token, needed)
        with sessions() as db:
            session_or_404(db, session_id)
    except VbtError as exc:
        return exc
    return None


def _token_message(text: str | None) -> str | None:
    try:
        body = json.loads(text or "")
    except ValueError:
        return None
    token = body.get("token") if isinstance(body, dict) else None
    return token if isinstance(token, str) and token else None


async def _first_message_token(websocket: WebSocket, timeout_s: float) -> str | None:
    with anyio.move_on_after(timeout_s):
        message = await websocket.receive()
        if message["type"] == "websocket.receive":
            return _token_message(message.get("text"))
    return None


def _short(reason: str) -> str:
    data = reason.encode("utf-8")
    return (
        reason
        if len(data) <= _MAX_REASON_BYTES
        else data[: _MAX_REASON_BYTES - 3].decode("utf-8", "ignore") + "..."
    )


async def accept_session_websocket(
    websocket: WebSocket, session_id: int, *, needed: TokenScope | None
) -> bool:
    """Accept the WebSocket of ``session_id``, or refuse it with its reason.

    Parameters:
        needed: the token scope this server needs for it, or None when it needs no token.

    Returns:
        True when accepted (and, for a first-message token, authenticated).
    """
    settings: Settings = websocket.app.state.settings
    sessions: sessionmaker[Session] = websocket.app.state.read_sessions
    token = presented_token(websocket)
    if needed is None or token is not None:
        refusal = await run_in_threadpool(partial(_refusal, sessions, session_id, needed=needed, token=token))
        if refusal is not None:
            await websocket.send_denial_response(JSONResponse({"detail": str(refusal)}, status_for(refusal)))
            return False
        await websocket.accept()
        return True
    await websocket.accept()
    token = await _first_message_token(websocket, settings.websocket_auth_timeout_s)
    refusal = await run_in_threadpool(partial(_refusal, sessions, session_id, needed=needed, token=token))
    if refusal is not None:
        detail = str(refusal)
        if token is None:
            detail = (
                f'This server needs a token: send it as the first message, {{"token": "..."}}, within '
                f"{settings.websocket_auth_timeout_s:g} s, or in the Authorization header."
            )
        await websocket.close(code=POLICY_VIOLATION, reason=_short(detail))
        return False
    return True
