"""``vbt live`` end to end without a camera: a rendered clip served as a real-time MJPEG stream (what a
phone IP-camera app does) and a file paced at real time, against a real ``vbt serve``.

Known answers: the rendered clip's truth (three squats, 0.49 / 0.47 / 0.45 m/s) and ``vbt analyze`` of
the set's own recording. Tracking here runs without pose (the clip has no person), so the tests do
not need the model bundles.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from vbt.capture.mjpeg import serve_mjpeg
from vbt.capture.pipeline import analyze_video, make_tracker
from vbt.capture.sources import StreamSource
from vbt.cli import main
from vbt.live.events import RepEventKind
from vbt.live.runner import LiveOptions, LiveRun
from vbt.quality.lost import LOST_MESSAGE, lost_frames_in
from vbt.types import Lift, RepStatus

REPO = Path(__file__).resolve().parents[2]
CLIP = REPO / "sample_videos" / "squat_100kg_3reps.mp4"
TRUTH = json.loads((REPO / "sample_videos" / "squat_100kg_3reps.truth.json").read_text())
TRUE_MEAN_M_S = [rep["mean_velocity_m_s"] for rep in TRUTH["reps"]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(base_url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/api/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"vbt serve did not come up at {base_url}")


def _serve(port: int, folder: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "VBT_DATA_DIR": str(folder)}
    command = [sys.executable, "-m", "vbt.cli", "serve", "--port", str(port), "--db", str(folder / "vbt.db")]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def vbt_serve(tmp_path: Path) -> Iterator[str]:
    """A real ``vbt serve`` in its own process on a free loopback port."""
    port = _free_port()
    process = _serve(port, tmp_path)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_up(base_url)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _run(open_source: object, out: Path, **options: object) -> LiveRun:
    run = LiveRun(
        open_source,  # type: ignore[arg-type]
        LiveOptions(lift=Lift.SQUAT, out_dir=out, load_kg=100.0, end_still_s=3.0, **options),  # type: ignore[arg-type]
        tracker=make_tracker("plate"),
        console=io.StringIO(),
    )
    run.run()
    return run


def test_live_on_a_real_time_stream_measures_every_rep_like_analyze_of_its_recording(tmp_path: Path) -> None:
    with serve_mjpeg(CLIP) as url:
        run = _run(lambda: StreamSource(url), tmp_path, reconnect_s=0.5)
    assert len(run.sets) == 1
    saved = run.sets[0]
    assert set(saved.files) == {"video", "track", "report"}
    live_reps = saved.reps
    # Every rep, whatever else the machine runs. A loaded machine may lose frames in a rep: that rep
    # is suspect and says so (its velocity may be unmeasured, NaN); the others are measured.
    assert len(live_reps) == 3
    lost = [lost_frames_in(r) for r in live_reps]
    assert all(r.status is RepStatus.SUSPECT for r, gap in zip(live_reps, lost, strict=True) if gap)
    for rep, truth, gap in zip(live_reps, TRUE_MEAN_M_S, lost, strict=True):
        if not gap:
            assert rep.mean_velocity_m_s == pytest.approx(truth, abs=0.05)
    # Each rep was shown provisionally first, then final, under one key; the finals equal the report.
    kinds: dict[int, list[RepEventKind]] = {}
    for _, event in run.stats.events:
        kinds.setdefault(event.key, []).append(event.kind)
    finals = [e.rep for _, e in run.stats.events if e.kind is RepEventKind.FINAL]
    assert len(finals) == 3
    assert all(kinds[key][-1] is RepEventKind.FINAL for key in kinds)
    for final, saved_rep in zip(finals, live_reps, strict=True):
        assert final.mean_velocity_m_s == pytest.approx(saved_rep.mean_velocity_m_s, abs=0.02, nan_ok=True)
    # The recording keeps the frames' own times: analysing it finds the same reps.
    offline = analyze_video(saved.files["video"], lift=Lift.SQUAT, load_kg=100.0, with_pose=False)
    assert len(offline.analysis.reps) == 3
    pairs = [(a, b) for a, b, gap in zip(offline.analysis.reps, live_reps, lost, strict=True) if not gap]
    if pairs:
        first_offline, first_live = pairs[0][0].start_s, pairs[0][1].start_s
        for a, b in pairs:
            assert a.start_s - first_offline == pytest.approx(b.start_s - first_live, abs=0.05)
            assert a.mean_velocity_m_s == pytest.approx(b.mean_velocity_m_s, abs=0.03)
    report = json.loads(saved.files["report"].read_text())
    assert [r["index"] for r in report["reps"]] == [1, 2, 3]


def test_a_stream_that_drops_mid_set_is_reopened_and_one_that_is_gone_ends_the_set_cleanly(
    tmp_path: Path,
) -> None:
    with serve_mjpeg(CLIP, drop_after_frames=200) as url:
        run = _run(
            lambda: StreamSource(url, open_timeout_s=2.0, read_timeout_s=2.0), tmp_path, reconnect_s=3.0
        )
    assert run.stats.reconnects >= 2  # 570 frames in connections of 200
    assert run.sets, "the set recorded before the drops is saved"
    last = run.sets[-1]
    assert "track" in last.files and last.files["track"].stat().st_size > 0
    # The clip ends, the server closes: nothing comes back within reconnect_s.
    assert "did not come back" in last.ended_because
    assert sum(len(s.reps) for s in run.sets) >= 2


def test_vbt_live_on_a_stream_posts_reps_to_a_running_vbt_serve_that_match_analyze(
    tmp_path: Path, vbt_serve: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve_mjpeg(CLIP) as url:
        status = main(
            [
                "live", "--url", url, "--lift", "squat", "--load-kg", "100", "--no-pose", "--no-window",
                "--server", vbt_serve, "--athlete", "Ada", "--out", str(tmp_path / "out"),
                "--end-after-s", "3", "--reconnect-s", "0.5",
            ]
        )  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 1, printed  # the clip ends: the stream is gone for good, and the run says so
    assert "live view: " in printed
    report = json.loads((tmp_path / "out" / "set-01.json").read_text())
    with httpx.Client(base_url=vbt_serve) as api:
        athletes = api.get("/api/athletes").json()
        assert [a["name"] for a in athletes] == ["Ada"]
        stored = api.get("/api/sets/1/reps").json()
    assert [r["provisional"] for r in stored] == [False] * len(stored)
    # the service holds the report's verdict on each rep, not only its numbers
    assert [(r["status"], r["suspect_reasons"]) for r in stored] == [
        (r["status"], r.get("suspect_reasons", [])) for r in report["reps"]
    ]
    offline = analyze_video(CLIP, lift=Lift.SQUAT, load_kg=100.0, with_pose=False).analysis.reps
    assert len(stored) == len(report["reps"]) == len(offline) == 3
    for got, want in zip(stored, offline, strict=True):
        if any(reason.endswith(LOST_MESSAGE) for reason in got["suspect_reasons"]):
            assert got["status"] == "suspect"  # frames lost in it on a loaded machine: said so
            continue
        assert got["mean_velocity_m_s"] == pytest.approx(want.mean_velocity_m_s, abs=0.03)
        assert got["range_of_motion_m"] == pytest.approx(want.range_of_motion_m, abs=0.03)


def test_reps_wait_on_disk_while_the_service_is_down_and_arrive_once_when_it_is_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from vbt.live.client import ServiceClient
    from vbt.live.outbox import Outbox

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    out = tmp_path / "out"
    status = main(
        [
            "live", "--file", str(CLIP), "--lift", "squat", "--load-kg", "100", "--no-pose", "--no-window",
            "--server", base_url, "--athlete", "Ada", "--out", str(out), "--end-after-s", "3",
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "Going on: reps wait in" in captured.err and "could not reach" in captured.err
    journal = [json.loads(line) for line in (out / "outbox.jsonl").read_text().splitlines()]
    finals = [op["body"] for op in journal if op["op"] == "rep" and not op["body"]["provisional"]]
    assert len(finals) == 3
    process = _serve(port, tmp_path)
    try:
        _wait_up(base_url)
        again = Outbox(out, ServiceClient(base_url), athlete_name="Ada", retry_s=0.2)  # the next run
        assert again.close(timeout_s=20.0) == 0
        again_twice = Outbox(out, ServiceClient(base_url), athlete_name="Ada")  # nothing is sent twice
        assert again_twice.close(timeout_s=5.0) == 0
        with httpx.Client(base_url=base_url) as api:
            assert [a["name"] for a in api.get("/api/athletes").json()] == ["Ada"]
            stored = api.get("/api/sets/1/reps").json()
            assert api.get("/api/sets/2").status_code == 404
    finally:
        process.terminate()
        process.wait(timeout=10)
    # A rep's final is posted once it is settled, which under load (frames lost near a rep) can be
    # after a later rep's: the service keeps them in the set's order, by their index.
    finals.sort(key=lambda rep: rep["index"])
    assert [r["index"] for r in stored] == [r["index"] for r in finals]
    assert [r["mean_velocity_m_s"] for r in stored] == pytest.approx(
        [r["mean_velocity_m_s"] for r in finals], abs=1e-9
    )
    assert not any(r["provisional"] for r in stored)


def test_a_camera_that_does_not_open_is_one_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["live", "--camera", "7", "--lift", "squat", "--no-pose", "--no-window"])
    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith("vbt: error:") and "camera 7" in err
