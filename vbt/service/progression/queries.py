"""Progression's view of the stored data: the functions that read sets, tested 1RMs, thresholds and
plans and hand them to :mod:`vbt.progression` (the bodies they answer with: :mod:`.schemas`).

``athlete_profile`` and ``athlete_plan`` take a database session, so ``vbt profile`` and ``vbt plan``
answer exactly as ``/api/athletes/{id}/profile`` and ``/plan`` do. What cannot be computed (too few
sets, a flat profile, a target outside the profile) raises an ``InputError`` whose message says what
is missing (a 422 over HTTP).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from vbt.errors import InputError
from vbt.progression.one_rm import (
    MinimalVelocityThreshold,
    default_mvt,
    estimate_one_rm,
    mvt_from_tested_one_rm,
    mvt_override,
)
from vbt.progression.profile import (
    FitMethod,
    LoadVelocityProfile,
    ProfilePoint,
    fit_profile,
    velocity_kind_for,
)
from vbt.progression.program import PlanSettings, Prerequisites, SessionResult, build_plan, session_result
from vbt.progression.recommend import PlanState, StoredSet
from vbt.progression.rules import round_to_plates
from vbt.progression.schedule import KeyRun
from vbt.progression.units import EMPTY_BAR, LoadUnit, from_kg
from vbt.progression.zones import default_zones
from vbt.service.convert import final_reps, rep_body, rep_metrics
from vbt.service.deps import athlete_or_404
from vbt.service.errors import NotFoundError
from vbt.service.history import set_history
from vbt.service.models import LiftSet, OneRepMax, TrainingPlan, TrainingSession, VelocityThreshold, utc_now
from vbt.service.progression.schemas import (
    OneRmPublic,
    PlanIn,
    PlanPublic,
    ProfilePublic,
    one_rm_public,
)
from vbt.service.schemas import finite_or_none
from vbt.types import Lift


def latest_max(db: Session, athlete_id: int, lift: Lift) -> OneRepMax | None:
    return db.scalar(
        select(OneRepMax)
        .where(OneRepMax.athlete_id == athlete_id, OneRepMax.exercise == lift.value)
        .order_by(OneRepMax.tested_at.desc(), OneRepMax.id.desc())
        .limit(1)
    )


def athlete_threshold(
    db: Session, athlete_id: int, profile: LoadVelocityProfile, tested: OneRepMax | None
) -> MinimalVelocityThreshold:
    """The athlete's own threshold if stored, else one learned from a tested 1RM, else the default."""
    own = db.scalar(
        select(VelocityThreshold).where(
            VelocityThreshold.athlete_id == athlete_id, VelocityThreshold.exercise == profile.lift.value
        )
    )
    if own is not None:
        return mvt_override(profile.lift, own.velocity_m_s)
    if tested is not None:
        recorded = tested.velocity_m_s if tested.velocity_m_s is not None else math.nan
        return mvt_from_tested_one_rm(profile, tested.load_kg, recorded_velocity_m_s=recorded)
    return default_mvt(profile.lift)


def profile_points(
    db: Session, athlete_id: int, lift: Lift, *, since: datetime | None = None
) -> tuple[list[ProfilePoint], int]:
    """One point per stored set (load, best rep's velocity), and how many sets had no usable one."""
    kind = velocity_kind_for(lift)
    points: list[ProfilePoint] = []
    left_out = 0
    for item in set_history(db, athlete_id, exercise=lift, since=since):
        velocity = item.best_mean_velocity_m_s if kind.value == "mean" else item.best_peak_velocity_m_s
        if velocity is None or item.load_kg <= 0:
            left_out += 1
            continue
        points.append(ProfilePoint(item.load_kg, velocity, LoadUnit.KG, item.set_id))
    return points, left_out


