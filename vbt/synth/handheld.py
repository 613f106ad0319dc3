"""A camera that moves while it films: how the still scene's pixels land in each frame.

A camera that turns (pans, tilts, rolls: what a hand holding a phone and a person following the bar
do) moves near and far things alike, so each frame is the still scene moved by a similarity: a
small rotation about the picture's centre and a translation (no zoom). ``vbt.synth.render`` draws
the still scene on a canvas larger than the frame and warps it into each frame with these
transforms; the truth keeps both the plate's path in the frames and in the still scene.

A ``CameraPath`` gives, for the frame times, (N, 2, 3) affine transforms from scene pixels to frame
pixels (``frame = A[:, :2] @ scene + A[:, 2]``), the identity at the first frame (the first frame
is the scene's reference, as an analysis takes it).

>>> import numpy as np
>>> t = np.arange(0, 2, 1 / 30)
>>> plate = np.column_stack([np.full(t.size, 320.0), 200 - 50 * np.sin(t)])
>>> a = FollowPan().scene_to_image(t, size_px=(640, 360), plate_xy_px=plate)
>>> a.shape, bool(np.allclose(a[0], [[1, 0, 0], [0, 1, 0]]))
((60, 2, 3), True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from vbt.errors import InputError
from vbt.synth.scene import Camera
from vbt.types import FloatArray


class CameraPath(Protocol):
    """How the camera moves over a clip."""

    def scene_to_image(
        self, t_s: FloatArray, *, size_px: tuple[int, int], plate_xy_px: FloatArray
    ) -> FloatArray:
        """(N, 2, 3) transforms from the still scene's pixels to each frame's, identity at ``t_s[0]``.

        Parameters:
            t_s: (N,) frame times, seconds, strictly increasing.
            size_px: the frame's (width, height).
            plate_xy_px: (N, 2) the plate's centre in the still scene at those times (a camera
                that follows the bar needs it).
        """
        ...

    def to_dict(self) -> dict[str, Any]:
        """What the path is, for the truth file (JSON-safe)."""
        ...


def similarity(angle_rad: FloatArray, shift_px: FloatArray, centre_px: FloatArray) -> FloatArray:
    """(N, 2, 3) rotations by ``angle_rad`` (N,) about ``centre_px`` (2,), then shifts (N, 2)."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    out = np.zeros((angle_rad.shape[0], 2, 3))
    out[:, 0, 0], out[:, 0, 1], out[:, 1, 0], out[:, 1, 1] = c, -s, s, c
    rotated_centre = np.einsum("nij,j->ni", out[:, :, :2], centre_px)
    out[:, :, 2] = centre_px - rotated_centre + shift_px
    return out


@dataclass(frozen=True)
class FollowPan:
    """A camera turned by a person following the bar: late, partly, and drifting sideways.

    Parameters:
        follow: share of the plate's vertical travel the view follows (0: a tripod, 1: the plate
            stays put in the picture while the room moves).
        lag_s: how late the person follows: the time constant of a first-order lag, seconds.
        drift_fraction_s: a steady sideways pan, fractions of the frame's width per second.
    """

    follow: float = 0.6
    lag_s: float = 0.25
    drift_fraction_s: float = 0.015

    def __post_init__(self) -> None:
        if not 0.0 <= self.follow <= 1.0:
            raise InputError(f"follow must be within 0..1, got {self.follow}")
        if not (math.isfinite(self.lag_s) and self.lag_s > 0):
            raise InputError(f"lag_s must be a positive number of seconds, got {self.lag_s}")
        if not abs(self.drift_fraction_s) <= 0.2:
            raise InputError(f"drift_fraction_s must be within -0.2..0.2, got {self.drift_fraction_s}")

    def scene_to_image(
        self, t_s: FloatArray, *, size_px: tuple[int, int], plate_xy_px: FloatArray
    ) -> FloatArray:
        y = np.asarray(plate_xy_px[:, 1], dtype=np.float64)
        aim = np.empty_like(y)  # where the person points the camera: the plate's height, lagged
        aim[0] = y[0]
        for k in range(1, y.shape[0]):
            gain = 1.0 - math.exp(-(t_s[k] - t_s[k - 1]) / self.lag_s)
            aim[k] = aim[k - 1] + gain * (y[k] - aim[k - 1])
        dx = -self.drift_fraction_s * size_px[0] * (t_s - t_s[0])
        dy = -self.follow * (aim - aim[0])
        centre = np.array([(size_px[0] - 1) / 2.0, (size_px[1] - 1) / 2.0])
        return similarity(np.zeros_like(dx), np.column_stack([dx, dy]), centre)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "follow_pan",
            "follow": self.follow,
            "lag_s": self.lag_s,
            "drift_fraction_s": self.drift_fraction_s,
        }


