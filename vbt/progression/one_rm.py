"""One-repetition maximum: tested, or estimated from a profile and a minimal velocity threshold.

The minimal velocity threshold (MVT) is the velocity of a rep at the 1RM. The estimate is the load at
which the athlete's profile reaches it: an extrapolation by nature, so it always comes with how far it
reaches and, when the profile has an error estimate, a prediction interval that includes the spread of
the MVT itself. The Olympic lifts use peak velocity and never claim more than low confidence: their
velocity profiles predict the 1RM poorly (Haff, García-Ramos & James 2020, Sports 8(9):129), so a
tested 1RM is preferred whenever one is recorded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from vbt.errors import InputError
from vbt.lifts import LiftFamily, velocity_kind
from vbt.progression.profile import LoadVelocityProfile, VelocityKind
from vbt.types import Lift


@dataclass(frozen=True)
class MinimalVelocityThreshold:
    """The velocity of a 1RM rep, its uncertainty (1 SD) and where it comes from."""

    velocity_m_s: float
    sd_m_s: float
    kind: VelocityKind
    source: str


_SQUAT_MVT = MinimalVelocityThreshold(
    0.30, 0.03, VelocityKind.MEAN, "literature: back squat ≈ 0.30 m/s (Izquierdo 2006)"
)
_BENCH_MVT = MinimalVelocityThreshold(
    0.17, 0.04, VelocityKind.MEAN, "literature: bench press ≈ 0.17 m/s (González-Badillo 2010)"
)
_DEADLIFT_MVT = MinimalVelocityThreshold(
    0.15, 0.05, VelocityKind.MEAN, "literature: deadlift ≈ 0.15 m/s (Helms 2017)"
)
_POWER_CLEAN_MVT = MinimalVelocityThreshold(
    1.45, 0.30, VelocityKind.PEAK, "literature: power clean ≈ 1.45 ± 0.30 m/s peak (wide spread)"
)


#: Each family's reference threshold: its best-studied lift's. The jerk drive has none published:
#: PEAK velocity ≈ 1.40 ± 0.20 m/s, derived: after the drive the bar rises freely by v² / 2g while the
#: lifter drops under it, and that rise must cover at least the ≈ 0.10 m the split lowers the
#: shoulders by; v = sqrt(2 g 0.10 m) = 1.40 m/s (vbt's working default, not from a study).
FAMILY_MVT: dict[LiftFamily, MinimalVelocityThreshold] = {
    LiftFamily.SQUAT: _SQUAT_MVT,
    LiftFamily.FLOOR_PULL: _DEADLIFT_MVT,
    LiftFamily.PRESS: _BENCH_MVT,
    LiftFamily.OLYMPIC_PULL: _POWER_CLEAN_MVT,
    LiftFamily.JERK_DRIVE: MinimalVelocityThreshold(
        1.40, 0.20, VelocityKind.PEAK, "derived: the bar's free rise covers the drop under it"
    ),
}


def _by_family(lift: Lift) -> MinimalVelocityThreshold:
    """A lift without its own published threshold: its family's reference, saying so."""
    reference = FAMILY_MVT[lift.family]
    return replace(reference, source=f"{lift.label}, by family ({lift.family.label}): {reference.source}")


