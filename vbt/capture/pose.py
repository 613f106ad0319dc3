"""Where the lifter's joints are in each frame: the ``PoseEstimator`` strategy and MediaPipe's.

``MediaPipePose`` runs MediaPipe's PoseLandmarker (Tasks API) in video mode, frame after frame, and
keeps the side of the body that faces the camera (the near side's landmarks are the measured ones in
a side view; the far side's are guesses through the body). The side is chosen by landmark visibility
(with the landmarks' depth as a second cue) and changed only when the other side is clearly better
for a while, so it does not flip from frame to frame.

Coordinates are image pixels (x right, y down) of the image given; NaN where a landmark was not seen
(its visibility or presence below a threshold, or outside the image).
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol, Self, runtime_checkable

import cv2
import numpy as np
import numpy.typing as npt

from vbt.errors import InputError, ModelError
from vbt.types import JOINT_NAMES, FloatArray, Frame

Side = Literal["left", "right"]

#: MediaPipe pose landmark indices (left, right) for the joints vbt uses.
_LANDMARKS: dict[str, tuple[int, int]] = {
    "shoulder": (11, 12),
    "wrist": (15, 16),
    "hip": (23, 24),
    "knee": (25, 26),
    "ankle": (27, 28),
    "heel": (29, 30),
    "toe": (31, 32),  # MediaPipe's "foot index"
}
# Landmarks whose visibility and depth decide which side faces the camera.
_SIDE_CUES = ("shoulder", "hip", "knee", "ankle", "heel", "toe")

#: Points of both sides kept for measures of the whole body (the body's scale, the camera's view):
#: ``PoseResult.body_xy_px`` rows, in this order.
BODY_POINTS: tuple[str, ...] = tuple(
    f"{side}_{name}"
    for name in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "toe")
    for side in ("left", "right")
)
_BODY_LANDMARKS: dict[str, tuple[int, int]] = {**_LANDMARKS, "elbow": (13, 14)}
_BODY_INDEX = [
    _BODY_LANDMARKS[point.split("_", 1)[1]][0 if point.startswith("left") else 1] for point in BODY_POINTS
]


@dataclass(frozen=True, eq=False)
class PoseResult:
    """Everything one pose estimate gives, in pixels of the frame's image; NaN where not seen.

    Attributes:
        t_s: the frame's time in seconds.
        side: the side facing the camera whose joints are reported (``None`` before any person was
            found).
        joints_xy_px: (J, 2) joint positions in ``vbt.types.JOINT_NAMES`` order (shoulder, hip,
            knee, ankle, toe) of ``side``.
        joints_visibility: (J,) 0..1 per joint (0 when no person was found).
        heel_xy_px: (2,) heel of ``side``.
        heel_visibility: 0..1.
        wrists_xy_px: (2, 2) left wrist, right wrist (a last-resort bar position).
        wrists_visibility: (2,) 0..1.
        joints_presence: (J,) 0..1, MediaPipe's likelihood that each joint of ``side`` is inside
            the image at all (NaN when the estimator gives none).
        body_xy_px: (B, 2) both sides' points of ``BODY_POINTS``, however visible (NaN outside
            the image): filter by ``body_visibility`` for measurements.
        body_visibility: (B,) 0..1.
    """

    t_s: float
    side: Side | None
    joints_xy_px: FloatArray
    joints_visibility: FloatArray
    heel_xy_px: FloatArray
    heel_visibility: float
    wrists_xy_px: FloatArray
    wrists_visibility: FloatArray
    joints_presence: FloatArray = field(default_factory=lambda: np.full(len(JOINT_NAMES), np.nan))
    body_xy_px: FloatArray = field(default_factory=lambda: np.full((len(BODY_POINTS), 2), np.nan))
    body_visibility: FloatArray = field(default_factory=lambda: np.zeros(len(BODY_POINTS)))

    @property
    def person_found(self) -> bool:
        return bool(np.isfinite(self.joints_xy_px).any())

    @property
    def wrist_midpoint_xy_px(self) -> FloatArray:
        """(2,) mean of the wrists that were seen; NaN when neither was."""
        seen = np.isfinite(self.wrists_xy_px).all(axis=1)
        if not seen.any():
            return np.full(2, np.nan)
        return np.asarray(self.wrists_xy_px[seen].mean(axis=0), dtype=np.float64)


@runtime_checkable
class PoseEstimator(Protocol):
    """Finds the lifter's joints in one frame. Frames must be given in time order."""

    def estimate(self, frame: Frame) -> tuple[FloatArray, FloatArray]:
        """Joints of the side facing the camera.

        Returns:
            joints_xy_px: (J, 2) pixels in ``JOINT_NAMES`` order, NaN where not seen.
            visibility: (J,) 0..1.
        """
        ...

    def detect(self, frame: Frame) -> PoseResult:
        """The full estimate: joints, heel, wrists and the side chosen."""
        ...


