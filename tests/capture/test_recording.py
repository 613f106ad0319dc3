"""``SetRecording``: the rows of a set's track as both paths fill it, lost frames included."""

from __future__ import annotations

import numpy as np

from tests.capture.test_pipeline import _Pose, _Tracker
from vbt.capture.bar import BarMethod
from vbt.capture.observer import observe
from vbt.capture.recording import LOST_FRAME, SetRecording
from vbt.types import Frame


def test_a_recording_keeps_every_frames_time_and_the_lost_ones_unseen() -> None:
    frames = [Frame(image=np.zeros((8, 8, 3), np.uint8), t_s=i / 30, index=i) for i in (0, 1, 3)]
    recording = SetRecording(bar_method=BarMethod.WRISTS, pose_ran=True)
    sightings = list(observe(frames, tracker=_Tracker(), pose=_Pose()))
    recording.add(sightings[0])
    recording.add(sightings[1])
    recording.lose(2 / 30)  # frame 2 was dropped by the capture
    recording.add(sightings[2])
    tracked = recording.tracked(name="cam", size_px=(8, 8), fps=float("nan"))
    track = tracked.track
    assert list(track.frame_index) == [0, 1, LOST_FRAME, 3]
    np.testing.assert_allclose(track.t_s, np.arange(4) / 30)
    assert list(track.bar_seen) == [True, True, False, True]
    assert recording.lost_frames == 1 and len(recording) == 4
    assert tracked.video["frames"] == 4 and tracked.video["fps"] is None
    assert tracked.video["duration_s"] == track.t_s[-1] - track.t_s[0]
    assert tracked.video["size_px"] == [8, 8]
