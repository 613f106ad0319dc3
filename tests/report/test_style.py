"""The zone palette: a speed's colour is its zone's in the lift's table; edges, legend, conversions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vbt.lifts import Lift
from vbt.progression.zones import Zone
from vbt.report import style


def test_a_speed_is_the_colour_of_its_zone_in_the_lifts_table() -> None:
    squat = [style.ZONE_COLOURS[z] for z in Zone]
    speeds = [0.2, 0.5, 0.75, 1.0, 1.3]
    assert [style.rgb_to_hex(style.velocity_rgb(v, lift=Lift.SQUAT)) for v in speeds] == squat
    # the power clean's zones are on peak velocity: 0.72 m/s is below its slowest band
    assert style.zone_colour(0.72, Lift.POWER_CLEAN) == style.ZONE_COLOURS[Zone.ABSOLUTE_STRENGTH]
    assert style.zone_colour(1.7, Lift.POWER_CLEAN) == style.ZONE_COLOURS[Zone.STRENGTH_SPEED]


def test_outside_the_zones_is_the_nearest_zone_and_nan_is_marked() -> None:
    rgb = style.velocity_rgb_array([-1.0, 5.0, math.nan])
    assert rgb[0] == pytest.approx(style.hex_to_rgb(style.ZONE_COLOURS[Zone.ABSOLUTE_STRENGTH]))
    assert rgb[1] == pytest.approx(style.hex_to_rgb(style.ZONE_COLOURS[Zone.STARTING_STRENGTH]))
    assert np.isnan(rgb[2]).all()
    bgr = style.velocity_bgr_array([math.nan])
    assert tuple(bgr[0]) == style.velocity_bgr(0.0)


def test_bgr_is_rgb_reversed() -> None:
    assert style.hex_to_bgr("#102030") == (0x30, 0x20, 0x10)
    r, g, b = style.velocity_rgb(0.62)
    assert style.velocity_bgr(0.62) == (round(255 * b), round(255 * g), round(255 * r))


@pytest.mark.parametrize(
    ("velocity_m_s", "zone"),
    [
        (0.2, "absolute strength"),
        (0.4999, "absolute strength"),
        (0.5, "accelerative strength"),
        (0.75, "strength-speed"),
        (1.0, "speed-strength"),
        (1.2999, "speed-strength"),
        (1.3, "starting strength"),
        (2.5, "starting strength"),
        (-0.1, "absolute strength"),
    ],
)
def test_zone_edges(velocity_m_s: float, zone: str) -> None:
    found = style.zone_for(velocity_m_s, Lift.SQUAT)
    assert found is not None and style.zone_name(found.zone) == zone


def test_zones_have_distinct_colours_none_of_them_red_and_a_legend() -> None:
    assert len(set(style.ZONE_COLOURS.values())) == len(Zone)
    assert style.FAILED not in style.ZONE_COLOURS.values()
    assert style.zone_for(math.nan) is None
    entries = style.legend(Lift.SQUAT)
    assert [(e.name, e.span) for e in entries] == [
        ("absolute strength", "< 0.50"),
        ("accelerative strength", "0.50-0.75"),
        ("strength-speed", "0.75-1.00"),
        ("speed-strength", "1.00-1.30"),
        ("starting strength", "≥ 1.30"),
    ]
    assert style.legend_title(Lift.SQUAT) == "mean velocity zones, m/s (Mann 2016)"
    assert style.legend_title(Lift.JERK).startswith("peak velocity zones")


def test_a_lift_without_zones_is_grey_and_says_so() -> None:
    assert style.zone_colour(1.8, Lift.SNATCH) == style.MUTED
    assert style.legend(Lift.SNATCH) == []
    assert "no velocity zones for the snatch" in style.legend_title(Lift.SNATCH)


def test_rep_colour_and_text_contrast() -> None:
    assert style.rep_colour(0.9, failed=True) == style.FAILED
    assert style.rep_colour(0.9) == style.ZONE_COLOURS[Zone.STRENGTH_SPEED]
    assert style.rep_colour(math.nan) == style.MUTED
    assert style.text_on("#000000") == style.WHITE
    assert style.text_on("#ffffff") == style.INK


def test_bad_hex_is_refused() -> None:
    with pytest.raises(ValueError, match="#rrggbb"):
        style.hex_to_rgb("#fff")
