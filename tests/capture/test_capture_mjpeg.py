"""The loopback MJPEG server, and StreamSource reading it: frames arrive in order, paced, and a drop
ends the stream with a reason."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import numpy as np
import pytest

from tests.capture.video_fixtures import (
    HEIGHT_PX,
    WIDTH_PX,
    numbered_image,
    read_index,
    write_clip,
)
from vbt.capture.mjpeg import serve_mjpeg
from vbt.capture.sources import StreamSource
from vbt.errors import InputError, VideoError
from vbt.types import Frame


def _frames(n: int, fps: float) -> list[Frame]:
    return [Frame(image=numbered_image(i), t_s=i / fps, index=i) for i in range(n)]


def test_stream_of_a_clip_arrives_in_order_at_the_clip_rate(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "clip.mp4", 45, 30.0)  # 1.5 s
    with serve_mjpeg(clip) as url, StreamSource(url) as source:
        assert url.startswith("http://127.0.0.1:")
        frames = list(source)
        error = source.error
        assert source.size_px == (WIDTH_PX, HEIGHT_PX)
        assert np.isnan(source.fps)
    indices = [read_index(f.image) for f in frames]
    assert len(frames) >= 40  # all 45 unless the machine is badly overloaded
    assert indices[0] == 0
    assert np.all(np.diff(indices) > 0)
    times = np.array([f.t_s for f in frames])
    assert times[0] == 0.0
    assert np.all(np.diff(times) >= 0)
    # Paced at 30 fps, frames cannot arrive faster than the clip plays (less the first few frames,
    # which OpenCV reads while probing the stream).
    assert times[-1] >= (indices[-1] - indices[0]) / 30.0 - 0.3
    assert isinstance(error, VideoError)
    assert "stream stopped after" in str(error)


def test_stream_that_drops_ends_cleanly_with_the_reason() -> None:
    with (
        serve_mjpeg(_frames(30, 30.0), realtime=False, drop_after_frames=10) as url,
        StreamSource(url) as source,
    ):
        frames = list(source)
        error = source.error
    assert [read_index(f.image) for f in frames] == list(range(10))
    assert isinstance(error, VideoError)
    assert "stopped after 10 frames" in str(error)
    assert url in str(error)


def test_http_response_is_multipart_jpeg() -> None:
    with (
        serve_mjpeg(_frames(3, 30.0), realtime=False) as url,
        urllib.request.urlopen(url, timeout=10) as response,
    ):
        content_type = response.headers["Content-Type"]
        body = response.read()
    assert content_type == "multipart/x-mixed-replace; boundary=vbtframe"
    assert body.startswith(b"--vbtframe\r\nContent-Type: image/jpeg\r\nContent-Length: ")
    assert body.count(b"--vbtframe\r\n") == 3
    assert body.count(b"\xff\xd8") == 3  # three JPEG images


def test_loop_plays_the_clip_again() -> None:
    with (
        serve_mjpeg(_frames(4, 30.0), realtime=False, loop=True) as url,
        StreamSource(url) as source,
    ):
        indices = []
        for frame in source:
            indices.append(read_index(frame.image))
            if len(indices) == 10:
                break
    assert indices == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]


def test_nothing_to_serve_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such video file"), serve_mjpeg(tmp_path / "none.mp4"):
        pass
    (tmp_path / "text.mp4").write_text("not a video")
    with pytest.raises(VideoError, match="not a video"), serve_mjpeg(tmp_path / "text.mp4"):
        pass
    with pytest.raises(InputError, match="no frames"), serve_mjpeg([]):
        pass
