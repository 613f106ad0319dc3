"""``ReadAhead``: a source decoded on its own thread gives the source's frames, unchanged, and its end."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.capture.video_fixtures import ffmpeg, read_index, write_clip
from vbt.capture.readahead import ReadAhead
from vbt.capture.sources import VideoFileSource
from vbt.errors import InputError, VideoError
from vbt.types import Frame


def test_the_frames_are_the_sources_own_in_order(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "clip.mp4", 40, 29.97)
    with VideoFileSource(clip) as source:
        plain = list(source)
    with ReadAhead(VideoFileSource(clip), depth=2) as ahead:
        assert ahead.size_px == (160, 120) and ahead.fps == pytest.approx(29.97)
        assert ahead.frame_count == 40 and ahead.rotation_deg == 0 and ahead.name == str(clip)
        frames = list(ahead)
        assert ahead.error is None
    assert ahead.source.closed  # type: ignore[attr-defined]
    assert [f.index for f in frames] == list(range(40))
    assert [read_index(f.image) for f in frames] == list(range(40))
    assert [f.t_s for f in frames] == [f.t_s for f in plain]
    for a, b in zip(frames, plain, strict=True):
        np.testing.assert_array_equal(a.image, b.image)


def test_a_damaged_file_ends_with_the_sources_error_after_the_frames_before(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "full.mp4", 60, 30.0)
    streamable = tmp_path / "faststart.mp4"
    ffmpeg("-i", str(clip), "-c", "copy", "-movflags", "+faststart", str(streamable))
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(streamable.read_bytes()[: streamable.stat().st_size // 2])
    with VideoFileSource(cut) as source:
        n_plain = len(list(source))
        assert isinstance(source.error, VideoError) and 0 < n_plain < 60
    with ReadAhead(VideoFileSource(cut)) as ahead:
        frames = list(ahead)
        assert isinstance(ahead.error, VideoError) and "truncated" in str(ahead.error)
    assert len(frames) == n_plain
    assert f"after {n_plain} of the 60 frames" in str(ahead.error)


class _Counted:
    """A FrameSource stand-in that records which frames were pulled from it, then may raise."""

    name, fps, frame_count, size_px, rotation_deg, error = "counted", 30.0, None, (8, 8), 0, None

    def __init__(self, n: int, *, fail: BaseException | None = None) -> None:
        self.n, self.fail = n, fail
        self.pulled: list[int] = []
        self.closed = False

    def __iter__(self) -> Iterator[Frame]:
        for i in range(self.n):
            self.pulled.append(i)
            yield Frame(image=np.zeros((8, 8, 3), np.uint8), t_s=i / 30.0, index=i)
        if self.fail is not None:
            raise self.fail

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> _Counted:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _wait_for(condition: object, timeout_s: float = 5.0) -> None:
    end = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < end:  # type: ignore[operator]
        time.sleep(0.01)


def test_reading_ahead_is_bounded_and_stopping_early_ends_the_thread() -> None:
    source = _Counted(1000)
    ahead = ReadAhead(source, depth=3)
    frames = iter(ahead)
    assert next(frames).index == 0
    # The reader fills the queue (3) and holds one more frame waiting for room: never more.
    _wait_for(lambda: len(source.pulled) >= 5)
    time.sleep(0.1)
    assert len(source.pulled) == 5
    assert [next(frames).index for _ in range(3)] == [1, 2, 3]
    frames.close()  # the caller stops early
    assert not any(t.name.startswith("vbt-read-ahead") for t in threading.enumerate())
    assert len(source.pulled) <= 9 and not source.closed  # stop() leaves the source open
    ahead.close()
    assert source.closed


def test_an_exception_of_the_source_comes_after_its_frames() -> None:
    source = _Counted(4, fail=VideoError("camera 0 opened but delivered no frame"))
    got: list[int] = []
    with ReadAhead(source) as ahead, pytest.raises(VideoError, match="delivered no frame"):
        got.extend(frame.index for frame in ahead)
    assert got == [0, 1, 2, 3]
    interrupted = _Counted(2, fail=KeyboardInterrupt())  # how a stand-in live recording ends
    with pytest.raises(KeyboardInterrupt):
        list(ReadAhead(interrupted))


def test_depth_and_single_iteration_are_checked() -> None:
    with pytest.raises(InputError, match="at least 1 frame"):
        ReadAhead(_Counted(1), depth=0)
    ahead = ReadAhead(_Counted(2))
    assert len(list(ahead)) == 2
    with pytest.raises(InputError, match="only once"):
        list(ahead)
