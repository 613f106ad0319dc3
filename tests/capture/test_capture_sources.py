"""Frame sources: timestamps from the file, rotation, damaged files, live sources' clocks and ends."""

from __future__ import annotations

import math
import socket
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from tests.capture.video_fixtures import (
    FOOTAGE,
    HEIGHT_PX,
    WIDTH_PX,
    ffmpeg,
    numbered_image,
    read_index,
    write_clip,
)
from vbt.capture import sources
from vbt.capture.sources import (
    CameraSource,
    FrameSource,
    StreamSource,
    VideoFileSource,
    open_source,
    redact_url,
)
from vbt.errors import VideoError

# --- files: timing ---------------------------------------------------------------------------------


def test_constant_rate_file_gives_frame_times_and_metadata(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "cfr.mp4", 45, 30.0)
    with VideoFileSource(clip) as source:
        assert isinstance(source, FrameSource)
        assert source.fps == 30.0
        assert source.frame_count == 45
        assert source.size_px == (WIDTH_PX, HEIGHT_PX)
        assert source.rotation_deg == 0
        frames = list(source)
        assert source.error is None
        assert source.dropped_frame_count == 0
    assert [f.index for f in frames] == list(range(45))
    assert [read_index(f.image) for f in frames] == list(range(45))
    np.testing.assert_allclose([f.t_s for f in frames], np.arange(45) / 30.0, atol=1e-6)
    assert frames[0].image.dtype == np.uint8
    assert frames[0].image.shape == (HEIGHT_PX, WIDTH_PX, 3)


def test_29_97_fps_is_not_rounded(tmp_path: Path) -> None:
    # int(fps) would give 29 (a 3 % time error); the container says 30000/1001.
    clip = write_clip(tmp_path / "ntsc.mp4", 60, 29.97)
    with VideoFileSource(clip) as source:
        times = np.array([f.t_s for f in source])
        assert source.fps == pytest.approx(30000 / 1001, rel=1e-4)
    np.testing.assert_allclose(times, np.arange(60) * 1001 / 30000, atol=1e-4)
    assert times[-1] == pytest.approx(59 * 1001 / 30000, abs=1e-4)  # 1.968 s, not 59/29 = 2.034 s


def test_variable_frame_rate_file_gives_each_frame_its_own_time(tmp_path: Path) -> None:
    # 30 frames at 30 fps, then 30 frames at 60 fps: timestamps written exactly (1/600 s ticks).
    cfr = write_clip(tmp_path / "cfr.mp4", 60, 30.0)
    vfr = tmp_path / "vfr.mp4"
    ffmpeg(
        "-i", str(cfr),
        "-vf", "settb=1/600,setpts='if(lt(N,30),N*20,600+(N-30)*10)'",
        "-fps_mode", "passthrough", "-enc_time_base", "1/600",
        "-c:v", "mpeg4", "-q:v", "3", str(vfr),
    )  # fmt: skip
    expected = np.concatenate([np.arange(30) / 30.0, 1.0 + np.arange(30) / 60.0])
    with VideoFileSource(vfr) as source:
        frames = list(source)
        assert source.error is None
    assert [read_index(f.image) for f in frames] == list(range(60))
    np.testing.assert_allclose([f.t_s for f in frames], expected, atol=1e-3)
    intervals = np.diff([f.t_s for f in frames])
    assert intervals[:29] == pytest.approx(1 / 30, abs=1e-3)
    assert intervals[30:] == pytest.approx(1 / 60, abs=1e-3)


