"""The bar seen from the front (or the back): the two plate stacks edge-on at the bar's ends.

Filmed from the front, the plates are tall narrow shapes at both ends of the bar, parallel to the
image plane and at the bar's depth. Each stack's outline has a horizontal top and bottom edge one
plate diameter apart (450 mm for every bumper plate and every 15-25 kg competition disc: IWF
Technical and Competition Rules and Regulations, 2.1.2 discs; 450 mm is also the standard for 20 kg /
45 lb discs: IPF Technical Rules, plates), centred on the bar. The search, per frame:

- from the wrists (pose): the bar is near their height, and each stack lies outside one hand, where
  the bar's inner collars put it (1310 mm apart: IWF TCRR 2.1.1, men's and women's bars; IPF
  Technical Rules: 1.31-1.32 m);
- for every candidate radius ``r`` and centre height ``y``, each column beside the hand scores the
  weaker of its two horizontal edges at ``y - r`` and ``y + r`` (a plate has both; the floor, a
  banner or the bar itself has one, or the wrong spacing), each less its row's median over the
  search (a line across the whole picture, a banner's edge or the floor's, is not a plate's: a
  plate's edges end at its faces); a stack is a run of such columns at least a disc thick, and its score the
  best run's mean;
- the two stacks must agree: the same radius, centres at nearly the same height (the bar is
  horizontal). Their mean centre is the bar; half the plate's height is the plate's radius, the
  scale (``radius_px`` of the detection, as a side view's circle); the gap between the stacks'
  inner faces is a second ruler (``inner_gap_px``).

One stack hidden (the lifter's body, the frame's edge) or the two disagreeing: the frame is not
measured (NaN), never a guess from one side. ``EdgeOnPlateTracker`` wraps this as a ``BarTracker``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from vbt.capture.bar.types import BarDetection, BarMethod, check_frame
from vbt.types import FloatArray, Frame

#: The plate's outer diameter, metres (IWF TCRR 2.1.2; IPF Technical Rules: 450 mm +/- 1 mm).
PLATE_DIAMETER_M = 0.45
#: Between the bar's inner collars, metres (IWF TCRR 2.1.1: 1310 mm, men's and women's bars; IPF:
#: 1.31-1.32 m). The plates' inner faces sit on the collars' flanges, about 30 mm thick each (IWF
#: bars: the inner collar's flange), so the discs' inner faces are this plus twice the flange apart.
INNER_COLLARS_M = 1.31
COLLAR_FLANGE_M = 0.03


@dataclass(frozen=True)
class EdgeOnSettings:
    """Settings of the edge-on plate search (``find_edge_on_plates``).

    Attributes:
        work_radius_px: the frame is reduced so that the middle candidate radius is about this many
            pixels (never enlarged); every whole plate height in the reduced frame is a candidate,
            the best refined between them. Raising it measures the radius more finely but costs
            time (quadratically).
        centre_band_radii: the bar's centre is searched within this many candidate radii above and
            below the wrists' mean height (the wrist landmarks sit 0.05-0.10 m from the bar: a
            quarter to half a radius; overhead, the bar is above them). Raising it finds a bar far
            from the wrists but lets more horizontal edges (a banner, the floor) in.
        inner_face_m: where a stack's inner face may lie, metres (at the plates' scale) from the
            hands' midpoint along the bar (low, high): half the inner collars' distance plus the
            flange (0.685 m) with a grip off-centre by up to 0.15 m either way, and as little as
            0.3 m when the bar is turned up to 45 degrees from the image plane (its length then
            foreshortened by cos 45, the plates' height not). Widening it finds stacks on a turned
            or off-centre bar but searches more of the background.
        hand_margin_m: a stack's inner face lies outside the wrist on its side, less this, metres:
            the plates and the hands are both on the bar, the hands inside the inner collars, so
            in the picture the plates are beyond the hands however the bar is turned. The hand
            lies between the wrist's axis and the inner face, so the face is at least half a hand's
            breadth beyond the wrist; the wrist landmark errs along the bar by up to a hand's
            breadth (it is placed within the hand's outline); the margin is the difference, half a
            hand's breadth, for large hands too: 0.10 m (ANSUR II, Gordon et al. 2014: men's mean
            hand breadth 8.9 cm, women's 7.8 cm; about 10 cm at the men's 99th percentile).
            Lowering it keeps the lifter's legs and arms (edges between the hands) out of the
            search more surely, but loses plates when the wrist is placed outside the grip.
        stack_width_m: how far outward from its inner face a stack is searched, metres (a sleeve's
            loadable length is 0.415 m on IWF bars: TCRR 2.1.1). Raising it is harmless but costs time.
        min_thickness_m: the thinnest stack, metres: a 10 kg competition disc is about 0.04 m thick
            (one disc must be on the bar for it to be edge-on and measured). Raising it rejects thin
            horizontal marks (lettering) but loses bars with one thin disc.
        blur_px: the image is smoothed by a Gaussian of this sigma before its vertical gradient is
            taken (compression noise). Raising it steadies edges but merges near ones.
        min_edge_levels_px: a stack's score (the weaker of its two edges, gray levels per pixel, the
            strongest colour channel) must be at least this. Raising it rejects faint shapes but
            loses dark plates in a dark gym.
        max_radius_ratio: the two stacks' radii may differ by this factor at most (the bar is
            parallel to the image plane: both plates are at the same depth). Raising it measures
            more frames, with a less certain scale.
        max_tilt_radii: the two stacks' centres may differ in height by this many radii at most
            (a bar tilted by 10 degrees across the 1.37 m between stacks: 0.24 m, about one radius).
            Raising it accepts tilted bars and also two unrelated shapes.
        confident_edge_levels_px: a detection's confidence is its weaker stack's score over this
            (at most 1); the scale is taken from detections of confidence 0.6 and more
            (``vbt.capture.track.MIN_SCALE_CONFIDENCE``). Raising it takes the scale from the
            clearest frames only (fewer, sharper), lowering it from more.
    """

    work_radius_px: float = 32.0
    hand_margin_m: float = 0.5 * 0.10
    centre_band_radii: float = 0.6
    inner_face_m: tuple[float, float] = (0.30, 0.85)
    stack_width_m: float = 0.42
    min_thickness_m: float = 0.04
    blur_px: float = 1.0
    min_edge_levels_px: float = 6.0
    max_radius_ratio: float = 1.12
    max_tilt_radii: float = 1.0
    confident_edge_levels_px: float = 20.0


@dataclass(frozen=True)
class Stack:
    """One stack of plates seen edge-on.

    Attributes:
        centre_y_px: the plate's centre height (the bar's), frame pixels.
        radius_px: half the plate's height, frame pixels.
        inner_x_px, outer_x_px: the stack's inner and outer faces (towards and away from the lifter).
        score: the weaker of the top and bottom edges, mean over the stack's columns (levels per px).
    """

    centre_y_px: float
    radius_px: float
    inner_x_px: float
    outer_x_px: float
    score: float


@dataclass(frozen=True)
class EdgeOnPlates:
    """Both stacks of a frame, and what they measure."""

    left: Stack
    right: Stack

    @property
    def centre_xy_px(self) -> FloatArray:
        """(2,) the bar's centre: midway between the stacks' inner faces, at their mean height."""
        x = 0.5 * (self.left.inner_x_px + self.right.inner_x_px)
        y = 0.5 * (self.left.centre_y_px + self.right.centre_y_px)
        return np.array([x, y])

    @property
    def radius_px(self) -> float:
        """The plate's radius, pixels: the mean of the two stacks'."""
        return 0.5 * (self.left.radius_px + self.right.radius_px)

    @property
    def inner_gap_px(self) -> float:
        """Between the two stacks' inner faces, pixels."""
        return self.right.inner_x_px - self.left.inner_x_px


