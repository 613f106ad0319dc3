"""Load units: kilograms and pounds, the empty bar and the smallest plate in each.

Loads are stored in kilograms (the service's ``load_kg``); a gym that loads pounds gets its numbers
rounded on pound plates and converted back. A pound is exactly 0.45359237 kg (international yard and
pound agreement, 1959).
"""

from __future__ import annotations

from enum import StrEnum

#: Kilograms in one pound (exact by definition).
KG_PER_LB = 0.45359237


class LoadUnit(StrEnum):
    """The unit a gym's plates and bars are marked in."""

    KG = "kg"
    LB = "lb"


#: The empty men's Olympic bar: 20 kg, or the 45 lb bar of pound gyms.
EMPTY_BAR: dict[LoadUnit, float] = {LoadUnit.KG: 20.0, LoadUnit.LB: 45.0}

#: The smallest plate of a common gym (change plates are often lighter; the setting is per athlete).
DEFAULT_SMALLEST_PLATE: dict[LoadUnit, float] = {LoadUnit.KG: 1.25, LoadUnit.LB: 2.5}

#: Plates of a common gym, heaviest first, each available in pairs.
DEFAULT_PLATES: dict[LoadUnit, tuple[float, ...]] = {
    LoadUnit.KG: (25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25),
    LoadUnit.LB: (45.0, 35.0, 25.0, 10.0, 5.0, 2.5),
}


def to_kg(load: float, unit: LoadUnit) -> float:
    """``load`` in ``unit`` as kilograms."""
    return load * KG_PER_LB if unit is LoadUnit.LB else load


def from_kg(load_kg: float, unit: LoadUnit) -> float:
    """``load_kg`` in ``unit``."""
    return load_kg / KG_PER_LB if unit is LoadUnit.LB else load_kg
