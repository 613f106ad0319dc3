"""An athlete's set history: the query, its time filters and its CSV form."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from vbt.errors import InputError
from vbt.service.convert import summarize_reps
from vbt.service.models import LiftSet, TrainingSession
from vbt.service.schemas import SetHistoryItem, as_utc
from vbt.types import Lift

#: Columns of the CSV export, in order (the keys of ``SetHistoryItem``).
CSV_COLUMNS: tuple[str, ...] = (
    "set_id",
    "session_id",
    "performed_at",
    "exercise",
    "load_kg",
    "rep_count",
    "failed_rep_count",
    "best_rep_index",
    "first_mean_velocity_m_s",
    "best_mean_velocity_m_s",
    "last_mean_velocity_m_s",
    "average_mean_velocity_m_s",
    "best_peak_velocity_m_s",
    "velocity_loss_pct",
    "velocity_loss_from_first_pct",
    "peak_velocity_loss_pct",
    "provisional_rep_count",
)
#: Decimals kept in the CSV, by the unit a column's name ends with: a millimetre per second (well below
#: what a camera measures), a tenth of a percent, ten grams (the smallest change plates make is 0.25 kg).
CSV_DECIMALS: dict[str, int] = {"_m_s": 3, "_pct": 1, "_kg": 2}


def parse_time_bound(name: str, text: str | None, *, end_of_day: bool) -> datetime | None:
    """A ``since``/``until`` query value as aware UTC.

    A bare date means the start of that day (UTC), or, with ``end_of_day``, the start of the next
    one, so that ``until=2025-03-31`` includes the whole of 31 March. A date-time without a zone is UTC.

    Raises:
        InputError: the text is neither an ISO date nor an ISO date-time.
    """
    if text is None or not text.strip():
        return None
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            if end_of_day and day == date.max:
                return None  # until the end of time
            return start + timedelta(days=1) if end_of_day else start
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"{name}={value!r} is not a date; use an ISO date (2025-03-31) or date-time "
            "(2025-03-31T18:00:00Z)"
        ) from None
    try:
        return as_utc(moment)
    except ValueError as exc:
        raise InputError(f"{name}={value!r}: {exc}; use a date between the years 1 and 9999") from None


def set_history(
    db: Session,
    athlete_id: int,
    *,
    exercise: Lift | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 10_000,
    offset: int = 0,
) -> list[SetHistoryItem]:
    """Sets of one athlete performed in ``[since, until)``, oldest first, with the summaries of
    their final reps."""
    query = (
        select(LiftSet)
        .join(TrainingSession, LiftSet.session_id == TrainingSession.id)
        .where(TrainingSession.athlete_id == athlete_id)
        .options(selectinload(LiftSet.reps))
        .order_by(LiftSet.performed_at, LiftSet.id)
        .limit(limit)
        .offset(offset)
    )
    if exercise is not None:
        query = query.where(LiftSet.exercise == exercise.value)
    if since is not None:
        query = query.where(LiftSet.performed_at >= since)
    if until is not None:
        query = query.where(LiftSet.performed_at < until)
    items = []
    for lift_set in db.scalars(query):
        summary = summarize_reps(lift_set.reps)
        items.append(
            SetHistoryItem(
                set_id=lift_set.id,
                session_id=lift_set.session_id,
                exercise=Lift(lift_set.exercise),
                load_kg=lift_set.load_kg,
                performed_at=lift_set.performed_at,
                provisional_rep_count=sum(r.provisional for r in lift_set.reps),
                **summary.model_dump(),
            )
        )
    return items


def history_csv(items: Sequence[SetHistoryItem]) -> str:
    """The history as CSV with a header row; missing values are empty cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        row = item.model_dump(mode="json")
        writer.writerow([_cell(column, row[column]) for column in CSV_COLUMNS])
    return out.getvalue()


def _cell(column: str, value: object) -> object:
    """A CSV cell: empty for None, a float rounded to its unit's :data:`CSV_DECIMALS` (0.92, never
    0.9199999999999999), anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, float):
        decimals = next((d for suffix, d in CSV_DECIMALS.items() if column.endswith(suffix)), None)
        return round(value, decimals) if decimals is not None else value
    return value
