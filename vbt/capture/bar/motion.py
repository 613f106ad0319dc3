"""Motion: a constant-velocity Kalman filter for a point in the image (the time step from the frames),
and a coarse watch on whether the scene moved."""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.bar.settings import WatchSettings
from vbt.types import FloatArray


class ConstantVelocityKalman:
    """State (x, y, vx, vy) in pixels and pixels per second, driven by white-noise acceleration.

    Parameters:
        xy_px: (2,) first position.
        t_s: its time, seconds.
        accel_px_s2: typical size of the unmodelled acceleration (the process noise), px/s².
        measurement_px: typical error of one measured position, px.
        velocity_px_s: spread of the unknown initial velocity, px/s.
    """

    def __init__(
        self,
        xy_px: FloatArray,
        t_s: float,
        *,
        accel_px_s2: float,
        measurement_px: float,
        velocity_px_s: float,
    ) -> None:
        self.x = np.array([xy_px[0], xy_px[1], 0.0, 0.0], dtype=np.float64)
        self.p = np.diag([measurement_px**2] * 2 + [velocity_px_s**2] * 2).astype(np.float64)
        self.t_s = t_s
        self._q = accel_px_s2**2
        self._r = measurement_px**2

    @property
    def xy_px(self) -> FloatArray:
        out: FloatArray = self.x[:2].copy()
        return out

    @property
    def velocity_px_s(self) -> FloatArray:
        out: FloatArray = self.x[2:].copy()
        return out

    @property
    def position_sigma_px(self) -> float:
        """Standard deviation of the position estimate (the larger axis), px."""
        return math.sqrt(max(self.p[0, 0], self.p[1, 1]))

    def predict(self, t_s: float) -> FloatArray:
        """Advance the state to ``t_s`` and return the predicted (2,) position."""
        dt = t_s - self.t_s
        if dt > 0:
            f = np.eye(4)
            f[0, 2] = f[1, 3] = dt
            # Piecewise-constant acceleration of typical size accel_px_s2 over the step: the same
            # 2x2 block [[dt^4/4, dt^3/2], [dt^3/2, dt^2]] times its variance for x and for y.
            pos, cross, vel = dt**4 / 4 * self._q, dt**3 / 2 * self._q, dt**2 * self._q
            q = np.zeros((4, 4))
            q[0, 0] = q[1, 1] = pos
            q[0, 2] = q[2, 0] = q[1, 3] = q[3, 1] = cross
            q[2, 2] = q[3, 3] = vel
            self.x = f @ self.x
            self.p = f @ self.p @ f.T + q
            self.t_s = t_s
        return self.xy_px

    def correct(self, xy_px: FloatArray) -> None:
        """Fold in a measured (2,) position taken at the current time."""
        h = np.zeros((2, 4))
        h[0, 0] = h[1, 1] = 1.0
        s = h @ self.p @ h.T + np.eye(2) * self._r
        k = self.p @ h.T @ np.linalg.inv(s)
        self.x = self.x + k @ (np.asarray(xy_px, dtype=np.float64) - h @ self.x)
        self.p = (np.eye(4) - k @ h) @ self.p


class SceneWatch:
    """Whether a scene moved since it was last still, from a coarse gray copy of each frame.

    ``moved`` compares a copy reduced to ``settings.dim_px`` (its larger side) with the one kept
    while the scene was still: the scene moved when more than ``changed_frac`` of its pixels differ
    by more than ``levels`` gray levels. Then it answers True at most every ``interval_s`` while
    that lasts, for ``settle_s`` (then the scene as it is becomes the still one); slow changes
    (light) are followed every ``settle_s`` too. Costs a resize of the frame per call.
    """

    def __init__(self, settings: WatchSettings) -> None:
        self.settings = settings
        self._next_t_s = -math.inf
        self.reset()

    def reset(self) -> None:
        """Forget the still scene."""
        self._still: npt.NDArray[np.uint8] | None = None
        self._still_t_s = -math.inf
        self.moving = False

    def moved(self, image: npt.NDArray[np.uint8], t_s: float) -> bool:
        """True when ``image`` (H, W, 3) BGR, at ``t_s``, differs from the still scene (see above)."""
        if t_s < self._next_t_s:
            return False
        h, w = image.shape[:2]
        settings = self.settings
        scale = min(1.0, settings.dim_px / max(h, w))
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        gray = np.asarray(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
        if self._still is None or self._still.shape != gray.shape:
            self._still, self._still_t_s = gray, t_s
            return False
        settled = t_s - self._still_t_s > settings.settle_s
        changed = np.count_nonzero(cv2.absdiff(gray, self._still) > settings.levels)
        if changed < settings.changed_frac * gray.size:
            if settled:
                self._still, self._still_t_s = gray, t_s
            self.moving = False
            return False
        if settled:
            self._still, self._still_t_s = gray, t_s
        self._next_t_s = t_s + settings.interval_s
        self.moving = True
        return True