def _edge_image(image_bgr: np.ndarray, blur_px: float) -> FloatArray:
    """(H, W) the strongest colour channel's vertical gradient magnitude, levels per pixel: whole
    eighths of a level (8-bit levels, smoothed to 8-bit levels, by Sobel's integer weights over 8),
    so that the sums ``_best_stack`` makes of them are exact in any order."""
    smooth = cv2.GaussianBlur(image_bgr, (0, 0), blur_px) if blur_px > 0 else image_bgr
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    magnitude = np.abs(gy, out=gy)
    # The strongest channel, three at a time (NumPy's max over an axis of three is several times slower).
    strongest = np.maximum(np.maximum(magnitude[..., 0], magnitude[..., 1]), magnitude[..., 2])
    strongest /= 8.0  # Sobel's weights sum to 8 per unit step
    edges: FloatArray = strongest.astype(np.float64)
    return edges


#: The sum of an array's values (``np.sum``'s own reduction, without its wrapper's cost).
_add = np.add.reduce
#: NumPy's sum adds fewer values than this one by one from the first (more, pairwise, in eight
#: partial sums), so a Python loop over so few gives the same sum to the last bit, sooner.
_ONE_BY_ONE = 8


class _EdgeProfile:
    """Where the edges of a profile lie (``centroid``), ``profile`` an edge strength per row (at least
    0, the mean over a stack's columns), its values walked as Python floats and each row's and each
    run's centroid found once (many radii find the same stack)."""

    def __init__(self, profile: FloatArray) -> None:
        self.profile = profile
        self.values: list[float] = profile.tolist()
        self.by_row: dict[int, float] = {}
        self.by_peak: dict[int, float] = {}

    def centroid(self, row: int) -> float:
        """Where an edge lies, rows: the centroid of the profile over the run of rows about its peak
        near ``row`` that hold at least half the peak. A sharp edge gives its own row (to a
        fraction); an edge smeared by motion over ``d`` rows gives a band ``d`` long of even
        strength, whose centroid is the edge at mid-exposure. NaN without an edge there."""
        found = self.by_row.get(row)
        if found is None:
            found = self.by_row[row] = self._centroid(row)
        return found

    def _centroid(self, row: int) -> float:
        values = self.values
        if not 0 <= row < len(values) or not values[row] > 0:
            return math.nan
        lo, hi = _half_peak_run(values, row)
        # The run's own peak sets the half-maximum (the row found may sit on the band's shoulder).
        peak = max(range(lo, hi + 1), key=values.__getitem__)  # the first of equal peaks, as argmax
        found = self.by_peak.get(peak)
        if found is None:
            lo, hi = _half_peak_run(values, peak)
            if hi + 1 - lo < _ONE_BY_ONE:
                total = weighted = 0.0
                for i in range(lo, hi + 1):
                    total += values[i]
                    weighted += values[i] * i
            else:
                weights = self.profile[lo : hi + 1]
                total, weighted = _add(weights), _add(weights * np.arange(lo, hi + 1))
            found = self.by_peak[peak] = float(weighted / total)
        return found


