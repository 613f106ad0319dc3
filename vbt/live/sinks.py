"""Where live mode's annotated frames go: an OpenCV window on this computer, the browser view of
``vbt serve`` (``/live``, frames pushed over a WebSocket). Neither ever makes the frame loop wait."""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from vbt.errors import InputError

Image = np.ndarray[Any, Any]


def display_available() -> bool:
    """True where a window can open: Windows and macOS, or a Linux/BSD desktop (Wayland, or an X
    server that answers at ``DISPLAY``: OpenCV's Qt aborts the whole process when it cannot connect)."""
    if sys.platform in ("win32", "darwin") or os.environ.get("WAYLAND_DISPLAY"):
        return True
    display = os.environ.get("DISPLAY")
    return display is not None and display != "" and x_display_answers(display)


def x_display_answers(display: str, *, timeout_s: float = 2.0) -> bool:
    """True when an X server accepts a connection at ``display`` (``[host]:N[.S]``, as ``DISPLAY``):
    a local one's socket (``/tmp/.X11-unix/XN``, or Linux's abstract one of that name), a socket path
    (``/path/to/socket:N``, XQuartz's form), else TCP port 6000 + N on ``host``. A form it does not
    know counts as answering (the toolkit then decides)."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".", 1)[0]
    if not number.isdigit():
        return True
    if host.startswith("/"):
        return _connects(socket.AF_UNIX, display, timeout_s)
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        return _connects(socket.AF_UNIX, path, timeout_s) or (
            sys.platform.startswith("linux") and _connects(socket.AF_UNIX, "\0" + path, timeout_s)
        )
    return _connects(socket.AF_INET, (host, 6000 + int(number)), timeout_s)


def _connects(family: int, address: str | tuple[str, int], timeout_s: float) -> bool:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.settimeout(timeout_s)
            probe.connect(address)
    except OSError:
        return False
    return True


class WindowSink:
    """Shows frames in an OpenCV window; pressing q or Esc in it calls ``on_quit``.

    The window takes the frames' size, scaled down to fit ``max_size_px`` (a 4K phone stream on a
    laptop screen), and has no toolbar (OpenCV's Qt build adds one by default).

    Raises:
        InputError: this OpenCV cannot open windows (a headless build) or there is no display.
    """

    def __init__(
        self,
        title: str = "vbt live",
        *,
        on_quit: Callable[[], None] | None = None,
        max_size_px: tuple[int, int] = (1280, 720),
    ) -> None:
        if not display_available():
            display = os.environ.get("DISPLAY")
            raise InputError(
                f"the display DISPLAY={display} does not answer (no X server there?); use --no-window "
                "and the browser view (--server) instead"
                if display
                else "no display here for a window; use the browser view (--server) instead"
            )
        self.title = title
        self.on_quit = on_quit
        self.max_size_px = max_size_px
        try:
            cv2.namedWindow(title, cv2.WINDOW_AUTOSIZE | cv2.WINDOW_GUI_NORMAL)
        except cv2.error as exc:
            raise InputError(
                f"this OpenCV cannot open windows ({exc.err}); use --no-window and the browser view"
            ) from None

    def show(self, image: Image, t_s: float) -> None:
        height, width = image.shape[:2]
        scale = min(self.max_size_px[0] / width, self.max_size_px[1] / height)
        if scale < 1.0:
            size = (round(width * scale), round(height * scale))
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        cv2.imshow(self.title, image)
        if cv2.waitKey(1) & 0xFF in (ord("q"), 27) and self.on_quit is not None:
            self.on_quit()

    def close(self) -> None:
        cv2.destroyWindow(self.title)


class PushSink:
    """Sends frames, scaled to ``width_px`` and JPEG-encoded, through a pusher with ``push(bytes)``
    (``vbt.live.client.FramePusher``), which drops rather than queues when the network is slow."""

    def __init__(self, pusher: Any, *, width_px: int = 640, jpeg_quality: int = 70) -> None:
        self.pusher = pusher
        self.width_px = width_px
        self.jpeg_quality = jpeg_quality

    def show(self, image: Image, t_s: float) -> None:
        height, width = image.shape[:2]
        if width > self.width_px:
            size = (self.width_px, round(height * self.width_px / width))
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self.jpeg_quality])
        if ok:
            self.pusher.push(jpeg.tobytes())

    def close(self) -> None:
        self.pusher.close()


class DeferredPushSink:
    """A ``PushSink`` that starts once its pusher can be made: the service was down when live mode
    started, and the session (hence the browser view's address) exists only once it answers.

    Parameters:
        make_pusher: returns the pusher, or None while it cannot be made yet (tried at most every
            ``retry_s`` seconds, from ``show``; it must return at once).
        on_ready: called once with the pusher when it is made (to tell the user the view's address).
        **push_options: passed to ``PushSink``.
    """

    def __init__(
        self,
        make_pusher: Callable[[], Any | None],
        *,
        on_ready: Callable[[Any], None] | None = None,
        retry_s: float = 1.0,
        **push_options: Any,
    ) -> None:
        self.make_pusher = make_pusher
        self.on_ready = on_ready
        self.retry_s = retry_s
        self.push_options = push_options
        self.sink: PushSink | None = None
        self._next_try_s = -float("inf")

    def show(self, image: Image, t_s: float) -> None:
        if self.sink is None:
            now = time.monotonic()
            if now < self._next_try_s:
                return
            self._next_try_s = now + self.retry_s
            pusher = self.make_pusher()
            if pusher is None:
                return
            self.sink = PushSink(pusher, **self.push_options)
            if self.on_ready is not None:
                self.on_ready(pusher)
        self.sink.show(image, t_s)

    def close(self) -> None:
        if self.sink is not None:
            self.sink.close()
