"""Rendered clips with known answers: the plate is drawn where the truth says, the file has the
frames and times it should, and the markerless plate tracker follows the rendered plate."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from vbt.capture.bar import PlateTracker
from vbt.capture.bar.rim import fit_rim, gradients
from vbt.capture.bar.settings import RimSettings
from vbt.capture.sources import VideoFileSource
from vbt.errors import InputError
from vbt.synth import SynthSet, generate_set
from vbt.synth.__main__ import main as synth_main
from vbt.synth.render import iter_frames, plan_render, render_set
from vbt.synth.sprites import make_plate_sprite
from vbt.synth.video_out import crf_for_quality

SIZE = (320, 180)


@pytest.fixture(scope="module")
def clean() -> SynthSet:
    return generate_set("power_clean", n_reps=1, seed=4, load_kg=70.0)


def _measure_plate(image: np.ndarray, radius_px: float) -> tuple[np.ndarray, float]:
    """The largest disc of about ``radius_px``: Hough circles, then a sub-pixel rim fit."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    circles = cv2.HoughCircles(
        gray,
        cv2.HOUGH_GRADIENT_ALT,
        1.5,
        radius_px,
        param1=100,
        param2=0.8,
        minRadius=int(0.85 * radius_px),
        maxRadius=int(1.15 * radius_px) + 1,
    )
    assert circles is not None, "no disc found"
    best = circles[0][np.argmax(circles[0][:, 2])]
    gx, gy = gradients(image)
    fit = fit_rim(gx, gy, best[:2].astype(float), float(best[2]), settings=RimSettings(), band=(0.72, 1.3))
    assert fit is not None
    return fit.centre_xy, fit.radius


def test_sprite_has_the_plate_area_and_its_centre_where_stated() -> None:
    sprite = make_plate_sprite(31.7, colour="red", label="20 KG")
    alpha = sprite.rgba[..., 3]
    yy, xx = np.mgrid[: alpha.shape[0], : alpha.shape[1]]
    assert np.sqrt(alpha.sum() / np.pi) == pytest.approx(31.7, abs=0.05)
    assert (alpha * xx).sum() / alpha.sum() == pytest.approx(sprite.centre, abs=0.01)
    assert (alpha * yy).sum() / alpha.sum() == pytest.approx(sprite.centre, abs=0.01)


def test_rendering_is_deterministic_and_the_seed_matters(clean: SynthSet) -> None:
    def frames(seed: int) -> list[np.ndarray]:
        plan = plan_render(clean, size_px=SIZE, seed=seed, span_s=(1.0, 1.29))
        return [f.image for f in iter_frames(plan)]

    a, b, c = frames(0), frames(0), frames(1)
    assert len(a) == len(b) == 9  # 30 fps: 1.0 s and 8 more frames
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0], c[0])


def test_the_plate_is_drawn_on_the_truth_path(clean: SynthSet) -> None:
    # Sharp frames over the pull, catch and drop: a rim fit finds the plate where the truth puts it.
    plan = plan_render(clean, size_px=(480, 270), seed=0, blur=False, noise_sigma=0.0)
    errors, radii = [], []
    for frame in iter_frames(plan):
        if frame.index % 6:
            continue
        centre, radius = _measure_plate(frame.image, plan.plate_radius_px)
        errors.append(np.hypot(*(centre - plan.plate_xy_px[frame.index])))
        radii.append(radius)
    assert len(errors) > 20
    assert np.median(errors) < 0.2
    assert max(errors) < 1.0
    assert np.median(radii) == pytest.approx(plan.plate_radius_px, abs=0.2)
    # 0.45 m plate: the radius in pixels is the scale.
    assert plan.plate_radius_px * plan.camera.metres_per_px == pytest.approx(0.225)


def test_truth_path_follows_the_exact_bar_motion(clean: SynthSet) -> None:
    plan = plan_render(clean, size_px=SIZE)
    rise_px = plan.plate_xy_px[0, 1] - plan.plate_xy_px[:, 1].min()
    rise_m = clean.bar_y_m(plan.t_s).max() - clean.bar_y_m(plan.t_s[0])
    assert rise_px * plan.camera.metres_per_px == pytest.approx(rise_m, rel=1e-9)
    np.testing.assert_allclose(plan.t_s, np.arange(plan.t_s.shape[0]) / 30.0)