def _half_peak_run(values: list[float], row: int) -> tuple[int, int]:
    """The first and last index of the run about ``row`` whose values are at least half ``values[row]``."""
    floor = 0.5 * values[row]
    lo = hi = row
    while lo > 0 and values[lo - 1] >= floor:
        lo -= 1
    while hi < len(values) - 1 and values[hi + 1] >= floor:
        hi += 1
    return lo, hi


def _best_stack(
    edges: FloatArray,
    *,
    hands_x_px: float,
    wrist_x_px: float,
    hands_y_px: float,
    direction: int,
    radii_px: FloatArray,
    settings: EdgeOnSettings,
) -> tuple[FloatArray, FloatArray, list[tuple[float, float, float]], FloatArray]:
    """Per candidate radius: the best stack's score and centre height, its faces (inner, outer)
    with the score, and its radius measured between its edges' centroids (``_EdgeProfile.centroid``), on
    one side (``direction`` +1 right, -1 left) of the hands' midpoint."""
    height, width = edges.shape
    scores = np.zeros(radii_px.size)
    centres = np.full(radii_px.size, np.nan)
    measured = np.full(radii_px.size, np.nan)
    faces: list[tuple[float, float, float]] = []

    def span(r: float) -> tuple[int, int]:
        px_per_m = r / (PLATE_DIAMETER_M / 2)
        near = hands_x_px + direction * settings.inner_face_m[0] * px_per_m
        # The plates are on the bar outside the hands, whichever way the bar is turned (both are on it).
        near = hands_x_px + direction * max(
            direction * (near - hands_x_px),
            direction * (wrist_x_px - hands_x_px) - settings.hand_margin_m * px_per_m,
        )
        far = hands_x_px + direction * (settings.inner_face_m[1] + settings.stack_width_m) * px_per_m
        x0, x1 = sorted((round(near), round(far)))
        return max(x0, 0), min(x1, width - 1)

    # A plate's edges end at its faces; a line across the whole search (a banner's edge, the
    # floor's) is not a plate's: each row's median over the widest search is taken off its edges,
    # once for every radius (below zero: no edge of a plate's).
    x_lo, x_hi = span(float(radii_px.max()))
    row_median = (
        np.median(edges[:, x_lo : x_hi + 1], axis=1)[:, None] if x_hi > x_lo else np.zeros((height, 1))
    )
    above = np.maximum(edges - row_median, 0.0)  # (H, W)
    # Each stack's columns' mean edge per row, by the columns: radii close together often find a
    # stack between the same faces. Sums of these edges are exact (``_edge_image``: whole eighths of
    # a level; less a median, whole sixteenths under 128, of which float64 adds up to 2**42 exactly),
    # so a row's sum over columns is a difference of its running sums, and a run's sum is the same
    # however it is added.
    profiles: dict[tuple[int, int], _EdgeProfile] = {}
    running = np.zeros((height, width + 1))
    np.cumsum(above, axis=1, out=running[:, 1:])
    # Room for every radius's columns' edges (rows: centres; columns: the search).
    most_rows = math.ceil(2 * settings.centre_band_radii * float(radii_px.max())) + 3
    both_buffer = np.empty((most_rows, width))
    for k, r in enumerate(radii_px.tolist()):
        px_per_m = r / (PLATE_DIAMETER_M / 2)
        x0, x1 = span(r)
        band = settings.centre_band_radii * r
        rise = int(2 * r) // 2  # top edge above the centre row; the plate is 2 r (whole) tall
        fall = int(2 * r) - rise
        y0 = max(math.floor(hands_y_px - band), rise)
        y1 = min(math.ceil(hands_y_px + band), height - 1 - fall)
        run = max(2, round(settings.min_thickness_m * px_per_m))
        if x1 - x0 < run or y1 < y0:
            faces.append((math.nan, math.nan, 0.0))
            continue
        # Rows y0..y1 are the centres: the top edge's row above each, the bottom's below; a column
        # scores the weaker of the two, and a run of ``run`` columns their mean. The sums are exact
        # (above), so the first best sum (row by row) is the first best mean: dividing by ``run``
        # keeps their order and their ties.
        ny, nx = y1 - y0 + 1, x1 - x0 + 1
        both = np.minimum(
            above[y0 - rise : y1 - rise + 1, x0 : x1 + 1],
            above[y0 + fall : y1 + fall + 1, x0 : x1 + 1],
            out=both_buffer[:ny, :nx],
        )
        # Each run's sum at its first column (the box's anchor); the last run - 1 columns' pass the end.
        sums = cv2.boxFilter(both, -1, (run, 1), anchor=(0, 0), normalize=False)[:, : nx + 1 - run]
        iy, ix = divmod(int(np.argmax(sums)), sums.shape[1])
        runs = sums[:, ix] / run  # (Ny,) the best run's means, a row each
        score = float(runs[iy])
        scores[k] = score
        centres[k] = (y0 + iy) + 0.5 * (fall - rise) + _vertex(runs, iy)
        # The stack's extent: the columns about the best run whose edges hold half its score.
        row, half = both[iy].tolist(), 0.5 * score
        lo = hi = ix + run // 2
        while lo > 0 and row[lo - 1] >= half:
            lo -= 1
        while hi < nx - 1 and row[hi + 1] >= half:
            hi += 1
        inner, outer = (x0 + lo, x0 + hi) if direction > 0 else (x0 + hi, x0 + lo)
        faces.append((float(inner), float(outer), score))
        # The two edges measured where they are: the score is the weaker edge's at two rows a whole
        # height apart, so it holds over every height the edges' bands span (a soft edge, a smear),
        # and its best falls anywhere among them (at their near end where the levels tie). Each
        # edge's centroid over the stack's columns is the edge itself, smeared or not.
        columns = (x0 + lo, x0 + hi + 1)
        profile = profiles.get(columns)
        if profile is None:
            summed = running[:, columns[1]] - running[:, columns[0]]
            profile = profiles[columns] = _EdgeProfile(summed / (columns[1] - columns[0]))
        top_y = profile.centroid(y0 + iy - rise)
        bottom_y = profile.centroid(y0 + iy + fall)
        if abs(0.5 * (bottom_y - top_y) / r - 1.0) <= 0.5:  # both edges, about a plate's height apart
            centres[k] = 0.5 * (top_y + bottom_y)
            measured[k] = 0.5 * (bottom_y - top_y)
    return scores, centres, faces, measured


