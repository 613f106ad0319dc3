"""Finding plates: a whole-frame search for plate-like circles, on a reduced copy of the frame.

Candidates are reported in the frame's own pixels; ``fit`` fits a rim near a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.bar.image import Image, crop_resized, to_gray
from vbt.capture.bar.rim import Rect, RimFit, fit_rim, gradients, outline
from vbt.capture.bar.settings import PlateSettings, SearchSettings
from vbt.capture.bar.vote import voted_circles
from vbt.errors import VideoError
from vbt.types import FloatArray


@dataclass(frozen=True)
class Candidate:
    """A plate-like circle found by the whole-frame search, in frame pixels.

    Attributes:
        centre_px: (2,) centre.
        radius_px: radius.
        inlier_fraction: share of the rim found (0..1).
        motion: mean absolute gray difference inside the disc against the previous search's image
            (0 when there was none), gray levels.
        nearby_motion: the same as ``motion`` over a ring around the disc (``SearchSettings``'s
            ``nearby_inner_radii`` to ``nearby_outer_radii``: the lifter moving about the loaded
            plate before the bar moves).
        scatter: RMS distance of the rim points from the circle, as a fraction of the radius.
            A plate's outline gives about 0.005-0.02; a "circle" through brick joints or other
            texture, whose points are strewn evenly across the fit's +-5 % band, about 0.03.
        outline: how plate-like the outline is (0..1): the share of the rim found, less for
            scatter (``rim.outline``).
    """

    centre_px: FloatArray
    radius_px: float
    inlier_fraction: float
    motion: float
    scatter: float
    nearby_motion: float
    outline: float


def search_plates(
    image: Image,
    *,
    settings: PlateSettings,
    previous_gray: Image | None = None,
    vote: bool = False,
    moving_only: bool = False,
    picture_px: Rect | None = None,
) -> tuple[list[Candidate], Image]:
    """Plate-like circles anywhere in ``image`` (H, W, 3) BGR.

    Hough circles (OpenCV's HOUGH_GRADIENT_ALT) on a reduced, blurred gray copy propose circles,
    and with ``previous_gray`` so do circles outlined by edges that moved since then
    (``vote.voted_circles``; ``SearchSettings.use_motion_voting``); with ``vote``, also circles
    voted by all the edges of a smaller copy (slower, finds what Hough misses;
    ``SearchSettings.use_voting``). Each is kept when its rim is found on at least
    ``SearchSettings.min_rim_frac`` of the rays, replaced by the outermost concentric rim around it
    (a hub or an inner ring is not the plate; ``SearchSettings.use_outermost``), and dropped when
    its ``outline`` is below ``RimSettings.min_outline_frac`` (rim points strewn about a circle are
    texture, not a plate). With ``moving_only``, only the circles outlined by edges that moved are
    proposed (a quick look for the plate that started to move). ``picture_px`` (x0, y0, x1, y1
    frame pixels): the part of the frame that is picture, as in ``fit.fit_near``.

    Returns:
        The candidates (frame pixels), and the reduced gray image to pass as ``previous_gray``
        next time (for the motion measure).
    """
    search, rim = settings.search, settings.rim
    min_edge = rim.min_edge_levels_px
    h, w = image.shape[:2]
    cropped = crop_resized(image, 0, 0, w, h, min(1.0, search.max_dim_px / max(h, w)))
    if cropped is None:
        return [], np.zeros((1, 1), dtype=np.uint8)
    small, window = cropped
    picture = window.rect_to_window(picture_px)
    gray = to_gray(small)
    r_lo = max(search.min_radius_px, search.min_radius_frac * max(h, w) * window.scale)
    r_hi = max(r_lo + 1.0, search.max_radius_frac * max(h, w) * window.scale)
    if search.radius_range_px is not None:  # the plate's size is known (the lifter's body)
        r_lo = max(search.min_radius_px, search.radius_range_px[0] * window.scale)
        r_hi = max(r_lo + 1.0, search.radius_range_px[1] * window.scale)
    if moving_only and (previous_gray is None or previous_gray.shape != gray.shape):
        return [], gray
    try:
        circles = (
            None
            if moving_only
            else cv2.HoughCircles(
                cv2.GaussianBlur(gray, (0, 0), search.hough_blur_px),
                cv2.HOUGH_GRADIENT_ALT,
                dp=search.hough_cell_px,
                minDist=r_lo,
                param1=search.hough_canny_levels,
                param2=search.hough_min_perfectness_frac,
                minRadius=int(r_lo),
                maxRadius=math.ceil(r_hi),
            )
        )
    except cv2.error as exc:  # pragma: no cover - cv2 rejects only malformed images
        raise VideoError(f"the plate search failed on a {w}x{h} frame: {exc}") from exc
    proposals: list[tuple[float, float, float]] = []
    if circles is not None:
        proposals = [(float(x), float(y), float(r)) for x, y, r in circles[0][: search.max_hough_circles]]
    motion = None
    if previous_gray is not None and previous_gray.shape == gray.shape:
        motion = np.asarray(cv2.absdiff(gray, previous_gray), dtype=np.uint8)
    gx, gy = gradients(small)
    if vote and search.use_voting:
        proposals += _voted_smaller(small, r_lo=r_lo, r_hi=r_hi, settings=settings)
    if motion is not None and search.use_motion_voting:
        # The loaded plate moves; Hough may rank a clean wall plate above it, or miss it.
        proposals += voted_circles(
            gx,
            gy,
            motion=motion,
            r_lo=r_lo,
            r_hi=r_hi,
            min_edge=min_edge,
            max_circles=search.motion_vote_max_circles,
            settings=settings.vote,
        )
    out: list[Candidate] = []
    for cx, cy, r in proposals:
        fit = fit_rim(
            gx,
            gy,
            np.array([cx, cy], dtype=np.float64),
            float(r),
            settings=rim,
            band=search.band_radii,
            picture=picture,
        )
        if fit is None or fit.inlier_fraction < search.min_rim_frac:
            continue
        if search.use_outermost:
            fit = outermost_rim(gx, gy, fit, settings=settings, picture=picture)
        centre = window.to_frame(fit.centre_xy)
        if any(np.hypot(*(c.centre_px - centre)) < search.duplicate_radii * c.radius_px for c in out):
            continue  # the same plate found twice
        moved = nearby = 0.0
        if motion is not None:
            moved = _disc_mean(motion, fit.centre_xy, fit.radius)
            nearby = _disc_mean(
                motion,
                fit.centre_xy,
                search.nearby_outer_radii * fit.radius,
                inner=search.nearby_inner_radii * fit.radius,
            )
        scatter = fit.residual_rms / fit.radius
        candidate = Candidate(
            centre,
            fit.radius / window.scale,
            fit.inlier_fraction,
            moved,
            scatter,
            nearby,
            outline(fit.inlier_fraction, scatter, settings=rim),
        )
        if candidate.outline >= rim.min_outline_frac and fits_known_size(candidate.radius_px, search):
            out.append(candidate)
    return out, gray


def fits_known_size(radius_px: float, search: SearchSettings) -> bool:
    """True when a radius (frame pixels) lies in ``SearchSettings.radius_range_px`` (or none is known)."""
    known = search.radius_range_px
    return known is None or known[0] <= radius_px <= known[1]


def _voted_smaller(
    small: Image, *, r_lo: float, r_hi: float, settings: PlateSettings
) -> list[tuple[float, float, float]]:
    """``voted_circles`` on a copy of ``small`` reduced by ``SearchSettings.vote_scale_frac``, in
    ``small``'s pixels."""
    search = settings.search
    if min(small.shape[:2]) < search.vote_min_side_px:
        return []
    scale = search.vote_scale_frac
    reduced = np.asarray(
        cv2.resize(small, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), dtype=np.uint8
    )
    sx, sy = small.shape[1] / reduced.shape[1], small.shape[0] / reduced.shape[0]
    hx, hy = gradients(reduced)
    circles = voted_circles(
        hx,
        hy,
        r_lo=max(search.vote_min_radius_px, scale * r_lo),
        r_hi=scale * r_hi,
        min_edge=settings.rim.min_edge_levels_px,
        max_circles=search.vote_max_circles,
        settings=settings.vote,
    )
    return [((x + 0.5) * sx - 0.5, (y + 0.5) * sy - 0.5, r * 0.5 * (sx + sy)) for x, y, r in circles]


def outermost_rim(
    gx: npt.NDArray[np.float32],
    gy: npt.NDArray[np.float32],
    fit: RimFit,
    *,
    settings: PlateSettings,
    picture: Rect | None = None,
) -> RimFit:
    """The outermost concentric rim about a proposal's fit (``SearchSettings.use_outermost``): grown
    up to ``outermost_steps`` times to a rim about ``outermost_guess_radii`` of it, found on enough of
    the rays and about the same centre; ``fit`` itself when there is none."""
    search = settings.search
    for _ in range(search.outermost_steps):
        bigger = fit_rim(
            gx,
            gy,
            fit.centre_xy,
            search.outermost_guess_radii * fit.radius,
            settings=settings.rim,
            band=search.outermost_band_radii,
            picture=picture,
        )
        if (
            bigger is None
            or bigger.radius < search.outermost_min_growth_radii * fit.radius
            or bigger.inlier_fraction
            < max(search.min_rim_frac, search.outermost_keep_rim_frac * fit.inlier_fraction)
            or np.hypot(*(bigger.centre_xy - fit.centre_xy))
            > search.outermost_max_shift_radii * bigger.radius
        ):
            break
        fit = bigger
    return fit


def _disc_mean(values: Image, centre: FloatArray, radius: float, inner: float = 0.0) -> float:
    """Mean of ``values`` over a disc, or a ring from ``inner`` out (clipped to the image); 0 outside."""
    h, w = values.shape[:2]
    x0, x1 = max(0, int(centre[0] - radius)), min(w, int(centre[0] + radius) + 1)
    y0, y1 = max(0, int(centre[1] - radius)), min(h, int(centre[1] + radius) + 1)
    if x1 <= x0 or y1 <= y0:
        return 0.0
    yy, xx = np.mgrid[y0:y1, x0:x1]
    d2 = (xx - centre[0]) ** 2 + (yy - centre[1]) ** 2
    inside = (d2 <= radius * radius) & (d2 >= inner * inner)
    patch = values[y0:y1, x0:x1]
    return float(patch[inside].mean()) if inside.any() else 0.0
