"""The lift catalogue: every barbell lift vbt measures, its family, its range and its limits.

Code that treats lifts differently asks the catalogue (``lift.family``, `velocity_kind`,
`lift.spec`) instead of naming lifts: a new lift is one entry here.

Families (how the bar moves, hence how a rep is found and which velocity describes it):

- **squat-like concentric** (`LiftFamily.SQUAT`): the bar is lowered under control, then driven up;
  a rep is the rise from the bottom of that descent, and needs the descent (squat, front squat,
  Romanian deadlift, bent-over row: the hinge to the hang comes before each row, and the pick-up
  from the floor before the first one is not a rep).
- **pull from the floor** (`LiftFamily.FLOOR_PULL`): each rep rises from the bar at rest on the floor
  (deadlift).
- **press** (`LiftFamily.PRESS`): the bar is pushed up from a support (the chest, the shoulders, the
  lap); a rep may start from rest at the bottom with no descent before it, so a rise counts its own
  height (bench press, overhead press, push press, hip thrust).
- **Olympic pull** (`LiftFamily.OLYMPIC_PULL`): from lift-off to peak bar height, made when the bar
  is held high after the catch (power clean, clean, snatch, clean and jerk: its clean's pull).
- **jerk drive** (`LiftFamily.JERK_DRIVE`): dip and drive from the shoulders, the lifter then drops
  under the bar; a rep is the drive, from the dip's bottom to peak height (jerk).

One velocity per family, for display and for velocity loss (`velocity_kind`): **peak** velocity for
the Olympic pull and the jerk drive, **mean** (concentric) velocity for the rest. The lifter drops
under the bar at the end of a pull or a drive and the bar's rise after the peak is the lifter's depth
under it, not effort: the mean over the rise blurs with the catch, while the peak is the output of the
pull (Garhammer 1985, Int J Sport Biomech 1:122, reports peak bar velocity for the snatch and the
clean and jerk; Haff, Garcia-Ramos & James 2020, Sports 8(9):129, for the weightlifting derivatives;
Perch's app shows peak velocity for the Olympic lifts for the same reason).

Physical limits (`LiftLimits`) and minimum ranges come from the body: see `vbt.quality.limits` for the
sources of the velocity, range and duration bounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from vbt.errors import InputError


class LiftFamily(StrEnum):
    """How the bar moves in a lift (see the module docstring)."""

    SQUAT = "squat_like"
    FLOOR_PULL = "floor_pull"
    PRESS = "press"
    OLYMPIC_PULL = "olympic_pull"
    JERK_DRIVE = "jerk_drive"

    @property
    def label(self) -> str:
        """How a person names the family."""
        return _FAMILY_TITLES[self]


_FAMILY_TITLES = {
    LiftFamily.SQUAT: "squat-like concentric",
    LiftFamily.FLOOR_PULL: "pull from the floor",
    LiftFamily.PRESS: "press",
    LiftFamily.OLYMPIC_PULL: "Olympic pull",
    LiftFamily.JERK_DRIVE: "jerk drive",
}


class VelocityKind(StrEnum):
    """Which velocity of a rep describes it (display, velocity loss, profiles)."""

    MEAN = "mean"
    PEAK = "peak"


class Lift(StrEnum):
    """The lifts vbt segments and measures (the catalogue's keys)."""

    SQUAT = "squat"
    FRONT_SQUAT = "front_squat"
    ROMANIAN_DEADLIFT = "romanian_deadlift"
    ROW = "row"
    DEADLIFT = "deadlift"
    BENCH = "bench"
    OVERHEAD_PRESS = "overhead_press"
    PUSH_PRESS = "push_press"
    HIP_THRUST = "hip_thrust"
    POWER_CLEAN = "power_clean"
    CLEAN = "clean"
    SNATCH = "snatch"
    CLEAN_AND_JERK = "clean_and_jerk"
    JERK = "jerk"

    @property
    def spec(self) -> LiftSpec:
        """The lift's catalogue entry."""
        return CATALOGUE[self]

    @property
    def family(self) -> LiftFamily:
        """How the bar moves in the lift."""
        return CATALOGUE[self].family

    @property
    def label(self) -> str:
        """How a person names the lift ("front squat")."""
        return CATALOGUE[self].label

    @property
    def is_olympic(self) -> bool:
        """True for lifts measured from lift-off to peak bar height (the Olympic pull family)."""
        return self.family is LiftFamily.OLYMPIC_PULL

    @property
    def rises_from_floor(self) -> bool:
        """True for lifts whose every rep rises from the bar at rest on the floor (pulls from the
        floor and Olympic pulls): a rise from higher up is a recovery (a stand-up from a catch)."""
        return self.family in (LiftFamily.FLOOR_PULL, LiftFamily.OLYMPIC_PULL)


class Holder(StrEnum):
    """What holds the bar, for checking that the tracked bar moves with the body."""

    HANDS = "hands"
    SHOULDERS = "shoulders"
    HIPS = "hips"


@dataclass(frozen=True)
class LiftLimits:
    """Bounds of one lift: a rep outside them was not measured right (see `vbt.quality.limits`).

    Attributes:
        max_mean_velocity_m_s: no rep of the lift averages more.
        max_peak_velocity_m_s: no rep of the lift peaks higher.
        max_range_m: no rep of the lift travels further (concentric, or lift-off to peak height).
        min_duration_s, max_duration_s: a rep's duration lies between these.
    """

    max_mean_velocity_m_s: float
    max_peak_velocity_m_s: float
    max_range_m: float
    min_duration_s: float
    max_duration_s: float


@dataclass(frozen=True)
class LiftSpec:
    """One lift of the catalogue.

    Attributes:
        lift: its key.
        label: how a person names it.
        family: how the bar moves.
        min_range_m: the least range a complete rep covers (the rise of the concentric, or lift-off
            to peak height); shorter rises are failed reps or no reps.
        min_attempt_m: rises smaller than this are never reps, not even failed ones.
        limits: the physical bounds of the lift.
        held_by: what holds the bar (the shoulders in a back or front squat, the hips in a hip thrust,
            else the hands).
        aliases: other names a person types for it (any case; spaces, hyphens and underscores alike).
    """

    lift: Lift
    label: str
    family: LiftFamily
    min_range_m: float
    min_attempt_m: float
    limits: LiftLimits
    held_by: Holder = Holder.HANDS
    aliases: tuple[str, ...] = ()

    @property
    def velocity_kind(self) -> VelocityKind:
        """The lift's one velocity for display and loss (`velocity_kind`)."""
        return velocity_kind(self.lift)


def velocity_kind(lift: Lift) -> VelocityKind:
    """The one velocity shown and used for velocity loss for ``lift``: peak for the Olympic pull and
    the jerk drive (the catch blurs the mean; see the module docstring), mean for the rest."""
    return _FAMILY_VELOCITY[lift.family]


_FAMILY_VELOCITY = {
    LiftFamily.SQUAT: VelocityKind.MEAN,
    LiftFamily.FLOOR_PULL: VelocityKind.MEAN,
    LiftFamily.PRESS: VelocityKind.MEAN,
    LiftFamily.OLYMPIC_PULL: VelocityKind.PEAK,
    LiftFamily.JERK_DRIVE: VelocityKind.PEAK,
}

# Limits (see vbt.quality.limits for the sources; H = 2.0 m, Drillis & Contini proportions). The
# velocities: mean concentric up to 1.8-2.0 m/s (the fastest published, 1.2-1.6 m/s at 20-30 % of
# 1RM, plus a margin); peak up to 2.8 m/s (jump take-off velocity, 2.5-3 m/s, for the lifts whose feet
# stay down; a tenth above light hang power snatches' ~2.5 m/s and a quarter above competition
# snatches' 1.7-2.2 m/s for the Olympic pulls and drives).
# squat-like: the shoulders drop at most 0.53 H - 0.12 H = 0.82 m (front squat alike), +10 %.
_SQUAT = LiftLimits(1.8, 2.8, 0.9, 0.2, 10.0)
# A press moves the bar by at most the arm, 0.33 H = 0.66 m, +10 % (bench, overhead press, row: the
# bar from hanging arms to the torso).
_PRESS = LiftLimits(2.0, 2.8, 0.73, 0.15, 10.0)
# Push press and jerk: the dip (at most 0.1 H) and the arm: 0.86 m, +10 %; the drive peaks like a
# pull (1.4-1.9 m/s in jerks, Grabe & Widule 1988), so within the pull's 2.8 m/s.
_DRIVE = LiftLimits(2.0, 2.8, 0.95, 0.15, 5.0)
# Deadlift: from the plate's radius (0.225 m) to the wrists standing (0.485 H): 0.75 m, +10 %; a
# Romanian deadlift's bottom lies above the floor, so the same bound holds.
_FLOOR = LiftLimits(1.8, 2.8, 0.83, 0.2, 10.0)
# Hip thrust: the bar on the hips rises at most by the thigh's length (0.245 H = 0.49 m), +10 %.
_HIP = LiftLimits(1.8, 2.8, 0.54, 0.2, 10.0)
# Olympic pulls: lift-off to the highest bar in a snatch (0.78 H): 1.34 m, +10 %; peak 2.8 m/s (was
# 3.2 m/s without a source: the bar's free rise from its peak velocity to the highest bar, v^2 / 2g
# <= 0.56 m, allows 3.3 m/s, but no published snatch or clean comes near it).
_PULL = LiftLimits(2.0, 2.8, 1.47, 0.2, 2.5)


#: Labels that are not the key with spaces.
_LABELS = {Lift.ROMANIAN_DEADLIFT: "Romanian deadlift", Lift.BENCH: "bench press"}


def _spec(
    lift: Lift,
    family: LiftFamily,
    limits: LiftLimits,
    min_range_m: float,
    min_attempt_m: float,
    *aliases: str,
    held_by: Holder = Holder.HANDS,
) -> LiftSpec:
    label = _LABELS.get(lift, lift.value.replace("_", " "))
    return LiftSpec(lift, label, family, min_range_m, min_attempt_m, limits, held_by, aliases)


# Minimum ranges: the least a complete rep covers, from the body of a short (1.5 m) lifter, halved
# where partial reps are trained (a quarter squat: thighs 45 degrees from vertical, about 0.15 m):
# squat and front squat 0.12 m; bench 0.12 m (a full bench covers 0.25-0.45 m); a Romanian deadlift
# hinges the bar from the wrists standing to the knees (0.2 H: 0.30 m), half of it 0.15 m; a row pulls
# the bar from hanging arms to the torso, at least a third of the arm (0.33 H: 0.5 m) 0.15 m, less
# 0.05 m for a short row: 0.10 m; an overhead press moves the bar from the shoulders past the head to
# lockout, at least half the arm: 0.25 m, less the 0.05 m a lifter's lockout may miss: 0.20 m; a push
# press and a jerk add the dip's drive to it: 0.25 m; a hip thrust rises at least by a third of the
# thigh (0.245 H: 0.37 m): 0.10 m; a deadlift rises at least from the floor to the knees less the
# plate's radius: 0.30 m; an Olympic pull rises at least to the hips: 0.40 m.
CATALOGUE: dict[Lift, LiftSpec] = {
    s.lift: s
    for s in (
        _spec(Lift.SQUAT, LiftFamily.SQUAT, _SQUAT, 0.12, 0.07, "back squat", "bs", held_by=Holder.SHOULDERS),
        _spec(Lift.FRONT_SQUAT, LiftFamily.SQUAT, _SQUAT, 0.12, 0.07, "fs", held_by=Holder.SHOULDERS),
        _spec(Lift.ROMANIAN_DEADLIFT, LiftFamily.SQUAT, _FLOOR, 0.15, 0.07, "rdl", "stiff leg deadlift"),
        _spec(
            Lift.ROW,
            LiftFamily.SQUAT,
            _PRESS,
            0.10,
            0.05,
            "barbell row",
            "bent over row",
            "bent over barbell row",
            "pendlay row",
        ),
        _spec(Lift.DEADLIFT, LiftFamily.FLOOR_PULL, _FLOOR, 0.30, 0.09, "dl", "conventional deadlift"),
        _spec(
            Lift.BENCH,
            LiftFamily.PRESS,
            _PRESS,
            0.12,
            0.05,
            "bench press",
            "bp",
            "incline bench",
            "incline bench press",
        ),
        _spec(
            Lift.OVERHEAD_PRESS,
            LiftFamily.PRESS,
            _PRESS,
            0.20,
            0.07,
            "ohp",
            "press",
            "military press",
            "strict press",
            "shoulder press",
        ),
        _spec(Lift.PUSH_PRESS, LiftFamily.PRESS, _DRIVE, 0.25, 0.10, "pp"),
        _spec(
            Lift.HIP_THRUST,
            LiftFamily.PRESS,
            _HIP,
            0.10,
            0.05,
            "barbell hip thrust",
            "ht",
            held_by=Holder.HIPS,
        ),
        _spec(Lift.POWER_CLEAN, LiftFamily.OLYMPIC_PULL, _PULL, 0.40, 0.10, "pc"),
        _spec(Lift.CLEAN, LiftFamily.OLYMPIC_PULL, _PULL, 0.40, 0.10, "squat clean", "full clean"),
        _spec(Lift.SNATCH, LiftFamily.OLYMPIC_PULL, _PULL, 0.40, 0.10, "squat snatch", "full snatch"),
        _spec(
            Lift.CLEAN_AND_JERK,
            LiftFamily.OLYMPIC_PULL,
            _PULL,
            0.40,
            0.10,
            "c&j",
            "cj",
            "clean & jerk",
        ),
        _spec(Lift.JERK, LiftFamily.JERK_DRIVE, _DRIVE, 0.25, 0.10, "split jerk", "push jerk", "power jerk"),
    )
}


def _key(text: str) -> str:
    """A name as compared: lower case, runs of spaces, hyphens and underscores as one underscore."""
    return re.sub(r"[\s_\-]+", "_", text.strip().lower())


def lifts() -> list[LiftSpec]:
    """The catalogue, in the order of `Lift` (grouped by family)."""
    return [CATALOGUE[lift] for lift in Lift]


def lifts_table() -> str:
    """The catalogue as a table for the terminal (`vbt lifts`): each lift's key (what ``--lift``
    takes), family, the velocity it is shown and judged by, its minimum range and its aliases."""
    header = ("lift", "family", "velocity", "min range m", "also")
    rows = [header] + [
        (
            spec.lift.value,
            spec.family.label,
            spec.velocity_kind.value,
            f"{spec.min_range_m:.2f}",
            ", ".join(spec.aliases) or "-",
        )
        for spec in lifts()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = [
        "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]) for row in rows
    ]
    lines.insert(1, "  ".join(["-" * w for w in widths] + ["-" * len(header[-1])]))
    lines.append("")
    lines.append(
        "Names are matched in any case, with spaces, hyphens or underscores (Power Clean, back_squat)."
    )
    lines.append("Velocity: the one shown and used for velocity loss (peak: the catch blurs the mean).")
    return "\n".join(lines)


def parse_lift(text: str) -> Lift:
    """The lift a person means by ``text``: its key or label or an alias, in any case, with spaces,
    hyphens or underscores ("Power Clean", "power-clean", "back_squat", "RDL", "ohp").

    Raises:
        InputError: no lift has that name; the message lists the lifts there are.
    """
    key = _key(text)
    for spec in CATALOGUE.values():
        if key in {spec.lift.value, _key(spec.label), *(_key(a) for a in spec.aliases)}:
            return spec.lift
    known = ", ".join(lift.value for lift in Lift)
    raise InputError(
        f"unknown lift {text!r}: vbt knows {known} (any case; aliases such as back_squat, bench_press, "
        "rdl, ohp also work; `vbt lifts` lists them all)"
    )