def _vertex(values: FloatArray, i: int) -> float:
    """Where a parabola through ``values`` at ``i - 1, i, i + 1`` peaks, relative to ``i`` (within
    half a step; 0 at an end or where the three do not make a peak)."""
    if 0 < i < values.size - 1:
        a, b, c = values[i - 1], values[i], values[i + 1]
        denom = a - 2 * b + c
        if denom < 0:
            return float(min(0.5, max(-0.5, 0.5 * (a - c) / denom)))
    return 0.0


def _refined(scores: FloatArray, k: int, radii_px: FloatArray) -> float:
    """The radius at the score's peak, refined by a parabola through its neighbours (even steps),
    by at most half a step (``k`` is the two stacks' joint peak, not always this side's own)."""
    step = radii_px[1] - radii_px[0] if radii_px.size > 1 else 0.0
    return float(radii_px[k] + _vertex(scores, k) * step)


@dataclass(frozen=True, eq=False)
class EdgeOnCandidates:
    """Every candidate plate size of one frame's search (``edge_on_candidates``), frame pixels.

    Attributes:
        radii_px: (K,) the candidate radii, frame pixels (every whole plate height in the reduced
            frame: an even grid).
        joint_score: (K,) the weaker stack's score at each radius, 0 where the two stacks' centres are
            further apart in height than ``EdgeOnSettings.max_tilt_radii`` allows.
        scores: (2, K) each side's (left, right) score at each radius.
        centres_y_px: (2, K) each side's best centre height at each radius, frame pixels.
        faces_px: (2, K, 2) each side's inner and outer face at each radius, frame pixels.
        measured_radii_px: (2, K) each side's radius measured between its top and bottom edges'
            centroids at each radius (``_EdgeProfile.centroid``: right for a soft or smeared edge), frame
            pixels, NaN where not measured; None: the grid's radius refined by the score's peak.
    """

    radii_px: FloatArray
    joint_score: FloatArray
    scores: FloatArray
    centres_y_px: FloatArray
    faces_px: FloatArray
    measured_radii_px: FloatArray | None = None

    def side_radius_px(self, side: int, k: int) -> float:
        """Side ``side``'s (0 left, 1 right) radius at candidate ``k``: as measured between its
        edges where it was, else the grid's refined by the score's peak."""
        if self.measured_radii_px is not None and math.isfinite(self.measured_radii_px[side, k]):
            return float(self.measured_radii_px[side, k])
        return _refined(self.scores[side], k, self.radii_px)

    def plate_radii_px(self) -> FloatArray:
        """(K,) the plates' radius at each candidate: the two sides' mean (``side_radius_px``)."""
        return np.array(
            [0.5 * (self.side_radius_px(0, k) + self.side_radius_px(1, k)) for k in range(self.radii_px.size)]
        )

    def plates(self, k: int, *, settings: EdgeOnSettings) -> EdgeOnPlates | None:
        """Both stacks at candidate ``k``; None when that candidate's score is below
        ``min_edge_levels_px`` or its two stacks' radii (refined apart) are unlike."""
        if not self.joint_score[k] >= settings.min_edge_levels_px:
            return None
        left, right = (
            Stack(
                float(self.centres_y_px[side, k]),
                self.side_radius_px(side, k),
                float(self.faces_px[side, k, 0]),
                float(self.faces_px[side, k, 1]),
                float(self.scores[side, k]),
            )
            for side in (0, 1)
        )
        if (
            max(left.radius_px, right.radius_px) / min(left.radius_px, right.radius_px)
            > settings.max_radius_ratio
        ):
            return None
        return EdgeOnPlates(left=left, right=right)

    def search_radius_px(self, k: int) -> float:
        """The search's own radius at candidate ``k`` (the grid's, refined by each side's score
        peak; the two sides' mean): where both edges hold their best score, anywhere within a soft
        or smeared edge's band (its near end where the levels tie), and moved by a pair that is not
        the plates' (a stronger edge of something else)."""
        return 0.5 * sum(_refined(self.scores[side], k, self.radii_px) for side in (0, 1))

    def best_index(
        self, *, settings: EdgeOnSettings, radius_range_px: tuple[float, float] | None = None
    ) -> int | None:
        """The best-scoring candidate's index (only among those whose plates' radius,
        ``plate_radii_px``, is within ``radius_range_px``, frame pixels, when given), or None when
        it makes no plates (``plates``)."""
        joint = self.joint_score
        if radius_range_px is not None:
            radii = self.plate_radii_px()
            inside = (radii >= radius_range_px[0]) & (radii <= radius_range_px[1])
            if not inside.any():
                return None
            joint = np.where(inside, joint, -np.inf)
        k = int(np.argmax(joint))
        return None if self.plates(k, settings=settings) is None else k

    def best(
        self, *, settings: EdgeOnSettings, radius_range_px: tuple[float, float] | None = None
    ) -> EdgeOnPlates | None:
        """The best-scoring candidate's plates (``best_index``), or None."""
        k = self.best_index(settings=settings, radius_range_px=radius_range_px)
        return None if k is None else self.plates(k, settings=settings)


