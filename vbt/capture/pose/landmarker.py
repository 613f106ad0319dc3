"""``MediaPipePose``: MediaPipe's PoseLandmarker (Tasks API) in video mode, frame after frame.

It keeps the side of the body that faces the camera (the near side's landmarks are the measured ones
in a side view; the far side's are guesses through the body), chosen by ``SideChooser``.

Coordinates are image pixels (x right, y down) of the image given; NaN where a landmark was not seen
(its visibility or presence below a threshold, or outside the image).
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.pose.result import BODY_INDEX, LANDMARKS, SIDE_CUES, PoseResult, no_person
from vbt.capture.pose.side import SideChooser
from vbt.errors import InputError, ModelError
from vbt.types import JOINT_NAMES, FloatArray, Frame


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
            result = no_person(frame.t_s, self.side_chooser.side)
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
        cues = np.array([LANDMARKS[name] for name in SIDE_CUES])
        side = self.side_chooser.update(np.nan_to_num(table[cues, 3]), table[cues, 2])
        column = 0 if side == "left" else 1
        xy, visibility = self._seen(table, width, height)

        def pick(name: str) -> int:
            return LANDMARKS[name][column]

        joints = [pick(name) for name in JOINT_NAMES]
        wrists = list(LANDMARKS["wrist"])
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
            body_xy_px=self._placed(table, width, height)[BODY_INDEX],
            body_visibility=visibility[BODY_INDEX],
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
