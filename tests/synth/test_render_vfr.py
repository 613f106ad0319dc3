"""Rendered clips at a phone's variable frame rate: the file carries every frame's own time, and the
whole video analysis, timed by the file, gets the truth's reps and velocities."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from vbt.analysis import analyze_trajectory
from vbt.capture.pipeline import analyze_video
from vbt.capture.sources import VideoFileSource
from vbt.errors import InputError, VideoError
from vbt.synth import SynthSet, generate_set
from vbt.synth.__main__ import main as synth_main
from vbt.synth.render import plan_render, render_set
from vbt.synth.timing import GivenTimes, PhoneTiming
from vbt.types import Trajectory
from vbt.videoio import open_timed_writer

SIZE = (320, 180)


@pytest.fixture(scope="module")
def clean() -> SynthSet:
    return generate_set("power_clean", n_reps=1, seed=4, load_kg=70.0)


def test_a_phone_timed_clip_reads_back_with_every_frames_own_time(tmp_path: Path, clean: SynthSet) -> None:
    timing = PhoneTiming(seed=1, drop_fraction=0.05, slow_spells_per_s=0.5)
    info = render_set(clean, tmp_path / "vfr.mp4", size_px=SIZE, timing=timing, span_s=(0.5, 6.0))
    steps_ms = 1000 * np.diff(info.t_s)
    # The clip has what a phone does: jitter, a dropped frame (~67 ms), a spell at 24 fps (>40 ms).
    assert info.vfr and steps_ms.min() >= 28.0 - 1e-6
    assert (steps_ms > 55.0).any() and ((steps_ms > 40.1) & (steps_ms < 55.0)).any()
    with VideoFileSource(info.path) as source:
        frames = list(source)
        assert source.error is None and source.dropped_frame_count == 0
    assert len(frames) == info.n_frames
    read_s = np.array([f.t_s for f in frames])
    np.testing.assert_allclose(read_s, info.t_s - info.t_s[0], atol=1e-3)  # the file starts at 0 s
    truth = json.loads(info.truth_path.read_text())["video"]
    assert truth["vfr"] is True and truth["timing"] == timing.to_dict()
    assert truth["n_frames"] == info.n_frames == len(truth["frame_t_s"]) == len(truth["plate_xy_px"])
    np.testing.assert_allclose(truth["frame_t_s"], info.t_s, atol=1e-9)
    assert truth["first_frame_t_s"] == pytest.approx(info.t_s[0])
    # Seeded: the same timing gives the same frames' times.
    again = plan_render(clean, size_px=SIZE, timing=timing, span_s=(0.5, 6.0))
    np.testing.assert_array_equal(again.t_s, info.t_s)


def test_given_times_are_the_files_times(tmp_path: Path, clean: SynthSet) -> None:
    t_s = 1.0 + np.cumsum(np.tile([0.031, 0.036, 0.067, 0.042], 8))
    info = render_set(clean, tmp_path / "given.mp4", size_px=SIZE, timing=GivenTimes(t_s), noise_sigma=0.0)
    np.testing.assert_array_equal(info.t_s, t_s)
    with VideoFileSource(info.path) as source:
        read_s = np.array([f.t_s for f in source])
    np.testing.assert_allclose(read_s, t_s - t_s[0], atol=1e-3)


def test_a_vfr_squat_analysed_from_the_file_gets_the_truths_reps_and_velocities(tmp_path: Path) -> None:
    synth = generate_set("squat", n_reps=2, seed=3, load_kg=100.0)
    info = render_set(synth, tmp_path / "squat.mp4", size_px=SIZE, timing=PhoneTiming(seed=5))
    assert (np.diff(info.t_s) > 0.055).any()  # dropped frames in it
    result = analyze_video(info.path, lift="squat", with_pose=False)
    truth = synth.truth["reps"]
    reps = result.analysis.reps
    assert len(reps) == len(truth) == 2
    for rep, true in zip(reps, truth, strict=True):
        assert rep.mean_velocity_m_s == pytest.approx(true["mean_velocity_m_s"], abs=0.03)
        assert rep.start_s == pytest.approx(true["start_s"], abs=0.05)
    # The same track timed as if the clip were 30 fps constant puts the reps visibly elsewhere.
    trajectory = result.trajectory
    n = trajectory.t_s.shape[0]
    constant = Trajectory(t_s=trajectory.t_s[0] + np.arange(n) / 30.0, bar_xy_m=trajectory.bar_xy_m)
    wrong = analyze_trajectory(constant, lift="squat").reps
    assert max(abs(r.start_s - t["start_s"]) for r, t in zip(wrong, truth, strict=False)) > 0.2


def test_without_pyav_a_vfr_render_says_what_to_install(
    tmp_path: Path, clean: SynthSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "av", None)  # import av raises ImportError
    with pytest.raises(VideoError, match="pip install av"):
        render_set(clean, tmp_path / "x.mp4", size_px=SIZE, timing=PhoneTiming())
    assert not (tmp_path / "x.mp4").exists()


def test_bad_vfr_settings_are_clear_errors(tmp_path: Path, clean: SynthSet) -> None:
    with pytest.raises(InputError, match="not both"):
        plan_render(clean, size_px=SIZE, fps=30.0, timing=PhoneTiming())
    with pytest.raises(InputError, match="h264 only"):
        render_set(clean, tmp_path / "x.mp4", size_px=SIZE, timing=PhoneTiming(), codec="mp4v")
    with pytest.raises(InputError, match="at least 1 ms"):
        plan_render(clean, size_px=SIZE, timing=GivenTimes(np.array([0.0, 0.1, 0.1])))
    assert not (tmp_path / "x.mp4").exists()


def test_cli_renders_a_phone_timed_clip(tmp_path: Path) -> None:
    argv = [str(tmp_path), "--lift", "deadlift", "--reps", "1", "--render", "--size", "160x90"]
    assert synth_main([*argv, "--name", "dl", "--video-timing", "phone"]) == 0
    truth = json.loads((tmp_path / "dl.truth.json").read_text())["video"]
    assert truth["vfr"] is True and truth["timing"]["kind"] == "phone" and truth["timing"]["seed"] == 0
    with VideoFileSource(tmp_path / "dl.mp4") as source:
        read_s = np.array([f.t_s for f in source])
    np.testing.assert_allclose(read_s, np.array(truth["frame_t_s"]) - truth["first_frame_t_s"], atol=1e-3)


def test_the_timed_writer_pads_odd_sizes_and_skips_a_repeated_time(tmp_path: Path) -> None:
    writer = open_timed_writer(tmp_path / "odd.mp4", size_px=(161, 91), crf=20, preset="ultrafast")
    times = [10.0, 10.04, 10.04 + 5e-6, 10.11, 10.2]  # the third is within a tick of the second
    written = [writer.write(np.full((91, 161, 3), 40 * i, np.uint8), t) for i, t in enumerate(times)]
    with pytest.raises(VideoError, match="one size"):
        writer.write(np.zeros((90, 160, 3), np.uint8), 11.0)
    writer.close()
    assert written == [True, True, False, True, True]
    with VideoFileSource(tmp_path / "odd.mp4") as source:
        frames = list(source)
    assert frames[0].image.shape == (92, 162, 3)
    np.testing.assert_allclose([f.t_s for f in frames], [0.0, 0.04, 0.11, 0.2], atol=1e-3)
