"""One look for every picture and page vbt draws: the palette and the velocity zones' colours.

The plot (matplotlib, RGB), the annotated video and the live screen (OpenCV, BGR), the terminal and
the web pages (``GET /api/lifts`` serves these colours to the pages' scripts) take their colours from
here, so a velocity has the same colour everywhere.

Velocity colours are the lift's zones: one zone table per lift (`vbt.progression.zones`, on the
lift's one velocity, `vbt.lifts.velocity_kind`), one colour per zone (`ZONE_COLOURS`). A velocity
below the slowest zone's bottom takes the slowest zone's colour, one above the fastest zone's top the
fastest's; a lift without zones (the snatch) and a missing velocity are grey. Red is kept for failed
reps and is no zone's colour.

The zone colours follow the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), which
stays distinguishable with colour-vision deficiency, each readable on the pages' dark background and
behind text (`text_on`) on the plot's white one; every picture also names the zones in a legend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from vbt.errors import InputError
from vbt.lifts import Lift, velocity_kind
from vbt.progression.zones import Zone, ZoneBand, ZoneTable, default_zones
from vbt.types import FloatArray

#: One colour per velocity zone, slowest first.
ZONE_COLOURS: dict[Zone, str] = {
    Zone.ABSOLUTE_STRENGTH: "#e8743b",
    Zone.ACCELERATIVE_STRENGTH: "#e69f00",
    Zone.STRENGTH_SPEED: "#f0e442",
    Zone.SPEED_STRENGTH: "#2bb58c",
    Zone.STARTING_STRENGTH: "#56b4e9",
}
#: A speed below every zone (what a missing speed is drawn as).
_SLOWEST_M_S = -1.0
#: The lift used when a caller names none (the default zones are Mann's mean-velocity zones).
DEFAULT_LIFT = Lift.SQUAT

# The palette (hex RGB).
INK = "#212529"  # text and axes on light backgrounds
MUTED = "#868e96"  # secondary text, grid-free axes
LIGHT = "#f1f3f5"  # shading of a successful rep
FAILED = "#e03131"  # a failed rep, everywhere
FAILED_LIGHT = "#ffe3e3"  # shading of a failed rep
SUSPECT = "#868e96"  # a suspect rep (numbers not to be trusted), everywhere: grey, hatched
SUSPECT_HATCH = "////"
#: The set's quality verdict: its colour.
VERDICT_COLOURS = {"good": "#2f9e44", "doubtful": "#f08c00", "unusable": "#e03131"}
BAR = "#1c7ed6"  # the bar's velocity and height curves
TRUTH = "#495057"  # synthetic truth, drawn thin and dashed
WHITE = "#ffffff"
SHADOW = "#101113"  # outlines and panels behind text in the video
PALE = "#ced4da"  # secondary text on video frames; the live screen's bones
STOP = "#e8590c"  # the live screen's stop-the-set banner
JOINT_COLOURS: dict[str, str] = {
    "hip": "#e8590c",
    "knee": "#1098ad",
    "ankle": "#ae3ec9",
}


@dataclass(frozen=True)
class Stroke:
    """The width of lines drawn on a video frame, from the frame's shorter side, so a picture looks
    the same at any resolution.

    Attributes:
        side_per_px: the frame's shorter side over the line's width; raising it thins every line (less
            of the picture hidden, harder to see on a small or far screen).
        min_px: the thinnest line, pixels, so that lines stay visible on small frames.
    """

    side_per_px: float
    min_px: int

    def width_px(self, side_px: float) -> int:
        """The line width for a frame whose shorter side is ``side_px`` pixels."""
        return max(self.min_px, round(side_px / self.side_per_px))


#: The annotated video's lines (the bar's trail; the skeleton's bones are 1 px thinner).
VIDEO_STROKE = Stroke(side_per_px=150.0, min_px=3)
#: The live screen's lines (thinner than the video's).
LIVE_STROKE = Stroke(side_per_px=180.0, min_px=2)


def zone_table(lift: Lift = DEFAULT_LIFT) -> ZoneTable | None:
    """The lift's default zones (`vbt.progression.zones.default_zones`); None when it has none."""
    try:
        return default_zones(lift)
    except InputError:
        return None


def zone_name(zone: Zone) -> str:
    """How a person names a zone ("strength-speed")."""
    return {Zone.STRENGTH_SPEED: "strength-speed", Zone.SPEED_STRENGTH: "speed-strength"}.get(
        zone, zone.value.replace("_", " ")
    )


def zone_for(velocity_m_s: float, lift: Lift = DEFAULT_LIFT) -> ZoneBand | None:
    """The band of the lift's zones holding a velocity (below the slowest: the slowest; above the
    fastest: the fastest); None for NaN or a lift without zones."""
    table = zone_table(lift)
    if table is None or not math.isfinite(velocity_m_s):
        return None
    for band in table.bands:
        if velocity_m_s < band.high_m_s:
            return band
    return table.bands[-1]


def zone_colour(velocity_m_s: float, lift: Lift = DEFAULT_LIFT) -> str:
    """The colour of a velocity in the lift's zones; grey (`MUTED`) when it has none."""
    band = zone_for(velocity_m_s, lift)
    return ZONE_COLOURS[band.zone] if band is not None else MUTED


