"""What moves in a rendered clip: the bar's plates (a sprite turned and placed with sub-pixel
accuracy, accumulated over the exposure for motion blur) and the lifter's silhouette."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from vbt.synth.scene import SHIFT, fixed
from vbt.types import FloatArray

Image = npt.NDArray[np.uint8]
Float32 = npt.NDArray[np.float32]

#: Bumper plate colours (BGR): black training bumpers and the IWF competition colours.
PLATE_COLOURS: dict[str, tuple[int, int, int]] = {
    "black": (30, 30, 33),
    "red": (38, 38, 185),
    "blue": (165, 85, 30),
    "yellow": (35, 185, 215),
    "green": (55, 135, 45),
}
_SUPERSAMPLE = 4


@dataclass(frozen=True, eq=False)
class PlateSprite:
    """A plate drawn once, turned and placed many times.

    Attributes:
        rgba: (S, S, 4) float32, colour premultiplied by alpha (0..1), the plate's centre at
            ``((S - 1) / 2, (S - 1) / 2)``.
        radius_px: the plate's outer radius.
    """

    rgba: Float32
    radius_px: float

    @property
    def centre(self) -> float:
        return float((self.rgba.shape[0] - 1) / 2.0)


def make_plate_sprite(radius_px: float, *, colour: str, label: str, shade: float = 1.0) -> PlateSprite:
    """A bumper plate seen face-on: rim lip, face with lettering, steel hub with bolts, sleeve end.

    ``shade`` darkens the whole plate (the far plate is in the near plate's shadow).
    """
    base = PLATE_COLOURS[colour]
    ink = (235, 235, 235) if colour in ("black", "red", "blue", "green") else (25, 25, 25)
    ss = _SUPERSAMPLE
    half = math.ceil(radius_px) + 3
    size = 2 * half + 1
    big = size * ss
    c = (big - 1) / 2.0
    r = radius_px * ss
    colour_img = np.zeros((big, big, 3), np.uint8)
    alpha = np.zeros((big, big), np.uint8)

    def circle(img: npt.NDArray[np.uint8], rr: float, col: tuple[int, ...] | int, thick: int = -1) -> None:
        cv2.circle(img, (fixed(c), fixed(c)), fixed(rr), col, thick, cv2.LINE_8, SHIFT)

    edge = r - 0.5  # a filled cv2 circle reaches half a pixel past its radius
    circle(alpha, edge, 255)
    circle(colour_img, edge, base)
    lip = tuple(min(255, int(v * 1.12) + 6) for v in base)
    circle(colour_img, 0.95 * r, lip, max(1, round(0.04 * r)))
    groove = tuple(int(v * 0.6) for v in base)
    circle(colour_img, 0.9 * r, groove, max(1, round(0.012 * r)))
    circle(colour_img, 0.42 * r, groove, max(1, round(0.012 * r)))
    _lettering(colour_img, c, r, label, ink)
    circle(colour_img, 0.26 * r, (150, 152, 158))
    circle(colour_img, 0.24 * r, (185, 187, 192))
    for k in range(6):
        a = math.radians(60 * k + 30)
        bolt = (fixed(c + 0.19 * r * math.cos(a)), fixed(c + 0.19 * r * math.sin(a)))
        cv2.circle(colour_img, bolt, fixed(0.022 * r), (90, 90, 95), -1, cv2.LINE_8, SHIFT)
    circle(colour_img, 0.125 * r, (210, 212, 218))  # sleeve (50 mm of a 450 mm plate = 0.11 r)
    circle(colour_img, 0.111 * r, (225, 227, 232))
    circle(colour_img, 0.04 * r, (70, 70, 72))
    small = cv2.resize(colour_img, (size, size), interpolation=cv2.INTER_AREA).astype(np.float32)
    coverage = cv2.resize(alpha, (size, size), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    # Colour was drawn over a black surround, so averaging gives premultiplied colour at the edge.
    rgba = np.dstack([small * shade, coverage]).astype(np.float32)
    return PlateSprite(rgba=rgba, radius_px=float(radius_px))


def _lettering(image: Image, c: float, r: float, label: str, ink: tuple[int, int, int]) -> None:
    """The weight at top and bottom, a maker's name left and right, on the face (0.5..0.85 r)."""
    for text, angle in ((label, 0), (label, 180), ("VBT BUMPER", 90), ("VBT BUMPER", 270)):
        scale = 0.0045 * r if text == label else 0.0026 * r
        thick = max(1, round(scale * 2.2))
        (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, scale, thick)
        tile = np.zeros((th + 2 * thick + 4, tw + 4, 3), np.uint8)
        cv2.putText(tile, text, (2, th + thick + 1), cv2.FONT_HERSHEY_DUPLEX, scale, ink, thick, cv2.LINE_AA)
        tile = np.ascontiguousarray(np.rot90(tile, k=angle // 90))
        th2, tw2 = tile.shape[:2]
        dist = 0.66 * r
        cx = c + dist * math.sin(math.radians(angle))
        cy = c - dist * math.cos(math.radians(angle))
        y0, x0 = round(cy - th2 / 2), round(cx - tw2 / 2)
        region = image[y0 : y0 + th2, x0 : x0 + tw2]
        mask = tile.max(axis=2) > 0
        region[mask] = tile[mask]


class BlurAccumulator:
    """Mean premultiplied colour and mean alpha of a sprite over sub-frame positions in a region.

    Compositing is linear in (colour, alpha) over a fixed background, so the motion-blurred plate is
    the background times (1 - mean alpha) plus the mean premultiplied colour.
    """

    def __init__(self, x0: int, y0: int, width: int, height: int) -> None:
        self.x0, self.y0 = x0, y0
        self.sum = np.zeros((height, width, 4), np.float32)
        self.count = 0

    def add(self, sprite: PlateSprite, centre_px: FloatArray, angle_deg: float, light: Float32) -> None:
        """Turn the sprite by ``angle_deg`` and add it with its centre at ``centre_px`` (image pixels)."""
        self.count += 1
        s = sprite.rgba.shape[0]
        cx, cy = float(centre_px[0]) - self.x0, float(centre_px[1]) - self.y0
        ox, oy = math.floor(cx) - s // 2 - 1, math.floor(cy) - s // 2 - 1
        patch = s + 3
        m = cv2.getRotationMatrix2D((sprite.centre, sprite.centre), angle_deg, 1.0)
        m[0, 2] += cx - ox - sprite.centre
        m[1, 2] += cy - oy - sprite.centre
        warped = np.asarray(
            cv2.warpAffine(
                sprite.rgba, m, (patch, patch), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT
            ),
            dtype=np.float32,
        )
        warped[..., :3] *= light[:patch, :patch, None]
        h, w = self.sum.shape[:2]
        x_a, y_a = max(ox, 0), max(oy, 0)
        x_b, y_b = min(ox + patch, w), min(oy + patch, h)
        if x_a >= x_b or y_a >= y_b:
            return
        self.sum[y_a:y_b, x_a:x_b] += warped[y_a - oy : y_b - oy, x_a - ox : x_b - ox]

    def composite(self, image: Image) -> None:
        """Blend the mean over ``image`` (H, W, 3) in place."""
        if self.count == 0:
            return
        h, w = self.sum.shape[:2]
        region = image[self.y0 : self.y0 + h, self.x0 : self.x0 + w]
        mean = self.sum[: region.shape[0], : region.shape[1]] / self.count
        out = region.astype(np.float32) * (1.0 - mean[..., 3:]) + mean[..., :3]
        region[:] = np.clip(out + 0.5, 0, 255).astype(np.uint8)


def light_ramp(sprite: PlateSprite) -> Float32:
    """(P, P) brightness of a plate lit from above (1.15 at the top, 0.9 at the bottom)."""
    p = sprite.rgba.shape[0] + 3
    rows = np.linspace(1.15, 0.9, p, dtype=np.float32)
    out: Float32 = np.repeat(rows[:, None], p, axis=1)
    return out


@dataclass(frozen=True)
class LifterStyle:
    shirt: tuple[int, int, int]
    shorts: tuple[int, int, int]
    skin: tuple[int, int, int]
    shoes: tuple[int, int, int]

    @classmethod
    def random(cls, rng: np.random.Generator) -> LifterStyle:
        shirts = [(40, 40, 40), (120, 60, 20), (30, 30, 140), (90, 90, 90), (50, 100, 40)]
        skins = [(150, 180, 225), (110, 140, 190), (70, 95, 140), (50, 70, 105)]
        shoes = [(230, 230, 230), (30, 30, 30), (40, 40, 160)]
        return cls(
            shirt=_pick(rng, shirts), shorts=(25, 25, 28), skin=_pick(rng, skins), shoes=_pick(rng, shoes)
        )


def _pick(rng: np.random.Generator, options: list[tuple[int, int, int]]) -> tuple[int, int, int]:
    return options[int(rng.integers(0, len(options)))]


def draw_lifter(
    image: Image,
    joints_px: FloatArray,
    hands_px: FloatArray,
    *,
    px_per_m: float,
    style: LifterStyle,
) -> None:
    """A side-view silhouette from (5, 2) joints (shoulder, hip, knee, ankle, toe) and the hands (2,).

    ``px_per_m`` is the image scale in the lifter's plane (limb widths are in metres).
    """
    if not np.all(np.isfinite(joints_px)):
        return
    shoulder, hip, knee, ankle, toe = (joints_px[k] for k in range(5))

    def limb(
        a: FloatArray, b: FloatArray, width_a_m: float, width_b_m: float, colour: tuple[int, int, int]
    ) -> None:
        """A tapered quadrilateral from a to b (limbs are not capsules: round ends look like plates)."""
        d = b - a
        length = float(np.hypot(*d))
        if length < 1e-6:
            return
        n = np.array([-d[1], d[0]]) / length * (0.5 * px_per_m)
        quad = np.array([a + n * width_a_m, b + n * width_b_m, b - n * width_b_m, a - n * width_a_m])
        cv2.fillPoly(image, [np.round(quad * (1 << SHIFT)).astype(np.int32)], colour, cv2.LINE_AA, SHIFT)

    def joint(p: FloatArray, width_m: float, colour: tuple[int, int, int]) -> None:
        cv2.circle(
            image, (fixed(p[0]), fixed(p[1])), fixed(0.5 * width_m * px_per_m), colour, -1, cv2.LINE_AA, SHIFT
        )

    trunk = shoulder - hip
    trunk_len = float(np.hypot(*trunk)) or 1.0
    up = trunk / trunk_len
    forward = np.array([up[1], -up[0]]) if up[1] <= 0 else np.array([-up[1], up[0]])
    neck = shoulder + up * 0.1 * px_per_m
    head = shoulder + up * 0.22 * px_per_m + forward * 0.02 * px_per_m
    limb(toe, ankle, 0.05, 0.09, style.shoes)
    limb(ankle, knee, 0.09, 0.12, style.skin)
    joint(knee, 0.1, style.skin)
    limb(knee, hip, 0.13, 0.2, style.shorts)
    limb(hip, hip + 0.3 * trunk, 0.24, 0.25, style.shorts)
    limb(hip + 0.28 * trunk, shoulder, 0.25, 0.3, style.shirt)
    limb(shoulder, neck, 0.12, 0.11, style.skin)
    cv2.ellipse(
        image,
        (fixed(head[0]), fixed(head[1])),
        (fixed(0.1 * px_per_m), fixed(0.12 * px_per_m)),
        math.degrees(math.atan2(up[1], up[0])) + 90.0,
        0,
        360,
        style.skin,
        -1,
        cv2.LINE_AA,
        SHIFT,
    )
    if np.all(np.isfinite(hands_px)):
        elbow = _elbow(shoulder, hands_px, 0.3 * px_per_m, 0.3 * px_per_m)
        limb(shoulder, elbow, 0.1, 0.08, style.shirt)
        limb(elbow, hands_px, 0.07, 0.06, style.skin)
        joint(elbow, 0.07, style.skin)


def _elbow(shoulder: FloatArray, hand: FloatArray, upper: float, fore: float) -> FloatArray:
    """The elbow of a two-link arm, bent downwards in the image; straight when out of reach."""
    d = hand - shoulder
    dist = float(np.hypot(*d))
    if dist >= upper + fore - 1e-6 or dist < 1e-6:
        out: FloatArray = shoulder + d * (upper / (upper + fore))
        return out
    a = (upper**2 - fore**2 + dist**2) / (2 * dist)
    h = math.sqrt(max(upper**2 - a**2, 0.0))
    mid = shoulder + d * (a / dist)
    normal = np.array([-d[1], d[0]]) / dist
    options = (mid + h * normal, mid - h * normal)
    lower: FloatArray = max(options, key=lambda p: float(p[1]))
    return lower


def draw_bench(
    image: Image, hip_px: FloatArray, shoulder_px: FloatArray, floor_px: float, px_per_m: float
) -> None:
    """A flat bench under a lying lifter: a pad from behind the shoulders to past the hips, one leg."""
    y_top = max(float(hip_px[1]), float(shoulder_px[1])) + 0.1 * px_per_m
    x0 = min(float(hip_px[0]), float(shoulder_px[0])) - 0.15 * px_per_m
    x1 = max(float(hip_px[0]), float(shoulder_px[0])) + 0.25 * px_per_m
    pad = (fixed(x0), fixed(y_top)), (fixed(x1), fixed(y_top + 0.08 * px_per_m))
    cv2.rectangle(image, *pad, (30, 30, 30), -1, cv2.LINE_AA, SHIFT)
    for x in (x0 + 0.1 * px_per_m, x1 - 0.1 * px_per_m):
        leg = (fixed(x - 0.03 * px_per_m), fixed(y_top)), (fixed(x + 0.03 * px_per_m), fixed(floor_px))
        cv2.rectangle(image, *leg, (60, 60, 64), -1, cv2.LINE_AA, SHIFT)
