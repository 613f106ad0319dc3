"""Circles by gradient voting, optionally among the edges that moved: proposals for the plate search.

OpenCV's Hough circles miss plates now and then: a plate half hidden against a black floor, or
against a poster or a shirt of the same brightness, while a wall plate seen whole against a bright
wall is found every time. Voting along the colour gradient (``rim.gradients``), each
vote weighted by 1/radius, ranks a half-seen outline by the share of it that is there, and
finds the plate among the first few peaks. Plates leaning on a wall, a plate in a rack, a wheel
on the wall never move; the bar's plates do: voting only with the edges that changed since an
earlier image finds the loaded plate once the bar moves.

Pure functions on reduced images (no state); coordinates are (x, y) pixels of the images given.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.bar.settings import VoteSettings
from vbt.types import FloatArray


def voted_circles(
    gx: npt.NDArray[np.float32],
    gy: npt.NDArray[np.float32],
    *,
    motion: npt.NDArray[np.uint8] | None = None,
    r_lo: float,
    r_hi: float,
    min_edge: float,
    max_circles: int,
    settings: VoteSettings,
) -> list[tuple[float, float, float]]:
    """Circles outlined by the image's edges (with ``motion``: by the edges that moved).

    Every edge pixel (gradient at least ``settings.strong_edge_factor * min_edge``), with
    ``motion`` only those where it reaches ``settings.min_motion_levels`` (within one pixel),
    votes for the centres along its gradient, both ways, at every radius in [``r_lo``, ``r_hi``],
    each vote weighted by 1/radius: a whole circle's outline gives about 2π votes at its centre
    whatever its size, a half-seen one about π, a straight edge spreads its votes along a line.
    Each peak (at least ``settings.min_votes``) gives a circle; its radius is the one most of the
    voters that point at it agree on.

    Parameters:
        gx, gy: (H, W) image derivatives (``rim.gradients``).
        motion: (H, W) absolute gray difference from an earlier image of the same size, or None
            for every edge.
        r_lo, r_hi: radii searched, pixels.
        min_edge: the weakest edge, gray levels per pixel (``RimSettings.min_edge_levels_px``).

    Returns:
        Up to ``max_circles`` (x, y, radius), the strongest first.
    """
    h, w = gx.shape
    magnitude = np.hypot(gx, gy)
    edges = magnitude >= settings.strong_edge_factor * min_edge
    if motion is not None:
        edges &= cv2.dilate(motion, np.ones((3, 3), np.uint8)) >= settings.min_motion_levels
    ys, xs = np.nonzero(edges)
    if xs.size == 0 or r_hi < r_lo:
        return []
    m = magnitude[ys, xs]
    dx, dy = gx[ys, xs] / m, gy[ys, xs] / m
    radii = np.arange(r_lo, r_hi + 1.0, 1.0)
    votes = _votes(xs, ys, dx, dy, radii, (h, w))
    # Rounding spreads a centre over a pixel or two: sum each 3 x 3 neighbourhood.
    acc = cv2.boxFilter(votes.reshape(h, w).astype(np.float32), -1, (3, 3), normalize=False)
    window = np.ones((settings.peak_window_px, settings.peak_window_px), np.uint8)
    peaks = (acc == cv2.dilate(acc, window)) & (acc >= settings.min_votes)
    py, px = np.nonzero(peaks)
    order = np.argsort(acc[py, px])[::-1]
    out: list[tuple[float, float, float]] = []
    for i in order:
        centre = np.array([float(px[i]), float(py[i])])
        if any(
            math.hypot(centre[0] - x, centre[1] - y) < settings.peak_separation_radii * r for x, y, r in out
        ):
            continue
        radius = _agreed_radius(xs, ys, dx, dy, centre, r_lo=r_lo, r_hi=r_hi, min_cos=settings.min_radial_cos)
        if math.isfinite(radius):
            out.append((float(centre[0]), float(centre[1]), radius))
        if len(out) == max_circles:
            break
    return out


#: Votes are cast this many (edge pixel, radius) pairs at a time: arrays that stay in the processor's
#: cache (256 KiB of float64), rather than one pass over all of them per step.
_VOTES_AT_ONCE = 1 << 15


def _votes(
    xs: npt.NDArray[np.intp],
    ys: npt.NDArray[np.intp],
    dx: FloatArray,
    dy: FloatArray,
    radii: FloatArray,
    shape: tuple[int, int],
) -> FloatArray:
    """(H * W,) the votes of every edge pixel (``xs``, ``ys``, its unit gradient ``dx``, ``dy``) for
    the pixels ``radii`` away along its gradient, both ways, each weighted by 1/radius.

    Each pixel's total is summed in one ``np.bincount`` per direction, its votes in the order of
    (edge pixel, radius) (the order sets a float sum's last bits); the votes' pixels are found a
    block of ``_VOTES_AT_ONCE`` at a time, in float64 throughout (exact for the pixels' integers
    and the directions, float32 from ``voted_circles``), and those outside the image go to one extra bin dropped at the end.
    """
    h, w = shape
    n, k = xs.size, radii.size
    outside_bin = h * w
    weights = np.broadcast_to(1.0 / radii[None, :], (n, k)).ravel()
    xs_f, ys_f = xs.astype(np.float64)[:, None], ys.astype(np.float64)[:, None]
    step = max(1, _VOTES_AT_ONCE // k)
    cells = np.empty((n, k), dtype=np.int64)
    fx, fy = np.empty((step, k)), np.empty((step, k))
    cx = np.empty((step, k), dtype=np.int64)
    outside, outside_y = np.empty((step, k), dtype=bool), np.empty((step, k), dtype=bool)
    votes = np.zeros(h * w, dtype=np.float64)
    for sign in (1.0, -1.0):
        along_x, along_y = (sign * dx).astype(np.float64)[:, None], (sign * dy).astype(np.float64)[:, None]
        for a in range(0, n, step):
            b = min(n, a + step)
            x, y, col, cell = fx[: b - a], fy[: b - a], cx[: b - a], cells[a:b]
            np.multiply(along_x[a:b], radii[None, :], out=x)
            x += xs_f[a:b]
            np.rint(x, out=x)
            col[...] = x
            np.multiply(along_y[a:b], radii[None, :], out=y)
            y += ys_f[a:b]
            np.rint(y, out=y)
            cell[...] = y
            np.greater_equal(col.view(np.uint64), w, out=outside[: b - a])  # negative: huge unsigned
            np.greater_equal(cell.view(np.uint64), h, out=outside_y[: b - a])
            outside[: b - a] |= outside_y[: b - a]
            cell *= w
            cell += col
            cell[outside[: b - a]] = outside_bin
        votes += np.bincount(cells.ravel(), weights=weights, minlength=outside_bin + 1)[:outside_bin]
    return votes


def _agreed_radius(
    xs: npt.NDArray[np.intp],
    ys: npt.NDArray[np.intp],
    dx: FloatArray,
    dy: FloatArray,
    centre: FloatArray,
    *,
    r_lo: float,
    r_hi: float,
    min_cos: float,
) -> float:
    """The radius most edge pixels pointing at ``centre`` (within ``min_cos``) agree on (as a share
    of the outline)."""
    ox, oy = xs - centre[0], ys - centre[1]
    distance = np.hypot(ox, oy)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.abs(ox * dx + oy * dy) / distance
    pointing = (distance >= r_lo) & (distance <= r_hi) & (cos >= min_cos)
    if not pointing.any():
        return math.nan
    bins = np.arange(math.floor(r_lo), math.ceil(r_hi) + 2, 1.0)
    hist, _ = np.histogram(distance[pointing], bins=bins, weights=1.0 / distance[pointing])
    hist = np.convolve(hist, np.ones(3), mode="same")
    k = int(np.argmax(hist))
    return float(bins[k] + 0.5)


def voted_centre(
    gx: npt.NDArray[np.float32],
    gy: npt.NDArray[np.float32],
    guess_xy: FloatArray,
    *,
    radius: float,
    reach: float,
    min_edge: float,
    settings: VoteSettings,
    off_image: bool = False,
) -> FloatArray | None:
    """The centre, within ``reach`` of ``guess_xy``, that most edges agree on at a known ``radius``.

    Every edge pixel (gradient at least ``settings.strong_edge_factor * min_edge``) votes for the
    points ``radius`` (+- ``settings.centre_band_px``) pixels away along its gradient, both ways. A plate's whole outline piles its votes on the
    centre; rings of other radii (a smaller plate in front, lettering, a thick plate's edge seen
    off-axis) spread theirs over a circle about it. Where a fit from a guess a few pixels off can
    settle on a circle through part of each ring, the votes single out the one outline of that
    radius.

    Parameters:
        gx, gy: (H, W) image derivatives (``rim.gradients``).
        guess_xy: (2,) where the centre is believed to be.
        radius: the outline's radius, pixels (at least 2).
        reach: largest distance of the centre from ``guess_xy``, pixels.
        min_edge: the weakest edge, gray levels per pixel (``RimSettings.min_edge_levels_px``).
        off_image: the centre may lie outside the image (a plate cut by the frame's edge, its
            centre above the top of the picture); False: it is looked for inside only.

    Returns:
        (2,) the centre (pixel precision), or None when no edge votes within ``reach``.
    """
    h, w = gx.shape
    magnitude = np.hypot(gx, gy)
    ys, xs = np.nonzero(magnitude >= settings.strong_edge_factor * min_edge)
    # Only edges about ``radius`` from the guess can vote for a centre within ``reach`` of it (a
    # pixel more for rounding).
    band = settings.centre_band_px
    d = np.hypot(xs - guess_xy[0], ys - guess_xy[1])
    ring = np.abs(d - radius) <= reach + (band + 1.0)
    ys, xs = ys[ring], xs[ring]
    if xs.size == 0 or radius < 2.0:
        return None
    m = magnitude[ys, xs]
    dx, dy = gx[ys, xs] / m, gy[ys, xs] / m
    x0, y0 = math.floor(guess_xy[0] - reach) - 1, math.floor(guess_xy[1] - reach) - 1
    x1, y1 = math.ceil(guess_xy[0] + reach) + 2, math.ceil(guess_xy[1] + reach) + 2
    if not off_image:
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 <= x0 or y1 <= y0:
        return None
    bw, bh = x1 - x0, y1 - y0  # votes are counted in the box about the guess only
    steps = np.array([-radius - band, -radius, -radius + band, radius - band, radius, radius + band])
    cx = np.rint(xs[:, None] + dx[:, None] * steps[None, :]).astype(np.int64).ravel() - x0
    cy = np.rint(ys[:, None] + dy[:, None] * steps[None, :]).astype(np.int64).ravel() - y0
    inside = (cx >= 0) & (cx < bw) & (cy >= 0) & (cy < bh)
    votes = np.bincount(cy[inside] * bw + cx[inside], minlength=bw * bh).astype(np.float32)
    acc = cv2.boxFilter(votes.reshape(bh, bw), -1, (3, 3), normalize=False)
    xx, yy = np.arange(x0, x1)[None, :], np.arange(y0, y1)[:, None]  # the box's pixels (ogrid's)
    acc[(xx - guess_xy[0]) ** 2 + (yy - guess_xy[1]) ** 2 > reach * reach] = 0.0
    k = int(np.argmax(acc))
    if acc.flat[k] <= 0.0:
        return None
    return np.array([float(x0 + k % bw), float(y0 + k // bw)])
