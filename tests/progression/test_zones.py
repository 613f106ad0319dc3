"""Velocity zones: the defaults, lookups and configuration."""

from __future__ import annotations

import pytest

from vbt.errors import InputError
from vbt.progression.profile import VelocityKind
from vbt.progression.zones import Zone, default_zones, zone_table
from vbt.types import Lift


def test_mann_zones_for_the_squat() -> None:
    table = default_zones(Lift.SQUAT)
    edges = [(b.low_m_s, b.high_m_s) for b in table.bands]
    assert edges == [(0.30, 0.50), (0.50, 0.75), (0.75, 1.00), (1.00, 1.30), (1.30, 1.50)]
    assert table.zone_of(0.8) is Zone.STRENGTH_SPEED
    assert table.zone_of(0.75) is Zone.STRENGTH_SPEED
    assert table.zone_of(0.2) is None
    assert table.band(Zone.SPEED_STRENGTH).target_m_s == pytest.approx(1.15)
    assert default_zones(Lift.BENCH).bands[0].low_m_s == 0.17


def test_power_clean_zones_are_peak_velocity() -> None:
    table = default_zones(Lift.POWER_CLEAN)
    assert table.kind is VelocityKind.PEAK
    assert table.zone_of(1.7) is Zone.STRENGTH_SPEED


def test_zones_can_be_configured_and_must_stay_contiguous() -> None:
    table = zone_table(Lift.SQUAT, overrides={Zone.ABSOLUTE_STRENGTH: (0.25, 0.50)})
    assert table.bands[0].low_m_s == 0.25
    assert "configured" in table.source
    with pytest.raises(InputError, match="must meet without gaps"):
        zone_table(Lift.SQUAT, overrides={Zone.ABSOLUTE_STRENGTH: (0.25, 0.45)})
    with pytest.raises(InputError, match="is empty"):
        zone_table(Lift.SQUAT, overrides={Zone.STRENGTH_SPEED: (0.9, 0.8)})
    with pytest.raises(InputError, match="no default velocity zones for the snatch"):
        default_zones(Lift.SNATCH)
