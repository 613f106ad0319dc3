"""The frame loop, video to analysis, on clips rendered from synthetic lifts with exact truth.

A rendered clip shows a plate (dark disc, rim groove, light hub) on a cluttered background at the
synthetic bar's exact position in every frame, at a known scale (``METRES_PER_PX``): the velocities
that come out of ``analyze_video`` must match the synthetic truth.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from tests.capture.video_fixtures import ffmpeg
from vbt.calibration import CameraProfile, Facing, save_camera_profile
from vbt.capture.bar import BarDetection, BarMethod
from vbt.capture.pipeline import analyze_video, observe
from vbt.capture.pose import PoseResult
from vbt.capture.sources import VideoFileSource
from vbt.capture.track import PixelTrack, TrackBuilder, calibrate_track, facing_from_feet, to_trajectory
from vbt.errors import CalibrationError, InputError, VideoError
from vbt.synth import SynthSet, generate_set
from vbt.types import JOINT_NAMES, Frame

WIDTH_PX, HEIGHT_PX = 480, 360
METRES_PER_PX = 0.005  # a 0.45 m plate is 90 px across
FPS = 30.0


def render_plate_clip(path: Path, synth: SynthSet, *, fps: float = FPS, plate: bool = True) -> Path:
    """Write ``synth``'s bar motion as an mp4v clip: the plate's centre at the bar, 0.005 m per pixel.

    Frame ``i`` is at ``i / fps`` s; the bar at (x, y) metres is drawn at
    (W/2 + x / s, H - 20 - y / s) pixels (s = ``METRES_PER_PX``); ``plate=False`` leaves it out.
    """
    n = int(synth.truth["duration_s"] * fps)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (WIDTH_PX, HEIGHT_PX))
    assert writer.isOpened()
    rng = np.random.default_rng(0)
    background = np.full((HEIGHT_PX, WIDTH_PX, 3), (150, 160, 170), np.uint8)
    for _ in range(40):  # clutter: rectangles of random colours
        x, y = int(rng.integers(0, WIDTH_PX)), int(rng.integers(0, HEIGHT_PX))
        w, h = (int(v) for v in rng.integers(5, 40, 2))
        cv2.rectangle(background, (x, y), (x + w, y + h), tuple(int(c) for c in rng.integers(90, 220, 3)), -1)
    t_s = np.arange(n) / fps
    x_m, y_m = synth.bar_x_m(t_s), synth.bar_y_m(t_s)
    radius = 0.225 / METRES_PER_PX
    for i in range(n):
        image = background.copy()
        cx = WIDTH_PX / 2 + x_m[i] / METRES_PER_PX
        cy = HEIGHT_PX - 20 - y_m[i] / METRES_PER_PX
        centre = (round(cx * 16), round(cy * 16))  # 4 fractional bits: sub-pixel positions
        if plate:
            cv2.circle(image, centre, round(radius * 16), (30, 30, 30), -1, cv2.LINE_AA, 4)
            cv2.circle(image, centre, round((radius - 4) * 16), (60, 60, 60), 2, cv2.LINE_AA, 4)
            cv2.circle(image, centre, round(0.05 / METRES_PER_PX * 16), (200, 200, 200), -1, cv2.LINE_AA, 4)
        writer.write(image)
    writer.release()
    return path


def squat_set(n_reps: int) -> SynthSet:
    return generate_set("squat", n_reps=n_reps, seed=3, with_joints=False, walkout=False)


@pytest.fixture(scope="module")
def squat_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSet]:
    synth = squat_set(3)
    return render_plate_clip(tmp_path_factory.mktemp("clip") / "squat.mp4", synth), synth


def test_rendered_squat_gives_the_true_reps_and_velocities(squat_clip: tuple[Path, SynthSet]) -> None:
    path, synth = squat_clip
    result = analyze_video(path, lift="squat", with_pose=False)
    truth = synth.truth["reps"]
    reps = result.analysis.reps
    assert len(reps) == len(truth) == 3
    for rep, true in zip(reps, truth, strict=True):
        assert rep.mean_velocity_m_s == pytest.approx(true["mean_velocity_m_s"], abs=0.03)
        assert rep.peak_velocity_m_s == pytest.approx(true["peak_velocity_m_s"], abs=0.06)
        assert rep.range_of_motion_m == pytest.approx(true["range_of_motion_m"], abs=0.03)
        assert rep.start_s == pytest.approx(true["start_s"], abs=0.1)
    # The scale comes from the plate's diameter (0.45 m bumper): 0.005 m per pixel as rendered.
    assert result.calibration.method == "plate"
    assert result.calibration.metres_per_px == pytest.approx(METRES_PER_PX, rel=0.03)
    # y is up: the bar's height in metres follows the truth (up to the origin, its first position).
    y = result.trajectory.bar_xy_m[:, 1]
    true_y = synth.bar_y_m(result.trajectory.t_s) - synth.bar_y_m(result.trajectory.t_s[0])
    assert np.nanmax(np.abs(y - true_y)) < 0.02
    assert result.error is None and result.track.pose_ran is False
    extra = result.report_extra
    assert extra["video"]["fps"] == pytest.approx(30.0)
    assert extra["video"]["frames"] == len(result.track) == int(synth.truth["duration_s"] * FPS)
    assert extra["video"]["size_px"] == [WIDTH_PX, HEIGHT_PX]
    assert extra["tracking"]["bar_detected_fraction"] >= 0.99
    assert extra["tracking"]["pose_detected_fraction"] is None
    assert extra["tracking"]["bar_method"] == "plate" and extra["tracking"]["low_accuracy"] is False
    assert extra["calibration"]["metres_per_px"] == result.calibration.metres_per_px


def truncated_clip(folder: Path, synth: SynthSet) -> Path:
    """``synth`` rendered, its index moved first (as phones write), then cut at 55 % of its bytes."""
    clip = render_plate_clip(folder / "full.mp4", synth)
    streamable = folder / "faststart.mp4"
    ffmpeg("-i", str(clip), "-c", "copy", "-movflags", "+faststart", str(streamable))
    data = streamable.read_bytes()
    cut = folder / "cut.mp4"
    cut.write_bytes(data[: len(data) * 55 // 100])
    return cut


def test_a_truncated_file_keeps_the_reps_before_the_damage(tmp_path: Path) -> None:
    synth = squat_set(2)  # reps end at 3.8 s and 6.9 s of 9.5 s; the cut comes at about 5 s
    result = analyze_video(truncated_clip(tmp_path, synth), lift="squat", with_pose=False)
    assert isinstance(result.error, VideoError) and "truncated" in str(result.error)
    assert len(result.analysis.reps) == 1
    true = synth.truth["reps"][0]
    assert result.analysis.reps[0].mean_velocity_m_s == pytest.approx(true["mean_velocity_m_s"], abs=0.03)
    assert result.report_extra["error"] == str(result.error)


def test_a_clip_without_a_plate_is_a_clear_error(tmp_path: Path) -> None:
    clip = render_plate_clip(tmp_path / "empty.mp4", squat_set(1), plate=False)
    with pytest.raises(InputError, match="no plate found in 171 frames"):
        analyze_video(clip, lift="squat", with_pose=False)


# --- the loop with stand-in pose and tracker ------------------------------------------------------


class _Pose:
    """A pose estimator that sees the wrists at a fixed place and no joints."""

    def estimate(self, frame: Frame) -> tuple[Any, Any]:
        result = self.detect(frame)
        return result.joints_xy_px, result.joints_visibility

    def detect(self, frame: Frame) -> PoseResult:
        n = len(JOINT_NAMES)
        return PoseResult(
            t_s=frame.t_s,
            side="right",
            joints_xy_px=np.full((n, 2), 7.0),
            joints_visibility=np.ones(n),
            heel_xy_px=np.array([5.0, 7.0]),
            heel_visibility=1.0,
            wrists_xy_px=np.array([[10.0, 20.0], [30.0, 40.0]]),
            wrists_visibility=np.ones(2),
        )


class _Tracker:
    method = BarMethod.WRISTS

    def __init__(self) -> None:
        self.hands: list[Any] = []

    def update(self, frame: Frame, *, hands_xy_px: Any = None) -> BarDetection:
        self.hands.append(hands_xy_px)
        return BarDetection(t_s=frame.t_s, xy_px=np.array([1.0, 2.0]), confidence=0.5, method=self.method)

    def reset(self) -> None:
        self.hands.clear()


def _frames(n: int) -> list[Frame]:
    return [Frame(image=np.zeros((8, 8, 3), np.uint8), t_s=i / 30, index=i) for i in range(n)]


def test_observe_gives_the_pose_wrists_to_the_tracker_as_hands() -> None:
    tracker = _Tracker()
    sightings = list(observe(_frames(3), tracker=tracker, pose=_Pose()))
    assert [s.frame_index for s in sightings] == [0, 1, 2]
    np.testing.assert_array_equal(tracker.hands[0], [[10.0, 20.0], [30.0, 40.0]])
    assert sightings[1].observation.t_s == pytest.approx(1 / 30)
    np.testing.assert_array_equal(sightings[1].observation.bar_xy_px, [1.0, 2.0])
    np.testing.assert_array_equal(sightings[1].observation.joints_xy_px, np.full((5, 2), 7.0))
    without = list(observe(_frames(2), tracker=_Tracker(), pose=None))
    assert np.isnan(without[0].observation.joints_xy_px).all()
    assert np.isnan(without[0].observation.joints_visibility).all()


def test_observe_streams_one_frame_at_a_time() -> None:
    pulled: list[int] = []

    def frames() -> Any:
        for frame in _frames(100):
            pulled.append(frame.index)
            yield frame

    sightings = observe(frames(), tracker=_Tracker())
    assert pulled == []  # nothing read before it is asked for
    next(sightings)
    next(sightings)
    assert pulled == [0, 1]


def _track(n: int, *, toe_ahead_px: float, pose: bool = True) -> PixelTrack:
    builder = TrackBuilder(pose_ran=pose)
    for i, frame in enumerate(_frames(n)):
        bar = BarDetection(
            t_s=frame.t_s,
            xy_px=np.array([100.0 + i, 200.0 - 2 * i]),
            confidence=0.9,
            method=BarMethod.PLATE,
            radius_px=50.0,
            ellipse_axes_px=np.array([50.0, 48.0]),
            ellipse_angle_deg=0.0,
        )
        joints = np.full((5, 2), 300.0)
        joints[JOINT_NAMES.index("toe")] = (300.0 + toe_ahead_px, 300.0)
        result = PoseResult(
            t_s=frame.t_s,
            side="left",
            joints_xy_px=joints,
            joints_visibility=np.ones(5),
            heel_xy_px=np.array([300.0, 300.0]),
            heel_visibility=1.0,
            wrists_xy_px=np.full((2, 2), np.nan),
            wrists_visibility=np.zeros(2),
        )
        builder.append(frame.index, bar, result if pose else None)
    return builder.build()


def test_track_builder_grows_and_keeps_every_row() -> None:
    track = _track(600, toe_ahead_px=10.0)  # past the first buffer of 256 rows
    assert len(track) == 600 and track.frame_index[-1] == 599
    np.testing.assert_allclose(track.bar_xy_px[599], [699.0, -998.0])
    assert track.bar_size_px[0] == 50.0 and track.bar_axis_ratio[0] == pytest.approx(0.96)
    assert track.bar_detected_fraction == 1.0 and track.pose_detected_fraction == 1.0
    assert np.isnan(_track(3, toe_ahead_px=1.0, pose=False).pose_detected_fraction)
    with pytest.raises(ValueError, match=r"bar_xy_px must have shape \(600, 2\)"):
        PixelTrack(**{**track.__dict__, "bar_xy_px": track.bar_xy_px[:, :1]})


def test_facing_and_scale_and_axes_of_the_trajectory() -> None:
    right, left = _track(30, toe_ahead_px=25.0), _track(30, toe_ahead_px=-25.0)
    assert facing_from_feet(right) is Facing.RIGHT and facing_from_feet(left) is Facing.LEFT
    assert facing_from_feet(_track(3, toe_ahead_px=1.0, pose=False)) is None
    for track, sign in ((right, 1.0), (left, -1.0)):
        calibration = calibrate_track(track, bar_method=BarMethod.PLATE)
        assert calibration.metres_per_px == pytest.approx(0.45 / 100.0)  # 0.45 m over 2 x 50 px
        trajectory = to_trajectory(track, calibration)
        # The bar moves 1 px right and 2 px up per frame, from the origin at its first position.
        np.testing.assert_allclose(trajectory.bar_xy_m[10], [sign * 10 * 0.0045, 20 * 0.0045])
        assert trajectory.joints_xy_m.shape == (30, 5, 2)
    known = calibrate_track(right, bar_method=BarMethod.PLATE, known_length=(200.0, 1.0))
    assert known.method == "known_length" and known.metres_per_px == pytest.approx(0.005)


@pytest.mark.parametrize(
    ("method", "words"),
    [
        (BarMethod.WRISTS, "--known-length"),
        (BarMethod.COLOR, "--known-length"),
        (BarMethod.ARUCO, "--marker-m"),
    ],
)
def test_methods_without_their_own_scale_ask_for_one(method: BarMethod, words: str) -> None:
    with pytest.raises(CalibrationError, match=words):
        calibrate_track(_track(5, toe_ahead_px=1.0), bar_method=method)
    assert calibrate_track(_track(5, toe_ahead_px=1.0), bar_method=method, known_length=(100.0, 0.5))


def test_unsure_plates_give_no_scale() -> None:
    track = _track(5, toe_ahead_px=1.0)
    unsure = PixelTrack(**{**track.__dict__, "bar_confidence": np.full(5, 0.3)})
    with pytest.raises(CalibrationError, match="no plate was seen with confidence"):
        calibrate_track(unsure, bar_method=BarMethod.PLATE)


class _LiveLike:
    """A live source stand-in: the clip's frames, then Ctrl-C (how a camera recording is ended)."""

    name, fps, frame_count, rotation_deg, error = "camera 0", float("nan"), None, 0, None
    size_px = (WIDTH_PX, HEIGHT_PX)

    def __init__(self, path: Path, stop_after: int) -> None:
        self.path, self.stop_after, self.closed = path, stop_after, False

    def __iter__(self) -> Any:
        with VideoFileSource(self.path) as source:
            for frame in source:
                if frame.index == self.stop_after:
                    raise KeyboardInterrupt
                yield frame

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> _LiveLike:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def test_ctrl_c_ends_a_live_recording_and_what_came_before_is_analysed(
    squat_clip: tuple[Path, SynthSet],
) -> None:
    path, synth = squat_clip
    live = _LiveLike(path, stop_after=250)
    result = analyze_video(live, lift="squat", with_pose=False)
    assert result.error is None and len(result.track) == 250
    before = [r for r in synth.truth["reps"] if r["end_s"] < 249 / FPS - 0.5]
    assert 1 <= len(before) == len(result.analysis.reps) < 3
    assert not live.closed  # a source given open is the caller's to close
    assert result.report_extra["video"]["fps"] is None