class _FakeCapture:
    """Stands in for cv2.VideoCapture: given images and the POS_MSEC after each read."""

    def __init__(
        self, images: list[np.ndarray], times_ms: list[float], props: dict[int, float] | None = None
    ) -> None:
        self._images = images
        self._times_ms = times_ms
        self._props = {cv2.CAP_PROP_FPS: 30.0, cv2.CAP_PROP_FRAME_COUNT: len(images), **(props or {})}
        self._next = 0
        self.released = False

    def isOpened(self) -> bool:
        return True

    def set(self, prop: int, value: float) -> bool:
        return True

    def get(self, prop: int) -> float:
        if prop == cv2.CAP_PROP_POS_MSEC:
            return self._times_ms[self._next - 1]
        return float(self._props.get(prop, 0.0))

    def read(self) -> tuple[bool, Any]:
        if self._next >= len(self._images):
            return False, None
        self._next += 1
        return True, self._images[self._next - 1]

    def release(self) -> None:
        self.released = True


def _patch_capture(monkeypatch: pytest.MonkeyPatch, capture: _FakeCapture) -> None:
    monkeypatch.setattr(sources.cv2, "VideoCapture", lambda *args, **kwargs: capture)


def test_duplicate_and_backward_timestamps_are_dropped_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    times_ms = [0.0, 33.3, 33.3, 66.7, 66.72, 50.0, 100.0]
    images = [numbered_image(i) for i in range(len(times_ms))]
    _patch_capture(monkeypatch, _FakeCapture(images, times_ms))
    (tmp_path / "x.mp4").write_bytes(b"")
    with VideoFileSource(tmp_path / "x.mp4") as source:
        frames = list(source)
        assert source.dropped_frame_count == 3  # a repeat, a near-repeat (0.02 ms), a step back
        assert source.error is None
    assert [f.index for f in frames] == [0, 1, 3, 6]  # positions in the file are kept
    assert [f.t_s for f in frames] == pytest.approx([0.0, 0.0333, 0.0667, 0.1])


def test_repeated_images_are_counted_and_dropped_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    images = [numbered_image(i) for i in (0, 1, 1, 2, 3, 3, 3, 4)]
    times_ms = [33.0 * i for i in range(len(images))]
    (tmp_path / "x.mp4").write_bytes(b"")
    _patch_capture(monkeypatch, _FakeCapture(images, times_ms))
    with VideoFileSource(tmp_path / "x.mp4") as source:
        assert len(list(source)) == 8
        assert source.repeated_frame_count == 3
    _patch_capture(monkeypatch, _FakeCapture([im.copy() for im in images], times_ms))
    with VideoFileSource(tmp_path / "x.mp4", drop_repeated=True) as source:
        frames = list(source)
        assert source.repeated_frame_count == 3
    assert [read_index(f.image) for f in frames] == [0, 1, 2, 3, 4]
    assert [f.index for f in frames] == [0, 1, 3, 4, 7]


def test_an_overestimated_frame_count_is_not_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # MKV/WebM give no frame count: OpenCV estimates duration x declared rate. A variable-rate clip
    # declared at 60 fps but filmed at 30 gets twice its frames "announced"; its duration still fits.
    times_ms = [1000.0 * i / 30 for i in range(10)]
    images = [numbered_image(i) for i in range(10)]
    fake = _FakeCapture(images, times_ms, {cv2.CAP_PROP_FPS: 60.0, cv2.CAP_PROP_FRAME_COUNT: 20})
    _patch_capture(monkeypatch, fake)
    (tmp_path / "x.mkv").write_bytes(b"")
    with VideoFileSource(tmp_path / "x.mkv") as source:
        assert len(list(source)) == 10
        assert source.error is None
    # The same ten frames from a header promising 30 frames at 30 fps (1 s): damaged.
    fake = _FakeCapture(images, times_ms, {cv2.CAP_PROP_FPS: 30.0, cv2.CAP_PROP_FRAME_COUNT: 30})
    _patch_capture(monkeypatch, fake)
    with VideoFileSource(tmp_path / "x.mkv") as source:
        assert len(list(source)) == 10
        assert isinstance(source.error, VideoError)
        assert "stops after 10 of the 30 frames" in str(source.error)


# --- files: rotation -------------------------------------------------------------------------------


