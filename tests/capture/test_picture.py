"""Black bars and repeated frames (``vbt.capture.borders``, ``vbt.capture.repeats``) on frames made here,
with known answers: a square moving at a constant speed, filmed at one rate and shown at another."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from vbt.capture.borders import BorderCrop, BorderSettings
from vbt.capture.picture import Picture, PictureSettings
from vbt.capture.repeats import ContentClock, RepeatedFrameFilter, RepeatSettings, roughness_px2
from vbt.capture.track import PixelTrack
from vbt.types import JOINT_NAMES, Frame

W, H = 320, 180


class _Frames:
    """A stand-in ``FrameSource`` over a list of frames."""

    name, fps, frame_count, size_px, rotation_deg, error = "frames", 30.0, None, (W, H), 0, None

    def __init__(self, frames: list[Frame]) -> None:
        self.frames = frames

    def __iter__(self) -> Iterator[Frame]:
        return iter(self.frames)

    def close(self) -> None:
        pass

    def __enter__(self) -> _Frames:
        return self

    def __exit__(self, *args: object) -> None:
        pass


def _picture(x_px: float, rng: np.random.Generator, noise: float = 2.0) -> np.ndarray:
    image = np.full((H, W, 3), 90.0)
    image[70:110, int(x_px) : int(x_px) + 30] = 220.0
    image += rng.normal(0.0, noise, image.shape)
    return np.asarray(np.clip(image, 0, 255), dtype=np.uint8)


def _converted(
    content_fps: float, output_fps: float, duration_s: float, *, still_s: float = 0.0
) -> list[Frame]:
    """A square moving 60 px/s (after ``still_s`` still), filmed at ``content_fps`` and shown at
    ``output_fps`` by nearest picture; each shown frame gets fresh compression-like noise (0.6)."""
    rng = np.random.default_rng(1)
    content_t = np.arange(int(duration_s * content_fps) + 1) / content_fps
    pictures = [_picture(20 + 60 * max(0.0, t - still_s), rng) for t in content_t]
    frames = []
    for j, t in enumerate(np.arange(int(duration_s * output_fps) + 1) / output_fps):
        k = int((2 * j * content_fps + output_fps - 1) // (2 * output_fps))  # nearest; a tie: the earlier
        noisy = np.clip(pictures[k] + rng.normal(0.0, 0.6, pictures[k].shape), 0, 255).astype(np.uint8)
        frames.append(Frame(image=noisy, t_s=float(t), index=j))
    return frames


@pytest.mark.parametrize(("content_fps", "output_fps"), [(24, 30), (15, 30), (30, 60)])
def test_a_conversions_repeats_are_dropped_and_the_pictures_put_on_their_clock(
    content_fps: int, output_fps: int
) -> None:
    frames = _converted(content_fps, output_fps, 4.0)
    repeats = RepeatedFrameFilter(_Frames(frames))
    kept = list(repeats)
    clock = repeats.content_clock()
    assert clock.content_fps == pytest.approx(content_fps, rel=1e-3)
    keep, t_s = clock.retime(np.array([f.t_s for f in kept]))
    n_pictures = int(4.0 * content_fps) + 1
    assert int(keep.sum()) == n_pictures  # the first repeat of the motion is left out by the clock
    np.testing.assert_allclose(t_s, np.arange(n_pictures) / content_fps, atol=2e-3)


def _stood_in(fps: float, duration_s: float, *, every: int = 3) -> tuple[list[Frame], list[float]]:
    """A square moving 60 px/s filmed at ``fps``, with every ``every``-th frame dropped and stood in for by
    a copy of the frame before (fresh noise, 0.6): the same pattern of repeats as a conversion from
    ``fps * (every - 1) / every``, but each picture at its own frame's time. Also each frame's
    picture's time (a repeat: its original's)."""
    rng = np.random.default_rng(3)
    frames, taken_s = [], []
    for j in range(int(duration_s * fps) + 1):
        k = j - 1 if j % every == every - 1 else j
        picture = _picture(20 + 60 * k / fps, rng)
        noisy = np.clip(picture + rng.normal(0.0, 0.6, picture.shape), 0, 255).astype(np.uint8)
        frames.append(Frame(image=noisy, t_s=j / fps, index=j))
        taken_s.append(k / fps)
    return frames, taken_s


def _restored(frames: list[Frame], taken_s: list[float], settings: RepeatSettings | None = None) -> Picture:
    """``Picture`` over ``frames``, its ``restore`` given the square's left edge (known: 20 + 60 t px at
    each picture's time ``taken_s``) as the bar; the track it restores is in ``picture.restored``."""
    picture = Picture(_Frames(frames), PictureSettings(borders=None, repeats=settings or RepeatSettings()))
    kept = list(picture)
    n, j = len(kept), len(JOINT_NAMES)
    nan = np.full
    x = np.array([20 + 60 * taken_s[f.index] for f in kept])
    track = PixelTrack(
        t_s=np.array([f.t_s for f in kept]),
        frame_index=np.array([f.index for f in kept]),
        bar_xy_px=np.column_stack([x, np.full(n, 90.0)]),
        bar_confidence=np.ones(n),
        bar_size_px=nan(n, np.nan),
        bar_axis_ratio=nan(n, np.nan),
        joints_xy_px=nan((n, j, 2), np.nan),
        joints_visibility=nan((n, j), np.nan),
        heel_xy_px=nan((n, 2), np.nan),
        wrists_xy_px=nan((n, 2, 2), np.nan),
        camera_to_scene_px=nan((n, 2, 3), np.nan),
        camera_status=np.zeros(n, dtype=np.int8),
    )
    picture.restored = picture.restore(track)  # type: ignore[attr-defined]
    return picture