def test_plate_size_and_lens_profile_reach_the_calibration() -> None:
    track = _track(30, toe_ahead_px=25.0)
    assert calibrate_track(track, bar_method=BarMethod.PLATE, plate="0.5").metres_per_px == pytest.approx(
        0.005
    )
    matrix = np.array([[500.0, 0.0, 320.0], [0.0, 500.0, 240.0], [0.0, 0.0, 1.0]])
    ideal = CameraProfile(camera_matrix=matrix, dist_coeffs=np.zeros(5), image_size_px=(640, 480))
    calibration = calibrate_track(track, bar_method=BarMethod.PLATE, camera=ideal, size_px=(640, 480))
    assert calibration.camera is ideal  # pixels_to_metres undistorts with it
    assert calibration.metres_per_px == pytest.approx(0.0045)  # no distortion: the same scale
    np.testing.assert_allclose(to_trajectory(track, calibration).bar_xy_m[10], [10 * 0.0045, 20 * 0.0045])
    barrel = CameraProfile(
        camera_matrix=matrix, dist_coeffs=np.array([-0.3, 0.1, 0, 0, 0]), image_size_px=(640, 480)
    )
    widened = calibrate_track(track, bar_method=BarMethod.PLATE, camera=barrel, size_px=(640, 480))
    assert widened.metres_per_px < 0.0045  # barrel distortion shrinks the plate away from the centre
    with pytest.raises(CalibrationError, match="measured on 640x480 images but the video is 1280x720"):
        calibrate_track(track, bar_method=BarMethod.PLATE, camera=ideal, size_px=(1280, 720))


def test_a_camera_profile_file_is_applied(squat_clip: tuple[Path, SynthSet], tmp_path: Path) -> None:
    path, synth = squat_clip
    matrix = np.array([[400.0, 0.0, 240.0], [0.0, 400.0, 180.0], [0.0, 0.0, 1.0]])
    ideal = CameraProfile(
        camera_matrix=matrix, dist_coeffs=np.zeros(5), image_size_px=(WIDTH_PX, HEIGHT_PX), name="ideal"
    )
    profile = save_camera_profile(ideal, tmp_path / "calibration" / "ideal.json")
    result = analyze_video(path, lift="squat", with_pose=False, camera_profile=profile)
    assert result.report_extra["calibration"]["camera_profile"] == "ideal"
    assert result.calibration.metres_per_px == pytest.approx(METRES_PER_PX, rel=0.03)
    means = [r.mean_velocity_m_s for r in result.analysis.reps]
    assert means == pytest.approx([r["mean_velocity_m_s"] for r in synth.truth["reps"]], abs=0.03)
