"""Markerless bar tracking: find the plate (a circle, off-axis an ellipse) and follow it.

``PlateTracker`` is a state machine with two states:

- searching: plate-like circles anywhere in the frame (``search.search_plates``) are
  scored (``choice.plate_score``: a clean outline, size, closeness to the hands, agreement
  with the last track that was the bar's, motion); the best one, grown to the outermost rim about
  its centre (``fit.outermost_near``: a small plate in front of the bar's large one, a
  hub), starts a track. After ``SearchSettings.tries_before_waiting`` searches in a row found
  nothing the next one waits ``retry_interval_s``.
- tracking: a constant-velocity Kalman filter predicts where the plate is; the rim is fitted in a
  small window about the prediction (``fit.fit_near``: the centre where the edges agree
  on a circle of the plate's radius, then the rim itself), each ray keeping to the edge it found
  in the frames before (``rim.rim_profile``: seen off-axis, a stack of plates shows a rim
  per plate, a few pixels apart). When the rim is not found near the prediction it is looked for
  near where it was last seen, in a window growing with the time since (a dropped bar stops dead
  while the prediction runs on); else the frame is reported missing (NaN) and the filter coasts;
  after ``TrackingSettings.max_coast_s`` without a measurement the tracker searches again. Every
  ``SwitchSettings.recheck_interval_s`` a whole-frame search checks that no clearly better plate exists
  (``choice.plate_to_switch_to``: a track can start on a plate leaning on the wall
  before the bar moves; never for a circle whose disc holds rim of the tracked plate seen in that
  frame, which a plate in front would hide); without hands, a coarse frame difference (``_stirred``) runs that check
  every few frames as soon as the scene moves, so that the lift-off is not missed. When the
  hands are far from the tracked plate, a search every ``hands_check_interval_s`` looks for a
  plate of the same size at the hands; only until a tracked plate has moved by more than its
  radius with the hands (when known) near it (the bar found, the wrists are then the ones to
  doubt): a circle moving while the hands are elsewhere is not the bar.

Every threshold is a field of ``PlateSettings`` and every rule above can be switched off there
(``settings.rule_names``). Reported positions are always measurements in this frame; the
prediction only says where to look.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from vbt.capture.bar.backfill import Backfill
from vbt.capture.bar.choice import BarTrack, hands_far_from, plate_score, plate_to_switch_to
from vbt.capture.bar.fit import Found, fit_near, outer_rim, outermost_near, vertical_ends
from vbt.capture.bar.gate import Sighting, breach, reach_px, sighting_of
from vbt.capture.bar.image import Image
from vbt.capture.bar.motion import ConstantVelocityKalman, SceneWatch
from vbt.capture.bar.rim import fit_outline, rim_profile
from vbt.capture.bar.search import Candidate, fits_known_size, search_plates
from vbt.capture.bar.settings import PlateSettings, RimSettings
from vbt.capture.bar.types import BarDetection, BarMethod, check_frame, hands_midpoint
from vbt.types import FloatArray, Frame


class PlateTracker:
    """Follow the bar's near plate without any marker (see the module docstring).

    Parameters:
        settings: every threshold and rule (``PlateSettings``); None for the defaults.

    Attributes:
        picture_rect_px: ``(x, y, width, height)`` of the picture in the frame when black bars
            around it were filled with its edge (``vbt.capture.borders``), set by whoever cut
            them; None: the whole frame is picture. Rays leaving the picture are unknown beyond
            it, as rays leaving the frame are (``RimSettings.unseen_rays_unknown``).
    """

    method = BarMethod.PLATE

    def __init__(self, settings: PlateSettings | None = None) -> None:
        self.settings = PlateSettings() if settings is None else settings
        self.picture_rect_px: tuple[int, int, int, int] | None = None
        self.stirred_allowed: Callable[[float], bool] | None = None
        """Live mode's say on the stirred rechecks (``vbt.live.shedding.StirredBudget``): called with
        the frame's time before such a recheck's whole-frame search; False skips it (the scene watch
        asks again at its next answer). None: every one runs, as offline."""
        self.reset()

    @property
    def _picture(self) -> tuple[float, float, float, float] | None:
        """``picture_rect_px`` as (x0, y0, x1, y1), None when not set."""
        if self.picture_rect_px is None:
            return None
        x, y, w, h = self.picture_rect_px
        return float(x), float(y), float(x + w), float(y + h)

    def reset(self) -> None:
        """Forget every plate and track, as before the first frame."""
        self._kalman: ConstantVelocityKalman | None = None
        self._radius_px = math.nan
        self._profile: FloatArray | None = None  # where each ray found the rim (rim_profile)
        self._heights: list[float] = []  # this track's outline's half-heights (use_vertical_diameter)
        self._last_t_s = -math.inf
        self._last_seen_t_s = -math.inf
        self._last_seen_xy = np.full(2, np.nan)
        self._sighting: Sighting | None = None  # the last fit taken for the plate (gate)
        self._breaches: list[float] = []  # times of this track's frames whose fits broke a bound
        self._bar_found_before = False  # whether a track before this one was the bar
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
        self._watch = SceneWatch(self.settings.watch)
        self._backfill = Backfill(settings=self.settings)

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
        check_frame(frame, self._last_t_s)
        image = frame.image
        s = self.settings
        t_s = frame.t_s
        self._last_t_s = t_s
        hands = hands_midpoint(hands_xy_px)
        found: Found | None = None
        switched = False
        if self._kalman is not None:
            found = self._follow(image, t_s, hands)
            if self._breached():  # no barbell moves so: the track is on something else
                self._kalman, found = None, None
            elif found is None and t_s - self._last_seen_t_s > s.tracking.max_coast_s:
                self._kalman = None
            else:
                better = None
                recheck_due = s.switch.use_periodic_recheck and t_s >= self._next_recheck_t_s
                if recheck_due and found is not None:
                    better = self._outer(image, found)  # a hub or inner ring tracked: its plate
                if better is not None:
                    self._next_recheck_t_s = t_s + s.switch.recheck_interval_s
                elif recheck_due or self._hands_check_due(hands, t_s):
                    self._next_recheck_t_s = t_s + s.switch.recheck_interval_s
                    better = self._recheck(image, t_s, hands, found, keep_reference=self._watch.moving)
                elif s.switch.use_stirred_recheck and self._stirred(image, hands, t_s):
                    # Motion against the image of the last periodic search (kept), while the bar
                    # starts to move: a few pixels more at every check.
                    better = self._recheck(
                        image, t_s, hands, found, keep_reference=True, moving_only=True, stirred=True
                    )
                if better is not None:
                    self._kalman, found, switched = None, better, True
        if self._kalman is None and found is None and t_s >= self._next_search_t_s:
            found = self._acquire(image, t_s, hands)
            self._failed_searches = 0 if found is not None else self._failed_searches + 1
            if self._failed_searches >= s.search.tries_before_waiting:  # Hough is fickle: a few
                self._next_search_t_s = t_s + s.search.retry_interval_s  # tries before slowing down
        if found is not None:
            self._accept(found, t_s, hands)
            if switched:
                self._backfill.follow_back(found)
        # Once the bar was found there is no switch to look back from.
        self._backfill.remember(t_s, image, needed=not self._bar_found)
        if found is None:
            return BarDetection.missing(t_s, self.method)
        detection = found.detection(t_s, settings=s.confidence)
        return self._upright(image, found, detection) if s.rim.use_vertical_diameter else detection

    def _upright(self, image: Image, found: Found, detection: BarDetection) -> BarDetection:
        """``detection`` measured by its outline's height when the track's outline is clearly taller
        than fitted (``RimSettings.use_vertical_diameter``: a plate seen off-axis): the track's
        half-height so far (the median of the frames whose top and bottom were both seen) as the
        major axis, and the centre between this frame's top and bottom, or that far from the one
        seen. The circle fitted hugs the top in one frame and the bottom in the next."""
        rim = self.settings.rim
        up, down = vertical_ends(image, found, settings=self.settings, picture_px=self._picture)
        if math.isfinite(up) and math.isfinite(down) and _both_halves_seen(found, rim):
            self._heights.append(0.5 * (up + down))
        if len(self._heights) < rim.vertical_min_frames:
            return detection
        held = float(np.median(self._heights))
        major = detection.ellipse_axes_px[0]
        fitted = float(major) if np.isfinite(major) else found.radius_px
        if held < (1.0 + rim.vertical_min_taller_frac) * fitted:
            return detection
        x, y = (float(v) for v in detection.xy_px)
        if math.isfinite(up) and math.isfinite(down):
            y += 0.5 * (down - up)
        elif math.isfinite(up):
            y += held - up
        elif math.isfinite(down):
            y += down - held
        return replace(
            detection,
            xy_px=np.array([x, y]),
            ellipse_axes_px=np.array([held, found.radius_px]),
            ellipse_angle_deg=90.0,
        )

    def take_revisions(self) -> list[BarDetection]:
        """Earlier frames measured again (see ``BackfillSettings`` and ``RevisingBarTracker``)."""
        return self._backfill.take()

    # --- states -------------------------------------------------------------------------------

    def _follow(self, image: Image, t_s: float, hands_xy: FloatArray) -> Found | None:
        assert self._kalman is not None
        tr = self.settings.tracking
        predicted = self._kalman.predict(t_s)
        radius = self._radius_px
        sigma = self._kalman.position_sigma_px
        uncertainty = max(tr.window_radii * radius, tr.window_sigmas * sigma)
        found = self._fit_near(image, predicted, radius, uncertainty, radius_known=True)
        # Not clearly there, and the bar's plate cut by the picture's edge: its rays off the picture
        # are unknown, not misses, in this frame's fits. The near fit so is kept only where the edge
        # made it (rays excused, or the centre beyond the edge); one that excused no ray and lies in
        # the picture leaves the frame as it was.
        edged = False
        if not self._clear(found) and self._cut_by_edge(image, predicted, hands_xy):
            edge = self._fit_near(
                image, predicted, radius, uncertainty, radius_known=True, unseen_unknown=True
            )
            if edge is not None and (
                edge.fit.judged_fraction < 1.0 or not self._in_picture(image, edge.centre_px)
            ):
                found, edged = edge, True
        if tr.use_wide_search and not self._clear(found):
            # Not clearly there (or a disc of another size, part of the rim and something else
            # after a sudden stop the prediction overshot): look wider, with Hough circles of
            # the plate's size as starts.
            wide = min(tr.wide_max_radii * radius, max(tr.wide_min_radii * radius, tr.wide_sigmas * sigma))
            other = self._fit_near(
                image, predicted, radius, wide, hough=True, radius_known=True, unseen_unknown=edged
            )
            if other is not None and (found is None or other.score > found.score):
                found = other
        if found is not None and self._impossible(found, t_s):
            found = None  # no barbell moves so: not the plate in this frame; look where it was
        if found is None or found.fit.inlier_fraction < tr.min_rim_frac:
            if not tr.use_refind:
                return None
            # Lost: after a drop the prediction runs on below the floor at the falling speed,
            # while the plate stopped (or bounced) near where it was last seen. Look there, in a
            # window growing with the time since (no farther than a barbell can have moved).
            since_s = t_s - self._last_seen_t_s
            reach = min(
                tr.refind_max_radii * radius,
                radius * (tr.refind_start_radii + tr.refind_growth_radii_s * since_s),
            )
            if self._sighting is not None and self.settings.gate.use_speed_bound:
                reach = min(reach, reach_px(self._sighting, radius, t_s, settings=self.settings.gate))
            near = self._fit_near(image, self._last_seen_xy, radius, reach, hough=True, radius_known=True)
            if (
                near is None
                or near.fit.inlier_fraction < self.settings.search.min_rim_frac
                or fit_outline(near.fit, settings=self.settings.rim) < tr.refind_min_outline_frac
                or self._impossible(near, t_s)
            ):
                return None
            found = near
        return found

    def _impossible(self, found: Found, t_s: float) -> bool:
        """True when ``found`` breaks a barbell's bounds against the last fit taken for the plate
        (``gate.breach``); the frame is then counted among the track's breaches (once)."""
        g = self.settings.gate
        if breach(self._sighting, found, t_s, track_radius_px=self._radius_px, settings=g) is None:
            return False
        if not self._breaches or self._breaches[-1] != t_s:
            self._breaches.append(t_s)
        return True

    def _breached(self) -> bool:
        """True when the track broke the bounds in ``gate.max_breaches`` frames within
        ``breach_window_s``: it is on something else (``use_repeats_end_track``). Its lift trust is
        then withdrawn, so that the search that follows is not drawn back to it."""
        g = self.settings.gate
        if not g.use_repeats_end_track or not self._breaches:
            return False
        recent = [b for b in self._breaches if b > self._breaches[-1] - g.breach_window_s]
        if len(recent) < g.max_breaches:
            return False
        self._trusted = False
        self._bar_found = self._bar_found_before
        return True

    def _clear(self, found: Found | None) -> bool:
        """True when ``found`` is clearly the tracked plate: enough rim (``clear_rim_frac``), its radius."""
        tr = self.settings.tracking
        return (
            found is not None
            and found.fit.inlier_fraction >= max(tr.clear_rim_frac, tr.min_rim_frac)
            and abs(found.radius_px / self._radius_px - 1.0) <= tr.radius_agree_frac
        )

    def _cut_by_edge(self, image: Image, predicted_px: FloatArray, hands_xy: FloatArray) -> bool:
        """True when the tracked plate's rays off the picture are unknown in this frame's fits
        (``TrackingSettings.use_unseen_rays_unknown``, asked only when the plate is not clearly found
        with them counted as misses): the track is the bar's (``_trusted``), the hands are known and
        near it, and its outline where the track predicts it crosses the picture's edge."""
        s = self.settings
        radius = self._radius_px
        if not (s.tracking.use_unseen_rays_unknown and self._trusted and np.all(np.isfinite(hands_xy))):
            return False
        if hands_far_from(hands_xy, predicted_px, radius, far_radii=s.switch.hands_far_radii):
            return False
        return self._inset_px(image, predicted_px) < (1.0 + s.rim.tolerance_radii) * radius

    def _inset_px(self, image: Image, xy_px: FloatArray) -> float:
        """How far ``xy_px`` lies inside the picture (negative: outside), pixels."""
        height, width = image.shape[:2]
        x0, y0, x1, y1 = self._picture or (0.0, 0.0, float(width), float(height))
        x, y = float(xy_px[0]), float(xy_px[1])
        return min(x - x0, x1 - 1 - x, y - y0, y1 - 1 - y)

    def _in_picture(self, image: Image, xy_px: FloatArray) -> bool:
        return self._inset_px(image, xy_px) >= 0.0

    def _search(
        self, image: Image, *, vote: bool = False, keep_reference: bool = False, moving_only: bool = False
    ) -> list[Candidate]:
        """Plates in the whole frame; motion against the last search's image, which this one
        replaces unless ``keep_reference``."""
        candidates, gray = search_plates(
            image,
            settings=self.settings,
            previous_gray=self._previous_gray,
            vote=vote,
            moving_only=moving_only,
            picture_px=self._picture,
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
        choice = self.settings.choice
        best = max(
            candidates, key=lambda c: plate_score(c, largest, hands_xy, settings=choice, bar=bar, t_s=t_s)
        )
        return self._confirm(image, best)

    def _hands_away(self, hands_xy: FloatArray) -> bool:
        """``hands_far_from`` the tracked plate, until a tracked plate moved by more than its radius
        (it was the bar: from then on the wrists are the ones to doubt, lost overhead by pose;
        ``SwitchSettings.use_lift_trust``)."""
        sw = self.settings.switch
        return (not sw.use_lift_trust or not self._bar_found) and hands_far_from(
            hands_xy, self._last_seen_xy, self._radius_px, far_radii=sw.hands_far_radii
        )

    def _hands_check_due(self, hands_xy: FloatArray, t_s: float) -> bool:
        sw = self.settings.switch
        if not sw.use_hands_check or t_s < self._next_hands_check_t_s or not self._hands_away(hands_xy):
            return False
        self._next_hands_check_t_s = t_s + sw.hands_check_interval_s
        return True

    def _stirred(self, image: Image, hands_xy: FloatArray, t_s: float) -> bool:
        """True when the scene moved while the tracked plate stayed still, with no hands known.

        A track can start on a plate leaning on the wall while everything is still; the loaded
        plate shows itself when the bar moves, and the lift-off must not be lost waiting for the
        next periodic recheck.
        """
        if (
            self._track_extent_px > self.settings.switch.still_max_extent_radii * self._radius_px
            or np.all(np.isfinite(hands_xy))
            or self._bar_sized()  # the bar at rest between reps, the lifter moving about
        ):
            self._watch.reset()
            return False
        return self._watch.moved(image, t_s)

    def _bar_sized(self) -> bool:
        """True when the tracked plate has the size of the last track that was the bar's."""
        sw = self.settings.switch
        return sw.use_bar_sized_rest and abs(self._radius_px / self._bar_radius_px - 1.0) < sw.bar_sized_frac

    def _recheck(
        self,
        image: Image,
        t_s: float,
        hands_xy: FloatArray,
        held: Found | None,
        *,
        keep_reference: bool = False,
        moving_only: bool = False,
        stirred: bool = False,
    ) -> Found | None:
        """A plate to switch to; None to stay (``held``: the tracked plate as found in this frame).

        Either a moving plate when the tracked one has not moved for ``still_min_s`` (clearly
        larger, or more like the bar's plate; see the module docstring), or a plate of the tracked
        one's size at the hands when they are far from the tracked one; clearly apart from it.
        ``keep_reference``: measure motion against the last periodic search's image, and keep it;
        ``moving_only``: only moving plates are looked for (``search_plates``); ``stirred``: the
        stirred recheck, whose search ``stirred_allowed`` may skip.
        """
        sw = self.settings.switch
        static = (
            sw.use_static_switch
            and t_s - self._track_start_t_s >= sw.still_min_s
            and self._track_extent_px <= sw.still_max_extent_radii * self._radius_px
            and not self._bar_sized()  # found again after a drop: the bar, at rest
        )
        hands_away = sw.use_hands_switch and self._hands_away(hands_xy)
        if not static and not hands_away:
            return None
        if stirred and self.stirred_allowed is not None and not self.stirred_allowed(t_s):
            return None
        candidates = self._search(image, keep_reference=keep_reference, moving_only=moving_only)
        best = plate_to_switch_to(
            candidates,
            tracked_xy=self._last_seen_xy,
            radius_px=self._radius_px,
            hands_xy=hands_xy,
            static=static,
            hands_away=hands_away,
            settings=self.settings,
            held_rim_px=None if held is None else held.rim_px,
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
        s = self.settings
        found = self._fit_near(image, c.centre_px, c.radius_px, s.fit.confirm_window_radii * c.radius_px)
        if found is None or found.fit.inlier_fraction < s.search.min_rim_frac:
            return None
        if s.fit.use_outermost:
            found = outermost_near(image, found, settings=s, picture_px=self._picture)
        found = self._outer(image, found) or found
        return found if found is not None and fits_known_size(found.radius_px, s.search) else None

    def _outer(self, image: Image, found: Found) -> Found | None:
        """A clearly larger plate about ``found``'s centre (``FitSettings.use_outer_rim``), None if none."""
        s = self.settings
        if not s.fit.use_outer_rim:
            return None
        grown = outer_rim(image, found, settings=s, picture_px=self._picture)
        return grown if grown is not None and fits_known_size(grown.radius_px, s.search) else None

    def _fit_near(
        self,
        image: Image,
        centre_px: FloatArray,
        radius_px: float,
        uncertainty_px: float,
        *,
        hough: bool = False,
        radius_known: bool = False,
        unseen_unknown: bool = False,
    ) -> Found | None:
        return fit_near(
            image,
            centre_px,
            radius_px,
            uncertainty_px,
            settings=self.settings,
            hough=hough,
            radius_known=radius_known,
            profile=self._profile if radius_known else None,
            picture_px=self._picture,
            unseen_unknown=unseen_unknown,
        )

    def _accept(self, found: Found, t_s: float, hands_xy: FloatArray) -> None:
        s = self.settings
        tr, choice = s.tracking, s.choice
        if self._kalman is None:
            radius = found.radius_px
            self._kalman = ConstantVelocityKalman(
                found.centre_px,
                t_s,
                accel_px_s2=tr.accel_radii_s2 * radius,
                measurement_px=tr.measurement_radii * radius,
                velocity_px_s=tr.initial_speed_radii_s * radius,
            )
            self._radius_px = radius
            self._heights = []
            if tr.use_rim_memory:
                self._profile = np.ones_like(rim_profile(found.fit, n_rays=s.rim.n_rays))
            self._track_start_t_s = t_s
            self._track_start_xy = found.centre_px
            self._track_extent_px = 0.0
            self._trusted = False
            self._breaches = []
            self._bar_found_before = self._bar_found
            self._next_recheck_t_s = t_s + s.switch.recheck_interval_s
        else:
            self._kalman.correct(found.centre_px)
            weight = tr.radius_smoothing_frac * found.fit.inlier_fraction
            self._radius_px += weight * (found.radius_px - self._radius_px)
            if self._profile is not None:
                seen = rim_profile(found.fit, n_rays=s.rim.n_rays)
                ok = np.isfinite(seen)
                self._profile[ok] += tr.rim_memory_smoothing_frac * (seen[ok] - self._profile[ok])
            moved = float(np.hypot(*(found.centre_px - self._track_start_xy)))
            self._track_extent_px = max(self._track_extent_px, moved)
            # A track that moves while the lifter's hands are known and elsewhere is not the bar (a
            # shoe passed by the rising plate, a knee in a squat): it earns no trust.
            bar_moved = moved > choice.bar_moved_radii * self._radius_px and not (
                choice.use_moved_with_hands
                and hands_far_from(
                    hands_xy, found.centre_px, self._radius_px, far_radii=s.switch.hands_far_radii
                )
            )
            self._bar_found = self._bar_found or bar_moved
            self._trusted = self._trusted or (
                bar_moved and t_s - self._track_start_t_s >= choice.bar_track_min_s
            )
            if self._trusted:
                self._bar_radius_px = self._radius_px
        self._last_seen_t_s = t_s
        self._last_seen_xy = found.centre_px
        self._sighting = sighting_of(found, t_s, settings=s.gate)


def _both_halves_seen(found: Found, rim: RimSettings) -> bool:
    """Whether the fitted rim was found on ``RimSettings.vertical_min_half_rim_frac`` of the rays of
    its upper and of its lower half (more than 20 degrees from the horizontal): an end found where
    the plate's own rim is hidden (a forearm across it) is the edge of what hides it."""
    d = found.rim_px - found.centre_px
    slope = d[:, 1] / np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-9)
    rays = rim.n_rays * (1.0 - 2.0 * _HALF_SLOPE_DEG / 180.0) / 2.0
    need = rim.vertical_min_half_rim_frac * rays
    return bool(
        np.count_nonzero(slope > _HALF_SLOPE) >= need and np.count_nonzero(slope < -_HALF_SLOPE) >= need
    )


#: A ray counts in the upper or lower half beyond this angle from the horizontal.
_HALF_SLOPE_DEG = 20.0
_HALF_SLOPE = math.sin(math.radians(_HALF_SLOPE_DEG))
