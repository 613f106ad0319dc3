"""Shedding resolution: JPEGs decoded at half size, tracked and posed in the full frame's pixels
(known answers: a drawn disc whose centre and radius are known, a stream switched to half size)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from tests.capture.test_pipeline import _Pose
from tests.capture.video_fixtures import numbered_image
from tests.live.test_live_degrade import _PacedJpegSource
from vbt.capture.bar import BarDetection, BarMethod, PlateSettings, PlateTracker, SearchSettings
from vbt.capture.mjpeg import serve_mjpeg
from vbt.errors import InputError
from vbt.live.jpeg_stream import JpegFrame, JpegStreamSource, open_stream
from vbt.live.resolution import FullFramePose, FullFrameTracker, decode_jpeg, full_size, reduced_tracker_for
from vbt.live.runner import LiveOptions, LiveRun
from vbt.live.shedding import Shed
from vbt.types import Frame, Lift


def _jpeg(image: np.ndarray) -> bytes:
    return bytes(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes())


def test_a_jpeg_decoded_at_half_size_is_the_picture_at_half_size() -> None:
    image = np.zeros((360, 640, 3), np.uint8)
    cv2.circle(image, (300, 180), 80, (200, 200, 200), -1)
    jpeg = _jpeg(image)
    half = decode_jpeg(jpeg, reduction=2)
    assert half is not None and half.shape == (180, 320, 3)
    area = cv2.resize(image, (320, 180), interpolation=cv2.INTER_AREA)
    assert np.abs(half.astype(int) - area.astype(int)).mean() < 2.0  # gray levels: the same picture
    assert decode_jpeg(b"not a jpeg", reduction=2) is None
    np.testing.assert_array_equal(full_size(half, 1), half)
    assert full_size(half, 2).shape == image.shape


class _Seen:
    """A tracker that reports the frame's bright square's corner and a radius of 10 px, and the hands
    it was given."""

    method = BarMethod.PLATE

    def __init__(self) -> None:
        self.hands: list[Any] = []
        self.resets = 0

    def update(self, frame: Frame, *, hands_xy_px: Any = None) -> BarDetection:
        self.hands.append(hands_xy_px)
        ys, xs = np.nonzero(frame.image[:, :, 1] > 200)
        xy = np.array([xs.min(), ys.min()], dtype=float)
        return BarDetection(
            t_s=frame.t_s,
            xy_px=xy,
            confidence=0.9,
            method=self.method,
            radius_px=10.0,
            ellipse_axes_px=np.full(2, 10.0),
        )

    def reset(self) -> None:
        self.resets += 1


def _square_frame(i: int, reduction: int) -> JpegFrame:
    image = np.zeros((80, 120, 3), np.uint8)
    image[40:60, 60:80] = 255  # its corner at (60, 40) in the full frame's pixels
    return JpegFrame(image=image[::reduction, ::reduction].copy(), t_s=i / 30, index=i, reduction=reduction)


def test_the_tracker_of_half_size_frames_reports_in_the_full_frames_pixels() -> None:
    full, half = _Seen(), _Seen()
    tracker = FullFrameTracker(full, half)
    hands = np.array([[20.0, 40.0], [30.0, 50.0]])
    found = [tracker.update(_square_frame(i, r), hands_xy_px=hands) for i, r in enumerate([1, 2, 2, 1, 2])]
    for detection in found:  # the same place and size, whatever the frame's size
        np.testing.assert_array_equal(detection.xy_px, [60.0, 40.0])
    assert [d.radius_px for d in found] == [10.0, 20.0, 20.0, 10.0, 20.0]  # the half frames' 10 px: 20
    np.testing.assert_array_equal(found[1].ellipse_axes_px, [20.0, 20.0])
    np.testing.assert_array_equal(half.hands[0], hands / 2)  # the hands in the half frame's pixels
    np.testing.assert_array_equal(full.hands[0], hands)
    # each change of size starts the other tracker afresh (its memory is in other pixels)
    assert tracker.handovers == 3 and (full.resets, half.resets) == (1, 2)
    assert tracker.reduced_frames == 3
    with pytest.raises(InputError, match="reduced tracker"):
        FullFrameTracker(_Seen()).update(_square_frame(9, 2))


def test_pose_on_a_half_size_frame_is_reported_in_the_full_frames_pixels() -> None:
    pose = FullFramePose(_Pose())
    frame = _square_frame(0, 2)
    result = pose.detect_prepared(frame, pose.prepare(frame))
    np.testing.assert_array_equal(result.wrists_xy_px, [[20.0, 40.0], [60.0, 80.0]])
    np.testing.assert_array_equal(result.joints_xy_px, np.full_like(result.joints_xy_px, 14.0))
    joints, _ = pose.estimate(_square_frame(1, 1))
    np.testing.assert_array_equal(joints, np.full_like(joints, 7.0))  # full size: as it was


def test_a_plate_tracker_for_half_size_frames_halves_a_known_radius_range() -> None:
    settings = PlateSettings(search=SearchSettings(radius_range_px=(40.0, 90.0)))
    reduced = reduced_tracker_for(PlateTracker(settings))
    assert isinstance(reduced, PlateTracker)
    assert reduced.settings.search.radius_range_px == (20.0, 45.0)
    assert reduced_tracker_for(_Seen()) is None  # not a plate tracker: left at full size


def test_a_plate_tracked_at_half_size_is_where_it_is_at_full_size() -> None:
    """A disc of radius 60 px moving 3 px a frame, drawn in 640x360 frames: tracked on the frames
    decoded at half size, its centre within 1 px (full frame) of the truth and its radius 60 +- 2 px."""
    tracker = FullFrameTracker(PlateTracker(), reduced_tracker_for(PlateTracker()))
    errors, radii = [], []
    for i in range(20):
        image = np.full((360, 640, 3), 60, np.uint8)
        centre = (320.0, 120.0 + 3 * i)
        cv2.circle(image, (320, int(centre[1])), 60, (220, 220, 220), -1, lineType=cv2.LINE_AA)
        cv2.circle(image, (320, int(centre[1])), 12, (90, 90, 90), -1, lineType=cv2.LINE_AA)  # the hub
        half = decode_jpeg(_jpeg(image), reduction=2)
        assert half is not None
        found = tracker.update(JpegFrame(image=half, t_s=i / 30, index=i, reduction=2))
        if found.detected:
            errors.append(math.dist(found.xy_px, centre))
            radii.append(found.radius_px)
    assert len(errors) >= 18
    assert max(errors) < 1.0 and all(abs(r - 60) < 2.0 for r in radii)


def test_a_stream_asked_for_half_size_sends_its_next_pictures_at_half_size() -> None:
    clip = [Frame(image=numbered_image(i), t_s=i / 30.0, index=i) for i in range(10)]
    with serve_mjpeg(clip, realtime=True) as url:
        source = open_stream(url)
        assert isinstance(source, JpegStreamSource)
        frames = []
        for frame in source:
            assert isinstance(frame, JpegFrame)
            frames.append(frame)
            source.reduction = 2 if len(frames) >= 4 else 1
    full_shape = frames[0].image.shape
    assert [f.reduction for f in frames] == [1] * 4 + [2] * (len(frames) - 4)
    for frame in frames[4:]:
        assert frame.image.shape == (full_shape[0] // 2, full_shape[1] // 2, 3)
        assert frame.jpeg[:2] == b"\xff\xd8"  # the JPEG kept whole for the recording
    assert source.size_px == (full_shape[1], full_shape[0])


def test_half_size_comes_back_to_full_size_only_below_the_setting(tmp_path: Path) -> None:
    run = LiveRun(
        lambda: _PacedJpegSource(np.zeros(0)),
        LiveOptions(lift=Lift.SQUAT, out_dir=tmp_path),
        tracker=PlateTracker(),
    )
    source = _PacedJpegSource(np.zeros(0))  # a stream of JPEGs that can be asked for a size
    levels = [
        Shed.POSE_SPARSE,
        Shed.RESOLUTION,
        Shed.POSE_RARE,
        Shed.RESOLUTION,
        Shed.POSE_SPARSE,
        Shed.RECORDING,
    ]
    sizes = []
    for level in levels:
        run._reduce(source, level)
        sizes.append(source.reduction)
    assert sizes == [1, 2, 2, 2, 2, 1]  # POSE_SPARSE keeps the half size: no switch at every step
    plain = LiveRun(
        lambda: _PacedJpegSource(np.zeros(0)), LiveOptions(lift=Lift.SQUAT, out_dir=tmp_path), tracker=_Seen()
    )
    plain._reduce(source, Shed.POSE_RARE)  # no tracker for half-size frames: the size is left alone
    assert source.reduction == 1
