"""Small videos written on the fly for the capture tests, each frame carrying its own index.

Frame ``i`` is dark grey with a white square whose left edge is at ``x = 4 + 2 i`` pixels (so the index
can be read back from the image) and a red block in the top-left corner (so a rotation can be seen).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest

WIDTH_PX, HEIGHT_PX = 160, 120
SQUARE_PX = 12

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT / ".." / "shared"
FOOTAGE = SHARED / "footage"
SHARED_MODELS = SHARED / "models"


def numbered_image(index: int) -> npt.NDArray[np.uint8]:
    """(HEIGHT_PX, WIDTH_PX, 3) BGR image showing ``index``."""
    image = np.full((HEIGHT_PX, WIDTH_PX, 3), 40, np.uint8)
    x = 4 + 2 * index
    image[50 : 50 + SQUARE_PX, x : x + SQUARE_PX] = 255
    image[:16, :24] = (0, 0, 255)
    return image


def read_index(image: npt.NDArray[np.uint8]) -> int:
    """The index drawn by ``numbered_image`` (robust to compression), read from an unrotated image."""
    row = image[50 + SQUARE_PX // 2, :, :].astype(float).mean(axis=1)
    bright = np.flatnonzero(row > 150)
    return round((bright[0] - 4) / 2)


def write_clip(path: Path, n_frames: int, fps: float, *, fourcc: str = "mp4v") -> Path:
    """A constant-rate clip of ``n_frames`` numbered frames at ``fps`` (may be fractional)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*fourcc), fps, (WIDTH_PX, HEIGHT_PX))
    assert writer.isOpened(), f"cannot write {path} with {fourcc}"
    for i in range(n_frames):
        writer.write(numbered_image(i))
    writer.release()
    return path


def ffmpeg_exe() -> str:
    """The ffmpeg bundled with imageio-ffmpeg (a test dependency), else skip."""
    imageio_ffmpeg = pytest.importorskip(
        "imageio_ffmpeg", reason="imageio-ffmpeg (test dependency) makes VFR and rotated clips"
    )
    exe: str = imageio_ffmpeg.get_ffmpeg_exe()
    if not shutil.which(exe) and not Path(exe).is_file():
        pytest.skip("imageio-ffmpeg has no ffmpeg binary for this platform")
    return exe


def ffmpeg(*args: str) -> None:
    """Run the bundled ffmpeg quietly; fail the test with its message if it fails."""
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
