"""The pieces of ``vbt live`` on their own: the disk outbox, the recorder's timestamps, the screen, the
paced file source, the analysis thread."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from vbt.analysis import analyze_trajectory
from vbt.capture.sources import VideoFileSource
from vbt.live.analyst import Analyst
from vbt.live.client import ServiceRefusedError, ServiceUnavailableError
from vbt.live.events import RepEventKind, shown_reps
from vbt.live.outbox import Outbox
from vbt.live.paced import PacedFileSource
from vbt.live.recorder import VideoRecorder
from vbt.live.screen import LiveScreen, ScreenState
from vbt.synth import generate_set
from vbt.types import Frame, Lift

REPO = Path(__file__).resolve().parents[2]


class FakeService:
    """Answers like the service, after refusing to be reached ``down_calls`` times."""

    def __init__(self, down_calls: int = 0) -> None:
        self.down_calls = down_calls
        self.calls: list[tuple[str, Any]] = []
        self.reps: dict[tuple[int, str], dict[str, Any]] = {}
        self.sets = 0
        self.lock = threading.Lock()

    def _maybe_down(self) -> None:
        with self.lock:
            if self.down_calls > 0:
                self.down_calls -= 1
                raise ServiceUnavailableError("cannot reach the vbt service (test)")

    def create_athlete(self, name: str, *, body_mass_kg: float | None = None) -> dict[str, Any]:
        return {"id": 1}

    def create_session(self, athlete_id: int, *, notes: str | None = None) -> dict[str, Any]:
        self._maybe_down()
        self.calls.append(("session", athlete_id))
        return {"id": 7}

    def create_set(self, session_id: int, *, exercise: str, load_kg: float) -> dict[str, Any]:
        self._maybe_down()
        self.sets += 1
        self.calls.append(("set", session_id))
        return {"id": self.sets}

    def post_rep(self, set_id: int, body: dict[str, Any]) -> dict[str, Any]:
        self._maybe_down()
        self.calls.append(("rep", body["client_rep_id"], body["provisional"]))
        self.reps[(set_id, body["client_rep_id"])] = body
        return body

    def delete_rep(self, set_id: int, client_rep_id: str) -> None:
        self._maybe_down()
        self.calls.append(("delete", client_rep_id))
        if (set_id, client_rep_id) not in self.reps:
            raise ServiceRefusedError("no such rep", status_code=404, detail="no such rep")
        del self.reps[(set_id, client_rep_id)]


def _rep(rep_id: str, value: float, *, provisional: bool) -> dict[str, Any]:
    return {"client_rep_id": rep_id, "mean_velocity_m_s": value, "provisional": provisional}


def test_the_outbox_keeps_order_across_an_outage_and_sends_only_the_latest_of_each_rep(
    tmp_path: Path,
) -> None:
    service = FakeService(down_calls=3)
    outbox = Outbox(tmp_path, service, athlete_id=1, retry_s=0.01)
    outbox.create_set("s1", exercise="squat", load_kg=100.0)
    outbox.post_rep("s1", _rep("r1", 0.50, provisional=True))
    outbox.post_rep("s1", _rep("r1", 0.52, provisional=False))
    outbox.post_rep("s1", _rep("r2", 0.40, provisional=True))
    outbox.delete_rep("s1", "r2")
    assert outbox.close(timeout_s=10.0) == 0
    assert service.calls[:2] == [("session", 1), ("set", 7)]
    assert service.reps == {(1, "r1"): _rep("r1", 0.52, provisional=False)}
    # r1's provisional post was superseded before the service came back; r2's delete may come
    # after its post or alone (a 404 is fine), never before it.
    sent = [c for c in service.calls if c[0] in ("rep", "delete")]
    assert ("rep", "r1", False) in sent and ("rep", "r1", True) not in sent
    assert sent[-1] == ("delete", "r2")
    assert outbox.problems and "cannot reach" in outbox.problems[0]


def test_the_outbox_resumes_from_its_journal_after_a_restart_and_never_resends(tmp_path: Path) -> None:
    down = FakeService(down_calls=10**6)
    first = Outbox(tmp_path, down, athlete_id=1, retry_s=0.01)
    first.create_set("s1", exercise="bench", load_kg=60.0)
    first.post_rep("s1", _rep("r1", 0.8, provisional=False))
    assert first.close(timeout_s=0.2) == 2
    lines = (tmp_path / "outbox.jsonl").read_text().splitlines()
    assert [json.loads(line)["op"] for line in lines] == ["set", "rep"]
    up = FakeService()
    assert Outbox(tmp_path, up, athlete_id=1).close(timeout_s=5.0) == 0
    assert up.reps == {(1, "r1"): _rep("r1", 0.8, provisional=False)}
    again = FakeService()
    assert Outbox(tmp_path, again, athlete_id=1).close(timeout_s=1.0) == 0
    assert again.calls == []


def test_the_outbox_puts_the_journal_on_disk_before_sending_never_on_the_callers_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[tuple[str, int]] = []  # (thread, journal lines on disk)
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        lines = len((tmp_path / "outbox.jsonl").read_text().splitlines())
        synced.append((threading.current_thread().name, lines))

    monkeypatch.setattr(os, "fsync", fsync)

    class Checking(FakeService):
        def post_rep(self, set_id: int, body: dict[str, Any]) -> dict[str, Any]:
            assert synced and synced[-1][1] >= 2  # the set's line and this rep's, on disk
            return super().post_rep(set_id, body)

    service = Checking()
    outbox = Outbox(tmp_path, service, session_id=3)
    outbox.create_set("s1", exercise="squat", load_kg=100.0)
    outbox.post_rep("s1", _rep("r1", 0.5, provisional=True))
    assert outbox.close(timeout_s=5.0) == 0
    assert service.reps == {(1, "r1"): _rep("r1", 0.5, provisional=True)}
    assert synced and {name for name, _ in synced} == {"vbt-live-outbox"}


def test_a_refused_rep_is_reported_and_skipped_not_retried_forever(tmp_path: Path) -> None:
    class Refusing(FakeService):
        def post_rep(self, set_id: int, body: dict[str, Any]) -> dict[str, Any]:
            raise ServiceRefusedError("409 conflict", status_code=409, detail="taken")

    service = Refusing()
    outbox = Outbox(tmp_path, service, session_id=3)
    outbox.create_set("s1", exercise="squat", load_kg=100.0)
    outbox.post_rep("s1", _rep("r1", 0.5, provisional=False))
    outbox.post_rep("s1", _rep("r2", 0.5, provisional=False))
    assert outbox.close(timeout_s=5.0) == 0
    assert outbox.refused == 2 and "409" in outbox.problems[-1]


def test_the_recording_keeps_each_frames_own_time(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    times = np.cumsum(rng.choice([1 / 30, 2 / 30, 0.045], size=60))  # drops and jitter
    recorder = VideoRecorder(tmp_path / "set.mp4")
    for i, t in enumerate(times):
        image = np.full((240, 320, 3), (i * 4) % 255, np.uint8)
        recorder.write(Frame(image=image, t_s=50.0 + float(t), index=i), block=True)
    recorder.close()
    assert (recorder.written_frames, recorder.skipped_frames) == (60, 0)
    with VideoFileSource(tmp_path / "set.mp4") as source:
        read = np.array([f.t_s for f in source])
    assert read - read[0] == pytest.approx(times - times[0], abs=1e-3)


def test_the_trail_is_not_drawn_across_frames_where_the_bar_was_not_seen() -> None:
    screen = LiveScreen(Lift.SQUAT)
    for i, x in enumerate(range(100, 560, 20)):  # a level trail at y = 300, x 100..540
        seen = not 260 <= x <= 400  # the bar unseen from x 260 to 400
        screen.add_bar(i / 30, np.array([x, 300.0]) if seen else np.array([np.nan, np.nan]))
    image = screen.draw(np.zeros((360, 640, 3), np.uint8), ScreenState(status=""))
    row = image[290:311].any(axis=(0, 2))
    assert row[110:230].all() and row[430:530].all()  # drawn where it was seen
    assert not row[270:390].any()  # nothing joins the last point before the gap to the first after


def test_the_screen_shows_the_last_rep_in_its_zone_colour_and_the_stop_banner() -> None:
    synth = generate_set(Lift.SQUAT, n_reps=2, seed=0)
    analysis = analyze_trajectory(synth.trajectory, lift=Lift.SQUAT)
    screen = LiveScreen(Lift.SQUAT)
    for t in np.linspace(0, 1, 20):
        screen.add_bar(float(t), np.array([300 + 50 * t, 200 - 100 * t]))
    blank = np.zeros((360, 640, 3), np.uint8)
    waiting = screen.draw(blank.copy(), ScreenState(status="looking for the plate…"))
    assert waiting[:30, :200].any() and not waiting[:, 400:].any()  # status top left, trail, nothing else
    shown = screen.draw(
        blank.copy(),
        ScreenState(status="set 1", reps=tuple(analysis.reps), provisional=(False, False)),
    )
    assert shown[:, 400:].any()  # the rep box, top right
    stop = screen.draw(
        blank.copy(), ScreenState(status="set 1", reps=tuple(analysis.reps), stop=True, stop_reason="x")
    )
    bottom = stop[-40:, :, :]
    assert (
        np.abs(bottom.astype(int) - np.array([12, 89, 232])).sum(axis=2) < 10
    ).mean() > 0.3  # orange banner
    assert screen.zone_name(analysis.reps[0]) != ""


def test_the_screen_gives_a_peak_its_standard_deviation_and_a_mean_none() -> None:
    synth = generate_set(Lift.SQUAT, n_reps=1, seed=0)
    rep = analyze_trajectory(synth.trajectory, lift=Lift.SQUAT).reps[0]
    noisy = dataclasses.replace(rep, peak_velocity_m_s=2.65, peak_velocity_sd_m_s=0.07)
    lines = LiveScreen(Lift.POWER_CLEAN).details(noisy, 12.0, provisional=False)
    assert (lines[0], lines[-1]) == ("peak m/s ± 0.07", "loss 12 %")
    unknown = dataclasses.replace(noisy, peak_velocity_sd_m_s=float("nan"))
    assert LiveScreen(Lift.POWER_CLEAN).details(unknown, float("nan"), provisional=True)[0] == (
        "peak m/s  (measuring…)"
    )
    # a squat is shown by its mean: the peak's noise is not the number on the screen
    assert LiveScreen(Lift.SQUAT).details(noisy, float("nan"), provisional=False)[0] == "mean m/s"


def test_a_paced_file_comes_at_its_own_speed_with_its_own_times(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 20.0, (64, 48))
    for i in range(10):
        writer.write(np.full((48, 64, 3), i * 20, np.uint8))
    writer.release()
    start = time.perf_counter()
    arrivals, stamps = [], []
    with PacedFileSource(path) as source:
        for frame in source:
            arrivals.append(time.perf_counter() - start)
            stamps.append(frame.t_s)
    assert stamps == pytest.approx([i / 20 for i in range(10)], abs=1e-3)
    assert all(a >= s - stamps[0] - 0.005 for a, s in zip(arrivals, stamps, strict=True))  # never early


def test_the_analyst_thread_gives_the_same_final_reps_as_the_offline_analysis() -> None:
    synth = generate_set(Lift.BENCH, n_reps=3, seed=1)
    trajectory = synth.trajectory
    analyst = Analyst(lift=Lift.BENCH, load_kg=None)
    events = []
    for i in range(len(trajectory)):
        analyst.add(float(trajectory.t_s[i]), trajectory.bar_xy_m[i], trajectory.joints_xy_m[i])
        events += analyst.events()
    events += analyst.finish()
    offline = analyze_trajectory(trajectory, lift=Lift.BENCH)
    finals = [e.rep for e in events if e.kind is RepEventKind.FINAL]
    assert [r.mean_velocity_m_s for r in finals] == pytest.approx(
        [r.mean_velocity_m_s for r in offline.reps], abs=1e-9
    )
    assert [event.rep for event, provisional in shown_reps(events)] == finals


def test_the_arrival_clock_spreads_bursts_back_to_the_cameras_rhythm() -> None:
    from vbt.live.clock import ArrivalClock

    rng = np.random.default_rng(1)
    taken = np.arange(600) / 30.0
    arrived = taken + 0.005 + rng.exponential(0.01, taken.size)
    for start in (100, 300, 450):  # the reader stalls 0.3 s, then reads 9 frames at once
        arrived[start : start + 9] = taken[start + 9] + 0.001 * np.arange(9)
    arrived = np.maximum.accumulate(arrived)
    clock = ArrivalClock()
    placed = [(a, clock.correct(i, a), t) for i, (a, t) in enumerate(zip(arrived, taken, strict=True))]
    arrived, corrected, taken = (np.array([p[j] for p in placed if p[1] is not None]) for j in range(3))
    assert np.all(corrected <= arrived + 1e-3) and np.all(np.diff(corrected) > 0)
    raw_error = np.abs(arrived - taken - np.median(arrived - taken))
    error = np.abs(corrected - taken - np.median(corrected - taken))
    assert raw_error.max() > 0.25  # the bursts
    assert np.percentile(error[30:], 95) < 0.01 and error[30:].max() < 0.02


def test_a_live_loop_that_keeps_up_finishes_each_frame_before_the_next_arrives(tmp_path: Path) -> None:
    """Overlapping pose with the tracker costs one frame of delay; the live loop pays it only when
    frames are waiting. A paced 20 fps clip with quick stand-in pose and tracker: every frame is
    tracked before the next one is handed out."""
    from tests.capture.test_pipeline_overlap import _Pose, _Tracker
    from vbt.capture.bar import BarTracker
    from vbt.live.runner import LiveOptions, LiveRun

    path = tmp_path / "clip.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 20.0, (64, 48))
    for i in range(12):
        writer.write(np.full((48, 64, 3), i * 20, np.uint8))
    writer.release()
    handed_out: list[int] = []
    tracked_when: list[int] = []  # frames handed out when each frame was tracked

    class Counting(PacedFileSource):
        def __iter__(self) -> Any:
            for frame in super().__iter__():
                handed_out.append(frame.index)
                yield frame

    tracker = _Tracker(on_update=lambda frame: tracked_when.append(len(handed_out)))
    bar_tracker: BarTracker = tracker  # type: ignore[assignment]
    run = LiveRun(
        lambda: Counting(path),
        LiveOptions(lift=Lift.SQUAT, out_dir=tmp_path / "out", record=False, reconnect_s=0.1),
        tracker=bar_tracker,
        pose=_Pose(),
        console=io.StringIO(),
    )
    run.run()
    assert tracker.indices == list(range(12))
    # Frame i is tracked while i + 1 frames have been handed out (a stall of the test machine may
    # let one more in: then that frame waited and overlapping was right).
    on_time = sum(1 for i, n in enumerate(tracked_when) if n == i + 1)
    assert on_time >= 10, tracked_when


def test_the_browser_view_starts_once_the_session_exists() -> None:
    """The service was down at start: frames are not sent (nor queued) until the pusher can be made,
    then they go through it, and the user is told the view's address once."""
    from vbt.live.sinks import DeferredPushSink

    class Pusher:
        def __init__(self) -> None:
            self.frames: list[bytes] = []
            self.closed = False

        def push(self, jpeg: bytes) -> None:
            self.frames.append(jpeg)

        def close(self) -> None:
            self.closed = True

    pusher = Pusher()
    session: list[int] = []
    ready: list[Any] = []
    sink = DeferredPushSink(lambda: pusher if session else None, on_ready=ready.append, retry_s=0.0)
    image = np.full((90, 160, 3), 128, np.uint8)
    for t in range(3):
        sink.show(image, float(t))
    assert pusher.frames == [] and ready == []
    session.append(7)  # the outbox created the session: the service answered
    for t in range(3, 6):
        sink.show(image, float(t))
    assert len(pusher.frames) == 3 and all(f.startswith(b"\xff\xd8") for f in pusher.frames)  # JPEGs
    assert ready == [pusher]
    sink.close()
    assert pusher.closed