def test_roughness_is_zero_at_constant_velocity_and_half_a_dt2_squared_under_acceleration() -> None:
    t_s = np.arange(10) / 30.0
    assert roughness_px2(t_s, np.column_stack([5 + 60 * t_s, 3 * t_s])) == pytest.approx(0.0, abs=1e-18)
    a = 900.0  # px/s^2
    expected = 8 * (a * (1 / 30.0) ** 2 / 2) ** 2  # 8 samples with both neighbours
    assert roughness_px2(t_s, np.column_stack([a * t_s**2 / 2, 0 * t_s])) == pytest.approx(expected)


def test_frames_dropped_and_stood_in_for_by_repeats_keep_their_own_times() -> None:
    """30 fps with every third frame a copy of the one before: the repeats come as a conversion from
    20 fps makes them, and the times alone fit a 20 fps grid (each picture within an output interval
    of it); the motion says each picture was taken at its own frame's time (on the grid the square
    would speed up and slow down every other picture by half)."""
    frames, taken_s = _stood_in(30.0, 4.0)
    on_grid = _restored(frames, taken_s, RepeatSettings(use_motion_clock=False))
    assert on_grid.report()["content_fps"] == pytest.approx(20.0, rel=1e-3)  # what the times alone say
    picture = _restored(frames, taken_s)
    restored = picture.restored  # type: ignore[attr-defined]
    assert picture.report()["content_fps"] is None
    kept = restored.frame_index
    np.testing.assert_allclose(restored.t_s, kept / 30.0, atol=1e-9)  # every frame at its own time
    # once the cadence showed (the filter keeps the first repeats), each repeat is left out and the
    # square moves at its 60 px/s between every two pictures (on the grid: 40 and 80 in turn)
    later = kept >= 15
    assert not np.any(kept[later] % 3 == 2)
    speed = np.diff(restored.bar_xy_px[later, 0]) / np.diff(restored.t_s[later])
    np.testing.assert_allclose(speed, 60.0, atol=1e-6)
    grid = on_grid.restored  # type: ignore[attr-defined]
    grid_speed = np.diff(grid.bar_xy_px[grid.frame_index >= 15, 0]) / np.diff(
        grid.t_s[grid.frame_index >= 15]
    )
    assert grid_speed.min() < 45.0 and grid_speed.max() > 75.0


@pytest.mark.parametrize(("content_fps", "output_fps"), [(24, 30), (20, 30)])
def test_a_conversions_pictures_go_on_its_grid_when_the_motion_agrees(
    content_fps: int, output_fps: int
) -> None:
    frames = _converted(content_fps, output_fps, 4.0)
    taken_s = [round(f.t_s * content_fps) / content_fps for f in frames]  # the picture each frame shows
    picture = _restored(frames, taken_s)
    assert picture.report()["content_fps"] == pytest.approx(content_fps, rel=1e-3)
    restored = picture.restored  # type: ignore[attr-defined]
    np.testing.assert_allclose(restored.t_s, np.arange(len(restored.t_s)) / content_fps, atol=2e-3)


def test_real_frames_are_all_kept_moving_or_still() -> None:
    frames = _converted(30, 30, 2.0, still_s=1.0)  # a still second, then motion: no repeats
    repeats = RepeatedFrameFilter(_Frames(frames))
    assert len(list(repeats)) == len(frames)
    assert repeats.dropped_frame_count == 0 and not repeats.content_clock().regular


