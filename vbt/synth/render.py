"""Render a synthetic set to a video, as a side-on camera would film it, with the truth beside it.

>>> from vbt.synth import generate_set
>>> s = generate_set("power_clean", n_reps=2, seed=3)
>>> info = render_set(s, "clean.mp4", size_px=(640, 360))      # doctest: +SKIP
>>> info.truth_path.name                                        # doctest: +SKIP
'clean.truth.json'

What is drawn, back to front: the scene (``vbt.synth.scene``: a gym or a plain wall), the far plate
(smaller, by perspective), the bar, the lifter's silhouette (when the set has joints), the near plate
(a 0.45 m bumper plate with rim lip, lettering that turns, steel hub and the sleeve end). The plates
are motion-blurred over the exposure (sub-frames spaced at most about a pixel apart), then the frame
gets a little lens blur, sensor noise and lossy compression.

Time: frame ``k`` shows the exact motion at its time ``t_s[k]`` (the middle of its exposure), on
the truth's clock, and the file carries that time less ``first_frame_t_s`` (the file starts at 0 s).
The times come from a ``vbt.synth.timing.FrameTiming``: by default a constant rate, ``t = k / fps``
(written at that rate); ``PhoneTiming`` (a phone's jittered rate, dropped frames, low-light spells
at a lower rate) or ``GivenTimes`` give a variable frame rate, written as H.264 with each frame's
own presentation time through PyAV (``vbt.videoio.open_timed_writer``). A set sampled at a
variable rate is still rendered at a constant rate unless a timing is given.

Camera motion: with a ``vbt.synth.handheld.CameraPath`` (``FollowPan``: a person turning the camera
after the bar; ``HandShake``: a phone held in the hand) the still scene is drawn once on a canvas
larger than the frame and warped into each frame by that frame's transform; the plates, the bar and
the lifter are drawn in the frame at their moved positions (so they are not resampled), then lens
blur and sensor noise as ever.
``plate_xy_px`` is then where the plate is in each frame, ``scene_plate_xy_px`` where it is in the
still scene (the first frame's pixels: the path a tripod would have filmed).

The truth file is the set's truth with a ``video`` block: the file, fps (the nominal rate when
``vfr``), ``vfr``, ``timing`` (what made the times), ``frame_t_s`` (every frame's time on the truth's
clock), frame count, size, codec, exposure, ``metres_per_px`` in the near plate's plane,
``plate_radius_px``, ``origin_xy_px`` (the pixel of (0 m, 0 m)), and ``plate_xy_px``: the near
plate's centre in every frame (pixel centres at integers, x right, y down); ``camera_motion`` (null,
or what moved the camera) and, when it moved, ``scene_plate_xy_px`` and ``scene_to_image_px`` (every
frame's (2, 3) transform from the still scene's pixels to its own).
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from vbt.errors import InputError, VbtError, VideoError
from vbt.synth.generate import SynthSet
from vbt.synth.handheld import CameraPath, MovedCamera, reach_px
from vbt.synth.scene import (
    FAR_PLATE_DEPTH_M,
    LIFTER_DEPTH_M,
    SHIFT,
    Camera,
    draw_background,
    fit_camera,
    fixed,
)
from vbt.synth.sprites import (
    PLATE_COLOURS,
    BlurAccumulator,
    LifterStyle,
    PlateSprite,
    draw_bench,
    draw_lifter,
    light_ramp,
    make_plate_sprite,
)
from vbt.synth.timing import ConstantRate, FrameTiming, check_times
from vbt.synth.video_out import CODECS, open_clip_writer
from vbt.types import FloatArray, Frame, Lift

PLATE_DIAMETER_M = 0.45
#: The plate turns this many degrees per metre the bar rises (sleeves spin in a turnover).
TURN_DEG_PER_M = 60.0


@dataclass(frozen=True, eq=False)
class RenderInfo:
    """What ``render_set`` wrote.

    Attributes:
        path, truth_path: the video and its truth JSON.
        fps: the video's frame rate: constant, or the nominal one when ``vfr``.
        t_s: (N,) frame times, seconds, on the truth's clock; the file's frame ``k`` is at
            ``t_s[k] - t_s[0]`` (``t_s[0] + k / fps`` at a constant rate; ``t_s[0]`` is 0 unless
            ``span_s`` was given).
        vfr: the file has each frame's own time (a variable frame rate).
        plate_xy_px: (N, 2) the near plate's centre in each frame, pixels.
        plate_radius_px: the near plate's radius, pixels.
        scene_plate_xy_px: (N, 2) the near plate's centre in the still scene (the first frame's
            pixels), or None when the camera did not move (then it is ``plate_xy_px``).
        scene_to_image_px: (N, 2, 3) each frame's transform from the still scene's pixels, or None
            when the camera did not move.
        metres_per_px: scale in the near plate's plane.
        size_px: (width, height).
        codec: ``"h264"`` or ``"mp4v"``.
        exposure_s: exposure time of each frame (motion blur).
    """

    path: Path
    truth_path: Path
    fps: float
    t_s: FloatArray
    plate_xy_px: FloatArray
    plate_radius_px: float
    metres_per_px: float
    size_px: tuple[int, int]
    codec: str
    exposure_s: float
    vfr: bool = False
    scene_plate_xy_px: FloatArray | None = None
    scene_to_image_px: FloatArray | None = None

    @property
    def n_frames(self) -> int:
        return int(self.t_s.shape[0])


@dataclass(frozen=True, eq=False)
class RenderPlan:
    """Everything fixed before the first frame: camera, frame times, the plate's path.

    ``fps`` is the timing's nominal rate; ``t_s`` the frame times on the truth's clock.
    ``plate_xy_px`` is the plate in each frame, ``scene_plate_xy_px`` in the still scene;
    ``scene_to_image_px`` (N, 2, 3) the camera's motion (identity when ``motion`` is None), and
    ``margin_px`` how far the drawn scene reaches beyond the frame on each side to cover it.
    """

    synth: SynthSet
    camera: Camera
    timing: FrameTiming
    fps: float
    t_s: FloatArray
    plate_xy_px: FloatArray
    exposure_s: float
    seed: int
    background: str
    blur: bool
    noise_sigma: float
    scene_plate_xy_px: FloatArray
    scene_to_image_px: FloatArray
    motion: CameraPath | None = None
    margin_px: int = 0

    @property
    def vfr(self) -> bool:
        """True unless the timing is a constant rate (then the file is written at that rate)."""
        return not isinstance(self.timing, ConstantRate)

    @property
    def plate_radius_px(self) -> float:
        return PLATE_DIAMETER_M / 2.0 / self.camera.metres_per_px


def plan_render(
    s: SynthSet,
    *,
    size_px: tuple[int, int] = (1280, 720),
    fps: float | None = None,
    seed: int = 0,
    blur: bool = True,
    background: str = "gym",
    metres_per_px: float | None = None,
    exposure_s: float | None = None,
    noise_sigma: float = 2.5,
    span_s: tuple[float, float] | None = None,
    timing: FrameTiming | None = None,
    camera_motion: CameraPath | None = None,
) -> RenderPlan:
    """Check the settings and fix the camera and the frame times (see ``render_set``)."""
    width, height = size_px
    if not (16 <= width <= 7680 and 16 <= height <= 4320):
        raise InputError(f"size_px must be between 16x16 and 7680x4320, got {width}x{height}")
    if timing is not None and fps is not None:
        raise InputError("give fps (a constant rate) or timing, not both")
    if timing is None:
        timing = ConstantRate(float(s.truth["sampling"]["fps"]) if fps is None else float(fps))
    rate = float(timing.nominal_fps)
    if not (math.isfinite(rate) and 1.0 <= rate <= 1000.0):
        raise InputError(f"the timing's nominal fps must be between 1 and 1000, got {rate}")
    exposure = 0.5 / rate if exposure_s is None else float(exposure_s)
    if not 0.0 <= exposure <= 1.0 / rate:
        raise InputError(f"exposure_s must be within 0..1/fps ({1.0 / rate:.4f} s), got {exposure_s}")
    if background not in ("gym", "plain"):
        raise InputError(f"background must be 'gym' or 'plain', got {background!r}")
    if not 0.0 <= noise_sigma <= 50.0:
        raise InputError(f"noise_sigma must be within 0..50 grey levels, got {noise_sigma}")
    duration = s.motion.duration_s
    start, stop = (0.0, duration) if span_s is None else span_s
    t_all = check_times(timing.frame_times_s(duration), duration_s=duration)
    t_s = t_all[(t_all >= start) & (t_all <= min(stop, duration))]
    if t_s.shape[0] == 0:
        raise InputError(f"span_s {span_s} holds no frame of the {duration:.2f} s set")
    dense = np.linspace(0.0, duration, max(200, int(duration * 200)))
    path_m = np.column_stack([s.bar_x_m(dense), s.bar_y_m(dense)])
    camera = fit_camera(
        path_m, size_px=size_px, plate_radius_m=PLATE_DIAMETER_M / 2.0, metres_per_px=metres_per_px
    )
    scene_plate_xy_px = camera.project(np.column_stack([s.bar_x_m(t_s), s.bar_y_m(t_s)]))
    n = t_s.shape[0]
    scene_to_image = np.tile(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), (n, 1, 1))
    plate_xy_px, margin = scene_plate_xy_px, 0
    if camera_motion is not None:
        scene_to_image = camera_motion.scene_to_image(t_s, size_px=size_px, plate_xy_px=scene_plate_xy_px)
        plate_xy_px = (
            np.einsum("nij,nj->ni", scene_to_image[:, :, :2], scene_plate_xy_px) + scene_to_image[:, :, 2]
        )
        margin = math.ceil(reach_px(scene_to_image, size_px)) + 2
    return RenderPlan(
        synth=s,
        camera=camera,
        timing=timing,
        fps=rate,
        t_s=t_s,
        plate_xy_px=plate_xy_px,
        exposure_s=exposure,
        seed=int(seed),
        background=background,
        blur=blur,
        noise_sigma=float(noise_sigma),
        scene_plate_xy_px=scene_plate_xy_px,
        scene_to_image_px=scene_to_image,
        motion=camera_motion,
        margin_px=margin,
    )


def _canvas_camera(camera: Camera, margin_px: int) -> Camera:
    """The camera of a canvas ``margin_px`` larger than the frame on every side (same lens, same
    scale): its pixel ``(x + margin, y + margin)`` is the frame's ``(x, y)``."""
    if margin_px == 0:
        return camera
    return Camera(
        width_px=camera.width_px + 2 * margin_px,
        height_px=camera.height_px + 2 * margin_px,
        metres_per_px=camera.metres_per_px,
        origin_xy_px=(camera.origin_xy_px[0] + margin_px, camera.origin_xy_px[1] + margin_px),
        distance_m=camera.distance_m,
    )