@runtime_checkable
class PreparingPoseEstimator(PoseEstimator, Protocol):
    """A pose estimator whose input preparation can run on another thread than its inference.

    ``prepare(frame)`` does the image work that needs no model (colour conversion, copying into the
    model's image type); ``detect_prepared(frame, prepared)`` runs the model on it. ``detect(frame)``
    is the two in a row. Calls to ``prepare`` may come from a different thread than
    ``detect_prepared``, and ahead of it, in frame order.
    """

    def prepare(self, frame: Frame) -> object:
        """The frame's image made ready for the model (opaque to the caller)."""
        ...

    def detect_prepared(self, frame: Frame, prepared: object) -> PoseResult:
        """``detect`` on an image that ``prepare(frame)`` made ready."""
        ...


def _no_person(t_s: float, side: Side | None) -> PoseResult:
    n = len(JOINT_NAMES)
    return PoseResult(
        t_s=t_s,
        side=side,
        joints_xy_px=np.full((n, 2), np.nan),
        joints_visibility=np.zeros(n),
        heel_xy_px=np.full(2, np.nan),
        heel_visibility=0.0,
        wrists_xy_px=np.full((2, 2), np.nan),
        wrists_visibility=np.zeros(2),
    )


class SideChooser:
    """Chooses the side facing the camera, with hysteresis.

    Each frame's score is the mean visibility of the right-side cue landmarks minus the left's, plus
    ``depth_weight`` times how much nearer the right side is (MediaPipe's z, smaller is nearer). The
    score is smoothed (exponential, ``smoothing`` per frame) and the side changes only when the
    smoothed score favours the other side by more than ``margin``.
    """

    def __init__(self, *, margin: float = 0.1, smoothing: float = 0.3, depth_weight: float = 0.5) -> None:
        self.margin = margin
        self.smoothing = smoothing
        self.depth_weight = depth_weight
        self.side: Side | None = None
        self._score: float | None = None

    def update(self, visibility_lr: FloatArray, z_lr: FloatArray) -> Side:
        """Feed one frame's cue landmarks and get the side to report.

        Parameters:
            visibility_lr: (K, 2) visibility of each cue landmark, columns left and right.
            z_lr: (K, 2) MediaPipe depth of the same landmarks (smaller: nearer the camera).
        """
        score = float(np.mean(visibility_lr[:, 1] - visibility_lr[:, 0]))
        depth = float(np.mean(z_lr[:, 0] - z_lr[:, 1]))
        if math.isfinite(depth):
            score += self.depth_weight * depth
        if self._score is None:
            self._score = score
        else:
            self._score += self.smoothing * (score - self._score)
        if self.side is None:
            self.side = "right" if self._score >= 0 else "left"
        elif self.side == "left" and self._score > self.margin:
            self.side = "right"
        elif self.side == "right" and self._score < -self.margin:
            self.side = "left"
        return self.side


@dataclass(frozen=True)
class _Prepared:
    """A frame's image in MediaPipe's type, and its size in pixels."""

    image: Any
    width: int
    height: int


def _close_landmarker(landmarker: Any) -> None:
    landmarker.close()


_open_estimators: weakref.WeakSet[MediaPipePose] = weakref.WeakSet()
_exit_hook_registered = False


def _close_open_estimators() -> None:
    for estimator in list(_open_estimators):
        estimator.close()


def _close_before_thread_pools_stop() -> None:
    """Close forgotten landmarkers at exit while MediaPipe can still run (once per process).

    MediaPipe calls its native library through a thread pool, which Python stops before ``atexit``
    handlers run; a landmarker still open then fails noisily (a TypeError at exit). Python's
    ``threading._register_atexit`` (how ``concurrent.futures`` stops its pools) runs hooks in reverse
    order of registration, so this one runs before MediaPipe's pool stops. Without that hook (another
    Python), an unclosed landmarker only prints MediaPipe's message at exit.
    """
    global _exit_hook_registered
    if _exit_hook_registered:
        return
    register = getattr(threading, "_register_atexit", None)
    if register is not None:
        with contextlib.suppress(RuntimeError):  # the interpreter is already shutting down
            register(_close_open_estimators)
    _exit_hook_registered = True


