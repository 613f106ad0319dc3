"""Scenes drawn for the bar finder's tests, with known answers: a cluttered background, a bumper
plate with rim, hub and turning lettering, a clip of it moving along a known path with motion blur
and noise, an exact anti-aliased disc, a gym (brick wall over a black floor) with plain discs, and
a stack of two plates (a small green one in front of the bar's large red one)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from vbt.types import Frame

SHIFT = 4  # cv2 drawing with 4 fractional bits: positions to 1/16 px
ONE = 1 << SHIFT


def fixed(v: float) -> int:
    return round(v * ONE)


def background(h: int = 480, w: int = 640, *, seed: int = 0) -> np.ndarray:
    """A cluttered scene: smooth noise, bars and boxes (things a rim search may trip on)."""
    rng = np.random.default_rng(seed)
    noise = cv2.resize(rng.uniform(60, 200, (h // 16, w // 16, 3)), (w, h)).astype(np.uint8)
    for _ in range(12):
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        x1, y1 = x0 + int(rng.integers(-150, 150)), y0 + int(rng.integers(-150, 150))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        if rng.random() < 0.5:
            cv2.line(noise, (x0, y0), (x1, y1), colour, int(rng.integers(2, 8)), cv2.LINE_AA)
        else:
            cv2.rectangle(noise, (x0, y0), (x1, y1), colour, -1)
    return noise


def draw_plate(image: np.ndarray, x: float, y: float, r: float, angle_deg: float = 0.0) -> None:
    """A bumper plate: dark disc, lighter rim band, hub, sleeve, and 'lettering' that turns."""
    centre = (fixed(x), fixed(y))
    cv2.circle(image, centre, fixed(r), (35, 40, 45), -1, cv2.LINE_AA, SHIFT)
    cv2.circle(image, centre, fixed(0.93 * r), (60, 62, 66), fixed(0.05 * r) // ONE + 1, cv2.LINE_AA, SHIFT)
    cv2.circle(image, centre, fixed(0.25 * r), (150, 150, 155), -1, cv2.LINE_AA, SHIFT)
    cv2.circle(image, centre, fixed(0.11 * r), (210, 210, 215), -1, cv2.LINE_AA, SHIFT)
    for k in range(3):
        a = math.radians(angle_deg + 120 * k)
        tx, ty = x + 0.6 * r * math.cos(a), y + 0.6 * r * math.sin(a)
        box = ((tx, ty), (0.35 * r, 0.1 * r), math.degrees(a) + 90)
        cv2.fillPoly(image, [np.round(cv2.boxPoints(box)).astype(np.int32)], (200, 200, 200))


def render_clip(
    path_xy: np.ndarray,
    r: float,
    *,
    fps: float = 30.0,
    exposure_s: float = 1 / 60,
    noise: float = 4.0,
    seed: int = 0,
    occluders: dict[int, tuple[int, int, int, int]] | None = None,
    subframes: int = 8,
    path_fn=None,
) -> list[Frame]:
    """Frames of the plate following ``path_fn(t) -> (x, y)`` (motion blur from ``subframes``
    renders across the exposure, centred on the frame time) on one cluttered background."""
    rng = np.random.default_rng(seed)
    bg = background(seed=seed).astype(np.float32)
    frames = []
    for i in range(path_xy.shape[0]):
        t = i / fps
        acc = np.zeros_like(bg)
        for k in range(subframes):
            ts = t + exposure_s * ((k + 0.5) / subframes - 0.5)
            x, y = path_fn(ts)
            image = bg.astype(np.uint8)
            draw_plate(image, x, y, r, angle_deg=200 * ts)
            acc += image
        image = acc / subframes + rng.normal(0, noise, acc.shape)
        image = np.clip(image, 0, 255).astype(np.uint8)
        if occluders and i in occluders:
            x0, y0, x1, y1 = occluders[i]
            cv2.rectangle(image, (x0, y0), (x1, y1), (120, 90, 200), -1)
        frames.append(Frame(image=image, t_s=t, index=i))
    return frames


def sine_path(t: float) -> tuple[float, float]:
    """Peak vertical speed 2*pi*0.6*130 = 490 px/s: 2.2 m/s for a 0.45 m plate of radius 50 px."""
    return 300.0 + 15.0 * math.sin(2 * math.pi * 0.3 * t), 240.0 + 130.0 * math.sin(2 * math.pi * 0.6 * t)


def truth(n: int, fps: float = 30.0) -> np.ndarray:
    return np.array([sine_path(i / fps) for i in range(n)])


def exact_disc(h: int, w: int, cx: float, cy: float, r: float, *, ss: int = 8) -> np.ndarray:
    """(h, w, 3) image of a dark disc on gray, each pixel shaded by the exact share it covers."""
    yy, xx = np.mgrid[0 : h * ss, 0 : w * ss]
    inside = ((xx + 0.5) / ss - 0.5 - cx) ** 2 + ((yy + 0.5) / ss - 0.5 - cy) ** 2 <= r * r
    cover = inside.reshape(h, ss, w, ss).mean(axis=(1, 3))
    return np.repeat((170 - 130 * cover).astype(np.uint8)[..., None], 3, axis=2)


H, W = 360, 640  # the gym scene's size, px
FLOOR_Y = 250  # the wall above, black rubber floor below


def gym(*, bricks: bool = True) -> np.ndarray:
    """A light wall with brick joints over a black floor, the colours of the rendered gym."""
    image = np.full((H, W, 3), (170, 178, 180), np.uint8)
    if bricks:
        for y in range(0, FLOOR_Y, 18):
            cv2.line(image, (0, y), (W, y), (120, 126, 128), 2)
            for x in range((y // 18) % 2 * 24, W, 48):
                cv2.line(image, (x, y), (x, y + 18), (120, 126, 128), 2)
    image[FLOOR_Y:] = (28, 28, 30)
    return image


def disc(image: np.ndarray, x: float, y: float, r: float, colour: tuple[int, int, int]) -> None:
    """A plate: a disc of ``colour`` with a lighter hub."""
    cv2.circle(image, (fixed(x), fixed(y)), fixed(r), colour, -1, cv2.LINE_AA, SHIFT)
    cv2.circle(image, (fixed(x), fixed(y)), fixed(0.2 * r), (150, 150, 155), -1, cv2.LINE_AA, SHIFT)


CENTRE = np.array([300.0, 180.0])  # the stack's centre
BIG, SMALL = 60.0, 42.0  # the red plate's and the green plate's radii, px


def circle(image: np.ndarray, xy: np.ndarray, r: float, colour: tuple[int, int, int]) -> None:
    centre = (round(xy[0] * 16), round(xy[1] * 16))
    cv2.circle(image, centre, round(r * 16), colour, -1, cv2.LINE_AA, 4)


def stack() -> np.ndarray:
    """A red plate with a smaller green one in front, a red hub, on a dark ceiling; lettering."""
    image = np.full((360, 640, 3), (40, 38, 36), np.uint8)
    circle(image, CENTRE, BIG, (45, 40, 170))
    circle(image, CENTRE, 0.9 * BIG, (40, 35, 150))  # the plate's face inside its edge
    circle(image, CENTRE, SMALL, (60, 150, 55))
    circle(image, CENTRE, 0.2 * SMALL, (50, 50, 200))
    for k in range(4):  # large lettering on the green plate, over its edge ("ROGUE", "25 LB")
        a = math.radians(90 * k + 20)
        tx, ty = CENTRE[0] + 0.9 * SMALL * math.cos(a), CENTRE[1] + 0.9 * SMALL * math.sin(a)
        box = ((tx, ty), (0.9 * SMALL, 0.3 * SMALL), math.degrees(a) + 90)
        cv2.fillPoly(image, [np.round(cv2.boxPoints(box)).astype(np.int32)], (220, 235, 220))
    rng = np.random.default_rng(3)
    return np.clip(image + rng.normal(0.0, 2.0, image.shape), 0, 255).astype(np.uint8)
