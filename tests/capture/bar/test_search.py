"""The whole-frame plate search: brick texture is not a plate, a plate on the same wall is."""

from __future__ import annotations

import math

from tests.capture.bar.scenes import disc, gym
from vbt.capture.bar.search import search_plates
from vbt.capture.bar.settings import PlateSettings


def test_brick_texture_is_not_a_plate() -> None:
    empty, _ = search_plates(gym(), settings=PlateSettings(), vote=True)
    assert empty == []
    image = gym()
    disc(image, 320.0, 150.0, 36.0, (40, 40, 45))
    found, _ = search_plates(image, settings=PlateSettings(), vote=True)
    assert len(found) == 1
    assert math.hypot(*(found[0].centre_px - (320.0, 150.0))) < 1.0
    assert abs(found[0].radius_px - 36.0) < 1.0
