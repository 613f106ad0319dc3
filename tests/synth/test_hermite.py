import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vbt.synth.hermite import (
    hermite_ppoly,
    is_monotone,
    monotone_ppoly,
    monotone_slopes,
    segment_coefficients,
    segment_integral,
)


def test_segment_has_the_end_values_and_slopes_it_was_built_from():
    h, y0, y1, d0, d1 = 0.7, 0.3, -1.2, 0.5, -4.0
    c = segment_coefficients(h, y0, y1, d0, d1)
    assert np.polyval(c, 0.0) == pytest.approx(y0, abs=1e-15)
    assert np.polyval(c, h) == pytest.approx(y1, abs=1e-14)
    assert np.polyval(np.polyder(c), 0.0) == pytest.approx(d0, abs=1e-15)
    assert np.polyval(np.polyder(c), h) == pytest.approx(d1, abs=1e-13)


def test_segment_integral_is_the_integral_of_the_cubic():
    h, y0, y1, d0, d1 = 0.4, 0.0, 1.3, 2.0, -0.5
    antiderivative = np.polyint(segment_coefficients(h, y0, y1, d0, d1))
    expected = np.polyval(antiderivative, h) - np.polyval(antiderivative, 0.0)
    assert segment_integral(h, y0, y1, d0, d1) == pytest.approx(expected, rel=1e-14)
    # a linear segment: trapezoid
    assert segment_integral(2.0, 1.0, 3.0, 1.0, 1.0) == pytest.approx(4.0, rel=1e-15)


@pytest.mark.parametrize(
    ("alpha", "beta", "monotone"),
    [
        (0.0, 0.0, True),
        (1.0, 1.0, True),
        (3.0, 0.0, True),
        (0.0, 3.0, True),
        (3.0, 3.0, True),  # the corner of the box [0, 3]^2: the derivative touches 0 at mid-segment
        (3.5, 3.5, False),
        (4.5, 1.0, False),
        (4.0, 0.0, False),
        (-0.1, 1.0, False),
        (1.0, -0.1, False),
    ],
)
def test_fritsch_carlson_region(alpha, beta, monotone):
    h, y0, y1 = 0.5, 0.0, 1.0
    secant = (y1 - y0) / h
    assert is_monotone(h, y0, y1, alpha * secant, beta * secant) is monotone


def test_flat_segment_is_monotone_only_without_slopes():
    assert is_monotone(1.0, 0.0, 0.0, 0.0, 0.0)
    assert not is_monotone(1.0, 0.0, 0.0, 0.1, 0.0)


@settings(max_examples=200, deadline=None)
@given(
    alpha=st.floats(0.0, 3.0),
    beta=st.floats(0.0, 3.0),
    rise=st.floats(-5.0, 5.0).filter(lambda v: abs(v) > 1e-3),
    h=st.floats(0.01, 3.0),
)
def test_segments_the_test_accepts_are_monotone(alpha, beta, rise, h):
    secant = rise / h
    d0, d1 = alpha * secant, beta * secant
    if not is_monotone(h, 0.0, rise, d0, d1):
        return
    values = np.polyval(segment_coefficients(h, 0.0, rise, d0, d1), np.linspace(0.0, h, 2001))
    steps = np.diff(values) * np.sign(rise)
    assert steps.min() >= -1e-12 * abs(rise)


def test_a_segment_outside_the_region_turns_back():
    h, rise = 1.0, 1.0
    values = np.polyval(segment_coefficients(h, 0.0, rise, 3.5, 3.5), np.linspace(0, h, 1001))
    assert np.diff(values).min() < 0.0  # why the builder rejects it


def test_hermite_ppoly_refuses_a_non_monotone_segment():
    with pytest.raises(RuntimeError, match="not monotone"):
        hermite_ppoly([0.0, 1.0], [0.0, 1.0], [0.0, 3.5], [3.5, 0.0])


def test_hermite_ppoly_keeps_left_and_right_slopes_apart():
    # at rest, then rising with a = 2 right of the knot at t = 1
    curve = hermite_ppoly([0.0, 1.0, 2.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.0, 2.0, 0.0])
    assert curve(1.0 - 1e-9, nu=1) == pytest.approx(0.0, abs=1e-6)
    assert curve(1.0, nu=1) == pytest.approx(2.0, abs=1e-12)
    assert np.isnan(curve(2.5))  # no extrapolation


def test_monotone_curve_peaks_exactly_at_its_peak_knot():
    t = [0.0, 0.3, 0.55, 0.6, 1.0, 1.4]
    values = [50.0, 120.0, 140.0, 185.0, 90.0, 95.0]
    slopes = monotone_slopes(t, values)
    assert slopes[3] == 0.0
    assert slopes[0] == 0.0
    assert slopes[-1] == 0.0
    curve = monotone_ppoly(t, values)
    dense = curve(np.linspace(0.0, 1.4, 14001))
    assert dense.max() <= 185.0 + 1e-12
    assert curve(0.6) == pytest.approx(185.0, abs=1e-12)
