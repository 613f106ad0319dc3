"""Joints measured elsewhere, joined to a video's bar path: ``vbt analyze VIDEO --joints TRACK.csv``.

The joints come from a track CSV on the video's clock (another tool's pose, a motion-capture export, or
the synthetic lifter written beside a rendered clip). Its own bar columns place it: the joints move by
the median offset between its bar path and the video's, so bar and joints share one frame. A track whose
bar does not follow the video's is refused rather than joined to the wrong set.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vbt.errors import InputError
from vbt.types import FloatArray, Trajectory


@dataclass(frozen=True)
class GivenJointsSettings:
    """How closely the given track's bar must follow the video's.

    Attributes:
        max_bar_disagreement_m: the median distance between the two bar paths, once one is moved onto
            the other, above which the track is not this video's (or not on its clock). Raising it
            accepts tracks measured more coarsely but risks joints from another set; 5 cm is several
            times a plate tracker's error and well below a rep's range of motion.
        min_common_fraction: the share of the video's samples the given track must cover.
    """

    max_bar_disagreement_m: float = 0.05
    min_common_fraction: float = 0.5


def join_given_joints(
    trajectory: Trajectory, given: Trajectory, *, settings: GivenJointsSettings | None = None
) -> Trajectory:
    """``trajectory`` with the joints of ``given``, interpolated onto its times and moved into its frame.

    Args:
        trajectory: The video's trajectory (its joints, if any, are replaced).
        given: A track with joints on the same clock; its ``bar_xy_m`` places it.
        settings: How much of the video ``given`` must cover and how closely its bar must follow.

    Returns:
        Trajectory: ``trajectory`` with ``joints_xy_m`` (N, J, 2) from ``given``: linear between given samples, NaN
            where a neighbouring sample is NaN or outside ``given``'s time span; visibility unknown (NaN).

    Raises:
        InputError: ``given`` has no joints, covers too little of the video, or its bar does not follow the video's.
    """
    settings = settings or GivenJointsSettings()
    if not given.joint_names or not np.isfinite(given.joints_xy_m).any():
        raise InputError("the joints track has no joint columns (hip_x_m, hip_y_m, ...): nothing to join")
    t = trajectory.t_s
    given_bar = _at(t, given.t_s, given.bar_xy_m)
    both = np.isfinite(given_bar).all(axis=1) & np.isfinite(trajectory.bar_xy_m).all(axis=1)
    if both.sum() < settings.min_common_fraction * len(t):
        raise InputError(
            f"the joints track covers {both.sum()} of the video's {len(t)} samples with a bar position: "
            f"it must cover at least {settings.min_common_fraction:.0%} (t_s on the video's clock, from 0 s)"
        )
    offset = np.median(trajectory.bar_xy_m[both] - given_bar[both], axis=0)
    disagreement_m = float(np.median(np.hypot(*(trajectory.bar_xy_m[both] - given_bar[both] - offset).T)))
    if disagreement_m > settings.max_bar_disagreement_m:
        raise InputError(
            f"the joints track's bar is {100 * disagreement_m:.1f} cm from the video's (median, once aligned): "
            "it is not this video's track, or not on its clock"
        )
    n, j = len(t), len(given.joint_names)
    flat = given.joints_xy_m.reshape(len(given), j * 2)
    joints = _at(t, given.t_s, flat).reshape(n, j, 2) + offset
    return replace(
        trajectory,
        joints_xy_m=joints,
        joint_names=given.joint_names,
        joints_visibility=np.full((n, j), np.nan),
    )


def _at(t_s: FloatArray, given_t_s: FloatArray, values: FloatArray) -> FloatArray:
    """(M, K) ``values`` at ``given_t_s`` interpolated onto ``t_s`` column by column: (N, K); NaN
    beside a NaN sample and outside the given span."""
    return np.stack(
        [np.interp(t_s, given_t_s, values[:, k], left=np.nan, right=np.nan) for k in range(values.shape[1])],
        axis=1,
    )
