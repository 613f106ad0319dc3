"""An HTTP MJPEG stream read as the JPEG pictures it sends, so that the recording can keep them as
they arrived instead of encoding the set's video again.

A phone IP-camera app sends each frame as a JPEG; ``StreamSource`` (OpenCV) decodes them and the
bytes are gone, so the live recording had to encode every frame to H.264 again: about a fifth of
live mode's CPU time at 720p (``benchmarks/live.py`` measures it). ``JpegStreamSource`` demuxes the
stream with PyAV (FFmpeg's ``mpjpeg`` reader), decodes each picture with FFmpeg's JPEG decoder (as
reading the recording back does: the offline analysis sees the very same pixels; about 40 % less CPU
than OpenCV's reader of the same stream) and yields ``JpegFrame``: the decoded picture and the JPEG it
came from, which ``vbt.live.recorder.VideoRecorder`` muxes into the MP4 unchanged (lossless
with respect to what the analysis saw, at no encoding cost; the file is larger than H.264's, about
2-4 MB per second at 720p).

``open_stream`` takes this path for an HTTP MJPEG stream and ``StreamSource`` for anything else
(RTSP, HLS, a stream PyAV cannot read): the user types one address either way.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from vbt.capture.sources import FrameSource, StreamSource, redact_url
from vbt.closing import Closing
from vbt.errors import VideoError
from vbt.live.resolution import decode_jpeg
from vbt.types import Frame
from vbt.videoio import pyav_available


@dataclass(frozen=True, eq=False)
class JpegFrame(Frame):
    """A ``Frame`` that arrived as a JPEG picture.

    Attributes:
        jpeg: the picture's bytes as they arrived; ``image`` is them decoded (BGR).
        reduction: full-frame pixels per pixel of ``image``: 1, or 2 when it was decoded at half
            size to shed work (``vbt.live.resolution``).
    """

    jpeg: bytes = b""
    reduction: int = 1


class NotMjpegError(VideoError):
    """The address answers, but not with an MJPEG stream PyAV can read picture by picture."""


class JpegStreamSource(Closing):
    """Frames of an HTTP MJPEG stream, timed by arrival, each with its JPEG (``JpegFrame``).

    Parameters:
        url: the stream's address (``http://host:8080/video``).
        open_timeout_s: how long to wait for the stream to answer when opening.
        read_timeout_s: how long to wait for a frame before the stream counts as dropped.

    Times and errors are those of ``StreamSource``: the first frame at 0 s, then arrival times on a
    monotonic clock, strictly increasing; a stream that stops ends the iteration and ``error`` says
    so. A picture that does not decode is skipped (the next one's time shows the gap).

    ``reduction`` (1, 2 or 4; settable from another thread, read for each picture): decode at
    1 / ``reduction`` of the size, with libjpeg's DCT scaling (``vbt.live.resolution``), to shed
    work when live mode is behind; the frames say so (``JpegFrame.reduction``).

    Raises:
        NotMjpegError: the address is a stream of another kind (use ``StreamSource``).
        VideoError: the address does not open, or no frame arrives (at the first iteration).
    """

    fps = math.nan
    frame_count = None
    rotation_deg = 0

    def __init__(self, url: str, *, open_timeout_s: float = 10.0, read_timeout_s: float = 10.0) -> None:
        import av

        self.name = redact_url(url)
        self.size_px: tuple[int, int] | None = None
        self.error: VideoError | None = None
        self._closed = False
        self._count = 0
        self._t0: float | None = None
        self.reduction = 1
        try:
            self._container: Any = av.open(url, timeout=(open_timeout_s, read_timeout_s))
        except (OSError, av.FFmpegError) as exc:
            raise VideoError(f"{self.name}: the stream does not open ({exc}).") from None
        streams = self._container.streams.video
        if self._container.format.name != "mpjpeg" or not streams or streams[0].codec_context.name != "mjpeg":
            self._container.close()
            raise NotMjpegError(f"{self.name}: not an HTTP MJPEG stream")
        self._stream = streams[0]
        self._codec: Any = av.CodecContext.create("mjpeg", "r")
        self._codec.thread_count = 1  # on the capture thread: the other cores are busy with pose

    def __iter__(self) -> Iterator[Frame]:
        try:
            yield from self._frames()
        finally:
            self.close()

    def _frames(self) -> Iterator[Frame]:
        import av

        last_t_s = 0.0
        try:
            for packet in self._container.demux(self._stream):
                if self._closed:
                    return
                if packet.size == 0:
                    continue
                jpeg = bytes(packet)
                now = time.perf_counter()
                reduction = self.reduction
                image = self._decode(packet) if reduction == 1 else decode_jpeg(jpeg, reduction=reduction)
                if image is None:
                    continue
                if self._t0 is None:
                    self._t0 = now
                t_s = max(now - self._t0, last_t_s + 1e-6) if self._count else 0.0
                last_t_s = t_s
                if reduction == 1 or self.size_px is None:  # libjpeg rounds a reduced size up
                    self.size_px = (int(image.shape[1]) * reduction, int(image.shape[0]) * reduction)
                yield JpegFrame(image=image, t_s=t_s, index=self._count, jpeg=jpeg, reduction=reduction)
                self._count += 1
        except (OSError, av.FFmpegError) as exc:
            why = str(exc)
        else:
            why = "the connection was closed or no frame came in time"
        if self._closed:  # closed by the caller: a normal end
            return
        if self._count == 0:
            raise VideoError(
                f"{self.name}: the stream opened but sent no frame. Check that the camera is streaming."
            )
        self.error = VideoError(self._drop_message(why))

    def _decode(self, packet: Any) -> npt.NDArray[np.uint8] | None:
        """The picture, decoded as FFmpeg decodes it when the recording is read back (OpenCV's own
        JPEG decoder rounds colour edges differently): the offline analysis sees the same pixels."""
        import av

        try:
            pictures = self._codec.decode(packet)
        except av.FFmpegError:  # a broken picture: skipped
            return None
        if not pictures:
            return None
        return cast("npt.NDArray[np.uint8]", pictures[-1].to_ndarray(format="bgr24"))

    def _drop_message(self, why: str) -> str:
        elapsed_s = 0.0 if self._t0 is None else time.perf_counter() - self._t0
        return (
            f"{self.name}: the stream stopped after {self._count} frames ({elapsed_s:.1f} s): {why}. "
            "The frames received were used."
        )

    def close(self) -> None:
        """Stop reading (a read in progress ends within the read timeout); safe to call twice."""
        if not self._closed:
            self._closed = True
            self._container.close()


def open_stream(url: str) -> FrameSource:
    """The stream at ``url``: an HTTP MJPEG stream as JPEG pictures (``JpegStreamSource``, which the
    recording keeps as they came) when PyAV can read it so, else ``StreamSource``.

    Raises:
        VideoError: the stream does not open.
    """
    if pyav_available() and url.lower().startswith(("http://", "https://")):
        try:
            return JpegStreamSource(url)
        except VideoError:
            pass  # not MJPEG, or PyAV's reader cannot: OpenCV's reader says what is wrong, if anything
    return StreamSource(url)
