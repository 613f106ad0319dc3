"""A file read again (``vbt.capture.reread``): the frames the first pass's tracker saw, the same images,
times and indices, black bars left out as the first pass left them, only the frames asked for."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.capture.video_fixtures import HEIGHT_PX, WIDTH_PX, numbered_image
from vbt.capture.picture import Picture
from vbt.capture.reread import FileFrames, MemoryFrames
from vbt.capture.sources import VideoFileSource
from vbt.errors import InputError
from vbt.types import Frame

BAR_PX = 40  # a pillarbox bar each side


def _pillarboxed_conversion(path: Path, n_frames: int) -> Path:
    """A 15 fps picture shown at 30 fps (every picture twice) between two black bars, lossless."""
    size = (WIDTH_PX + 2 * BAR_PX, HEIGHT_PX)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"FFV1"), 30.0, size)
    assert writer.isOpened()
    rng = np.random.default_rng(0)
    for j in range(n_frames):
        image = np.zeros((HEIGHT_PX, size[0], 3), np.uint8)
        noisy = numbered_image(2 * (j // 2)).astype(float) + rng.normal(0.0, 0.6, (HEIGHT_PX, WIDTH_PX, 3))
        image[:, BAR_PX : BAR_PX + WIDTH_PX] = np.clip(noisy, 0, 255).astype(np.uint8)
        writer.write(image)
    writer.release()
    return path


def test_a_file_read_again_gives_the_first_passs_frames_asked_for_bars_filled(tmp_path: Path) -> None:
    path = _pillarboxed_conversion(tmp_path / "converted.mkv", 60)
    with VideoFileSource(path) as source:
        seen = Picture(source)
        first = {f.index: (f.image.copy(), f.t_s) for f in seen}
        crop = seen.crop
        assert crop is not None and crop.content_rect_px == (BAR_PX, 0, WIDTH_PX, HEIGHT_PX)
        assert seen.report()["duplicate_frames_dropped"] > 0
        kept = sorted(first)
        assert len(kept) < 60  # the repeats were left out: their indices are never asked for
        asked = kept[3::4]
        with FileFrames(source, picture_rect_px=crop.content_rect_px) as again:
            for index in asked:
                frame = again.frame(index)
                image, t_s = first[index]
                assert frame.index == index and frame.t_s == t_s
                np.testing.assert_array_equal(frame.image, image)  # the bars filled as at first
            assert again.reads == 1  # forwards: one read
            assert again.frame(asked[-1]) is again.frame(asked[-1])  # the same frame again: no read
            again.frame(asked[0])  # back: the file is read again from its start
            assert again.reads == 2


def test_memory_frames_give_what_they_hold_and_say_what_they_do_not() -> None:
    frames = [Frame(image=numbered_image(i), t_s=i / 30.0, index=i) for i in (0, 2, 3)]
    held = MemoryFrames(frames)
    assert held.frame(2) is frames[1]
    with pytest.raises(InputError, match="frame 1 is not among the 3 frames held"):
        held.frame(1)
