"""HDR and wide-gamut video files decoded through PyAV, fast, with the picture their colour tags promise.

Why a second decoder
--------------------
OpenCV's FFmpeg backend converts each decoded frame to BGR with ``sws_scale_frame``. Since FFmpeg 8,
that call colour-manages: a frame tagged with a transfer function or primaries other than SDR
television's (HLG or PQ, BT.2020, DCI or Display P3, CIE XYZ, film) is linearised, gamut-mapped and
tone-mapped to BT.709 in floating point, which costs about 160 ms a frame whatever its size (measured
with OpenCV 5.1 on this project's machine: a 640x360 and a 1080x1920 clip alike, against 0.4 and
3.5 ms for the same frames tagged BT.709). iPhones record HLG in BT.2020 by default, so a 20 s phone
clip at 60 fps spent over three minutes in colour conversion alone.

PyAV (FFmpeg's libraries, already a dependency) converts with the colour matrix and range only
(``VideoFrame.to_ndarray(format="bgr24")``: the frame's own YCbCr matrix, BT.2020 for these files),
the same arithmetic OpenCV uses for SDR files (bit-identical output on SDR clips), at 2-5 ms a frame.

What picture the analysis sees
------------------------------
HLG (ITU-R BT.2100) was designed so that its signal shown on an SDR display, without conversion, is an
acceptable SDR picture: below a twelfth of the peak scene light its curve is a square root, as SDR's
is, so shadows and mid-tones land where an SDR camera puts them and only highlights are compressed
(ITU-R BT.2390, section on HLG's compatibility; BBC R&D White Paper WHP 309). Grey levels, which the
bar finder thresholds, are those of an SDR camera exposed for the same scene, a little darker: HLG
places diffuse white at 75 % of the signal (ITU-R BT.2408), SDR at about 90 %. The BT.2020 primaries
shown as BT.709 desaturate colours a little and leave greys (R = G = B) exact. So HLG and wide-gamut
SDR files are decoded through PyAV with their matrix and range only.

PQ (SMPTE ST 2084) is not so made: its signal encodes absolute luminance up to 10,000 cd/m2, so a
100 cd/m2 white sits at half the code range and the picture shown as SDR is dark and flat. PQ files stay
on OpenCV, whose conversion tone-maps them: right, but slow.

``choose_pyav`` decides from the tags OpenCV's converter reads, the frames' own, as the stream's codec
parameters give them (FFmpeg fills them while probing the stream), else from the first decoded frame.
``PyavCapture`` gives ``VideoFileSource`` the calls it makes on
``cv2.VideoCapture`` (read, grab, retrieve, the position in milliseconds, the display rotation, the
declared rate and frame count), with OpenCV's meaning for each, so that timing, duplicate handling and
the truncation check stay one code path.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.container import read_video_stream
from vbt.errors import VideoError

Image = npt.NDArray[np.uint8]

#: FFmpeg's ``AVColorTransferCharacteristic`` values (ITU-T H.273): the hybrid log-gamma curve and PQ.
TRC_HLG = 18
TRC_PQ = 16
#: FFmpeg's ``AVColorPrimaries`` values (ITU-T H.273) OpenCV converts without colour management: the
#: primaries of SDR television (reserved 0, BT.709, unspecified, BT.470 M, BT.601 625 and 525 lines,
#: SMPTE 240M, EBU 3213-E), one gamut for FFmpeg's converter. Any other primaries (BT.2020, film, CIE
#: XYZ, DCI and Display P3) are a wide gamut it maps.
SDR_PRIMARIES = frozenset({0, 1, 2, 4, 5, 6, 7, 22})

# OpenCV's rotation of a frame whose display matrix turns it clockwise by this many degrees.
_ROTATIONS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def needs_pyav(primaries: int, transfer: int) -> bool:
    """True when a frame with these colour tags (H.273 codes) is better decoded through PyAV: HLG,
    or primaries wider than SDR television's, and not PQ (which only OpenCV's conversion tone-maps)."""
    if transfer == TRC_PQ:
        return False
    return transfer == TRC_HLG or primaries not in SDR_PRIMARIES


#: ITU-T H.273's "unspecified" (primaries and transfer alike).
UNSPECIFIED = 2


def choose_pyav(path: str | os.PathLike[str]) -> bool:
    """True when ``path``'s first video frame is tagged so that PyAV should decode it (``needs_pyav``).

    The tags are read from the stream's codec parameters, which FFmpeg fills while probing the stream
    from the sequence header the frames take theirs from, without decoding a frame (an opening of a 720p file costs
    12-13 CPU-ms instead of 25-26, of a 1080p HLG file 32-37 instead of 74-79); a stream whose
    parameters leave both unspecified (a container without colour tags: the frames may still carry
    them) has its first frame decoded and read, as OpenCV's converter reads it. On the 39 footage
    clips the stream's tags and the first frame's are the same.

    False when PyAV is not installed or cannot decode the file (OpenCV then decides what to say).
    """
    tags = read_video_stream(path, colour_tags)
    return tags is not None and needs_pyav(*tags)


def colour_tags(stream: Any) -> tuple[int, int] | None:
    """(primaries, transfer) H.273 codes of a PyAV video stream: its codec parameters', else (both
    unspecified there, or a PyAV without them) its first frame's; None when it has no frame."""
    codec = stream.codec_context
    primaries, transfer = getattr(codec, "color_primaries", None), getattr(codec, "color_trc", None)
    if primaries is not None and transfer is not None and (primaries, transfer) != (UNSPECIFIED, UNSPECIFIED):
        return int(primaries), int(transfer)
    frame = next(stream.container.decode(stream), None)
    return None if frame is None else (int(frame.color_primaries), int(frame.color_trc))


