"""Hand-made bar paths: segments eased with half a cosine, so velocity is 0 at every segment boundary.

A segment (duration_s, dy_m) moves the bar by dy_m over duration_s as dy (1 - cos(π τ)) / 2. Two
segments of opposite direction meet at a true zero crossing of velocity (acceleration is continuous
there); a segment next to a hold (dy = 0) meets it with a kink in velocity, like a bar that stops.
"""

import numpy as np

from vbt.types import Trajectory


def eased_path(
    segments: list[tuple[float, float]], *, y0_m: float, fps: float, noise_m: float = 0.0, seed: int = 0
) -> tuple[Trajectory, np.ndarray]:
    """Sample the path at ``fps``; returns the trajectory and the (S + 1,) segment boundary times."""
    bounds = np.concatenate(([0.0], np.cumsum([d for d, _ in segments])))
    heights = y0_m + np.concatenate(([0.0], np.cumsum([dy for _, dy in segments])))
    t = np.arange(0.0, bounds[-1], 1.0 / fps)
    k = np.clip(np.searchsorted(bounds, t, side="right") - 1, 0, len(segments) - 1)
    tau = (t - bounds[k]) / (bounds[k + 1] - bounds[k])
    dy = np.array([s[1] for s in segments])[k]
    y = heights[k] + dy * (1 - np.cos(np.pi * tau)) / 2
    rng = np.random.default_rng(seed)
    xy = np.c_[np.zeros_like(y), y] + rng.normal(0.0, noise_m, (t.size, 2))
    return Trajectory(t_s=t, bar_xy_m=xy), bounds