def athlete_profile(
    db: Session,
    athlete_id: int,
    lift: Lift,
    *,
    method: FitMethod = FitMethod.REGRESSION,
    since: datetime | None = None,
) -> ProfilePublic:
    """The profile response for one athlete and exercise.

    Raises:
        NotFoundError: no such athlete.
        InputError: too few sets, a flat or rising profile (the message says what to record).
    """
    athlete_or_404(db, athlete_id)
    points, left_out = profile_points(db, athlete_id, lift, since=since)
    try:
        profile = fit_profile(points, lift=lift, method=method)
    except InputError as exc:
        note = f" ({left_out} stored sets had no measured successful rep or no load)" if left_out else ""
        raise type(exc)(f"athlete {athlete_id}: {exc}{note}") from None
    tested = latest_max(db, athlete_id, lift)
    estimate: OneRmPublic | None = None
    problem: str | None = None
    try:
        mvt = athlete_threshold(db, athlete_id, profile, tested)
        estimate = one_rm_public(estimate_one_rm(profile, mvt=mvt), profile.unit)
    except InputError as exc:
        problem = str(exc)
    chosen = estimate
    if tested is not None:
        chosen = one_rm_public(estimate_one_rm(profile, tested_one_rm=tested.load_kg), profile.unit)
    try:
        table = default_zones(lift)
        zones: list[dict[str, float | str]] = [
            {"zone": b.zone.value, "low_m_s": b.low_m_s, "high_m_s": b.high_m_s, "source": table.source}
            for b in table.bands
        ]
    except InputError:
        zones = []
    return ProfilePublic(
        athlete_id=athlete_id,
        exercise=lift,
        velocity_kind=profile.velocity_kind.value,
        method=profile.method.value,
        n_sets=profile.n_sets,
        n_loads=profile.n_loads,
        slope_m_s_per_kg=profile.slope_m_s_per_unit,
        intercept_m_s=profile.intercept_m_s,
        r_squared=finite_or_none(profile.r_squared),
        residual_se_m_s=finite_or_none(profile.residual_se_m_s),
        load_range_kg=profile.load_range,
        velocity_range_m_s=profile.velocity_range_m_s,
        points=[
            {"set_id": p.set_id, "load_kg": p.load, "velocity_m_s": p.velocity_m_s} for p in profile.points
        ],
        sets_left_out=left_out,
        one_rm=chosen,
        estimated_one_rm=estimate,
        one_rm_problem=problem,
        zones=zones,
    )


def plan_history(db: Session, athlete_id: int, plan: PlanIn) -> list[SessionResult]:
    """The athlete's power-clean sessions since the plan's start, in plan-local time, oldest first.

    A training session with power-clean sets is one result: its heaviest load and that load's reps.
    """
    offset = timedelta(minutes=plan.utc_offset_minutes)
    start = datetime.combine(plan.start_date, time(0), tzinfo=UTC) - offset
    rows = db.scalars(
        select(LiftSet)
        .join(TrainingSession, LiftSet.session_id == TrainingSession.id)
        .where(
            TrainingSession.athlete_id == athlete_id,
            LiftSet.exercise == Lift.POWER_CLEAN.value,
            LiftSet.performed_at >= start,
        )
        .options(selectinload(LiftSet.reps))
        .order_by(LiftSet.performed_at, LiftSet.id)
    )
    by_session: dict[int, list[LiftSet]] = defaultdict(list)
    for lift_set in rows:
        by_session[lift_set.session_id].append(lift_set)
    results = []
    for sets in by_session.values():
        heaviest = max(s.load_kg for s in sets)
        working = [s for s in sets if s.load_kg == heaviest]
        reps = [
            rep_metrics(rep_body(r))
            for s in working
            for r in sorted(final_reps(s.reps), key=lambda r: r.rep_index)
        ]
        when = (working[0].performed_at + offset).replace(tzinfo=None)
        load = round_to_plates(
            from_kg(heaviest, plan.unit),
            unit=plan.unit,
            bar=plan.bar,
            smallest_plate=plan.smallest_plate,
            mode="nearest",
        )
        results.append(session_result(when, load, reps))
    return sorted(results, key=lambda r: r.when)


def _plan_one_rm(db: Session, athlete_id: int, plan: PlanIn) -> tuple[float | None, bool, str]:
    """(1RM in kg, tested?, where it came from): a stored tested 1RM first, then the plan's own,
    then the low end of the profile estimate's interval (a cautious ceiling), else none."""
    tested = latest_max(db, athlete_id, Lift.POWER_CLEAN)
    if tested is not None:
        return tested.load_kg, True, f"tested on {tested.tested_at:%Y-%m-%d}"
    if plan.one_rm_kg is not None:
        return (
            plan.one_rm_kg,
            plan.one_rm_tested,
            "tested (plan)" if plan.one_rm_tested else "given in the plan",
        )
    try:
        profile = athlete_profile(db, athlete_id, Lift.POWER_CLEAN)
    except InputError:
        return None, False, "none: no tested 1RM and too few power-clean sets for an estimate"
    estimate = profile.estimated_one_rm
    if estimate is None or estimate.low_kg is None:
        return None, False, "none: the power-clean estimate has no error bound"
    if from_kg(estimate.low_kg, plan.unit) <= (plan.bar or EMPTY_BAR[plan.unit]):
        return None, False, f"none: the estimate {estimate.display} is too uncertain to set a ceiling"
    return estimate.low_kg, False, f"low end of the estimate {estimate.display}"


