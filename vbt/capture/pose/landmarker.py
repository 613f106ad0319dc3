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
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.pose.lifter import LifterChooser, LifterSettings
from vbt.capture.pose.people import same_person, seed_image
from vbt.capture.pose.result import BODY_INDEX, LANDMARKS, SIDE_CUES, PoseResult, no_person
from vbt.capture.pose.side import SideChooser
from vbt.closing import Closing
from vbt.errors import InputError, ModelError
from vbt.types import JOINT_NAMES, FloatArray, Frame


@dataclass(frozen=True)
class _Prepared:
    """A frame's image in MediaPipe's type, and its size in pixels."""

    image: Any
    width: int
    height: int


#: The grey level of the images that steer the tracker (mid-grey: no edges, nothing like a person).
_GREY = 127


def _close_landmarkers(landmarkers: list[Any]) -> None:
    for landmarker in landmarkers:
        landmarker.close()


def _run(call: Any, frame: Frame, *args: Any) -> Any:
    """``call(*args)`` with MediaPipe's errors as ``ModelError``."""
    try:
        return call(*args)
    except (ValueError, RuntimeError, TimeoutError) as exc:
        raise ModelError(
            f"pose estimation failed on frame {frame.index} (t = {frame.t_s:.3f} s): {exc}"
        ) from exc


def _table(landmarks: Any, width: int, height: int) -> FloatArray:
    """(N, 5) x_px, y_px, z, visibility, presence of MediaPipe's landmarks; None (not given) is NaN."""
    table = np.array(
        [(mark.x, mark.y, mark.z, mark.visibility, mark.presence) for mark in landmarks],
        dtype=np.float64,
    ).reshape(-1, 5)
    table[:, 0] *= width
    table[:, 1] *= height
    return table


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


