"""Render a synthetic set as a camera in front of the lifter films it: the plates edge-on.

>>> from vbt.synth import generate_set, Sampling
>>> s = generate_set("snatch", n_reps=1, seed=1, sampling=Sampling(fps=30.0))
>>> info = render_front(s, "snatch_front.mp4", view=FrontView())      # doctest: +SKIP
>>> info.radius_px                                                     # doctest: +SKIP
40.9...

What is drawn, back to front: a wall with a dark banner (a horizontal band: edges that are not a
plate's), a rack's uprights with their holes when asked (``FrontView.uprights``), the platform (seen a little from above: its back edge above where the lifter stands), the lifter (legs, torso, arms to the hands: a flat silhouette), the bar (a
horizontal line 2.2 m long) and at each end a stack of plates seen edge-on: a rectangle 0.45 m tall
(a bumper plate's diameter) and ``stack_width_m`` wide, its inner face on the inner collar (0.655 m
plus the 0.03 m flange from the bar's middle: IWF bar). The bar is parallel to the image plane, so
one scale (``metres_per_px``) holds for all of it. Each frame averages sub-frames over its exposure
(motion blur), then gets sensor noise and lossy compression; over ``FrontView.smear_s`` the plates
alone are smeared far beyond that (lost, as in a pull's fastest frames).

The lifter's body is given to a test's pose stand-in by ``body_points_px`` (the points
``vbt.capture.pose.BODY_POINTS`` names), drawn to a 1.75 m lifter at ``body_factor`` times the bar's
scale (1: the body and the plates agree; a test of disagreeing rulers changes it). Truth: the set's
own (``vbt.synth.generate``), the bar's centre in every frame (``FrontRender.bar_xy_px``) and the
plate's radius in pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vbt.errors import InputError
from vbt.synth.generate import SynthSet
from vbt.synth.video_out import open_clip_writer
from vbt.types import FloatArray

PLATE_DIAMETER_M = 0.45
#: From the bar's middle to a plate's inner face: half the inner collars' 1.31 m plus a 0.03 m flange.
INNER_FACE_M = 0.685
BAR_HALF_LENGTH_M = 1.1
BAR_DIAMETER_M = 0.028
STATURE_M = 1.75
#: How much higher in the picture the platform's back edge is than where the lifter stands, metres.
PLATFORM_DEPTH_M = 0.15


@dataclass(frozen=True)
class FrontView:
    """How the front view is filmed and drawn.

    Attributes:
        size_px: (width, height) of the frames.
        metres_per_px: the scale in the bar's plane.
        floor_y_px: image row of the floor (bar height 0 m).
        centre_x_px: image column of the bar's middle.
        stack_width_m: how far the plates reach out along the sleeve (two competition discs).
        grip_half_m: from the bar's middle to each wrist.
        wrist_above_bar_m: the wrist landmark's height above the bar's axis.
        body_factor: the lifter drawn this many times the size the bar's scale gives a 1.75 m lifter.
        hide: ``"left"`` or ``"right"``: that stack is covered (by a banner-coloured panel), or None.
        exposure_frac: the exposure as a share of the frame interval (motion blur).
        sub_frames: sub-frames averaged over the exposure.
        noise_levels: sensor noise's standard deviation, gray levels.
        smear_s: (start, end) on the truth's clock: the plates are drawn smeared up and down over
            ``smear_m`` in the frames between (blurred beyond finding, as in a pull's fastest
            frames); the lifter and the bar are drawn sharp. None: never.
        smear_m: how far the smeared plates are spread, metres.
        uprights: a rack's two dark uprights behind the plates, 1.0 m either side of the bar's
            middle, 0.08 m wide, from the floor up (a backdrop with long vertical edges).
    """

    size_px: tuple[int, int] = (640, 480)
    metres_per_px: float = 0.0055
    floor_y_px: float = 460.0
    centre_x_px: float = 320.0
    stack_width_m: float = 0.10
    grip_half_m: float = 0.40
    wrist_above_bar_m: float = 0.03
    body_factor: float = 1.0
    hide: str | None = None
    exposure_frac: float = 0.5
    sub_frames: int = 4
    noise_levels: float = 2.0
    smear_s: tuple[float, float] | None = None
    smear_m: float = 0.6
    uprights: bool = False

    @property
    def radius_px(self) -> float:
        """The plate's radius in pixels."""
        return 0.5 * PLATE_DIAMETER_M / self.metres_per_px


@dataclass(frozen=True, eq=False)
class FrontRender:
    """A rendered front view: the file, every frame's time (the truth's clock; the file starts at
    0 s at ``t_s[0]``), the bar's centre per frame (N, 2) and the plate's radius, pixels."""

    path: Path
    t_s: FloatArray
    bar_xy_px: FloatArray
    radius_px: float
    metres_per_px: float


