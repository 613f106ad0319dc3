"""Errors as JSON a person can read: ``{"detail": "<one or two sentences>"}``, never a 500 page.

The service raises :class:`vbt.errors.VbtError` subclasses; :func:`install_error_handlers` maps them
(and FastAPI's own validation and HTTP errors) to 4xx responses with a readable ``detail``.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Collection, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vbt.errors import InputError, ServiceError, VbtError

log = logging.getLogger(__name__)


class NotFoundError(VbtError):
    """A resource named by id does not exist (404)."""


class ConflictError(VbtError):
    """The request contradicts what is stored, e.g. a reused ``client_rep_id`` (409)."""


class AuthError(VbtError):
    """A bearer token is missing or unknown (401)."""


class ForbiddenError(VbtError):
    """A known token whose scope does not cover the request (403)."""


class DiskFullError(ServiceError):
    """The server's disk (or the database's) is full (507)."""


#: SQLite's result code for "database or disk is full".
_SQLITE_FULL = 13
#: PostgreSQL's SQLSTATE for disk_full.
_PG_DISK_FULL = "53100"

DISK_FULL = (
    "The server's disk is full, so nothing was stored. Free space where the database and the videos "
    "are (or give the database room), then send it again."
)


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (a database or OS error, or one wrapping it) says the disk is full."""
    cause = getattr(exc, "orig", None) or exc
    if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
        return True
    if getattr(cause, "sqlite_errorcode", None) == _SQLITE_FULL:
        return True
    return getattr(cause, "sqlstate", None) == _PG_DISK_FULL


def status_for(exc: VbtError) -> int:
    """The HTTP status for a vbt error: 404, 409, 401, 403, 507, 503 or 422 for bad input, else 400."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, AuthError):
        return 401
    if isinstance(exc, ForbiddenError):
        return 403
    if isinstance(exc, DiskFullError):
        return 507
    if isinstance(exc, ServiceError):
        return 503
    if isinstance(exc, InputError):
        return 422
    return 400


def describe_validation_errors(errors: Sequence[Any]) -> str:
    """One readable sentence from pydantic's error list, e.g.
    ``"load_kg: Input should be less than 1000 (got 1500)."``."""
    parts: list[str] = []
    for error in errors[:10]:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        kind = error.get("type", "")
        message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
        where = ".".join(loc)
        if kind == "json_invalid":
            parts.append(f"the body is not valid JSON ({error.get('ctx', {}).get('error', '')})")
            continue
        if kind == "missing" and not where:
            parts.append("the request needs a JSON body")
            continue
        if kind == "finite_number":
            parts.append(f"{where}: NaN and infinity are not numbers; send null for a missing value")
            continue
        if kind == "extra_forbidden":
            parts.append(f"{where} is not a field of this resource (check its spelling)")
            continue
        shown = ""
        if kind != "missing" and "input" in error:
            got = repr(error["input"])
            shown = f" (got {got[:60]}{'...' if len(got) > 60 else ''})"
        parts.append(f"{where}: {message}{shown}" if where else f"{message}{shown}")
    if len(errors) > 10:
        parts.append(f"and {len(errors) - 10} more problems")
    return "The request is not valid: " + "; ".join(parts) + "."


def _clean_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type", "")}
        for e in errors
    ]


_GENERIC = {
    404: "There is no {path} here; the API is described at /docs.",
    405: "{method} is not allowed on {path}; see /docs for what it accepts.",
}


def _document_validation_errors(app: FastAPI) -> None:
    """Make the OpenAPI document describe the 422 bodies the handler below sends (``detail`` is a
    sentence, ``errors`` the list), not FastAPI's default (``detail`` a list)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        components = schema.get("components", {}).get("schemas", {})
        if "HTTPValidationError" in components:
            components["HTTPValidationError"] = {
                "title": "HTTPValidationError",
                "type": "object",
                "required": ["detail"],
                "properties": {
                    "detail": {"type": "string", "title": "Detail"},
                    "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}},
                },
            }
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into a ``{"detail": ...}`` JSON response."""
    _document_validation_errors(app)

    @app.exception_handler(VbtError)
    async def _vbt_error(request: Request, exc: VbtError) -> JSONResponse:
        status = status_for(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        return JSONResponse(
            {"detail": describe_validation_errors(errors), "errors": _clean_errors(errors)},
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        generic = _GENERIC.get(exc.status_code)
        if generic is not None and detail in ("Not Found", "Method Not Allowed"):
            detail = generic.format(path=request.url.path, method=request.method)
        return JSONResponse(
            {"detail": detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeoutError)
    async def _database(request: Request, exc: Exception) -> JSONResponse:
        if is_disk_full(exc):
            log.error("disk full on %s %s: %s", request.method, request.url.path, exc)
            return JSONResponse({"detail": DISK_FULL}, status_code=507)
        log.warning("database error on %s %s: %s", request.method, request.url.path, exc)
        return JSONResponse(
            {"detail": "The database is busy or unreachable; nothing was stored. Retry shortly."},
            status_code=503,
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: DataError) -> JSONResponse:
        # the schemas bound what they accept; this is the database refusing a value they let by
        log.warning("database refused a value on %s %s: %s", request.method, request.url.path, exc)
        return JSONResponse(
            {"detail": "A value in the request is outside what the database can store; nothing was stored."},
            status_code=422,
        )

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse(
            {
                "detail": "Something went wrong inside the vbt service (a bug); the server log "
                "has the details. Please report it."
            },
            status_code=500,
        )


TOO_LARGE = "The request body is too large; a rep or a set is a few kilobytes."


class BodySizeLimit:
    """ASGI middleware: a request body over ``max_body_bytes`` gets a JSON 413.

    A declared ``Content-Length`` over the limit is refused before reading; a streamed body is
    counted as it arrives and stopped with a 413 once it passes the limit. Paths in
    ``own_limit_paths`` (video uploads, streamed to disk) enforce their own, larger limit.
    """

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, own_limit_paths: Collection[str] = ("/api/videos",)
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.own_limit_paths = frozenset(own_limit_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.own_limit_paths:
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await JSONResponse({"detail": TOO_LARGE}, status_code=413)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise StarletteHTTPException(413, detail=TOO_LARGE)
            return message

        await self.app(scope, counted, send)
