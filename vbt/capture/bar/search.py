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
from vbt.capture.bar.rim import RimFit, fit_rim, gradients
from vbt.capture.bar.vote import voted_circles
from vbt.errors import VideoError
from vbt.types import FloatArray

#: Rim scatter (``Candidate.scatter``) that costs a candidate 40 % of its outline (exp(-1/2)).
SCATTER_SCALE = 0.025

#: Least ``Candidate.outline`` of a plate: a plate's rim half seen on a dark floor gives 0.4 or
#: more; texture (bricks, clutter, a shoulder) about 0.2-0.3, however much of a "rim" it shows.
MIN_OUTLINE = 0.3


@dataclass(frozen=True)
class Candidate:
    """A plate-like circle found by the whole-frame search, in frame pixels.

    Attributes:
        centre_px: (2,) centre.
        radius_px: radius.
        inlier_fraction: share of the rim found (0..1).
        motion: mean absolute gray difference inside the disc against the previous search's image
            (0 when there was none), gray levels.
        nearby_motion: the same as ``motion`` over a ring around the disc, from 1.2 to 3 radii
            (the lifter moving about the loaded plate before the bar moves).
        scatter: RMS distance of the rim points from the circle, as a fraction of the radius.
            A plate's outline gives about 0.005-0.02; a "circle" through brick joints or other
            texture, whose points are strewn evenly across the fit's +-5 % band, about 0.03.
    """

    centre_px: FloatArray
    radius_px: float
    inlier_fraction: float
    motion: float
    scatter: float = 0.0
    nearby_motion: float = 0.0

    @property
    def outline(self) -> float:
        """How plate-like the outline is (0..1): the share of the rim found, less for scatter."""
        return outline(self.inlier_fraction, self.scatter)


def outline(inlier_fraction: float, scatter: float) -> float:
    """How plate-like a fitted outline is (0..1): ``inlier_fraction`` less for ``scatter`` (the RMS
    distance of the rim points from the outline over its radius); see ``MIN_OUTLINE``."""
    return inlier_fraction * math.exp(-0.5 * (scatter / SCATTER_SCALE) ** 2)


