"""The live video of a session: the newest JPEG frame live mode pushed, shown to any number of viewers.

``vbt live`` pushes its annotated frames over ``WS /api/sessions/{id}/frames``; viewers read
``GET /api/sessions/{id}/live.mjpg``, a ``multipart/x-mixed-replace`` stream, or fetch the newest
frame one at a time (``GET /api/sessions/{id}/live.jpg?after=SEQ``, what the live page does). The hub
keeps one frame per session (the newest) and nothing else: a viewer gets the newest frame when it is
ready for one, so the server never queues frames for a slow viewer. (With MJPEG, bytes already
handed to the operating system's socket buffers still arrive in order: a viewer that reads slower
than the frame rate falls behind by up to those buffers, which can be seconds on loopback. The
one-frame-at-a-time fetch never has more than one frame in flight.) When no frame has arrived for
``stale_s`` seconds a viewer gets a "no video" image instead, re-sent every ``keepalive_s``.

Frames are published and waited for on the server's event loop (the WebSocket and the MJPEG
responses both run there), so the hub needs no lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

#: The boundary between the parts of the MJPEG stream.
BOUNDARY = "vbt-frame-5f0c2a7e"
MJPEG_MEDIA_TYPE = f"multipart/x-mixed-replace; boundary={BOUNDARY}"
#: Shown when a session has no recent frame (640 x 360, in the package).
PLACEHOLDER_PATH = Path(__file__).resolve().parents[1] / "static" / "img" / "no-video.jpg"
#: A frame that nobody replaced for this long is dropped from memory (seconds).
FORGET_AFTER_S = 60.0


@dataclass(frozen=True)
class LiveFrame:
    """One pushed frame: its JPEG bytes, its number in the session (1, 2, ...) and when it arrived
    (``time.monotonic()`` seconds)."""

    jpeg: bytes
    seq: int
    received_s: float


def looks_like_jpeg(data: bytes) -> bool:
    """True when ``data`` starts like a JPEG (SOI and a marker) and ends with its EOI marker
    (trailing padding of up to 32 bytes allowed)."""
    return len(data) > 4 and data[:3] == b"\xff\xd8\xff" and b"\xff\xd9" in data[-34:]


class FrameHub:
    """The newest frame of each session and who waits for the next one."""

    def __init__(self) -> None:
        self._frames: dict[int, LiveFrame] = {}
        self._counts: dict[int, int] = {}
        self._arrivals: dict[int, asyncio.Event] = {}
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def latest(self, session_id: int) -> LiveFrame | None:
        """The newest frame of a session, if one is still held."""
        return self._frames.get(session_id)

    def publish(self, session_id: int, jpeg: bytes) -> LiveFrame:
        """Make ``jpeg`` the session's newest frame (the previous one is dropped) and wake its
        viewers."""
        now = time.monotonic()
        seq = self._counts.get(session_id, 0) + 1
        self._counts[session_id] = seq
        frame = self._frames[session_id] = LiveFrame(jpeg, seq, now)
        for other, held in list(self._frames.items()):
            if now - held.received_s > FORGET_AFTER_S:
                del self._frames[other]
        self._wake(session_id)
        return frame

    def _wake(self, session_id: int) -> None:
        event = self._arrivals.pop(session_id, None)
        if event is not None:
            event.set()

    def arrival(self, session_id: int) -> asyncio.Event:
        """An event set when the session's next frame arrives (or the hub closes)."""
        event = self._arrivals.get(session_id)
        if event is None:
            event = self._arrivals[session_id] = asyncio.Event()
        if self._closed:
            event.set()
        return event

    async def wait_newer(self, session_id: int, after_seq: int, *, timeout_s: float) -> LiveFrame | None:
        """The session's newest frame once its seq is above ``after_seq``, or after ``timeout_s``
        whatever is held then (None: no frame)."""
        end_s = time.monotonic() + timeout_s
        while True:
            arrival = self.arrival(session_id)
            frame = self.latest(session_id)
            left_s = end_s - time.monotonic()
            if (frame is not None and frame.seq > after_seq) or self._closed or left_s <= 0:
                return frame
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrival.wait(), timeout=left_s)

    def close(self) -> None:
        """End every viewer's stream (server shutdown)."""
        self._closed = True
        for session_id in list(self._arrivals):
            self._wake(session_id)


#: The headers of each part (no Content-Length: they are sent before the image is known).
PART_HEAD = b"Content-Type: image/jpeg\r\n\r\n"
#: What the stream starts with: the first boundary and the first part's headers.
MJPEG_START = f"--{BOUNDARY}\r\n".encode("ascii") + PART_HEAD


def mjpeg_part(jpeg: bytes) -> bytes:
    """One image of the MJPEG stream followed by the boundary and the headers of the next part.

    Browsers show a part only once the next part has begun (its headers parsed), so each image is
    sent with the start of the next part rather than waiting for the next image.
    """
    return jpeg + f"\r\n--{BOUNDARY}\r\n".encode("ascii") + PART_HEAD


async def mjpeg_stream(
    hub: FrameHub,
    session_id: int,
    *,
    placeholder: bytes,
    stale_s: float,
    keepalive_s: float = 5.0,
) -> AsyncIterator[bytes]:
    """Chunks of a session's MJPEG stream: the start of the first part, then each new frame once
    (the newest when the viewer is ready), the placeholder while there is no frame newer than
    ``stale_s``, until the hub closes."""
    shown = -1  # seq of the frame on the viewer's screen; 0: the placeholder
    sent_s = -float("inf")
    yield MJPEG_START
    while not hub.closed:
        arrival = hub.arrival(session_id)  # before looking, so no frame slips in between
        frame = hub.latest(session_id)
        now = time.monotonic()
        if frame is not None and now - frame.received_s < stale_s:
            if frame.seq != shown:
                yield mjpeg_part(frame.jpeg)
                shown, sent_s = frame.seq, time.monotonic()
            wake_s = frame.received_s + stale_s
        else:
            if shown != 0 or now - sent_s >= keepalive_s:
                yield mjpeg_part(placeholder)
                shown, sent_s = 0, time.monotonic()
            wake_s = sent_s + keepalive_s
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(arrival.wait(), timeout=max(0.01, wake_s - time.monotonic()))