class PyavCapture:
    """The part of ``cv2.VideoCapture``'s face ``VideoFileSource`` uses, decoding through PyAV.

    Parameters:
        path: a video file; its first video stream is decoded, on as many threads as FFmpeg chooses.

    ``get(cv2.CAP_PROP_POS_MSEC)`` is the last frame's presentation time (its pts, else its packet's
    dts) from the stream's start, in milliseconds, as OpenCV gives it; ``CAP_PROP_ORIENTATION_META``
    the display matrix's clockwise rotation; ``CAP_PROP_FPS`` FFmpeg's guessed rate;
    ``CAP_PROP_FRAME_COUNT`` the header's count, else duration x rate. Images are BGR, rotated as the
    display matrix says unless ``set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)``.

    Raises:
        VideoError: the file does not open or holds no video stream (at construction); the decoder
            fails part-way (from ``read``, ``grab``).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        import av

        self._name = os.fspath(path)
        try:
            self._container: Any = av.open(self._name)
        except (av.FFmpegError, OSError, ValueError) as exc:
            raise VideoError(f"{self._name}: PyAV could not open it: {exc}") from None
        if not self._container.streams.video:
            self._container.close()
            raise VideoError(f"{self._name}: the file holds no video stream")
        self._stream: Any = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        self._frames: Iterator[Any] = self._container.decode(self._stream)
        self._frame: Any = None
        self._pending: Any = self._decode()  # the first frame: its display matrix is the rotation
        self._opened = True
        self._auto_rotate = True
        # the display matrix's turn, counter-clockwise (PyAV before 13 gives none: nothing applied)
        turn_deg = 0.0 if self._pending is None else float(getattr(self._pending, "rotation", 0))
        self._rotation_deg = round(-turn_deg) % 360
        self._t_ms = 0.0

    def isOpened(self) -> bool:  # noqa: N802  (cv2.VideoCapture's name)
        return self._opened

    def set(self, prop: int, value: float) -> bool:
        if prop == cv2.CAP_PROP_ORIENTATION_AUTO:
            self._auto_rotate = value != 0
            return True
        return False

    def get(self, prop: int) -> float:
        stream = self._stream
        if prop == cv2.CAP_PROP_POS_MSEC:
            return self._t_ms
        if prop == cv2.CAP_PROP_ORIENTATION_META:
            return float(self._rotation_deg)
        if prop == cv2.CAP_PROP_FPS:
            rate = stream.guessed_rate or stream.average_rate
            return float(rate) if rate else math.nan
        if prop == cv2.CAP_PROP_FRAME_COUNT:
            return float(stream.frames) if stream.frames else self._estimated_count()
        return 0.0

    def _estimated_count(self) -> float:
        """Duration x rate, as OpenCV estimates a count the header does not give."""
        stream = self._stream
        if self._container.duration:
            seconds = self._container.duration / 1_000_000  # FFmpeg's AV_TIME_BASE
        elif stream.duration is not None and stream.time_base is not None:
            seconds = float(stream.duration * stream.time_base)
        else:
            return 0.0
        fps = self.get(cv2.CAP_PROP_FPS)
        return math.floor(seconds * fps + 0.5) if math.isfinite(fps) else 0.0

    def _decode(self) -> Any:
        import av

        try:
            return next(self._frames, None)
        except av.FFmpegError as exc:
            raise VideoError(f"{self._name}: the decoder failed: {exc}") from None

    def grab(self) -> bool:
        """Decode the next frame without converting it; False at the end."""
        if not self._opened:
            return False
        frame, self._pending = (self._pending, None) if self._pending is not None else (self._decode(), None)
        self._frame = frame
        if frame is None:
            return False
        ticks = frame.pts if frame.pts is not None else frame.dts
        if ticks is None or frame.time_base is None:
            self._t_ms = 0.0
        else:
            start = self._stream.start_time or 0  # OpenCV's arithmetic, in doubles, to the last bit
            self._t_ms = (
                float(ticks - start) * (frame.time_base.numerator / frame.time_base.denominator) * 1000.0
            )
        return True

    def retrieve(self) -> tuple[bool, Image | None]:
        """The last grabbed frame as a BGR image (its YCbCr matrix and range applied, nothing else)."""
        if self._frame is None:
            return False, None
        image: Image = np.asarray(self._frame.to_ndarray(format="bgr24"), dtype=np.uint8)
        rotation = _ROTATIONS.get(self._rotation_deg) if self._auto_rotate else None
        if rotation is not None:
            image = np.asarray(cv2.rotate(image, rotation), dtype=np.uint8)
        return True, image

    def read(self) -> tuple[bool, Image | None]:
        if not self.grab():
            return False, None
        return self.retrieve()

    def release(self) -> None:
        if self._opened:
            self._opened = False
            self._frame = self._pending = None
            self._container.close()
