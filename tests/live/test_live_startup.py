"""The start of a set under load: the plate tracker's stirred rechecks (a whole-frame search at every
frame while the scene moves and no hands are known) shed with the rest of live mode's work, and the
switch to the loaded plate at the lift-off still comes (known answers: a drawn scene whose plates
and lift-off time are set; no thread, no clock)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.capture.bar.scenes import FLOOR_Y, disc, gym
from vbt.capture.bar import PlateTracker
from vbt.errors import InputError
from vbt.live.shedding import Shed, Shedder, SheddingSettings, StirredBudget
from vbt.types import Frame

FPS = 30.0
LIFT_OFF_S = 1.5
LOADED_XY, LOADED_R = (300.0, FLOOR_Y + 6.0), 36.0  # the loaded plate, half hidden by the floor


def _wall_plate_scene(t_s: float, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """A red plate leaning on the wall and the loaded black plate resting half hidden against the
    black floor until ``LIFT_OFF_S``, then rising at 60 px/s (0.6 m/s at 1 mm a pixel); the noisy
    image and the loaded plate's y. The tracker starts on the wall plate (nothing else tells them
    apart without pose) and must move to the loaded one when it rises."""
    y = LOADED_XY[1] - max(0.0, t_s - LIFT_OFF_S) * 60.0
    image = gym()
    disc(image, 520.0, FLOOR_Y - 21.0, 20.0, (40, 40, 200))
    disc(image, LOADED_XY[0], y, LOADED_R, (28, 28, 30))
    return np.clip(image + rng.normal(0.0, 2.0, image.shape), 0, 255).astype(np.uint8), y


def _track(level: Shed, settings: SheddingSettings) -> tuple[float, list[tuple[float, bool]], Shedder]:
    """The scene tracked for 2.5 s with live mode's budget at a fixed shedding ``level``: when the
    tracker first reported the loaded plate (to a pixel; it never leaves it after), each stirred
    recheck asked for (its time, whether it ran), and the shedder."""
    shedder = Shedder(settings, level=level)
    budget = StirredBudget(lambda: shedder)
    asked: list[tuple[float, bool]] = []

    def allowed(t_s: float) -> bool:
        asked.append((t_s, budget(t_s)))
        return asked[-1][1]

    tracker = PlateTracker()
    tracker.stirred_allowed = allowed
    rng = np.random.default_rng(1)
    switched_at = math.nan
    for k in range(round(2.5 * FPS)):
        t_s = k / FPS
        image, y = _wall_plate_scene(t_s, rng)
        detection = tracker.update(Frame(image=image, t_s=t_s, index=k))
        on_loaded = detection.detected and math.hypot(*(detection.xy_px - (LOADED_XY[0], y))) < 1.0
        if on_loaded and math.isnan(switched_at):
            switched_at = t_s
        if not math.isnan(switched_at):
            assert on_loaded, (t_s, detection.xy_px, y)
    return switched_at, asked, shedder


def test_while_nothing_is_shed_every_stirred_recheck_runs_as_offline() -> None:
    switched_at, asked, shedder = _track(Shed.NOTHING, SheddingSettings())
    assert len(asked) >= 2 and all(ran for _, ran in asked)
    assert shedder.stirred_skipped == 0 and shedder.summary()["stirred_search"] == 0
    assert LIFT_OFF_S <= switched_at < LIFT_OFF_S + 0.15


def test_while_shedding_a_stirred_recheck_runs_at_most_every_stirred_every_s_and_the_switch_follows() -> None:
    """With work shed, the rechecks asked for at consecutive frames run one in 0.15 s at most (the
    others counted as shed); the move to the loaded plate comes at most that much later."""
    settings = SheddingSettings(stirred_every_s=0.15)
    switched_at, asked, shedder = _track(Shed.VIEW, settings)
    ran = [t_s for t_s, ok in asked if ok]
    assert np.all(np.diff(ran) >= 0.15 - 1e-9)
    skipped = sum(1 for _, ok in asked if not ok)
    assert skipped > 0 and shedder.stirred_skipped == skipped
    assert shedder.summary()["stirred_search"] == skipped
    assert LIFT_OFF_S <= switched_at < LIFT_OFF_S + 0.15 + 0.15


def test_the_budget_spaces_the_rechecks_on_the_frames_clock() -> None:
    """Asked at every frame of 30 fps while shedding: frames 0, 5, 10, ... run (5 / 30 s is the
    first interval of at least 0.15 s); with nothing shed, every frame runs."""
    shedder = Shedder(SheddingSettings(stirred_every_s=0.15), level=Shed.POSE_OFF)
    budget = StirredBudget(lambda: shedder)
    ran = [k for k in range(30) if budget(k / FPS)]
    assert ran == [0, 5, 10, 15, 20, 25]
    assert shedder.stirred_skipped == 24
    shedder.level = Shed.NOTHING
    assert all(budget(k / FPS) for k in range(30, 40))
    with pytest.raises(InputError, match="stirred_every_s"):
        SheddingSettings(stirred_every_s=-1.0)
