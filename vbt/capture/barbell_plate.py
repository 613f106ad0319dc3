"""Markerless bar tracking: find the plate (a circle, off-axis an ellipse) and follow it.

``PlateTracker`` is a state machine with two states:

- searching: plate-like circles anywhere in the frame (``barbell_search.search_plates``) are
  scored by how much of their rim is there, their size (the bar's plates are the largest discs
  in a side view), closeness to the lifter's hands (when pose gives them), agreement with the
  last track, and motion. The best one above a threshold starts a track. After three searches
  in a row found nothing the next one waits ``search_interval_s``.
- tracking: a constant-velocity Kalman filter predicts where the plate is; the rim is fitted in a
  small window around the prediction, reduced so the plate's radius is about
  ``track_radius_px`` pixels (the cost does not grow with the video's resolution), first the centre
  alone at the plate's known radius, then freely from there (``fit_near``'s ``radius_known``: a far
  plate just beside the near one must not pull the fit into a circle through both). When the rim
  is not found the frame is reported missing (NaN) and the filter coasts; after ``max_coast_s``
  without a measurement the tracker searches again. Every ``recheck_interval_s`` a whole-frame
  search checks that no clearly better plate exists (a track can start on a plate lying in a
  rack before the bar moves), and switches to it if so. When the lifter's hands are given and
  are far from the tracked plate, a search every ``hands_check_interval_s`` looks for a plate of
  the same size at the hands (the track started on a round shape elsewhere while the lifter
  stood away from the bar; a hand-held camera panning makes that shape "move" too), and
  switches to it; only until a tracked plate has moved by more than its radius (the bar found,
  the wrists are then the ones to doubt).

Reported positions are always measurements in this frame; the prediction only says where to look.
"""

from __future__ import annotations

import math

import numpy as np

from vbt.capture.barbell_motion import ConstantVelocityKalman
from vbt.capture.barbell_rim import RimFit
from vbt.capture.barbell_search import Candidate, Found, Image, fit_near, search_plates
from vbt.capture.barbell_types import BarDetection, BarMethod, hands_midpoint
from vbt.errors import InputError, VideoError
from vbt.types import FloatArray, Frame


