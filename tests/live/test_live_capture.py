"""ThreadedCapture: a reader thread that never waits for the consumer, drops the oldest waiting frame
when the consumer falls behind, passes the source's end and error through, and stops on close."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Self

import numpy as np
import pytest

from tests.capture.video_fixtures import numbered_image, read_index
from vbt.capture.mjpeg import serve_mjpeg
from vbt.capture.sources import FrameSource, StreamSource
from vbt.errors import InputError, VideoError
from vbt.live.capture import ThreadedCapture
from vbt.types import Frame

_TINY = np.zeros((2, 2, 3), np.uint8)


class FakeSource:
    """Frames 0..n-1 (forever when n is None), at t = index / 30 s; optionally a handshake: frame i+1
    is produced only after the test releases ``ready`` (a consumer that is always faster)."""

    def __init__(
        self,
        n: int | None,
        *,
        handshake: bool = False,
        error_after: int | None = None,
        raise_at_start: bool = False,
    ) -> None:
        self.n = n
        self.ready = threading.Semaphore(0) if handshake else None
        self.error_after = error_after
        self.raise_at_start = raise_at_start
        self.closed = False
        self.closed_on: str | None = None
        self._error: VideoError | None = None

    name = "fake"
    fps = 30.0
    frame_count = None
    size_px = (2, 2)
    rotation_deg = 0

    @property
    def error(self) -> VideoError | None:
        return self._error

    def __iter__(self) -> Iterator[Frame]:
        if self.raise_at_start:
            raise VideoError("fake: the stream opened but sent no frame")
        i = 0
        while not self.closed and (self.n is None or i < self.n):
            if self.error_after is not None and i == self.error_after:
                self._error = VideoError(f"fake: the stream stopped after {i} frames")
                return
            if self.ready is not None and i > 0:
                self.ready.acquire()
            yield Frame(image=_TINY, t_s=i / 30.0, index=i)
            i += 1

    def close(self) -> None:
        self.closed = True
        self.closed_on = threading.current_thread().name

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _wait_for_reader(capture: ThreadedCapture) -> None:
    while capture.running:  # waiting, not asserting on time
        time.sleep(0.005)


def test_fake_source_is_a_frame_source() -> None:
    assert isinstance(FakeSource(1), FrameSource)


def test_a_consumer_that_falls_behind_gets_the_freshest_frames_and_the_rest_are_counted() -> None:
    source = FakeSource(100)
    capture = ThreadedCapture(source, max_queue=2)
    capture.start()
    _wait_for_reader(capture)  # the consumer took nothing while 100 frames arrived
    frames = list(capture)
    assert [f.index for f in frames] == [98, 99]
    assert capture.dropped_frames == 98
    assert capture.take_dropped() == pytest.approx([i / 30 for i in range(98)])  # every frame's time
    assert capture.take_dropped() == []  # each given once
    assert capture.frames_read == 100
    assert capture.frames_yielded == 2
    assert capture.max_queued == 2
    assert capture.error is None
    assert source.closed and source.closed_on == "vbt-live-capture"


def test_a_slow_consumer_sees_drops_in_order_and_bounded_memory() -> None:
    source = FakeSource(300)
    seen = []
    with ThreadedCapture(source, max_queue=3) as capture:
        for frame in capture:
            seen.append(frame.index)
            if len(seen) == 1:
                _wait_for_reader(capture)  # slow processing of the first frame
    assert seen[-3:] == [297, 298, 299]  # the freshest frames are kept
    assert np.all(np.diff(seen) > 0)
    assert capture.dropped_frames > 0
    assert capture.dropped_frames + capture.frames_yielded == capture.frames_read == 300
    assert capture.max_queued <= 3


def test_a_consumer_that_keeps_up_sees_every_frame() -> None:
    source = FakeSource(50, handshake=True)
    seen = []
    with ThreadedCapture(source, max_queue=1) as capture:
        for frame in capture:
            seen.append(frame.index)
            assert source.ready is not None
            source.ready.release()  # processing done: the next frame may arrive
    assert seen == list(range(50))
    assert capture.dropped_frames == 0
    assert capture.frames_read == capture.frames_yielded == 50


def test_times_are_the_sources_not_the_consumers() -> None:
    source = FakeSource(10, handshake=True)
    times = []
    with ThreadedCapture(source) as capture:
        for frame in capture:
            times.append(frame.t_s)
            assert source.ready is not None
            source.ready.release()
    assert times == [i / 30.0 for i in range(10)]


def test_the_sources_error_is_passed_through_after_its_frames() -> None:
    source = FakeSource(None, handshake=True, error_after=7)
    seen = []
    with ThreadedCapture(source) as capture:
        for frame in capture:
            seen.append(frame.index)
            assert source.ready is not None
            source.ready.release()
        error = capture.error
    assert seen == list(range(7))
    assert isinstance(error, VideoError)
    assert "stopped after 7 frames" in str(error)


def test_a_source_that_fails_to_start_raises_on_the_consumers_thread() -> None:
    capture = ThreadedCapture(FakeSource(5, raise_at_start=True))
    with pytest.raises(VideoError, match="sent no frame"):
        list(capture)
    capture.close()


def test_close_stops_an_endless_source_and_ends_iteration() -> None:
    source = FakeSource(None)
    capture = ThreadedCapture(source, max_queue=2)
    seen = []
    for frame in capture:
        seen.append(frame.index)
        if len(seen) == 5:
            capture.close(timeout_s=30.0)
    assert len(seen) == 5  # nothing after close
    assert not capture.running
    assert source.closed
    assert capture.error is None


def test_close_before_start_closes_the_source() -> None:
    source = FakeSource(3)
    capture = ThreadedCapture(source)
    capture.close()
    assert source.closed
    assert list(capture) == []


def test_max_queue_must_be_positive() -> None:
    with pytest.raises(InputError, match="max_queue"):
        ThreadedCapture(FakeSource(1), max_queue=0)


class _Recording:
    """A FrameSource proxy remembering the index drawn in every frame the source delivered."""

    def __init__(self, source: StreamSource) -> None:
        self.inner = source
        self.delivered: list[int] = []

    name = "recording"
    fps = float("nan")
    frame_count = None
    size_px = None
    rotation_deg = 0

    @property
    def error(self) -> VideoError | None:
        return self.inner.error

    def __iter__(self) -> Iterator[Frame]:
        for frame in self.inner:
            self.delivered.append(read_index(frame.image))
            yield frame

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _clip(n: int) -> list[Frame]:
    return [Frame(image=numbered_image(i), t_s=i / 30.0, index=i) for i in range(n)]


def test_real_speed_mjpeg_stream_with_a_slow_consumer_drops_the_oldest_frames() -> None:
    with serve_mjpeg(_clip(45), realtime=True) as url:
        source = _Recording(StreamSource(url))
        seen = []
        with ThreadedCapture(source, max_queue=2) as capture:
            for frame in capture:
                seen.append(read_index(frame.image))
                time.sleep(0.15)  # processing slower than the 30 fps stream (not asserted on)
            error = capture.error
    assert capture.dropped_frames > 0
    assert capture.dropped_frames + capture.frames_yielded == capture.frames_read == len(source.delivered)
    assert capture.max_queued <= 2
    assert np.all(np.diff(seen) > 0)
    assert seen[-1] == source.delivered[-1]  # the freshest frame reached the consumer
    assert set(seen) <= set(source.delivered)
    assert isinstance(error, VideoError)  # the server closes the stream at the clip's end


def test_real_speed_mjpeg_stream_with_a_fast_consumer_drops_nothing() -> None:
    with serve_mjpeg(_clip(45), realtime=True) as url:
        source = _Recording(StreamSource(url))
        seen = []
        # Room for the few frames OpenCV reads at once while probing the stream.
        with ThreadedCapture(source, max_queue=8) as capture:
            seen = [read_index(frame.image) for frame in capture]
    assert capture.dropped_frames == 0
    assert seen == source.delivered
    assert len(seen) >= 40  # all 45 unless the machine is badly overloaded
    assert capture.max_queued <= 8


def test_close_mid_stream_stops_the_reader_and_closes_the_stream() -> None:
    with serve_mjpeg(_clip(30), realtime=True, loop=True) as url:  # endless, like a camera
        source = StreamSource(url)
        capture = ThreadedCapture(source, max_queue=2)
        seen = []
        for frame in capture:
            seen.append(read_index(frame.image))
            if len(seen) == 10:
                capture.close(timeout_s=30.0)
        assert len(seen) == 10
        assert not capture.running
        assert source.closed
        assert capture.error is None  # closed by the caller: a normal end