def edge_on_candidates(
    image_bgr: np.ndarray,
    hands_xy_px: FloatArray,
    *,
    radius_range_px: tuple[float, float] | None = None,
    settings: EdgeOnSettings | None = None,
) -> EdgeOnCandidates | None:
    """The two stacks' search in one frame at every candidate radius, or None without two wrists
    (parameters as ``find_edge_on_plates``)."""
    settings = settings or EdgeOnSettings()
    hands = np.asarray(hands_xy_px, dtype=np.float64).reshape(-1, 2)
    hands = hands[np.all(np.isfinite(hands), axis=1)]
    if hands.shape[0] < 2:
        return None
    spread_px = float(hands[:, 0].max() - hands[:, 0].min())
    if radius_range_px is None:
        radius_range_px = (0.19 * spread_px, 0.75 * spread_px)
    low, high = max(radius_range_px[0], 3.0), radius_range_px[1]
    if not high > low:
        return None
    # Only the band of rows the plates can be in, reduced to the working size.
    reduce = min(1.0, settings.work_radius_px / math.sqrt(low * high))
    mid_x, mid_y = float(hands[:, 0].mean()), float(hands[:, 1].mean())
    reach = (settings.centre_band_radii + 1.0) * high + 2 * settings.blur_px / reduce + 2
    top = max(int(mid_y - reach), 0)
    bottom = min(int(mid_y + reach) + 1, image_bgr.shape[0])
    if bottom - top < 3:
        return None
    crop = image_bgr[top:bottom]
    if reduce < 1.0:
        size = (max(1, round(crop.shape[1] * reduce)), max(1, round(crop.shape[0] * reduce)))
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    edges = _edge_image(crop, settings.blur_px)
    sx, sy = crop.shape[1] / image_bgr.shape[1], crop.shape[0] / (bottom - top)
    heights = np.arange(math.floor(2 * low * sy), math.ceil(2 * high * sy) + 1)
    radii = 0.5 * heights[heights >= 2].astype(np.float64)
    if radii.size == 0:
        return None
    mid_x, mid_y = mid_x * sx, (mid_y - top) * sy
    wrists_x = (float(hands[:, 0].min()) * sx, float(hands[:, 0].max()) * sx)
    sides = [
        _best_stack(
            edges,
            hands_x_px=mid_x,
            wrist_x_px=wrist_x,
            hands_y_px=mid_y,
            direction=d,
            radii_px=radii,
            settings=settings,
        )
        for d, wrist_x in zip((-1, 1), wrists_x, strict=True)
    ]
    scores = np.stack([side[0] for side in sides])
    centres = np.stack([side[1] for side in sides])
    faces = np.array([[face[:2] for face in side[2]] for side in sides], dtype=np.float64)
    measured = np.stack([side[3] for side in sides])
    # Both stacks at one radius (the bar's two plates are alike and at the same depth).
    joint = np.minimum(scores[0], scores[1])
    tilt_ok = np.abs(centres[0] - centres[1]) <= settings.max_tilt_radii * radii
    return EdgeOnCandidates(
        radii_px=radii / sy,
        joint_score=np.where(tilt_ok, joint, 0.0),
        scores=scores,
        centres_y_px=centres / sy + top,
        faces_px=faces / sx,
        measured_radii_px=measured / sy,
    )


