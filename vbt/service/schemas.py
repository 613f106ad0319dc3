"""Request and response bodies: Create/Update schemas validate what clients send, Public schemas
describe what the service returns.

A rep uses the keys of the analysis report (the fields of :class:`vbt.types.RepMetrics`) plus
``client_rep_id``; NaN in the core is ``null`` in JSON. Input bounds are physical (a barbell does not
move at 10 m/s); output schemas carry no bounds so that stored history always reads back.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from vbt.errors import InputError
from vbt.lifts import parse_lift
from vbt.types import Lift, RepStatus

_INPUT = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)
_OUTPUT = ConfigDict(from_attributes=True)

#: The largest id the databases can hold; larger ids in paths get 422, not a database error.
MAX_ID = 2**63 - 1


def finite_or_none(value: float | None) -> float | None:
    """``value``, or None when it is missing, NaN or infinite (JSON has no NaN); an int stays an int."""
    return value if value is not None and math.isfinite(value) else None


def _no_control_characters(text: str) -> str:
    if any((ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127 for c in text):
        raise ValueError("must not contain control characters")
    return text


def as_utc(value: datetime) -> datetime:
    """``value`` as aware UTC (naive is taken as UTC).

    Raises:
        ValueError: the moment in UTC falls outside years 1 to 9999 (e.g. 0001-01-01T00:00+01:00).
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            f"{value.isoformat()} is outside the years 1 to 9999 once converted to UTC"
        ) from None


def _as_utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_control_characters)]
Notes = Annotated[str, Field(max_length=5000), AfterValidator(_no_control_characters)]
#: A time stamp; one without a time zone is taken as UTC.
Timestamp = Annotated[datetime, AfterValidator(_as_utc)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
LoadKg = Annotated[float, Field(ge=0, lt=1000, description="Load on the bar, kg (0 ≤ load < 1000).")]


def _lift_from_name(value: object) -> object:
    """A lift named as the CLI takes it (any case, the catalogue's labels and aliases: "Back Squat",
    "bench_press", "RDL") read as its key; anything else is left for the enum's own check."""
    if not isinstance(value, str):
        return value
    try:
        return parse_lift(value)
    except InputError as exc:
        raise ValueError(str(exc)) from exc


#: A lift in a request body: its key, or any name ``vbt.lifts.parse_lift`` reads; answers give the key.
LiftName = Annotated[Lift, BeforeValidator(_lift_from_name)]
BodyMassKg = Annotated[float, Field(gt=0, lt=500, description="Body mass, kg.")]

# Physical bounds of the measured quantities (input only).
TimeS = Annotated[float, Field(ge=0, le=1e6, description="Seconds on the recording's clock.")]
OptTimeS = Annotated[float | None, Field(ge=0, le=1e6)]
DurationS = Annotated[float | None, Field(ge=0, le=3600, description="Seconds; null if unknown.")]
OffsetS = Annotated[float | None, Field(ge=-3600, le=3600)]
VelocityMS = Annotated[
    float | None, Field(ge=-10, le=10, description="m/s, within ±10; null if not measured.")
]
VelocitySdMS = Annotated[
    float | None,
    Field(
        ge=0, le=10, description="m/s, one standard deviation from the track's noise, 0..10; null if unknown."
    ),
]
DistanceM = Annotated[float | None, Field(ge=0, le=5, description="Metres, 0..5; null if unknown.")]
HeightM = Annotated[float | None, Field(ge=-5, le=5, description="Metres, ±5; null if unknown.")]
PowerW = Annotated[float | None, Field(ge=-20000, le=20000, description="Watts, within ±20 kW.")]
AngleDeg = Annotated[float | None, Field(ge=0, le=360, description="Degrees, 0..360.")]
Reason = Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(_no_control_characters)]
SuspectReasons = Annotated[
    list[Reason],
    Field(max_length=20, description="Why a suspect rep's numbers cannot be trusted (empty otherwise)."),
]
ClientRepId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=r"^[\x21-\x7e]+$",
        description="The client's own id for this rep (printable ASCII, no spaces), e.g. a UUID; "
        "posting the same rep again with it never creates a duplicate.",
    ),
]
Joint = Literal["hip", "knee", "ankle"]


# ---------------------------------------------------------------- athletes


class AthleteCreate(BaseModel):
    model_config = _INPUT
    name: Name
    body_mass_kg: BodyMassKg | None = None


class AthleteUpdate(BaseModel):
    model_config = _INPUT
    name: Name | None = None
    body_mass_kg: BodyMassKg | None = None


