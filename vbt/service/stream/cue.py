"""The stop-set cue that rides on the live stream: after each stored rep, the set's velocity loss
against its stop threshold, as :func:`vbt.progression.rules.stop_set_cue` computes it.
The stream keeps each set's :class:`vbt.progression.rules.SetSoFar` up to date one rep at a time, so
a replayed set of ``n`` reps costs ``n`` cues, not ``n²`` rep reads.

The threshold, first found wins: the athlete's plan (a power-clean set of an athlete with a
power-clean plan stops at the power goal's loss, 10 %), the stream's ``?threshold_pct=``, the
strength goal's 20 %. The service does not compute velocity loss itself; it hands the stored reps
(in rep order, those stored up to the event) to the progression rules.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from vbt.progression.profile import VelocityKind
from vbt.progression.rules import VELOCITY_LOSS_THRESHOLD_PCT, Goal, SetSoFar
from vbt.service.models import TrainingPlan, TrainingSession
from vbt.service.schemas import finite_or_none
from vbt.types import Lift

ThresholdSource = Literal["plan", "query", "default"]

#: Without a plan or a query parameter: the strength goal's threshold.
DEFAULT_THRESHOLD_PCT = VELOCITY_LOSS_THRESHOLD_PCT[Goal.STRENGTH]
#: A power-clean set of an athlete with a plan: the power goal's threshold (the plan's goal).
PLAN_THRESHOLD_PCT = VELOCITY_LOSS_THRESHOLD_PCT[Goal.POWER]


class StopCuePublic(BaseModel):
    """Whether the set should stop now, after the rep it comes with.

    ``velocity_loss_pct`` is from the best successful rep so far to the latest (null before any),
    on ``velocity_kind`` velocity (peak for the Olympic lifts, mean for the others).
    """

    stop: bool
    velocity_loss_pct: float | None
    threshold_pct: float
    threshold_source: ThresholdSource
    velocity_kind: VelocityKind
    best_velocity_m_s: float | None
    last_velocity_m_s: float | None
    rep_count: int
    reason: str


def session_has_plan(db: Session, session_id: int) -> bool:
    """Whether the athlete of a training session has a power-clean plan."""
    athlete_id = select(TrainingSession.athlete_id).where(TrainingSession.id == session_id).scalar_subquery()
    return db.scalar(select(TrainingPlan.id).where(TrainingPlan.athlete_id == athlete_id)) is not None


def threshold_for(lift: Lift, *, has_plan: bool, query_pct: float | None) -> tuple[float, ThresholdSource]:
    """The stop threshold (%) of a set of ``lift`` and where it came from (see the module doc)."""
    if has_plan and lift is Lift.POWER_CLEAN:
        return PLAN_THRESHOLD_PCT, "plan"
    if query_pct is not None:
        return query_pct, "query"
    return DEFAULT_THRESHOLD_PCT, "default"


def stop_cue(so_far: SetSoFar, *, threshold_pct: float, source: ThresholdSource) -> StopCuePublic:
    """The cue after the set's reps so far (kept up to date by the stream, one rep at a time).

    Raises:
        InputError: the threshold is not within 0-100 %.
    """
    cue = so_far.cue(threshold_pct)
    return StopCuePublic(
        stop=cue.stop,
        velocity_loss_pct=finite_or_none(cue.velocity_loss_pct),
        threshold_pct=cue.threshold_pct,
        threshold_source=source,
        velocity_kind=so_far.kind,
        best_velocity_m_s=finite_or_none(cue.best_velocity_m_s),
        last_velocity_m_s=finite_or_none(cue.last_velocity_m_s),
        rep_count=cue.rep_count,
        reason=cue.reason,
    )
