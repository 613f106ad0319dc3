"""Velocity zones: which quality a set trains, by the velocity of its reps.

Defaults for squat, bench press and deadlift are Mann's mean-velocity zones (Mann 2016, "Developing
Explosive Athletes: Use of Velocity Based Training in Athletes", 3rd ed.; after Bosco's strength
continuum): absolute strength below 0.50 m/s, accelerative strength 0.50-0.75, strength-speed
0.75-1.00, speed-strength 1.00-1.30, starting strength above 1.30 m/s. Their lower end is the lift's
minimal velocity threshold; the top of starting strength is set at 1.50 m/s so that every zone has
a middle to aim at. Zones are a convention, not physiology: every band is configurable per athlete.

The power clean is measured on peak velocity; its bands are vbt's working defaults (no study gives
validated power-clean zones) and should be set from the athlete's own profile.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from vbt.errors import InputError
from vbt.progression.one_rm import DEFAULT_MVT
from vbt.progression.profile import VelocityKind
from vbt.types import Lift


class Zone(StrEnum):
    """Velocity zones, slowest first."""

    ABSOLUTE_STRENGTH = "absolute_strength"
    ACCELERATIVE_STRENGTH = "accelerative_strength"
    STRENGTH_SPEED = "strength_speed"
    SPEED_STRENGTH = "speed_strength"
    STARTING_STRENGTH = "starting_strength"


@dataclass(frozen=True)
class ZoneBand:
    zone: Zone
    low_m_s: float
    high_m_s: float

    @property
    def target_m_s(self) -> float:
        """The middle of the band."""
        return (self.low_m_s + self.high_m_s) / 2.0


@dataclass(frozen=True)
class ZoneTable:
    """Contiguous bands for one lift, slowest first."""

    lift: Lift
    kind: VelocityKind
    bands: tuple[ZoneBand, ...]
    source: str

    def band(self, zone: Zone) -> ZoneBand:
        return next(b for b in self.bands if b.zone is zone)

    def zone_of(self, velocity_m_s: float) -> Zone | None:
        """The zone a velocity falls in (bands include their low end); None outside every band."""
        if not math.isfinite(velocity_m_s):
            return None
        for band in self.bands:
            if band.low_m_s <= velocity_m_s < band.high_m_s:
                return band.zone
        return None


_MANN_EDGES_M_S = (0.50, 0.75, 1.00, 1.30, 1.50)
#: vbt's working power-clean peak-velocity edges (not from a study; see the module docstring).
_POWER_CLEAN_EDGES_M_S = (1.50, 1.65, 1.80, 1.95, 2.20)


def _bands(bottom: float, edges: tuple[float, ...]) -> tuple[ZoneBand, ...]:
    lows = (bottom, *edges[:-1])
    return tuple(ZoneBand(z, lo, hi) for z, lo, hi in zip(Zone, lows, edges, strict=True))


def default_zones(lift: Lift) -> ZoneTable:
    """The default zones of ``lift``.

    Raises:
        InputError: no defaults for the lift (clean, snatch): configure them.
    """
    if lift is Lift.POWER_CLEAN:
        bottom = DEFAULT_MVT[lift].velocity_m_s - DEFAULT_MVT[lift].sd_m_s
        return ZoneTable(
            lift, VelocityKind.PEAK, _bands(bottom, _POWER_CLEAN_EDGES_M_S), "vbt working defaults"
        )
    if lift in (Lift.SQUAT, Lift.BENCH, Lift.DEADLIFT):
        bottom = DEFAULT_MVT[lift].velocity_m_s
        return ZoneTable(lift, VelocityKind.MEAN, _bands(bottom, _MANN_EDGES_M_S), "Mann 2016")
    raise InputError(f"vbt has no default velocity zones for the {lift.value}; configure them")


def zone_table(lift: Lift, *, overrides: Mapping[Zone, tuple[float, float]] | None = None) -> ZoneTable:
    """The default zones of ``lift`` with some bands replaced by ``overrides`` (low, high m/s).

    Raises:
        InputError: a band is empty or the bands overlap or leave gaps.
    """
    table = default_zones(lift)
    if not overrides:
        return table
    bands = tuple(
        replace(b, low_m_s=overrides[b.zone][0], high_m_s=overrides[b.zone][1]) if b.zone in overrides else b
        for b in table.bands
    )
    for band in bands:
        if not (
            math.isfinite(band.low_m_s) and math.isfinite(band.high_m_s) and band.low_m_s < band.high_m_s
        ):
            raise InputError(f"the {band.zone.value} zone {band.low_m_s}-{band.high_m_s} m/s is empty")
    for below, above in itertools.pairwise(bands):
        if not math.isclose(below.high_m_s, above.low_m_s, abs_tol=1e-9):
            raise InputError(
                f"the {below.zone.value} zone ends at {below.high_m_s} m/s but {above.zone.value} starts "
                f"at {above.low_m_s} m/s; zones must meet without gaps or overlaps"
            )
    return replace(table, bands=bands, source=f"{table.source}, configured")
