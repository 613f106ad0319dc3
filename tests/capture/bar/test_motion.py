"""The constant-velocity Kalman filter and the scene watch, with known answers."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tests.capture.bar.scenes import disc, gym
from vbt.capture.bar.motion import ConstantVelocityKalman, SceneWatch
from vbt.capture.bar.settings import WatchSettings


def test_kalman_filter_follows_constant_velocity_exactly() -> None:
    kalman = ConstantVelocityKalman(
        np.array([0.0, 0.0]), 0.0, accel_px_s2=10.0, measurement_px=0.5, velocity_px_s=100.0
    )
    for i in range(1, 40):
        t = i / 30
        kalman.predict(t)
        kalman.correct(np.array([90.0 * t, -30.0 * t]))
    np.testing.assert_allclose(kalman.velocity_px_s, [90.0, -30.0], atol=0.5)
    np.testing.assert_allclose(kalman.predict(41 / 30), [90 * 41 / 30, -30 * 41 / 30], atol=0.3)


def test_scene_watch_tells_a_moving_scene_from_a_still_one() -> None:
    watch = SceneWatch(replace(WatchSettings(), interval_s=0.1, settle_s=1.0))
    still = gym()
    moved = still.copy()
    disc(moved, 300.0, 150.0, 30.0, (40, 40, 45))  # 0.5 % of the frame changed
    assert not watch.moved(still, 0.0)  # the first frame is the still scene
    assert not watch.moved(still, 0.04)
    assert watch.moved(moved, 0.08) and watch.moving
    assert not watch.moved(moved, 0.12)  # at most every interval_s
    assert watch.moved(moved, 0.2)
    assert not watch.moved(still, 0.35) and not watch.moving  # back as it was
    assert watch.moved(moved, 1.1)  # differs for over settle_s: becomes the still scene
    assert not watch.moved(moved, 1.3)
