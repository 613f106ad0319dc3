"""The velocity colour scale and zones: exact colours at the stops, zone edges, conversions."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from vbt.report import style


def test_colours_at_the_stops_are_the_stop_colours() -> None:
    for speed, colour in style.VELOCITY_STOPS:
        assert style.rgb_to_hex(style.velocity_rgb(speed)) == colour


def test_colour_between_two_stops_is_interpolated_linearly() -> None:
    (s0, c0), (s1, c1) = style.VELOCITY_STOPS[0], style.VELOCITY_STOPS[1]
    middle = style.velocity_rgb(0.5 * (s0 + s1))
    expected = [0.5 * (a + b) for a, b in zip(style.hex_to_rgb(c0), style.hex_to_rgb(c1), strict=True)]
    assert middle == pytest.approx(expected)


def test_scale_is_clamped_and_nan_is_marked() -> None:
    rgb = style.velocity_rgb_array([-1.0, 5.0, math.nan])
    assert rgb[0] == pytest.approx(style.hex_to_rgb(style.VELOCITY_STOPS[0][1]))
    assert rgb[1] == pytest.approx(style.hex_to_rgb(style.VELOCITY_STOPS[-1][1]))
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
    found = style.zone_for(velocity_m_s)
    assert found is not None and found.name == zone


def test_zones_tile_the_line_and_have_distinct_colours() -> None:
    zones = style.VELOCITY_ZONES
    assert zones[0].low_m_s == 0.0 and math.isinf(zones[-1].high_m_s)
    assert all(a.high_m_s == b.low_m_s for a, b in itertools.pairwise(zones))
    assert len({z.colour for z in zones}) == len(zones)
    assert style.zone_for(math.nan) is None


def test_rep_colour_and_text_contrast() -> None:
    assert style.rep_colour(0.9, failed=True) == style.FAILED
    assert style.rep_colour(0.9) == style.zone_for(0.9).colour  # type: ignore[union-attr]
    assert style.rep_colour(math.nan) == style.MUTED
    assert style.text_on("#000000") == style.WHITE
    assert style.text_on("#ffffff") == style.INK


def test_bad_hex_is_refused() -> None:
    with pytest.raises(ValueError, match="#rrggbb"):
        style.hex_to_rgb("#fff")
