"""The per-frame track of a video in pixels, and how it becomes a ``Trajectory`` in metres.

``TrackBuilder`` collects what the frame loop saw, frame after frame, in growing arrays (a few dozen
numbers per frame, never an image: a 10-minute video at 60 fps is a few megabytes). ``PixelTrack`` is
the result. ``calibrate_track`` picks the scale (plate diameter, ArUco marker, known length) and the
lifter's facing; ``to_trajectory`` converts the track with ``vbt.calibration.pixels_to_metres``.

Both first put every position in its scene's pixels (``in_scene``): each frame's pixels go through
that frame's transform to the scene's reference frame (``vbt.capture.camera``), so that a moving
camera gives the path a still one would. A cut (a new scene) becomes a break of the trajectory:
positions on either side are never joined.

The bar position is the plate's centre for the plate tracker, and the plate-based scale is measured
in the plate's plane: both belong to the plate, so they agree. (The sleeve end sticks out towards the
camera and looks larger in pixels; mixing it with the plate's scale would overstate velocity.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from vbt.calibration import (
    Calibration,
    CameraProfile,
    Facing,
    from_known_length,
    from_marker,
    from_plate,
    pixels_to_metres,
    undistort_points,
)
from vbt.capture.bar import BarDetection, BarMethod
from vbt.capture.camera.scene import cut_index, filled_transforms, scene_scale, to_scene_xy
from vbt.capture.camera.types import CameraEstimate, CameraStatus, identity_transform
from vbt.capture.pose import BODY_POINTS, PoseResult
from vbt.errors import CalibrationError, InputError
from vbt.types import JOINT_NAMES, BoolArray, FloatArray, Trajectory

IntArray = npt.NDArray[np.int64]

#: Plate detections at least this confident give the plate-based scale.
MIN_SCALE_CONFIDENCE = 0.6

_J = len(JOINT_NAMES)
_B = len(BODY_POINTS)
_UNSET: FloatArray = np.empty(0)
_TOE = JOINT_NAMES.index("toe")


@dataclass(frozen=True, eq=False)
class PixelTrack:
    """What the frame loop saw, frame by frame, in the frames' pixels (x right, y down); NaN unseen.

    Attributes:
        t_s: (N,) frame times, seconds, from the source; strictly increasing.
        frame_index: (N,) each frame's position in the source.
        bar_xy_px: (N, 2) bar position (plate centre, marker centre or wrists' midpoint).
        bar_confidence: (N,) 0..1, 0 where the bar was not seen.
        bar_size_px: (N,) plate radius (the outline's major semi-axis when fitted) or the marker's
            side; NaN where unknown.
        bar_axis_ratio: (N,) minor/major of the plate's outline (1 side-on); NaN where unknown.
        joints_xy_px: (N, J, 2) joints in ``JOINT_NAMES`` order, side facing the camera.
        joints_visibility: (N, J) 0..1; NaN where no pose estimator ran.
        heel_xy_px: (N, 2) heel of the same side.
        wrists_xy_px: (N, 2, 2) left and right wrists.
        camera_to_scene_px: (N, 2, 3) each frame's affine transform (a similarity) from its pixels
            to the pixels of its scene's reference frame, ``scene = A[:, :2] @ xy + A[:, 2]``
            (``vbt.capture.camera.CameraEstimate.to_scene_px``); identity where the camera was
            taken as still, NaN where its motion could not be measured.
        camera_status: (N,) int8 ``CameraStatus`` of each frame: ASSUMED (no estimator ran),
            REFERENCE (a scene's first frame; after the first, a cut), ESTIMATED, UNKNOWN.
        pose_ran: whether a pose estimator ran (else the joint arrays are all NaN).
        joints_presence: (N, J) 0..1, how likely each joint is inside the image at all; NaN
            where unknown.
        body_xy_px: (N, B, 2) both sides' body points in ``vbt.capture.pose.BODY_POINTS`` order
            (the body's scale, the camera's view); NaN where not seen.
        body_visibility: (N, B) 0..1; NaN where no pose estimator ran.
        frame_size_px: (width, height) of the frames, when known.
    """

    t_s: FloatArray
    frame_index: IntArray
    bar_xy_px: FloatArray
    bar_confidence: FloatArray
    bar_size_px: FloatArray
    bar_axis_ratio: FloatArray
    joints_xy_px: FloatArray
    joints_visibility: FloatArray
    heel_xy_px: FloatArray
    wrists_xy_px: FloatArray
    camera_to_scene_px: FloatArray
    camera_status: npt.NDArray[np.int8]
    pose_ran: bool = True
    joints_presence: FloatArray = field(default_factory=lambda: _UNSET)
    body_xy_px: FloatArray = field(default_factory=lambda: _UNSET)
    body_visibility: FloatArray = field(default_factory=lambda: _UNSET)
    frame_size_px: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        n = self.t_s.shape[0]
        defaults = {
            "joints_presence": (n, _J),
            "body_xy_px": (n, _B, 2),
            "body_visibility": (n, _B),
        }
        for name, shape in defaults.items():
            if getattr(self, name) is _UNSET:  # not given (a track from before pose kept them): unseen
                object.__setattr__(self, name, np.full(shape, np.nan))
        shapes = {
            "t_s": (n,),
            "frame_index": (n,),
            "bar_xy_px": (n, 2),
            "bar_confidence": (n,),
            "bar_size_px": (n,),
            "bar_axis_ratio": (n,),
            "joints_xy_px": (n, _J, 2),
            "joints_visibility": (n, _J),
            "heel_xy_px": (n, 2),
            "wrists_xy_px": (n, 2, 2),
            **defaults,
            "camera_to_scene_px": (n, 2, 3),
            "camera_status": (n,),
        }
        for name, shape in shapes.items():
            actual = getattr(self, name).shape
            if actual != shape:
                raise ValueError(f"{name} must have shape {shape} (N = {n}), got {actual}")

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    @property
    def bar_seen(self) -> npt.NDArray[np.bool_]:
        """(N,) True where the bar was seen."""
        return np.asarray(np.isfinite(self.bar_xy_px).all(axis=1))

    @property
    def person_seen(self) -> npt.NDArray[np.bool_]:
        """(N,) True where pose found a person (any joint seen)."""
        return np.asarray(np.isfinite(self.joints_xy_px).any(axis=(1, 2)))

    @property
    def camera_cut_t_s(self) -> FloatArray:
        """Times of the frames that start a new scene (cuts), seconds."""
        return np.asarray(self.t_s[cut_index(self.camera_status)], dtype=np.float64)

    @property
    def bar_detected_fraction(self) -> float:
        return float(self.bar_seen.mean()) if len(self) else math.nan

    @property
    def pose_detected_fraction(self) -> float:
        """Share of frames with a person; NaN when no pose estimator ran."""
        if not self.pose_ran or not len(self):
            return math.nan
        return float(self.person_seen.mean())


class _Column:
    """A growing float array (doubling capacity), so a long video costs amortised O(1) per frame."""

    def __init__(self, shape: tuple[int, ...], dtype: type = np.float64) -> None:
        self._data: npt.NDArray[np.generic] = np.empty((256, *shape), dtype=dtype)
        self._n = 0

    def append(self, value: npt.ArrayLike) -> None:
        if self._n == self._data.shape[0]:
            grown = np.empty((2 * self._n, *self._data.shape[1:]), dtype=self._data.dtype)
            grown[: self._n] = self._data
            self._data = grown
        self._data[self._n] = value
        self._n += 1

    def array(self) -> npt.NDArray[np.generic]:
        return self._data[: self._n].copy()

    def __getitem__(self, row: int) -> npt.NDArray[np.generic]:
        return np.asarray(self._data[: self._n][row])

    def __setitem__(self, row: int, value: npt.ArrayLike) -> None:
        self._data[: self._n][row] = value


def _bar_size_px(bar: BarDetection) -> float:
    """The size calibration uses: an ArUco marker's side, else the plate's long axis (or radius)."""
    size = bar.marker_side_px if bar.method is BarMethod.ARUCO else bar.ellipse_axes_px[0]
    return float(size if np.isfinite(size) else bar.radius_px)


class TrackBuilder:
    """Collects one row per frame; ``build()`` gives the ``PixelTrack`` so far (callable any time)."""

    def __init__(self, *, pose_ran: bool, frame_size_px: tuple[int, int] | None = None) -> None:
        self.pose_ran = pose_ran
        self.frame_size_px = frame_size_px
        self._t = _Column(())
        self._index = _Column((), np.int64)
        self._bar = _Column((2,))
        self._confidence = _Column(())
        self._size = _Column(())
        self._ratio = _Column(())
        self._joints = _Column((_J, 2))
        self._visibility = _Column((_J,))
        self._heel = _Column((2,))
        self._wrists = _Column((2, 2))
        self._presence = _Column((_J,))
        self._body = _Column((_B, 2))
        self._body_visibility = _Column((_B,))
        self._to_scene = _Column((2, 3))
        self._camera_status = _Column((), np.int8)

    def __len__(self) -> int:
        return self._t._n

    def append(
        self,
        frame_index: int,
        bar: BarDetection,
        pose: PoseResult | None,
        camera: CameraEstimate | None = None,
    ) -> None:
        """One frame's row; ``camera`` None: the camera taken as still (``CameraStatus.ASSUMED``)."""
        self._t.append(bar.t_s)
        self._index.append(frame_index)
        self._bar.append(bar.xy_px)
        self._confidence.append(bar.confidence)
        self._size.append(_bar_size_px(bar))
        self._ratio.append(bar.axis_ratio)
        if pose is None:
            for column in (self._joints, self._visibility, self._heel, self._wrists, self._presence):
                column.append(np.nan)
            self._body.append(np.nan)
            self._body_visibility.append(np.nan)
        else:
            self._joints.append(pose.joints_xy_px)
            self._visibility.append(pose.joints_visibility)
            self._heel.append(pose.heel_xy_px)
            self._wrists.append(pose.wrists_xy_px)
            self._presence.append(pose.joints_presence)
            self._body.append(pose.body_xy_px)
            self._body_visibility.append(pose.body_visibility)
        if camera is None:
            self._to_scene.append(identity_transform())
            self._camera_status.append(CameraStatus.ASSUMED)
        else:
            self._to_scene.append(camera.to_scene_px)
            self._camera_status.append(camera.status)

    def revise(self, bar: BarDetection, *, look_back: int = 64) -> bool:
        """Replace the bar of the row with ``bar``'s time (a tracker that measured an earlier frame
        again: ``RevisingBarTracker``), among the last ``look_back`` rows; False when none has it."""
        for row in range(len(self) - 1, max(len(self) - 1 - look_back, -1), -1):
            if float(self._t[row]) == bar.t_s:
                self._bar[row] = bar.xy_px
                self._confidence[row] = bar.confidence
                self._size[row] = _bar_size_px(bar)
                self._ratio[row] = bar.axis_ratio
                return True
        return False

    def build(self) -> PixelTrack:
        def f(column: _Column) -> FloatArray:
            return np.asarray(column.array(), dtype=np.float64)

        return PixelTrack(
            t_s=f(self._t),
            frame_index=np.asarray(self._index.array(), dtype=np.int64),
            bar_xy_px=f(self._bar),
            bar_confidence=f(self._confidence),
            bar_size_px=f(self._size),
            bar_axis_ratio=f(self._ratio),
            joints_xy_px=f(self._joints),
            joints_visibility=f(self._visibility),
            heel_xy_px=f(self._heel),
            wrists_xy_px=f(self._wrists),
            camera_to_scene_px=f(self._to_scene),
            camera_status=np.asarray(self._camera_status.array(), dtype=np.int8),
            pose_ran=self.pose_ran,
            joints_presence=f(self._presence),
            body_xy_px=f(self._body),
            body_visibility=f(self._body_visibility),
            frame_size_px=self.frame_size_px,
        )


def body_y_px(
    track: PixelTrack, names: list[str], *, min_visibility: float, hidden: BoolArray | None = None
) -> FloatArray:
    """(N,) the mean image y of the named body points (``BODY_POINTS``) where pose saw them: their
    visibility at least ``min_visibility`` and, with ``hidden`` ((N, K), one column per name), not
    hidden; NaN in frames where none was seen."""
    rows = [BODY_POINTS.index(n) for n in names]
    y = track.body_xy_px[:, rows, 1]
    seen = np.isfinite(y) & (np.nan_to_num(track.body_visibility[:, rows]) >= min_visibility)
    if hidden is not None:
        seen &= ~hidden
    total = np.where(seen, y, 0.0).sum(axis=1)
    return np.where(seen.any(axis=1), total / np.maximum(seen.sum(axis=1), 1), np.nan)


def in_scene(track: PixelTrack) -> PixelTrack:
    """The track with every position in its scene's pixels (bar, joints, heel, wrists, both sides'
    body points, and the bar's size scaled alike); its transforms become identity, its statuses stay (cuts included).

    Frames whose motion could not be measured use transforms interpolated from the frames around
    them in the same scene (``vbt.capture.camera.scene.filled_transforms``). A track whose camera
    was taken as still comes back with the same numbers. A lens profile's undistortion is applied
    afterwards, to scene pixels: exact for a still camera, for a moving one an approximation (the
    lens's distortion at the reference frame's pixels, which differs by the motion's share of it).
    """
    if np.all(track.camera_status == CameraStatus.ASSUMED):
        return track
    a = filled_transforms(track.t_s, track.camera_to_scene_px, track.camera_status)
    n = len(track)
    return PixelTrack(
        **{
            **track.__dict__,
            "bar_xy_px": to_scene_xy(a, track.bar_xy_px),
            "bar_size_px": track.bar_size_px * scene_scale(a),
            "joints_xy_px": to_scene_xy(a, track.joints_xy_px),
            "heel_xy_px": to_scene_xy(a, track.heel_xy_px),
            "wrists_xy_px": to_scene_xy(a, track.wrists_xy_px),
            "body_xy_px": to_scene_xy(a, track.body_xy_px),
            "camera_to_scene_px": np.broadcast_to(identity_transform(), (n, 2, 3)).copy(),
        }
    )


def facing_from_feet(track: PixelTrack) -> Facing | None:
    """Which way the lifter faces: toes ahead of the heel (median over frames seeing both).

    Returns None when pose never saw a toe together with the heel (or the ankle).
    """
    toe = track.joints_xy_px[:, _TOE, 0]
    back = np.where(np.isfinite(track.heel_xy_px[:, 0]), track.heel_xy_px[:, 0], track.joints_xy_px[:, 3, 0])
    ahead = toe - back
    ahead = ahead[np.isfinite(ahead)]
    if ahead.size == 0:
        return None
    return Facing.RIGHT if float(np.median(ahead)) >= 0 else Facing.LEFT


def _undistorted_sizes(track: PixelTrack, good: npt.NDArray[np.bool_], camera: CameraProfile) -> FloatArray:
    """Sizes measured around the bar, re-measured in undistorted pixels (horizontal extent)."""
    centre = track.bar_xy_px[good]
    size = track.bar_size_px[good]
    side = centre + np.column_stack([size, np.zeros_like(size)])
    a, b = undistort_points(centre, camera), undistort_points(side, camera)
    return np.asarray(np.hypot(*(b - a).T), dtype=np.float64)


def calibrate_track(
    track: PixelTrack,
    *,
    bar_method: BarMethod,
    plate: str | float = "bumper",
    marker_side_m: float | None = None,
    known_length: tuple[float, float] | None = None,
    camera: CameraProfile | None = None,
    size_px: tuple[int, int] | None = None,
) -> Calibration:
    """The calibration of a tracked video: scale, facing (from pose's feet), origin, lens.

    Parameters:
        track: the per-frame track.
        bar_method: how the bar was tracked; decides the default scale (plate: the plate's diameter;
            aruco: the marker's printed side).
        plate: plate name or outer diameter in metres (plate method).
        marker_side_m: the ArUco marker's printed side, metres (aruco method).
        known_length: ``(pixels, metres)`` of a length in the bar's plane; overrides the others.
        camera: lens profile; points are undistorted before scaling.
        size_px: the video's (width, height), checked against the profile's.

    The origin is the bar's first seen position (y = 0 there). Positions and sizes are taken in
    their scene's pixels (``in_scene``).

    Raises:
        CalibrationError: no scale can be had (no confident plate, no marker side, nothing known).
    """
    if camera is not None and size_px is not None and tuple(camera.image_size_px) != tuple(size_px):
        cw, ch = camera.image_size_px
        raise CalibrationError(
            f"the camera profile {camera.name or ''} was measured on {cw}x{ch} images but the video "
            f"is {size_px[0]}x{size_px[1]}; calibrate the camera at the resolution you film at"
        )
    track = in_scene(track)
    facing = facing_from_feet(track) or Facing.RIGHT
    seen = track.bar_seen
    calibration: Calibration
    if known_length is not None:
        calibration = from_known_length(*known_length, facing=facing, camera=camera)
    elif bar_method in (BarMethod.PLATE, BarMethod.EDGE_ON):
        good = seen & (track.bar_confidence >= MIN_SCALE_CONFIDENCE) & np.isfinite(track.bar_size_px)
        if not good.any():
            raise CalibrationError(
                f"no plate was seen with confidence >= {MIN_SCALE_CONFIDENCE} in {len(track)} frames, "
                "so there is no scale; film the plate side-on and whole, or give --known-length PX:M"
            )
        sizes = track.bar_size_px[good] if camera is None else _undistorted_sizes(track, good, camera)
        calibration = from_plate(
            sizes, plate=plate, axis_ratio=track.bar_axis_ratio[good], facing=facing, camera=camera
        )
    elif bar_method is BarMethod.ARUCO:
        if marker_side_m is None:
            raise CalibrationError(
                "the ArUco marker's printed size is needed for the scale: give --marker-m (the black "
                "square's side in metres) or --known-length PX:M"
            )
        good = seen & np.isfinite(track.bar_size_px)
        sizes = track.bar_size_px[good]
        if camera is not None and good.any():
            sizes = _undistorted_sizes(track, good, camera)
        calibration = from_marker(sizes, marker_side_m=marker_side_m, facing=facing, camera=camera)
    else:
        raise CalibrationError(
            f"the {bar_method.value} bar method gives no scale by itself: give --known-length PX:M "
            "(a length in the bar's plane, in pixels and metres, e.g. a plate's diameter 190:0.45)"
        )
    first = np.flatnonzero(seen)
    if first.size:
        origin = track.bar_xy_px[first[0]]
        if camera is not None:
            origin = undistort_points(origin.reshape(1, 2), camera)[0]
        calibration = calibration.with_origin(origin)
    return calibration


def to_trajectory(track: PixelTrack, calibration: Calibration) -> Trajectory:
    """The track in metres (x forward, y up), in its scene (``in_scene``); joints included when a
    pose estimator ran. The cuts (``PixelTrack.camera_cut_t_s``) become ``Trajectory.breaks_t_s``."""
    track = in_scene(track)
    bar = pixels_to_metres(track.bar_xy_px, calibration)
    breaks = track.camera_cut_t_s
    if not track.pose_ran:
        return Trajectory(t_s=track.t_s.copy(), bar_xy_m=bar, breaks_t_s=breaks)
    n = len(track)
    joints = pixels_to_metres(track.joints_xy_px.reshape(n * _J, 2), calibration).reshape(n, _J, 2)
    seen = np.fmin(track.joints_visibility, track.joints_presence)  # NaN presence: visibility alone
    return Trajectory(
        t_s=track.t_s.copy(),
        bar_xy_m=bar,
        joints_xy_m=joints,
        joint_names=JOINT_NAMES,
        joints_visibility=seen,
        breaks_t_s=breaks,
    )


def write_track(path: Path, track: PixelTrack, trajectory: Trajectory | None) -> None:
    """The track CSV of a video: metres when calibrated (else empty cells) plus the pixel columns
    ``bar_x_px``, ``bar_y_px`` and ``bar_confidence``, so that it can be re-analysed or corrected.

    Raises:
        InputError: the file cannot be written.
    """
    from vbt.trackio import write_track_csv

    if trajectory is None:
        trajectory = Trajectory(t_s=track.t_s, bar_xy_m=np.full((len(track), 2), np.nan))
    extra = {
        "bar_x_px": track.bar_xy_px[:, 0],
        "bar_y_px": track.bar_xy_px[:, 1],
        "bar_confidence": track.bar_confidence,
    }
    try:
        write_track_csv(path, trajectory, extra_columns=extra)
    except OSError as exc:
        raise InputError(
            f"cannot write {path}: {exc.strerror}; check the folder exists and is writable"
        ) from None
