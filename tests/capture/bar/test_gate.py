"""A track cannot move faster than a barbell, with known answers (``gate``, ``GateSettings``).

- The bounds by hand: at 25 fps a track of radius 50 px may step 20 radii/s x 50 px x 0.04 s = 40 px
  (3 m/s on a 15 cm plate), plus three standard errors of the two fits' centres (1 px each at the
  floor: 4.2 px), and downwards 47.6 px more (a bar dropped from overhead); a fit's radius may differ from the track's by 50 px x (exp(0.67 x 0.04) - 1) =
  1.35 px, plus 4.2 px.
- A still plate hidden for one frame at 60 fps while a round shape of its size shows 0.65 radii away
  (a 39 radii/s step, 5.9 m/s on the smallest plate): without the gate the track takes the shape
  for that frame; with it the frame is unseen and every reported position is the plate's.
- A fast pull at 2.5 m/s on the smallest plate (16.7 radii/s) at 25 fps: no frame is gated.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from tests.capture.bar.scenes import disc, gym, render_clip
from vbt.capture.bar import GateSettings, PlateSettings, PlateTracker, without
from vbt.capture.bar.fit import Found
from vbt.capture.bar.gate import Breach, Sighting, breach, reach_px, sighting_of
from vbt.capture.bar.rim import RimFit
from vbt.types import Frame

GATE = GateSettings(use_speed_bound=True, use_size_bound=True, use_repeats_end_track=True)
GATED = replace(PlateSettings(), gate=GATE)  # the gate is off by default in this release (README)
UNGATED = PlateSettings()


def _found(x: float, y: float, r: float, *, residual_px: float = 0.0, n: int = 72) -> Found:
    """A fit at (x, y) of radius r (frame pixels, window scale 1) with ``n`` rim points scattered by
    ``residual_px``."""
    angles = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    points = np.stack([x + r * np.cos(angles), y + r * np.sin(angles)], axis=1)
    fit = RimFit(
        centre_xy=np.array([x, y]),
        radius=r,
        inlier_fraction=1.0,
        judged_fraction=1.0,
        coverage_deg=360.0,
        residual_rms=residual_px,
        axes=np.full(2, np.nan),
        angle_deg=math.nan,
        points=points,
    )
    return Found(np.array([x, y]), r, fit, 1.0, 1.0)


def test_the_bounds_by_hand_at_25_fps() -> None:
    last = sighting_of(_found(100.0, 100.0, 50.0), 0.0, settings=GATE)
    assert last.centre_sigma_px == last.radius_sigma_px == 1.0  # a clean fit: the floor
    noise = 3.0 * math.sqrt(2.0)
    dt = 0.04

    def verdict(x: float, r: float = 50.0) -> Breach | None:
        return breach(last, _found(x, 100.0, r), dt, track_radius_px=50.0, settings=GATE)

    assert verdict(100.0 + 40.0 + noise - 0.1) is None
    assert verdict(100.0 + 40.0 + noise + 0.1) is Breach.SPEED
    grow = 50.0 * math.expm1(1.0 / 1.5 * dt) + noise
    assert verdict(100.0, 50.0 + grow - 0.05) is None
    assert verdict(100.0, 50.0 + grow + 0.05) is Breach.SIZE
    assert verdict(100.0, 50.0 - grow - 0.05) is Breach.SIZE
    # Downwards a dropped bar falls faster: sqrt(2 g 2.2 m) = 6.57 m/s, 3.57 m/s more than a lift's
    # 3 m/s: 3.57 x 333 px/m x 0.04 s = 47.6 px further; upwards and sideways nothing more.
    fall = (math.sqrt(2 * 9.80665 * 2.2) - 3.0) * 50.0 / 0.15 * dt
    assert fall == pytest.approx(47.6, abs=0.05)
    down = breach(
        last, _found(100.0, 100.0 + 40.0 + fall + noise - 0.1, 50.0), dt, track_radius_px=50.0, settings=GATE
    )
    assert down is None
    up = breach(last, _found(100.0, 100.0 - 40.0 - fall, 50.0), dt, track_radius_px=50.0, settings=GATE)
    assert up is Breach.SPEED
    assert reach_px(last, 50.0, dt, settings=GATE) == pytest.approx(40.0 + fall + noise)
    # The size against the track's radius: a last fit 5 % small (an outlier the track smoothed
    # over) does not make the next fit, at the track's radius, a breach.
    small = sighting_of(_found(100.0, 100.0, 47.5), 0.0, settings=GATE)
    assert breach(small, _found(100.0, 100.0, 50.0), dt, track_radius_px=50.0, settings=GATE) is None
    # Twice the time, twice the step; no last sighting, no bound.
    assert breach(last, _found(175.0, 100.0, 50.0), 2 * dt, track_radius_px=50.0, settings=GATE) is None
    assert breach(None, _found(900.0, 100.0, 90.0), dt, track_radius_px=50.0, settings=GATE) is None


def test_a_fit_s_measured_noise_widens_the_bounds_and_a_rule_off_lifts_its_bound() -> None:
    """72 rim points scattered by 12 px: the centre's standard error is 12 sqrt(2/72) = 2 px, the
    radius's 12 / sqrt(72) = 1.41 px."""
    noisy = sighting_of(_found(100.0, 100.0, 50.0, residual_px=12.0), 0.0, settings=GATE)
    assert noisy.centre_sigma_px == pytest.approx(2.0)
    assert noisy.radius_sigma_px == pytest.approx(12.0 / math.sqrt(72.0))
    step = 40.0 + 3.0 * math.hypot(2.0, 1.0)  # the new fit clean: its floor
    assert (
        breach(noisy, _found(100.0 + step - 0.1, 100.0, 50.0), 0.04, track_radius_px=50.0, settings=GATE)
        is None
    )
    far = _found(200.0, 100.0, 80.0)
    off = replace(GATE, use_speed_bound=False)
    assert breach(noisy, far, 0.04, track_radius_px=50.0, settings=off) is Breach.SIZE
    both_off = replace(GATE, use_speed_bound=False, use_size_bound=False)
    assert breach(noisy, far, 0.04, track_radius_px=50.0, settings=both_off) is None
    assert isinstance(noisy, Sighting)


