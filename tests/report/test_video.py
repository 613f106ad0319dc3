"""The annotated video: rendered clips with a known track, checked pixel by pixel."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from tests.report.clips import BACKGROUND_BGR, Track, analyse, render, synth_track
from vbt.calibration import Calibration
from vbt.capture.sources import VideoFileSource
from vbt.errors import InputError, VideoError
from vbt.report import style
from vbt.report.overlay import SetAnnotator
from vbt.report.video import h264_available, write_annotated_video
from vbt.synth import Sampling, generate_set
from vbt.types import Lift

FPS = 30.0
SIZE_PX = (320, 240)
METRES_PER_PX = 0.005
SPEED_PX_S = 80.0  # 0.4 m/s at 5 mm per pixel
SLIDE_Y_PX = 120.0
CALIBRATION = Calibration(
    metres_per_px=METRES_PER_PX, method="known_length", origin_xy_px=np.array([0.0, SIZE_PX[1]])
)
CODECS = [
    "mp4v",
    pytest.param("h264", marks=pytest.mark.skipif(not h264_available(), reason="no imageio-ffmpeg")),
]

Image = npt.NDArray[np.uint8]


def slide_x_px(t_s: float) -> float:
    return 40.0 + SPEED_PX_S * t_s


def slide_track(n_frames: int, *, first: int = 0) -> Track:
    """A disc sliding right at a constant 0.4 m/s, from frame ``first`` on; no joints."""
    t_s = np.arange(first, n_frames) / FPS
    bar = np.column_stack([slide_x_px(0.0) + SPEED_PX_S * t_s, np.full(t_s.size, SLIDE_Y_PX)])
    return Track(t_s=t_s, bar_xy_px=bar, joints_xy_px=np.full((t_s.size, 5, 2), np.nan))


def frames(path: Path) -> dict[int, tuple[float, Image]]:
    with VideoFileSource(path) as source:
        out = {f.index: (f.t_s, f.image) for f in source}
        assert source.error is None
    return out


def colour_at(image: Image, x: float, y: float) -> npt.NDArray[np.float64]:
    """Mean BGR of the 3 x 3 pixels around (x, y)."""
    xi, yi = round(x), round(y)
    return np.asarray(image[yi - 1 : yi + 2, xi - 1 : xi + 2].reshape(-1, 3).mean(axis=0), dtype=np.float64)


def near(colour: npt.NDArray[np.float64], expected: tuple[int, int, int], tolerance: float) -> bool:
    return bool(np.abs(colour - np.array(expected, np.float64)).max() <= tolerance)


@pytest.mark.parametrize("codec", CODECS)
def test_trail_has_the_colour_of_the_bar_speed(tmp_path: Path, codec: str) -> None:
    source = render(tmp_path / "slide.mp4", slide_track(90), size_px=SIZE_PX, fps=FPS)
    analysis = analyse(slide_track(90), CALIBRATION, lift=Lift.SQUAT)
    out = write_annotated_video(
        source, tmp_path / "out.mp4", track=slide_track(90), analysis=analysis,
        calibration=CALIBRATION, codec=codec,  # type: ignore[arg-type]
    )  # fmt: skip
    assert out == tmp_path / "out.mp4"
    assert not list(tmp_path.glob("*.partial*"))
    written = frames(out)
    assert len(written) == 90
    assert [round(t * FPS) for t, _ in written.values()] == list(range(90))
    trail = style.velocity_bgr(0.4)
    assert not near(
        np.array(style.velocity_bgr(1.0), np.float64), trail, 40
    )  # the test can tell speeds apart
    x = slide_x_px(1.5)  # where the bar was at 1.5 s
    after = colour_at(written[60][1], x, SLIDE_Y_PX)  # 2.0 s: the trail passes there
    before = colour_at(written[30][1], x, SLIDE_Y_PX)  # 1.0 s: the bar has not got there yet
    assert near(after, trail, 35), (after, trail)
    assert near(before, BACKGROUND_BGR, 12), before
    with VideoFileSource(out) as video:
        assert video.fps == pytest.approx(FPS, rel=1e-3)
        assert video.size_px == SIZE_PX


def test_frames_are_matched_to_the_track_by_time(tmp_path: Path) -> None:
    # The track starts one second into the video (as when the analysis skipped the first frames):
    # frame 45 (1.5 s) shows the bar path from 1.0 s to 1.5 s, not up to the track's 45th sample (2.5 s).
    source = render(tmp_path / "slide.mp4", slide_track(90), size_px=SIZE_PX, fps=FPS)
    late = slide_track(90, first=30)
    analysis = analyse(late, CALIBRATION, lift=Lift.SQUAT)
    out = write_annotated_video(source, tmp_path / "out.mp4", track=late, analysis=analysis, codec="mp4v")
    written = frames(out)
    trail = style.velocity_bgr(0.4)
    assert near(colour_at(written[45][1], slide_x_px(1.2), SLIDE_Y_PX), trail, 35)
    assert near(colour_at(written[45][1], slide_x_px(1.9), SLIDE_Y_PX), BACKGROUND_BGR, 12)
    assert near(colour_at(written[15][1], slide_x_px(0.3), SLIDE_Y_PX), BACKGROUND_BGR, 12)  # before it
    # the bar marker (white centre) sits where the bar is at 1.5 s, not where it is at 2.5 s
    assert near(colour_at(written[45][1], slide_x_px(1.5), SLIDE_Y_PX), (255, 255, 255), 60)
    assert near(colour_at(written[45][1], slide_x_px(2.5), SLIDE_Y_PX), BACKGROUND_BGR, 12)


def test_rep_banner_appears_when_the_rep_ends_and_not_before(tmp_path: Path) -> None:
    synth = generate_set(
        "squat", n_reps=2, seed=3, walkout=False, sampling=Sampling(fps=FPS, random_start=False)
    )
    calibration = Calibration(
        metres_per_px=1.9 / SIZE_PX[1], method="known_length", origin_xy_px=np.array([160.0, 228.0])
    )
    track = synth_track(synth, calibration, fps=FPS)
    source = render(tmp_path / "squat.mp4", track, size_px=SIZE_PX, fps=FPS, disc_px=20)
    analysis = analyse(track, calibration, lift=Lift.SQUAT)
    assert len(analysis.reps) == 2
    out = write_annotated_video(source, tmp_path / "out.mp4", track=track, analysis=analysis, codec="mp4v")
    annotator = SetAnnotator(track, analysis, size_px=SIZE_PX)
    original, written = frames(source), frames(out)
    assert len(written) == len(original) == track.t_s.size
    for rep in analysis.reps:
        x0, y0, x1, y1 = annotator.banner_box(rep)

        def change(index: int, box: tuple[int, int, int, int] = (x0, y0, x1, y1)) -> float:
            a, b = written[index][1], original[index][1]
            region = (slice(box[1], box[3]), slice(box[0], box[2]))
            return float(np.abs(a[region].astype(float) - b[region].astype(float)).mean())

        end = rep.end_s * FPS
        before = [k for k in written if end - 12 <= k < end]
        after = [k for k in written if end <= k < end + 12]
        assert before and after
        assert max(change(k) for k in before) < 5.0, f"a banner before rep {rep.index} ended"
        assert min(change(k) for k in after) > 25.0, f"no banner after rep {rep.index} ended"
        # its colour is the rep's zone colour
        zone_bgr = style.hex_to_bgr(style.rep_colour(rep.mean_velocity_m_s))
        image = written[after[-1]][1][y0 : y0 + 2, x0 + 4 : x1 - 4]
        assert near(image.reshape(-1, 3).mean(axis=0).astype(float), zone_bgr, 40)


def test_output_folder_must_exist_and_source_must_open(tmp_path: Path) -> None:
    track = slide_track(30)
    analysis = analyse(track, CALIBRATION, lift=Lift.SQUAT)
    source = render(tmp_path / "slide.mp4", track, size_px=SIZE_PX, fps=FPS)
    with pytest.raises(InputError, match="does not exist"):
        write_annotated_video(source, tmp_path / "nope" / "out.mp4", track=track, analysis=analysis)
    with pytest.raises(VideoError, match="no such file"):
        write_annotated_video(tmp_path / "missing.mp4", tmp_path / "out.mp4", track=track, analysis=analysis)
    (tmp_path / "junk.mp4").write_bytes(b"not a video at all")
    with pytest.raises(VideoError):
        write_annotated_video(tmp_path / "junk.mp4", tmp_path / "out.mp4", track=track, analysis=analysis)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.mp4", "slide.mp4"]


@pytest.mark.skipif(not h264_available(), reason="no imageio-ffmpeg")
def test_auto_codec_is_h264_when_available(tmp_path: Path) -> None:
    track = slide_track(20)
    analysis = analyse(track, CALIBRATION, lift=Lift.SQUAT)
    source = render(tmp_path / "slide.mp4", track, size_px=(321, 241), fps=FPS)  # odd sizes are padded
    out = write_annotated_video(source, tmp_path / "out.mp4", track=track, analysis=analysis)
    capture = cv2.VideoCapture(str(out))
    fourcc = int(capture.get(cv2.CAP_PROP_FOURCC))
    capture.release()
    assert fourcc.to_bytes(4, "little").decode().lower() in ("avc1", "h264")
    assert len(frames(out)) == 20
    assert math.isfinite(analysis.kinematics.t_s[-1])