def bar_xy_px(synth: SynthSet, t_s: FloatArray, view: FrontView) -> FloatArray:
    """(N, 2) the bar's middle in the image at times ``t_s`` (the truth's clock)."""
    y = view.floor_y_px - synth.bar_y_m(t_s) / view.metres_per_px
    return np.stack([np.full(np.shape(t_s), view.centre_x_px), y], axis=-1)


def body_points_px(
    synth: SynthSet, t_s: FloatArray, view: FrontView, point_names: tuple[str, ...]
) -> FloatArray:
    """(N, B, 2) the lifter's body points named ``point_names`` (``{left,right}_{shoulder,elbow,
    wrist,hip,knee,ankle,heel,toe}``) at times ``t_s``: a lifter standing square to the camera, the
    wrists on the bar. The lifter's left is the image's right."""
    t = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
    px = STATURE_M * view.body_factor / view.metres_per_px  # one stature, pixels
    bar = bar_xy_px(synth, t, view)
    ankle_y = view.floor_y_px - 0.04 * px
    knee_y = ankle_y - 0.246 * px  # shank: Drillis & Contini 1966
    hip_y = knee_y - 0.245 * px  # thigh
    shoulder_y = hip_y - 0.30 * px
    heights = {"ankle": ankle_y, "heel": view.floor_y_px - 0.01 * px, "toe": view.floor_y_px - 0.01 * px}
    heights.update(knee=knee_y, hip=hip_y, shoulder=shoulder_y)
    half_widths = {"shoulder": 0.09, "hip": 0.06, "knee": 0.07, "ankle": 0.07, "heel": 0.07, "toe": 0.08}
    grip_px = view.grip_half_m / view.metres_per_px
    wrist_up_px = view.wrist_above_bar_m / view.metres_per_px
    out = np.full((t.size, len(point_names), 2), np.nan)
    for k, name in enumerate(point_names):
        side, part = name.split("_", 1)
        sign = 1.0 if side == "left" else -1.0
        if part == "wrist":
            out[:, k, 0] = bar[:, 0] + sign * grip_px
            out[:, k, 1] = bar[:, 1] - wrist_up_px
        elif part == "elbow":
            shoulder = np.array([view.centre_x_px + sign * half_widths["shoulder"] * px, shoulder_y])
            wrist = np.stack([bar[:, 0] + sign * grip_px, bar[:, 1] - wrist_up_px], axis=-1)
            out[:, k] = 0.5 * (shoulder + wrist)
        elif part in heights:
            out[:, k, 0] = view.centre_x_px + sign * half_widths[part] * px
            out[:, k, 1] = heights[part]
    return out


def _fill_box(
    image: np.ndarray, x_px: tuple[float, float], y_px: tuple[float, float], colour: tuple[int, ...]
) -> None:
    """Fill a box whose top and bottom lie anywhere between rows (pixel ``i`` covers ``i - 0.5`` to
    ``i + 0.5``): the rows it cuts get their covered share of ``colour`` (a plate's height exact to
    a fraction of a pixel)."""
    x0, x1 = round(min(x_px)), round(max(x_px))
    top, bottom = min(y_px), max(y_px)
    rows = np.arange(max(math.floor(top + 0.5), 0), min(math.ceil(bottom + 0.5), image.shape[0]))
    cover = np.clip(np.minimum(rows + 0.5, bottom) - np.maximum(rows - 0.5, top), 0.0, 1.0)
    region = image[rows, x0 : x1 + 1].astype(np.float64)
    blend = region * (1 - cover[:, None, None]) + np.asarray(colour, dtype=np.float64) * cover[:, None, None]
    image[rows, x0 : x1 + 1] = np.round(blend).astype(np.uint8)


