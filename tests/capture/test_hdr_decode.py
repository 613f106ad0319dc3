"""HDR phone files (HLG, BT.2020, 10-bit: iPhones' default) decoded fast (``vbt.capture.pyav_capture``).

Known answers: a rendered clip written again as 10-bit HLG/BT.2020 with each frame at the same time is
decoded through PyAV (not OpenCV's colour-managed conversion, ~160 ms a frame), its frames come at the
SDR clip's times with the SDR clip's grey levels, and the bar is tracked where it is in the SDR clip.
PyAV's decoder gives OpenCV's frames, times, rotation and counts on an SDR file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import av
import numpy as np
import pytest

from tests.capture.video_fixtures import ffmpeg, write_clip
from vbt.capture.bar import BarMethod
from vbt.capture.pipeline import TrackedVideo, make_tracker, track_video
from vbt.capture.pyav_capture import colour_tags, needs_pyav
from vbt.capture.reread import FileFrames
from vbt.capture.sources import VideoFileSource
from vbt.synth import generate_set
from vbt.synth.render import RenderInfo, render_set

BT2020, HLG, PQ, BT709, DISPLAY_P3 = 9, 18, 16, 1, 12  # ITU-T H.273 codes


@pytest.fixture(scope="module")
def sdr_and_hlg(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderInfo, Path]:
    """A rendered squat (SDR, BT.601 as rendered) and the same frames in a 10-bit HLG/BT.2020 file."""
    folder = tmp_path_factory.mktemp("hdr")
    synth = generate_set("squat", n_reps=1, seed=5, load_kg=100.0)
    info = render_set(  # the rep (its rise at 7.4-8.0 s) and the seconds around it
        synth,
        folder / "sdr.mp4",
        size_px=(480, 272),
        fps=30.0,
        seed=5,
        compression_quality=90,
        span_s=(5.5, 9.5),
    )
    hlg = folder / "hlg.mp4"
    with av.open(str(info.path)) as source, av.open(str(hlg), "w") as target:
        stream = target.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 480, 272, "yuv420p10le"
        stream.time_base = source.streams.video[0].time_base
        codec = stream.codec_context
        codec.color_primaries, codec.color_trc, codec.colorspace, codec.color_range = BT2020, HLG, BT2020, 1
        stream.options = {"crf": "12"}
        for frame in source.decode(video=0):
            # the SDR picture's R'G'B' as the HLG signal (what HLG shown as SDR gives back), coded with
            # BT.2020's matrix, limited range
            image = frame.to_ndarray(format="bgr24")
            coded = av.VideoFrame.from_ndarray(image, format="bgr24").reformat(
                format="yuv420p10le", dst_colorspace="BT2020", dst_color_range="MPEG"
            )
            coded.pts, coded.time_base = frame.pts, frame.time_base
            for packet in stream.encode(coded):
                target.mux(packet)
        for packet in stream.encode(None):
            target.mux(packet)
    return info, hlg


def _track(source: VideoFileSource) -> TrackedVideo:
    return track_video(source, tracker=make_tracker("plate"), bar_method=BarMethod.PLATE)


def test_an_hlg_file_is_decoded_fast_at_the_sdr_clips_times_with_its_grey_levels_and_bar(
    sdr_and_hlg: tuple[RenderInfo, Path],
) -> None:
    info, hlg = sdr_and_hlg
    with av.open(str(hlg)) as container:
        codec = container.streams.video[0].codec_context
        assert (codec.pix_fmt, codec.color_trc, codec.color_primaries) == ("yuv420p10le", HLG, BT2020)
    with VideoFileSource(info.path) as sdr_source, VideoFileSource(hlg) as hlg_source:
        assert (sdr_source.decoder, hlg_source.decoder) == ("opencv", "pyav")
        sdr_frames, hlg_frames = list(sdr_source), list(hlg_source)
        assert hlg_source.error is None
    assert [f.t_s for f in hlg_frames] == [f.t_s for f in sdr_frames]  # each frame's own time, exactly
    assert [f.index for f in hlg_frames] == [f.index for f in sdr_frames]
    for sdr, hdr in zip(sdr_frames[::10], hlg_frames[::10], strict=False):
        # the grey levels the tracker thresholds: no shift beyond rounding between 8 and 10 bits (1.2
        # levels of 255 measured; OpenCV's tone mapping brightens by ~25), and the second encode's noise
        grey = hdr.image.mean(axis=2) - sdr.image.mean(axis=2)
        assert abs(float(np.mean(grey))) < 2.0 and float(np.mean(np.abs(grey))) < 2.5, float(np.mean(grey))
    with VideoFileSource(info.path) as sdr_source, VideoFileSource(hlg) as hlg_source:
        sdr_track, hlg_track = _track(sdr_source).track, _track(hlg_source).track
    np.testing.assert_array_equal(hlg_track.t_s, sdr_track.t_s)
    seen = np.isfinite(sdr_track.bar_xy_px[:, 0]) & np.isfinite(hlg_track.bar_xy_px[:, 0])
    assert seen.mean() > 0.9
    off_px = np.linalg.norm(hlg_track.bar_xy_px[seen] - sdr_track.bar_xy_px[seen], axis=1)
    assert float(np.median(off_px)) < 0.5 and float(np.percentile(off_px, 95)) < 1.5
    truth_px = info.plate_xy_px[: len(hlg_track.t_s)][seen]
    assert float(np.median(np.linalg.norm(hlg_track.bar_xy_px[seen] - truth_px, axis=1))) < 2.0


def test_an_hlg_file_read_again_gives_the_first_passs_frames(sdr_and_hlg: tuple[RenderInfo, Path]) -> None:
    _, hlg = sdr_and_hlg
    with VideoFileSource(hlg) as source:
        first = {f.index: f for f in source}
        with FileFrames(source) as again:
            for index in sorted(first)[5::7]:
                frame = again.frame(index)
                assert frame.t_s == first[index].t_s
                np.testing.assert_array_equal(frame.image, first[index].image)
            assert again.reads == 1


def test_pyavs_decoder_gives_opencvs_frames_times_rotation_and_counts(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "plain.mp4", 12, 30.0)
    rotated = tmp_path / "rotated.mp4"
    ffmpeg("-display_rotation", "90", "-i", str(clip), "-c", "copy", str(rotated))
    cut = tmp_path / "cut.mp4"  # an edit list trims the frames before 0.2 s from the key frame
    ffmpeg("-ss", "0.2", "-i", str(clip), "-c", "copy", str(cut))
    for path in (clip, rotated, cut):
        with VideoFileSource(path) as cv_source, VideoFileSource(path, decoder="pyav") as av_source:
            assert (cv_source.decoder, av_source.decoder) == ("opencv", "pyav")
            cv_frames, av_frames = list(cv_source), list(av_source)
            assert av_source.rotation_deg == cv_source.rotation_deg
            assert (av_source.fps, av_source.frame_count) == (cv_source.fps, cv_source.frame_count)
            assert av_source.error is None and cv_source.error is None
        assert [(f.index, f.t_s) for f in av_frames] == [(f.index, f.t_s) for f in cv_frames]
        for a, b in zip(av_frames, cv_frames, strict=True):
            np.testing.assert_array_equal(a.image, b.image)
    assert len(av_frames) < 12  # the cut's pre-roll is skipped, and not taken for truncation


def test_pyavs_decoder_reports_a_truncated_file_as_opencvs_does(tmp_path: Path) -> None:
    whole = tmp_path / "whole.mp4"  # the index first, so that a cut file still opens
    ffmpeg(
        "-i",
        str(write_clip(tmp_path / "plain.mp4", 40, 30.0)),
        "-c",
        "copy",
        "-movflags",
        "+faststart",
        str(whole),
    )
    cut = tmp_path / "cut.mp4"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) * 6 // 10])
    with VideoFileSource(cut) as cv_source, VideoFileSource(cut, decoder="pyav") as av_source:
        cv_count, av_count = len(list(cv_source)), len(list(av_source))
        assert cv_source.error is not None and av_source.error is not None
        assert str(av_source.error) == str(cv_source.error)  # "stops after N of the 40 frames ..."
    assert 0 < av_count == cv_count < 40


@pytest.mark.parametrize(
    ("primaries", "transfer", "pyav"),
    [
        (BT2020, HLG, True),  # iPhone HDR
        (BT709, HLG, True),
        (DISPLAY_P3, BT709, True),  # wide gamut SDR
        (BT2020, 14, True),  # BT.2020 SDR (10-bit transfer)
        (BT2020, PQ, False),  # HDR10: only OpenCV's conversion tone-maps it
        (BT709, BT709, False),
        (2, 2, False),  # untagged
        (6, 6, False),  # BT.601 525 lines
    ],
)
def test_the_decoder_is_chosen_by_the_framescolour_tags(primaries: int, transfer: int, pyav: bool) -> None:
    assert needs_pyav(primaries, transfer) is pyav


class _Stream:
    """A stand-in PyAV stream: codec parameters with these tags, first frames with those."""

    def __init__(self, codec: tuple[int, int], frames: list[tuple[int, int]]) -> None:
        self.codec_context = SimpleNamespace(color_primaries=codec[0], color_trc=codec[1])
        self.decoded = 0
        frames_made = [SimpleNamespace(color_primaries=p, color_trc=t) for p, t in frames]

        def decode(stream: object) -> Iterator[SimpleNamespace]:
            for frame in frames_made:
                self.decoded += 1
                yield frame

        self.container = SimpleNamespace(decode=decode)


def test_thecolour_tags_come_from_the_streams_parameters_without_decoding_a_frame() -> None:
    tagged = _Stream((BT2020, HLG), [(BT2020, HLG)])
    assert colour_tags(tagged) == (BT2020, HLG) and tagged.decoded == 0
    untagged = _Stream((2, 2), [(BT709, HLG), (BT709, BT709)])  # only the frames say: the first one's
    assert colour_tags(untagged) == (BT709, HLG) and untagged.decoded == 1
    assert colour_tags(_Stream((2, 2), [])) is None  # no frame: nothing to decide from
