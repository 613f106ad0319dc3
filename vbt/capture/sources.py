"""Where frames come from: a video file, a camera index or a stream URL, behind one ``FrameSource``.

Every source yields ``vbt.types.Frame`` objects one at a time (never the whole video in memory) with the
time taken from the source itself: a file's own per-frame timestamps (container presentation times, so
variable frame rate and 29.97 fps clips are timed exactly), or a live source's arrival clock
(a monotonic clock, relative to the first frame).

How a source ends
-----------------
Iteration ends without an exception. Afterwards ``source.error`` is ``None`` when the source ended
normally (the end of a file, or ``close()``), or a ``VideoError`` saying why it ended early: a file
damaged part-way (the frames before the damage were yielded), a camera that stopped delivering, a
stream that dropped. The caller keeps everything it computed from the frames it got and decides how
to report the error. A source that cannot be opened at all raises ``VideoError`` at construction
(files) or at the first frame (live sources), before anything was computed.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol, Self, runtime_checkable
from urllib.parse import urlsplit, urlunsplit

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.container import declared_duration_s
from vbt.capture.pyav_capture import PyavCapture, choose_pyav
from vbt.closing import Closing
from vbt.errors import InputError, VideoError
from vbt.types import Frame

#: URL schemes that ``open_source`` treats as a live stream rather than a file name.
STREAM_SCHEMES: frozenset[str] = frozenset({"rtsp", "rtsps", "rtmp", "http", "https", "udp", "tcp", "srt"})

# A file is reported as damaged when it yields fewer frames than its header announces by more than this
# fraction (containers without a frame index only give an estimate, which may be off by a few percent)
# and its timestamps stop short of its declared duration by more than this fraction (or 1.5 frames).
_SHORTFALL_TOLERANCE = 0.02

Image = npt.NDArray[np.uint8]
#: Which library decodes a file: ``"auto"`` (PyAV for HLG and wide-gamut files, see
#: ``vbt.capture.pyav_capture``; OpenCV for the others), or the one named.
Decoder = Literal["auto", "opencv", "pyav"]


@runtime_checkable
class FrameSource(Protocol):
    """A source of frames: iterate it for ``Frame`` objects, then check ``error``; close it when done.

    Attributes:
        name: what the source is, for messages (a file path, ``camera 0``, a URL without password).
        fps: nominal frames per second as the source declares it (float, e.g. 29.97), NaN when unknown.
            Informative only: frame times come from ``Frame.t_s``, never from this.
        frame_count: number of frames the source announces (a file's header), ``None`` when unknown.
            An estimate for some containers; use it for progress bars, not arithmetic.
        size_px: (width, height) of the yielded images, after rotation; ``None`` until known.
        rotation_deg: clockwise rotation (0, 90, 180, 270) applied to the decoded images to honour the
            file's display rotation (phones); 0 when none was applied.
        error: ``None`` while running and after a normal end; the reason when the source ended early.
    """

    @property
    def name(self) -> str: ...

    @property
    def fps(self) -> float: ...

    @property
    def frame_count(self) -> int | None: ...

    @property
    def size_px(self) -> tuple[int, int] | None: ...

    @property
    def rotation_deg(self) -> int: ...

    @property
    def error(self) -> VideoError | None: ...

    def __iter__(self) -> Iterator[Frame]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class SourceWrapper(Closing):
    """A ``FrameSource`` built on another (``source``): its attributes are the source's, closing it
    closes the source. Subclasses change how frames come out (``__iter__``)."""

    def __init__(self, source: FrameSource) -> None:
        self.source = source

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def fps(self) -> float:
        return self.source.fps

    @property
    def frame_count(self) -> int | None:
        return self.source.frame_count

    @property
    def size_px(self) -> tuple[int, int] | None:
        return self.source.size_px

    @property
    def rotation_deg(self) -> int:
        return self.source.rotation_deg

    @property
    def error(self) -> VideoError | None:
        return self.source.error

    def __iter__(self) -> Iterator[Frame]:
        return iter(self.source)

    def close(self) -> None:
        self.source.close()


def _positive_or_nan(value: float) -> float:
    return value if math.isfinite(value) and value > 0 else math.nan


def _positive_int_or_none(value: float) -> int | None:
    if not math.isfinite(value) or value <= 0 or value > 1e9:
        return None
    return round(value)


class _CaptureSource(Closing):
    """Shared state and lifetime of the sources built on ``cv2.VideoCapture``."""

    def __init__(self, capture: Any, name: str) -> None:
        self._capture = capture
        self._name = name
        self._error: VideoError | None = None
        self._closed = False
        self._size_px: tuple[int, int] | None = None
        self._fps = math.nan
        self._frame_count: int | None = None
        self._rotation_deg = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def fps(self) -> float:
        return self._fps

    @property
    def frame_count(self) -> int | None:
        return self._frame_count

    @property
    def size_px(self) -> tuple[int, int] | None:
        return self._size_px

    @property
    def rotation_deg(self) -> int:
        return self._rotation_deg

    @property
    def error(self) -> VideoError | None:
        return self._error

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Release the decoder or device. Safe to call more than once; iteration then stops."""
        if not self._closed:
            self._closed = True
            self._capture.release()

    def _read(self) -> Image | None:
        """One decoded image, or ``None`` at the end; a decoder exception becomes ``self._error``."""
        try:
            ok, image = self._capture.read()
        except cv2.error as exc:
            self._error = VideoError(f"{self._name}: the decoder failed: {exc}".strip())
            return None
        except VideoError as exc:  # PyAV's decoder failing (``PyavCapture``), already said
            self._error = exc
            return None
        if not ok or image is None:
            return None
        return np.ascontiguousarray(image, dtype=np.uint8)


class VideoFileSource(_CaptureSource):
    """Frames of a video file, decoded one at a time, timed by the file's own timestamps.

    Parameters:
        path: any file OpenCV's FFmpeg backend reads (mp4, mov, mkv, avi, ...).
        auto_rotate: apply the file's display rotation (phones record portrait video as landscape with
            a rotation tag), so images come out as the phone showed them. ``rotation_deg`` tells what
            was applied.
        drop_repeated: drop a frame whose image is bit-identical to the previous one (a frame the
            recorder duplicated to pad a variable rate to a constant one: its timestamp is not when the
            picture was taken). Off by default: repeats are only counted in ``repeated_frame_count``.
            The comparison is with the previous image as yielded: draw on a copy, not on it.
        min_interval_s: a frame less than this after the previous one is a duplicate timestamp.
            Files converted from variable to constant frame rate carry such near-duplicates (two
            frames rounded to the same tick, then nudged apart by one tick of the container's clock);
            the default, 0.5 ms, is far below the interval of any camera (1 ms at 1000 fps).
        decoder: ``"auto"`` decodes HLG and wide-gamut files (iPhones' default) through PyAV, where
            OpenCV's colour-managed conversion costs ~160 ms a frame, and every other file through
            OpenCV (``vbt.capture.pyav_capture`` says why and what picture each gives); ``"opencv"``
            or ``"pyav"`` forces one (comparisons, tests). The choice made is ``decoder``.

    Timestamps are the presentation times of the decoded frames (``CAP_PROP_POS_MSEC`` after each
    read), in seconds from the start of the stream. A frame whose timestamp does not increase on the
    previous one by ``min_interval_s`` (a duplicate, or time going backwards) is dropped and counted
    in ``dropped_frame_count``; ``Frame.index`` stays the frame's position in the file, so indices
    may skip.

    Attributes:
        decoder: the library decoding the file, ``"opencv"`` or ``"pyav"``.
        dropped_frame_count: frames dropped because their timestamp did not increase.
        repeated_frame_count: frames bit-identical to the previous one (dropped if ``drop_repeated``).

    Raises:
        VideoError: the file does not exist, is not a video, or holds no decodable frame.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        auto_rotate: bool = True,
        drop_repeated: bool = False,
        min_interval_s: float = 0.0005,
        decoder: Decoder = "auto",
    ) -> None:
        file = Path(path)
        if not file.exists():
            raise VideoError(f"{file}: no such file. Check the path to the video.")
        if not file.is_file():
            raise VideoError(f"{file}: not a file (a directory?). Give the path to a video file.")
        use_pyav = decoder == "pyav" or (decoder == "auto" and choose_pyav(file))
        self.decoder: Literal["opencv", "pyav"] = "pyav" if use_pyav else "opencv"
        capture: Any
        try:
            capture = PyavCapture(file) if use_pyav else cv2.VideoCapture(str(file), cv2.CAP_FFMPEG)
        except cv2.error as exc:
            raise VideoError(f"{file}: OpenCV could not open it: {exc}") from exc
        super().__init__(capture, str(file))
        self._options = (auto_rotate, drop_repeated, min_interval_s, self.decoder)
        self._drop_repeated = drop_repeated
        self._min_interval_ms = min_interval_s * 1000.0
        self._decoded = 0
        self._last_t_ms = -math.inf
        self._last_interval_ms = math.nan
        self._duration_s: float | None = None
        self._previous: Image | None = None
        self.dropped_frame_count = 0
        self.repeated_frame_count = 0
        if not capture.isOpened():
            self.close()
            raise VideoError(
                f"{file}: not a video OpenCV can read, or the file is truncated (an MP4 cut short "
                "loses its index). Check that it plays in a video player; re-export or re-copy it."
            )
        capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1 if auto_rotate else 0)
        meta = capture.get(cv2.CAP_PROP_ORIENTATION_META)
        self._rotation_deg = int(meta) % 360 if auto_rotate and math.isfinite(meta) else 0
        self._fps = _positive_or_nan(capture.get(cv2.CAP_PROP_FPS))
        self._frame_count = _positive_int_or_none(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        self._first = self._next_frame()
        if self._first is None:
            self.close()
            reason = f" ({self._error})" if self._error else ""
            raise VideoError(
                f"{file}: the file opens but no frame could be decoded{reason}. It may hold no "
                "video track or be damaged from the start."
            )
        height, width = self._first.image.shape[:2]
        self._size_px = (int(width), int(height))

    def __iter__(self) -> Iterator[Frame]:
        if self._first is not None:
            first, self._first = self._first, None
            yield first
        while not self._closed:
            frame = self._next_frame()
            if frame is None:
                self._finish()
                return
            yield frame

    def reopen(self) -> VideoFileSource:
        """The same file opened again the same way: its frames come again with the same indices and
        times (``vbt.capture.reread``)."""
        auto_rotate, drop_repeated, min_interval_s, decoder = self._options
        return VideoFileSource(
            self._name,
            auto_rotate=auto_rotate,
            drop_repeated=drop_repeated,
            min_interval_s=min_interval_s,
            decoder=decoder,
        )

    def frame_at(self, index: int) -> Frame | None:
        """The frame at position ``index`` in the file, decoding the frames before it without converting
        them to images (cheaper than reading them); None past the end. For a source that is not
        iterated: ``index`` may not go back (``InputError``), and the frame is the one iteration would
        give that index (its time the file's own), whether or not iteration would drop it."""
        first = self._first
        if first is not None and first.index == index:
            return first
        if index < self._decoded:
            raise InputError(
                f"{self._name}: frame {index} was asked after frame {self._decoded - 1}: a file is read "
                "forwards; open it again (reopen) to go back"
            )
        self._first = None
        try:
            while self._decoded <= index:
                if self._closed or not self._capture.grab():
                    return None
                self._decoded += 1
            ok, image = self._capture.retrieve()
        except cv2.error as exc:
            raise VideoError(f"{self._name}: the decoder failed: {exc}".strip()) from exc
        if not ok or image is None:
            return None
        t_s = float(self._capture.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
        return Frame(image=np.ascontiguousarray(image, dtype=np.uint8), t_s=t_s, index=index)

    def _next_frame(self) -> Frame | None:
        """The next frame with an increasing timestamp, or ``None`` at the end of the file."""
        while True:
            image = self._read()
            if image is None:
                return None
            index = self._decoded
            self._decoded += 1
            t_ms = float(self._capture.get(cv2.CAP_PROP_POS_MSEC))
            if not math.isfinite(t_ms) or t_ms < self._last_t_ms + self._min_interval_ms:
                self.dropped_frame_count += 1
                continue
            if self._previous is not None and _same_image(image, self._previous):
                self.repeated_frame_count += 1
                if self._drop_repeated:
                    continue
            self._last_interval_ms = t_ms - self._last_t_ms
            self._last_t_ms = t_ms
            self._previous = image
            return Frame(image=image, t_s=t_ms / 1000.0, index=index)

    def _finish(self) -> None:
        """At the end of the decoded frames: tell a damaged file from a complete one.

        Damaged means short of the header's promise both in frames and in time. The header's frame
        count is only a first sign: MP4 counts frames an edit list trims (pre-roll the decoder rightly
        skips), MKV and WebM only estimate it (duration x declared rate, which overshoots on
        variable-rate video). The decision is taken on time: the decoded timestamps against the
        stream's duration as the container declares it (``declared_duration_s``, after any edit list);
        without PyAV, against the count's duration (count / declared rate).
        """
        expected = self._frame_count
        if self._error is None and expected is not None and self._frames_short(expected):
            last_s = self._last_t_ms / 1000.0
            of = "" if self._duration_s is None else f" of its {self._duration_s:.2f} s"
            self._error = VideoError(
                f"{self._name}: the video stops after {self._decoded} of the {expected} frames "
                f"its header announces (at {last_s:.2f} s{of}): the file looks truncated or damaged "
                "from there. The frames before were used; re-copy or re-export the file for the rest."
            )
        self.close()

    def _frames_short(self, expected: int) -> bool:
        if expected - self._decoded <= max(1.0, _SHORTFALL_TOLERANCE * expected):
            return False
        interval_s = self._last_interval_ms / 1000.0
        if not math.isfinite(interval_s) or interval_s <= 0:
            interval_s = 1.0 / self._fps if not math.isnan(self._fps) else 0.0
        self._duration_s = declared_duration_s(self._name)
        if self._duration_s is None:
            if math.isnan(self._fps):
                return True
            self._duration_s = expected / self._fps
        reached_s = self._last_t_ms / 1000.0 + interval_s
        tolerance_s = max(1.5 * interval_s, _SHORTFALL_TOLERANCE * self._duration_s)
        return self._duration_s - reached_s > tolerance_s


def _same_image(a: Image, b: Image) -> bool:
    """True when two images are bit-identical (a cheap subsampled check first)."""
    if a.shape != b.shape:
        return False
    if not np.array_equal(a[::16, ::16], b[::16, ::16]):
        return False
    return bool(np.array_equal(a, b))


class _LiveSource(_CaptureSource):
    """A camera or stream: frames timed by their arrival (``time.perf_counter``, a monotonic clock),
    the first frame at 0 s, strictly increasing (nudged by 1 us when two frames arrive together)."""

    def __init__(self, capture: Any, name: str) -> None:
        super().__init__(capture, name)
        self._t0: float | None = None
        self._last_t_s = 0.0
        self._count = 0
        width = capture.get(cv2.CAP_PROP_FRAME_WIDTH)
        height = capture.get(cv2.CAP_PROP_FRAME_HEIGHT)
        if width > 0 and height > 0:
            self._size_px = (round(width), round(height))

    def __iter__(self) -> Iterator[Frame]:
        while not self._closed:
            image = self._read()
            now = time.perf_counter()
            if image is None:
                if self._stopped():  # closed by the caller while waiting: a normal end
                    return
                if self._count == 0:
                    self.close()
                    raise VideoError(self._no_frame_message())
                self._error = self._error or VideoError(self._drop_message())
                self.close()
                return
            if self._t0 is None:
                self._t0 = now
            # Strictly increasing even where the clock is coarse or two frames come at once.
            t_s = max(now - self._t0, self._last_t_s + 1e-6) if self._count else 0.0
            self._last_t_s = t_s
            height, width = image.shape[:2]
            self._size_px = (int(width), int(height))
            frame = Frame(image=image, t_s=t_s, index=self._count)
            self._count += 1
            yield frame

    def _stopped(self) -> bool:
        return self._closed

    def _elapsed_s(self) -> float:
        return 0.0 if self._t0 is None else time.perf_counter() - self._t0

    def _no_frame_message(self) -> str:
        raise NotImplementedError

    def _drop_message(self) -> str:
        raise NotImplementedError


class CameraSource(_LiveSource):
    """Frames from a local camera (webcam) by index, timed by arrival.

    Parameters:
        index: the camera's index as the system numbers them (0 is the first camera).

    Raises:
        VideoError: the index does not open (at construction), or the camera opens but delivers no
            frame (at the first iteration).
    """

    def __init__(self, index: int = 0) -> None:
        name = f"camera {index}"
        try:
            capture = cv2.VideoCapture(index)
        except cv2.error as exc:
            raise VideoError(f"{name}: OpenCV could not open it: {exc}") from exc
        if not capture.isOpened():
            capture.release()
            raise VideoError(
                f"{name} does not open: no camera with that index, or another program is using it. "
                "Check that a camera is connected (the first one is 0) and close other camera apps."
            )
        super().__init__(capture, name)
        self._fps = _positive_or_nan(capture.get(cv2.CAP_PROP_FPS))

    def _no_frame_message(self) -> str:
        return (
            f"{self._name} opened but delivered no frame. Another program may be using it; close "
            "it and try again, or try another camera index."
        )

    def _drop_message(self) -> str:
        return (
            f"{self._name} stopped delivering frames after {self._count} frames "
            f"({self._elapsed_s():.1f} s): it was unplugged or taken by another program."
        )


def redact_url(url: str) -> str:
    """The URL without a password, for messages: ``rtsp://user:secret@host/`` → ``rtsp://user:***@host/``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:***@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class StreamSource(_LiveSource):
    """Frames from a network stream (RTSP, or HTTP MJPEG as phone IP-camera apps serve), by arrival.

    Parameters:
        url: the stream address, e.g. ``rtsp://192.168.1.20:8554/live`` or ``http://host:8080/video``.
        open_timeout_s: how long to wait for the stream to answer when opening.
        read_timeout_s: how long to wait for a frame before the stream counts as dropped.

    ``fps`` is NaN: a stream's declared rate is a guess by the demuxer; frames are timed by arrival.
    When the stream stops (the server closed the connection, or no frame came within
    ``read_timeout_s``) iteration ends and ``error`` says so.

    Raises:
        VideoError: the URL does not open (unreachable, refused, not a video stream); or it opens but
            no frame arrives (at the first iteration).
    """

    def __init__(self, url: str, *, open_timeout_s: float = 10.0, read_timeout_s: float = 10.0) -> None:
        name = redact_url(url)
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            round(open_timeout_s * 1000),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            round(read_timeout_s * 1000),
        ]
        try:
            capture = cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
        except cv2.error as exc:
            raise VideoError(f"{name}: OpenCV could not open the stream: {exc}") from exc
        if not capture.isOpened():
            capture.release()
            raise VideoError(
                f"{name}: the stream does not open (unreachable, refused, or not a video stream). "
                "Check the address and port, that the camera app is streaming, and that this "
                "computer is on the same network; HTTP MJPEG apps usually serve a path such as "
                "/video or /mjpeg."
            )
        super().__init__(capture, name)

    def _no_frame_message(self) -> str:
        return f"{self._name}: the stream opened but sent no frame. Check that the camera is streaming."

    def _drop_message(self) -> str:
        return (
            f"{self._name}: the stream stopped after {self._count} frames "
            f"({self._elapsed_s():.1f} s): the connection was closed or no frame came in time. "
            "The frames received were used."
        )


def open_source(spec: str) -> FrameSource:
    """Open a source from what a user typed: a camera index, a stream URL, or a file path.

    ``"0"``, ``"1"``, ... open a camera; ``rtsp://``, ``http(s)://`` and other stream URLs open a
    stream; anything else is a video file.

    Raises:
        VideoError: the source cannot be opened.
    """
    text = spec.strip()
    if text.isdigit():
        return CameraSource(int(text))
    scheme = urlsplit(text).scheme.lower()
    if scheme in STREAM_SCHEMES:
        return StreamSource(text)
    return VideoFileSource(text)


def quiet_decoder_logs() -> None:
    """Keep FFmpeg's and OpenCV's own log lines off the terminal (errors still reach the user as
    ``VideoError`` messages). Call it once, before opening the first source: FFmpeg's log level is
    read when OpenCV first loads it. Meant for the command line; not called by the library."""
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
