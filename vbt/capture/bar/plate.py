"""Markerless bar tracking: find the plate (a circle, off-axis an ellipse) and follow it.

``PlateTracker`` is a state machine with two states:

- searching: plate-like circles anywhere in the frame (``search.search_plates``) are
  scored (``choice.plate_score``: a clean outline, size, closeness to the hands, agreement
  with the last track that was the bar's, motion); the best one, grown to the outermost rim about
  its centre (``fit.outermost_near``: a small plate in front of the bar's large one, a
  hub), starts a track. After three searches in a row found nothing the next one waits
  ``search_interval_s``.
- tracking: a constant-velocity Kalman filter predicts where the plate is; the rim is fitted in a
  small window about the prediction (``fit.fit_near``: the centre where the edges agree
  on a circle of the plate's radius, then the rim itself), each ray keeping to the edge it found
  in the frames before (``rim.rim_profile``: seen off-axis, a stack of plates shows a rim
  per plate, a few pixels apart). When the rim is not found near the prediction it is looked for
  near where it was last seen, in a window growing with the time since (a dropped bar stops dead
  while the prediction runs on); else the frame is reported missing (NaN) and the filter coasts;
  after ``max_coast_s`` without a measurement the tracker searches again. Every
  ``recheck_interval_s`` a whole-frame search checks that no clearly better plate exists
  (``choice.plate_to_switch_to``: a track can start on a plate leaning on the wall
  before the bar moves); without hands, a coarse frame difference (``_stirred``) runs that check
  every few frames as soon as the scene moves, so that the lift-off is not missed. When the
  hands are far from the tracked plate, a search every ``hands_check_interval_s`` looks for a
  plate of the same size at the hands; only until a tracked plate has moved by more than its
  radius (the bar found, the wrists are then the ones to doubt).

Reported positions are always measurements in this frame; the prediction only says where to look.
"""

from __future__ import annotations

import math

import numpy as np

from vbt.capture.bar.backfill import Backfill
from vbt.capture.bar.choice import BarTrack, hands_far_from, plate_score, plate_to_switch_to
from vbt.capture.bar.fit import Found, fit_near, outermost_near
from vbt.capture.bar.image import Image
from vbt.capture.bar.motion import ConstantVelocityKalman, SceneWatch
from vbt.capture.bar.rim import rim_profile
from vbt.capture.bar.search import MIN_OUTLINE, Candidate, outline, search_plates
from vbt.capture.bar.types import BarDetection, BarMethod, hands_midpoint
from vbt.errors import InputError, VideoError
from vbt.types import FloatArray, Frame

#: Least ``search.outline`` of a plate found again near where it was lost: clearly a
#: plate (a clutter "circle" beside the hidden plate reaches 0.3-0.35).
_REFIND_OUTLINE = 0.5

