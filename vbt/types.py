"""The data that flows through vbt, as frozen dataclasses with their shapes in the docstring.

Pixels live only in capture (``Frame``, ``Observation``); from ``Trajectory`` on everything is SI:
metres, seconds, metres per second, degrees. Missing values are NaN, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import numpy as np
import numpy.typing as npt

from vbt.lifts import Lift as Lift  # re-exported: the catalogue owns the lifts

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Joints of the side facing the camera, in the order of ``Trajectory.joints_xy_m``'s second axis.
JOINT_NAMES: tuple[str, ...] = ("shoulder", "hip", "knee", "ankle", "toe")


class RepStatus(StrEnum):
    """What a rep is: made (``ok``), a real attempt that did not reach lockout (``failed``), or a
    movement whose numbers cannot be trusted (``suspect``: kept and shown with its reasons, never
    counted in the set's figures, profiles or 1RM)."""

    OK = "ok"
    FAILED = "failed"
    SUSPECT = "suspect"


def _check_shape(name: str, array: FloatArray, expected: tuple[int | None, ...]) -> None:
    actual = array.shape
    if len(actual) != len(expected) or any(
        e is not None and a != e for a, e in zip(actual, expected, strict=True)
    ):
        shown = "(" + ", ".join("N" if e is None else str(e) for e in expected) + ")"
        raise ValueError(f"{name} must have shape {shown}, got {actual}")


@dataclass(frozen=True, eq=False)
class Frame:
    """One decoded image and the time it was taken.

    Attributes:
        image: (H, W, 3) uint8, BGR as OpenCV gives it.
        t_s: seconds from the start of the source, from the source's own clock (container
            timestamps for files, arrival time for live sources).
        index: position of the frame in the source, counting from 0.
    """

    image: npt.NDArray[np.uint8]
    t_s: float
    index: int

    @cached_property
    def grey(self) -> npt.NDArray[np.uint8]:
        """(H, W) uint8: the image in grey (``cv2.COLOR_BGR2GRAY``; the image itself when it is grey
        already), converted once and kept: the repeated-frame filter and the camera's motion both
        start from it (a 720p frame's conversion is 0.2-0.3 ms of CPU, each time it is done).
        The image must not be drawn on after this is read (draw on a copy, as every caller does)."""
        if self.image.ndim == 2:
            return self.image
        import cv2  # here, not at import: the types are imported everywhere

        return np.asarray(cv2.cvtColor(self.image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)


@dataclass(frozen=True, eq=False)
class Observation:
    """What capture saw in one frame, in pixels; NaN where something was not seen.

    Attributes:
        t_s: the frame's time in seconds (from the source).
        bar_xy_px: (2,) bar position (the sleeve end or the plate's centre), image coordinates
            (x right, y down).
        bar_confidence: 0..1, NaN when no tracker ran.
        joints_xy_px: (J, 2) joint positions in ``JOINT_NAMES`` order.
        joints_visibility: (J,) 0..1 per joint, NaN when no pose estimator ran.
    """

    t_s: float
    bar_xy_px: FloatArray
    bar_confidence: float
    joints_xy_px: FloatArray
    joints_visibility: FloatArray

    def __post_init__(self) -> None:
        _check_shape("bar_xy_px", self.bar_xy_px, (2,))
        _check_shape("joints_xy_px", self.joints_xy_px, (len(JOINT_NAMES), 2))
        _check_shape("joints_visibility", self.joints_visibility, (len(JOINT_NAMES),))


@dataclass(frozen=True, eq=False)
class Trajectory:
    """A bar path and joint paths in metres over time.

    Attributes:
        t_s: (N,) seconds, strictly increasing, not necessarily evenly spaced.
        bar_xy_m: (N, 2) bar position, metres, x forward (towards the lifter's toes when known),
            y up. NaN where missing.
        joints_xy_m: (N, J, 2) joint positions, metres, same axes, J = len(joint_names). NaN where
            missing, and all NaN when no joints were recorded.
        joint_names: names of the joints on the second axis of ``joints_xy_m``.
        joints_visibility: (N, J) 0..1, how well the pose saw each joint (the least of its
            visibility and presence); NaN where unknown (a track CSV), which counts as seen.
        breaks_t_s: (K,) times, seconds, at which the positions stop being comparable with those
            before (a camera cut: a new view, its own origin): the sample at a break's time starts
            a new stretch, and no interpolation, filter or derivative joins it to the one before.
            Empty (the usual case) when the whole recording is one view.
    """

    t_s: FloatArray
    bar_xy_m: FloatArray
    joints_xy_m: FloatArray = field(default_factory=lambda: np.empty((0, 0, 2)))
    joint_names: tuple[str, ...] = ()
    joints_visibility: FloatArray = field(default_factory=lambda: np.empty((0, 0)))
    breaks_t_s: FloatArray = field(default_factory=lambda: np.empty(0))

    def __post_init__(self) -> None:
        n = self.t_s.shape[0] if self.t_s.ndim == 1 else -1
        _check_shape("t_s", self.t_s, (None,))
        _check_shape("bar_xy_m", self.bar_xy_m, (n, 2))
        if self.joints_xy_m.size == 0 and not self.joint_names:
            object.__setattr__(self, "joints_xy_m", np.full((n, 0, 2), np.nan))
        _check_shape("joints_xy_m", self.joints_xy_m, (n, len(self.joint_names), 2))
        if self.joints_visibility.size == 0:
            object.__setattr__(self, "joints_visibility", np.full((n, len(self.joint_names)), np.nan))
        _check_shape("joints_visibility", self.joints_visibility, (n, len(self.joint_names)))
        _check_shape("breaks_t_s", self.breaks_t_s, (None,))
        if n > 1 and not np.all(np.diff(self.t_s) > 0):
            raise ValueError("t_s must be strictly increasing")

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    def joint(self, name: str) -> FloatArray:
        """(N, 2) positions of one joint, all NaN when the joint was not recorded."""
        if name not in self.joint_names:
            return np.full((len(self), 2), np.nan)
        return self.joints_xy_m[:, self.joint_names.index(name), :]

    @property
    def has_joints(self) -> bool:
        return bool(np.isfinite(self.joints_xy_m).any())


@dataclass(frozen=True)
class Rep:
    """One rep as segmented from a trajectory.

    For squat, bench and deadlift ``start_s``..``end_s`` is the concentric phase (lowest point to where
    the bar stops rising). For power clean, clean and snatch it is the pull (lift-off to peak bar
    height), and ``catch_s`` is the lowest point of the catch that follows (NaN for a failed lift).
    ``partial_start`` / ``partial_end``: the rep's start / end is the recording's edge (the clip starts
    or ends while the bar moves), so its figures cover only what was recorded.
    ``settled_s``: from this time on, later samples cannot change what the segmenter says of the rep
    (its look past the end for the stop at lockout, the hold after a catch, the return to the floor);
    inf when only the recording's end settles it. Live mode asks this before a rep is final.
    """

    index: int
    start_s: float
    end_s: float
    status: RepStatus
    catch_s: float = float("nan")
    partial_start: bool = False
    partial_end: bool = False
    settled_s: float = float("inf")


@dataclass(frozen=True)
class TripleExtension:
    """Hip, knee and ankle extension during one pull.

    Angles are interior joint angles in degrees (hip: shoulder-hip-knee, knee: hip-knee-ankle,
    ankle: knee-ankle-toe); larger is more extended. Times are seconds on the trajectory's clock;
    offsets are relative to the bar's peak vertical velocity (positive: after it).

    A joint the pose could not see well around its peak has NaN time, angle and offset, and a
    sentence in ``unseen`` saying why (``{"hip": "..."}``); ``order`` and ``spread_s`` cover the
    joints that were seen, and ``complete`` is None (not known) unless all three were.
    ``complete_basis`` says what ``complete`` was measured against.
    """

    hip_peak_s: float
    knee_peak_s: float
    ankle_peak_s: float
    hip_peak_deg: float
    knee_peak_deg: float
    ankle_peak_deg: float
    order: tuple[str, ...]
    spread_s: float
    hip_offset_from_peak_velocity_s: float
    knee_offset_from_peak_velocity_s: float
    ankle_offset_from_peak_velocity_s: float
    complete: bool | None
    double_knee_bend: bool
    knee_rebend_deg: float
    second_pull_start_s: float
    second_pull_duration_s: float
    unseen: dict[str, str] = field(default_factory=dict)
    complete_basis: str = ""


@dataclass(frozen=True)
class RepMetrics:
    """Everything measured on one rep. NaN where a value does not apply or could not be measured.

    ``peak_velocity_sd_m_s``: one standard deviation of the peak velocity from the track's noise
    (`vbt.kinematics.noise`).
    """

    index: int
    start_s: float
    end_s: float
    status: RepStatus
    mean_velocity_m_s: float
    mean_propulsive_velocity_m_s: float
    peak_velocity_m_s: float
    time_to_peak_velocity_s: float
    range_of_motion_m: float
    duration_s: float
    propulsive_duration_s: float
    horizontal_excursion_m: float
    mean_power_w: float
    peak_power_w: float
    peak_height_m: float
    catch_height_m: float
    triple_extension: TripleExtension | None = None
    partial_start: bool = False
    partial_end: bool = False
    suspect_reasons: tuple[str, ...] = ()
    peak_velocity_sd_m_s: float = float("nan")


@dataclass(frozen=True)
class SetSummary:
    """Per-set figures over the successful reps (failed reps are counted, not averaged; suspect reps
    are counted apart and left out of every figure)."""

    rep_count: int
    failed_rep_count: int
    best_rep_index: int | None
    first_mean_velocity_m_s: float
    best_mean_velocity_m_s: float
    last_mean_velocity_m_s: float
    average_mean_velocity_m_s: float
    best_peak_velocity_m_s: float
    velocity_loss_pct: float
    velocity_loss_from_first_pct: float
    peak_velocity_loss_pct: float
    suspect_rep_count: int = 0
