"""The lifter's body as a second ruler, and which way the camera looks at it.

Segment lengths are fixed fractions of stature (Drillis & Contini 1966, as tabulated in D. A. Winter,
*Biomechanics and Motor Control of Human Movement*, 4th ed., 2009, fig. 4.1): thigh (hip to knee)
0.245 H, shank (knee to ankle) 0.246 H. Measured in pixels, each gives metres per pixel once a
stature is assumed. The legs are the ruler: in a side view they move in the image plane in every
lift (the arms holding a bar on the back point at the camera). A segment looks shorter when it
points at the camera, never longer, so each segment's length is a high percentile of its per-frame
lengths (``length_percentile``), over frames where both ends were seen well and neither was hidden
behind the plate (a joint behind the near plate is MediaPipe's guess).

The bar's scale is the plate's, and the near plate is nearer the camera than the lifter's near leg
(it sits 0.4-0.5 m further out along the bar), so the body's scale is converted to the plate's plane:
by D / (D + 0.45 m) for a camera D metres from the plate, which lies between 0.82 (a phone 2 m away,
about as close as a whole lifter fits in the picture) and 1 (far away). What the body can say about
the plate's scale therefore spans three unknowns, multiplied: that factor, the lifter's stature
against the 1.75 m assumed (adult lifters: 1.50-2.00 m) and MediaPipe's landmark placement
(``pose_error_frac``). ``BodyScale.low``..``high`` is that span; the likely value (a camera 3 m away,
a lifter 1.75 m tall) is the scale used when no plate can be trusted.

The camera's view comes from the shoulders of both sides: seen side-on they overlap, seen from the
front they are a shoulder width apart. Between MediaPipe's shoulder landmarks (the joints' centres:
the biacromial breadth, 0.259 H, less the deltoids) lie about 0.18 H, and its torso (shoulder to hip
landmarks) is about 0.30 H, so the separation over the torso's length is about 0.6 sin(a) at a view
a degrees off the side. A shoulder or hip inside the near plate's disc is behind the plate, where
the pose only guesses it (a back squat's plate covers both shoulders in a side view, and the guess puts
them a shoulder width apart): those frames say nothing about the view.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from vbt.types import FloatArray

#: Segment: (first point, second point, length as a fraction of stature). Drillis & Contini 1966.
SEGMENTS: dict[str, tuple[str, str, float]] = {
    "thigh": ("hip", "knee", 0.245),
    "shank": ("knee", "ankle", 0.246),
}

#: The shoulder landmarks' breadth (~0.18 H) over the torso's length (~0.30 H), seen from the front.
SHOULDERS_OVER_TORSO = 0.6


@dataclass(frozen=True)
class BodySettings:
    """How the body's scale and the camera's view are measured.

    Attributes:
        stature_m: the lifter's standing height; the default is a middle of adult lifters. Giving
            the real one narrows the body scale's spread to the pose's own error.
        stature_range_m: the statures the default stands for (sets the spread when ``stature_m`` is
            not the lifter's own). Widening it accepts more plate scales as agreeing but lets
            wrong plates through.
        stature_known: True when ``stature_m`` is the lifter's own.
        plate_lead_m: how much nearer the camera the near plate is than the lifter's near leg.
        min_camera_distance_m: the closest a camera can be to the plate and still show the lifter;
            with ``plate_lead_m`` it sets the least plate-plane factor (see the module docstring).
        typical_camera_distance_m: the distance of the likely value.
        pose_error_frac: the pose's own error on the legs' length, as a fraction: landmarks are
            joint centres guessed from the outline, and on real side-on clips a lifter's thigh and
            shank disagree with their stature fractions by up to 20 %, so their mean by about 15 %.
            Raising it accepts more disagreement (and more wrong plates).
        min_visibility: both ends of a segment must be at least this visible in a frame.
        min_frames: a segment needs this many such frames to count.
        length_percentile: the per-frame lengths' percentile taken as the segment's length (high:
            the in-plane length; too high and landmark jitter inflates it).
        min_segments: segments needed for a body scale.
        max_segment_disagreement_frac: when a segment's scale differs by more than this from the
            segments' median, the legs were not seen as legs (a landmark stuck on the bar or the
            plate, another person): no body scale.
    """

    stature_m: float = 1.75
    stature_range_m: tuple[float, float] = (1.50, 2.00)
    stature_known: bool = False
    plate_lead_m: float = 0.45
    min_camera_distance_m: float = 2.0
    typical_camera_distance_m: float = 3.0
    pose_error_frac: float = 0.15
    min_visibility: float = 0.5
    min_frames: int = 5
    length_percentile: float = 90.0
    min_segments: int = 2
    max_segment_disagreement_frac: float = 0.25


@dataclass(frozen=True)
class BodyScale:
    """Metres per pixel from the lifter's segments.

    Attributes:
        metres_per_px: the plate plane's likely scale by the body (camera 3 m away, lifter 1.75 m).
        low, high: the range the plate plane's scale can take, over the camera distances, statures
            and pose errors allowed (see the module docstring).
        segments_m_per_px: each segment's own scale.
        stature_m: the stature assumed.
    """

    metres_per_px: float
    low: float
    high: float
    segments_m_per_px: dict[str, float] = field(default_factory=dict)
    stature_m: float = math.nan

    def agrees_with(self, metres_per_px: float) -> bool:
        """True when another scale lies within this one's range."""
        return self.low <= metres_per_px <= self.high

    def ratio(self, metres_per_px: float) -> float:
        """Another scale over this one (1: the same)."""
        return metres_per_px / self.metres_per_px

    def radius_range_px(self, diameter_m: float) -> tuple[float, float]:
        """The radii, in pixels, a plate of ``diameter_m`` can have in the picture by this scale."""
        return 0.5 * diameter_m / self.high, 0.5 * diameter_m / self.low