#: A track that moved by more than the plate's radius and lasted this long was the bar's.
_TRUSTED_AFTER_S = 1.0


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
        backfill_s: when a track moves to a moving plate, that plate is followed back through
            the frames of this many seconds before (kept as gray images until a tracked plate
            first moves; see ``take_revisions``); 0 for never.
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
        backfill_s: float = 0.3,
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
        self.backfill_s = backfill_s
        self.reset()

    def reset(self) -> None:
        """Forget every plate and track, as before the first frame."""
        self._kalman: ConstantVelocityKalman | None = None
        self._radius_px = math.nan
        self._profile: FloatArray | None = None  # where each ray found the rim (rim_profile)
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
        self._trusted = False
        self._bar_radius_px = math.nan  # the radius of the last track that was the bar's
        self._watch = SceneWatch()
        self._backfill = Backfill(
            span_s=self.backfill_s,
            work_radius_px=self.track_radius_px,
            min_edge=self.min_edge,
            min_inliers=self.track_min_inliers,  # followed, as a track is
            min_outline=MIN_OUTLINE,  # from where it was just found: a plate, not texture
        )

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
        switched = False
        if self._kalman is not None:
            found = self._follow(image, t_s)
            if found is None and t_s - self._last_seen_t_s > self.max_coast_s:
                self._kalman = None
            else:
                better = None
                if t_s >= self._next_recheck_t_s or self._hands_check_due(hands, t_s):
                    self._next_recheck_t_s = t_s + self.recheck_interval_s
                    better = self._recheck(image, t_s, hands, keep_reference=self._watch.moving)
                elif self._stirred(image, hands, t_s):
                    # Motion against the image of the last periodic search (kept), while the bar
                    # starts to move: a few pixels more at every check.
                    better = self._recheck(image, t_s, hands, keep_reference=True, moving_only=True)
                if better is not None:
                    self._kalman, found, switched = None, better, True
        if self._kalman is None and found is None and t_s >= self._next_search_t_s:
            found = self._acquire(image, t_s, hands)
            self._failed_searches = 0 if found is not None else self._failed_searches + 1
            if self._failed_searches >= 3:  # Hough is fickle: a few tries before slowing down
                self._next_search_t_s = t_s + self.search_interval_s
        if found is not None:
            self._accept(found, t_s)
            if switched:
                self._backfill.follow_back(found)
        # Once the bar was found there is no switch to look back from.
        self._backfill.remember(t_s, image, needed=not self._bar_found)
        return BarDetection.missing(t_s, self.method) if found is None else found.detection(t_s)

    def take_revisions(self) -> list[BarDetection]:
        """Earlier frames measured again (see ``backfill_s`` and ``RevisingBarTracker``)."""
        return self._backfill.take()

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
            # Lost: after a drop the prediction runs on below the floor at the falling speed,
            # while the plate stopped (or bounced) near where it was last seen. Look there, in a
            # window growing with the time since (a plate radius per 0.1 s, at most two).
            since_s = t_s - self._last_seen_t_s
            reach = min(2.0 * radius, radius * (0.5 + 10.0 * since_s))
            near = self._fit_near(image, self._last_seen_xy, radius, reach, hough=True, radius_known=True)
            if (
                near is None
                or near.fit.inlier_fraction < self.acquire_min_inliers
                or outline(near.fit.inlier_fraction, near.fit.residual_rms / near.fit.radius)
                < _REFIND_OUTLINE
            ):
                return None
            found = near
        return found

    def _search(
        self, image: Image, *, vote: bool = False, keep_reference: bool = False, moving_only: bool = False
    ) -> list[Candidate]:
        """Plates in the whole frame; motion against the last search's image, which this one
        replaces unless ``keep_reference``."""
        candidates, gray = search_plates(
            image,
            max_dim_px=self.acquire_max_dim_px,
            min_radius_frac=self.min_radius_frac,
            max_radius_frac=self.max_radius_frac,
            min_inliers=self.acquire_min_inliers,
            min_edge=self.min_edge,
            previous_gray=self._previous_gray,
            vote=vote,
            moving_only=moving_only,
        )
        if not keep_reference or self._previous_gray is None:
            self._previous_gray = gray
        return candidates

    def _acquire(self, image: Image, t_s: float, hands_xy: FloatArray) -> Found | None:
        candidates = self._search(image, vote=True)
        if not candidates:
            return None
        largest = max(c.radius_px for c in candidates)
        bar = self._bar_track()
        best = max(candidates, key=lambda c: plate_score(c, largest, hands_xy, bar=bar, t_s=t_s))
        return self._confirm(image, best)

    def _hands_away(self, hands_xy: FloatArray) -> bool:
        """``hands_far_from`` the tracked plate, until a tracked plate moved by more than its radius
        (it was the bar: from then on the wrists are the ones to doubt, lost overhead by pose)."""
        return not self._bar_found and hands_far_from(hands_xy, self._last_seen_xy, self._radius_px)

    def _hands_check_due(self, hands_xy: FloatArray, t_s: float) -> bool:
        if t_s < self._next_hands_check_t_s or not self._hands_away(hands_xy):
            return False
        self._next_hands_check_t_s = t_s + self.hands_check_interval_s
        return True

    def _stirred(self, image: Image, hands_xy: FloatArray, t_s: float) -> bool:
        """True when the scene moved while the tracked plate stayed still, with no hands known.

        A track can start on a plate leaning on the wall while everything is still; the loaded
        plate shows itself when the bar moves, and the lift-off must not be lost waiting for the
        next periodic recheck.
        """
        if (
            self._track_extent_px > 0.25 * self._radius_px
            or np.all(np.isfinite(hands_xy))
            or self._bar_sized()  # the bar at rest between reps, the lifter moving about
        ):
            self._watch.reset()
            return False
        return self._watch.moved(image, t_s)

    def _bar_sized(self) -> bool:
        """True when the tracked plate has the size of the last track that was the bar's."""
        return abs(self._radius_px / self._bar_radius_px - 1.0) < 0.1

    def _recheck(
        self,
        image: Image,
        t_s: float,
        hands_xy: FloatArray,
        *,
        keep_reference: bool = False,
        moving_only: bool = False,
    ) -> Found | None:
        """A plate to switch to; None to stay.

        Either a moving plate when the tracked one has not moved for half a second (clearly
        larger, or more like the bar's plate; see the module docstring), or a plate of the tracked
        one's size at the hands when they are far from the tracked one; clearly apart from it.
        ``keep_reference``: measure motion against the last periodic search's image, and keep it;
        ``moving_only``: only moving plates are looked for (``search_plates``).
        """
        static = (
            t_s - self._track_start_t_s >= 0.5
            and self._track_extent_px <= 0.25 * self._radius_px
            and not self._bar_sized()  # found again after a drop: the bar, at rest
        )
        hands_away = self._hands_away(hands_xy)
        if not static and not hands_away:
            return None
        candidates = self._search(image, keep_reference=keep_reference, moving_only=moving_only)
        best = plate_to_switch_to(
            candidates,
            tracked_xy=self._last_seen_xy,
            radius_px=self._radius_px,
            hands_xy=hands_xy,
            static=static,
            hands_away=hands_away,
        )
        return None if best is None else self._confirm(image, best)

    # --- helpers ------------------------------------------------------------------------------

    def _bar_track(self) -> BarTrack | None:
        """The last track, if it was the bar's (``_trusted``)."""
        if not self._trusted or not np.isfinite(self._radius_px):
            return None
        return BarTrack(self._radius_px, self._last_seen_xy, self._last_seen_t_s)

    def _confirm(self, image: Image, c: Candidate) -> Found | None:
        """Refit a search candidate at tracking resolution; None if the rim does not hold up."""
        found = self._fit_near(image, c.centre_px, c.radius_px, 0.1 * c.radius_px)
        if found is None or found.fit.inlier_fraction < self.acquire_min_inliers:
            return None
        return outermost_near(
            image,
            found,
            work_radius_px=self.track_radius_px,
            min_edge=self.min_edge,
            min_inliers=self.acquire_min_inliers,
        )

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
            profile=self._profile if radius_known else None,
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
            self._profile = np.ones_like(rim_profile(found.fit))
            self._track_start_t_s = t_s
            self._track_start_xy = found.centre_px
            self._track_extent_px = 0.0
            self._trusted = False
            self._next_recheck_t_s = t_s + self.recheck_interval_s
        else:
            self._kalman.correct(found.centre_px)
            weight = 0.2 * found.fit.inlier_fraction
            self._radius_px += weight * (found.radius_px - self._radius_px)
            if self._profile is not None:
                seen = rim_profile(found.fit)
                ok = np.isfinite(seen)
                self._profile[ok] += 0.5 * (seen[ok] - self._profile[ok])
            moved = float(np.hypot(*(found.centre_px - self._track_start_xy)))
            self._track_extent_px = max(self._track_extent_px, moved)
            self._bar_found = self._bar_found or moved > self._radius_px
            self._trusted = self._trusted or (
                moved > self._radius_px and t_s - self._track_start_t_s >= _TRUSTED_AFTER_S
            )
            if self._trusted:
                self._bar_radius_px = self._radius_px
        self._last_seen_t_s = t_s
        self._last_seen_xy = found.centre_px
