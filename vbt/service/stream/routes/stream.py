"""The live rep stream of a session: ``WS /api/sessions/{id}/stream`` and its Server-Sent Events twin
``GET /api/sessions/{id}/events``.

Both send every rep of the session already stored (from ``?after=SEQ`` on, default all), then each
new rep as soon as it is committed, in ``seq`` order. A message is a :class:`RepEvent` as JSON
(``"type": "rep"``), or a :class:`RepDeletedEvent` (``"type": "rep_deleted"``) when a provisional
rep was deleted; a replaced provisional rep comes again as a ``rep`` event with a new ``seq`` (replace
the rep with the same ``client_rep_id``). Over SSE the event name is the type (``event: rep``,
``event: rep_deleted``) with ``id: <seq>``, so a reconnecting EventSource resumes by itself
(``Last-Event-ID``). Each message carries its set's stop-set cue (``cue``); ``?threshold_pct=`` sets
the velocity loss at which it says stop, unless the athlete's plan sets one (see
:mod:`vbt.service.stream.cue`).

A listener that falls too far behind is dropped so that it cannot hold up the others (see
:mod:`vbt.service.stream.fanout`): the WebSocket closes with code 1013 and the reason, the SSE stream sends a
``dropped`` event (``{"detail": ...}``) and ends. Reconnect from the last ``seq`` received.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterable
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, FastAPI, Header, Path, Query, Request, WebSocket
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic.json_schema import models_json_schema
from sqlalchemy.orm import Session, sessionmaker
from starlette.websockets import WebSocketDisconnect

from vbt.errors import InputError, ServiceError
from vbt.service.auth import ReadAccess
from vbt.service.deps import SessionId, session_or_404
from vbt.service.schemas import MAX_ID
from vbt.service.settings import Settings
from vbt.service.stream.fanout import RepDeletedEvent, RepEvent, StreamHub, follow
from vbt.service.stream.websockets import accept_session_websocket

router = APIRouter(tags=["stream"])

#: The WebSocket close code of a listener dropped as too slow (RFC 6455's "try again later").
CLOSE_TRY_AGAIN_LATER = 1013

After = Annotated[int, Query(ge=0, le=MAX_ID, description="Send only reps with a larger seq (default: all).")]
ThresholdPct = Annotated[
    float | None,
    Query(
        gt=0,
        lt=100,
        description="Velocity loss (%) at which the cue says stop, when the athlete's plan sets none "
        "(default 20).",
    ),
]


def _existing_session(session_id: SessionId, request: Request) -> int:
    # A short-lived session: a dependency's session would stay open as long as the stream.
    factory: sessionmaker[Session] = request.app.state.read_sessions
    with factory() as db:
        session_or_404(db, session_id)
    return session_id


def _last_event_id(
    last_event_id: Annotated[
        str | None,
        Header(
            max_length=100,
            description="The seq of the last event received (an EventSource sends it when it "
            "reconnects): only later events are sent.",
        ),
    ] = None,
) -> int | None:
    # checked before the stream starts: an error inside it could only cut the stream short
    if last_event_id is None:
        return None
    text = last_event_id.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 19 and int(text) <= MAX_ID):
        raise InputError(
            f"Last-Event-ID {text[:30]!r} is not the id of an event this stream sent (a whole number "
            f"from 0 to {MAX_ID}); reconnect without it, or with ?after=SEQ."
        )
    return int(text)


@router.get(
    "/sessions/{session_id}/events",
    response_class=EventSourceResponse,
    dependencies=[ReadAccess],
    responses={
        200: {
            "description": "A text/event-stream of `rep` events (RepEvent as JSON) and `rep_deleted` "
            "events (RepDeletedEvent as JSON)."
        }
    },
)
async def session_events(
    request: Request,
    session_id: Annotated[int, Depends(_existing_session)],
    after: After = 0,
    threshold_pct: ThresholdPct = None,
    last_event_id: Annotated[int | None, Depends(_last_event_id)] = None,
) -> AsyncIterable[ServerSentEvent]:
    """Server-Sent Events twin of the WebSocket stream, for clients without WebSockets."""
    state = request.app.state
    if last_event_id is not None:
        after = max(after, last_event_id)
    try:
        async for message in follow(state.hub, session_id, after_seq=after, threshold_pct=threshold_pct):
            yield ServerSentEvent(raw_data=message.json, event=message.type, id=str(message.seq))
    except ServiceError as exc:  # dropped as too slow, or the stream failed: the client reconnects
        yield ServerSentEvent(data={"detail": str(exc)}, event="dropped")


@router.websocket("/sessions/{session_id}/stream")
async def session_stream(
    websocket: WebSocket,
    session_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    after: After = 0,
    threshold_pct: ThresholdPct = None,
) -> None:
    """Every rep of the session as a JSON text message (a RepEvent, or a RepDeletedEvent for a
    deleted provisional rep), in order."""
    state = websocket.app.state
    settings: Settings = state.settings
    if not await accept_session_websocket(
        websocket, session_id, needed="read" if settings.reads_need_token else None
    ):
        return
    hub: StreamHub = state.hub
    dropped: str | None = None
    async with anyio.create_task_group() as tasks:

        async def watch_for_close() -> None:
            while (await websocket.receive())["type"] != "websocket.disconnect":
                pass
            tasks.cancel_scope.cancel()

        tasks.start_soon(watch_for_close)
        try:
            async for message in follow(hub, session_id, after_seq=after, threshold_pct=threshold_pct):
                await websocket.send_text(message.json)
        except ServiceError as exc:  # dropped as too slow, or the stream failed: the client reconnects
            dropped = str(exc)
        except (WebSocketDisconnect, OSError):
            pass
        tasks.cancel_scope.cancel()
    if dropped is not None:
        with contextlib.suppress(RuntimeError, OSError):
            await websocket.close(
                code=CLOSE_TRY_AGAIN_LATER, reason=dropped.encode()[:123].decode(errors="ignore")
            )
    elif hub.closed:
        with contextlib.suppress(RuntimeError, OSError):
            await websocket.close(code=1001, reason="The server is shutting down.")


def document_stream_events(app: FastAPI) -> None:
    """Describe the stream's messages in the OpenAPI document: the SSE route's items are
    ``RepEvent`` or ``RepDeletedEvent`` (the WebSocket sends the same JSON), both in the schemas."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        _, definitions = models_json_schema(
            [(RepEvent, "serialization"), (RepDeletedEvent, "serialization")],
            ref_template="#/components/schemas/{model}",
        )
        for name, definition in definitions.get("$defs", {}).items():
            components.setdefault(name, definition)
        route = schema["paths"].get("/api/sessions/{session_id}/events", {}).get("get", {})
        content = route.get("responses", {}).get("200", {}).get("content", {}).get("text/event-stream")
        if content is not None:
            item = content.setdefault("itemSchema", {"type": "object", "properties": {}})
            item.setdefault("properties", {})["event"] = {"type": "string", "enum": ["rep", "rep_deleted"]}
            item["properties"]["data"] = {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/RepEvent"},
                        {"$ref": "#/components/schemas/RepDeletedEvent"},
                    ],
                    "discriminator": {"propertyName": "type"},
                },
            }
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
