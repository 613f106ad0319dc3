"""The front view's plates seen edge-on, on frames drawn by hand (known answers by construction)."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from vbt.capture.bar import (
    BarMethod,
    EdgeOnPlateTracker,
    EdgeOnSettings,
    edge_on_candidates,
    find_edge_on_plates,
    gap_ruler,
)
from vbt.capture.bar.edge_on import _edge_image, _EdgeProfile
from vbt.errors import InputError
from vbt.types import Frame

MPP = 0.005  # metres per pixel in the bar's plane
RADIUS_PX = 0.225 / MPP  # 45 px
CENTRE = (400.0, 300.0)
INNER_M = 0.685  # half the inner collars' 1.31 m plus a 0.03 m flange


def drawn(
    *,
    centre: tuple[float, float] = CENTRE,
    hide: str | None = None,
    banner_y_px: float | None = None,
    right_radius_px: float | None = None,
    blur_px: int = 0,
    legs: bool = False,
) -> np.ndarray:
    """A 800x600 frame: a gray wall, a bar and two red plate stacks edge-on, 0.10 m wide; the bar
    blurred vertically over ``blur_px`` (moving), a still dark banner above it."""
    image = np.full((600, 800, 3), (150, 150, 145), dtype=np.uint8)
    cx, cy = centre
    cv2.rectangle(
        image, (round(cx - 220), round(cy - 3)), (round(cx + 220), round(cy + 3)), (200, 200, 200), -1
    )
    for side, sign in (("left", -1.0), ("right", 1.0)):
        if hide == side:
            continue
        radius = right_radius_px if side == "right" and right_radius_px else RADIUS_PX
        x0, x1 = sorted((cx + sign * INNER_M / MPP, cx + sign * (INNER_M + 0.10) / MPP))
        cv2.rectangle(
            image, (round(x0), round(cy - radius)), (round(x1), round(cy + radius)), (40, 40, 200), -1
        )
    if legs:  # the lifter's legs between the hands: black, sharper than the plates, a little shorter
        for sign in (-1.0, 1.0):
            x0, x1 = sorted((cx + sign * 0.22 / MPP, cx + sign * 0.34 / MPP))
            cv2.rectangle(
                image,
                (round(x0), round(cy - 0.9 * RADIUS_PX)),
                (round(x1), round(cy + 0.9 * RADIUS_PX)),
                (15, 15, 15),
                -1,
            )
    if blur_px:
        image = cv2.blur(image, (1, blur_px))
    if banner_y_px is not None:  # a dark band across the picture: two long, sharp horizontal edges
        image[round(banner_y_px) : round(banner_y_px + 60)] = (60, 50, 45)
    return image


def hands(centre: tuple[float, float] = CENTRE, grip_half_m: float = 0.4) -> np.ndarray:
    cx, cy = centre
    return np.array([[cx - grip_half_m / MPP, cy - 6.0], [cx + grip_half_m / MPP, cy - 6.0]])


def test_both_stacks_give_the_bar_s_centre_the_plate_s_radius_and_the_inner_gap():
    plates = find_edge_on_plates(drawn(), hands())
    assert plates is not None
    assert plates.radius_px == pytest.approx(RADIUS_PX, rel=0.03)
    assert plates.centre_xy_px == pytest.approx(np.array(CENTRE), abs=1.5)
    assert plates.inner_gap_px == pytest.approx(2 * INNER_M / MPP, rel=0.03)
    assert gap_ruler([plates.inner_gap_px], plates.radius_px, plate_m=0.45) == pytest.approx(1.0, abs=0.04)


def test_a_banner_s_long_edges_are_not_a_plate():
    # The banner's sharp lower edge lies 0.4 radii above the moving plate's blurred top: paired with
    # the plate's bottom edge it would give a radius 1.2 times the plate's.
    image = drawn(banner_y_px=CENTRE[1] - 1.4 * RADIUS_PX - 60, blur_px=9)
    plates = find_edge_on_plates(image, hands())
    assert plates is not None
    assert plates.radius_px == pytest.approx(RADIUS_PX, rel=0.03)
    assert plates.centre_xy_px[1] == pytest.approx(CENTRE[1], abs=1.5)


def test_the_stacks_are_outside_the_hands_not_the_legs_between_them():
    # Black legs between the hands, their top and bottom edges stronger than the plates' and 0.9 of
    # the plates' height apart: both on the bar, the plates are beyond the hands whatever the view.
    image = drawn(legs=True)
    plates = find_edge_on_plates(image, hands())
    assert plates is not None
    assert plates.radius_px == pytest.approx(RADIUS_PX, rel=0.03)
    assert plates.inner_gap_px == pytest.approx(2 * INNER_M / MPP, rel=0.03)
    # Searched from 0.3 m of the bar's middle as before (inside the hands), the legs win.
    inside = find_edge_on_plates(image, hands(), settings=EdgeOnSettings(hand_margin_m=0.3))
    assert inside is not None and inside.radius_px == pytest.approx(0.9 * RADIUS_PX, rel=0.05)


def test_plates_smeared_by_a_fast_pull_keep_their_height_and_the_bar_its_centre():
    # The bar rises 0.1 m during the exposure (2.5 m/s over 1/25 s): each stack is smeared over
    # 20 px up and down, its outline 110 px tall instead of 90. Its top and bottom edges become bands
    # 20 px long whose centres are the edges at mid-exposure, still 90 px apart; the bar is at the
    # smear's centre.
    smear_px = 0.1 / MPP
    shifts = np.linspace(-0.5, 0.5, 21) * smear_px
    image = np.mean([drawn(centre=(CENTRE[0], CENTRE[1] + dy)) for dy in shifts], axis=0)
    image = np.round(image).astype(np.uint8)
    found = edge_on_candidates(image, hands())
    assert found is not None
    k = found.best_index(settings=EdgeOnSettings())
    assert k is not None
    plates = found.plates(k, settings=EdgeOnSettings())
    assert plates is not None
    assert plates.radius_px == pytest.approx(RADIUS_PX, rel=0.02)
    assert plates.centre_xy_px[1] == pytest.approx(CENTRE[1], abs=1.0)
    # The search's score holds over the heights the bands span (its best anywhere among them: the
    # grid's radius alone is uncertain by half the smear), while the edges' centroids are not.
    band = np.abs(found.radii_px - RADIUS_PX) <= 0.3 * smear_px
    assert found.joint_score[band].min() >= 0.7 * found.joint_score[k]


def test_one_stack_hidden_or_two_unlike_stacks_are_not_measured():
    assert find_edge_on_plates(drawn(hide="left"), hands()) is None
    assert find_edge_on_plates(drawn(right_radius_px=0.6 * RADIUS_PX), hands()) is None
    assert find_edge_on_plates(drawn(), hands()[:1]) is None  # one wrist: no grip to search from


def test_the_tracker_reports_the_plates_as_a_plate_s_radius_and_nan_without_hands():
    tracker = EdgeOnPlateTracker()
    seen = tracker.update(Frame(drawn(), 0.0, 0), hands_xy_px=hands())
    assert seen.detected and seen.method is BarMethod.PLATE
    assert seen.radius_px == pytest.approx(RADIUS_PX, rel=0.03) and seen.confidence >= 0.6
    missing = tracker.update(Frame(drawn(), 1 / 30, 1), hands_xy_px=None)
    assert not missing.detected and math.isnan(missing.radius_px)
    with pytest.raises(InputError):
        tracker.update(Frame(drawn(), 0.0, 2), hands_xy_px=hands())  # time must go forward


def test_the_gap_ruler_says_how_far_the_inner_faces_are_from_what_the_plates_say():
    expected_px = 1.37 * 2 * RADIUS_PX / 0.45
    assert gap_ruler([expected_px, np.nan], RADIUS_PX, plate_m=0.45) == pytest.approx(1.0)
    assert gap_ruler([0.5 * expected_px], RADIUS_PX, plate_m=0.45) == pytest.approx(0.5)
    assert math.isnan(gap_ruler([], RADIUS_PX, plate_m=0.45))


def test_an_edge_s_centroid_is_numpy_s_weighted_mean_to_the_last_bit():
    """An edge's centroid adds a short run of rows in Python (fewer than ``_ONE_BY_ONE``), a longer
    one with NumPy: both are NumPy's weighted mean of the run, bit for bit, on either side of the
    switch (runs of 1 to 12 rows at strengths over six orders of magnitude); a band of even strength
    has its middle row."""
    rng = np.random.default_rng(7)
    for length in range(1, 13):
        for _ in range(100):
            # every row at least half the peak: the run is the whole band, between two empty rows
            band = rng.uniform(0.51, 1.0, size=length) * 10.0 ** rng.uniform(-3.0, 3.0)
            start = int(rng.integers(1, 50))
            profile = np.zeros(start + length + 1)
            profile[start : start + length] = band
            rows = np.arange(start, start + length)
            expected = float(np.sum(band * rows) / np.sum(band))
            found = _EdgeProfile(profile).centroid(int(rng.integers(start, start + length)))
            assert found == expected, (length, found, expected)
        even = np.zeros(length + 2)
        even[1:-1] = 3.0
        assert _EdgeProfile(even).centroid(1) == pytest.approx(1 + (length - 1) / 2, abs=1e-12)
    assert math.isnan(_EdgeProfile(np.zeros(5)).centroid(2))


def test_the_edge_image_holds_whole_eighths_of_a_level_whose_sums_are_exact() -> None:
    """The stack search sums edges in whichever order is quickest (a box filter, differences of
    running sums), which gives the same sums only because they are exact: every value of the edge
    image is a whole number of eighths of a level, smoothed or not, at any level of contrast."""
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, size=(60, 90, 3), dtype=np.uint8)
    image[20:40, 30:60] = (255, 0, 255)  # the strongest edges 8-bit levels allow
    for blur_px in (0.0, 1.0, 2.5):
        eighths = 8.0 * _edge_image(image, blur_px)
        assert np.array_equal(eighths, np.round(eighths))
        assert eighths.max() <= 4 * 255  # Sobel's weights: at most 4 levels a step, over 8
        rows = eighths / 8.0
        assert np.array_equal(np.cumsum(rows, axis=1)[:, -1], rows[:, ::-1].sum(axis=1))