def find_edge_on_plates(
    image_bgr: np.ndarray,
    hands_xy_px: FloatArray,
    *,
    radius_range_px: tuple[float, float] | None = None,
    settings: EdgeOnSettings | None = None,
) -> EdgeOnPlates | None:
    """The two plate stacks seen edge-on in one frame, or None when they are not both found alike.

    Parameters:
        image_bgr: (H, W, 3) uint8 frame.
        hands_xy_px: (2, 2) the wrists (rows may be NaN; both are needed).
        radius_range_px: the plate radii to consider, pixels (low, high); None derives them from the
            hands: the wrists are 0.3-1.2 m apart on a bar (a shoulder width at least, inside the
            inner collars), so a 0.225 m radius is 0.19-0.75 of their distance.
        settings: ``EdgeOnSettings()`` by default.
    """
    settings = settings or EdgeOnSettings()
    found = edge_on_candidates(image_bgr, hands_xy_px, radius_range_px=radius_range_px, settings=settings)
    return None if found is None else found.best(settings=settings)


def gap_ruler(inner_gaps_px: list[float], radius_px: float, *, plate_m: float) -> float:
    """The inner faces' gap over what the plates' radius says it is (1 when they agree); NaN when
    no gap was measured.

    Parameters:
        inner_gaps_px: per frame, the gap between the two stacks' inner faces, pixels.
        radius_px: the plates' radius the scale came from, pixels.
        plate_m: the plates' diameter, metres.
    """
    gaps = np.asarray(inner_gaps_px, dtype=np.float64)
    gaps = gaps[np.isfinite(gaps)]
    if gaps.size == 0 or not radius_px > 0:
        return math.nan
    expected_px = (INNER_COLLARS_M + 2 * COLLAR_FLANGE_M) * 2 * radius_px / plate_m
    return float(np.median(gaps)) / expected_px


