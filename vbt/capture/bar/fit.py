"""A plate's rim fitted near a guess (a tracked plate's predicted place, a search's candidate).

Works on a window of the frame reduced so that the plate's radius is a few tens of pixels (the
cost does not grow with the video's resolution) and reports in the frame's own pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache

import cv2
import numpy as np

from vbt.capture.bar.image import Image, Window, crop_resized, to_gray
from vbt.capture.bar.rim import Rect, RimFit, fit_outline, fit_rim, gradients, vertical_extent
from vbt.capture.bar.search import outermost_rim
from vbt.capture.bar.settings import ConfidenceSettings, PlateSettings, RimSettings
from vbt.capture.bar.types import BarDetection, BarMethod
from vbt.capture.bar.vote import voted_centre
from vbt.types import FloatArray


@dataclass(frozen=True)
class Found:
    """A rim fitted near a guess: the fit in window pixels, its centre and radius in frame pixels."""

    centre_px: FloatArray
    radius_px: float
    fit: RimFit
    scale: float
    score: float

    @property
    def rim_px(self) -> FloatArray:
        """(K, 2) the rim points that agree with the fit, in frame pixels."""
        return self.centre_px + (self.fit.points - self.fit.centre_xy) / self.scale

    def detection(self, t_s: float, *, settings: ConfidenceSettings) -> BarDetection:
        """What the plate tracker reports for this rim, measured in the frame at ``t_s``."""
        return BarDetection(
            t_s=t_s,
            xy_px=self.centre_px,
            confidence=confidence(self.fit, settings=settings),
            method=BarMethod.PLATE,
            radius_px=self.radius_px,
            ellipse_axes_px=self.fit.axes / self.scale,
            ellipse_angle_deg=self.fit.angle_deg,
        )


def fit_near(
    image: Image,
    centre_px: FloatArray,
    radius_px: float,
    uncertainty_px: float,
    *,
    settings: PlateSettings,
    hough: bool = False,
    radius_known: bool = False,
    profile: FloatArray | None = None,
    picture_px: Rect | None = None,
    unseen_unknown: bool = False,
) -> Found | None:
    """Fit the rim of a plate believed to be at ``centre_px`` with ``radius_px`` (frame pixels).

    The window around the guess is reduced so that the plate's radius is
    ``FitSettings.work_radius_px``. The guess is tried, and with ``hough`` also Hough circles of
    about the plate's size in the window. Fits whose radius is more than ``max_radius_change_frac``
    off, or farther than ``uncertainty_px`` (plus ``reach_slack_radii``) from the guess, are
    discarded; the rest are scored by the share of the rim found and their distance from the
    guess. Returns the best, or None.

    With ``radius_known`` (a tracked plate, whose radius changes slowly) the centre is first
    fitted alone at ``radius_px`` and the free fit starts from there (``use_held_centre``); each
    ray takes the edge nearest the outline among its clear edges (not the strongest); the
    centre-only fit competes too, and a free fit scores less the more its radius differs from
    ``radius_px`` (``use_radius_prior``). The outline of a plate with another one just behind it,
    offset, is nearly a circle through part of each, a little larger than either, and its edge
    against the background is the stronger one.

    ``profile`` (with ``radius_known``): where each ray found the rim in the frames before
    (``rim.rim_profile``, smoothed by the tracker); every fit then takes on each ray the
    clear edge nearest there, and a free fit that moved from its start by more than
    ``rim_memory_max_shift_radii`` (over to another rim) is dropped: it keeps to the rim of one
    plate of a stack seen off-axis.

    ``picture_px`` (x0, y0, x1, y1 frame pixels): the part of the frame that is picture (black bars
    filled with its edge lie outside); rays leaving it are unknown beyond (``RimSettings``'s
    ``unseen_rays_unknown``), as are rays leaving the frame. None: the whole frame.
    ``unseen_unknown``: rays leaving the picture are unknown whatever ``unseen_rays_unknown`` says (a
    tracked plate cut by the picture's edge: ``TrackingSettings.use_unseen_rays_unknown``).
    """
    fs, rim = settings.fit, settings.rim
    if unseen_unknown:
        rim = _unseen_unknown(rim)
    min_edge = rim.min_edge_levels_px
    scale = min(1.0, fs.work_radius_px / radius_px)
    cropped = _crop_about(image, centre_px, fs.window_radii * radius_px + uncertainty_px, scale)
    if cropped is None:
        return None
    crop, window = cropped
    picture = window.rect_to_window(picture_px)
    gx, gy = gradients(crop)
    r_small = radius_px * window.scale
    spread = min(fs.max_spread_frac, uncertainty_px / radius_px)
    lo, hi = fs.band_radii
    guess, band = window.to_window(centre_px), (lo - spread, hi + spread)
    # The centre alone at the known radius first: from a guess a few pixels off, a free fit can
    # settle on a larger circle through part of the plate's rim and part of whatever is just
    # outside it (the far plate, a few pixels lower in a side view), and find as much "rim" as
    # the plate's own; at the known radius those edges do not fit, and the free fit from the
    # held centre finds the plate. The held fit starts where the edges agree on a centre at
    # that radius (``voted_centre``, within the guess's uncertainty): from there it finds the
    # rim itself, not a circle through part of each of several rings (a stack of plates of
    # different sizes, a thick plate's edge seen off-axis) that a fit from the guess can keep.
    held = None
    if radius_known and fs.use_held_centre:
        voted = None
        if fs.use_voted_centre:
            voted = voted_centre(
                gx,
                gy,
                guess,
                radius=r_small,
                reach=max(fs.voted_reach_min_px, spread * r_small),
                min_edge=min_edge,
                settings=settings.vote,
                off_image=rim.unseen_rays_unknown,
            )
        held = fit_rim(
            gx,
            gy,
            guess if voted is None else voted,
            r_small,
            settings=rim,
            band=band if voted is None else fs.band_radii,
            fixed_radius=r_small,
            hold_radius=True,
            prefer_near=True,
            prefer_near_first=voted is not None or spread <= fs.near_first_max_spread_frac,  # a few px
            profile=profile,
            picture=picture,
        )
    starts = [(guess, band) if held is None else (held.centre_xy, fs.band_radii)]
    if hough:
        circles = cv2.HoughCircles(
            cv2.GaussianBlur(to_gray(crop), (0, 0), fs.hough_blur_px),
            cv2.HOUGH_GRADIENT,
            dp=fs.hough_cell_px,
            minDist=fs.hough_min_dist_radii * r_small,
            param1=fs.hough_canny_levels,
            param2=fs.hough_min_votes,
            minRadius=int(fs.hough_min_radii * r_small),
            maxRadius=math.ceil(fs.hough_max_radii * r_small),
        )
        if circles is not None:
            starts += [
                (np.array([cx, cy], dtype=np.float64), fs.hough_band_radii)
                for cx, cy, _ in circles[0][: fs.max_hough_starts]
            ]
    fits: list[RimFit | None] = [
        fit_rim(
            gx,
            gy,
            start,
            r_small,
            settings=rim,
            band=band,
            fixed_radius=r_small,
            prefer_near=radius_known,
            prefer_near_first=profile is not None and start is not guess,
            profile=profile,
            picture=picture,
        )
        for start, band in starts
    ]
    if profile is not None:
        # Keeping to one rim: a free fit refines the radius where it started; one that moved
        # away went over to another rim (the next plate of a stack seen off-axis).
        fits = [
            fit
            for fit, (start, _) in zip(fits, starts, strict=True)
            if fit is not None
            and np.hypot(*(fit.centre_xy - start))
            <= max(fs.rim_memory_min_shift_px, fs.rim_memory_max_shift_radii * r_small)
        ]
    fits.append(held)
    best: Found | None = None
    w_near = fs.nearness_weight_frac
    for fit in fits:
        if fit is None or abs(fit.radius / r_small - 1.0) > fs.max_radius_change_frac:
            continue
        centre = window.to_frame(fit.centre_xy)
        distance = float(np.hypot(*(centre - centre_px)))
        if distance > uncertainty_px + fs.reach_slack_radii * radius_px:
            continue
        near = math.exp(-0.5 * (distance / (uncertainty_px + fs.nearness_slack_radii * radius_px)) ** 2)
        score = fit.inlier_fraction * ((1.0 - w_near) + w_near * near)
        if radius_known and fs.use_radius_prior:
            score *= math.exp(-0.5 * ((fit.radius / r_small - 1.0) / fs.radius_spread_frac) ** 2)
        if best is None or score > best.score:
            best = Found(centre, fit.radius / window.scale, fit, window.scale, score)
    return best


def vertical_ends(
    image: Image,
    found: Found,
    *,
    settings: PlateSettings,
    picture_px: Rect | None = None,
) -> tuple[float, float]:
    """How far ``found``'s outline reaches above and below its centre along the vertical, frame
    pixels (``rim.vertical_extent``); NaN for an end not clearly seen. A level camera sees a plate's
    diameter upright however far off its axis it looks. The window is reduced as ``fit_near``'s."""
    rim = settings.rim
    radius = found.radius_px
    half = rim.vertical_band_radii[1] * radius * (1.0 + rim.tolerance_radii) + 2.0
    cropped = _crop_about(image, found.centre_px, half, min(1.0, settings.fit.work_radius_px / radius))
    if cropped is None:
        return math.nan, math.nan
    crop, window = cropped
    gx, gy = gradients(crop)
    up, down = vertical_extent(
        gx,
        gy,
        window.to_window(found.centre_px),
        radius * window.scale,
        settings=rim,
        picture=window.rect_to_window(picture_px),
    )
    return up / window.scale, down / window.scale


def _crop_about(
    image: Image, centre_px: FloatArray, half_px: float, scale: float
) -> tuple[Image, Window] | None:
    """``crop_resized`` of the square reaching ``half_px`` about ``centre_px`` (frame pixels)."""
    x0, y0 = int(centre_px[0] - half_px), int(centre_px[1] - half_px)
    x1, y1 = math.ceil(centre_px[0] + half_px) + 1, math.ceil(centre_px[1] + half_px) + 1
    return crop_resized(image, x0, y0, x1, y1, scale)


@cache
def _unseen_unknown(rim: RimSettings) -> RimSettings:
    """``rim`` with rays off the picture unknown (made once per settings)."""
    return rim if rim.unseen_rays_unknown else replace(rim, unseen_rays_unknown=True)


def outermost_near(
    image: Image,
    found: Found,
    *,
    settings: PlateSettings,
    picture_px: Rect | None = None,
) -> Found:
    """The plate whose outline is about ``found``'s centre: ``found`` itself, or a larger one.

    A stack of plates of different sizes (a small change plate in front of the bar's large one),
    a hub, an inner ring: the search can start on any of these rings, or on a circle through
    part of two of them, while the bar's plate is the outermost. Rims of
    ``FitSettings.outermost_first_radii`` to ``outermost_last_radii`` times ``found``'s radius
    are fitted about its centre (``fit_near``'s ``radius_known``); one found on clearly more of the
    rays than ``found`` (``outermost_extra_rim_frac`` more, and at least
    ``SearchSettings.min_rim_frac``), with the outline of a plate (``RimSettings.min_outline_frac``),
    replaces it; the one with the most rim, the larger on a tie. (A plate half hidden by the floor
    shows as much of a slightly larger circle through its visible arc as of its own.)
    """
    fs = settings.fit
    best = found
    # Clearly more rim: not a circle through the same arc.
    need = found.fit.inlier_fraction + fs.outermost_extra_rim_frac
    for ratio in np.arange(fs.outermost_first_radii, fs.outermost_last_radii + 1e-9, fs.outermost_step_radii):
        radius = found.radius_px * float(ratio)
        other = fit_near(
            image,
            found.centre_px,
            radius,
            fs.outermost_window_radii * radius,
            settings=settings,
            radius_known=True,
            picture_px=picture_px,
        )
        if (
            other is not None
            and other.radius_px > fs.outermost_min_growth_radii * found.radius_px
            and other.fit.inlier_fraction >= max(settings.search.min_rim_frac, best.fit.inlier_fraction, need)
            and fit_outline(other.fit, settings=settings.rim) >= settings.rim.min_outline_frac
        ):
            best = other
    return best


def outer_rim(
    image: Image,
    found: Found,
    *,
    settings: PlateSettings,
    picture_px: Rect | None = None,
) -> Found | None:
    """A plate outline clearly larger than ``found`` about its centre, at tracking precision; None
    when there is none (``FitSettings.use_outer_rim``).

    The whole-frame search grows each proposal to the outermost rim about it
    (``search.outermost_rim``: up to ``SearchSettings.outermost_guess_radii`` times
    ``outermost_band_radii``), but a track can start on a hub or an inner ring while the plate's own
    rim was not clear (motion blur, the clip starting mid-rep) and ``outermost_near`` looks only
    ``FitSettings.outermost_last_radii`` out. Here the same growth is tried about a tracked plate,
    in a window reduced as ``fit_near``'s: its rim refitted, grown, and the larger rim refitted
    near there; kept when it is a plate's outline (``RimSettings.min_outline_frac``) found on at
    least ``SearchSettings.min_rim_frac`` of the rays.
    """
    fs, search, rim = settings.fit, settings.search, settings.rim
    radius = found.radius_px
    half = (
        search.outermost_band_radii[1] * search.outermost_guess_radii * radius * (1.0 + rim.tolerance_radii)
    )
    cropped = _crop_about(image, found.centre_px, half, min(1.0, fs.work_radius_px / radius))
    if cropped is None:
        return None
    crop, window = cropped
    picture = window.rect_to_window(picture_px)
    gx, gy = gradients(crop)
    start = fit_rim(
        gx,
        gy,
        window.to_window(found.centre_px),
        radius * window.scale,
        settings=rim,
        band=fs.band_radii,
        fixed_radius=radius * window.scale,
        hold_radius=True,
        picture=picture,
    )
    if start is None:
        return None
    grown = outermost_rim(gx, gy, start, settings=settings, picture=picture)
    if grown is start:
        return None
    r_grown = grown.radius / window.scale
    other = fit_near(
        image,
        window.to_frame(grown.centre_xy),
        r_grown,
        fs.confirm_window_radii * r_grown,
        settings=settings,
        picture_px=picture_px,
    )
    if (
        other is None
        or other.radius_px < search.outermost_min_growth_radii * radius
        or other.fit.inlier_fraction < search.min_rim_frac
        or fit_outline(other.fit, settings=rim) < rim.min_outline_frac
    ):
        return None
    return other


def confidence(fit: RimFit, *, settings: ConfidenceSettings) -> float:
    """0..1 from the share of the rim found and how well it fits a circle (or ellipse).

    The share is of all the rays: a plate partly off the picture, whose centre rests on part of its
    rim, has less say than one seen whole."""
    found = fit.inlier_fraction * fit.judged_fraction
    rim = min(1.0, max(0.0, (found - settings.min_rim_frac) / settings.rim_span_frac))
    sharp_px = max(settings.sharp_min_px, settings.sharp_radii * fit.radius)
    sharp = math.exp(-0.5 * (fit.residual_rms / sharp_px) ** 2)
    w_sharp = settings.sharp_weight_frac
    return float(min(1.0, max(settings.floor_frac, rim * ((1.0 - w_sharp) + w_sharp * sharp))))