def _point(
    points: FloatArray, visibility: FloatArray, names: tuple[str, ...], name: str
) -> tuple[FloatArray, FloatArray]:
    i = names.index(name)
    return points[:, i, :], visibility[:, i]


def hidden_by_plate(
    points_xy_px: FloatArray, bar_xy_px: FloatArray | None, plate_radius_px: FloatArray | None
) -> npt.NDArray[np.bool_]:
    """(N,) True where a point (N, 2) lies inside the plate's disc ((N, 2) centre, (N,) radius):
    behind the near plate in a side view, so where the pose put it is a guess. False where unknown."""
    if bar_xy_px is None or plate_radius_px is None:
        return np.zeros(points_xy_px.shape[0], dtype=bool)
    with np.errstate(invalid="ignore"):
        return np.asarray(np.hypot(*(points_xy_px - bar_xy_px).T) < plate_radius_px)


def segment_lengths_px(
    body_xy_px: FloatArray,
    body_visibility: FloatArray,
    point_names: tuple[str, ...],
    *,
    bar_xy_px: FloatArray | None = None,
    plate_radius_px: FloatArray | None = None,
    settings: BodySettings | None = None,
) -> dict[str, float]:
    """Each segment's length in pixels (both sides pooled); segments seen too rarely are left out.

    Parameters:
        body_xy_px: (N, B, 2) body points per frame, NaN where not seen.
        body_visibility: (N, B) 0..1.
        point_names: the B names, ``{left,right}_{shoulder,elbow,wrist,hip,knee,ankle,...}``.
        bar_xy_px, plate_radius_px: (N, 2) and (N,) the plate's centre and radius per frame (NaN
            where unseen): ends inside the plate are hidden behind it and not measured.
    """
    settings = settings or BodySettings()
    lengths: dict[str, float] = {}
    for segment, (a, b, _) in SEGMENTS.items():
        pooled = []
        for side in ("left", "right"):
            pa, va = _point(body_xy_px, body_visibility, point_names, f"{side}_{a}")
            pb, vb = _point(body_xy_px, body_visibility, point_names, f"{side}_{b}")
            good = (np.nan_to_num(va) >= settings.min_visibility) & (
                np.nan_to_num(vb) >= settings.min_visibility
            )
            good &= ~hidden_by_plate(pa, bar_xy_px, plate_radius_px)
            good &= ~hidden_by_plate(pb, bar_xy_px, plate_radius_px)
            length = np.hypot(*(pa - pb).T)
            pooled.append(length[good & np.isfinite(length)])
        values = np.concatenate(pooled)
        if values.size >= settings.min_frames:
            lengths[segment] = float(np.percentile(values, settings.length_percentile))
    return lengths


