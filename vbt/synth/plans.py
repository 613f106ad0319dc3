"""What a lift program produces: the exact motion plus where the reps and the ghosts are."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vbt.synth.joints import JointModel
from vbt.synth.profiles import BarMotion
from vbt.types import Lift, RepStatus

#: Kinds of movement that are not reps (a segmenter must not count them).
GHOST_KINDS = ("walkout", "rerack", "bounce", "partial", "recovery", "lowering")


@dataclass(frozen=True)
class SetOptions:
    """Every option of a synthetic set, resolved (no ``None`` left except where documented).

    Attributes:
        lift: the lift.
        n_reps: reps attempted (the last one fails when ``failed_last``).
        load_kg: bar load; None leaves power out of the truth.
        fatigue: mean velocity falls 2-6 % per rep (else +-1.5 % rep-to-rep jitter).
        walkout: unrack + walk-out before and walk-in + re-rack after the set (squat, bench).
        failed_last: the last rep fails.
        bounces: deadlift: a touch-and-go bounce at floor contact; Olympic lifts: the bar is dropped
            from the hold and bounces on bumpers (else it is lowered under control).
        partials: small movements below any sensible minimum range (3-6 cm) between reps.
        paused: squat/bench: a pause at the bottom of every rep.
        sticking: squat/bench/deadlift: a sticking-region dip in the concentric; None = only on heavy
            reps (slow mean velocity).
        with_joints: generate joint positions (else NaN).
        incomplete_extension: Olympic lifts: joints that stop short of full extension in every rep.
        double_knee_bend: Olympic lifts: the knee re-bends between first and second pull.
        first_mean_velocity_m_s: squat/bench/deadlift: the first rep's mean concentric velocity
            (None: drawn from a lift-specific range).
        rom_m: squat/bench/deadlift: the range of motion (None: drawn from a lift-specific range).
    """

    lift: Lift
    n_reps: int
    load_kg: float | None
    fatigue: bool
    walkout: bool
    failed_last: bool
    bounces: bool
    partials: bool
    paused: bool
    sticking: bool | None
    with_joints: bool
    incomplete_extension: tuple[str, ...]
    double_knee_bend: bool
    first_mean_velocity_m_s: float | None
    rom_m: float | None

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable form (for the truth file)."""
        return {
            "n_reps": self.n_reps,
            "fatigue": self.fatigue,
            "walkout": self.walkout,
            "failed_last": self.failed_last,
            "bounces": self.bounces,
            "partials": self.partials,
            "paused": self.paused,
            "sticking": self.sticking,
            "with_joints": self.with_joints,
            "incomplete_extension": list(self.incomplete_extension),
            "double_knee_bend": self.double_knee_bend,
            "first_mean_velocity_m_s": self.first_mean_velocity_m_s,
            "rom_m": self.rom_m,
        }


@dataclass(frozen=True)
class ExtensionPlan:
    """The intended triple extension of one pull (exact knots of the joint angle curves)."""

    hip_peak_s: float
    knee_peak_s: float
    ankle_peak_s: float
    hip_peak_deg: float
    knee_peak_deg: float
    ankle_peak_deg: float
    double_knee_bend: bool
    knee_rebend_deg: float
    second_pull_start_s: float | None
    complete_intended: bool


@dataclass(frozen=True)
class RepPlan:
    """One rep as knot indices into the velocity profile.

    ``start``/``end``: squat/bench/deadlift: bottom (or lift-off) to lockout (or where a failed rep stops
    rising); Olympic lifts: lift-off to peak height. ``catch``: the lowest point after the peak (Olympic,
    successful reps only).
    """

    start: int
    end: int
    status: RepStatus
    catch: int | None = None
    extension: ExtensionPlan | None = None


@dataclass(frozen=True)
class GhostPlan:
    kind: str
    start_s: float
    end_s: float


@dataclass(frozen=True, eq=False)
class Program:
    """A generated set before sampling."""

    motion: BarMotion
    reps: tuple[RepPlan, ...]
    ghosts: tuple[GhostPlan, ...]
    joints: JointModel


def uniform(rng: np.random.Generator, low: float, high: float) -> float:
    """One draw from U(low, high) as a Python float."""
    return float(rng.uniform(low, high))


def fatigue_factors(rng: np.random.Generator, n_reps: int, *, fatigue: bool) -> list[float]:
    """Per-rep velocity factors: falling 2-6 % per rep with fatigue, else +-1.5 % jitter around 1."""
    if not fatigue:
        return [uniform(rng, 0.985, 1.015) for _ in range(n_reps)]
    factors = [1.0]
    for _ in range(n_reps - 1):
        factors.append(factors[-1] * (1.0 - uniform(rng, 0.02, 0.06)))
    return factors