def _red_corner(image: np.ndarray) -> tuple[float, float]:
    red = (image[:, :, 2] > 200) & (image[:, :, 1] < 80) & (image[:, :, 0] < 80)
    ys, xs = np.nonzero(red)
    return float(xs.mean()) / image.shape[1], float(ys.mean()) / image.shape[0]


def test_phone_rotation_metadata_is_applied(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "plain.mp4", 10, 30.0)
    rotated = tmp_path / "rotated.mp4"
    # Display matrix: rotate 90 degrees counter-clockwise (how some phones tag portrait video).
    ffmpeg("-display_rotation", "90", "-i", str(clip), "-c", "copy", str(rotated))
    with VideoFileSource(rotated) as source:
        first = next(iter(source))
        assert source.rotation_deg == 270  # clockwise degrees applied
        assert source.size_px == (HEIGHT_PX, WIDTH_PX)
    assert first.image.shape == (WIDTH_PX, HEIGHT_PX, 3)
    x, y = _red_corner(first.image)  # top-left turned counter-clockwise: now bottom-left
    assert x < 0.25
    assert y > 0.75
    with VideoFileSource(rotated, auto_rotate=False) as source:
        raw = next(iter(source))
        assert source.rotation_deg == 0
    assert raw.image.shape == (HEIGHT_PX, WIDTH_PX, 3)
    x, y = _red_corner(raw.image)
    assert x < 0.25
    assert y < 0.25


# --- files: bad input ------------------------------------------------------------------------------


def test_missing_file_and_directory_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="no such file"):
        VideoFileSource(tmp_path / "nope.mp4")
    with pytest.raises(VideoError, match="not a file"):
        VideoFileSource(tmp_path)


@pytest.mark.parametrize("content", [b"", b"this is a text file, not a video\n" * 20])
def test_not_a_video_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.mp4"
    path.write_bytes(content)
    with pytest.raises(VideoError, match="not a video") as caught:
        VideoFileSource(path)
    assert str(path) in str(caught.value)


def test_mp4_cut_before_its_index_is_a_clear_error(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "full.mp4", 60, 30.0)  # OpenCV writes the index (moov) at the end
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    with pytest.raises(VideoError, match="truncated"):
        VideoFileSource(cut)


def _damaged_stream_keeps_frames_before_damage(path: Path, total: int) -> None:
    with VideoFileSource(path) as source:
        frames = list(source)
        error = source.error
        assert source.closed
    assert 0 < len(frames) < total
    assert [read_index(f.image) for f in frames[:10]] == list(range(10))
    assert np.all(np.diff([f.t_s for f in frames]) > 0)
    assert isinstance(error, VideoError)
    assert f"after {len(frames)} of the {total} frames" in str(error)
    assert str(path) in str(error)


def test_file_cut_midway_yields_the_frames_before_then_reports(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "full.mp4", 60, 30.0)
    streamable = tmp_path / "faststart.mp4"  # index first, as phones and web exports do
    ffmpeg("-i", str(clip), "-c", "copy", "-movflags", "+faststart", str(streamable))
    data = streamable.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    _damaged_stream_keeps_frames_before_damage(cut, 60)


def test_file_damaged_in_the_middle_yields_the_frames_before_then_reports(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "full.mp4", 60, 30.0)
    data = bytearray(clip.read_bytes())
    index_at = data.find(b"moov") - 4  # OpenCV writes the index after the frames
    start, stop = index_at // 2, index_at * 3 // 4
    data[start:stop] = bytes(stop - start)  # zeros over a quarter of the frames
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(bytes(data))
    _damaged_stream_keeps_frames_before_damage(damaged, 60)


def test_frames_are_streamed_and_close_stops_iteration(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "cfr.mp4", 30, 30.0)
    source = VideoFileSource(clip)
    iterator = iter(source)
    assert next(iterator).index == 0
    assert next(iterator).index == 1
    source.close()
    source.close()  # twice is fine
    assert list(iterator) == []
    assert source.error is None


