"""``GET /api/lifts``: the lift catalogue with each lift's one velocity and its zones' colours.

The pages colour a velocity from this answer (``static/js/stats.js``), so the web, the plot, the
annotated video and the terminal share one palette and one zone table (`vbt.report.style`): nothing
about zones or colours is written twice in JavaScript or CSS.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from vbt.lifts import LiftFamily, VelocityKind, lifts
from vbt.progression.zones import Zone
from vbt.report import style
from vbt.types import Lift

router = APIRouter(tags=["lifts"])


class ZoneBandOut(BaseModel):
    """One velocity zone of a lift: ``min_m_s <= v < max_m_s`` (None: open-ended)."""

    zone: Zone
    name: str
    min_m_s: float | None = Field(description="None for the slowest zone: every slower velocity is in it")
    max_m_s: float | None = Field(description="None for the fastest zone: every faster velocity is in it")
    color: str = Field(description="#rrggbb, the same in the plot, the video and the pages")


class LiftOut(BaseModel):
    """One lift of the catalogue."""

    lift: Lift
    label: str
    family: LiftFamily
    family_label: str
    velocity_kind: VelocityKind = Field(description="the one velocity shown and used for velocity loss")
    min_range_m: float
    aliases: list[str]
    zones_source: str | None = Field(description="where the zones come from; None: the lift has none")
    zones: list[ZoneBandOut]


class Palette(BaseModel):
    """Colours that are not zones."""

    failed: str
    suspect: str
    no_zone: str


class LiftsOut(BaseModel):
    lifts: list[LiftOut]
    palette: Palette


def _zones(lift: Lift) -> tuple[str | None, list[ZoneBandOut]]:
    table = style.zone_table(lift)
    if table is None:
        return None, []
    last = len(table.bands) - 1
    bands = [
        ZoneBandOut(
            zone=band.zone,
            name=style.zone_name(band.zone),
            min_m_s=None if i == 0 else band.low_m_s,
            max_m_s=None if i == last else band.high_m_s,
            color=style.ZONE_COLOURS[band.zone],
        )
        for i, band in enumerate(table.bands)
    ]
    return table.source, bands


@router.get("/lifts")
def list_lifts() -> LiftsOut:
    """Every lift vbt measures: its family, its one velocity (peak for the Olympic pulls and the
    jerk, mean for the rest) and its velocity zones with their colours."""
    out = []
    for spec in lifts():
        source, zones = _zones(spec.lift)
        out.append(
            LiftOut(
                lift=spec.lift,
                label=spec.label,
                family=spec.family,
                family_label=spec.family.label,
                velocity_kind=spec.velocity_kind,
                min_range_m=spec.min_range_m,
                aliases=list(spec.aliases),
                zones_source=source,
                zones=zones,
            )
        )
    return LiftsOut(
        lifts=out, palette=Palette(failed=style.FAILED, suspect=style.SUSPECT, no_zone=style.MUTED)
    )
