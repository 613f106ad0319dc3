"""The annotated video (``vbt analyze VIDEO --video OUT.mp4``): the source, re-read frame by frame, with
the bar path, the skeleton, a live velocity readout and each rep's velocities drawn on it.

The source is decoded again one frame at a time (``VideoFileSource``: the same frames and timestamps
as the analysis saw), each frame is drawn on by ``SetAnnotator`` (see ``vbt.report.overlay``) using the
track sample taken at the frame's time, and written straight out: memory stays bounded whatever the
length of the video.

Encoding: H.264 (plays on phones and in browsers) through the ffmpeg binary of ``imageio-ffmpeg`` when
that package is installed, else MPEG-4 part 2 (``mp4v``) through OpenCV, which every OpenCV build can
write but browsers do not play. The output runs at the source's nominal frame rate; frames of a
variable-rate source keep their order but not their exact spacing.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from vbt.analysis import SetAnalysis
from vbt.calibration import Calibration
from vbt.capture.sources import VideoFileSource
from vbt.errors import InputError, VideoError
from vbt.report.overlay import OverlaySettings, PixelTrackLike, SetAnnotator
from vbt.videoio import Codec, FrameWriter, h264_available, open_video_writer

__all__ = ["Codec", "OverlaySettings", "PixelTrackLike", "h264_available", "write_annotated_video"]


def _output_fps(source_fps: float, track_t_s: np.ndarray) -> float:
    if math.isfinite(source_fps) and source_fps > 0:
        return source_fps
    steps = np.diff(np.asarray(track_t_s, dtype=np.float64))
    steps = steps[np.isfinite(steps) & (steps > 0)]
    return float(1.0 / np.median(steps)) if steps.size else 30.0


def write_annotated_video(
    source_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    track: PixelTrackLike,
    analysis: SetAnalysis,
    calibration: Calibration | None = None,
    progress: bool = False,
    settings: OverlaySettings | None = None,
    codec: Codec = "auto",
) -> Path:
    """Write the annotated video of a set and return its path.

    Parameters:
        source_path: The video the set was analysed from.
        out_path: The MP4 to write (replaced if it exists; written under a temporary name first, so a failed
            run never leaves half a video under this name).
        track: The per-frame pixel positions (``t_s`` (N,), ``bar_xy_px`` (N, 2), ``joints_xy_px`` (N, 5, 2))
            on the source's clock, e.g. the capture pipeline's ``PixelTrack``; frames are matched to samples
            by time.
        analysis: The set's analysis (velocities and reps shown).
        calibration: Draws a scale bar when given.
        progress: Show a progress bar on stderr.
        settings: What is drawn and for how long (`OverlaySettings`).
        codec: "h264" (needs imageio-ffmpeg), "mp4v" (OpenCV), or "auto": H.264 when available.

    If the source stops decoding part-way (a damaged file), the video written so far is kept: it ends
    where the source's frames end.

    Raises:
        VideoError: The source cannot be opened, or the output cannot be encoded.
        InputError: The output's folder does not exist or cannot be written.
    """
    out = Path(out_path)
    if not out.parent.is_dir():
        raise InputError(f"cannot write {out}: the folder {out.parent} does not exist")
    partial = out.with_name(f"{out.stem}.partial{out.suffix or '.mp4'}")
    writer: FrameWriter | None = None
    try:
        with VideoFileSource(source_path) as source:
            size = source.size_px
            assert size is not None  # known once a file source is open
            annotator = SetAnnotator(
                track, analysis, size_px=size, calibration=calibration, settings=settings
            )
            writer = open_video_writer(
                partial, fps=_output_fps(source.fps, track.t_s), size_px=size, codec=codec
            )
            bar = tqdm(
                total=source.frame_count, unit="frame", desc="annotated video", disable=not progress,
                file=sys.stderr, leave=False,
            )  # fmt: skip
            with bar:
                for frame in source:
                    image = frame.image.copy()  # the source compares with the image it yielded
                    if image.shape[1::-1] != size:
                        image = np.asarray(cv2.resize(image, size), dtype=np.uint8)
                    try:
                        annotator.annotate(image, frame.t_s)
                    except cv2.error as exc:
                        raise VideoError(
                            f"drawing on frame {frame.index} of {source.name} failed: {exc}"
                        ) from None
                    writer.write(image)
                    bar.update(1)
        done, writer = writer, None
        done.close()
        partial.replace(out)
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}; check the folder is writable") from None
    finally:
        if writer is not None:
            with contextlib.suppress(VideoError):  # the error that got us here is the one to report
                writer.close()
        partial.unlink(missing_ok=True)
    return out
