"""The rendered camera and the static scene behind the lift: a gym (wall, platform, racks, plates on
the wall, dumbbells) or a plain wall, drawn once per clip and deterministic from a seed.

Geometry: a level pinhole camera looks square at the near plate. The near plate's plane (depth 0)
is where ``metres_per_px`` holds; a point ``depth_m`` behind it projects towards the principal point
by ``distance_m / (distance_m + depth_m)``. Image coordinates: x right, y down, pixel centres at
integers (OpenCV's convention); the lifter faces right (+x is forward).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from vbt.errors import InputError
from vbt.types import FloatArray

Image = npt.NDArray[np.uint8]

#: Depths behind the near plate (m): the lifter's sagittal plane, the far plate, the back wall.
LIFTER_DEPTH_M = 0.7
FAR_PLATE_DEPTH_M = 1.4
WALL_DEPTH_M = 3.5
SHIFT = 4  # cv2 drawing with 4 fractional bits: positions to 1/16 px
_ONE = 1 << SHIFT


def fixed(v: float) -> int:
    """A coordinate for cv2 drawing with ``shift=SHIFT``."""
    return round(v * _ONE)


@dataclass(frozen=True)
class Camera:
    """A level pinhole camera square to the near plate.

    Attributes:
        width_px, height_px: image size.
        metres_per_px: scale in the near plate's plane.
        origin_xy_px: (x, y) pixel of the point (0 m, 0 m) of the set's axes in that plane (y = 0 is
            the floor).
        distance_m: camera to the near plate's plane.
    """

    width_px: int
    height_px: int
    metres_per_px: float
    origin_xy_px: tuple[float, float]
    distance_m: float = 4.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.metres_per_px) and self.metres_per_px > 0):
            raise InputError(f"metres_per_px must be a positive number, got {self.metres_per_px}")

    @property
    def principal_px(self) -> FloatArray:
        return np.array([(self.width_px - 1) / 2.0, (self.height_px - 1) / 2.0])

    def scale_at(self, depth_m: float) -> float:
        """Image size of a length at ``depth_m`` relative to the same length at the near plate."""
        return self.distance_m / (self.distance_m + depth_m)

    def project(self, xy_m: npt.ArrayLike, *, depth_m: float = 0.0) -> FloatArray:
        """(..., 2) metres (x forward, y up) in the plane ``depth_m`` behind the near plate -> pixels."""
        xy = np.asarray(xy_m, dtype=np.float64)
        near = np.stack(
            [
                self.origin_xy_px[0] + xy[..., 0] / self.metres_per_px,
                self.origin_xy_px[1] - xy[..., 1] / self.metres_per_px,
            ],
            axis=-1,
        )
        if depth_m == 0.0:
            return near
        pp = self.principal_px
        out: FloatArray = pp + (near - pp) * self.scale_at(depth_m)
        return out

    def floor_y_px(self, depth_m: float) -> float:
        """Image row of the floor at ``depth_m``."""
        return float(self.project(np.array([0.0, 0.0]), depth_m=depth_m)[1])


def fit_camera(
    bar_xy_m: FloatArray,
    *,
    size_px: tuple[int, int],
    plate_radius_m: float,
    metres_per_px: float | None = None,
    top_m: float = 1.9,
) -> Camera:
    """A camera that keeps the plate whole over the bar path (N, 2) and shows the floor.

    With ``metres_per_px`` None the scale is chosen so that the floor (at 90 % of the height) and
    the higher of ``top_m`` and the plate's top, plus 8 cm, fit in the frame.
    """
    width, height = size_px
    finite = bar_xy_m[np.all(np.isfinite(bar_xy_m), axis=1)]
    if finite.shape[0] == 0:
        raise InputError("the bar path has no finite point to frame")
    floor_row = 0.9 * (height - 1)
    top = max(top_m, float(finite[:, 1].max()) + plate_radius_m) + 0.08
    mpp = metres_per_px if metres_per_px is not None else top / (floor_row - 0.02 * height)
    x_mid = 0.5 * (float(finite[:, 0].min()) + float(finite[:, 0].max()))
    origin = (0.5 * (width - 1) - x_mid / mpp, floor_row)
    camera = Camera(width_px=width, height_px=height, metres_per_px=mpp, origin_xy_px=origin)
    path = camera.project(finite)
    r_px = plate_radius_m / mpp
    low, high = path.min(axis=0) - r_px, path.max(axis=0) + r_px
    if low[0] < 0 or low[1] < 0 or high[0] > width - 1 or high[1] > height - 1:
        raise InputError(
            f"at {mpp:.5f} m/px the plate leaves the {width}x{height} frame; use a smaller "
            "metres_per_px (or None to fit it)"
        )
    return camera


def _lowfreq(rng: np.random.Generator, shape: tuple[int, int], cells: int, amplitude: float) -> FloatArray:
    """(H, W) smooth noise in [-amplitude, amplitude]."""
    h, w = shape
    small = rng.uniform(
        -amplitude, amplitude, (max(2, h * cells // max(h, w)), max(2, w * cells // max(h, w)))
    )
    out: FloatArray = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC).astype(np.float64)
    return out


def _colour(
    rng: np.random.Generator, choices: list[tuple[int, int, int]], jitter: int = 12
) -> tuple[int, int, int]:
    base = choices[int(rng.integers(0, len(choices)))]
    j = rng.integers(-jitter, jitter + 1, 3)
    b, g, r = (int(np.clip(c + d, 0, 255)) for c, d in zip(base, j, strict=True))
    return b, g, r


def draw_background(
    camera: Camera, *, kind: str, seed: int, keep_clear_px: tuple[float, float, float, float] | None = None
) -> Image:
    """(H, W, 3) BGR scene without the lift: ``"gym"`` (cluttered) or ``"plain"``.

    ``keep_clear_px`` (x0, y0, x1, y1): no plate-like object is put in this box (the bar's path), so
    the only discs there are the bar's own.
    """
    if kind not in ("gym", "plain"):
        raise InputError(f"background must be 'gym' or 'plain', got {kind!r}")
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 7]))
    h, w = camera.height_px, camera.width_px
    wall_base = camera.floor_y_px(WALL_DEPTH_M)
    image = np.zeros((h, w, 3), np.uint8)
    wall = _colour(rng, [(170, 170, 168), (150, 160, 175), (120, 110, 100), (80, 80, 84), (185, 195, 200)])
    if kind == "gym":  # black rubber, as in most gyms (a black plate on it is hard to see)
        floor = _colour(rng, [(38, 38, 40), (55, 52, 50), (30, 30, 32)], 6)
    else:  # a plain, lighter floor: the easy control condition
        floor = _colour(rng, [(95, 100, 105), (120, 120, 118), (80, 90, 100)], 8)
    image[: int(wall_base) + 1] = wall
    image[int(wall_base) + 1 :] = floor
    if kind == "gym":
        _gym(image, camera, rng, keep_clear_px)
    else:
        cv2.line(image, (0, round(wall_base)), (w - 1, round(wall_base)), (60, 60, 60), 2, cv2.LINE_AA)
    # Light from above: brighter top, darker corners; rubber and paint are never flat.
    rows = np.linspace(1.08, 0.9, h)[:, None]
    yy, xx = np.mgrid[0:h, 0:w]
    vignette = 1.0 - 0.25 * (((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2)
    shade = rows * vignette * (1.0 + _lowfreq(rng, (h, w), 12, 0.06))
    lit = image.astype(np.float64) * shade[..., None]
    out: Image = np.clip(lit, 0, 255).astype(np.uint8)
    return out


def _gym(
    image: Image,
    camera: Camera,
    rng: np.random.Generator,
    keep_clear_px: tuple[float, float, float, float] | None,
) -> None:
    h, w = image.shape[:2]
    mpp_wall = camera.metres_per_px / camera.scale_at(WALL_DEPTH_M)
    wall_base = camera.floor_y_px(WALL_DEPTH_M)
    left_m = (0 - camera.principal_px[0]) * mpp_wall
    right_m = (w - camera.principal_px[0]) * mpp_wall
    # Concrete blocks: mortar lines every 0.2 m, staggered joints every 0.4 m.
    mortar = tuple(int(c * 0.82) for c in image[0, 0])
    top_m = (wall_base + 1) * mpp_wall
    for row in range(int(top_m / 0.2) + 1):
        y_px = wall_base - row * 0.2 / mpp_wall
        cv2.line(image, (0, fixed(y_px)), (fixed(w), fixed(y_px)), mortar, 1, cv2.LINE_AA, SHIFT)
        x = left_m - (0.2 if row % 2 else 0.0)
        while x < right_m:
            x_px = camera.principal_px[0] + x / mpp_wall
            y_up = y_px - 0.2 / mpp_wall
            cv2.line(
                image, (fixed(x_px), fixed(y_px)), (fixed(x_px), fixed(y_up)), mortar, 1, cv2.LINE_AA, SHIFT
            )
            x += 0.4
    # A poster and a window band.
    for _ in range(int(rng.integers(1, 3))):
        x0 = rng.uniform(left_m, right_m)
        y0 = rng.uniform(1.4, 2.2)
        colour = _colour(rng, [(40, 60, 180), (160, 120, 30), (30, 30, 30), (220, 220, 220)], 25)
        _wall_box(image, camera, x0, y0, x0 + rng.uniform(0.4, 0.9), y0 + rng.uniform(0.5, 0.9), colour)
    # Power racks against the wall: uprights with holes, a crossmember, J-hooks.
    steel = _colour(rng, [(25, 25, 28), (30, 30, 140), (120, 60, 20)], 8)
    for _ in range(int(rng.integers(1, 3))):
        x0 = rng.uniform(left_m - 0.3, right_m - 1.0)
        for x in (x0, x0 + 1.2):
            _wall_box(image, camera, x, 0.0, x + 0.075, 2.3, steel)
            for y in np.arange(0.4, 2.2, 0.1):
                _wall_box(image, camera, x + 0.03, y, x + 0.045, y + 0.02, (15, 15, 15))
        _wall_box(image, camera, x0, 2.25, x0 + 1.275, 2.3, steel)
        _wall_box(image, camera, x0 - 0.05, 1.3, x0 + 0.08, 1.34, (160, 160, 165))
    # Dumbbells on a shelf.
    shelf_x = rng.uniform(left_m, right_m - 1.5)
    _wall_box(image, camera, shelf_x, 0.55, shelf_x + 1.5, 0.6, (50, 50, 55))
    for k in range(int(rng.integers(4, 8))):
        cx = shelf_x + 0.1 + k * 0.2
        head = float(rng.uniform(0.05, 0.09))
        _wall_box(image, camera, cx - 0.05, 0.6, cx + 0.05, 0.6 + 2 * head, (30, 30, 32))
    # Plates leaning on the wall (discs a plate search may look at: further away, so smaller).
    for _ in range(int(rng.integers(2, 6))):
        x = rng.uniform(left_m + 0.3, right_m - 0.3)
        r_m = float(rng.choice([0.225, 0.225, 0.2, 0.16]))
        centre = camera.project(np.array([0.0, r_m]), depth_m=WALL_DEPTH_M - 0.15)
        centre[0] = camera.principal_px[0] + x / mpp_wall
        r_px = r_m / camera.metres_per_px * camera.scale_at(WALL_DEPTH_M - 0.15)
        if keep_clear_px is not None:
            x0, y0, x1, y1 = keep_clear_px
            if x0 - r_px < centre[0] < x1 + r_px and y0 - r_px < centre[1] < y1 + r_px:
                continue
        colour = _colour(rng, [(30, 30, 32), (40, 40, 170), (160, 80, 30), (40, 170, 210), (60, 130, 40)], 8)
        draw_simple_plate(image, centre, r_px, colour)
    # The platform: rubber near and far, wood in the middle, seen in perspective.
    wood = _colour(rng, [(70, 120, 170), (90, 140, 185)], 10)
    rb, rg, rr = (int(c * 1.3) for c in image[-1, 0])
    rubber = (rb, rg, rr)
    for d0, d1, colour in ((-0.5, 0.2, rubber), (0.2, 1.2, wood), (1.2, 1.9, rubber)):
        quad = np.array(
            [
                camera.project(np.array([-1.4, 0.0]), depth_m=d0),
                camera.project(np.array([1.4, 0.0]), depth_m=d0),
                camera.project(np.array([1.4, 0.0]), depth_m=d1),
                camera.project(np.array([-1.4, 0.0]), depth_m=d1),
            ]
        )
        cv2.fillPoly(image, [np.round(quad * (1 << SHIFT)).astype(np.int32)], colour, cv2.LINE_AA, SHIFT)
    speckle = rng.normal(0, 5, (h, w, 1)) * (np.arange(h)[:, None, None] > wall_base)
    image[:] = np.clip(image + speckle, 0, 255).astype(np.uint8)


def _wall_box(
    image: Image, camera: Camera, x0: float, y0: float, x1: float, y1: float, colour: tuple[int, ...]
) -> None:
    """A rectangle on the back wall; x in metres from the optical axis, y up from the floor."""
    mpp_wall = camera.metres_per_px / camera.scale_at(WALL_DEPTH_M)
    base = camera.floor_y_px(WALL_DEPTH_M)
    px0 = camera.principal_px[0] + x0 / mpp_wall
    px1 = camera.principal_px[0] + x1 / mpp_wall
    py0, py1 = base - y0 / mpp_wall, base - y1 / mpp_wall
    cv2.rectangle(image, (fixed(px0), fixed(py1)), (fixed(px1), fixed(py0)), colour, -1, cv2.LINE_AA, SHIFT)


def draw_simple_plate(image: Image, centre_px: FloatArray, r_px: float, colour: tuple[int, ...]) -> None:
    """A plate without lettering (background plates): disc, rim lip, hub, bore."""
    c = (fixed(float(centre_px[0])), fixed(float(centre_px[1])))
    lip = tuple(min(255, int(v * 1.4) + 10) for v in colour)
    cv2.circle(image, c, fixed(r_px), colour, -1, cv2.LINE_AA, SHIFT)
    cv2.circle(image, c, fixed(0.95 * r_px), lip, max(1, round(0.04 * r_px)), cv2.LINE_AA, SHIFT)
    cv2.circle(image, c, fixed(0.22 * r_px), (170, 170, 175), -1, cv2.LINE_AA, SHIFT)
    cv2.circle(image, c, fixed(0.11 * r_px), (20, 20, 20), -1, cv2.LINE_AA, SHIFT)