class MediaPipePose:
    """MediaPipe PoseLandmarker in video mode, reporting the side of the lifter facing the camera.

    Parameters:
        model_path: a ``pose_landmarker_*.task`` bundle; ``None`` finds (or downloads) the bundle
            named by ``variant`` with ``vbt.capture.models.find_model``.
        variant: ``lite`` (default, fastest), ``full`` or ``heavy``; used when ``model_path`` is None.
        min_visibility: landmarks less visible than this are NaN. MediaPipe's visibility of the
            near knee and ankle in side views is often 0.5-0.7 although the position is good, hence
            a default below MediaPipe's customary 0.5.
        min_presence: landmarks less likely present in the image than this are NaN.
        min_detection_confidence: MediaPipe's person detection threshold.
        min_tracking_confidence: below this, MediaPipe runs the person detector again.

    Use as a context manager, or call ``close()``: MediaPipe's native landmarker must be released
    before the interpreter exits (a landmarker left open is closed at exit all the same).

    Raises:
        ModelError: the bundle is missing, damaged, or MediaPipe cannot load it.
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None = None,
        *,
        variant: str = "lite",
        min_visibility: float = 0.3,
        min_presence: float = 0.5,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        side_chooser: SideChooser | None = None,
    ) -> None:
        from vbt.capture.models import check_bundle, find_model

        bundle = find_model(variant) if model_path is None else check_bundle(model_path)
        self.model_path: Path = bundle
        self.min_visibility = min_visibility
        self.min_presence = min_presence
        self.side_chooser = side_chooser if side_chooser is not None else SideChooser()
        self._last_ms: int | None = None
        self._rgb: npt.NDArray[np.uint8] = np.empty((0, 0, 3), np.uint8)
        self._rgb_lock = threading.Lock()
        self.last_result: PoseResult | None = None
        try:
            import mediapipe as mp
            from mediapipe.tasks.python import BaseOptions, vision
        except ImportError as exc:
            raise ModelError(
                f"MediaPipe is not installed ({exc}): install vbt with the capture extra, "
                "pip install 'vbt[capture]'."
            ) from exc
        self._mp = mp
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(bundle)),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=1,
            min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
            output_segmentation_masks=False,
        )
        try:
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(
                f"{bundle}: MediaPipe cannot load this pose model ({exc}). Use an official "
                "pose_landmarker_lite/full/heavy.task bundle."
            ) from exc
        self._finalizer = weakref.finalize(self, _close_landmarker, self._landmarker)
        self._finalizer.atexit = False  # at exit, _close_open_estimators has done it
        _open_estimators.add(self)
        _close_before_thread_pools_stop()

    def close(self) -> None:
        """Release MediaPipe's landmarker. Safe to call more than once."""
        self._finalizer()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def estimate(self, frame: Frame) -> tuple[FloatArray, FloatArray]:
        """(J, 2) joints in pixels and (J,) visibility of the side facing the camera."""
        result = self.detect(frame)
        return result.joints_xy_px, result.joints_visibility

    def detect(self, frame: Frame) -> PoseResult:
        """Run the landmarker on one frame (frames in time order) and keep the near side.

        Raises:
            InputError: the frame's time is not finite or the image is not (H, W, 3) uint8.
            ModelError: the landmarker is closed or MediaPipe failed on this frame.
        """
        return self.detect_prepared(frame, self.prepare(frame))

    def prepare(self, frame: Frame) -> object:
        """The frame's image as MediaPipe takes it (RGB, in MediaPipe's own copy).

        Needs no model, so it can run on another thread than ``detect_prepared`` (``Observer`` does
        it on the tracker's thread, ahead of the pose thread).

        Raises:
            InputError: the image is not (H, W, 3) uint8.
        """
        image = frame.image
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise InputError(
                f"frame {frame.index}: image must be (H, W, 3) uint8 BGR, got {image.shape} {image.dtype}"
            )
        with self._rgb_lock:  # one conversion buffer, whichever thread prepares
            if self._rgb.shape != image.shape:
                self._rgb = np.empty_like(image)
            # Into the same buffer every frame (mp.Image copies it): a fresh 2.7 MB image per 720p
            # frame costs more in page faults than the conversion itself.
            rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB, dst=self._rgb)
            try:
                return _Prepared(
                    self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb),
                    image.shape[1],
                    image.shape[0],
                )
            except (ValueError, RuntimeError) as exc:
                raise ModelError(f"MediaPipe cannot take frame {frame.index}'s image: {exc}") from exc

    def detect_prepared(self, frame: Frame, prepared: object) -> PoseResult:
        """``detect`` on the image ``prepare(frame)`` gave (frames in time order).

        Raises:
            InputError: the frame's time is not finite, or ``prepared`` is not from ``prepare``.
            ModelError: the landmarker is closed or MediaPipe failed on this frame.
        """
        if not self._finalizer.alive:
            raise ModelError("this pose estimator is closed; create a new MediaPipePose.")
        if not isinstance(prepared, _Prepared):
            raise InputError(f"frame {frame.index}: pass what MediaPipePose.prepare returned for it")
        timestamp_ms = self._timestamp_ms(frame)
        try:
            found = self._landmarker.detect_for_video(prepared.image, timestamp_ms)
        except (ValueError, RuntimeError, TimeoutError) as exc:
            raise ModelError(
                f"pose estimation failed on frame {frame.index} (t = {frame.t_s:.3f} s): {exc}"
            ) from exc
        if not found.pose_landmarks:
            result = _no_person(frame.t_s, self.side_chooser.side)
        else:
            result = self._to_result(found.pose_landmarks[0], frame.t_s, prepared.width, prepared.height)
        self.last_result = result
        return result

    def _timestamp_ms(self, frame: Frame) -> int:
        """Milliseconds from the frame's time, nudged so they strictly increase (video mode)."""
        if not math.isfinite(frame.t_s):
            raise InputError(f"frame {frame.index}: time is {frame.t_s}; frames need finite times.")
        timestamp_ms = round(frame.t_s * 1000.0)
        if self._last_ms is not None and timestamp_ms <= self._last_ms:
            timestamp_ms = self._last_ms + 1
        self._last_ms = timestamp_ms
        return timestamp_ms

    def _to_result(self, landmarks: Any, t_s: float, width: int, height: int) -> PoseResult:
        # x_px, y_px, z, visibility, presence; None (not given) becomes NaN.
        table = np.array(
            [(mark.x, mark.y, mark.z, mark.visibility, mark.presence) for mark in landmarks],
            dtype=np.float64,
        ).reshape(-1, 5)
        table[:, 0] *= width
        table[:, 1] *= height
        cues = np.array([_LANDMARKS[name] for name in _SIDE_CUES])
        side = self.side_chooser.update(np.nan_to_num(table[cues, 3]), table[cues, 2])
        column = 0 if side == "left" else 1
        xy, visibility = self._seen(table, width, height)

        def pick(name: str) -> int:
            return _LANDMARKS[name][column]

        joints = [pick(name) for name in JOINT_NAMES]
        wrists = list(_LANDMARKS["wrist"])
        return PoseResult(
            t_s=t_s,
            side=side,
            joints_xy_px=xy[joints],
            joints_visibility=visibility[joints],
            heel_xy_px=xy[pick("heel")],
            heel_visibility=float(visibility[pick("heel")]),
            wrists_xy_px=xy[wrists],
            wrists_visibility=visibility[wrists],
            joints_presence=np.clip(table[joints, 4], 0.0, 1.0),
            body_xy_px=self._placed(table, width, height)[_BODY_INDEX],
            body_visibility=visibility[_BODY_INDEX],
        )

    @staticmethod
    def _placed(table: FloatArray, width: int, height: int) -> FloatArray:
        """(N, 2) pixel positions of every landmark inside the image, however visible (the far
        side's points, guessed through the body, still say where the body is turned)."""
        x, y = table[:, 0], table[:, 1]
        inside = (x >= 0) & (x <= width) & (y >= 0) & (y <= height)
        return np.where(inside[:, None], table[:, :2], np.nan)

    def _seen(self, table: FloatArray, width: int, height: int) -> tuple[FloatArray, FloatArray]:
        """(N, 2) pixel positions with NaN where not seen, and (N,) visibility in 0..1."""
        visibility = np.clip(np.nan_to_num(table[:, 3], nan=1.0), 0.0, 1.0)
        presence = np.nan_to_num(table[:, 4], nan=1.0)
        x, y = table[:, 0], table[:, 1]
        inside = (x >= 0) & (x <= width) & (y >= 0) & (y <= height)
        seen = (visibility >= self.min_visibility) & (presence >= self.min_presence) & inside
        xy = np.where(seen[:, None], table[:, :2], np.nan)
        return xy, visibility