class EdgeOnPlateTracker:
    """The bar seen from the front or the back: the centre between the two edge-on plate stacks
    (``find_edge_on_plates``), their radius as a plate's; NaN where both are not found.

    ``radius_range_px``: the plate radii to search (the lifter's body's, see
    ``vbt.calibration.body.BodyScale.radius_range_px``); None derives them from the hands each frame.
    The detection's method is ``PLATE`` (its radius is a 45 cm plate's, as a side view's circle).
    Every frame's candidates (``EdgeOnCandidates``, by the frame's time, None without both wrists)
    are kept in ``candidates``, so that the whole clip can choose among them afterwards
    (``vbt.capture.front_pass.one_radius_choice``).
    """

    method = BarMethod.PLATE

    def __init__(
        self, *, radius_range_px: tuple[float, float] | None = None, settings: EdgeOnSettings | None = None
    ) -> None:
        self.radius_range_px = radius_range_px
        self.settings = settings or EdgeOnSettings()
        self.inner_gaps_px: list[float] = []
        self.candidates: dict[float, EdgeOnCandidates | None] = {}
        self.reset()

    def reset(self) -> None:
        self._last_t_s = -math.inf
        self.inner_gaps_px = []
        self.candidates = {}

    def update(self, frame: Frame, *, hands_xy_px: FloatArray | None = None) -> BarDetection:
        """Both stacks in ``frame`` near the hands; NaN without hands or without both stacks."""
        check_frame(frame, self._last_t_s)
        self._last_t_s = frame.t_s
        if hands_xy_px is None:
            self.candidates[frame.t_s] = None
            return BarDetection.missing(frame.t_s, self.method)
        found = edge_on_candidates(
            frame.image, hands_xy_px, radius_range_px=self.radius_range_px, settings=self.settings
        )
        self.candidates[frame.t_s] = found
        plates = None if found is None else found.best(settings=self.settings)
        if plates is None:
            return BarDetection.missing(frame.t_s, self.method)
        self.inner_gaps_px.append(plates.inner_gap_px)
        return detection_of(plates, frame.t_s, settings=self.settings)


def detection_of(plates: EdgeOnPlates, t_s: float, *, settings: EdgeOnSettings) -> BarDetection:
    """The bar's detection from both stacks: their centre, their radius as a plate's, and a confidence
    of the weaker stack's score over ``confident_edge_levels_px`` (at most 1)."""
    weaker = min(plates.left.score, plates.right.score)
    return BarDetection(
        t_s=t_s,
        xy_px=plates.centre_xy_px,
        confidence=min(1.0, weaker / settings.confident_edge_levels_px),
        method=BarMethod.PLATE,
        radius_px=plates.radius_px,
    )
