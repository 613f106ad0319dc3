"""The bodies of the progression endpoints: what clients send (``*In``, ``MaxCreate``) and what the
service answers (``*Public``), and the public forms of :mod:`vbt.progression`'s results.

Input bounds are physical or calendar ones; plan times are the athlete's local wall-clock time.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from vbt.progression.one_rm import OneRmEstimate
from vbt.progression.recommend import Recommendation
from vbt.progression.rules import Goal
from vbt.progression.units import LoadUnit, to_kg
from vbt.progression.zones import Zone
from vbt.service.schemas import LoadKg, Timestamp, finite_or_none
from vbt.types import Lift

_INPUT = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)
VelocityIn = Annotated[float, Field(gt=0, lt=5, description="m/s, 0 < v < 5.")]


def _local_date_time(text: str) -> str:
    datetime.fromisoformat(text)  # raises ValueError for 2026-02-30T09:00
    return text


#: Plan times are the athlete's local wall-clock time, without a zone (a key run at 07:00 stays at
#: 07:00 across a daylight-saving change).
LocalTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, local time.")]
LocalDateTime = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$", description="YYYY-MM-DDTHH:MM, local time."
    ),
    AfterValidator(_local_date_time),
]


class OneRmPublic(BaseModel):
    value_kg: float
    low_kg: float | None
    high_kg: float | None
    source: str
    confidence: str
    display: str
    mvt_m_s: float | None
    mvt_source: str | None
    reach_pct: float | None
    notes: list[str]


class ProfilePublic(BaseModel):
    """A load-velocity profile (loads in kg) and what it estimates."""

    athlete_id: int
    exercise: Lift
    velocity_kind: str
    method: str
    n_sets: int
    n_loads: int
    slope_m_s_per_kg: float
    intercept_m_s: float
    r_squared: float | None
    residual_se_m_s: float | None
    load_range_kg: tuple[float, float]
    velocity_range_m_s: tuple[float, float]
    points: list[dict[str, float | int | None]]
    sets_left_out: int = Field(description="Sets without a measured successful rep or a load.")
    one_rm: OneRmPublic | None = Field(
        description="What to train from: a tested 1RM if any, else the estimate."
    )
    estimated_one_rm: OneRmPublic | None
    one_rm_problem: str | None
    zones: list[dict[str, float | str]]


class MaxCreate(BaseModel):
    model_config = _INPUT
    exercise: Lift
    load_kg: LoadKg
    velocity_m_s: VelocityIn | None = Field(default=None, description="Velocity of the 1RM rep, if recorded.")
    tested_at: Timestamp | None = None


class MaxPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    athlete_id: int
    exercise: Lift
    load_kg: float
    velocity_m_s: float | None
    tested_at: datetime


class ThresholdIn(BaseModel):
    model_config = _INPUT
    velocity_m_s: VelocityIn


class KeyRunIn(BaseModel):
    model_config = _INPUT
    weekday: Annotated[int, Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday.")]
    start_time: LocalTime = "07:00"


class PrerequisitesIn(BaseModel):
    model_config = _INPUT
    deadlift_competent: bool = False
    front_squat_competent: bool = False
    shoulder_mobility: bool = False


class PlanIn(BaseModel):
    """The runner's plan. Times are the athlete's local time, ``utc_offset_minutes`` from UTC."""

    model_config = _INPUT
    start_date: date
    weeks: Annotated[int, Field(ge=1, le=52)] = 12
    weekdays: Annotated[list[Annotated[int, Field(ge=0, le=6)]], Field(min_length=1, max_length=2)] = [0, 3]
    session_time: LocalTime = "18:00"
    utc_offset_minutes: Annotated[int, Field(ge=-14 * 60, le=14 * 60)] = 0
    key_runs: Annotated[list[KeyRunIn], Field(max_length=14)] = []
    key_run_dates: Annotated[list[LocalDateTime], Field(max_length=100)] = []
    prerequisites: PrerequisitesIn = PrerequisitesIn()
    unit: LoadUnit = LoadUnit.KG
    bar: Annotated[float, Field(gt=0, lt=100)] | None = None
    smallest_plate: Annotated[float, Field(gt=0, le=25)] | None = None
    one_rm_kg: Annotated[float, Field(gt=0, lt=500)] | None = Field(
        default=None, description="Used when no tested power-clean 1RM is stored (see /maxes)."
    )
    one_rm_tested: bool = False
    ceiling_pct: Annotated[float, Field(ge=70, le=80)] = 80.0
    target_peak_velocity_m_s: Annotated[float, Field(gt=0.5, lt=4)] = 1.55


class PlanPublic(BaseModel):
    athlete_id: int
    settings: PlanIn
    blocked_by: list[str]
    notes: list[str]
    one_rm: float | None
    one_rm_source: str
    unit: LoadUnit
    current_load: float
    weeks: list[dict[str, object]]
    steps: list[dict[str, object]]


class RecommendationPublic(BaseModel):
    """The next set's load, why, and the numbers behind it."""

    athlete_id: int
    exercise: Lift
    source: Literal["profile", "plan"]
    load: float
    unit: LoadUnit
    load_kg: float
    plates_per_side: list[float]
    reason: str
    target_velocity_m_s: float | None
    zone: Zone | None
    predicted_velocity_m_s: float | None
    goal: Goal
    stop_at_velocity_loss_pct: float
    readiness: dict[str, float | str] | None
    profile_sets: int | None


def one_rm_public(estimate: OneRmEstimate, unit: LoadUnit) -> OneRmPublic:
    """The HTTP answer for a :class:`~vbt.progression.one_rm.OneRmEstimate` (loads in ``unit``), in kg."""

    def kg(x: float) -> float | None:
        return finite_or_none(to_kg(x, unit))

    value = to_kg(estimate.value, unit)
    return OneRmPublic(
        value_kg=value,
        low_kg=kg(estimate.low),
        high_kg=kg(estimate.high),
        source=estimate.source,
        confidence=estimate.confidence,
        display=estimate.display,
        mvt_m_s=estimate.mvt.velocity_m_s if estimate.mvt else None,
        mvt_source=estimate.mvt.source if estimate.mvt else None,
        reach_pct=finite_or_none(estimate.reach_pct),
        notes=list(estimate.notes),
    )


def recommendation_public(athlete_id: int, rec: Recommendation, *, lift: Lift) -> RecommendationPublic:
    """The HTTP answer for a :class:`~vbt.progression.recommend.Recommendation`."""
    readiness: dict[str, float | str] | None = None
    if rec.readiness is not None:
        readiness = {
            "adjustment_pct": rec.readiness.adjustment_pct,
            "baseline_m_s": rec.readiness.baseline_m_s,
            "reason": rec.readiness.reason,
        }
    values = {f.name: getattr(rec, f.name) for f in fields(rec)}
    values.update(plates_per_side=list(rec.plates_per_side), readiness=readiness)
    return RecommendationPublic(athlete_id=athlete_id, exercise=lift, **values)