def body_scale(
    body_xy_px: FloatArray,
    body_visibility: FloatArray,
    point_names: tuple[str, ...],
    *,
    bar_xy_px: FloatArray | None = None,
    plate_radius_px: FloatArray | None = None,
    settings: BodySettings | None = None,
) -> BodyScale | None:
    """The plate plane's metres per pixel by the lifter's legs, and its range; None when the legs
    were not seen well enough (or disagree with each other).

    See ``segment_lengths_px`` for the inputs. Segments are combined by their median scale, and
    must agree with it within ``max_segment_disagreement_frac``.
    """
    settings = settings or BodySettings()
    lengths = segment_lengths_px(
        body_xy_px,
        body_visibility,
        point_names,
        bar_xy_px=bar_xy_px,
        plate_radius_px=plate_radius_px,
        settings=settings,
    )
    scales = {
        name: SEGMENTS[name][2] * settings.stature_m / length
        for name, length in lengths.items()
        if length > 0
    }
    if len(scales) < settings.min_segments:
        return None
    middle = float(np.median(list(scales.values())))
    if any(abs(value / middle - 1.0) > settings.max_segment_disagreement_frac for value in scales.values()):
        return None
    body_plane = float(np.mean(list(scales.values())))
    if settings.stature_known:
        lo_h = hi_h = 1.0
    else:
        lo_h = settings.stature_range_m[0] / settings.stature_m
        hi_h = settings.stature_range_m[1] / settings.stature_m
    lead = settings.plate_lead_m
    least_factor = settings.min_camera_distance_m / (settings.min_camera_distance_m + lead)
    likely_factor = settings.typical_camera_distance_m / (settings.typical_camera_distance_m + lead)
    error = settings.pose_error_frac
    low = body_plane * least_factor * lo_h * (1.0 - error)
    high = body_plane * hi_h * (1.0 + error)
    return BodyScale(
        metres_per_px=body_plane * likely_factor,
        low=low,
        high=high,
        segments_m_per_px=scales,
        stature_m=settings.stature_m,
    )


def view_angle_deg(
    body_xy_px: FloatArray,
    body_visibility: FloatArray,
    point_names: tuple[str, ...],
    *,
    min_visibility: float = 0.0,
    bar_xy_px: FloatArray | None = None,
    plate_radius_px: FloatArray | None = None,
) -> float:
    """How far the camera looks from the lifter's side, degrees (0 side-on, 90 from the front or
    back); NaN when the shoulders and hips were never seen together.

    ``bar_xy_px`` (N, 2) and ``plate_radius_px`` (N,): the plate seen face-on, per frame (NaN where
    unseen); frames where a shoulder or hip lies inside its disc are not used (the pose guesses
    what the plate hides).

    The shoulders' horizontal separation over the torso's length, over frames where the torso is
    upright in the image (shoulders above hips by more than their separation), is about
    ``SHOULDERS_OVER_TORSO`` sin(angle) (see the module docstring). The far side's points count
    however little visible (in a side view they are guessed through the body, and still overlap
    the near side's).
    """
    ls, vls = _point(body_xy_px, body_visibility, point_names, "left_shoulder")
    rs, vrs = _point(body_xy_px, body_visibility, point_names, "right_shoulder")
    lh, vlh = _point(body_xy_px, body_visibility, point_names, "left_hip")
    rh, vrh = _point(body_xy_px, body_visibility, point_names, "right_hip")
    seen: npt.NDArray[np.bool_] = np.ones(ls.shape[0], dtype=bool)
    for v in (vls, vrs, vlh, vrh):
        seen &= np.nan_to_num(v) >= min_visibility
    for point in (ls, rs, lh, rh):
        seen &= ~hidden_by_plate(point, bar_xy_px, plate_radius_px)
    shoulders = 0.5 * (ls + rs)
    hips = 0.5 * (lh + rh)
    torso = np.hypot(*(shoulders - hips).T)
    upright = (hips[:, 1] - shoulders[:, 1]) > 0.7 * torso
    separation = np.abs(ls[:, 0] - rs[:, 0])
    use = seen & upright & np.isfinite(torso) & (torso > 0)
    if not use.any():
        return math.nan
    ratio = float(np.median(separation[use] / torso[use]))
    return math.degrees(math.asin(min(1.0, ratio / SHOULDERS_OVER_TORSO)))
