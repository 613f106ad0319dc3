"""``vbt live --window`` on a real X display (Xvfb, a virtual one): the window opens at the frames'
size without a toolbar, frames are drawn in it, and q in it ends the run.

Needs Debian's ``xvfb``, ``xdotool`` (to press q) and ``x11-apps`` (``xwd``, to read the screen); .ci/run
installs them. The X screen is read back as an XWD dump (parsed here: a header, then 32-bit pixels).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.live.xdisplays import unused_display_number
from vbt.live.sinks import x_display_answers

REPO = Path(__file__).resolve().parents[2]
CLIP = REPO / "sample_videos" / "squat_100kg_3reps.mp4"
TOOLS = ("Xvfb", "xdotool", "xwd", "xwininfo")


@pytest.fixture
def display() -> Iterator[str]:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not installed: a virtual display needs Debian's xvfb, xdotool, "
            "x11-apps and x11-utils (.ci/run installs them)"
        )
    number = unused_display_number(90, 199)
    if number is None:
        pytest.skip("every X display number in :90-:199 is taken: no room for a virtual display")
    server = subprocess.Popen(
        [
            "Xvfb",
            f":{number}",
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
            "-s",
            "0",
        ],  # no screen saver
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15.0
        while not x_display_answers(f":{number}", timeout_s=1.0):  # the socket, and a server behind it
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail(f"Xvfb :{number} did not start")
            time.sleep(0.1)
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _x(display: str, *command: str) -> str:
    env = {**os.environ, "DISPLAY": display}
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=20).stdout


def _screen(display: str, tmp_path: Path) -> np.ndarray:
    """The whole X screen as a BGR image, from ``xwd``'s dump (ZPixmap, 32 bits a pixel)."""
    dump = tmp_path / "screen.xwd"
    for _ in range(5):  # a loaded machine: xwd may fail to reach the server or be cut short; again
        dump.unlink(missing_ok=True)
        done = subprocess.run(
            ["xwd", "-root", "-silent", "-out", str(dump)],
            env={**os.environ, "DISPLAY": display},
            capture_output=True,
            text=True,
            timeout=20,
        )
        data = dump.read_bytes() if dump.exists() else b""
        if len(data) >= 100:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"xwd gave no screen dump of {display} five times: {done.stderr.strip()!r}")
    header = struct.unpack(">25I", data[:100])
    header_size, width, height, byte_order, bytes_per_line, colours = (
        header[0], header[4], header[5], header[7], header[12], header[19],
    )  # fmt: skip
    assert bytes_per_line == 4 * width, "expected 32-bit pixels"
    pixels = np.frombuffer(data, np.uint8, count=height * bytes_per_line, offset=header_size + 12 * colours)
    pixels = pixels.reshape(height, width, 4)
    return pixels[:, :, :3] if byte_order == 0 else pixels[:, :, 3:0:-1]  # LSB first: B G R x


def _window(display: str, process: subprocess.Popen[str], size_px: tuple[int, int]) -> tuple[str, int, int]:
    """The live window's id and position on the screen, once it has the frames' size (the first
    frame sets it; before that the window has the toolkit's default size)."""
    deadline = time.monotonic() + 30.0
    geometry: list[int] = []
    while time.monotonic() < deadline and process.poll() is None:
        ids = _x(display, "xdotool", "search", "--onlyvisible", "--name", "^vbt live$").split()
        if ids:
            info = _x(display, "xwininfo", "-id", ids[0])
            geometry = [
                int(re.search(rf"{label}:\s+(-?\d+)", info).group(1))  # type: ignore[union-attr]
                for label in ("Absolute upper-left X", "Absolute upper-left Y", "Width", "Height")
            ]
            if tuple(geometry[2:]) == size_px:
                return ids[0], geometry[0], geometry[1]
        time.sleep(0.2)
    said = process.communicate(timeout=10)[0] if process.poll() is not None else "(still running)"
    pytest.fail(
        f"no 'vbt live' window of {size_px} (last seen: {geometry}; exit code {process.poll()}); it said:\n{said}"
    )


def test_the_live_window_shows_the_frames_at_their_size_and_q_ends_the_run(
    display: str, tmp_path: Path
) -> None:
    env = {**os.environ, "DISPLAY": display}
    env.pop("WAYLAND_DISPLAY", None)
    command = [
        sys.executable, "-m", "vbt.cli", "live", "--file", str(CLIP), "--lift", "squat",
        "--load-kg", "100", "--out", str(tmp_path / "out"), "--window", "--no-pose", "--no-record",
    ]  # fmt: skip
    capture = cv2.VideoCapture(str(CLIP))
    width, height = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    frame_count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    capture.release()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        window, x, y = _window(display, process, (width, height))  # the frames' size, no toolbar
        shown = np.zeros((height, width, 3), np.uint8)
        deadline = time.monotonic() + 20.0
        while time.monotonic() < deadline and shown.std() < 20:  # until the first frames are drawn
            time.sleep(0.3)
            shown = _screen(display, tmp_path)[y : y + height, x : x + width]
        # Frames are drawn in it (a scene, not a blank window). The pixels are not compared with the
        # clip's: OpenCV's Qt writes 24-bit packed pixels to Xvfb's 32-bit screen (Qt and Xvfb here),
        # so the screen holds the frame's bytes, not its pixels.
        assert shown.std() >= 20
        _x(display, "xdotool", "mousemove", "--window", window, "20", "20")  # no window manager:
        _x(display, "xdotool", "key", "q")  # the keyboard goes to the window under the pointer
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output
    processed = int(re.search(r"(\d+) frames processed", output).group(1))  # type: ignore[union-attr]
    assert 0 < processed < frame_count - 60, output  # q ended it well before the clip's end
