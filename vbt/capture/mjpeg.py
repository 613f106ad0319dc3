"""A small HTTP MJPEG server: plays a clip as a live stream, like a phone IP-camera app.

Useful to try a ``StreamSource`` (and ``vbt live``) without a camera, for demos, and to test stream
handling, including a stream that drops::

    with serve_mjpeg("squat.mp4") as url:
        with StreamSource(url) as source:
            for frame in source:
                ...

The server binds to the loopback address by default, so nothing outside this computer can reach it.
It behaves like a camera: one clip plays, from its first frame when the first client connects, at the
clip's own frame times (``realtime=True``); every connected client receives the frames from the
moment it joined, as ``multipart/x-mixed-replace`` JPEG parts. With ``realtime=False`` frames go out
as fast as the slowest client takes them, none skipped.

The clip is decoded by one OpenCV capture opened before the URL is handed out and rewound (never
re-opened) to loop: OpenCV holds a process-wide lock while it opens a capture, so a server opening a
file while a client in the same process opens the stream would wait for each other.
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import socket
import threading
import time
from collections.abc import Generator, Iterable, Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from vbt.errors import InputError, VideoError
from vbt.types import Frame

_BOUNDARY = "vbtframe"
_POLL_S = 0.2  # how often blocked threads look at the stop flag
_CLIENT_QUEUE = 4  # frames buffered per client before the oldest is dropped (realtime)

Image = npt.NDArray[np.uint8]


class _Clip:
    """The clip's frames as (t_s, image), from a file (rewound to loop) or from frames in memory."""

    def __init__(self, source: Path | Sequence[Frame]) -> None:
        self._frames: Sequence[Frame] = ()
        self._capture: Any = None
        if isinstance(source, Path):
            capture = cv2.VideoCapture(str(source), cv2.CAP_FFMPEG)
            if not capture.isOpened():
                capture.release()
                raise VideoError(f"{source}: not a video OpenCV can read; nothing to serve.")
            self._capture = capture
        else:
            if not source:
                raise InputError("no frames to serve: give a video file or at least one frame.")
            self._frames = source

    def play_once(self) -> Iterator[tuple[float, Image]]:
        if self._capture is None:
            for frame in self._frames:
                yield frame.t_s, frame.image
            return
        self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
        while True:
            ok, image = self._capture.read()
            if not ok or image is None:
                return
            yield float(self._capture.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0, image

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()


class _Broadcaster:
    """One producer thread paces the clip and hands each frame's JPEG to every connected client."""

    def __init__(self, clip: _Clip, *, realtime: bool, loop: bool, jpeg_quality: int) -> None:
        self._clip = clip
        self._realtime = realtime
        self._loop = loop
        self._quality = jpeg_quality
        self._clients: list[queue.Queue[bytes | None]] = []
        self._lock = threading.Lock()
        self._first_client = threading.Event()
        self.stopping = threading.Event()
        self.finished = False
        self.thread = threading.Thread(target=self._run, name="vbt-mjpeg-clip", daemon=True)

    def join(self) -> Generator[bytes, None, None]:
        """Frames (JPEG bytes) for one client, from now until the clip ends or the server stops."""
        inbox: queue.Queue[bytes | None] = queue.Queue(maxsize=_CLIENT_QUEUE)
        with self._lock:
            if self.finished:
                return
            self._clients.append(inbox)
        self._first_client.set()
        try:
            while not self.stopping.is_set():
                try:
                    item = inbox.get(timeout=_POLL_S)
                except queue.Empty:
                    continue
                if item is None:
                    return
                yield item
        finally:
            with self._lock:
                self._clients.remove(inbox)

    def _run(self) -> None:
        while not self._first_client.wait(_POLL_S):
            if self.stopping.is_set():
                return
        start = time.monotonic()
        offset_s = 0.0
        try:
            while not self.stopping.is_set():
                t_first: float | None = None
                t_clip = 0.0
                for t_s, image in self._clip.play_once():
                    t_first = t_s if t_first is None else t_first
                    t_clip = t_s - t_first
                    if self._realtime:
                        delay = start + offset_s + t_clip - time.monotonic()
                        if delay > 0 and self.stopping.wait(delay):
                            return
                    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self._quality])
                    if ok:
                        self._publish(encoded.tobytes())
                    if self.stopping.is_set():
                        return
                if not self._loop or t_first is None:
                    return
                offset_s += t_clip + 1.0 / 30.0
        finally:
            with self._lock:
                self.finished = True
                clients = list(self._clients)
            for inbox in clients:
                _put_dropping_oldest(inbox, None)

    def _publish(self, jpeg: bytes) -> None:
        with self._lock:
            clients = list(self._clients)
        for inbox in clients:
            if self._realtime:
                _put_dropping_oldest(inbox, jpeg)
                continue
            while not self.stopping.is_set():  # as fast as the slowest client: wait for room
                try:
                    inbox.put(jpeg, timeout=_POLL_S)
                    break
                except queue.Full:
                    with self._lock:
                        if inbox not in self._clients:
                            break


