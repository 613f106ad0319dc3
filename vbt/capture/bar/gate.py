"""What a barbell can do between two frames: a tracked fit that moved farther, or changed size more,
than the bar can in the elapsed source time is not the plate in that frame (``GateSettings``).

The bounds are physical, converted to pixels with the track's own radius: a plate of radius ``R`` m
seen ``r`` px large moving at ``v`` m/s moves ``v r / R`` px/s, so the fastest bar on the smallest
plate bounds the centre's step in the track's radii per second, whatever the clip's resolution. A bar
dropped from overhead falls faster than any lift moves it: downwards (the image's y, frames upright)
the step may be longer by as much as free fall from overhead adds. Its radius changes only as fast as
its distance from the camera does. Each fit's own measured noise (its
rim's scatter about the outline, as the centre's and the radius's standard errors) is added, so that
high frame rates and small plates (240p) do not trip the bound on noise alone. Pure functions; the
tracker (``plate.PlateTracker``) keeps the last trusted sighting and acts on the verdicts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from vbt.capture.bar.fit import Found
from vbt.capture.bar.settings import GateSettings
from vbt.types import FloatArray

#: Standard gravity, m/s² (a dropped bar's fall).
GRAVITY_M_S2 = 9.80665


class Breach(Enum):
    """Which bound a fit broke."""

    SPEED = "speed"
    SIZE = "size"


@dataclass(frozen=True, eq=False)
class Sighting:
    """The plate as last taken for the bar's, in frame pixels.

    Attributes:
        t_s: the frame's time, seconds (from the source).
        centre_px: (2,) the fitted centre.
        radius_px: the fitted radius.
        centre_sigma_px: the centre's standard error (``noise_of``).
        radius_sigma_px: the radius's standard error.
    """

    t_s: float
    centre_px: FloatArray
    radius_px: float
    centre_sigma_px: float
    radius_sigma_px: float


def sighting_of(found: Found, t_s: float, *, settings: GateSettings) -> Sighting:
    """``found`` at ``t_s`` with its measured noise: for ``n`` rim points scattered by ``rms`` px about
    the outline, the centre's standard error is ``rms sqrt(2 / n)`` and the radius's ``rms / sqrt(n)``
    (least squares of a circle with its points spread around it), each at least
    ``GateSettings.min_sigma_px``."""
    n = max(1, len(found.fit.points))
    rms_px = found.fit.residual_rms / found.scale
    floor = settings.min_sigma_px
    return Sighting(
        t_s=t_s,
        centre_px=found.centre_px,
        radius_px=found.radius_px,
        centre_sigma_px=max(floor, rms_px * math.sqrt(2.0 / n)),
        radius_sigma_px=max(floor, rms_px / math.sqrt(n)),
    )


def _reach(track_radius_px: float, elapsed_s: float, *, settings: GateSettings) -> tuple[float, float]:
    """(any way, further down) in frame pixels over ``elapsed_s``: the fastest lift on the smallest
    plate, and what a drop from overhead adds downwards (``drop_height_m``'s free-fall speed)."""
    px_per_m = track_radius_px / settings.smallest_plate_radius_m
    drop_m_s = math.sqrt(2.0 * GRAVITY_M_S2 * settings.drop_height_m)
    return (
        settings.max_speed_m_s * px_per_m * elapsed_s,
        max(0.0, drop_m_s - settings.max_speed_m_s) * px_per_m * elapsed_s,
    )


def reach_px(last: Sighting, track_radius_px: float, t_s: float, *, settings: GateSettings) -> float:
    """Farthest (frame pixels) the plate's centre can lie at ``t_s`` from where it was ``last`` seen,
    for a track of ``track_radius_px`` (downwards, a drop: ``breach``), plus ``noise_sigmas`` of the
    two fits' noise (the new one's taken at its floor)."""
    any_way_px, down_px = _reach(track_radius_px, max(0.0, t_s - last.t_s), settings=settings)
    noise_px = math.hypot(last.centre_sigma_px, settings.min_sigma_px)
    return any_way_px + down_px + settings.noise_sigmas * noise_px


def breach(
    last: Sighting | None, found: Found, t_s: float, *, track_radius_px: float, settings: GateSettings
) -> Breach | None:
    """The bound ``found`` (fitted at ``t_s``) breaks against ``last``, None when it breaks none (or
    there is no ``last``, or its rule is off).

    Speed (``use_speed_bound``): the centre's step from ``last`` beyond the fastest bar on the smallest
    plate (``max_speed_m_s / smallest_plate_radius_m`` radii of ``track_radius_px`` a second) over the
    elapsed time, plus ``noise_sigmas`` of the two centres' standard errors combined; downwards, the
    reach is a disc about every point of a fall (to ``drop_height_m``'s free-fall speed) instead of
    about ``last`` alone: the step's distance from that vertical segment is what is bounded. Size
    (``use_size_bound``): the radius's difference from the track's (``track_radius_px``, its fits
    smoothed) beyond what the plate's change of distance allows since ``last`` (``max_depth_speed_m_s``
    at ``min_camera_distance_m``: by the factor ``exp(rate t)`` at most), plus ``noise_sigmas`` of the
    new radius's standard error and the track's (taken at the floor) combined."""
    if last is None:
        return None
    now = sighting_of(found, t_s, settings=settings)
    elapsed_s = max(0.0, t_s - last.t_s)
    k = settings.noise_sigmas
    if settings.use_speed_bound:
        any_way_px, down_px = _reach(track_radius_px, elapsed_s, settings=settings)
        dx, dy = now.centre_px - last.centre_px
        beyond_fall_px = math.hypot(dx, dy - min(max(dy, 0.0), down_px))  # y grows downwards
        noise_px = math.hypot(last.centre_sigma_px, now.centre_sigma_px)
        if beyond_fall_px > any_way_px + k * noise_px:
            return Breach.SPEED
    if settings.use_size_bound:
        # Against the track's radius (smoothed over its fits), not the last fit's: one fit a few
        # per cent off (an edge of the stack, blur) must not make the next, right one a breach.
        rate_s = settings.max_depth_speed_m_s / settings.min_camera_distance_m
        allowed_px = track_radius_px * math.expm1(rate_s * elapsed_s)
        noise_px = math.hypot(settings.min_sigma_px, now.radius_sigma_px)
        if abs(now.radius_px - track_radius_px) > allowed_px + k * noise_px:
            return Breach.SIZE
    return None
