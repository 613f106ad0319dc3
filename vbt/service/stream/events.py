"""The stream's messages and how they are read: a session's committed events after a ``seq``, oldest
first, each with its set's stop-set cue, as JSON ready to send.

Each rep gets a per-session sequence number (``seq``, 1, 2, ...) inside the transaction that stores
it, and writers of one session are serialised, so ``seq`` order is commit order. Reading "events of
session S with seq > cursor" therefore sees only committed events, all of them, in order, once.

Cost: linear in what is read. Events come in keyset pages on the ``(session_id, session_seq)``
unique index, and each set's :class:`vbt.progression.rules.SetSoFar` is kept up to date one event at
a time, so an event costs the same however long its set already is. (Before, each page re-read every
rep of its sets up to the page's end and each event re-parsed and re-sorted its whole set for the
cue: a 2,000-rep set cost about two million rep reads.) A set first met in a read is loaded once,
four columns of each of its earlier reps.

Each message carries the set's stop-set cue after it (:mod:`vbt.service.stream.cue`), computed from the set's
reps at that point (provisional ones included: the cue is live feedback). A replayed message says what
the live one said unless a provisional rep was replaced or deleted since.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from vbt.progression.profile import VelocityKind, velocity_kind_for
from vbt.progression.rules import SetSoFar
from vbt.service.convert import rep_public
from vbt.service.models import LiftSet, Rep, RepDeletion, TrainingSession
from vbt.service.schemas import RepPublic
from vbt.service.stream.cue import StopCuePublic, session_has_plan, stop_cue, threshold_for
from vbt.types import Lift, RepStatus

#: Events read from the database per page, at most (of each kind: stored reps, deletions).
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


@dataclass(frozen=True)
class Message:
    """One stream message ready to send: its ``seq``, its type (``rep``, ``rep_deleted``) and its
    JSON text (a :class:`RepEvent` or :class:`RepDeletedEvent`)."""

    seq: int
    type: str
    json: str


#: A listener's own cue threshold (``?threshold_pct=``), None for the default.
Threshold = float | None


@dataclass
class _SetCue:
    """One set's reps so far for the cue, and where each ``client_rep_id`` sits (a replaced
    provisional rep may move to another index)."""

    lift: Lift
    load_kg: float
    so_far: SetSoFar
    index_of: dict[str, int] = field(default_factory=dict)

    def put(self, client_rep_id: str, index: int, status: str, mean_m_s: Any, peak_m_s: Any) -> None:
        old = self.index_of.get(client_rep_id)
        if old is not None and old != index:
            self.so_far.remove(old)
        self.index_of[client_rep_id] = index
        velocity = mean_m_s if self.so_far.kind is VelocityKind.MEAN else peak_m_s
        self.so_far.put(index, RepStatus(status), math.nan if velocity is None else float(velocity))

    def remove(self, client_rep_id: str) -> None:
        index = self.index_of.pop(client_rep_id, None)
        if index is not None:
            self.so_far.remove(index)


class SessionEvents:
    """A reader of one session's events from ``after_seq`` on: each :meth:`read` returns the next
    page as messages, one list per cue threshold asked for.

    Not thread-safe: one caller at a time (each stream reader and each replay has its own).
    """

    def __init__(self, session_id: int, after_seq: int, *, limit: int = BATCH) -> None:
        self.session_id = session_id
        self.cursor = after_seq
        self.limit = limit
        self._sets: dict[int, _SetCue] = {}

    def _page(self, db: Session, model: type[Rep] | type[RepDeletion]) -> Sequence[Any]:
        return db.execute(
            select(model, LiftSet.exercise, LiftSet.load_kg)
            .join(LiftSet, model.set_id == LiftSet.id)
            .where(model.session_id == self.session_id, model.session_seq > self.cursor)
            .order_by(model.session_seq)
            .limit(self.limit)
        ).all()

    def _load_sets(self, db: Session, rows: Sequence[Any]) -> None:
        """Start the cue of each set not met before from its reps up to the cursor."""
        new = {row[0].set_id: (row[1], row[2]) for row in rows if row[0].set_id not in self._sets}
        for set_id, (exercise, load_kg) in new.items():
            lift = Lift(exercise)
            self._sets[set_id] = _SetCue(lift, load_kg, SetSoFar(velocity_kind_for(lift)))
        if not new:
            return
        earlier = db.execute(
            select(
                Rep.set_id,
                Rep.client_rep_id,
                Rep.rep_index,
                Rep.status,
                Rep.mean_velocity_m_s,
                Rep.peak_velocity_m_s,
            ).where(Rep.set_id.in_(new), Rep.session_seq <= self.cursor)
        ).all()
        for set_id, client_rep_id, index, status, mean_m_s, peak_m_s in earlier:
            self._sets[set_id].put(client_rep_id, index, status, mean_m_s, peak_m_s)

    def read(
        self, db: Session, thresholds: Collection[Threshold]
    ) -> tuple[dict[Threshold, list[Message]], bool]:
        """The next committed events after the cursor, oldest first, as messages for each of
        ``thresholds``, and whether that is all of them for now (False: read again). Moves the
        cursor past them."""
        out: dict[Threshold, list[Message]] = {t: [] for t in thresholds}
        reps = self._page(db, Rep)
        deletions = self._page(db, RepDeletion)
        if not reps and not deletions:
            return out, True
        # A full page of one kind ends where it ends: later events of the other kind wait.
        full_ends = [rows[-1][0].session_seq for rows in (reps, deletions) if len(rows) == self.limit]
        last_seq = min(full_ends, default=max(row[0].session_seq for row in (*reps, *deletions)))
        rows = sorted((row for row in (*reps, *deletions) if row[0].session_seq <= last_seq), key=_seq)
        has_plan = session_has_plan(db, self.session_id)
        self._load_sets(db, rows)
        for row in rows:
            for threshold, message in self._messages(row[0], thresholds, has_plan=has_plan):
                out[threshold].append(message)
        self.cursor = last_seq
        return out, not full_ends

    def _messages(
        self, stored: Rep | RepDeletion, thresholds: Collection[Threshold], *, has_plan: bool
    ) -> list[tuple[Threshold, Message]]:
        """Apply one event to its set's cue and render it for each threshold."""
        set_cue = self._sets[stored.set_id]
        public: RepPublic | None = None
        if isinstance(stored, Rep):
            set_cue.put(
                stored.client_rep_id,
                stored.rep_index,
                stored.status,
                stored.mean_velocity_m_s,
                stored.peak_velocity_m_s,
            )
            public = rep_public(stored)
        else:
            set_cue.remove(stored.client_rep_id)
        messages = []
        for threshold in thresholds:
            pct, source = threshold_for(set_cue.lift, has_plan=has_plan, query_pct=threshold)
            cue = stop_cue(set_cue.so_far, threshold_pct=pct, source=source)
            common: dict[str, Any] = {
                "seq": stored.session_seq,
                "session_id": stored.session_id,
                "set_id": stored.set_id,
                "exercise": set_cue.lift,
                "load_kg": set_cue.load_kg,
                "cue": cue,
            }
            event: StreamEvent
            if public is not None:
                event = RepEvent(rep=public, **common)
            else:
                assert isinstance(stored, RepDeletion)
                event = RepDeletedEvent(client_rep_id=stored.client_rep_id, index=stored.rep_index, **common)
            messages.append((threshold, Message(event.seq, event.type, event.model_dump_json())))
        return messages


def _seq(row: Any) -> int:
    seq: int = row[0].session_seq
    return seq


def last_seq(db: Session, session_id: int) -> int:
    """The ``seq`` of the session's last committed event (0 before any; the session's counter is
    taken in the same transaction as the event it numbers)."""
    value = db.scalar(select(TrainingSession.rep_seq).where(TrainingSession.id == session_id))
    return int(value or 0)
