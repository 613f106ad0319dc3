"""Live reps: one reader per session fans each committed event out to every listener (WebSocket, SSE).

The database is the source of truth (:mod:`vbt.service.stream.events`). Per process, each session
with listeners has one reader: woken when a rep of the session is committed (by this process, or on
PostgreSQL by any process through ``LISTEN/NOTIFY``, :mod:`vbt.service.stream.postgres`), and every
``poll_s`` anyway, it reads the new events once, renders each once per cue threshold in use, and
appends them to each listener's bounded queue. It never waits for a listener: one whose queue is full
is dropped with a reason (:class:`SlowListenerError`; it reconnects from the last ``seq`` it got),
and the others carry on.

A listener first subscribes, then replays what it asked for (``after_seq`` on) from the database by
itself, then sends its queue, skipping what the replay already sent: every event once, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import anyio
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from vbt.errors import ServiceError
from vbt.service.stream.events import (
    Message,
    RepDeletedEvent,
    RepEvent,
    SessionEvents,
    StreamEvent,
    Threshold,
    last_seq,
)

__all__ = [
    "FanoutSettings",
    "Message",
    "RepDeletedEvent",
    "RepEvent",
    "SlowListenerError",
    "StreamEvent",
    "StreamHub",
    "follow",
]

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class FanoutSettings:
    """How the stream fans out.

    Attributes:
        poll_s: a session's reader re-reads the database this often when nothing woke it (reps
            written by a process that does not notify; a lost notification). Lowering it bounds the
            delay of such reps, at one query per session with listeners each time.
        listener_queue: messages a listener may have waiting unsent; one more and it is dropped. Raising
            it lets a slow screen fall further behind before it must reconnect, at about 1 kB of memory
            per message and listener.
        retry_s: after a database error, a reader waits this long before it reads again (seconds).
    """

    poll_s: float = 2.0
    listener_queue: int = 500
    retry_s: float = 1.0


class SlowListenerError(ServiceError):
    """A listener fell so far behind that it was dropped; the message says from where to resume."""


class Notifier(Protocol):
    """Carries "session S has new events" between processes (PostgreSQL's ``LISTEN/NOTIFY``)."""

    def publish(self, session_id: int) -> None:
        """Tell every process; call after the event's transaction committed (any thread)."""

    async def listen(self, wake: Callable[[int | None], None]) -> None:
        """Call ``wake(session_id)`` for each notification (``wake(None)``: maybe missed some, wake
        every reader), until cancelled."""


@dataclass(eq=False)
class Listener:
    """One open stream: its cue threshold and its queue of messages to send."""

    threshold_pct: Threshold
    capacity: int
    messages: deque[Message] = field(default_factory=deque)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    dropped: bool = False

    def offer(self, batch: list[Message]) -> bool:
        """Queue ``batch``; False (and dropped) when the queue would overflow."""
        if len(self.messages) + len(batch) > self.capacity:
            self.dropped = True
            self.messages.clear()
        else:
            self.messages.extend(batch)
        self.ready.set()
        return not self.dropped


class _SessionReader:
    """The one reader of a session in this process (see the module doc)."""

    def __init__(self, hub: StreamHub, session_id: int) -> None:
        self.hub = hub
        self.session_id = session_id
        self.listeners: set[Listener] = set()
        self.wake = asyncio.Event()
        self.started = asyncio.Event()  # set once its start cursor is read
        self.failed = False  # the reader ended on an unexpected error
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        try:
            await self._run()
        except Exception:
            self.failed = True
            log.exception("the stream reader of session %d failed", self.session_id)
        finally:
            self.hub.forget(self)
            self.started.set()
            for listener in self.listeners:
                listener.ready.set()

    async def _run(self) -> None:
        hub = self.hub
        start = await hub.read(last_seq, self.session_id)
        if start is None:
            return
        events = SessionEvents(self.session_id, start)
        self.started.set()
        while self.listeners and not hub.closed:
            self.wake.clear()
            thresholds = {listener.threshold_pct for listener in self.listeners}
            read = await hub.read(events.read, thresholds)
            if read is None:
                return
            out, complete = read
            self._publish(out)
            if complete:
                with anyio.move_on_after(hub.settings.poll_s):
                    await self.wake.wait()

    def _publish(self, out: dict[Threshold, list[Message]]) -> None:
        for listener in list(self.listeners):
            # A listener whose threshold was not rendered joined during this read: its own replay,
            # which starts after it joined, covers these events.
            batch = out.get(listener.threshold_pct)
            if batch and not listener.offer(batch):
                self.listeners.discard(listener)


class StreamHub:
    """The readers of this process's streamed sessions. ``notify`` and ``wake`` may be called from
    any thread; the rest from the event loop the hub was started on."""

    def __init__(
        self,
        sessions: sessionmaker[Session] | None = None,
        *,
        settings: FanoutSettings | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings if settings is not None else FanoutSettings()
        self.notifier = notifier
        self._readers: dict[int, _SessionReader] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listening: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    async def start(self) -> None:
        """Run on the current event loop (and listen for other processes' notifications)."""
        self._loop = asyncio.get_running_loop()
        if self.notifier is not None:
            self._listening = asyncio.create_task(self.notifier.listen(self.wake))

    def notify(self, session_id: int) -> None:
        """Say that ``session_id`` has new events; call after their transaction committed."""
        self.wake(session_id)
        if self.notifier is not None:
            self.notifier.publish(session_id)

    def wake(self, session_id: int | None) -> None:
        """Wake this process's reader of ``session_id`` (None: every reader)."""
        loop = self._loop
        if loop is None:
            return
        # RuntimeError: the loop has closed, there is nobody to wake.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._wake, session_id)

    def _wake(self, session_id: int | None) -> None:
        if session_id is None:
            readers = list(self._readers.values())
        else:
            reader = self._readers.get(session_id)
            readers = [reader] if reader is not None else []
        for reader in readers:
            reader.wake.set()

    def reader_count(self) -> int:
        """How many sessions have a reader (one per session with listeners)."""
        return len(self._readers)

    def listener_count(self, session_id: int) -> int:
        reader = self._readers.get(session_id)
        return len(reader.listeners) if reader is not None else 0

    async def read(self, function: Callable[..., T], *args: Any) -> T | None:
        """``function(db, *args)`` in a worker thread on a short-lived session; after a database
        error, log it and retry every ``retry_s``; None once the hub closed."""
        if self.sessions is None:
            raise ServiceError("the stream hub has no database; make it with sessions")
        sessions = self.sessions

        def call() -> T:
            with sessions() as db:
                return function(db, *args)

        while not self._closed:
            try:
                return await run_in_threadpool(call)
            except SQLAlchemyError as exc:
                log.warning("the stream cannot read the database (%s); retrying", type(exc).__name__)
                await anyio.sleep(self.settings.retry_s)
        return None

    def attach(self, session_id: int, threshold_pct: Threshold) -> tuple[_SessionReader, Listener]:
        """A new listener of ``session_id``, fed by the session's reader (started if need be)."""
        reader = self._readers.get(session_id)
        if reader is None:
            reader = self._readers[session_id] = _SessionReader(self, session_id)
            reader.task = asyncio.create_task(reader.run())
        listener = Listener(threshold_pct, self.settings.listener_queue)
        reader.listeners.add(listener)
        return reader, listener

    def detach(self, reader: _SessionReader, listener: Listener) -> None:
        reader.listeners.discard(listener)
        if not reader.listeners:
            self.forget(reader)
            reader.wake.set()  # its task ends

    def forget(self, reader: _SessionReader) -> None:
        """A reader without listeners or that ended: the session's next listener starts a new one."""
        if self._readers.get(reader.session_id) is reader:
            del self._readers[reader.session_id]

    def close(self) -> None:
        """End every stream and reader (server shutdown)."""
        self._closed = True
        if self._listening is not None:
            self._listening.cancel()
        for reader in self._readers.values():
            if reader.task is not None:
                reader.task.cancel()
            reader.started.set()
            for listener in reader.listeners:
                listener.ready.set()


async def follow(
    hub: StreamHub, session_id: int, *, after_seq: int = 0, threshold_pct: Threshold = None
) -> AsyncIterator[Message]:
    """Every event of ``session_id`` with ``seq > after_seq`` as a message: those stored already,
    then each new one as it is committed, until the hub closes (``threshold_pct``: the stream's own
    cue threshold, used when the athlete's plan sets none).

    Raises:
        SlowListenerError: this listener fell ``listener_queue`` messages behind and was dropped.
    """
    reader, listener = hub.attach(session_id, threshold_pct)
    try:
        await reader.started.wait()
        cursor = after_seq
        replay = SessionEvents(session_id, after_seq)
        complete = False
        while not complete:  # what was stored before, read by this listener alone
            read = await hub.read(replay.read, (threshold_pct,))
            if read is None:
                return
            out, complete = read
            for message in out[threshold_pct]:
                cursor = message.seq
                yield message
        while not hub.closed:  # then what the session's reader hands out
            listener.ready.clear()
            while listener.messages:
                message = listener.messages.popleft()
                if message.seq > cursor:
                    cursor = message.seq
                    yield message
            if listener.dropped:
                raise SlowListenerError(
                    f"too slow: over {listener.capacity} messages behind; reconnect with ?after={cursor}"
                )
            if reader.failed:
                raise ServiceError(f"the stream stopped on a server error; reconnect with ?after={cursor}")
            await listener.ready.wait()
    finally:
        hub.detach(reader, listener)