class MediaPipePose(Closing):
    """MediaPipe PoseLandmarker in video mode, following the lifter and reporting the side facing
    the camera.

    MediaPipe tracks one person from frame to frame (its person detector runs only when it has
    nobody). Now and then (``LifterSettings``) a second landmarker in image mode looks for several
    people in the same frame and ``LifterChooser`` decides whether the tracked person is the lifter
    (see ``vbt.capture.pose.lifter``). To move the tracking to the person chosen, the tracker is
    given two more images, with timestamps just after the frame's: a grey one, in which it loses
    its person, then the frame with everything but the chosen person greyed out, in which its
    detector can find no one else; from the next frame on it tracks that person in the real images.
    The frame of a switch reports the chosen person as the check measured it; a frame whose tracked
    person is not taken for the lifter (a bystander MediaPipe found after losing the lifter) reports
    no one.

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
        side_chooser: how the side facing the camera is chosen.
        lifter: how the lifter is chosen among several people (``LifterSettings(enabled=False)``
            follows whoever MediaPipe finds first).

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
        lifter: LifterSettings | None = None,
    ) -> None:
        from vbt.capture.models import check_bundle, find_model

        bundle = find_model(variant) if model_path is None else check_bundle(model_path)
        self.model_path: Path = bundle
        self.min_visibility = min_visibility
        self.min_presence = min_presence
        self.side_chooser = side_chooser if side_chooser is not None else SideChooser()
        self.lifter_chooser = LifterChooser(lifter)
        self._last_ms: int | None = None
        self._rgb: npt.NDArray[np.uint8] = np.empty((0, 0, 3), np.uint8)
        self._rgb_lock = threading.Lock()
        self._grey: Any = None
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

        def options(mode: Any, num_poses: int) -> Any:
            return vision.PoseLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(bundle)),
                running_mode=mode,
                num_poses=num_poses,
                min_pose_detection_confidence=min_detection_confidence,
                min_pose_presence_confidence=min_detection_confidence,
                min_tracking_confidence=min_tracking_confidence,
                output_segmentation_masks=False,
            )

        settings = self.lifter_chooser.settings
        landmarkers = []
        try:
            landmarkers.append(
                vision.PoseLandmarker.create_from_options(options(vision.RunningMode.VIDEO, 1))
            )
            if settings.enabled:
                landmarkers.append(
                    vision.PoseLandmarker.create_from_options(
                        options(vision.RunningMode.IMAGE, settings.check_poses)
                    )
                )
        except (ValueError, RuntimeError, OSError) as exc:
            _close_landmarkers(landmarkers)
            raise ModelError(
                f"{bundle}: MediaPipe cannot load this pose model ({exc}). Use an official "
                "pose_landmarker_lite/full/heavy.task bundle."
            ) from exc
        self._landmarker = landmarkers[0]
        self._checker = landmarkers[1] if settings.enabled else None
        self._finalizer = weakref.finalize(self, _close_landmarkers, landmarkers)
        self._finalizer.atexit = False  # at exit, _close_open_estimators has done it
        _open_estimators.add(self)
        _close_before_thread_pools_stop()

    def close(self) -> None:
        """Release MediaPipe's landmarkers. Safe to call more than once."""
        self._finalizer()

    def shed(self, pose_every: int) -> None:
        """Pose runs on one frame in ``pose_every`` (live mode's shedding): the lifter checks come
        that many times less often, unless the tracked pose changes (``LifterChooser.shed``)."""
        self.lifter_chooser.shed(pose_every)

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
            return _Prepared(self._image(rgb, frame), image.shape[1], image.shape[0])

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
        tracked = self._track(prepared, self._timestamp_ms(frame), frame)
        if self._checker is not None:
            tracked = self._follow_lifter(frame, prepared, tracked)
        if tracked is None:
            result = no_person(frame.t_s, self.side_chooser.side)
        else:
            result = self._to_result(tracked, frame.t_s, prepared.width, prepared.height)
        self.last_result = result
        return result

    def _follow_lifter(
        self, frame: Frame, prepared: _Prepared, tracked: FloatArray | None
    ) -> FloatArray | None:
        """The landmark table to report for this frame: the tracked person's (None when not taken
        for the lifter), or at a switch the person the check chose (and the tracker steered to it)."""
        chooser = self.lifter_chooser
        tracked_xy = None if tracked is None else tracked[:, :2]
        if self._checker is None or not chooser.check_due(frame.t_s, tracked_xy):
            return tracked if chooser.tracked_is_lifter else None
        found = _run(self._checker.detect, frame, prepared.image)
        candidates = [_table(p, prepared.width, prepared.height) for p in found.pose_landmarks]
        choice = chooser.choose(frame.t_s, tracked_xy, [c[:, :2] for c in candidates])
        if choice is None:
            return tracked if chooser.tracked_is_lifter else None
        chosen = candidates[choice]
        hide = [c[:, :2] for i, c in enumerate(candidates) if i != choice]
        if tracked_xy is not None:
            hide.append(tracked_xy)
        chooser.steered(frame.t_s, followed=self._steer(frame, prepared, chosen[:, :2], hide))
        self.side_chooser.reset()
        return chosen

    def _steer(self, frame: Frame, prepared: _Prepared, keep_xy: FloatArray, hide: list[FloatArray]) -> bool:
        """Make the tracker follow ``keep_xy``'s person: True when it does.

        A grey image, in which the tracker loses whoever it tracked, then this frame with everyone
        but that person greyed out, in which its detector can find no one else; both with the
        milliseconds after the frame's, so that the tracker's images stay in time order.
        """
        settings = self.lifter_chooser.settings
        rgb = prepared.image.numpy_view()
        if self._grey is None or (self._grey.width, self._grey.height) != (prepared.width, prepared.height):
            self._grey = self._image(np.full_like(rgb, _GREY), frame)
        self._track(_Prepared(self._grey, prepared.width, prepared.height), self._next_ms(), frame)
        seeded = seed_image(rgb, keep_xy, hide, pad_frac=settings.seed_pad_frac, fill=_GREY)
        seeded_image = _Prepared(self._image(seeded, frame), prepared.width, prepared.height)
        followed = self._track(seeded_image, self._next_ms(), frame)
        return followed is not None and same_person(
            followed[:, :2],
            keep_xy,
            tolerance_frac=settings.same_person_frac,
            min_overlap=settings.same_person_overlap,
        )

    def _image(self, rgb: npt.NDArray[Any], frame: Frame) -> Any:
        try:
            return self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"MediaPipe cannot take frame {frame.index}'s image: {exc}") from exc

    def _track(self, prepared: _Prepared, timestamp_ms: int, frame: Frame) -> FloatArray | None:
        """The tracker's landmark table (33, 5) for one image, None when it has nobody."""
        found = _run(self._landmarker.detect_for_video, frame, prepared.image, timestamp_ms)
        if not found.pose_landmarks:
            return None
        return _table(found.pose_landmarks[0], prepared.width, prepared.height)

    def _timestamp_ms(self, frame: Frame) -> int:
        """Milliseconds from the frame's time, nudged so they strictly increase (video mode)."""
        if not math.isfinite(frame.t_s):
            raise InputError(f"frame {frame.index}: time is {frame.t_s}; frames need finite times.")
        return self._stamp(round(frame.t_s * 1000.0))

    def _next_ms(self) -> int:
        """The millisecond after the last one given to the tracker (for the images that steer it)."""
        return self._stamp(0 if self._last_ms is None else self._last_ms + 1)

    def _stamp(self, timestamp_ms: int) -> int:
        if self._last_ms is not None and timestamp_ms <= self._last_ms:
            timestamp_ms = self._last_ms + 1
        self._last_ms = timestamp_ms
        return timestamp_ms

    def _to_result(self, table: FloatArray, t_s: float, width: int, height: int) -> PoseResult:
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