# --- live sources ----------------------------------------------------------------------------------


def test_camera_index_that_does_not_open_is_a_clear_error() -> None:
    with pytest.raises(VideoError, match="camera 97 does not open"):
        CameraSource(97)


class _FakeCamera(_FakeCapture):
    """A camera that delivers ``n`` frames about 2 ms apart, then fails."""

    def read(self) -> tuple[bool, Any]:
        time.sleep(0.002)
        return super().read()


def test_camera_frames_are_timed_by_arrival_and_a_stop_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    images = [numbered_image(i) for i in range(5)]
    _patch_capture(monkeypatch, _FakeCamera(images, [0.0] * 5))
    with CameraSource(0) as camera:
        frames = list(camera)
        error = camera.error
    assert [f.index for f in frames] == [0, 1, 2, 3, 4]
    times = [f.t_s for f in frames]
    assert times[0] == 0.0
    assert np.all(np.diff(times) > 0)
    assert isinstance(error, VideoError)
    assert "stopped delivering frames after 5 frames" in str(error)


def test_camera_that_opens_but_sends_nothing_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    _patch_capture(monkeypatch, _FakeCamera([], []))
    with CameraSource(0) as camera, pytest.raises(VideoError, match="delivered no frame"):
        list(camera)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_stream_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/video"
    with pytest.raises(VideoError, match="does not open") as caught:
        StreamSource(url, open_timeout_s=5.0)
    assert url in str(caught.value)


def test_stream_password_is_not_shown_in_messages() -> None:
    assert redact_url("rtsp://coach:s3cret@10.0.0.5:554/live") == "rtsp://coach:***@10.0.0.5:554/live"
    assert redact_url("http://127.0.0.1:8080/video") == "http://127.0.0.1:8080/video"


# --- open_source -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("0", "camera"),
        (" 2 ", "camera"),
        ("rtsp://192.168.1.20:8554/live", "stream"),
        ("http://phone.local:8080/video", "stream"),
        ("HTTPS://host/stream.mjpg", "stream"),
        ("squat.mp4", "file"),
        ("clips/2024 squat.MOV", "file"),
        ("C:/videos/squat.mp4", "file"),
    ],
)
def test_open_source_picks_the_kind_of_source(
    monkeypatch: pytest.MonkeyPatch, spec: str, expected: str
) -> None:
    opened: list[tuple[str, object]] = []
    monkeypatch.setattr(sources, "CameraSource", lambda index: opened.append(("camera", index)))
    monkeypatch.setattr(sources, "StreamSource", lambda url: opened.append(("stream", url)))
    monkeypatch.setattr(sources, "VideoFileSource", lambda path: opened.append(("file", path)))
    open_source(spec)
    assert [kind for kind, _ in opened] == [expected]


def test_open_source_opens_a_real_file(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "cfr.mp4", 5, 30.0)
    with open_source(str(clip)) as source:
        assert isinstance(source, VideoFileSource)
        assert len(list(source)) == 5


# --- real footage ----------------------------------------------------------------------------------


@pytest.mark.footage
@pytest.mark.parametrize(
    ("name", "fps"), [("deadlift_side_4reps.mp4", 29.97), ("squat_side_1rep_60fps.mp4", 60.0)]
)
def test_footage_timestamps_follow_the_container_rate(name: str, fps: float) -> None:
    path = FOOTAGE / name
    if not path.is_file():
        pytest.skip(f"{path} absent: real footage lives in ../shared/footage beside the repository")
    # 20 frames: OpenCV decodes this phone clip's HDR (HLG, BT.2020) colours slowly, ~15 fps here.
    with VideoFileSource(path) as source:
        times = []
        for frame in source:
            times.append(frame.t_s)
            if len(times) == 20:
                break
        assert source.fps == pytest.approx(fps, rel=1e-3)
        assert not math.isnan(source.fps)
    np.testing.assert_allclose(times, np.arange(20) / source.fps, atol=1e-3)