#: Literature defaults (velocity at 1RM, between-athlete SD).
DEFAULT_MVT: dict[Lift, MinimalVelocityThreshold] = {
    # Back squat, mean velocity ≈ 0.30 m/s: Izquierdo et al. 2006, Int J Sports Med 27:718-724
    # (≈0.27-0.33 m/s at 1RM); Sánchez-Medina et al. 2017, Int J Sports Med 38:480-488 (full squat
    # 0.32 ± 0.03 m/s mean propulsive velocity); Banyard et al. 2017, JSCR 31(7):1897-1904.
    Lift.SQUAT: _SQUAT_MVT,
    # Bench press, mean velocity ≈ 0.17 m/s: González-Badillo & Sánchez-Medina 2010, Int J Sports Med
    # 31:347-352 (0.16 ± 0.04 m/s at 1RM); the general 0.17 m/s MVT used in later validity studies.
    Lift.BENCH: _BENCH_MVT,
    # Deadlift, mean velocity ≈ 0.15 m/s: Helms et al. 2017, JSCR 31(2):292-297 (powerlifters, ≈0.14
    # m/s at 1RM); Lake et al. 2017, Sports 5(3):70 (MVTs vary widely between lifters, hence the SD).
    Lift.DEADLIFT: _DEADLIFT_MVT,
    # Power clean, PEAK velocity ≈ 1.45 ± 0.30 m/s: published values at 1RM spread from ≈1.1 m/s (the
    # group equation of relative load = 128.85 - 25.86 x peak velocity, J Hum Sport Exerc 2018
    # 13(3), R² 0.46) to 1.74 ± 0.30 m/s (hang power clean, Suchomel et al. 2024, JSCR 38(7):1321-1325);
    # the wide SD carries that disagreement into every estimate.
    Lift.POWER_CLEAN: _POWER_CLEAN_MVT,
    # Bent-over row, mean velocity ≈ 0.52 m/s: the prone bench pull's velocity at 1RM, 0.52 ± 0.04
    # m/s (Sánchez-Medina et al. 2014, Int J Sports Med 35:209-216): a pulling rep at 1RM stays
    # far faster than a pushing one.
    Lift.ROW: MinimalVelocityThreshold(
        0.52, 0.05, VelocityKind.MEAN, "literature: prone bench pull ≈ 0.52 m/s (Sánchez-Medina 2014)"
    ),
    # The lifts below have no threshold of their own in the literature vbt knows: each takes its
    # family's (`FAMILY_MVT`), saying so, as a starting point to replace by the athlete's own (a
    # tested 1RM teaches it, `mvt_from_tested_one_rm`). Not the snatch: it peaks faster than any clean
    # (1.7-2.2 m/s against 1.4-1.9 m/s in competition, Garhammer 1985, Int J Sport Biomech 1:122).
    **{
        lift: _by_family(lift)
        for lift in (
            Lift.FRONT_SQUAT,
            Lift.ROMANIAN_DEADLIFT,
            Lift.OVERHEAD_PRESS,
            Lift.PUSH_PRESS,
            Lift.HIP_THRUST,
            Lift.CLEAN,
            Lift.CLEAN_AND_JERK,
            Lift.JERK,
        )
    },
}


def default_mvt(lift: Lift) -> MinimalVelocityThreshold:
    """The literature default for ``lift``.

    Raises:
        InputError: there is no default (the snatch): give one, or record a tested 1RM.
    """
    try:
        return DEFAULT_MVT[lift]
    except KeyError:
        raise InputError(
            f"vbt has no literature minimal velocity threshold for the {lift.value}; give the athlete's "
            "own (velocity of a 1RM rep) or record a tested 1RM"
        ) from None


def mvt_override(lift: Lift, velocity_m_s: float, *, sd_m_s: float = 0.0) -> MinimalVelocityThreshold:
    """An athlete's own MVT for ``lift`` (e.g. from a coach's records).

    Raises:
        InputError: the velocity is not a plausible bar velocity (0 < v < 3 m/s).
    """
    if not (math.isfinite(velocity_m_s) and 0 < velocity_m_s < 3):
        raise InputError(f"a minimal velocity threshold of {velocity_m_s!r} m/s is not a bar velocity")
    kind = velocity_kind(lift)
    return MinimalVelocityThreshold(velocity_m_s, sd_m_s, kind, "athlete's own threshold")


def mvt_from_tested_one_rm(
    profile: LoadVelocityProfile, one_rm: float, *, recorded_velocity_m_s: float = math.nan
) -> MinimalVelocityThreshold:
    """Learn the athlete's MVT from a tested 1RM (in the profile's unit).

    The velocity recorded on the 1RM rep when there is one, else the profile's velocity at that load.
    Its SD is the profile's residual error (0 when the profile has none).
    """
    if not (math.isfinite(one_rm) and one_rm > 0):
        raise InputError(f"a tested 1RM of {one_rm!r} {profile.unit.value} is not a load")
    sd = profile.residual_se_m_s if profile.has_error_estimate else 0.0
    if math.isfinite(recorded_velocity_m_s) and recorded_velocity_m_s > 0:
        velocity, how = recorded_velocity_m_s, "recorded on"
    else:
        velocity, how = profile.velocity_at(one_rm), "profile velocity at"
    if not velocity > 0:
        raise InputError(
            f"the {profile.lift.value} profile reaches zero velocity before the tested 1RM of "
            f"{one_rm:g} {profile.unit.value}; check the tested 1RM and the sets' loads"
        )
    return MinimalVelocityThreshold(
        velocity,
        sd,
        profile.velocity_kind,
        f"learned: {how} the tested 1RM of {one_rm:g} {profile.unit.value}",
    )


