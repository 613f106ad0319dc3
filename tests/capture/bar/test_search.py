"""The whole-frame plate search: brick texture is not a plate, a plate on the same wall is."""

from __future__ import annotations

import math

from tests.capture.bar.scenes import disc, gym
from vbt.capture.bar.search import search_plates


def test_brick_texture_is_not_a_plate() -> None:
    search = {
        "max_dim_px": 480,
        "min_radius_frac": 0.025,
        "max_radius_frac": 0.2,
        "min_inliers": 0.5,
        "min_edge": 3.0,
        "vote": True,
    }
    empty, _ = search_plates(gym(), **search)
    assert empty == []
    image = gym()
    disc(image, 320.0, 150.0, 36.0, (40, 40, 45))
    found, _ = search_plates(image, **search)
    assert len(found) == 1
    assert math.hypot(*(found[0].centre_px - (320.0, 150.0))) < 1.0
    assert abs(found[0].radius_px - 36.0) < 1.0