def iter_frames(plan: RenderPlan) -> Iterator[Frame]:
    """The rendered frames one by one (BGR uint8, ``t_s`` on the truth's clock); bounded memory."""
    s, frame_camera = plan.synth, plan.camera
    margin = plan.margin_px
    camera = _canvas_camera(frame_camera, margin)  # the scene is drawn on it; the frame warped out
    rng = np.random.default_rng(np.random.SeedSequence([plan.seed, 11]))
    colour = list(PLATE_COLOURS)[int(rng.integers(0, len(PLATE_COLOURS)))]
    label = _label(s)
    r_px = plate_radius_px = plan.plate_radius_px
    near = make_plate_sprite(plate_radius_px, colour=colour, label=label)
    far_scale = camera.scale_at(FAR_PLATE_DEPTH_M)
    far = make_plate_sprite(plate_radius_px * far_scale, colour=colour, label=label, shade=0.7)
    near_light, far_light = light_ramp(near), light_ramp(far)
    style = LifterStyle.random(rng)
    path_box = _box(plan.scene_plate_xy_px + margin, 1.5 * r_px)
    scene = draw_background(camera, kind=plan.background, seed=plan.seed, keep_clear_px=path_box)
    noise_shape = (frame_camera.height_px + 16, frame_camera.width_px + 16, 3)
    noise_bank = [  # three fields, each frame a random crop of one: 1 byte a sample
        np.clip(np.round(rng.normal(0.0, plan.noise_sigma, noise_shape)), -127, 127).astype(np.int8)
        for _ in range(3)
    ]
    y_rest = float(np.nanmin(s.bar_y_m(np.linspace(0.0, s.motion.duration_s, 400))))
    for k, t in enumerate(plan.t_s):
        seen, image, roll_deg = camera, scene.copy(), 0.0
        if plan.motion is not None:  # the still scene warped into this frame; the lift drawn in it
            seen = MovedCamera.of(camera, plan.scene_to_image_px[k], margin_px=margin)
            size = (frame_camera.width_px, frame_camera.height_px)
            image = np.asarray(
                cv2.warpAffine(scene, seen.canvas_to_frame, size, flags=cv2.INTER_LINEAR), dtype=np.uint8
            )
            roll_deg = seen.roll_deg
        times = _exposure_times(s, seen, float(t), plan.exposure_s if plan.blur else 0.0)
        bar_m = np.column_stack([s.bar_x_m(times), s.bar_y_m(times)])
        near_px = seen.project(bar_m)
        far_px = seen.project(bar_m, depth_m=FAR_PLATE_DEPTH_M)
        angles = -TURN_DEG_PER_M * (bar_m[:, 1] - y_rest) - roll_deg
        _blurred(image, far, far_px, angles, far_light)
        mid = len(times) // 2
        _draw_bar(image, near_px[mid], far_px[mid], 0.014 / seen.metres_per_px)
        _draw_body(image, s, seen, float(t), bar_m[mid], style)
        _blurred(image, near, near_px, angles, near_light)
        if plan.blur:
            image = np.asarray(cv2.GaussianBlur(image, (3, 3), 0.6), dtype=np.uint8)
        if plan.noise_sigma > 0:
            bank = noise_bank[int(rng.integers(0, 3))]
            dy, dx = (int(v) for v in rng.integers(0, 16, 2))
            noise = bank[dy : dy + frame_camera.height_px, dx : dx + frame_camera.width_px]
            image = np.clip(image.astype(np.int16) + noise, 0, 255).astype(np.uint8)
        yield Frame(image=image, t_s=float(t), index=k)