@dataclass(frozen=True)
class OneRmEstimate:
    """A 1RM and how far to trust it.

    Attributes:
        value: the 1RM in ``unit`` (tested, or the profile's load at the MVT).
        low, high: 95 % prediction interval (NaN when there is no error estimate; equal to ``value``
            for a tested 1RM).
        source: "tested" or "profile".
        confidence: "tested", "high" (interval within ±5 %), "moderate" (±10 %), "low" or "unknown"
            (no error estimate).
        display: the value rounded no finer than its uncertainty, e.g. "≈ 140 kg (125-155)".
        notes: why the confidence is what it is.
    """

    value: float
    low: float
    high: float
    unit: str
    source: str
    confidence: str
    display: str
    mvt: MinimalVelocityThreshold | None
    reach_pct: float = math.nan
    notes: tuple[str, ...] = field(default_factory=tuple)


_LEVELS = ("unknown", "low", "moderate", "high")


def _display_step(half_width: float) -> float:
    if not math.isfinite(half_width):
        return 5.0
    for limit, step in ((2.5, 1.0), (10.0, 2.5), (25.0, 5.0)):
        if half_width < limit:
            return step
    return 10.0


def _fmt(value: float, step: float) -> str:
    return f"{round(value / step) * step:g}"


def estimate_one_rm(
    profile: LoadVelocityProfile,
    *,
    mvt: MinimalVelocityThreshold | None = None,
    tested_one_rm: float | None = None,
) -> OneRmEstimate:
    """The athlete's 1RM: a tested one when given, else the profile's load at the MVT.

    ``mvt`` defaults to :data:`DEFAULT_MVT`; it must be of the profile's velocity kind.

    Raises:
        InputError: no MVT for this lift, or an MVT of the wrong velocity kind.
    """
    unit = profile.unit.value
    if tested_one_rm is not None:
        if not (math.isfinite(tested_one_rm) and tested_one_rm > 0):
            raise InputError(f"a tested 1RM of {tested_one_rm!r} {unit} is not a load")
        return OneRmEstimate(
            tested_one_rm,
            tested_one_rm,
            tested_one_rm,
            unit,
            "tested",
            "tested",
            f"{tested_one_rm:g} {unit} (tested)",
            None,
            100.0,
            ("a tested 1RM is used as it is",),
        )
    threshold = mvt if mvt is not None else default_mvt(profile.lift)
    if threshold.kind is not profile.velocity_kind:
        raise InputError(
            f"the minimal velocity threshold is a {threshold.kind.value} velocity but the "
            f"{profile.lift.value} profile uses {profile.velocity_kind.value} velocity"
        )
    value = (threshold.velocity_m_s - profile.intercept_m_s) / profile.slope_m_s_per_unit
    low, high = profile.load_interval(threshold.velocity_m_s, velocity_sd_m_s=threshold.sd_m_s)
    notes: list[str] = [f"minimal velocity threshold {threshold.velocity_m_s:.2f} m/s ({threshold.source})"]
    reach_pct = profile.load_range[1] / value * 100.0 if value > 0 else math.nan
    if math.isfinite(low):
        half = (high - low) / 2.0
        rel = half / value if value > 0 else math.inf
        level = 3 if rel <= 0.05 else 2 if rel <= 0.10 else 1
    else:
        half, level = math.nan, 0
        notes.append("the fit has no error estimate (two points): the number's precision is unknown")
    if value <= profile.load_range[1]:
        notes.append(
            f"the heaviest set ({profile.load_range[1]:g} {unit}) moved slower than the threshold: "
            "the threshold is probably too high for this athlete; record a tested 1RM"
        )
        level = min(level, 1)
    elif reach_pct < 70.0 and level > 1:
        notes.append(f"the heaviest set is only {reach_pct:.0f} % of the estimate: a long extrapolation")
        level -= 1
    if velocity_kind(profile.lift) is VelocityKind.PEAK and level > 1:
        notes.append(
            "peak-velocity profiles (Olympic lifts, the jerk) predict the 1RM poorly (Haff et al. 2020): "
            "confidence is capped at low; test the 1RM for a number to train from"
        )
        level = 1
    step = _display_step(half)
    if math.isfinite(low):
        shown = f"≈ {_fmt(value, step)} {unit} ({_fmt(low, step)}-{_fmt(high, step)})"
    else:
        shown = f"≈ {_fmt(value, step)} {unit} (uncertainty unknown)"
    return OneRmEstimate(
        value, low, high, unit, "profile", _LEVELS[level], shown, threshold, reach_pct, tuple(notes)
    )