def _draw(synth: SynthSet, t_s: float, view: FrontView, names: tuple[str, ...]) -> np.ndarray:
    width, height = view.size_px
    image = np.full((height, width, 3), (150, 150, 145), dtype=np.uint8)
    # The camera looks a little down on the platform: its back edge (the wall's foot) lies higher in
    # the picture than where the plates stand on it.
    floor = round(view.floor_y_px - PLATFORM_DEPTH_M / view.metres_per_px)
    image[floor:] = (70, 95, 120)
    banner = round(view.floor_y_px - 1.2 / view.metres_per_px)
    image[banner : banner + round(0.3 / view.metres_per_px)] = (60, 50, 45)
    if view.uprights:
        _draw_uprights(image, view)
    points = {
        n: p for n, p in zip(names, body_points_px(synth, np.array([t_s]), view, names)[0], strict=True)
    }

    def pt(name: str) -> tuple[int, int]:
        return round(points[name][0]), round(points[name][1])

    limb = max(2, round(0.09 / view.metres_per_px))
    skin = (120, 140, 190)
    for side in ("left", "right"):
        for a, b in (("hip", "knee"), ("knee", "ankle"), ("shoulder", "elbow"), ("elbow", "wrist")):
            cv2.line(image, pt(f"{side}_{a}"), pt(f"{side}_{b}"), skin, limb, cv2.LINE_AA)
    torso = np.array([pt("left_shoulder"), pt("right_shoulder"), pt("right_hip"), pt("left_hip")], np.int32)
    cv2.fillConvexPoly(image, torso, (90, 60, 160), cv2.LINE_AA)
    bar = bar_xy_px(synth, np.array([t_s]), view)[0]
    mpp = view.metres_per_px
    half_bar = max(1, round(0.5 * BAR_DIAMETER_M / mpp))
    cx, cy = bar
    x_end = BAR_HALF_LENGTH_M / mpp
    cv2.rectangle(
        image,
        (round(cx - x_end), round(cy - half_bar)),
        (round(cx + x_end), round(cy + half_bar)),
        (200, 200, 200),
        -1,
    )
    smeared = view.smear_s is not None and view.smear_s[0] <= t_s <= view.smear_s[1]
    if smeared:
        shifts = np.linspace(-0.5, 0.5, 9) * view.smear_m / mpp
        layers = [_plates(image.copy(), cx, cy + shift, view) for shift in shifts]
        image[:] = np.round(_average(layers))
    else:
        _plates(image, cx, cy, view)  # one layer: drawn in place (its average is itself)
    for side, sign in (("right", -1.0), ("left", 1.0)):
        inner = cx + sign * INNER_FACE_M / mpp
        outer = cx + sign * (INNER_FACE_M + view.stack_width_m) / mpp
        if view.hide == side:
            pad = 0.1 / mpp
            x0, x1 = sorted((inner, outer))
            _fill_box(image, (x0 - pad, x1 + pad), (-0.5, height - 0.5), (150, 150, 145))  # a panel
    return image


def _plates(image: np.ndarray, cx: float, cy: float, view: FrontView) -> np.ndarray:
    """Draw the two stacks of plates, seen edge-on, about the bar's centre ``(cx, cy)`` (pixels)
    into ``image``, and return it."""
    mpp = view.metres_per_px
    for sign in (-1.0, 1.0):
        inner = cx + sign * INNER_FACE_M / mpp
        outer = cx + sign * (INNER_FACE_M + view.stack_width_m) / mpp
        _fill_box(image, (inner, outer), (cy - view.radius_px, cy + view.radius_px), (40, 40, 200))
    return image


def _average(layers: list[np.ndarray]) -> np.ndarray:
    """The mean of 8-bit ``layers`` (each (H, W, 3)), as float64: summed as integers (exact), then
    divided, as ``np.mean`` does, at less cost."""
    total = layers[0].astype(np.uint32)
    for layer in layers[1:]:
        total += layer
    return total / len(layers)


def _draw_uprights(image: np.ndarray, view: FrontView) -> None:
    """A rack's two dark uprights 1.0 m either side of the bar's middle, 0.08 m wide, from the floor
    to the top of the picture: long vertical edges beyond the plates."""
    mpp = view.metres_per_px
    for sign in (-1.0, 1.0):
        x0 = view.centre_x_px + sign * 1.0 / mpp - 0.04 / mpp
        _fill_box(image, (x0, x0 + 0.08 / mpp), (-0.5, view.floor_y_px), (35, 35, 40))


def render_front(
    synth: SynthSet,
    path: str | Path,
    *,
    view: FrontView | None = None,
    fps: float = 30.0,
    point_names: tuple[str, ...],
) -> FrontRender:
    """Render ``synth`` filmed from the front to an H.264 file at ``fps`` (constant rate) over the
    set's recorded span; ``point_names``: the body points the truth's pose uses (``BODY_POINTS``).

    Raises:
        InputError: ``view.hide`` is neither None, ``"left"`` nor ``"right"``; ``fps`` not positive.
    """
    view = view or FrontView()
    if view.hide not in (None, "left", "right"):
        raise InputError(f"FrontView.hide must be None, 'left' or 'right', got {view.hide!r}")
    if not fps > 0:
        raise InputError(f"fps must be positive, got {fps}")
    t_recorded = synth.trajectory.t_s
    first, last = float(t_recorded[0]), float(t_recorded[-1])
    t_s = first + np.arange(math.floor((last - first) * fps) + 1) / fps
    exposure_s = view.exposure_frac / fps
    rng = np.random.default_rng(0)
    path = Path(path)
    writer = open_clip_writer(path, size_px=view.size_px, fps=fps, variable=False)
    try:
        for t in t_s:
            offsets = (np.arange(view.sub_frames) + 0.5) / view.sub_frames - 0.5
            layers = [_draw(synth, float(t + o * exposure_s), view, point_names) for o in offsets]
            frame = _average(layers) + rng.normal(0.0, view.noise_levels, layers[0].shape)
            writer.write(np.clip(frame, 0, 255).astype(np.uint8), float(t - first))
    finally:
        writer.close()
    return FrontRender(
        path=path,
        t_s=t_s,
        bar_xy_px=bar_xy_px(synth, t_s, view),
        radius_px=view.radius_px,
        metres_per_px=view.metres_per_px,
    )
