"""Fit a plate's rim: rays cast from a guessed centre find the outline, a robust fit gives the centre.

Pure numeric functions on gray images (no state). Coordinates are (x, y) pixels of the image they
are given, x right and y down.

The rim is found where the image gradient along each ray is strongest and points along the ray
(an edge seen edge-on by the ray). Motion blur smears an edge symmetrically about its true place,
so the gradient's peak stays where the edge is, only weaker: the fit keeps working at 2 m/s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.bar.settings import RimSettings
from vbt.types import FloatArray

#: (x0, y0, x1, y1): a rectangle of an image, in its pixels (x1, y1 excluded).
Rect = tuple[float, float, float, float]


@dataclass(frozen=True, eq=False)
class RimFit:
    """A plate outline fitted to rim points.

    Attributes:
        centre_xy: (2,) centre in the image's pixels.
        radius: mean radius in pixels (for an ellipse, the mean of its semi-axes).
        inlier_fraction: share of the rays judged whose rim point agrees with the fit (0..1).
            A ray whose rim would lie off the picture (the frame's edge, black bars) is unknown,
            not a miss, and is not judged (``RimSettings.unseen_rays_unknown``); an outline is
            judged on at least ``RimSettings.min_judged_frac`` of the rays.
        judged_fraction: share of the rays whose rim lies in the picture (1 when the whole
            outline does).
        coverage_deg: angle around the centre covered by agreeing rays (360 minus the largest gap).
        residual_rms: RMS distance of the agreeing points from the outline, pixels.
        axes: (2,) semi-axes (major, minor) of the ellipse fitted to the agreeing points, NaN
            when there were too few of them or too little coverage.
        angle_deg: direction of the major axis in [0, 180), NaN when not fitted.
        points: (K, 2) the agreeing rim points.
    """

    centre_xy: FloatArray
    radius: float
    inlier_fraction: float
    judged_fraction: float
    coverage_deg: float
    residual_rms: float
    axes: FloatArray
    angle_deg: float
    points: FloatArray

    @property
    def axis_ratio(self) -> float:
        return float(self.axes[1] / self.axes[0]) if self.axes[0] > 0 else math.nan


def gradients(image: npt.NDArray[np.uint8]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Sobel derivatives in levels per pixel: (gx, gy), each (H, W) float32.

    For a colour (H, W, 3) image each pixel takes the channel whose gradient is strongest, so a
    green plate in front of a gray shirt of the same brightness still has an edge.
    """
    gx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
    gy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
    if gx.ndim == 3:
        # The channel of the largest squared gradient, the first on a tie (as ``argmax``), chosen
        # plane by plane: NumPy's argmax along a last axis of 3 costs many times more.
        x, x1, x2 = cv2.split(gx)
        y, y1, y2 = cv2.split(gy)
        m0, m1, m2 = x * x + y * y, x1 * x1 + y1 * y1, x2 * x2 + y2 * y2
        first = m1 > m0
        np.copyto(x, x1, where=first)
        np.copyto(y, y1, where=first)
        last = m2 > np.maximum(m0, m1)
        np.copyto(x, x2, where=last)
        np.copyto(y, y2, where=last)
        gx, gy = x, y
    return np.asarray(gx, dtype=np.float32), np.asarray(gy, dtype=np.float32)


def cast_rays(
    gx: npt.NDArray[np.float32],
    gy: npt.NDArray[np.float32],
    centre_xy: FloatArray,
    *,
    r_min: float,
    r_max: float,
    settings: RimSettings,
    near_radius: float | FloatArray | None = None,
    picture: Rect | None = None,
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_], FloatArray]:
    """The strongest radial edge on each of ``settings.n_rays`` rays between ``r_min`` and ``r_max``.

    Parameters:
        gx, gy: (H, W) image derivatives (see ``gradients``).
        centre_xy: (2,) where the rays start.
        r_min, r_max: the band searched along each ray, pixels from ``centre_xy``.
        settings: rays, sample step, the weakest edge (``min_edge_levels_px``) and what counts as
            a clear or a radial edge.
        near_radius: when given, each ray takes the edge nearest this radius among its clear
            edges (local peaks of at least ``clear_edge_frac`` times its strongest and
            ``clear_edge_factor`` times the weakest edge) instead of the strongest. Where the plate is seen against another
            plate just behind it, the strongest edge is that plate's outline against the
            background, a few pixels outside, and the plate's own edge is the weaker one.
            A (n_rays,) array gives each ray its own radius (where its rim was last seen).
        picture: (x0, y0, x1, y1) the part of the image that is picture, in its pixels (black
            bars filled with the picture's edge lie outside it); None: the whole image.

    Returns:
        points (n_rays, 2) sub-pixel edge positions, strength (n_rays,) gradient at them,
        valid (n_rays,) True where the edge is strong enough and inside the picture, and
        reach (n_rays,) how far from ``centre_xy`` each ray stays in the picture (inf when to
        ``r_max``). With ``settings.unseen_rays_unknown`` a ray is searched up to where it leaves
        the picture; off, a ray leaving the image is not valid at all and reach is inf.
    """
    n_rays, step_px, min_edge = settings.n_rays, settings.ray_step_px, settings.min_edge_levels_px
    cos, sin, rows = _rays(n_rays)
    n_samples = max(3, math.ceil((r_max - r_min) / step_px) + 1)
    radii = _samples(r_min, r_max, n_samples)
    map_x = (centre_xy[0] + cos[:, None] * radii).astype(np.float32)
    map_y = (centre_xy[1] + sin[:, None] * radii).astype(np.float32)
    sx = cv2.remap(gx, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    sy = cv2.remap(gy, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    radial = sx * cos[:, None] + sy * sin[:, None]
    along = np.abs(radial)
    score = np.where(along >= settings.radial_frac * np.hypot(sx, sy), along, 0.0)
    height, width = gx.shape
    if settings.unseen_rays_unknown:
        x0, y0, x1, y1 = (0.0, 0.0, float(width), float(height)) if picture is None else picture
        in_picture = (map_x >= x0) & (map_x <= x1 - 1) & (map_y >= y0) & (map_y <= y1 - 1)
        # A ray is searched up to where it first leaves the picture.
        end = np.where(in_picture.all(axis=1), n_samples, np.argmin(in_picture, axis=1))
        score = np.where(np.arange(n_samples)[None, :] < end[:, None], score, 0.0)
        reach = np.where(end >= n_samples, np.inf, radii[np.maximum(end - 1, 0)])
        reach = np.where(end > 0, reach, 0.0)
    else:
        inside = (map_x[:, -1] >= 0) & (map_x[:, -1] < width) & (map_y[:, -1] >= 0) & (map_y[:, -1] < height)
        end = np.where(inside, n_samples, 0)
        reach = _unbounded(n_rays)
    best = np.argmax(score, axis=1)
    if near_radius is not None:
        peak = np.zeros_like(score, dtype=bool)
        peak[:, 1:-1] = (score[:, 1:-1] >= score[:, :-2]) & (score[:, 1:-1] >= score[:, 2:])
        strongest = score[rows, best]
        clear = peak & (
            score
            >= np.maximum(settings.clear_edge_factor * min_edge, settings.clear_edge_frac * strongest)[
                :, None
            ]
        )
        near = np.asarray(near_radius, dtype=np.float64)
        off = radii - near if near.ndim == 0 else radii[None, :] - near[:, None]
        distance = np.where(clear, np.abs(off), np.inf)
        nearest = np.argmin(distance, axis=1)
        best = np.where(np.isfinite(distance[rows, nearest]), nearest, best)
    strength = score[rows, best]  # float64 already (radial is)
    # Sub-pixel peak: a parabola through the best sample and its neighbours (``best`` is a sample's
    # index, so the neighbours' need clipping on one side only).
    left = score[rows, np.maximum(best - 1, 0)]
    right = score[rows, np.minimum(best + 1, n_samples - 1)]
    denom = left - 2.0 * strength + right
    shift = np.where(np.abs(denom) > 1e-9, 0.5 * (left - right) / np.where(denom == 0, 1, denom), 0)
    shift = np.minimum(np.maximum(shift, -0.5), 0.5)
    radius = radii[best] + shift * (radii[1] - radii[0])
    points = np.empty((n_rays, 2))
    points[:, 0] = centre_xy[0] + cos * radius
    points[:, 1] = centre_xy[1] + sin * radius
    interior = (best > 0) & (best < np.minimum(end, n_samples) - 1)  # a peak, not the band's end
    valid = (strength >= min_edge) & interior
    return points, strength, valid, reach


def _samples(start: float, stop: float, n: int) -> FloatArray:
    """``np.linspace(start, stop, n)`` for n >= 2, bit for bit, without its Python-level overhead
    (cast_rays runs a few times a fitted rim)."""
    out = np.arange(n, dtype=np.float64)
    out *= (stop - start) / (n - 1)
    out += start
    out[-1] = stop
    return out


@cache
def _unbounded(n_rays: int) -> FloatArray:
    """(n_rays,) inf, made once (read-only: shared by every call)."""
    out = np.full(n_rays, np.inf)
    out.setflags(write=False)
    return out


@cache
def _rays(n_rays: int) -> tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]:
    """The rays' directions (cos, sin of ``2 pi k / n_rays``) and their indices ``k``, made once
    (read-only: shared by every call)."""
    angles = np.arange(n_rays) * (2.0 * math.pi / n_rays)
    out = (np.cos(angles), np.sin(angles), np.arange(n_rays))
    for array in out:
        array.setflags(write=False)
    return out


def fit_circle(points: FloatArray) -> tuple[FloatArray, float]:
    """Least-squares circle through (K, 2) points, K >= 3: algebraic start, geometric refinement.

    Returns (centre (2,), radius); NaN when the points are degenerate (collinear or too few).
    """
    nan = (np.full(2, np.nan), math.nan)
    if points.shape[0] < 3:
        return nan
    total = np.add.reduce(points, axis=0)
    mean = total / points.shape[0]  # as ``points.mean(axis=0)``, without its overhead
    x, y = (points - mean).T  # centred for conditioning
    z = x * x + y * y
    sx, sy, n = float(_sum(x)), float(_sum(y)), float(x.size)
    solution = _solve_symmetric3(
        (float(x @ x), float(x @ y), sx, float(y @ y), sy, n),
        (-float(x @ z), -float(y @ z), -float(_sum(z))),
    )
    if solution is None:
        return nan
    cx, cy = -solution[0] / 2.0, -solution[1] / 2.0
    r2 = cx * cx + cy * cy - solution[2]
    if not math.isfinite(r2) or r2 <= 0:
        return nan
    radius = math.sqrt(r2)
    for _ in range(2):  # Gauss-Newton on the geometric distance
        dx, dy = x - cx, y - cy
        dist = np.maximum(np.hypot(dx, dy), 1e-9)
        # The Jacobian's columns are (-u, -v, -1) and e the residuals; the signs are folded into the
        # sums below (negating is exact, so the sums are those of the negated columns, negated).
        u, v, e = dx / dist, dy / dist, dist - radius
        delta = _solve_symmetric3(
            (float(u @ u), float(u @ v), float(_sum(u)), float(v @ v), float(_sum(v)), n),
            (float(u @ e), float(v @ e), float(_sum(e))),
        )
        if delta is None:
            return nan
        cx, cy, radius = cx + delta[0], cy + delta[1], radius + delta[2]
    return np.array([cx + mean[0], cy + mean[1]]), radius


def fit_centre_fixed_radius(points: FloatArray, radius: float, start_xy: FloatArray) -> FloatArray:
    """Centre of a circle of known ``radius`` through (K, 2) points (a short arc is enough)."""
    cx, cy = float(start_xy[0]), float(start_xy[1])
    px, py = points[:, 0], points[:, 1]
    for _ in range(4):  # Gauss-Newton on the geometric distance
        dx, dy = px - cx, py - cy
        dist = np.maximum(np.hypot(dx, dy), 1e-9)
        # The Jacobian's columns are (-u, -v), e the residuals (signs folded in, as in fit_circle).
        u, v, e = dx / dist, dy / dist, dist - radius
        a, b, d = float(u @ u), float(u @ v), float(v @ v)
        det = a * d - b * b
        if det == 0.0 or not math.isfinite(det):
            return np.full(2, np.nan)
        ru, rv = float(u @ e), float(v @ e)
        cx, cy = cx + (d * ru - b * rv) / det, cy + (a * rv - b * ru) / det
    return np.array([cx, cy])


#: ``ndarray.sum`` without its Python-level wrapper (the same pairwise sum).
_sum = np.add.reduce


def _solve_symmetric3(
    m: tuple[float, float, float, float, float, float], rhs: tuple[float, float, float]
) -> tuple[float, float, float] | None:
    """The solution of the symmetric 3x3 system ``m`` (upper triangle: m00, m01, m02, m11, m12,
    m22) times x = ``rhs``, by cofactors; None when singular. The fits' normal equations are tiny,
    and NumPy's general solver costs far more per call than the arithmetic (the plate tracker
    solves some 40 of them a frame)."""
    a, b, c, d, e, f = m
    c00, c01, c02 = d * f - e * e, c * e - b * f, b * e - c * d
    det = a * c00 + b * c01 + c * c02
    if det == 0.0 or not math.isfinite(det):
        return None
    c11, c12, c22 = a * f - c * c, b * c - a * e, a * d - b * b
    r0, r1, r2 = rhs
    return (
        (c00 * r0 + c01 * r1 + c02 * r2) / det,
        (c01 * r0 + c11 * r1 + c12 * r2) / det,
        (c02 * r0 + c12 * r1 + c22 * r2) / det,
    )


def coverage_deg(points: FloatArray, centre_xy: FloatArray) -> float:
    """Angle around ``centre_xy`` spanned by (K, 2) points: 360 minus the largest angular gap."""
    if points.shape[0] < 2:
        return 0.0
    d = points - centre_xy
    angles = np.sort(np.degrees(np.arctan2(d[:, 1], d[:, 0])))
    largest = max(float(np.max(angles[1:] - angles[:-1])), float(angles[0] + 360.0 - angles[-1]))
    return 360.0 - largest


def fit_ellipse(points: FloatArray) -> tuple[FloatArray, FloatArray, float]:
    """Direct least-squares ellipse through (K, 2) points, K >= 6.

    Returns (centre (2,), semi-axes (major, minor) (2,), major-axis angle in degrees [0, 180)).
    """
    (cx, cy), (w, h), angle = cv2.fitEllipseDirect(points.astype(np.float32))
    if w >= h:
        axes, major_angle = np.array([w, h]) / 2.0, angle
    else:
        axes, major_angle = np.array([h, w]) / 2.0, angle + 90.0
    return np.array([cx, cy], dtype=np.float64), axes.astype(np.float64), float(major_angle % 180.0)


def _ellipse_residuals(
    points: FloatArray, centre: FloatArray, axes: FloatArray, angle_deg: float
) -> FloatArray:
    """Approximate distance of each point from the ellipse, pixels (signed: outside positive)."""
    theta = math.radians(angle_deg)
    d = points - centre
    u = d[:, 0] * math.cos(theta) + d[:, 1] * math.sin(theta)
    v = -d[:, 0] * math.sin(theta) + d[:, 1] * math.cos(theta)
    rho = np.hypot(u / axes[0], v / axes[1])
    dist = np.hypot(u, v)
    out: FloatArray = np.where(rho > 1e-9, dist * (1.0 - 1.0 / np.where(rho > 1e-9, rho, 1)), 0.0)
    return out


def fit_rim(
    gx: npt.NDArray[np.float32],
    gy: npt.NDArray[np.float32],
    centre_xy: FloatArray,
    radius: float,
    *,
    settings: RimSettings,
    band: tuple[float, float],
    fixed_radius: float | None = None,
    hold_radius: bool = False,
    prefer_near: bool = False,
    prefer_near_first: bool = False,
    profile: FloatArray | None = None,
    picture: Rect | None = None,
) -> RimFit | None:
    """Fit the outline of a plate near a guessed circle.

    Parameters:
        gx, gy: (H, W) derivatives of the gray image (see ``gradients``).
        centre_xy: (2,) guessed centre; radius: guessed radius, pixels.
        settings: rays, edges, the tolerance of a rim point (``tolerance_radii``, at least
            ``min_tolerance_px``), the trimmed refits and the ellipse fit.
        band: the radial search band as fractions of ``radius``.
        fixed_radius: when given, the radius used whenever the agreeing points cover less than
            ``settings.arc_coverage_deg`` of the circle (an arc alone cannot tell the radius; the
            body may hide the rest).
        hold_radius: use ``fixed_radius`` always, fitting only the centre. Edges of something
            just outside the plate (another plate behind it) can then not pull the fit into a
            larger circle through part of each outline.
        prefer_near: in the last, narrow pass each ray takes the clear edge nearest the fitted
            outline rather than the strongest (see ``cast_rays``'s ``near_radius``).
        prefer_near_first: the same in the first pass, from the guess (for a guess known to
            be within a few pixels).
        profile: (n_rays,) where each ray found the rim last time, as a fraction of the radius
            (``rim_profile``); with ``prefer_near``, each ray takes the clear edge nearest there.
            Seen off-axis, a stack of plates shows the rims of several plates of the same size,
            each offset along the bar, and a circle through part of each fits as well as one
            plate's own; each ray keeping to the edge it found before keeps to one plate.
        picture: the part of the image that is picture (see ``cast_rays``); None: all of it.

    Returns:
        The fit, or None when fewer than ``settings.min_rays`` rays found a rim that agrees.
    """
    n_rays, tolerance, min_rays = settings.n_rays, settings.tolerance_radii, settings.min_rays
    centre = np.asarray(centre_xy, dtype=np.float64)
    fit_r = radius
    inliers = np.zeros(n_rays, dtype=bool)
    points = np.empty((0, 2))
    reach = np.full(n_rays, np.inf)
    narrow = (
        1.0 - settings.narrow_band_tolerances * tolerance,
        1.0 + settings.narrow_band_tolerances * tolerance,
    )
    for (lo, hi), near in ((band, prefer_near_first), (narrow, prefer_near)):
        points, _, valid, reach = cast_rays(
            gx,
            gy,
            centre,
            r_min=lo * fit_r,
            r_max=hi * fit_r,
            settings=settings,
            near_radius=(fit_r if profile is None else fit_r * profile) if near else None,
            picture=picture,
        )
        if np.count_nonzero(valid) < min_rays:
            return None
        inliers = valid  # replaced, never changed in place
        for loose in (*settings.trim_radii, tolerance):  # trimmed refits, tightening the tolerance
            new_centre, new_r = _fit(points[inliers], centre, fixed_radius, hold_radius, settings)
            if not math.isfinite(new_r):
                return None
            res = np.abs(np.hypot(*(points - new_centre).T) - new_r)
            keep = valid & (res <= max(settings.min_tolerance_px, loose * new_r))
            if np.count_nonzero(keep) < min_rays:
                return None
            inliers, centre, fit_r = keep, new_centre, new_r
        if not settings.min_fit_radii * radius <= fit_r <= settings.max_fit_radii * radius:
            return None
    rim = points[inliers]
    res = np.hypot(*(rim - centre).T) - fit_r
    axes, angle = np.full(2, np.nan), math.nan
    cover = coverage_deg(rim, centre)
    if rim.shape[0] >= settings.ellipse_min_rays and cover >= settings.ellipse_min_coverage_deg:
        e_centre, e_axes, e_angle = fit_ellipse(
            points[
                valid
                & (np.abs(np.hypot(*(points - centre).T) - fit_r) <= settings.ellipse_band_radii * fit_r)
            ]
        )
        if (
            np.all(np.isfinite(e_axes))
            and e_axes[1] > settings.ellipse_min_minor_radii * fit_r
            and e_axes[0] < settings.ellipse_max_major_radii * fit_r
        ):
            axes, angle = e_axes, e_angle
            if e_axes[1] / e_axes[0] < settings.ellipse_max_axis_ratio:  # clearly an ellipse: judge
                e_res = _ellipse_residuals(points, e_centre, e_axes, e_angle)  # the points against it
                keep = valid & (np.abs(e_res) <= max(settings.min_tolerance_px, tolerance * fit_r))
                if np.count_nonzero(keep) >= min_rays:
                    inliers, centre, fit_r = keep, e_centre, float(e_axes.mean())
                    rim, res = points[keep], e_res[keep]
                    cover = coverage_deg(rim, centre)
    # Rays whose rim (with its tolerance) would lie off the picture are unknown, not misses; but
    # only while enough of the outline is in the picture to show a circle, clearly found over an arc
    # long enough to fix the centre, and only for an outline that is a plate's where it is seen
    # (texture at the frame's edge is not).
    rms = math.sqrt(float(_sum(res * res)) / res.size) if res.size else math.nan  # np.mean, bit for bit
    judged = reach >= (1.0 + tolerance) * fit_r
    share = float((inliers & judged).sum() / max(1, judged.sum()))
    if not judged.all() and (
        judged.sum() < settings.min_judged_frac * n_rays
        or share < settings.min_seen_rim_frac
        or cover < settings.min_seen_arc_deg
        or outline(share, rms / fit_r, settings=settings) < settings.min_outline_frac
    ):
        judged, share = np.ones(n_rays, dtype=bool), float(inliers.sum() / n_rays)
    return RimFit(
        centre_xy=centre,
        radius=float(fit_r),
        inlier_fraction=share,
        judged_fraction=float(judged.sum() / n_rays),
        coverage_deg=cover,
        residual_rms=rms,
        axes=axes,
        angle_deg=angle,
        points=rim,
    )


def vertical_extent(
    gx: npt.NDArray[np.float32],
    gy: npt.NDArray[np.float32],
    centre_xy: FloatArray,
    radius: float,
    *,
    settings: RimSettings,
    picture: Rect | None = None,
) -> tuple[float, float]:
    """How far the outline reaches above and below ``centre_xy`` (pixels): the strongest radial edge
    on the rays straight up and straight down and ``settings.vertical_spread_rays`` on each side of
    them, within ``settings.vertical_band_radii`` of ``radius``; each end the median of its rays, NaN
    unless every one of them found an edge within a tolerance of it (``tolerance_radii``) in the
    picture."""
    lo, hi = settings.vertical_band_radii
    points, _, valid, _ = cast_rays(
        gx, gy, centre_xy, r_min=lo * radius, r_max=hi * radius, settings=settings, picture=picture
    )
    n, k = settings.n_rays, settings.vertical_spread_rays
    reach = np.hypot(*(points - centre_xy).T)
    ends = []
    for middle in (3 * n // 4, n // 4):  # up (y falls), down
        rays = [(middle + d) % n for d in range(-k, k + 1)]
        end = float(np.median(reach[rays]))
        tolerance = max(settings.min_tolerance_px, settings.tolerance_radii * end)
        clear = valid[rays].all() and not np.any(np.abs(reach[rays] - end) > tolerance)
        ends.append(end if clear else math.nan)
    return ends[0], ends[1]


def _fit(
    points: FloatArray,
    start: FloatArray,
    fixed_radius: float | None,
    hold_radius: bool,
    settings: RimSettings,
) -> tuple[FloatArray, float]:
    if fixed_radius is not None and (hold_radius or coverage_deg(points, start) < settings.arc_coverage_deg):
        return fit_centre_fixed_radius(points, fixed_radius, start), fixed_radius
    return fit_circle(points)


def rim_profile(fit: RimFit, *, n_rays: int) -> FloatArray:
    """(n_rays,) distance of ``fit``'s rim points from its centre on each ray, as a fraction of its
    radius (rays ``2 pi k / n_rays`` as in ``cast_rays``); NaN on rays without a rim point."""
    d = fit.points - fit.centre_xy
    k = np.rint(np.arctan2(d[:, 1], d[:, 0]) * (n_rays / (2.0 * math.pi))).astype(np.int64) % n_rays
    out = np.full(n_rays, np.nan)
    out[k] = np.hypot(d[:, 0], d[:, 1]) / fit.radius
    return out


def outline(inlier_fraction: float, scatter: float, *, settings: RimSettings) -> float:
    """How plate-like a fitted outline is (0..1): ``inlier_fraction`` less for ``scatter`` (the RMS
    distance of the rim points from the outline over its radius; see ``RimSettings.use_scatter``
    and ``min_outline_frac``)."""
    if not settings.use_scatter:
        return inlier_fraction
    return inlier_fraction * math.exp(-0.5 * (scatter / settings.scatter_scale_radii) ** 2)


def fit_outline(fit: RimFit, *, settings: RimSettings) -> float:
    """``outline`` of a fitted rim."""
    return outline(fit.inlier_fraction, fit.residual_rms / fit.radius, settings=settings)