class AthletePublic(BaseModel):
    model_config = _OUTPUT
    id: int
    name: str
    body_mass_kg: float | None
    created_at: datetime


# ---------------------------------------------------------------- sessions and sets


class SessionCreate(BaseModel):
    model_config = _INPUT
    athlete_id: Id
    started_at: Timestamp | None = Field(default=None, description="Default: now (UTC).")
    notes: Notes | None = None


class SessionPublic(BaseModel):
    model_config = _OUTPUT
    id: int
    athlete_id: int
    started_at: datetime
    notes: str | None
    created_at: datetime
    last_rep_seq: int = Field(
        validation_alias=AliasChoices("last_rep_seq", "rep_seq"),
        description="seq of the session's latest rep (0: none yet); open the stream with "
        "?after=<this> to get only reps stored from now on.",
    )


class SetCreate(BaseModel):
    model_config = _INPUT
    exercise: LiftName
    load_kg: LoadKg
    performed_at: Timestamp | None = Field(default=None, description="Default: now (UTC).")


class SetPublic(BaseModel):
    model_config = _OUTPUT
    id: int
    session_id: int
    athlete_id: int
    exercise: Lift
    load_kg: float
    performed_at: datetime
    created_at: datetime


class SessionDetail(SessionPublic):
    sets: list[SetPublic]


# ---------------------------------------------------------------- reps (input)


class TripleExtensionIn(BaseModel):
    """Hip, knee and ankle extension during one pull, as the report has it."""

    model_config = _INPUT
    hip_peak_s: OptTimeS = None
    knee_peak_s: OptTimeS = None
    ankle_peak_s: OptTimeS = None
    hip_peak_deg: AngleDeg = None
    knee_peak_deg: AngleDeg = None
    ankle_peak_deg: AngleDeg = None
    order: Annotated[list[Joint], Field(max_length=3)]
    spread_s: DurationS = None
    hip_offset_from_peak_velocity_s: OffsetS = None
    knee_offset_from_peak_velocity_s: OffsetS = None
    ankle_offset_from_peak_velocity_s: OffsetS = None
    complete: bool | None = Field(
        default=None, description="Null when a joint could not be seen well enough around its peak."
    )
    double_knee_bend: bool
    knee_rebend_deg: AngleDeg = None
    second_pull_start_s: OptTimeS = None
    second_pull_duration_s: DurationS = None
    unseen: Annotated[dict[Joint, Reason], Field(max_length=3)] = Field(
        default_factory=dict, description="Joints whose peak was not measured, and why."
    )
    complete_basis: Annotated[str, Field(max_length=1000)] = ""

    @model_validator(mode="after")
    def _order_names_each_joint_once(self) -> TripleExtensionIn:
        if len(set(self.order)) != len(self.order):
            raise ValueError(f"order names a joint twice: {self.order}")
        return self


class RepCreate(BaseModel):
    """One rep as in the analysis report, plus the client's ``client_rep_id``."""

    model_config = _INPUT
    client_rep_id: ClientRepId
    index: Annotated[int, Field(ge=0, le=10_000, description="Position of the rep in its set.")]
    start_s: TimeS
    end_s: TimeS
    status: RepStatus
    mean_velocity_m_s: VelocityMS = None
    mean_propulsive_velocity_m_s: VelocityMS = None
    peak_velocity_m_s: VelocityMS = None
    peak_velocity_sd_m_s: VelocitySdMS = None
    time_to_peak_velocity_s: DurationS = None
    range_of_motion_m: DistanceM = None
    duration_s: DurationS = None
    propulsive_duration_s: DurationS = None
    horizontal_excursion_m: DistanceM = None
    mean_power_w: PowerW = None
    peak_power_w: PowerW = None
    peak_height_m: HeightM = None
    catch_height_m: HeightM = None
    triple_extension: TripleExtensionIn | None = None
    partial_start: bool = False
    partial_end: bool = False
    suspect_reasons: SuspectReasons = Field(default_factory=list)
    provisional: bool = Field(
        default=False,
        description="True for a rep live mode posts as soon as it sees it, before its final "
        "metrics: a later post with the same client_rep_id replaces it (any values, any free "
        "index), DELETE removes it, and per-set figures, history, profiles and plans leave it out "
        "until it is final.",
    )

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> RepCreate:
        if self.end_s <= self.start_s:
            raise ValueError(f"end_s ({self.end_s}) must be later than start_s ({self.start_s})")
        return self

    def body(self) -> dict[str, object]:
        """The rep's report keys (everything but ``client_rep_id`` and ``provisional``), as stored
        and compared."""
        return self.model_dump(mode="json", exclude={"client_rep_id", "provisional"})


