"""The front view's whole-clip rules on tracks and candidates drawn by hand (known answers by
construction): the plates' one radius chosen by the clip, a radius that jumps, the hands checking
the plates and carrying the bar over the gaps they measure, never across a cut."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.capture.test_front_rulers import FPS, track
from vbt.capture.bar import EdgeOnCandidates
from vbt.capture.camera.types import CameraStatus
from vbt.capture.front_hands import (
    HANDS_MAX_FILL_S,
    HELD_SWING_M,
    TURNOVER_SWING_M,
    bridgeable_gap_s,
    fill_with_hands,
    hands_correlation,
    hands_disagree,
    min_hands_correlation,
    offset_swing_m,
    without_frames,
)
from vbt.capture.front_pass import (
    RADIUS_JITTER_FRAC,
    clip_radius_px,
    one_radius_choice,
    radius_jump_frac,
    radius_jumps,
)
from vbt.types import Lift

RADIUS_PX = 45.0  # 200 px per metre: the hands' 0.05 m tolerance is 10 px
PLATE_M = 0.45


def candidates(centre_y_px: float, *, other_radius_px: float | None = None) -> EdgeOnCandidates:
    """One frame's search: the plates at ``RADIUS_PX`` centred at ``centre_y_px`` (score 15), and,
    when given, a stronger pair of another size 40 px higher (score 25: a banner's edge)."""
    radii = np.arange(30.0, 61.0)
    joint = 15.0 * np.exp(-0.5 * ((radii - RADIUS_PX) / 1.5) ** 2)
    centres = np.full(radii.size, centre_y_px)
    if other_radius_px is not None:
        other = np.abs(radii - other_radius_px) <= 1.0
        joint = np.where(other, 25.0, joint)
        centres = np.where(other, centre_y_px - 40.0, centres)
    faces = np.stack(
        [
            np.c_[np.full(radii.size, 183.0), np.full(radii.size, 163.0)],
            np.c_[np.full(radii.size, 457.0), np.full(radii.size, 477.0)],
        ]
    )
    return EdgeOnCandidates(
        radii_px=radii,
        joint_score=joint,
        scores=np.stack([joint, joint]),
        centres_y_px=np.stack([centres, centres]),
        faces_px=faces,
    )


def test_the_clip_chooses_its_one_radius_and_each_frame_the_pair_of_that_size():
    n = 30
    y = np.linspace(400.0, 300.0, n)
    wrong = {5, 6, 7, 8}  # a banner's edge paired with a plate's: stronger, 1.16 times the size
    found = {
        float(t): candidates(y[i], other_radius_px=52.0 if i in wrong else None)
        for i, t in enumerate(np.arange(n) / FPS)
    }
    first = track(
        np.where(np.isin(np.arange(n), list(wrong)), y - 40.0, y),
        np.where(np.isin(np.arange(n), list(wrong)), 52.0, RADIUS_PX),
        y - 20,
    )
    assert clip_radius_px(first, found) == pytest.approx(RADIUS_PX, rel=0.03)
    chosen, gaps, _ = one_radius_choice(first, found)
    assert chosen.bar_xy_px[:, 1] == pytest.approx(y, abs=0.01)
    assert chosen.bar_size_px == pytest.approx(np.full(n, RADIUS_PX), rel=0.02)
    assert gaps == pytest.approx([457.0 - 183.0] * n)
    # A frame whose only pair is 20 % larger than the clip's saw something else: left out.
    found[3 / FPS] = candidates(y[3], other_radius_px=54.0)
    found[3 / FPS] = EdgeOnCandidates(
        **{**found[3 / FPS].__dict__, "joint_score": np.where(found[3 / FPS].radii_px > 50, 25.0, 0.0)}
    )
    chosen, _, _ = one_radius_choice(first, found)
    assert np.flatnonzero(~chosen.bar_seen).tolist() == [3] and chosen.bar_confidence[3] == 0.0


def test_a_frame_whose_radius_jumps_from_its_neighbours_is_left_out():
    radius = np.full(30, RADIUS_PX) * np.linspace(1.0, 1.04, 30)  # the bar nears the camera: kept
    radius[[10, 11]] *= 1.12  # two frames in a row 12 % larger: another pair
    y = np.linspace(400.0, 300.0, 30)
    jumps = radius_jumps(track(y, radius, y - 20))
    assert np.flatnonzero(jumps).tolist() == [10, 11]


def turnover(n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """The bar rising at 150 px/s (0.75 m/s) and its offset below the wrists: 20 px (hanging) for a
    second, then to 15 px above them over 8 frames (0.27 s, a turnover)."""
    bar = 450.0 - 150.0 * np.arange(n) / FPS
    offset = np.interp(np.arange(n), [0, 29, 37, n - 1], [20.0, 20.0, -15.0, -15.0])
    return bar, offset


def test_plates_that_depart_from_the_hands_are_left_out_and_a_turnover_is_kept():
    bar, offset = turnover()
    seen = bar.copy()
    seen[[12, 13]] -= 25.0  # two frames in a row 0.12 m off the hands: the legs, a banner
    seen[45] += 30.0
    flagged = hands_disagree(track(seen, np.full(bar.size, RADIUS_PX), bar - offset), plate_m=PLATE_M)
    assert np.flatnonzero(flagged).tolist() == [12, 13, 45]


def test_the_gap_the_hands_bridge_is_measured_on_the_clip():
    bar, offset = turnover()
    steady = track(bar, np.full(bar.size, RADIUS_PX), bar - 20.0)  # the wrists 20 px above, always
    assert bridgeable_gap_s(steady, plate_m=PLATE_M) == pytest.approx(HANDS_MAX_FILL_S, abs=1 / FPS)
    turning = track(bar, np.full(bar.size, RADIUS_PX), bar - offset)
    # Across the turnover's corners a long gap's interpolated offset misses by up to 35 px.
    assert 2 / FPS <= bridgeable_gap_s(turning, plate_m=PLATE_M) < 0.5


def test_the_hands_never_bridge_a_cut():
    bar, offset = turnover()
    gap = bar.copy()
    gap[40:46] = np.nan  # 0.2 s
    seen = track(gap, np.full(bar.size, RADIUS_PX), bar - offset)
    filled, count = fill_with_hands(seen, max_gap_s=0.3)
    assert count == 6 and filled.bar_xy_px[40:46, 1] == pytest.approx(bar[40:46], abs=0.5)
    status = np.full(bar.size, CameraStatus.ESTIMATED, dtype=np.int8)
    status[[0, 43]] = CameraStatus.REFERENCE  # a new scene at frame 43
    cut = track(gap, np.full(bar.size, RADIUS_PX), bar - offset)
    cut = type(cut)(**{**cut.__dict__, "camera_status": status})
    assert fill_with_hands(cut, max_gap_s=0.3)[1] == 0
    assert not without_frames(seen, np.arange(bar.size) < 5).bar_seen[:5].any()


def test_plates_that_do_not_move_with_the_hands_are_not_the_bar_s():
    bar, offset = turnover()
    turning = track(bar, np.full(bar.size, RADIUS_PX), bar - offset)
    needed = min_hands_correlation(turning, plate_m=PLATE_M, swing_m=TURNOVER_SWING_M)
    assert hands_correlation(turning) > needed
    # The lifter squats 150 px while the shapes found stay, then jump 60 px: something behind them.
    wrists = 300.0 + 75.0 * (1 - np.cos(np.linspace(0.0, 2 * np.pi, bar.size)))
    still = track(np.where(np.arange(bar.size) < 35, 320.0, 260.0), np.full(bar.size, RADIUS_PX), wrists)
    assert hands_correlation(still) < min_hands_correlation(still, plate_m=PLATE_M, swing_m=HELD_SWING_M)


def test_the_correlation_plates_moving_with_the_hands_reach_is_derived_from_the_clip():
    # Wrists rising and falling by 200 px (standard deviation 100 px exactly: a square wave), 200 px
    # per metre: a 0.3 m swing of the offset spreads it by 30 px at most, so plates moving with the
    # hands correlate at sqrt(1 - 0.3^2) = 0.954 or more. An offset swinging its whole 60 px
    # independently of the wrists (half of each of their levels at either end) gives 1 / sqrt(1 +
    # 0.3^2) = 0.958, just above.
    n = 160
    wrists = np.where(np.arange(n) // 40 % 2 == 0, 400.0, 200.0)
    offset = np.where(np.arange(n) // 20 % 2 == 0, 30.0, -30.0)
    swinging = track(wrists + offset, np.full(n, RADIUS_PX), wrists)
    needed = min_hands_correlation(swinging, plate_m=PLATE_M, swing_m=0.3)
    assert needed == pytest.approx(math.sqrt(1 - 0.3**2), abs=1e-6)
    assert hands_correlation(swinging) == pytest.approx(1 / math.sqrt(1 + 0.3**2), abs=1e-6)
    # A held grip swings by 0.1 m: the same clip needs 0.995, which that offset fails.
    assert min_hands_correlation(swinging, plate_m=PLATE_M, swing_m=HELD_SWING_M) > 0.99
    assert offset_swing_m(Lift.SNATCH.family) == TURNOVER_SWING_M
    assert offset_swing_m(Lift.SQUAT.family) == HELD_SWING_M
    # Wrists that barely move cannot confirm the plates: no correlation is enough.
    still = track(np.full(n, 300.0), np.full(n, RADIUS_PX), 300.0 + np.arange(n) % 2)
    assert math.isnan(min_hands_correlation(still, plate_m=PLATE_M, swing_m=HELD_SWING_M))


def test_a_radius_jump_is_what_the_bar_s_depth_and_the_search_s_step_allow():
    # A 1280 px picture at 64 px per plate radius is 4.5 m wide at the plates: a camera with a 70
    # degree field of view is at least 3.21 m away, where the bar's 0.1 m in 0.2 s is 3.1 %; a step
    # of 1.6 px is 2.5 %.
    assert radius_jump_frac(1280.0, 64.0, 1.6, plate_m=PLATE_M) == pytest.approx(0.0561, abs=5e-4)
    assert radius_jump_frac(math.nan, 64.0, 1.6, plate_m=PLATE_M) == RADIUS_JITTER_FRAC