FPS = 60.0
PLATE_XY, PLATE_R = np.array([260.0, 150.0]), 30.0
# A round shape of the plate's size 0.65 radii away: within the windows a lost plate is looked for
# in (``tracking.refind_*``), but 39 radii/s in one frame.
SHAPE_XY = PLATE_XY + np.array([0.65 * PLATE_R, 0.0])
FLASH = 40  # the one frame the plate is hidden and the shape shows


def _flash_scene(k: int, rng: np.random.Generator) -> np.ndarray:
    image = gym()
    if k == FLASH:
        disc(image, *SHAPE_XY, PLATE_R, (40, 40, 200))
    else:
        disc(image, *PLATE_XY, PLATE_R, (40, 40, 200))
    return np.clip(image + rng.normal(0.0, 2.0, image.shape), 0, 255).astype(np.uint8)


def _flash_track(settings: PlateSettings) -> np.ndarray:
    """(N, 2) reported centres over 0.9 s, NaN where unseen."""
    rng = np.random.default_rng(4)
    tracker = PlateTracker(settings)
    out = []
    hands = np.array([PLATE_XY, PLATE_XY])  # the lifter holds the bar (no stirred recheck)
    for k in range(round(0.9 * FPS)):  # before the first periodic recheck
        d = tracker.update(Frame(image=_flash_scene(k, rng), t_s=k / FPS, index=k), hands_xy_px=hands)
        out.append(d.xy_px)
    return np.array(out)


def test_a_shape_one_frame_away_at_an_impossible_speed_is_not_taken_for_the_plate() -> None:
    xy = _flash_track(GATED)
    assert np.isnan(xy[FLASH]).all()
    seen = np.isfinite(xy).all(axis=1)
    assert seen.sum() == len(xy) - 1
    assert np.hypot(*(xy[seen] - PLATE_XY).T).max() < 1.0


def test_without_the_gate_the_track_takes_the_shape_for_that_frame() -> None:
    xy = _flash_track(without(GATED, "gate.use_speed_bound", "gate.use_size_bound"))
    assert np.hypot(*(xy[FLASH] - SHAPE_XY)) < 1.0


PULL_FPS = 25.0
PULL_R = 30.0  # px: the smallest plate's 0.15 m, so 200 px/m
PULL_SPEED_PX_S = 2.5 * PULL_R / 0.15  # 2.5 m/s: 500 px/s, 16.7 radii/s
PULL_HZ = 0.8
PULL_AMPLITUDE_PX = PULL_SPEED_PX_S / (2 * math.pi * PULL_HZ)  # y = A sin(2 pi f t): peak 2 pi f A


def _pull(t_s: float) -> tuple[float, float]:
    return 320.0, 240.0 + PULL_AMPLITUDE_PX * math.sin(2 * math.pi * PULL_HZ * t_s)


def _pull_track(settings: PlateSettings) -> tuple[np.ndarray, np.ndarray]:
    n = round(2.0 * PULL_FPS)
    frames = render_clip(np.zeros((n, 2)), PULL_R, fps=PULL_FPS, exposure_s=1 / 100, path_fn=_pull, seed=5)
    tracker = PlateTracker(settings)
    xy = np.array([tracker.update(f).xy_px for f in frames])
    truth = np.array([_pull(f.t_s) for f in frames])
    return xy, truth


def test_a_fast_pull_at_2_5_m_s_on_the_smallest_plate_is_not_gated() -> None:
    """Every frame seen, within 1.5 px of the path (peak step 20 px a frame, 0.67 radii), and the
    same track as with the gate off."""
    xy, truth = _pull_track(GATED)
    assert np.isfinite(xy).all()
    assert np.hypot(*(xy - truth).T).max() < 1.5
    steps = np.hypot(*np.diff(truth, axis=0).T)
    assert steps.max() > 0.95 * PULL_SPEED_PX_S / PULL_FPS  # the path does reach 2.5 m/s
    ungated, _ = _pull_track(UNGATED)
    np.testing.assert_allclose(xy, ungated)