# ---------------------------------------------------------------- reps (output)


class TripleExtensionPublic(BaseModel):
    """Output schemas give defaults to what may be missing, so rows stored by an older vbt read
    back after a field is added."""

    hip_peak_s: float | None = None
    knee_peak_s: float | None = None
    ankle_peak_s: float | None = None
    hip_peak_deg: float | None = None
    knee_peak_deg: float | None = None
    ankle_peak_deg: float | None = None
    order: list[str]
    spread_s: float | None = None
    hip_offset_from_peak_velocity_s: float | None = None
    knee_offset_from_peak_velocity_s: float | None = None
    ankle_offset_from_peak_velocity_s: float | None = None
    complete: bool | None = None
    double_knee_bend: bool
    knee_rebend_deg: float | None = None
    second_pull_start_s: float | None = None
    second_pull_duration_s: float | None = None
    unseen: dict[str, str] = Field(default_factory=dict)
    complete_basis: str = ""


class RepVelocity(BaseModel):
    """The scalar measurements of one rep (the report's keys without ``triple_extension``)."""

    client_rep_id: str
    index: int
    start_s: float
    end_s: float
    status: RepStatus
    mean_velocity_m_s: float | None = None
    mean_propulsive_velocity_m_s: float | None = None
    peak_velocity_m_s: float | None = None
    peak_velocity_sd_m_s: float | None = None
    time_to_peak_velocity_s: float | None = None
    range_of_motion_m: float | None = None
    duration_s: float | None = None
    propulsive_duration_s: float | None = None
    horizontal_excursion_m: float | None = None
    mean_power_w: float | None = None
    peak_power_w: float | None = None
    peak_height_m: float | None = None
    catch_height_m: float | None = None
    partial_start: bool = False
    partial_end: bool = False
    suspect_reasons: list[str] = Field(default_factory=list)


class RepPublic(RepVelocity):
    """A stored rep: the report's keys, ``client_rep_id``, and where and when it was stored.

    ``seq`` numbers the reps of a session in the order they were stored (1, 2, ...); the live
    stream delivers them in that order. A provisional rep that is replaced gets a new ``seq``.
    """

    id: int
    set_id: int
    session_id: int
    seq: int
    created_at: datetime
    triple_extension: TripleExtensionPublic | None = None
    provisional: bool = Field(
        default=False,
        description="True until live mode posts the rep's final metrics (same client_rep_id); "
        "per-set figures leave provisional reps out.",
    )


# ---------------------------------------------------------------- per-set figures


class SetSummaryPublic(BaseModel):
    """The core's per-set summary (:class:`vbt.types.SetSummary`); null where it is NaN."""

    rep_count: int
    failed_rep_count: int
    best_rep_index: int | None
    first_mean_velocity_m_s: float | None
    best_mean_velocity_m_s: float | None
    last_mean_velocity_m_s: float | None
    average_mean_velocity_m_s: float | None
    best_peak_velocity_m_s: float | None
    velocity_loss_pct: float | None
    velocity_loss_from_first_pct: float | None
    peak_velocity_loss_pct: float | None
    suspect_rep_count: int = 0


class SetVelocity(SetSummaryPublic):
    """``GET /api/sets/{id}/velocity``: the set, its reps' velocities and the set summary."""

    set_id: int
    session_id: int
    athlete_id: int
    exercise: Lift
    load_kg: float
    performed_at: datetime
    reps: list[RepVelocity]


class SetHistoryItem(SetSummaryPublic):
    """One row of an athlete's history (``GET /api/athletes/{id}/sets``); its figures are from the
    set's final reps."""

    set_id: int
    session_id: int
    exercise: Lift
    load_kg: float
    performed_at: datetime
    provisional_rep_count: int = Field(
        default=0, description="Reps still provisional (live mode has not confirmed them yet)."
    )


class SetDetail(SetPublic):
    """A set with all its reps (provisional ones flagged) and the summary of its final reps."""

    reps: list[RepPublic]
    summary: SetSummaryPublic


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    """``degraded`` when the database is unreachable, or videos wait and no worker is alive."""
    version: str
    database: str
    writes_need_token: bool
    reads_need_token: bool
    videos_queued: int | None = None
    """Videos waiting for a worker (None when the database cannot be read)."""
    workers_alive: int | None = None
    """Analysis workers with a fresh heartbeat (``GET /api/workers`` lists them)."""
    problem: str | None = None
    """What is wrong when ``status`` is ``degraded``."""