@pytest.mark.parametrize("codec", ["h264", "mp4v"])
def test_clip_opens_with_the_frames_rate_and_truth_it_was_written_with(
    tmp_path: Path,
    codec: str,
    clean: SynthSet,
) -> None:
    info = render_set(clean, tmp_path / "clip.mp4", size_px=SIZE, fps=25.0, codec=codec, span_s=(0.0, 1.0))
    assert info.n_frames == 26
    capture = cv2.VideoCapture(str(info.path), cv2.CAP_FFMPEG)
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(25.0)
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 26
    capture.release()
    with VideoFileSource(info.path) as source:
        frames = list(source)
        assert source.error is None
    assert len(frames) == 26
    assert frames[0].image.shape == (SIZE[1], SIZE[0], 3)
    np.testing.assert_allclose([f.t_s for f in frames], np.arange(26) / 25.0, atol=1e-3)
    truth = json.loads(info.truth_path.read_text())
    assert truth["video"]["n_frames"] == 26
    assert truth["video"]["codec"] == codec
    np.testing.assert_allclose(truth["video"]["plate_xy_px"], info.plate_xy_px, atol=1e-3)
    assert truth["reps"] == clean.truth["reps"]


def test_plate_tracker_follows_the_rendered_plate(tmp_path: Path, clean: SynthSet) -> None:
    # The pull, the turnover at up to 4 m/s (motion blur), the catch; through h264 compression.
    rep = clean.truth["reps"][0]
    span = (rep["start_s"] - 0.5, rep["catch_s"] + 0.5)
    info = render_set(clean, tmp_path / "pull.mp4", size_px=(480, 270), span_s=span)
    tracker = PlateTracker()
    found = []
    with VideoFileSource(info.path) as source:
        for frame in source:
            found.append(tracker.update(frame).xy_px)
    errors = np.hypot(*(np.array(found) - info.plate_xy_px).T)
    assert np.isfinite(errors).mean() > 0.95
    assert np.nanmedian(errors) < 0.75
    assert np.nanpercentile(errors, 90) < 1.5
    assert np.nanmax(errors) < 5.0  # a fifth of the radius, at the fastest, most blurred frames


def test_bad_settings_are_clear_errors(tmp_path: Path, clean: SynthSet) -> None:
    with pytest.raises(InputError, match="even frame size"):
        render_set(clean, tmp_path / "odd.mp4", size_px=(321, 180))
    with pytest.raises(InputError, match="background"):
        render_set(clean, tmp_path / "x.mp4", size_px=SIZE, background="beach")
    with pytest.raises(InputError, match="leaves the"):
        plan_render(clean, size_px=SIZE, metres_per_px=0.002)
    with pytest.raises(InputError, match="codec"):
        render_set(clean, tmp_path / "x.mp4", size_px=SIZE, codec="avc1")
    with pytest.raises(InputError, match="span_s"):
        plan_render(clean, size_px=SIZE, span_s=(100.0, 101.0))
    assert not (tmp_path / "x.mp4").exists()


def test_quality_maps_to_x264_crf() -> None:
    assert crf_for_quality(100) == 12
    assert crf_for_quality(60) == 26
    assert crf_for_quality(0) == 46


def test_cli_renders_a_clip_with_its_truth(tmp_path: Path) -> None:
    code = synth_main(
        [str(tmp_path), "--lift", "deadlift", "--reps", "1", "--render", "--size", "160x90", "--name", "dl"]
    )
    assert code == 0
    truth = json.loads((tmp_path / "dl.truth.json").read_text())
    assert truth["video"]["size_px"] == [160, 90]
    assert (tmp_path / "dl.mp4").stat().st_size > 0
    assert (tmp_path / "dl.csv").exists()


def test_sample_clips_are_small_and_carry_their_truth() -> None:
    samples = Path(__file__).resolve().parents[2] / "sample_videos"
    clips = sorted(samples.glob("*.mp4"))
    assert {c.stem.split("_")[0] for c in clips} >= {"power", "squat", "deadlift"}
    for clip in clips:
        assert clip.stat().st_size < 1_000_000, clip.name
        truth = json.loads(clip.with_name(clip.stem + ".truth.json").read_text())
        capture = cv2.VideoCapture(str(clip), cv2.CAP_FFMPEG)
        assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == truth["video"]["n_frames"], clip.name
        if not truth["video"].get("vfr", False):
            assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(truth["video"]["fps"])
        capture.release()
        if truth["video"].get("vfr", False):  # a phone-timed clip: every frame at its own time
            with VideoFileSource(clip) as source:
                read = np.array([frame.t_s for frame in source])
            intended = np.asarray(truth["video"]["frame_t_s"]) - truth["video"]["first_frame_t_s"]
            assert read == pytest.approx(intended, abs=1e-3), clip.name
            assert np.ptp(np.diff(intended)) > 0.01  # really variable
        assert len(truth["video"]["plate_xy_px"]) == truth["video"]["n_frames"]
