"""The camera's motion measured from the background: corners followed from a key frame by optical
flow, a similarity transform by RANSAC.

Per frame (on a small grey copy of the image, ``CameraMotionSettings.work_long_side_px``):

1. The key frame's corners (detected once, outside the lifter and the plate of that frame) are
   followed into this frame by pyramidal Lucas-Kanade flow, starting from where the last transform
   puts them (``cv2.calcOpticalFlowPyrLK`` with ``OPTFLOW_USE_INITIAL_FLOW``).
2. Corners that land on the lifter or the plate of this frame are dropped; a similarity transform
   (rotation, uniform scale, translation: ``cv2.estimateAffinePartial2D``, RANSAC, then refined on
   the inliers) is fitted to the rest. A turning camera (pan, tilt, the wrist's wobble of a hand-held
   phone) moves near and far things alike, which a similarity describes; a camera that shifts sideways
   moves near things more than far (parallax), which ``inlier_px`` tolerates up to a point.
3. Key frame to this frame, composed with the key frame's own transform to the scene, gives this
   frame's transform to the scene (``CameraEstimate.to_scene_px``); unless it differs from the last
   frame's by less than the fit can tell apart (``still_significance``), when the last frame's is
   kept: a camera that does not move stays exactly where it was, not wandering by the flow's noise
   (a few hundredths of a pixel, enough to move a bar's lift-off by several milliseconds). Measuring every frame against
   the key frame, not against the frame before, keeps a still camera's estimate from drifting (the
   errors of successive frames do not add up). When fewer than ``renew_fraction`` of the corners
   still agree, this frame becomes the key frame and new corners are detected (only then).

When the key frame fails, the last measured frame is tried (a fast move the key frame's guess did
not follow). When that fails too: if too few of its corners were in view (the lifter in front of
the camera) or this frame has too few corners of its own (blank, dark, blurred), the frame is
``UNKNOWN`` and the next one tries again from the same key frame; if this frame has corners of its
own and they do not agree with the key frame's, the view has changed beyond following (a cut, a
jump): this frame starts a new scene (``REFERENCE``), unrelated to the one before.

Cost: the colour conversion and the shrink of the frame, flow for ``max_features`` corners and one
RANSAC fit per frame; corner detection at key frames only (see ``benchmarks/speed.py --camera``).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.bar import BarDetection
from vbt.capture.camera.region import Mask, apply, background_mask, in_background
from vbt.capture.camera.settings import CameraMotionSettings
from vbt.capture.camera.types import CameraEstimate, CameraStatus, identity_transform
from vbt.capture.pose import PoseResult
from vbt.types import FloatArray, Frame

Gray = npt.NDArray[np.uint8]
Points = npt.NDArray[np.float32]  # (K, 1, 2) work pixels, as OpenCV's flow wants them


@dataclass(frozen=True, eq=False)
class _View:
    """A frame the next frames are measured from: its grey image, its corners (work pixels) and its
    transform to the scene (3 x 3, video pixels)."""

    gray: Gray
    points: Points
    to_scene: FloatArray


@dataclass(frozen=True, eq=False)
class _Fit:
    """A transform from one view to the frame (3 x 3, work pixels), the corners that agree with it
    (in the view and in the frame) and the RMS distance, work pixels, at which they agree."""

    view_to_frame: FloatArray
    view_points: Points
    inliers: Points
    inlier_count: int
    residual_px: float


class BackgroundMotion:
    """Measures each frame's transform to its scene from the background (see the module docstring).

    Parameters:
        settings: see ``CameraMotionSettings``.
    """

    def __init__(self, settings: CameraMotionSettings | None = None) -> None:
        self.settings = settings or CameraMotionSettings()
        self._key: _View | None = None
        self._last: _View | None = None  # the last measured frame, with its agreeing corners
        self._key_to_last = np.eye(3)  # work pixels: the guess for the next frame's flow
        self._shape: tuple[int, int] | None = None
        self._to_work = np.eye(3)  # video pixels to work pixels
        self._plan: list[_Shrink] = []

    def reset(self) -> None:
        self._key = self._last = None
        self._key_to_last = np.eye(3)
        self._shape = None

    def update(self, frame: Frame, *, pose: PoseResult | None, bar: BarDetection) -> CameraEstimate:
        gray = self._work_image(frame.grey)  # converted once per frame (``Frame.grey``)
        s = self.settings
        mask = background_mask(
            gray.shape[:2],
            self._to_work,
            pose=pose,
            bar=bar,
            lifter_margin_trunks=s.lifter_margin_trunks,
            plate_margin_radii=s.plate_margin_radii,
        )
        if self._key is None:
            corners = self._corners(gray, mask)
            return (
                CameraEstimate.unknown(frame.t_s)
                if corners is None
                else self._begin(frame.t_s, gray, corners)
            )
        fit = self._register(self._key, gray, mask, self._key_to_last)
        from_key = isinstance(fit, _Fit)
        if not isinstance(fit, _Fit) and self._last is not None and self._last is not self._key:
            fit = self._register(self._last, gray, mask, np.eye(3))
        if isinstance(fit, _Fit):
            view = self._key if from_key else self._last
            assert view is not None
            return self._measured(frame.t_s, gray, mask, view, fit, from_key=from_key)
        if fit == "hidden":  # too little background in view: nothing to say, the key frame stays
            return CameraEstimate.unknown(frame.t_s)
        corners = self._corners(gray, mask)
        if corners is None:  # a blank, dark or blurred frame: no evidence of a new view either
            return CameraEstimate.unknown(frame.t_s)
        return self._begin(frame.t_s, gray, corners)  # a view with corners that do not agree: a cut

    # -- steps -----------------------------------------------------------------------------------

    def _work_image(self, image: npt.NDArray[np.uint8]) -> Gray:
        """The frame in grey, shrunk to ``work_long_side_px``: halved by ``cv2.pyrDown`` while at
        least twice too large (cheap and smooth), then resized by area. ``self._to_work`` maps video
        pixels to its pixels (each step's own pixel-centre convention)."""
        h, w = image.shape[:2]
        if self._shape != (h, w):
            self.reset()
            self._shape = (h, w)
            self._plan = _shrink_plan((w, h), self.settings.work_long_side_px)
            self._to_work = np.eye(3)
            for step in self._plan:
                self._to_work = step.matrix @ self._to_work
        gray = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image)
        for step in self._plan:
            if step.kind == "halve":
                gray = cv2.pyrDown(gray, dstsize=step.size_px)
            else:
                gray = cv2.resize(gray, step.size_px, interpolation=cv2.INTER_AREA)
        return np.asarray(gray, dtype=np.uint8)

    def _corners(self, gray: Gray, mask: Mask) -> Points | None:
        s = self.settings
        found = cv2.goodFeaturesToTrack(
            gray,
            maxCorners=s.max_features,
            qualityLevel=s.feature_quality,
            minDistance=s.feature_spacing_px,
            mask=mask,
        )
        if found is None or found.shape[0] < s.min_inliers:
            return None
        return np.asarray(found, dtype=np.float32).reshape(-1, 1, 2)

    def _begin(self, t_s: float, gray: Gray, points: Points) -> CameraEstimate:
        """This frame, with its corners, becomes a new scene's reference."""
        self._key = self._last = _View(gray=gray, points=points, to_scene=np.eye(3))
        self._key_to_last = np.eye(3)
        return CameraEstimate(
            t_s=t_s, to_scene_px=identity_transform(), status=CameraStatus.REFERENCE, inliers=points.shape[0]
        )

    def _register(self, view: _View, gray: Gray, mask: Mask, guess: FloatArray) -> _Fit | str:
        """The transform from ``view`` to ``gray``; "hidden" when too few of the view's corners are
        in view here (off the image, on the lifter or the plate), "lost" when too few agree."""
        s = self.settings
        predicted = cv2.transform(view.points, guess[:2]).astype(np.float32)
        in_view = in_background(mask, predicted.reshape(-1, 2))
        if int(in_view.sum()) < s.min_inliers:
            return "hidden"
        found, status, _ = cv2.calcOpticalFlowPyrLK(
            view.gray,
            gray,
            view.points,
            predicted.copy(),
            winSize=(s.flow_window_px, s.flow_window_px),
            maxLevel=s.flow_levels,
            flags=cv2.OPTFLOW_USE_INITIAL_FLOW,
        )
        found = np.asarray(found, dtype=np.float32)
        usable = (status.reshape(-1) == 1) & in_background(mask, found.reshape(-1, 2))
        if int(usable.sum()) < s.min_inliers:
            return "lost"
        matrix, agree = cv2.estimateAffinePartial2D(
            view.points[usable],
            found[usable],
            method=cv2.RANSAC,
            ransacReprojThreshold=s.inlier_px,
        )
        if matrix is None or agree is None:
            return "lost"
        inlier = agree.reshape(-1).astype(bool)
        count = int(inlier.sum())
        if count < s.min_inliers or count < s.min_inlier_fraction * float(in_view.sum()):
            return "lost"
        view_to_frame = np.vstack([matrix, [0.0, 0.0, 1.0]])
        seen, agreeing = view.points[usable][inlier], found[usable][inlier]
        residual = agreeing.reshape(-1, 2) - apply(view_to_frame, seen.reshape(-1, 2))
        return _Fit(
            view_to_frame=view_to_frame,
            view_points=seen,
            inliers=agreeing,
            inlier_count=count,
            residual_px=float(np.sqrt(np.mean(np.sum(residual**2, axis=1)))),
        )

    def _moved(self, fit: _Fit) -> bool:
        """Whether the key frame's transform to this frame differs from its transform to the last
        frame by more than ``still_significance`` standard errors of the fit: the RMS change over
        the agreeing corners against their residual's RMS times sqrt(4 / n) (4 unknowns, n corners)."""
        points = fit.view_points.reshape(-1, 2)
        change = apply(fit.view_to_frame, points) - apply(self._key_to_last, points)
        change_px = float(np.sqrt(np.mean(np.sum(change**2, axis=1))))
        error_px = fit.residual_px * float(np.sqrt(4.0 / fit.inlier_count))
        return change_px > self.settings.still_significance * error_px

    def _measured(
        self, t_s: float, gray: Gray, mask: Mask, view: _View, fit: _Fit, *, from_key: bool
    ) -> CameraEstimate:
        """The frame's transform to the scene from a fit (the last frame's when the camera has not
        measurably moved since); the key frame renewed when it wears thin."""
        work = self._to_work
        view_to_frame = fit.view_to_frame if not from_key or self._moved(fit) else self._key_to_last
        video_to_view = np.linalg.inv(work) @ np.linalg.inv(view_to_frame) @ work  # frame -> view
        to_scene = view.to_scene @ video_to_view
        to_scene /= to_scene[2, 2]
        key = self._key
        assert key is not None
        if from_key:
            self._key_to_last = view_to_frame
        if not from_key or fit.inlier_count < self.settings.renew_fraction * key.points.shape[0]:
            renewed = self._corners(gray, mask)
            if renewed is not None:
                self._key = _View(gray=gray, points=renewed, to_scene=to_scene)
                self._key_to_last = np.eye(3)
            elif not from_key:  # the old key frame failed and no new one: measure from this frame
                self._key = _View(gray=gray, points=fit.inliers, to_scene=to_scene)
                self._key_to_last = np.eye(3)
        self._last = _View(gray=gray, points=fit.inliers, to_scene=to_scene)
        return CameraEstimate(
            t_s=t_s,
            to_scene_px=np.asarray(to_scene[:2], dtype=np.float64),
            status=CameraStatus.ESTIMATED,
            inliers=fit.inlier_count,
        )