def search_plates(
    image: Image,
    *,
    max_dim_px: int,
    min_radius_frac: float,
    max_radius_frac: float,
    min_inliers: float,
    min_edge: float,
    previous_gray: Image | None = None,
    max_candidates: int = 12,
    vote: bool = False,
    moving_only: bool = False,
) -> tuple[list[Candidate], Image]:
    """Plate-like circles anywhere in ``image`` (H, W, 3) BGR.

    Hough circles (OpenCV's HOUGH_GRADIENT_ALT) on a reduced, blurred gray copy propose circles,
    and with ``previous_gray`` so do circles outlined by edges that moved since then
    (``vote.voted_circles``); with ``vote``, also
    circles voted by all the edges of a half-size copy (slower, finds what Hough misses); each is kept when its rim is found on at least ``min_inliers`` of the rays, and replaced by
    the outermost concentric rim around it (a hub or an inner ring is not the plate), and
    dropped when its ``outline`` is below ``MIN_OUTLINE`` (rim points strewn about a circle are
    texture, not a plate). With ``moving_only``, only the circles outlined by edges that moved are
    proposed (a quick look for the plate that started to move).

    Returns:
        The candidates (frame pixels), and the reduced gray image to pass as ``previous_gray``
        next time (for the motion measure).
    """
    h, w = image.shape[:2]
    cropped = crop_resized(image, 0, 0, w, h, min(1.0, max_dim_px / max(h, w)))
    if cropped is None:
        return [], np.zeros((1, 1), dtype=np.uint8)
    small, window = cropped
    gray = to_gray(small)
    r_lo = max(4.0, min_radius_frac * max(h, w) * window.scale)
    r_hi = max(r_lo + 1.0, max_radius_frac * max(h, w) * window.scale)
    if moving_only and (previous_gray is None or previous_gray.shape != gray.shape):
        return [], gray
    try:
        circles = (
            None
            if moving_only
            else cv2.HoughCircles(
                cv2.GaussianBlur(gray, (0, 0), 1.5),
                cv2.HOUGH_GRADIENT_ALT,
                dp=1.5,
                minDist=r_lo,
                param1=150,
                param2=0.6,
                minRadius=int(r_lo),
                maxRadius=math.ceil(r_hi),
            )
        )
    except cv2.error as exc:  # pragma: no cover - cv2 rejects only malformed images
        raise VideoError(f"the plate search failed on a {w}x{h} frame: {exc}") from exc
    proposals: list[tuple[float, float, float]] = []
    if circles is not None:
        proposals = [(float(x), float(y), float(r)) for x, y, r in circles[0][:max_candidates]]
    motion = None
    if previous_gray is not None and previous_gray.shape == gray.shape:
        motion = np.asarray(cv2.absdiff(gray, previous_gray), dtype=np.uint8)
    gx, gy = gradients(small)
    if vote:
        proposals += _voted_half_scale(small, r_lo=r_lo, r_hi=r_hi, min_edge=min_edge)
    if motion is not None:
        # The loaded plate moves; Hough may rank a clean wall plate above it, or miss it.
        proposals += voted_circles(gx, gy, motion=motion, r_lo=r_lo, r_hi=r_hi, min_edge=min_edge)
    out: list[Candidate] = []
    for cx, cy, r in proposals:
        fit = fit_rim(gx, gy, np.array([cx, cy], dtype=np.float64), float(r), min_edge=min_edge)
        if fit is None or fit.inlier_fraction < min_inliers:
            continue
        fit = _outermost(gx, gy, fit, min_inliers=min_inliers, min_edge=min_edge)
        centre = window.to_frame(fit.centre_xy)
        if any(np.hypot(*(c.centre_px - centre)) < 0.2 * c.radius_px for c in out):
            continue  # the same plate found twice
        moved = nearby = 0.0
        if motion is not None:
            moved = _disc_mean(motion, fit.centre_xy, fit.radius)
            nearby = _disc_mean(motion, fit.centre_xy, 3.0 * fit.radius, inner=1.2 * fit.radius)
        candidate = Candidate(
            centre,
            fit.radius / window.scale,
            fit.inlier_fraction,
            moved,
            fit.residual_rms / fit.radius,
            nearby,
        )
        if candidate.outline >= MIN_OUTLINE:
            out.append(candidate)
    return out, gray


def _voted_half_scale(
    small: Image, *, r_lo: float, r_hi: float, min_edge: float
) -> list[tuple[float, float, float]]:
    """``voted_circles`` on a half-size copy of ``small``, in ``small``'s pixels."""
    if min(small.shape[:2]) < 32:
        return []
    half = np.asarray(cv2.resize(small, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    sx, sy = small.shape[1] / half.shape[1], small.shape[0] / half.shape[0]
    hx, hy = gradients(half)
    circles = voted_circles(
        hx, hy, r_lo=max(3.0, 0.5 * r_lo), r_hi=0.5 * r_hi, min_edge=min_edge, max_circles=8
    )
    return [((x + 0.5) * sx - 0.5, (y + 0.5) * sy - 0.5, r * 0.5 * (sx + sy)) for x, y, r in circles]


def _outermost(
    gx: npt.NDArray[np.float32],
    gy: npt.NDArray[np.float32],
    fit: RimFit,
    *,
    min_inliers: float,
    min_edge: float,
) -> RimFit:
    for _ in range(2):
        bigger = fit_rim(gx, gy, fit.centre_xy, 2.0 * fit.radius, band=(0.56, 1.75), min_edge=min_edge)
        if (
            bigger is None
            or bigger.radius < 1.1 * fit.radius
            or bigger.inlier_fraction < max(min_inliers, 0.75 * fit.inlier_fraction)
            or np.hypot(*(bigger.centre_xy - fit.centre_xy)) > 0.15 * bigger.radius
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
