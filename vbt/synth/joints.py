"""Joint angles and the lifter's stick figure (forward kinematics from the toe).

Angles are interior angles in degrees, larger = more extended: hip = shoulder-hip-knee,
knee = hip-knee-ankle, ankle = knee-ankle-toe. With x forward (the lifter faces +x), y up and
counter-clockwise positive:

- the foot goes from the toe (on the floor) back and up to the ankle at an angle beta above the horizontal
  (beta grows when the heel rises);
- dir(ankle->knee) = rot(dir(ankle->toe), +ankle);
- dir(knee->hip) = rot(dir(knee->ankle), -knee);
- dir(hip->shoulder) = rot(dir(hip->knee), +hip).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy.interpolate import PPoly

from vbt.synth.hermite import evaluate
from vbt.types import FloatArray

#: Names of the generated joint angles, in the order `JointModel.angles_deg` returns them.
ANGLE_NAMES: tuple[str, ...] = ("hip", "knee", "ankle")


@dataclass(frozen=True)
class Body:
    """Segment lengths (m) and the heel-rise model.

    Attributes:
        foot_m: toe to ankle.
        shank_m, thigh_m, trunk_m: ankle-knee, knee-hip, hip-shoulder.
        ankle_height_m: ankle height with the foot flat (sets the flat foot angle).
        heel_rise_from_deg: the heel starts to leave the floor when the ankle angle passes this.
        heel_rise_softness_deg: width of the smooth transition into heel rise.
    """

    foot_m: float = 0.17
    shank_m: float = 0.43
    thigh_m: float = 0.43
    trunk_m: float = 0.50
    ankle_height_m: float = 0.08
    heel_rise_from_deg: float = 122.0
    heel_rise_softness_deg: float = 2.0

    @classmethod
    def random(cls, rng: np.random.Generator) -> Body:
        """A lifter scaled by U(0.92, 1.08)."""
        s = float(rng.uniform(0.92, 1.08))
        return cls(
            foot_m=0.17 * s,
            shank_m=0.43 * s,
            thigh_m=0.43 * s,
            trunk_m=0.50 * s,
            ankle_height_m=0.08 * s,
        )

    @property
    def flat_foot_deg(self) -> float:
        return math.degrees(math.asin(self.ankle_height_m / self.foot_m))


def foot_angle_deg(ankle_deg: FloatArray, *, body: Body) -> FloatArray:
    """Foot angle beta above the horizontal: flat, plus a smooth heel rise once the ankle extends.

    ``beta = flat + s * log(1 + exp((ankle - from) / s))``: the part of the ankle extension beyond
    ``heel_rise_from_deg`` lifts the heel instead of tilting the shank back.
    """
    s = body.heel_rise_softness_deg
    rise = s * np.logaddexp(0.0, (np.asarray(ankle_deg) - body.heel_rise_from_deg) / s)
    return np.asarray(body.flat_foot_deg + rise, dtype=np.float64)


def forward_kinematics(
    hip_deg: FloatArray,
    knee_deg: FloatArray,
    ankle_deg: FloatArray,
    *,
    toe_x_m: FloatArray,
    body: Body,
) -> FloatArray:
    """Joint positions from joint angles, the toe on the floor (y = 0).

    Parameters:
        hip_deg, knee_deg, ankle_deg: (N,) interior joint angles, degrees.
        toe_x_m: (N,) toe x position, metres.
        body: Segment lengths and heel-rise model.

    Returns:
        (N, 5, 2) positions in ``JOINT_NAMES`` order (shoulder, hip, knee, ankle, toe), metres.
    """
    toe = np.stack([np.asarray(toe_x_m, dtype=np.float64), np.zeros_like(toe_x_m)], axis=-1)
    beta = np.radians(foot_angle_deg(ankle_deg, body=body))
    ankle_to_toe = -beta
    ankle = toe - body.foot_m * _unit(ankle_to_toe)
    ankle_to_knee = ankle_to_toe + np.radians(ankle_deg)
    knee = ankle + body.shank_m * _unit(ankle_to_knee)
    knee_to_hip = ankle_to_knee + math.pi - np.radians(knee_deg)
    hip = knee + body.thigh_m * _unit(knee_to_hip)
    hip_to_shoulder = knee_to_hip + math.pi + np.radians(hip_deg)
    shoulder = hip + body.trunk_m * _unit(hip_to_shoulder)
    return np.stack([shoulder, hip, knee, ankle, toe], axis=-2)


def _unit(angle_rad: FloatArray) -> FloatArray:
    return np.stack([np.cos(angle_rad), np.sin(angle_rad)], axis=-1)


class JointModel(Protocol):
    """Exact joint motion of a synthetic lifter."""

    @property
    def body(self) -> Body:
        """The lifter's segment lengths."""
        ...

    def angles_deg(self, t_s: FloatArray) -> FloatArray:
        """(N, 3) hip, knee, ankle angles in degrees at times (N,)."""
        ...

    def toe_x_m(self, t_s: FloatArray) -> FloatArray:
        """(N,) toe x position, metres."""
        ...