@dataclass(frozen=True)
class _Shrink:
    """One step from a frame to the work image: ``halve`` (``cv2.pyrDown``, which puts pixel ``x``
    at ``x / 2``) or ``area`` (``cv2.resize`` by area, which keeps pixel centres:
    ``(x + 0.5) * s - 0.5``), the size after it, and its 3 x 3 map of pixel positions."""

    kind: str
    size_px: tuple[int, int]
    matrix: FloatArray


def _shrink_plan(size: tuple[int, int], long_side_px: int) -> list[_Shrink]:
    """The steps from a (width, height) frame to the work image: halve while the long side is at
    least twice ``long_side_px`` (cheap and smooth), then resize by area to it."""
    width, height = size
    steps: list[_Shrink] = []
    while max(width, height) >= 2 * long_side_px:
        width, height = (width + 1) // 2, (height + 1) // 2
        steps.append(_Shrink("halve", (width, height), np.diag([0.5, 0.5, 1.0])))
    if max(width, height) > long_side_px:
        factor = long_side_px / max(width, height)
        after = (max(1, round(width * factor)), max(1, round(height * factor)))
        sx, sy = after[0] / width, after[1] / height
        matrix = np.array([[sx, 0.0, 0.5 * sx - 0.5], [0.0, sy, 0.5 * sy - 0.5], [0.0, 0.0, 1.0]])
        steps.append(_Shrink("area", after, matrix))
    return steps