class PlateTracker:
    """Follow the bar's near plate without any marker (see the module docstring).

    Parameters:
        acquire_max_dim_px: larger side of the reduced image searched for plates, pixels.
        track_radius_px: the plate's radius in the reduced window used while tracking, pixels.
        min_radius_frac, max_radius_frac: plate radii searched for, as fractions of the frame's
            larger side.
        acquire_min_inliers: share of the rim (0..1) that must be found to start a track.
        track_min_inliers: share of the rim that must be found to keep measuring a track.
        max_coast_s: how long a track survives without a measurement before a new search.
        accel_radii_s2: typical unmodelled acceleration of the plate, in plate radii per s²
            (100 radii/s² is about 2.3 g for a 0.45 m plate: a catch, a bounce).
        min_edge: weakest rim edge, gray levels per pixel.
        search_interval_s: wait after three whole-frame searches in a row found nothing.
        recheck_interval_s: time between whole-frame searches while tracking; ``inf`` for never.
        hands_check_interval_s: time between whole-frame searches while the hands are more than
            two plate radii from the tracked plate; ``inf`` for never.
    """

    method = BarMethod.PLATE

    def __init__(
        self,
        *,
        acquire_max_dim_px: int = 480,
        track_radius_px: float = 28.0,
        min_radius_frac: float = 0.025,
        max_radius_frac: float = 0.2,
        acquire_min_inliers: float = 0.5,
        track_min_inliers: float = 0.35,
        max_coast_s: float = 0.5,
        accel_radii_s2: float = 100.0,
        min_edge: float = 3.0,
        search_interval_s: float = 0.1,
        recheck_interval_s: float = 1.0,
        hands_check_interval_s: float = 0.25,
    ) -> None:
        self.acquire_max_dim_px = acquire_max_dim_px
        self.track_radius_px = track_radius_px
        self.min_radius_frac = min_radius_frac
        self.max_radius_frac = max_radius_frac
        self.acquire_min_inliers = acquire_min_inliers
        self.track_min_inliers = track_min_inliers
        self.max_coast_s = max_coast_s
        self.accel_radii_s2 = accel_radii_s2
        self.min_edge = min_edge
        self.search_interval_s = search_interval_s
        self.recheck_interval_s = recheck_interval_s
        self.hands_check_interval_s = hands_check_interval_s
        self.reset()

    def reset(self) -> None:
        """Forget every plate and track, as before the first frame."""
        self._kalman: ConstantVelocityKalman | None = None
        self._radius_px = math.nan
        self._last_t_s = -math.inf
        self._last_seen_t_s = -math.inf
        self._last_seen_xy = np.full(2, np.nan)
        self._track_start_t_s = math.nan
        self._track_start_xy = np.full(2, np.nan)
        self._track_extent_px = 0.0
        self._previous_gray: Image | None = None
        self._next_search_t_s = -math.inf
        self._failed_searches = 0
        self._next_recheck_t_s = -math.inf
        self._next_hands_check_t_s = -math.inf
        self._bar_found = False

    @property
    def tracking(self) -> bool:
        """True while a track is held (it may be coasting through a few missed frames)."""
        return self._kalman is not None

    @property
    def radius_px(self) -> float:
        """The plate's radius as currently believed (smoothed over confident frames), NaN if none."""
        return self._radius_px

    def update(self, frame: Frame, *, hands_xy_px: FloatArray | None = None) -> BarDetection:
        """Find the plate in ``frame``; see ``BarTracker.update``."""
        if frame.t_s <= self._last_t_s:
            raise InputError(
                f"frame {frame.index} at {frame.t_s:.4f} s is not later than the previous frame "
                f"({self._last_t_s:.4f} s); feed frames in time order, or call reset() first"
            )
        image = frame.image
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise VideoError(
                f"frame {frame.index} is not a BGR uint8 image (shape {image.shape}, {image.dtype})"
            )
        t_s = frame.t_s
        self._last_t_s = t_s
        hands = hands_midpoint(hands_xy_px)
        found: Found | None = None
        if self._kalman is not None:
            found = self._follow(image, t_s)
            if found is None and t_s - self._last_seen_t_s > self.max_coast_s:
                self._kalman = None
            elif t_s >= self._next_recheck_t_s or self._hands_check_due(hands, t_s):
                self._next_recheck_t_s = t_s + self.recheck_interval_s
                better = self._recheck(image, t_s, hands)
                if better is not None:
                    self._kalman, found = None, better
        if self._kalman is None and found is None and t_s >= self._next_search_t_s:
            found = self._acquire(image, t_s, hands)
            self._failed_searches = 0 if found is not None else self._failed_searches + 1
            if self._failed_searches >= 3:  # Hough is fickle: a few tries before slowing down
                self._next_search_t_s = t_s + self.search_interval_s
        if found is None:
            return BarDetection.missing(t_s, self.method)
        self._accept(found, t_s)
        fit = found.fit
        return BarDetection(
            t_s=t_s,
            xy_px=found.centre_px,
            confidence=_confidence(fit),
            method=self.method,
            radius_px=found.radius_px,
            ellipse_axes_px=fit.axes / found.scale,
            ellipse_angle_deg=fit.angle_deg,
        )

    # --- states -------------------------------------------------------------------------------

    def _follow(self, image: Image, t_s: float) -> Found | None:
        assert self._kalman is not None
        predicted = self._kalman.predict(t_s)
        radius = self._radius_px
        sigma = self._kalman.position_sigma_px
        found = self._fit_near(image, predicted, radius, max(0.08 * radius, 3.0 * sigma), radius_known=True)
        if (
            found is None
            or found.fit.inlier_fraction < max(0.45, self.track_min_inliers)
            or abs(found.radius_px / radius - 1.0) > 0.05
        ):
            # Not clearly there (or a disc of another size, part of the rim and something else
            # after a sudden stop the prediction overshot): look wider, with Hough circles of
            # the plate's size as starts.
            wide = min(1.5 * radius, max(0.5 * radius, 5.0 * sigma))
            other = self._fit_near(image, predicted, radius, wide, hough=True, radius_known=True)
            if other is not None and (found is None or other.score > found.score):
                found = other
        if found is None or found.fit.inlier_fraction < self.track_min_inliers:
            return None
        return found

    def _search(self, image: Image) -> list[Candidate]:
        candidates, self._previous_gray = search_plates(
            image,
            max_dim_px=self.acquire_max_dim_px,
            min_radius_frac=self.min_radius_frac,
            max_radius_frac=self.max_radius_frac,
            min_inliers=self.acquire_min_inliers,
            min_edge=self.min_edge,
            previous_gray=self._previous_gray,
        )
        return candidates

    def _acquire(self, image: Image, t_s: float, hands_xy: FloatArray) -> Found | None:
        candidates = self._search(image)
        if not candidates:
            return None
        largest = max(c.radius_px for c in candidates)
        best = max(candidates, key=lambda c: self._score(c, largest, hands_xy, t_s))
        return self._confirm(image, best)

    def _hands_away(self, hands_xy: FloatArray) -> bool:
        """True when the hands are known and more than two plate radii from the tracked plate.

        Only until a tracked plate has moved by more than its radius from where its track
        started: a plate that made a lift-sized move was the bar, and from then on the wrists
        are the ones to doubt (pose can lose them overhead, or in a dropped bar's bounce).
        """
        if (
            self._bar_found
            or not np.all(np.isfinite(hands_xy))
            or not np.all(np.isfinite(self._last_seen_xy))
        ):
            return False
        return bool(np.hypot(*(hands_xy - self._last_seen_xy)) > 2.0 * self._radius_px)

    def _hands_check_due(self, hands_xy: FloatArray, t_s: float) -> bool:
        if t_s < self._next_hands_check_t_s or not self._hands_away(hands_xy):
            return False
        self._next_hands_check_t_s = t_s + self.hands_check_interval_s
        return True

    def _recheck(self, image: Image, t_s: float, hands_xy: FloatArray) -> Found | None:
        """A plate to switch to; None to stay.

        Either a moving plate when the tracked one has not moved for two seconds, or a plate at
        the hands when they are far from the tracked one: in both cases another plate of about
        the tracked one's size, clearly apart from it.
        """
        static = t_s - self._track_start_t_s >= 2.0 and self._track_extent_px <= 0.25 * self._radius_px
        hands_away = self._hands_away(hands_xy)
        if not static and not hands_away:
            return None
        candidates = self._search(image)
        others = [
            c
            for c in candidates
            if abs(c.radius_px / self._radius_px - 1.0) < 0.35  # another plate of the same size
            and np.hypot(*(c.centre_px - self._last_seen_xy)) > 0.5 * self._radius_px
        ]
        better = [
            c
            for c in others
            if (static and c.motion >= 5.0)
            or (hands_away and np.hypot(*(c.centre_px - hands_xy)) < 1.5 * c.radius_px)
        ]
        if not better:
            return None
        largest = max(c.radius_px for c in candidates)
        best = max(better, key=lambda c: self._score(c, largest, hands_xy, None))
        return self._confirm(image, best)

    # --- helpers ------------------------------------------------------------------------------

    def _score(self, c: Candidate, largest_px: float, hands_xy: FloatArray, t_s: float | None) -> float:
        """How likely a candidate is the bar's near plate (larger is better, about 0..1.5).

        ``t_s`` given: the candidate is also compared with the last track (radius, place).
        """
        score = c.inlier_fraction * math.sqrt(c.radius_px / largest_px)
        score *= 1.0 + 0.5 * min(1.0, c.motion / 10.0)
        if np.all(np.isfinite(hands_xy)):
            d = float(np.hypot(*(c.centre_px - hands_xy)))
            score *= 0.25 + 0.75 * math.exp(-0.5 * (d / (1.5 * c.radius_px)) ** 2)
        if t_s is not None and np.isfinite(self._radius_px):
            # The plate keeps its size unless the lifter walks towards the camera: a disc of a
            # clearly different size is something else (a plate in a rack, a knee, a wheel).
            ratio = c.radius_px / self._radius_px - 1.0
            score *= 0.2 + 0.8 * math.exp(-0.5 * (ratio / 0.15) ** 2) if abs(ratio) < 0.35 else 0.02
            if np.all(np.isfinite(self._last_seen_xy)):
                reach = self._radius_px * (1.0 + 4.0 * (t_s - self._last_seen_t_s))
                d = float(np.hypot(*(c.centre_px - self._last_seen_xy)))
                score *= 0.5 + 0.5 * math.exp(-0.5 * (d / reach) ** 2)
        return score

    def _confirm(self, image: Image, c: Candidate) -> Found | None:
        """Refit a search candidate at tracking resolution; None if the rim does not hold up."""
        found = self._fit_near(image, c.centre_px, c.radius_px, 0.1 * c.radius_px)
        if found is None or found.fit.inlier_fraction < self.acquire_min_inliers:
            return None
        return found

    def _fit_near(
        self,
        image: Image,
        centre_px: FloatArray,
        radius_px: float,
        uncertainty_px: float,
        *,
        hough: bool = False,
        radius_known: bool = False,
    ) -> Found | None:
        return fit_near(
            image,
            centre_px,
            radius_px,
            uncertainty_px,
            work_radius_px=self.track_radius_px,
            min_edge=self.min_edge,
            hough=hough,
            radius_known=radius_known,
        )

    def _accept(self, found: Found, t_s: float) -> None:
        if self._kalman is None:
            radius = found.radius_px
            self._kalman = ConstantVelocityKalman(
                found.centre_px,
                t_s,
                accel_px_s2=self.accel_radii_s2 * radius,
                measurement_px=0.02 * radius,
                velocity_px_s=5.0 * radius,
            )
            self._radius_px = radius
            self._track_start_t_s = t_s
            self._track_start_xy = found.centre_px
            self._track_extent_px = 0.0
            self._next_recheck_t_s = t_s + self.recheck_interval_s
        else:
            self._kalman.correct(found.centre_px)
            weight = 0.2 * found.fit.inlier_fraction
            self._radius_px += weight * (found.radius_px - self._radius_px)
            moved = float(np.hypot(*(found.centre_px - self._track_start_xy)))
            self._track_extent_px = max(self._track_extent_px, moved)
            self._bar_found = self._bar_found or moved > self._radius_px
        self._last_seen_t_s = t_s
        self._last_seen_xy = found.centre_px


def _confidence(fit: RimFit) -> float:
    """0..1 from the share of the rim found and how well it fits a circle (or ellipse)."""
    rim = min(1.0, max(0.0, (fit.inlier_fraction - 0.2) / 0.6))
    sharp = math.exp(-0.5 * (fit.residual_rms / max(0.5, 0.03 * fit.radius)) ** 2)
    return float(min(1.0, max(0.01, rim * (0.5 + 0.5 * sharp))))
