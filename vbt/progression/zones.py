"""Velocity zones: which quality a set trains, by the velocity of its reps.

Mean-velocity defaults are Mann's mean-velocity zones (Mann 2016, "Developing
Explosive Athletes: Use of Velocity Based Training in Athletes", 3rd ed.; after Bosco's strength
continuum): absolute strength below 0.50 m/s, accelerative strength 0.50-0.75, strength-speed
0.75-1.00, speed-strength 1.00-1.30, starting strength above 1.30 m/s. Their lower end is the lift's
minimal velocity threshold; the top of starting strength is set at 1.50 m/s so that every zone has
a middle to aim at. Zones are a convention, not physiology: every band is configurable per athlete.

Every lift takes its zones from its family (`vbt.lifts`): the mean-velocity families Mann's edges
from the lift's own minimal velocity threshold up. The Olympic pulls and the jerk drive are measured on
peak velocity; their bands are vbt's working power-clean defaults (no study gives validated
power-clean zones) and should be set from the athlete's own profile. The snatch, faster than any clean,
has none.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from vbt.errors import InputError
from vbt.lifts import velocity_kind
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
#: The narrowest slowest band, m/s (see `default_zones`).
_MIN_BAND_M_S = 0.05
#: vbt's working power-clean peak-velocity edges (not from a study; see the module docstring).
_POWER_CLEAN_EDGES_M_S = (1.50, 1.65, 1.80, 1.95, 2.20)


def _bands(bottom: float, edges: tuple[float, ...]) -> tuple[ZoneBand, ...]:
    lows = (bottom, *edges[:-1])
    return tuple(ZoneBand(z, lo, hi) for z, lo, hi in zip(Zone, lows, edges, strict=True))


def default_zones(lift: Lift) -> ZoneTable:
    """The default zones of ``lift``, by the velocity its family is measured on (`vbt.lifts`): Mann's
    mean-velocity edges from the lift's minimal velocity threshold up, or vbt's working peak-velocity
    edges from the threshold less its SD up.

    Raises:
        InputError: no defaults for the lift (the snatch): configure them.
    """
    mvt = DEFAULT_MVT.get(lift)
    if mvt is None:
        raise InputError(f"vbt has no default velocity zones for the {lift.label}; configure them")
    if velocity_kind(lift) is VelocityKind.PEAK:
        bottom = min(mvt.velocity_m_s - mvt.sd_m_s, _POWER_CLEAN_EDGES_M_S[0] - _MIN_BAND_M_S)
        return ZoneTable(
            lift, VelocityKind.PEAK, _bands(bottom, _POWER_CLEAN_EDGES_M_S), "vbt working defaults"
        )
    # A lift whose threshold lies above Mann's first edge (the row's 0.52 m/s) keeps a slowest band
    # of ``_MIN_BAND_M_S``: it is empty for the lift in practice, never inverted.
    bottom = min(mvt.velocity_m_s, _MANN_EDGES_M_S[0] - _MIN_BAND_M_S)
    return ZoneTable(lift, VelocityKind.MEAN, _bands(bottom, _MANN_EDGES_M_S), "Mann 2016")


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