def athlete_plan(db: Session, athlete_id: int, *, now: datetime | None = None) -> PlanPublic:
    """The stored plan with its weeks and the load the sessions so far have earned; ``now``
    (plan-local, default: the current time) separates past sessions from coming ones.

    Raises:
        NotFoundError: no such athlete, or no plan stored.
    """
    athlete_or_404(db, athlete_id)
    stored = db.scalar(select(TrainingPlan).where(TrainingPlan.athlete_id == athlete_id))
    if stored is None:
        raise NotFoundError(
            f"Athlete {athlete_id} has no plan; create one with PUT /api/athletes/{athlete_id}/plan."
        )
    body = PlanIn.model_validate_json(stored.body_json)
    one_rm_kg, tested, source = _plan_one_rm(db, athlete_id, body)
    unit = body.unit
    one_rm = None if one_rm_kg is None else from_kg(one_rm_kg, unit)
    settings = PlanSettings(
        start_date=body.start_date,
        prerequisites=Prerequisites(**body.prerequisites.model_dump()),
        weeks=body.weeks,
        weekdays=tuple(body.weekdays),
        session_time=time.fromisoformat(body.session_time),
        key_runs=tuple(KeyRun(k.weekday, time.fromisoformat(k.start_time)) for k in body.key_runs),
        key_run_dates=tuple(datetime.fromisoformat(d) for d in body.key_run_dates),
        unit=unit,
        bar=body.bar,
        smallest_plate=body.smallest_plate,
        one_rm=one_rm,
        one_rm_tested=tested,
        ceiling_pct=body.ceiling_pct,
        target_peak_velocity_m_s=body.target_peak_velocity_m_s,
    )
    if now is None:  # the athlete's local time, as the plan's times are
        now = (datetime.now(UTC) + timedelta(minutes=body.utc_offset_minutes)).replace(tzinfo=None)
    plan = build_plan(settings, history=plan_history(db, athlete_id, body), now=now)
    weeks: dict[int, list[dict[str, object]]] = defaultdict(list)
    for s in plan.sessions:
        weeks[s.week].append(
            {
                "when": s.slot.when.isoformat(),
                "requested": s.slot.requested.isoformat(),
                "status": s.slot.status,
                "reason": s.slot.reason,
                "load_status": s.load_status,
                "exercises": [vars(e) for e in s.exercises],
            }
        )
    steps: list[dict[str, object]] = [
        {"decision": st.decision.value, "load": st.load, "next_load": st.next_load, "reason": st.reason}
        for st in plan.steps
    ]
    return PlanPublic(
        athlete_id=athlete_id,
        settings=body,
        blocked_by=list(plan.blocked_by),
        notes=list(plan.notes),
        one_rm=one_rm,
        one_rm_source=source,
        unit=unit,
        current_load=plan.current_load,
        weeks=[{"week": w, "sessions": sessions} for w, sessions in sorted(weeks.items())],
        steps=steps,
    )


def store_plan(db: Session, athlete_id: int, body: PlanIn) -> None:
    """Create or replace the athlete's plan and commit.

    Raises:
        NotFoundError: no such athlete.
        InputError: settings pydantic cannot check (the same weekday twice, a 1RM not above the bar).
    """
    athlete_or_404(db, athlete_id)
    PlanSettings(
        start_date=body.start_date,
        weeks=body.weeks,
        weekdays=tuple(body.weekdays),
        unit=body.unit,
        bar=body.bar,
        one_rm=None if body.one_rm_kg is None else from_kg(body.one_rm_kg, body.unit),
        ceiling_pct=body.ceiling_pct,
    )
    stored = db.scalar(select(TrainingPlan).where(TrainingPlan.athlete_id == athlete_id))
    text = body.model_dump_json()
    if stored is None:
        db.add(TrainingPlan(athlete_id=athlete_id, body_json=text))
    else:
        stored.body_json, stored.updated_at = text, utc_now()
    db.commit()


class StoredAthlete:
    """One athlete's stored sets and plan, as :func:`vbt.progression.recommend.recommend` reads them
    (an :class:`~vbt.progression.recommend.AthleteRecord`)."""

    def __init__(self, db: Session, athlete_id: int) -> None:
        self.db = db
        self.athlete_id = athlete_id

    def plan(self) -> PlanState | None:
        stored = self.db.scalar(select(TrainingPlan.id).where(TrainingPlan.athlete_id == self.athlete_id))
        if stored is None:
            return None
        plan = athlete_plan(self.db, self.athlete_id)
        return PlanState(
            current_load=plan.current_load,
            unit=plan.unit,
            bar=plan.settings.bar,
            smallest_plate=plan.settings.smallest_plate,
            target_peak_velocity_m_s=plan.settings.target_peak_velocity_m_s,
            blocked_by=tuple(plan.blocked_by),
            last_reason=str(plan.steps[-1]["reason"]) if plan.steps else None,
        )

    def profile_points(self, lift: Lift) -> list[ProfilePoint]:
        return profile_points(self.db, self.athlete_id, lift)[0]

    def sets_before(self, lift: Lift, moment: datetime) -> list[StoredSet]:
        return [
            StoredSet(
                item.load_kg,
                math.nan if item.best_mean_velocity_m_s is None else item.best_mean_velocity_m_s,
                math.nan if item.best_peak_velocity_m_s is None else item.best_peak_velocity_m_s,
            )
            for item in set_history(self.db, self.athlete_id, exercise=lift, until=moment)
        ]
