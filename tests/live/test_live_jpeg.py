"""An MJPEG stream read as its JPEG pictures, and a recording that keeps them as they came: every
frame comes back from the MP4 with its own time and the pixels the analysis saw."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.capture.video_fixtures import numbered_image, read_index
from vbt.capture.mjpeg import serve_mjpeg
from vbt.capture.sources import VideoFileSource
from vbt.errors import VideoError
from vbt.live.jpeg_stream import JpegFrame, JpegStreamSource, open_stream
from vbt.live.recorder import VideoRecorder
from vbt.types import Frame
from vbt.videoio import TIMED_TIME_BASE


def _stream_frames(n: int) -> list[JpegFrame]:
    """``n`` numbered pictures as an MJPEG stream delivers them (decoded as live mode decodes them)."""
    clip = [Frame(image=numbered_image(i), t_s=i / 30.0, index=i) for i in range(n)]
    with serve_mjpeg(clip, realtime=True) as url:  # as fast as possible would skip frames
        source = open_stream(url)
        assert isinstance(source, JpegStreamSource)
        frames = [f for f in source if isinstance(f, JpegFrame)]
    assert isinstance(source.error, VideoError)  # the server closed the stream: dropped, as StreamSource
    return frames


def test_an_mjpeg_stream_comes_as_its_pictures_in_order_then_says_it_stopped() -> None:
    frames = _stream_frames(12)
    assert [read_index(f.image) for f in frames] == list(range(12))
    assert all(f.jpeg[:2] == b"\xff\xd8" for f in frames)  # each its JPEG (start of image)
    assert frames[0].t_s == 0.0 and np.all(np.diff([f.t_s for f in frames]) > 0)


def test_the_recording_keeps_every_jpeg_with_its_own_time(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    t_s = 3.0 + np.cumsum(rng.uniform(0.02, 0.06, 25))  # a stream's uneven arrival times
    frames = [replace(f, t_s=float(t)) for f, t in zip(_stream_frames(25), t_s, strict=True)]
    recorder = VideoRecorder(tmp_path / "set.mp4")
    for frame in frames:
        recorder.write(frame, block=True)
    recorder.close()
    assert recorder.written_frames == 25 and recorder.skipped_frames == 0
    back = list(VideoFileSource(str(tmp_path / "set.mp4")))
    assert len(back) == 25
    np.testing.assert_allclose([f.t_s for f in back], t_s - t_s[0], atol=float(TIMED_TIME_BASE))
    for original, read in zip(frames, back, strict=True):
        np.testing.assert_array_equal(read.image, original.image)  # what the live analysis saw
    with pytest.raises(VideoError, match=r"not an HTTP MJPEG stream|does not open"):
        JpegStreamSource(str(tmp_path / "set.mp4"))


def test_a_frame_without_its_jpeg_in_a_jpeg_recording_is_encoded(tmp_path: Path) -> None:
    first = _stream_frames(3)[0]
    plain = Frame(image=numbered_image(1), t_s=0.04, index=1)
    recorder = VideoRecorder(tmp_path / "set.mp4")
    recorder.write(first, block=True)
    recorder.write(plain, block=True)
    recorder.close()
    back = list(VideoFileSource(str(tmp_path / "set.mp4")))
    assert [read_index(f.image) for f in back] == [0, 1]