def _put_dropping_oldest(inbox: queue.Queue[bytes | None], item: bytes | None) -> None:
    while True:
        try:
            inbox.put_nowait(item)
            return
        except queue.Full:
            with contextlib.suppress(queue.Empty):
                inbox.get_nowait()


class _Handler(BaseHTTPRequestHandler):
    server: _MjpegServer

    def do_GET(self) -> None:
        limit = self.server.drop_after_frames
        self.send_response(200)
        self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={_BOUNDARY}")
        self.send_header("Cache-Control", "no-cache, no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        sent = 0
        frames = self.server.broadcaster.join()
        try:
            for jpeg in frames:
                if limit is not None and sent >= limit:
                    break
                part = (
                    f"--{_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n"
                ).encode("ascii")
                self.wfile.write(part + jpeg + b"\r\n")
                self.wfile.flush()
                sent += 1
        except (ConnectionError, TimeoutError):
            pass  # the client went away
        finally:
            frames.close()
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: a demo server should not write a line per request."""


class _MjpegServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        broadcaster: _Broadcaster,
        *,
        drop_after_frames: int | None,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.broadcaster = broadcaster
        self.drop_after_frames = drop_after_frames


@contextlib.contextmanager
def serve_mjpeg(
    path_or_frames: str | os.PathLike[str] | Iterable[Frame],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    realtime: bool = True,
    drop_after_frames: int | None = None,
    loop: bool = False,
    jpeg_quality: int = 85,
) -> Iterator[str]:
    """Serve a clip as an HTTP MJPEG stream while the ``with`` block runs; yields the stream's URL.

    Parameters:
        path_or_frames: a video file, or frames to send (their ``t_s`` give the pacing).
        host: address to listen on; the loopback address by default (this computer only).
        port: port to listen on; 0 picks a free one (the URL tells which).
        realtime: send each frame at its time in the clip; ``False``: as fast as clients take them.
        drop_after_frames: close each connection abruptly after this many frames, as a stream that
            drops would (``None``: send until the clip ends, then close).
        loop: play the clip again from the start at its end instead of ending the stream.
        jpeg_quality: 1..100.

    Raises:
        InputError: nothing to serve, or the address cannot be listened on.
        VideoError: the file is not a video.
    """
    if isinstance(path_or_frames, str | os.PathLike):
        path = Path(path_or_frames)
        if not path.is_file():
            raise InputError(f"{path}: no such video file to serve.")
        source: Path | Sequence[Frame] = path
    else:
        source = list(path_or_frames)
    if drop_after_frames is not None and drop_after_frames < 0:
        raise InputError(f"drop_after_frames must be 0 or more, got {drop_after_frames}")
    quality = int(jpeg_quality) if math.isfinite(jpeg_quality) else 85
    clip = _Clip(source)
    broadcaster = _Broadcaster(clip, realtime=realtime, loop=loop, jpeg_quality=min(max(quality, 1), 100))
    try:
        server = _MjpegServer((host, port), broadcaster, drop_after_frames=drop_after_frames)
    except OSError as exc:
        clip.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    broadcaster.thread.start()
    thread = threading.Thread(
        target=server.serve_forever, args=(_POLL_S,), name="vbt-mjpeg-http", daemon=True
    )
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    shown_host = f"[{bound_host!s}]" if ":" in str(bound_host) else str(bound_host)
    try:
        yield f"http://{shown_host}:{bound_port}/video"
    finally:
        broadcaster.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()
        broadcaster.thread.join()
        clip.close()