def joint_positions(model: JointModel, t_s: FloatArray) -> FloatArray:
    """(N, 5, 2) exact joint positions of a model at times (N,)."""
    angles = model.angles_deg(t_s)
    return forward_kinematics(
        angles[:, 0], angles[:, 1], angles[:, 2], toe_x_m=model.toe_x_m(t_s), body=model.body
    )


@dataclass(frozen=True, eq=False)
class KnotJoints:
    """Each angle a monotone-per-segment Hermite curve through knots (peaks exactly at knots)."""

    body: Body
    hip: PPoly
    knee: PPoly
    ankle: PPoly
    toe_x: PPoly

    def angles_deg(self, t_s: FloatArray) -> FloatArray:
        t = np.asarray(t_s, dtype=np.float64)
        return np.stack([evaluate(self.hip, t), evaluate(self.knee, t), evaluate(self.ankle, t)], -1)

    def toe_x_m(self, t_s: FloatArray) -> FloatArray:
        return evaluate(self.toe_x, t_s)


@dataclass(frozen=True, eq=False)
class BarDrivenJoints:
    """Angles that follow the bar's depth: linear between a top pose and a bottom pose.

    ``depth = clip((top_y_m - y(t)) / depth_m, 0, max_depth)``; angle = top + depth (bottom - top).
    """

    body: Body
    bar_y: PPoly
    toe_x: PPoly
    top_y_m: float
    depth_m: float
    top_deg: tuple[float, float, float]
    bottom_deg: tuple[float, float, float]
    max_depth: float = 1.2

    def angles_deg(self, t_s: FloatArray) -> FloatArray:
        depth = (self.top_y_m - evaluate(self.bar_y, t_s)) / self.depth_m
        depth = np.clip(depth, 0.0, self.max_depth)
        top = np.asarray(self.top_deg)
        bottom = np.asarray(self.bottom_deg)
        return np.asarray(top + depth[:, None] * (bottom - top), dtype=np.float64)

    def toe_x_m(self, t_s: FloatArray) -> FloatArray:
        return evaluate(self.toe_x, t_s)


def pose_positions(angles_deg: tuple[float, float, float], *, body: Body) -> FloatArray:
    """(5, 2) positions of one pose with the toe at x = 0 (to place the lifter relative to the bar)."""
    hip, knee, ankle = (np.array([a]) for a in angles_deg)
    positions: FloatArray = forward_kinematics(hip, knee, ankle, toe_x_m=np.zeros(1), body=body)[0]
    return positions


def toe_offset_in_front_of_shin(
    pose_deg: tuple[float, float, float], *, bar_y_m: float, gap_m: float, body: Body
) -> float:
    """Toe x minus bar x that puts the bar ``gap_m`` in front of the shin at height ``bar_y_m``.

    For a pose with the bar on the floor (deadlift, clean and snatch start): the shins touch the bar.
    """
    positions = pose_positions(pose_deg, body=body)
    (knee_x, knee_y), (ankle_x, ankle_y) = positions[2], positions[3]
    shin_x = ankle_x + (bar_y_m - ankle_y) * (knee_x - ankle_x) / (knee_y - ankle_y)
    return float(-(shin_x + gap_m))