def render_set(
    s: SynthSet,
    out_path: str | Path,
    *,
    size_px: tuple[int, int] = (1280, 720),
    fps: float | None = None,
    seed: int = 0,
    blur: bool = True,
    compression_quality: int = 60,
    background: str = "gym",
    metres_per_px: float | None = None,
    exposure_s: float | None = None,
    noise_sigma: float = 2.5,
    codec: str = "h264",
    span_s: tuple[float, float] | None = None,
    timing: FrameTiming | None = None,
    camera_motion: CameraPath | None = None,
) -> RenderInfo:
    """Render ``s`` to ``out_path`` (a video) and write ``NAME.truth.json`` beside it.

    Parameters:
        s: The set; its exact motion is drawn (not its noisy trajectory).
        out_path: The video file (``.mp4``); its directory is created.
        size_px: (width, height), even for h264.
        fps: Constant frame rate; None = the set's sampling rate (the nominal one for variable-rate sets).
            Not with ``timing``.
        seed: Scene, plate colour, lifter's clothes and sensor noise; the same seed gives the same frames.
        blur: Motion blur over the exposure and a little lens blur; False gives sharp frames.
        compression_quality: 0..100 (100 best), for h264 (x264 crf 26 at 60); mp4v's quality is OpenCV's,
            fixed.
        background: ``"gym"`` (racks, plates on the wall, platform, dumbbells) or ``"plain"``.
        metres_per_px: Scale in the near plate's plane; None fits the floor and the bar's highest point in the
            frame.
        exposure_s: Exposure time; None = half the frame interval (a 180 degree shutter).
        noise_sigma: Sensor noise, grey levels (Gaussian).
        codec: ``"h264"`` (libx264 via imageio-ffmpeg; small files) or ``"mp4v"`` (OpenCV; large files).
        span_s: (start, stop) seconds: render only the frames in this span (times stay on the truth's clock).
        timing: When the frames are taken (``vbt.synth.timing``): None = ``ConstantRate(fps)``;
            ``PhoneTiming(seed=...)`` or ``GivenTimes(t_s)`` write a variable frame rate (h264 through
            PyAV), each frame at its own time.
        camera_motion: How the camera moves (``vbt.synth.handheld``: ``FollowPan``, ``HandShake``); None:
            still.

    Raises:
        InputError: A setting out of range, frame times that do not increase, or a scale at which the plate
            leaves the frame.
        VideoError: The encoder cannot be started or fails; PyAV missing for a variable rate.
    """
    if codec not in CODECS:
        raise InputError(f"unknown codec {codec!r}; choose one of: {', '.join(CODECS)}")
    plan = plan_render(
        s,
        size_px=size_px,
        fps=fps,
        seed=seed,
        blur=blur,
        background=background,
        metres_per_px=metres_per_px,
        exposure_s=exposure_s,
        noise_sigma=noise_sigma,
        span_s=span_s,
        timing=timing,
        camera_motion=camera_motion,
    )
    path = Path(out_path)
    truth_path = path.with_name(path.stem + ".truth.json")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{path.parent}: cannot create the output directory ({exc.strerror})") from None
    writer = open_clip_writer(
        path, size_px=size_px, fps=plan.fps, variable=plan.vfr, codec=codec, quality=compression_quality
    )
    try:
        for frame in iter_frames(plan):
            if not writer.write(frame.image, frame.t_s):
                raise VideoError(f"{path}: frame {frame.index} at {frame.t_s:.6f} s repeats a timestamp")
    except BaseException:
        with contextlib.suppress(VbtError):
            writer.close()
        path.unlink(missing_ok=True)  # no half-written clip left behind
        raise
    writer.close()
    info = RenderInfo(
        path=path,
        truth_path=truth_path,
        fps=plan.fps,
        t_s=plan.t_s,
        plate_xy_px=plan.plate_xy_px,
        plate_radius_px=plan.plate_radius_px,
        metres_per_px=plan.camera.metres_per_px,
        size_px=(int(size_px[0]), int(size_px[1])),
        codec=codec,
        exposure_s=plan.exposure_s if blur else 0.0,
        vfr=plan.vfr,
        scene_plate_xy_px=None if plan.motion is None else plan.scene_plate_xy_px,
        scene_to_image_px=None if plan.motion is None else plan.scene_to_image_px,
    )
    truth = {**s.truth, "video": video_truth(info, plan, compression_quality=compression_quality)}
    try:
        truth_path.write_text(json.dumps(truth, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{truth_path}: cannot write the truth ({exc.strerror})") from None
    return info


def video_truth(info: RenderInfo, plan: RenderPlan, *, compression_quality: int) -> dict[str, Any]:
    """The ``video`` block of the truth JSON."""
    return {
        "file": info.path.name,
        "fps": info.fps,
        "vfr": info.vfr,
        "timing": plan.timing.to_dict(),
        "n_frames": info.n_frames,
        "first_frame_t_s": float(info.t_s[0]),
        "frame_times": (
            "frame k shows truth time frame_t_s[k]; its file time is frame_t_s[k] - first_frame_t_s"
        ),
        "frame_t_s": np.round(info.t_s, 9).tolist(),
        "size_px": list(info.size_px),
        "codec": info.codec,
        "compression_quality": compression_quality if info.codec == "h264" else None,
        "exposure_s": info.exposure_s,
        "noise_sigma": plan.noise_sigma,
        "background": plan.background,
        "seed": plan.seed,
        "plate_diameter_m": PLATE_DIAMETER_M,
        "metres_per_px": info.metres_per_px,
        "plate_radius_px": info.plate_radius_px,
        "origin_xy_px": [float(v) for v in plan.camera.origin_xy_px],
        "facing": "right",
        "plate_xy_px": np.round(info.plate_xy_px, 3).tolist(),
        "camera_motion": None if plan.motion is None else plan.motion.to_dict(),
        **(
            {}
            if plan.motion is None
            else {
                "scene_plate_xy_px": np.round(plan.scene_plate_xy_px, 3).tolist(),
                "scene_to_image_px": np.round(plan.scene_to_image_px, 6).tolist(),
            }
        ),
    }


def _label(s: SynthSet) -> str:
    load = s.truth.get("load_kg")
    if load is None or load >= 80:
        return "20 KG"
    return "15 KG" if load >= 50 else "10 KG"


def _box(points_px: FloatArray, margin_px: float) -> tuple[float, float, float, float]:
    lo, hi = points_px.min(axis=0) - margin_px, points_px.max(axis=0) + margin_px
    return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


def _exposure_times(s: SynthSet, camera: Camera, t: float, exposure_s: float) -> FloatArray:
    """Sub-frame times across the exposure, centred on ``t``, about a pixel of travel apart."""
    if exposure_s <= 0.0:
        return np.array([t])
    ends = np.clip([t - exposure_s / 2, t, t + exposure_s / 2], 0.0, s.motion.duration_s)
    xy = camera.project(np.column_stack([s.bar_x_m(ends), s.bar_y_m(ends)]))
    travel = float(np.hypot(*(xy[1] - xy[0])) + np.hypot(*(xy[2] - xy[1])))
    n = int(np.clip(math.ceil(travel / 0.75), 1, 48))
    offsets = exposure_s * ((np.arange(n) + 0.5) / n - 0.5)
    return np.clip(t + offsets, 0.0, s.motion.duration_s)


def _blurred(
    image: npt.NDArray[np.uint8],
    sprite: PlateSprite,
    centres_px: FloatArray,
    angles_deg: FloatArray,
    light: npt.NDArray[np.float32],
) -> None:
    h, w = image.shape[:2]
    reach = sprite.rgba.shape[0] // 2 + 3
    x0 = max(0, math.floor(float(centres_px[:, 0].min())) - reach)
    y0 = max(0, math.floor(float(centres_px[:, 1].min())) - reach)
    x1 = min(w, math.ceil(float(centres_px[:, 0].max())) + reach + 1)
    y1 = min(h, math.ceil(float(centres_px[:, 1].max())) + reach + 1)
    if x0 >= x1 or y0 >= y1:
        return
    acc = BlurAccumulator(x0, y0, x1 - x0, y1 - y0)
    for centre, angle in zip(centres_px, angles_deg, strict=True):
        acc.add(sprite, centre, float(angle), light)
    acc.composite(image)


def _draw_bar(
    image: npt.NDArray[np.uint8], near_px: FloatArray, far_px: FloatArray, radius_px: float
) -> None:
    """The bar's shaft between the plates (mostly hidden behind the near plate when side-on)."""
    a, b = (
        (fixed(float(near_px[0])), fixed(float(near_px[1]))),
        (fixed(float(far_px[0])), fixed(float(far_px[1]))),
    )
    cv2.line(image, a, b, (150, 150, 155), max(1, round(2 * radius_px)), cv2.LINE_AA, SHIFT)


def _draw_body(
    image: npt.NDArray[np.uint8], s: SynthSet, camera: Camera, t: float, bar_m: FloatArray, style: LifterStyle
) -> None:
    if s.joints is None:
        return
    joints_m = s.joints_xy_m(np.array([t]))[0]
    joints_px = camera.project(joints_m, depth_m=LIFTER_DEPTH_M)
    hands_px = camera.project(bar_m, depth_m=LIFTER_DEPTH_M)
    px_per_m = camera.scale_at(LIFTER_DEPTH_M) / camera.metres_per_px
    if s.lift is Lift.BENCH:
        floor = camera.floor_y_px(LIFTER_DEPTH_M)
        first = camera.project(s.joints_xy_m(np.array([0.0]))[0], depth_m=LIFTER_DEPTH_M)
        draw_bench(image, first[1], first[0], floor, px_per_m)
    draw_lifter(image, joints_px, hands_px, px_per_m=px_per_m, style=style)
