"""Live reps: fan-out of committed reps to every listener of a session (WebSocket and SSE).

The database is the source of truth, the hub only wakes listeners up. Each rep gets a per-session
sequence number (``seq``, 1, 2, ...) inside the transaction that stores it, and writers of one session
are serialised, so ``seq`` order is commit order. A listener reads "reps of session S with seq > my
cursor" from the database each time it is woken (and every ``stream_poll_s`` anyway, for writers in
other processes), so it sees only committed reps, all of them, in order, without duplicates, and can
resume after a reconnect from the last ``seq`` it saw.

Each message also carries the set's stop-set cue after that rep (:mod:`vbt.service.cue`), computed
from the set's reps stored up to it (provisional ones included: the cue is live feedback), so a
replayed message says what the live one said unless a provisional rep was replaced or deleted since.

Provisional reps (live mode): a replaced rep gets a new ``seq`` and is sent again (a listener
replaces the rep with the same ``client_rep_id``); a deleted one leaves a row in ``rep_deletions``
under its own ``seq``, sent as a :class:`RepDeletedEvent` (``"type": "rep_deleted"``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import anyio
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from vbt.service.convert import rep_metrics, rep_public
from vbt.service.cue import StopCuePublic, session_has_plan, stop_cue, threshold_for
from vbt.service.models import LiftSet, Rep, RepDeletion
from vbt.service.schemas import RepPublic
from vbt.types import Lift

#: Reps read from the database per wake-up, at most.
BATCH = 200


class RepEvent(BaseModel):
    """One message of the live stream: a rep that was stored, with its set's exercise and load, and
    the set's stop-set cue after it (``cue``)."""

    type: Literal["rep"] = "rep"
    seq: int
    session_id: int
    set_id: int
    exercise: Lift
    load_kg: float
    rep: RepPublic
    cue: StopCuePublic | None = None


class RepDeletedEvent(BaseModel):
    """A message of the live stream saying that a provisional rep was deleted (the final analysis
    did not keep it): forget the rep with this ``client_rep_id``. ``cue`` is the set's stop-set cue
    without it."""

    type: Literal["rep_deleted"] = "rep_deleted"
    seq: int
    session_id: int
    set_id: int
    exercise: Lift
    load_kg: float
    client_rep_id: str
    index: int = Field(description="The index the deleted rep had.")
    cue: StopCuePublic | None = None


#: What the stream sends: a stored (or replaced) rep, or a deleted provisional rep.
StreamEvent = RepEvent | RepDeletedEvent


@dataclass(eq=False)
class Listener:
    """One open stream; ``event`` is set (from any thread) when its session has new reps."""

    session_id: int
    loop: asyncio.AbstractEventLoop
    event: asyncio.Event = field(default_factory=asyncio.Event)

    def wake(self) -> None:
        # RuntimeError: the listener's event loop has closed, there is nobody to wake.
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self.event.set)


class StreamHub:
    """Who listens to which session. ``notify`` may be called from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[int, set[Listener]] = {}
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def subscribe(self, session_id: int) -> Listener:
        """Register a listener; call from the event loop that will wait on it."""
        listener = Listener(session_id, asyncio.get_running_loop())
        with self._lock:
            self._listeners.setdefault(session_id, set()).add(listener)
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        with self._lock:
            group = self._listeners.get(listener.session_id)
            if group is not None:
                group.discard(listener)
                if not group:
                    del self._listeners[listener.session_id]

    def listener_count(self, session_id: int) -> int:
        with self._lock:
            return len(self._listeners.get(session_id, ()))

    def notify(self, session_id: int) -> None:
        """Wake every listener of ``session_id``; call after the rep's transaction committed."""
        with self._lock:
            group = list(self._listeners.get(session_id, ()))
        for listener in group:
            listener.wake()

    def close(self) -> None:
        """End every stream (server shutdown)."""
        self._closed = True
        with self._lock:
            everyone = [x for group in self._listeners.values() for x in group]
        for listener in everyone:
            listener.wake()


def _cue(
    by_set: dict[int, list[tuple[int, int, str]]],
    set_id: int,
    up_to_seq: int,
    lift: Lift,
    *,
    has_plan: bool,
    threshold_pct: float | None,
) -> StopCuePublic:
    """The set's cue from its reps stored up to ``up_to_seq`` (provisional ones included: the cue is
    live feedback)."""
    threshold, source = threshold_for(lift, has_plan=has_plan, query_pct=threshold_pct)
    so_far = sorted((index, body) for seq, index, body in by_set[set_id] if seq <= up_to_seq)
    metrics = [rep_metrics(json.loads(body)) for _, body in so_far]
    return stop_cue(metrics, lift, threshold_pct=threshold, source=source)


