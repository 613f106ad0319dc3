"""Rim fitting with known answers: exact circles, an exact anti-aliased disc, an ellipse seen
off-axis, a short arc of a plate of known radius, rim points on their rays."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from tests.capture.bar.scenes import ONE, SHIFT, draw_plate, exact_disc
from vbt.capture.bar.rim import (
    RimFit,
    _samples,
    fit_centre_fixed_radius,
    fit_circle,
    fit_rim,
    gradients,
    rim_profile,
    vertical_extent,
)
from vbt.capture.bar.settings import RimSettings

RIM = RimSettings()  # 72 rays, edges from 3 gray levels per pixel
BAND = (0.72, 1.3)  # the rim searched from 0.72 to 1.3 radii of the guess, as the plate search does


def test_fit_circle_recovers_exact_circle() -> None:
    angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    points = np.column_stack([12.5 + 30 * np.cos(angles), -7.25 + 30 * np.sin(angles)])
    centre, radius = fit_circle(points)
    np.testing.assert_allclose(centre, [12.5, -7.25], atol=1e-9)
    assert radius == pytest.approx(30.0, abs=1e-9)


def test_fit_circle_degenerate_points_give_nan() -> None:
    centre, radius = fit_circle(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]))
    assert np.isnan(radius)
    assert np.all(np.isnan(centre))


def test_fit_circle_from_a_noisy_arc_is_the_least_squares_circle() -> None:
    """A third of a circle with noise on the rays: the geometric least-squares circle, whose
    residuals are orthogonal to the directions the centre and radius move them (the normal
    equations solved in closed form must satisfy them as a general solver would)."""
    rng = np.random.default_rng(5)
    angles = np.linspace(0.2, 0.2 + 2 * np.pi / 3, 25)
    radii = 30.0 + rng.normal(0.0, 0.4, angles.size)
    points = np.column_stack([12.5 + radii * np.cos(angles), -7.25 + radii * np.sin(angles)])
    centre, radius = fit_circle(points)
    d = points - centre
    dist = np.hypot(d[:, 0], d[:, 1])
    jacobian = np.column_stack([-d[:, 0] / dist, -d[:, 1] / dist, -np.ones_like(dist)])
    # at a minimum the gradient vanishes (two Gauss-Newton steps from the algebraic start: nearly)
    np.testing.assert_allclose(jacobian.T @ (dist - radius), 0.0, atol=1e-4)
    np.testing.assert_allclose(centre, [12.5, -7.25], atol=1.0)


def test_fit_centre_fixed_radius_recovers_the_centre_from_a_short_arc() -> None:
    angles = np.linspace(1.0, 1.0 + np.pi / 3, 12)  # 60 degrees of rim
    points = np.column_stack([30.0 + 20.0 * np.cos(angles), 40.0 + 20.0 * np.sin(angles)])
    centre = fit_centre_fixed_radius(points, 20.0, np.array([33.0, 38.0]))  # started 3.6 px off
    np.testing.assert_allclose(centre, [30.0, 40.0], atol=1e-9)


def test_fit_rim_subpixel_centre_and_radius_of_an_exact_disc() -> None:
    image = exact_disc(200, 200, 97.3, 104.6, 40.0)
    gx, gy = gradients(image)
    fit = fit_rim(gx, gy, np.array([92.0, 100.0]), 36.0, settings=RIM, band=BAND)  # a guess 6 px and 4 px off
    assert fit is not None
    np.testing.assert_allclose(fit.centre_xy, [97.3, 104.6], atol=0.05)
    assert fit.radius == pytest.approx(40.0, abs=0.1)
    assert fit.inlier_fraction > 0.95
    assert fit.axis_ratio == pytest.approx(1.0, abs=0.01)


def test_fit_rim_measures_an_ellipse_seen_off_axis() -> None:
    image = np.full((240, 240, 3), 180, np.uint8)
    # A plate seen about 37 degrees off side-on: horizontal axis cos(37) = 0.8 of the vertical.
    cv2.ellipse(
        image, (120 * ONE, 118 * ONE), (40 * ONE, 50 * ONE), 0, 0, 360, (30, 30, 30), -1, cv2.LINE_AA, SHIFT
    )
    gx, gy = gradients(image)
    fit = fit_rim(gx, gy, np.array([118.0, 120.0]), 45.0, settings=RIM, band=BAND)
    assert fit is not None
    np.testing.assert_allclose(fit.centre_xy, [120.0, 118.0], atol=0.3)
    assert fit.axes[0] == pytest.approx(50.0, abs=1.0)
    assert fit.axes[1] == pytest.approx(40.0, abs=1.0)
    assert fit.angle_deg == pytest.approx(90.0, abs=3.0)  # major axis vertical


def test_the_vertical_extent_of_an_ellipse_is_its_major_axis_from_anywhere_inside() -> None:
    # A plate seen 33 degrees off its axis (0.84 as wide as tall) and a circle hugging its top (radius the
    # half-width, 42 px, centred 8 px above the ellipse's): the outline reaches 42 px up and 58 px down
    # from there; its top and bottom edges are 100 px apart, the plate's diameter.
    image = np.full((240, 240, 3), 180, np.uint8)
    cv2.ellipse(
        image, (120 * ONE, 118 * ONE), (42 * ONE, 50 * ONE), 0, 0, 360, (30, 30, 30), -1, cv2.LINE_AA, SHIFT
    )
    gx, gy = gradients(image)
    up, down = vertical_extent(gx, gy, np.array([120.0, 110.0]), 42.0, settings=RIM)
    assert up == pytest.approx(42.0, abs=1.0) and down == pytest.approx(58.0, abs=1.0)
    assert up + down == pytest.approx(100.0, abs=1.0)
    # An end hidden (a stored plate as dark as the plate below it): unknown, not the next edge found.
    cv2.rectangle(image, (100, 150), (140, 239), (30, 30, 30), -1)
    gx, gy = gradients(image)
    up, down = vertical_extent(gx, gy, np.array([120.0, 110.0]), 42.0, settings=RIM)
    assert up == pytest.approx(42.0, abs=1.0) and math.isnan(down)


def test_fit_rim_on_a_short_arc_uses_the_known_radius() -> None:
    image = np.full((200, 200, 3), 180, np.uint8)
    draw_plate(image, 100.0, 100.0, 40.0)
    cv2.rectangle(image, (0, 0), (200, 95), (180, 180, 180), -1)  # hide the upper 55 %
    gx, gy = gradients(image)
    fit = fit_rim(gx, gy, np.array([103.0, 97.0]), 40.0, settings=RIM, band=BAND, fixed_radius=40.0)
    assert fit is not None
    assert fit.coverage_deg < 200
    np.testing.assert_allclose(fit.centre_xy, [100.0, 100.0], atol=0.6)


def test_rim_profile_puts_each_rim_point_on_its_ray() -> None:
    centre = np.array([10.0, 20.0])
    angles = np.radians([0.0, 90.0, 180.0, 270.0])
    radii = np.array([5.0, 5.5, 4.5, 5.0])
    points = centre + np.column_stack([np.cos(angles), np.sin(angles)]) * radii[:, None]
    fit = RimFit(
        centre_xy=centre,
        radius=5.0,
        inlier_fraction=4 / 72,
        judged_fraction=1.0,
        coverage_deg=270.0,
        residual_rms=0.3,
        axes=np.full(2, np.nan),
        angle_deg=math.nan,
        points=points,
    )
    profile = rim_profile(fit, n_rays=72)
    assert profile.shape == (72,)
    np.testing.assert_allclose(profile[[0, 18, 36, 54]], [1.0, 1.1, 0.9, 1.0])
    assert np.isnan(np.delete(profile, [0, 18, 36, 54])).all()


def test_gradients_of_a_colour_image_take_each_pixels_strongest_channel() -> None:
    """Per pixel, the channel whose squared gradient is largest, the first of equal ones (as NumPy's
    argmax along the channels would choose): random colours, two channels equal in part."""
    rng = np.random.default_rng(11)
    image = rng.integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    image[:20, :, 1] = image[:20, :, 0]  # ties between the first two channels
    image[30:, :, :] = image[30:, :, :1]  # gray: all three equal
    gx, gy = gradients(image)
    sx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
    sy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
    strongest = np.argmax(sx * sx + sy * sy, axis=2)[..., None]
    np.testing.assert_array_equal(gx, np.take_along_axis(sx, strongest, axis=2)[..., 0])
    np.testing.assert_array_equal(gy, np.take_along_axis(sy, strongest, axis=2)[..., 0])
    assert gx.dtype == np.float32 and gx.shape == (37, 53)


def test_ray_samples_are_linspace_bit_for_bit() -> None:
    rng = np.random.default_rng(3)
    for _ in range(200):
        start = float(rng.uniform(0.0, 80.0))
        stop = start + float(rng.uniform(0.01, 80.0))
        n = int(rng.integers(2, 120))
        np.testing.assert_array_equal(_samples(start, stop, n), np.linspace(start, stop, n))