@dataclass(frozen=True)
class HandShake:
    """A phone held in the hand: slow sway and a little tremor, seeded.

    Parameters:
        sway_fraction: RMS of the picture's sway along each axis, fractions of the frame's height
            (0.012: about 4 px at 360 px, 0.4 degree of a 60 degree field of view).
        roll_deg: RMS of the roll about the picture's centre, degrees.
        seed: the same seed gives the same shake.

    Each axis (x, y, roll) is four sinusoids of 0.3-3 Hz (the arm's and body's sway) and one of
    8-11 Hz at a fifth of the amplitude (physiological tremor), with random phases.
    """

    sway_fraction: float = 0.012
    roll_deg: float = 0.4
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.sway_fraction <= 0.1:
            raise InputError(f"sway_fraction must be within 0..0.1, got {self.sway_fraction}")
        if not 0.0 <= self.roll_deg <= 5.0:
            raise InputError(f"roll_deg must be within 0..5 degrees, got {self.roll_deg}")

    def scene_to_image(
        self, t_s: FloatArray, *, size_px: tuple[int, int], plate_xy_px: FloatArray
    ) -> FloatArray:
        rng = np.random.default_rng(np.random.SeedSequence([int(self.seed), 23]))
        sway = self.sway_fraction * size_px[1]
        axes = [_wobble(rng, t_s, rms) for rms in (sway, sway, math.radians(self.roll_deg))]
        centre = np.array([(size_px[0] - 1) / 2.0, (size_px[1] - 1) / 2.0])
        return similarity(axes[2], np.column_stack(axes[:2]), centre)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "hand_shake",
            "sway_fraction": self.sway_fraction,
            "roll_deg": self.roll_deg,
            "seed": self.seed,
        }


def _wobble(rng: np.random.Generator, t_s: FloatArray, rms: float) -> FloatArray:
    """(N,) a sum of sinusoids with RMS ``rms`` (sway 0.3-3 Hz, tremor 8-11 Hz at a fifth), zero at
    ``t_s[0]``."""
    sway_hz = rng.uniform(0.3, 3.0, 4)
    tremor_hz = rng.uniform(8.0, 11.0, 1)
    phases = rng.uniform(0.0, 2.0 * math.pi, 5)
    weights = np.array([1.0, 1.0, 1.0, 1.0, 0.2])
    weights *= rms / math.sqrt(0.5 * float(np.sum(weights**2)))  # the RMS of the sum of sinusoids
    hz = np.concatenate([sway_hz, tremor_hz])
    t = t_s - t_s[0]
    wave = np.sin(2.0 * math.pi * hz[None, :] * t[:, None] + phases[None, :]) @ weights
    out: FloatArray = wave - wave[0]
    return out


def reach_px(scene_to_image: FloatArray, size_px: tuple[int, int]) -> float:
    """How far outside the frame the still scene must reach so that every frame is covered:
    the largest distance, pixels, from the frame's rectangle of any frame corner mapped back."""
    width, height = size_px
    corners = np.array([[0.0, 0.0], [width - 1.0, 0.0], [0.0, height - 1.0], [width - 1.0, height - 1.0]])
    full = np.concatenate(
        [scene_to_image, np.tile([[[0.0, 0.0, 1.0]]], (scene_to_image.shape[0], 1, 1))], axis=1
    )
    back = np.linalg.inv(full)  # image -> scene
    scene = np.einsum("nij,kj->nki", back[:, :2, :2], corners) + back[:, None, :2, 2]
    below = np.maximum(0.0, -scene.min(axis=(0, 1)))
    above = np.maximum(0.0, scene.max(axis=(0, 1)) - np.array([width - 1.0, height - 1.0]))
    return float(max(below.max(), above.max()))


@dataclass(frozen=True)
class MovedCamera(Camera):
    """The camera of a canvas (the still scene and its margin) seen through one frame's transform:
    ``project`` lands in the frame's pixels.

    Attributes:
        canvas_to_frame: (2, 3) affine transform from the canvas's pixels to the frame's.
    """

    canvas_to_frame: FloatArray = field(default_factory=lambda: np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))

    @classmethod
    def of(cls, canvas: Camera, scene_to_image: FloatArray, *, margin_px: int) -> MovedCamera:
        """``canvas``'s camera (its pixel ``(x + margin, y + margin)`` is the scene's ``(x, y)``)
        seen through a frame's ``scene_to_image`` (2, 3)."""
        canvas_to_frame = np.array(scene_to_image, dtype=np.float64, copy=True)
        canvas_to_frame[:, 2] -= canvas_to_frame[:, :2] @ np.array([margin_px, margin_px], dtype=np.float64)
        lens = {f.name: getattr(canvas, f.name) for f in fields(Camera)}
        return cls(**lens, canvas_to_frame=canvas_to_frame)

    @property
    def roll_deg(self) -> float:
        """The frame's rotation against the scene, degrees (x towards y, i.e. clockwise on screen)."""
        return math.degrees(math.atan2(float(self.canvas_to_frame[1, 0]), float(self.canvas_to_frame[0, 0])))

    def project(self, xy_m: npt.ArrayLike, *, depth_m: float = 0.0) -> FloatArray:
        canvas = super().project(xy_m, depth_m=depth_m)
        out: FloatArray = canvas @ self.canvas_to_frame[:, :2].T + self.canvas_to_frame[:, 2]
        return out