def _after(
    session: Session, model: type[Rep] | type[RepDeletion], session_id: int, after_seq: int, limit: int
) -> Sequence[Any]:
    """The first ``limit`` rows of ``model`` (stored reps or deletions) in a session after
    ``after_seq``, oldest first, each with its set's exercise and load."""
    return session.execute(
        select(model, LiftSet.exercise, LiftSet.load_kg)
        .join(LiftSet, model.set_id == LiftSet.id)
        .where(model.session_id == session_id, model.session_seq > after_seq)
        .order_by(model.session_seq)
        .limit(limit)
    ).all()


def fetch_stream(
    sessions: sessionmaker[Session],
    session_id: int,
    after_seq: int,
    *,
    limit: int = BATCH,
    threshold_pct: float | None = None,
) -> tuple[list[StreamEvent], bool]:
    """Committed events of a session with ``seq > after_seq``, oldest first, each with its set's
    cue, and whether that is all of them for now (False: read again from the last one)."""
    with sessions() as session:
        rows = _after(session, Rep, session_id, after_seq, limit)
        deletions = _after(session, RepDeletion, session_id, after_seq, limit)
        if not rows and not deletions:
            return [], True
        # A full batch of one kind ends where it ends: later events of the other kind wait.
        rep_seqs = [rep.session_seq for rep, _, _ in rows]
        deletion_seqs = [gone.session_seq for gone, _, _ in deletions]
        full_ends = [seqs[-1] for seqs in (rep_seqs, deletion_seqs) if len(seqs) == limit]
        last_seq = min(full_ends, default=max(rep_seqs + deletion_seqs))
        complete = not full_ends
        set_ids = {rep.set_id for rep, _, _ in rows} | {gone.set_id for gone, _, _ in deletions}
        has_plan = session_has_plan(session, session_id)
        stored = session.execute(  # every rep of these sets up to the batch's last event
            select(Rep.set_id, Rep.session_seq, Rep.rep_index, Rep.body_json).where(
                Rep.set_id.in_(set_ids), Rep.session_seq <= last_seq
            )
        ).all()
    by_set: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for set_id, seq, index, body in stored:
        by_set[set_id].append((seq, index, body))
    events: list[StreamEvent] = []
    for rep, exercise, load_kg in rows:
        if rep.session_seq > last_seq:
            break
        lift = Lift(exercise)
        cue = _cue(by_set, rep.set_id, rep.session_seq, lift, has_plan=has_plan, threshold_pct=threshold_pct)
        events.append(
            RepEvent(
                seq=rep.session_seq,
                session_id=rep.session_id,
                set_id=rep.set_id,
                exercise=lift,
                load_kg=load_kg,
                rep=rep_public(rep),
                cue=cue,
            )
        )
    for gone, exercise, load_kg in deletions:
        if gone.session_seq > last_seq:
            break
        lift = Lift(exercise)
        cue = _cue(
            by_set, gone.set_id, gone.session_seq, lift, has_plan=has_plan, threshold_pct=threshold_pct
        )
        events.append(
            RepDeletedEvent(
                seq=gone.session_seq,
                session_id=gone.session_id,
                set_id=gone.set_id,
                exercise=lift,
                load_kg=load_kg,
                client_rep_id=gone.client_rep_id,
                index=gone.rep_index,
                cue=cue,
            )
        )
    events.sort(key=lambda e: e.seq)
    return events, complete


def fetch_events(
    sessions: sessionmaker[Session],
    session_id: int,
    after_seq: int,
    *,
    limit: int = BATCH,
    threshold_pct: float | None = None,
) -> list[StreamEvent]:
    """Committed events (stored and deleted reps) of a session with ``seq > after_seq``, oldest
    first, each with its set's cue (``threshold_pct``: the stream's own threshold, used when the
    athlete's plan sets none); at most about ``limit`` of them."""
    events, _ = fetch_stream(sessions, session_id, after_seq, limit=limit, threshold_pct=threshold_pct)
    return events


async def follow(
    hub: StreamHub,
    sessions: sessionmaker[Session],
    session_id: int,
    *,
    after_seq: int = 0,
    poll_s: float = 2.0,
    threshold_pct: float | None = None,
) -> AsyncIterator[StreamEvent]:
    """Every event of ``session_id`` with ``seq > after_seq``: those stored already, then each new
    one as it is committed, until the hub closes; ``threshold_pct`` as in :func:`fetch_events`."""
    listener = hub.subscribe(session_id)  # before the first read, so no commit falls in between
    try:
        cursor = after_seq
        while not hub.closed:
            listener.event.clear()
            batch, complete = await run_in_threadpool(
                partial(fetch_stream, threshold_pct=threshold_pct), sessions, session_id, cursor
            )
            for event in batch:
                cursor = event.seq
                yield event
            if not complete:
                continue
            with anyio.move_on_after(poll_s):
                await listener.event.wait()
    finally:
        hub.unsubscribe(listener)
