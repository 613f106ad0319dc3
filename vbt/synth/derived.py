"""A rendered clip made into the files other people's tools make, each with its own exact truth.

- ``convert_frame_rate``: converted to another constant rate by repeating (or skipping) frames, each
  output frame showing the source frame nearest in time (as FFmpeg's ``fps`` filter does by
  default), then re-encoded: the repeats are not bit-identical. The truth's ``frame_t_s`` is the
  time each frame's picture was taken (a repeat has its original's), ``repeated_frames`` lists the
  repeats and ``content_fps`` the source's rate.
- ``cut_with_edit_list``: cut at a frame that is not a key frame without re-encoding (``ffmpeg -ss T
  -i IN -c copy``): the MP4 keeps the frames from the key frame before, and an edit list tells the
  decoder to skip them. The header counts them; a reader must not call the file truncated.
- ``letterbox_clip``: framed in black bars (letterbox, pillarbox) and re-encoded; positions in the
  truth move by the bars' offset.

Each reads the rendered clip (``RenderInfo`` from ``vbt.synth.render.render_set``) and its truth JSON
and writes ``NAME.mp4`` and ``NAME.truth.json``, the truth's ``video`` block updated and a ``derived``
entry saying what was done. The returned ``RenderInfo`` describes the new clip (``t_s`` on the
truth's clock, not increasing where frames repeat).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.sources import VideoFileSource
from vbt.errors import InputError, VbtError, VideoError
from vbt.synth.render import RenderInfo
from vbt.synth.video_out import open_clip_writer
from vbt.types import FloatArray

Image = npt.NDArray[np.uint8]


def convert_frame_rate(
    info: RenderInfo, out_path: str | Path, *, fps: float, quality: int = 60
) -> RenderInfo:
    """``info``'s clip converted to a constant ``fps`` by nearest-frame resampling, re-encoded (h264).

    Raises:
        InputError: ``fps`` is not within 1..1000 or the source is not a constant-rate clip.
        VideoError: the clip cannot be read or written.
    """
    if not 1.0 <= fps <= 1000.0:
        raise InputError(f"fps must be within 1..1000, got {fps}")
    if info.vfr:
        raise InputError(f"{info.path}: convert a constant-rate clip, not a variable-rate one")
    file_t_s = info.t_s - info.t_s[0]
    out_t_s = np.arange(int(np.floor(file_t_s[-1] * fps + 1e-9)) + 1) / fps
    # The source frame nearest in time to each output frame (the earlier one on a tie).
    after = np.clip(np.searchsorted(file_t_s, out_t_s), 1, file_t_s.size - 1)
    nearer_before = out_t_s - file_t_s[after - 1] <= file_t_s[after] - out_t_s
    shown = np.where(nearer_before, after - 1, after)
    repeated = [int(j) for j in np.flatnonzero(np.diff(shown) == 0) + 1]
    out = replace(
        info, path=Path(out_path), fps=float(fps), t_s=info.t_s[shown], plate_xy_px=info.plate_xy_px[shown]
    )
    _write(out, _resampled(_images(info.path), shown), quality=quality)
    return _finish(
        out,
        info,
        derived={"kind": "frame_rate_conversion", "source": info.path.name, "fps": float(fps)},
        video={"content_fps": info.fps, "repeated_frames": repeated},
    )


def cut_with_edit_list(info: RenderInfo, out_path: str | Path, *, first_frame: int) -> RenderInfo:
    """``info``'s clip from frame ``first_frame`` on, cut without re-encoding (an MP4 edit list skips
    the frames before it from the key frame before; the file's time 0 is that frame's).

    Raises:
        InputError: ``first_frame`` is not inside the clip.
        VideoError: the bundled ffmpeg is missing or fails.
    """
    if not 0 < first_frame < info.n_frames - 1:
        raise InputError(f"first_frame must be within 1..{info.n_frames - 2}, got {first_frame}")
    out = replace(
        info,
        path=Path(out_path),
        t_s=info.t_s[first_frame:],
        plate_xy_px=info.plate_xy_px[first_frame:],
    )
    start_s = float(info.t_s[first_frame] - info.t_s[0])
    _ffmpeg("-ss", f"{start_s:.6f}", "-i", str(info.path), "-c", "copy", str(out.path))
    return _finish(
        out,
        info,
        derived={"kind": "edit_list_cut", "source": info.path.name, "first_frame": first_frame},
        video={"first_frame_t_s": float(out.t_s[0])},
    )


def letterbox_clip(
    info: RenderInfo, out_path: str | Path, *, bars_px: tuple[int, int, int, int], quality: int = 90
) -> RenderInfo:
    """``info``'s clip framed in black bars of ``(left, top, right, bottom)`` pixels, re-encoded (h264;
    ``quality`` high by default, so the second encode costs the picture little).

    Raises:
        InputError: a bar is negative or odd (h264 needs an even frame size).
        VideoError: the clip cannot be read or written.
    """
    if any(b < 0 or b % 2 for b in bars_px):
        raise InputError(f"bars must be even and not negative (pixels), got {bars_px}")
    left, top, right, bottom = bars_px
    width, height = info.size_px
    offset = np.array([left, top], dtype=np.float64)
    out = replace(
        info,
        path=Path(out_path),
        plate_xy_px=info.plate_xy_px + offset,
        size_px=(width + left + right, height + top + bottom),
    )

    def framed(image: Image) -> Image:
        black = (0, 0, 0)
        return np.asarray(
            cv2.copyMakeBorder(image, top, bottom, left, right, cv2.BORDER_CONSTANT, value=black)
        )

    _write(out, (framed(image) for image in _images(info.path)), quality=quality)
    return _finish(
        out,
        info,
        derived={"kind": "letterbox", "source": info.path.name, "bars_px": list(bars_px)},
        video={"content_rect_px": [left, top, width, height], "offset_xy_px": [left, top]},
    )


def _resampled(images: Iterator[Image], shown: npt.NDArray[np.intp]) -> Iterator[Image]:
    """The images at the (non-decreasing) positions ``shown``, read once."""
    index, image = -1, None
    for k in shown:
        while index < k:
            image = next(images, None)
            index += 1
            if image is None:
                raise VideoError(f"the rendered clip ends before its frame {index}")
        assert image is not None
        yield image


def _images(path: Path) -> Iterator[Image]:
    with VideoFileSource(path) as source:
        for frame in source:
            yield frame.image
        if source.error is not None:
            raise source.error


def _write(out: RenderInfo, images: Iterator[Image], *, quality: int) -> None:
    writer = open_clip_writer(out.path, size_px=out.size_px, fps=out.fps, variable=False, quality=quality)
    try:
        for k, image in enumerate(images):
            writer.write(image, k / out.fps)
    except BaseException:
        with contextlib.suppress(VbtError):
            writer.close()
        out.path.unlink(missing_ok=True)
        raise
    writer.close()


def _ffmpeg(*args: str) -> None:
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise VideoError(
            f"cutting a clip needs imageio-ffmpeg's ffmpeg (pip install imageio-ffmpeg): {exc}"
        ) from None
    done = subprocess.run(
        [exe, "-hide_banner", "-loglevel", "error", "-y", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        raise VideoError(f"ffmpeg failed ({done.returncode}): {done.stderr.strip()}")


def _finish(
    out: RenderInfo, source: RenderInfo, *, derived: dict[str, Any], video: dict[str, Any]
) -> RenderInfo:
    """Write ``out``'s truth: ``source``'s, its ``video`` block updated for ``out`` plus ``video``."""
    truth_path = out.path.with_name(out.path.stem + ".truth.json")
    try:
        truth = json.loads(source.truth_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{source.truth_path}: cannot read the source clip's truth ({exc})") from None
    block = truth["video"]
    t_s: FloatArray = out.t_s
    block.update(
        {
            "file": out.path.name,
            "fps": out.fps,
            "n_frames": int(t_s.shape[0]),
            "frame_t_s": np.round(t_s, 9).tolist(),
            "size_px": list(out.size_px),
            "plate_xy_px": np.round(out.plate_xy_px, 3).tolist(),
            "origin_xy_px": (np.asarray(block["origin_xy_px"]) + _offset(video)).tolist(),
            **video,
        }
    )
    truth["derived"] = derived
    try:
        truth_path.write_text(json.dumps(truth, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{truth_path}: cannot write the truth ({exc.strerror})") from None
    return replace(out, truth_path=truth_path)


def _offset(video: dict[str, Any]) -> FloatArray:
    return np.asarray(video.get("offset_xy_px", [0, 0]), dtype=np.float64)
