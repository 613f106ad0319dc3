"""The overlay's pieces without a video: which rep's banner shows when, frame-to-sample matching."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cache

import numpy as np
import pytest

from tests.report.clips import Track, analyse
from vbt.analysis import SetAnalysis
from vbt.calibration import Calibration
from vbt.report.overlay import OverlaySettings, SetAnnotator, banner_rep, scale_bar_length_m
from vbt.types import Lift, RepMetrics, RepStatus

CALIBRATION = Calibration(metres_per_px=0.005, method="known_length", origin_xy_px=np.array([0.0, 240.0]))


def rep(index: int, end_s: float, *, failed: bool = False) -> RepMetrics:
    nan = math.nan
    status = RepStatus.FAILED if failed else RepStatus.OK
    return RepMetrics(
        index, end_s - 1.0, end_s, status, 0.5, 0.5, 0.8, 0.4, 0.5, 1.0, 1.0, 0.0, nan, nan, nan, nan
    )


def test_banner_shows_from_the_end_of_a_rep_for_banner_s() -> None:
    reps = [rep(1, 3.0), rep(2, 6.0), rep(3, 7.0, failed=True)]
    assert banner_rep(reps, 2.99, banner_s=2.0) is None
    assert banner_rep(reps, 3.0, banner_s=2.0) is reps[0]
    assert banner_rep(reps, 4.99, banner_s=2.0) is reps[0]
    assert banner_rep(reps, 5.0, banner_s=2.0) is None
    assert banner_rep(reps, 6.5, banner_s=2.0) is reps[1]
    assert banner_rep(reps, 7.0, banner_s=2.0) is reps[2]  # the next rep's end replaces it
    assert banner_rep([], 7.0, banner_s=2.0) is None


def test_scale_bar_picks_the_longest_round_length_that_fits() -> None:
    assert scale_bar_length_m(0.005, max_px=64.0) == 0.25  # 50 px
    assert scale_bar_length_m(0.005, max_px=100.0) == 0.5  # exactly 100 px
    assert scale_bar_length_m(0.005, max_px=99.0) == 0.25
    assert scale_bar_length_m(0.005, max_px=5.0) is None


@cache
def still(n: int = 60, step: int = 1) -> tuple[Track, SetAnalysis]:
    t_s = np.arange(0, n, step) / 30.0
    bar = np.column_stack([np.full(t_s.size, 100.0), 120.0 - 10.0 * t_s])
    track = Track(t_s=t_s, bar_xy_px=bar, joints_xy_px=np.full((t_s.size, 5, 2), np.nan))
    return track, analyse(track, CALIBRATION, lift=Lift.SQUAT)


def test_frames_match_samples_by_time_within_part_of_a_step() -> None:
    track, analysis = still(step=2)  # the track holds every other frame: 15 Hz
    annotator = SetAnnotator(track, analysis, size_px=(320, 240))
    assert annotator.sample_index(0.0) == 0
    assert annotator.sample_index(2 / 30) == 1
    assert annotator.sample_index(3 / 30) in (1, 2)  # halfway: either neighbour
    assert annotator.sample_index(1 / 30 + 0.001) == 1
    assert annotator.sample_index(10.0) is None  # long after the track
    assert annotator.sample_index(-1.0) is None


def test_speed_at_the_samples_comes_from_the_analysis() -> None:
    track, analysis = still()
    annotator = SetAnnotator(track, analysis, size_px=(320, 240))
    # 10 px/s at 5 mm per pixel
    assert np.nanmedian(annotator.speed_m_s) == pytest.approx(0.05, abs=1e-3)


def test_annotate_draws_in_place_and_only_overlays() -> None:
    track, analysis = still()
    annotator = SetAnnotator(track, analysis, size_px=(320, 240), settings=OverlaySettings(skeleton=False))
    image = np.full((240, 320, 3), 70, np.uint8)
    out = annotator.annotate(image, 1.0)
    assert out is image
    assert (image != 70).any()
    assert (image[200:, 200:] == 70).all()  # bottom right is left alone (no banner, no scale bar)


def test_track_shapes_are_checked() -> None:
    track, analysis = still()
    with pytest.raises(ValueError, match=r"bar_xy_px must have shape \(60, 2\)"):
        SetAnnotator(replace(track, bar_xy_px=track.bar_xy_px[:, :1]), analysis, size_px=(320, 240))
    with pytest.raises(ValueError, match="joints_xy_px"):
        SetAnnotator(replace(track, joints_xy_px=np.zeros((60, 5))), analysis, size_px=(320, 240))
    with pytest.raises(ValueError, match="increasing"):
        SetAnnotator(replace(track, t_s=track.t_s[::-1].copy()), analysis, size_px=(320, 240))
