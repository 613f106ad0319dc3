"""One look for every picture vbt draws: the velocity colour scale, velocity zones, and a small palette.

The plot (matplotlib, RGB) and the annotated video (OpenCV, BGR) take their colours from here, so a
rep drawn yellow in the video is yellow in the plot, and a given speed has the same colour everywhere.

Velocity colours are absolute: the scale runs from slow (purple, a grind) through blue, teal and lime
to yellow (fast, 1.3 m/s and above), so a colour means the same speed in every set. Red is kept for
failed reps and never appears on the scale.

Velocity zones are the mean-velocity zones of velocity-based training as commonly taught (after
Mann: absolute strength below 0.5 m/s, accelerative strength 0.5-0.75, strength-speed 0.75-1.0,
speed-strength 1.0-1.3, starting strength/speed above 1.3). Each zone's colour is the scale's colour
at the zone's centre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vbt.types import FloatArray

#: The velocity colour scale: (speed in m/s, colour), linearly interpolated, clamped at both ends.
VELOCITY_STOPS: tuple[tuple[float, str], ...] = (
    (0.00, "#9775fa"),
    (0.50, "#3b8bff"),
    (0.75, "#12b886"),
    (1.00, "#94d82d"),
    (1.30, "#fcc419"),
)

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
JOINT_COLOURS: dict[str, str] = {
    "hip": "#e8590c",
    "knee": "#1098ad",
    "ankle": "#ae3ec9",
}


@dataclass(frozen=True)
class Zone:
    """A mean-velocity training zone: ``low_m_s <= v < high_m_s``."""

    name: str
    low_m_s: float
    high_m_s: float

    @property
    def colour(self) -> str:
        """The velocity scale's colour at the zone's centre (the open top zone: 0.1 m/s above its floor)."""
        top = self.high_m_s if math.isfinite(self.high_m_s) else self.low_m_s + 0.2
        return rgb_to_hex(velocity_rgb(0.5 * (self.low_m_s + top)))


VELOCITY_ZONES: tuple[Zone, ...] = (
    Zone("absolute strength", 0.0, 0.5),
    Zone("accelerative strength", 0.5, 0.75),
    Zone("strength-speed", 0.75, 1.0),
    Zone("speed-strength", 1.0, 1.3),
    Zone("starting strength", 1.3, math.inf),
)


def zone_for(velocity_m_s: float) -> Zone | None:
    """The zone holding a mean velocity; None for NaN (negative values count as the slowest zone)."""
    if not math.isfinite(velocity_m_s):
        return None
    for zone in VELOCITY_ZONES:
        if velocity_m_s < zone.high_m_s:
            return zone
    return VELOCITY_ZONES[-1]


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


def _stops() -> tuple[FloatArray, FloatArray]:
    speeds = np.array([s for s, _ in VELOCITY_STOPS], dtype=np.float64)
    colours = np.array([hex_to_rgb(c) for _, c in VELOCITY_STOPS], dtype=np.float64)
    return speeds, colours


def velocity_rgb_array(speed_m_s: npt.ArrayLike) -> FloatArray:
    """(N,) speeds in m/s -> (N, 3) RGB in 0..1 on the velocity scale; NaN speeds give NaN rows.

    The scale is clamped: below 0 reads as 0, above the last stop as the last stop.
    """
    speeds = np.asarray(speed_m_s, dtype=np.float64).ravel()
    stop_speeds, stop_colours = _stops()
    out = np.column_stack([np.interp(speeds, stop_speeds, stop_colours[:, c]) for c in range(3)])
    out[~np.isfinite(speeds)] = np.nan
    return out


def velocity_rgb(speed_m_s: float) -> tuple[float, float, float]:
    """One speed in m/s -> (r, g, b) in 0..1 on the velocity scale (NaN reads as 0)."""
    r, g, b = velocity_rgb_array([speed_m_s if math.isfinite(speed_m_s) else 0.0])[0]
    return (float(r), float(g), float(b))


def velocity_bgr_array(speed_m_s: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """(N,) speeds in m/s -> (N, 3) uint8 BGR for OpenCV; NaN speeds give the slowest colour."""
    rgb = velocity_rgb_array(speed_m_s)
    rgb[~np.isfinite(rgb).all(axis=1)] = velocity_rgb_array([0.0])[0]
    return np.asarray(np.round(255 * rgb[:, ::-1]), dtype=np.uint8)


def velocity_bgr(speed_m_s: float) -> tuple[int, int, int]:
    """One speed in m/s -> (b, g, r) 0..255 for OpenCV."""
    b, g, r = velocity_bgr_array([speed_m_s])[0]
    return (int(b), int(g), int(r))


def rep_colour(mean_velocity_m_s: float, *, failed: bool = False, suspect: bool = False) -> str:
    """A rep's colour: grey when suspect, red when it failed, else its zone's colour (grey when its
    velocity is unknown)."""
    if suspect:
        return SUSPECT
    if failed:
        return FAILED
    zone = zone_for(mean_velocity_m_s)
    return zone.colour if zone is not None else MUTED


def text_on(colour: str) -> str:
    """White or ink, whichever reads better on a background colour (by relative luminance)."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in hex_to_rgb(colour))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return WHITE if luminance < 0.30 else INK
