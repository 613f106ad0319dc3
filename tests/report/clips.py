"""Small videos rendered on the fly for the report tests, with the pixel track they were drawn from.

A clip's frame ``k`` is taken at ``k / fps`` seconds (a constant-rate MP4), and the track holds exactly
the positions drawn in that frame, so every drawn pixel has a known answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vbt.analysis import SetAnalysis, analyze_trajectory
from vbt.calibration import Calibration, pixels_to_metres
from vbt.synth import SynthSet
from vbt.types import JOINT_NAMES, FloatArray, Lift, Trajectory

BACKGROUND_BGR = (70, 70, 70)
DISC_BGR = (190, 190, 190)


@dataclass(frozen=True, eq=False)
class Track:
    """A pixel track shaped like the capture pipeline's ``PixelTrack``."""

    t_s: FloatArray
    bar_xy_px: FloatArray
    joints_xy_px: FloatArray


def render(path: Path, track: Track, *, size_px: tuple[int, int], fps: float, disc_px: int = 10) -> Path:
    """Write an mp4v clip: a grey disc at each bar position, thin grey limbs between the joints."""
    width, height = size_px
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height))
    assert writer.isOpened(), f"cannot write {path}"
    for k in range(track.t_s.size):
        image = np.full((height, width, 3), BACKGROUND_BGR, np.uint8)
        joints = track.joints_xy_px[k]
        for a in range(joints.shape[0] - 1):
            if np.isfinite(joints[a]).all() and np.isfinite(joints[a + 1]).all():
                p, q = np.round(joints[a]).astype(int), np.round(joints[a + 1]).astype(int)
                cv2.line(image, (int(p[0]), int(p[1])), (int(q[0]), int(q[1])), (120, 120, 120), 2)
        x, y = track.bar_xy_px[k]
        if np.isfinite(x) and np.isfinite(y):
            cv2.circle(image, (round(x), round(y)), disc_px, DISC_BGR, -1)
        writer.write(image)
    writer.release()
    return path


def analyse(track: Track, calibration: Calibration, *, lift: Lift) -> SetAnalysis:
    """The analysis of a pixel track, as the capture pipeline would make it."""
    n = track.t_s.size
    joints_m = pixels_to_metres(track.joints_xy_px.reshape(-1, 2), calibration).reshape(n, -1, 2)
    trajectory = Trajectory(
        t_s=track.t_s,
        bar_xy_m=pixels_to_metres(track.bar_xy_px, calibration),
        joints_xy_m=joints_m,
        joint_names=JOINT_NAMES if joints_m.shape[1] else (),
    )
    return analyze_trajectory(trajectory, lift=lift)


def synth_track(synth: SynthSet, calibration: Calibration, *, fps: float, with_joints: bool = True) -> Track:
    """The synthetic set's exact positions at the frames of a ``fps`` clip, in pixels."""
    end_s = float(synth.trajectory.t_s[-1])
    t_s = np.arange(int(end_s * fps) + 1) / fps
    metres = np.column_stack([synth.bar_x_m(t_s), synth.bar_y_m(t_s)])
    bar_px = metres_to_pixels(metres, calibration)
    if with_joints:
        joints_m = synth.joints_xy_m(t_s)
        joints_px = metres_to_pixels(joints_m.reshape(-1, 2), calibration).reshape(joints_m.shape)
    else:
        joints_px = np.full((t_s.size, 0, 2), np.nan)
    return Track(t_s=t_s, bar_xy_px=bar_px, joints_xy_px=joints_px)


def metres_to_pixels(xy_m: FloatArray, calibration: Calibration) -> FloatArray:
    """The inverse of ``pixels_to_metres`` for a lifter facing right without lens profile."""
    out: FloatArray = calibration.origin_xy_px + np.column_stack([xy_m[:, 0], -xy_m[:, 1]]) / (
        calibration.metres_per_px
    )
    return out