class LegendEntry(NamedTuple):
    """One zone in a legend: its name ("strength-speed"), its span in m/s ("0.75-1.00"), its colour."""

    name: str
    span: str
    colour: str


def legend(lift: Lift = DEFAULT_LIFT) -> list[LegendEntry]:
    """The lift's zones, slowest first, as a legend shows them (in m/s, as `legend_title` says); empty
    for a lift without zones. The slowest and the fastest are open-ended: every velocity has a colour."""
    table = zone_table(lift)
    if table is None:
        return []
    last = len(table.bands) - 1
    entries = []
    for i, band in enumerate(table.bands):
        if i == 0:
            span = f"< {band.high_m_s:.2f}"
        elif i == last:
            span = f"≥ {band.low_m_s:.2f}"
        else:
            span = f"{band.low_m_s:.2f}-{band.high_m_s:.2f}"
        entries.append(LegendEntry(zone_name(band.zone), span, ZONE_COLOURS[band.zone]))
    return entries


def legend_title(lift: Lift = DEFAULT_LIFT) -> str:
    """What the colours are: "mean velocity zones, m/s (Mann 2016)"."""
    table = zone_table(lift)
    if table is None:
        return f"no velocity zones for the {lift.label}"
    return f"{velocity_kind(lift).value} velocity zones, m/s ({table.source})"


def hex_to_rgb(colour: str) -> tuple[float, float, float]:
    """``"#rrggbb"`` -> (r, g, b) in 0..1."""
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"colour must look like #rrggbb, got {colour!r}")
    r, g, b = (int(value[i : i + 2], 16) / 255.0 for i in (0, 2, 4))
    return (r, g, b)


def rgb_to_hex(rgb: tuple[float, float, float]) -> str:
    """(r, g, b) in 0..1 -> ``"#rrggbb"``."""
    return "#" + "".join(f"{round(255 * min(max(c, 0.0), 1.0)):02x}" for c in rgb)


def hex_to_bgr(colour: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` -> (b, g, r) as 0..255 integers, the order OpenCV draws in."""
    r, g, b = (round(255 * c) for c in hex_to_rgb(colour))
    return (b, g, r)


def velocity_rgb_array(speed_m_s: npt.ArrayLike, *, lift: Lift = DEFAULT_LIFT) -> FloatArray:
    """(N,) speeds in m/s -> (N, 3) RGB in 0..1, each its zone's colour in the lift's zones; NaN
    speeds give NaN rows."""
    speeds = np.asarray(speed_m_s, dtype=np.float64).ravel()
    table = zone_table(lift)
    out = np.full((speeds.size, 3), np.nan)
    if table is None:
        out[np.isfinite(speeds)] = hex_to_rgb(MUTED)
        return out
    tops = np.array([b.high_m_s for b in table.bands[:-1]])
    colours = np.array([hex_to_rgb(ZONE_COLOURS[b.zone]) for b in table.bands])
    finite = np.isfinite(speeds)
    out[finite] = colours[np.searchsorted(tops, speeds[finite], side="right")]
    return out


def velocity_rgb(speed_m_s: float, *, lift: Lift = DEFAULT_LIFT) -> tuple[float, float, float]:
    """One speed in m/s -> (r, g, b) in 0..1, its zone's colour (NaN reads as the slowest)."""
    r, g, b = velocity_rgb_array([speed_m_s if math.isfinite(speed_m_s) else _SLOWEST_M_S], lift=lift)[0]
    return (float(r), float(g), float(b))


def velocity_bgr_array(speed_m_s: npt.ArrayLike, *, lift: Lift = DEFAULT_LIFT) -> npt.NDArray[np.uint8]:
    """(N,) speeds in m/s -> (N, 3) uint8 BGR for OpenCV; NaN speeds give the slowest zone's colour."""
    rgb = velocity_rgb_array(speed_m_s, lift=lift)
    rgb[~np.isfinite(rgb).all(axis=1)] = velocity_rgb(_SLOWEST_M_S, lift=lift)
    return np.asarray(np.round(255 * rgb[:, ::-1]), dtype=np.uint8)


def velocity_bgr(speed_m_s: float, *, lift: Lift = DEFAULT_LIFT) -> tuple[int, int, int]:
    """One speed in m/s -> (b, g, r) 0..255 for OpenCV."""
    b, g, r = velocity_bgr_array([speed_m_s], lift=lift)[0]
    return (int(b), int(g), int(r))


def rep_colour(
    velocity_m_s: float, *, lift: Lift = DEFAULT_LIFT, failed: bool = False, suspect: bool = False
) -> str:
    """A rep's colour from its velocity (the lift's one velocity, `vbt.lifts.velocity_kind`): grey
    when suspect, red when it failed, else its zone's colour (grey when its velocity is unknown)."""
    if suspect:
        return SUSPECT
    if failed:
        return FAILED
    return zone_colour(velocity_m_s, lift) if math.isfinite(velocity_m_s) else MUTED


def text_on(colour: str) -> str:
    """White or ink, whichever reads better on a background colour (by relative luminance)."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in hex_to_rgb(colour))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return WHITE if luminance < 0.30 else INK
