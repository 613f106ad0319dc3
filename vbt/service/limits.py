"""Stalled and piled-up request bodies: :class:`BodyGuard` answers a body that stops arriving with
408 and closes its connection, and refuses an upload beyond ``max_concurrent_uploads`` with 503.

An upload is a ``multipart/form-data`` POST (``POST /api/videos`` and any later upload route).
The idle timeout applies while the body is still arriving, not afterwards: a stream (SSE, MJPEG)
waits on the same channel for the client to go away, for as long as it likes.
"""

from __future__ import annotations

import anyio
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def is_upload(scope: Scope) -> bool:
    """Whether the request is an upload: a POST with a ``multipart/form-data`` body."""
    if scope["type"] != "http" or scope.get("method") != "POST":
        return False
    return Headers(scope=scope).get("content-type", "").lower().startswith("multipart/form-data")


class BodyGuard:
    """ASGI middleware: a body idle for ``body_idle_timeout_s`` gets 408; at most
    ``max_concurrent_uploads`` uploads are received at once, one more gets 503 + ``Retry-After``."""

    def __init__(
        self, app: ASGIApp, *, body_idle_timeout_s: float, max_concurrent_uploads: int, retry_after_s: int = 5
    ) -> None:
        self.app = app
        self.body_idle_timeout_s = body_idle_timeout_s
        self.max_concurrent_uploads = max_concurrent_uploads
        self.retry_after_s = retry_after_s
        self.uploads_in_progress = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_done = False
        timeout_s = self.body_idle_timeout_s

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:
                return await receive()
            with anyio.move_on_after(timeout_s):
                message = await receive()
                body_done = message["type"] != "http.request" or not message.get("more_body", False)
                return message
            raise HTTPException(
                408,
                detail=f"The request body stopped arriving for {timeout_s:g} s, so the server gave up "
                "on it; nothing was stored. Check the network and send it again.",
                headers={"Connection": "close"},
            )

        if not is_upload(scope):
            await self.app(scope, timed_receive, send)
            return
        if self.uploads_in_progress >= self.max_concurrent_uploads:
            busy = JSONResponse(
                {
                    "detail": f"The server is already receiving {self.uploads_in_progress} uploads, "
                    f"its limit; send this one again in {self.retry_after_s} s."
                },
                status_code=503,
                headers={"Retry-After": str(self.retry_after_s), "Connection": "close"},
            )
            await busy(scope, receive, send)
            return
        self.uploads_in_progress += 1
        try:
            await self.app(scope, timed_receive, send)
        finally:
            self.uploads_in_progress -= 1