def test_a_still_scene_keeps_its_repeats_they_cost_nothing() -> None:
    frames = _converted(15, 30, 1.0, still_s=2.0)  # never moves
    assert len(list(RepeatedFrameFilter(_Frames(frames)))) == len(frames)


def test_without_repeats_the_clock_keeps_every_frame_at_its_time() -> None:
    clock = ContentClock(output_fps=30.0)
    keep, t_s = clock.retime(np.arange(10) / 30.0)
    assert keep.all() and np.array_equal(t_s, np.arange(10) / 30.0)


@pytest.mark.parametrize("bars", [(60, 0, 60, 0), (0, 30, 0, 30)])
@pytest.mark.parametrize("cut", [False, True])
def test_black_bars_are_found_and_left_out(bars: tuple[int, int, int, int], cut: bool) -> None:
    rng = np.random.default_rng(2)
    left, top, right, bottom = bars
    frames = []
    for k in range(40):
        image = np.zeros((H + top + bottom, W + left + right, 3), np.uint8)
        image[top : top + H, left : left + W] = _picture(20 + 3 * k, rng)
        frames.append(Frame(image=image, t_s=k / 30.0, index=k))
    crop = BorderCrop(_Frames(frames), BorderSettings(cut=cut))
    out = list(crop)
    assert crop.content_rect_px == (left, top, W, H) and len(out) == 40
    picture = frames[5].image[top : top + H, left : left + W]
    if cut:  # only the picture, and where it was
        assert crop.offset_xy_px == (left, top) and crop.size_px == (W, H)
        np.testing.assert_array_equal(out[5].image, picture)
    else:  # the frame as it was, the bars taking the picture's edge: nothing black left
        assert crop.offset_xy_px == (0, 0) and out[5].image.shape == frames[5].image.shape
        np.testing.assert_array_equal(out[5].image[top : top + H, left : left + W], picture)
        np.testing.assert_array_equal(out[5].image[top + 10, :left], np.repeat(picture[10, :1], left, axis=0))
        assert out[5].image.max(axis=2).min() > 32
        edge = np.pad(picture, ((top, bottom), (left, right), (0, 0)), mode="edge")  # every bar pixel
        np.testing.assert_array_equal(out[5].image, edge)
        assert not np.shares_memory(out[5].image, frames[5].image)  # a frame of its own


def test_a_dark_band_on_one_side_or_a_black_frame_is_not_a_bar() -> None:
    rng = np.random.default_rng(3)
    floor = _picture(20, rng)
    floor[150:] = 5  # a black floor along the bottom only
    crop = BorderCrop(_Frames([Frame(image=floor, t_s=0.0, index=0)]))
    assert next(iter(crop)).image.shape == (H, W, 3) and crop.content_rect_px == (0, 0, W, H)
    black = np.zeros((H, W, 3), np.uint8)  # a fade from black
    crop = BorderCrop(_Frames([Frame(image=black, t_s=0.0, index=0)]), BorderSettings(probe_s=0.0))
    assert next(iter(crop)).image.shape == (H, W, 3) and crop.content_rect_px == (0, 0, W, H)


def test_a_frames_grey_is_converted_once_for_the_repeats_filter_and_the_camera(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cv2

    from vbt.capture.bar import BarDetection, BarMethod
    from vbt.capture.camera import BackgroundMotion

    frames = _converted(24, 30, 1.0)
    first = frames[0]
    np.testing.assert_array_equal(first.grey, cv2.cvtColor(first.image, cv2.COLOR_BGR2GRAY))
    assert first.grey is first.grey  # kept
    grey = Frame(image=first.grey, t_s=0.0, index=0)
    assert grey.grey is grey.image  # a grey image is its own grey
    conversions = []
    convert = cv2.cvtColor

    def counted(image: np.ndarray, code: int, *args: object, **kwargs: object) -> np.ndarray:
        conversions.append(code)
        return convert(image, code, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(cv2, "cvtColor", counted)
    fresh = [Frame(image=f.image, t_s=f.t_s, index=f.index) for f in frames]
    camera = BackgroundMotion()
    kept = 0
    for frame in RepeatedFrameFilter(_Frames(fresh)):
        camera.update(frame, pose=None, bar=BarDetection.missing(frame.t_s, BarMethod.PLATE))
        kept += 1
    assert 0 < kept < len(fresh)  # the conversion's repeats were left out, the rest measured
    assert conversions.count(cv2.COLOR_BGR2GRAY) == len(fresh)  # one per frame read, not two
