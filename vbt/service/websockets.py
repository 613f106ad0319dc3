"""Opening a session's WebSocket (the rep stream, the frame push): the same checks as the HTTP routes,
a bearer token (header or ``?access_token=``) when the server needs one, and a session that exists."""

from __future__ import annotations

from functools import partial

from fastapi import WebSocket
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from vbt.service.auth import HOW, token_is_valid
from vbt.service.deps import session_or_404
from vbt.service.errors import NotFoundError


def _refusal(
    sessions: sessionmaker[Session], session_id: int, *, need_token: bool, token: str | None, what: str
) -> JSONResponse | None:
    """Why the WebSocket may not open (a 401 or 404 response), or None when it may."""
    with sessions() as db:
        if need_token and not token:
            return JSONResponse({"detail": f"This server needs a bearer token for {what}; {HOW}."}, 401)
        if need_token and not token_is_valid(db, token):
            return JSONResponse({"detail": f"The bearer token is not known; {HOW}."}, 401)
        try:
            session_or_404(db, session_id)
        except NotFoundError as exc:
            return JSONResponse({"detail": str(exc)}, 404)
    return None


async def accept_session_websocket(
    websocket: WebSocket, session_id: int, *, need_token: bool, what: str
) -> bool:
    """Accept the WebSocket of ``session_id``, or deny it with a 401 or 404 and its reason.

    Parameters:
        need_token: whether this server needs a bearer token for it.
        what: what the token is for, in the refusal ("reads", "changes").

    Returns:
        True when accepted.
    """
    header = websocket.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    refusal = await run_in_threadpool(
        partial(
            _refusal,
            websocket.app.state.read_sessions,
            session_id,
            need_token=need_token,
            token=token or websocket.query_params.get("access_token"),
            what=what,
        )
    )
    if refusal is not None:
        await websocket.send_denial_response(refusal)
        return False
    await websocket.accept()
    return True
