"""The dashboard's newer parts in headless Chromium: the server's stop-set cue on the live page (the
plan's threshold, a failed rep), the power-clean plan's weeks on the history page, and the annotated
video of an uploaded set playing on the set page (served with byte ranges)."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.test_pages_in_browser import _js_errors, _new_set, _post_rep, _text, _wait
from tests.service.helpers import ThreadServer, rep_body
from tests.service.test_progression_routes import plan_body
from tests.service.test_videos import FakeAnalyzer, report_with
from vbt.service.app import create_app
from vbt.service.settings import Settings


def _script_errors(browser: Any) -> list[str]:
    """Errors of the page's scripts (not HTTP answers the page handles, e.g. a profile's 422)."""
    return [m for m in _js_errors(browser) if "Failed to load resource" not in m]


def _cue(browser: Any) -> tuple[str, str, str]:
    level, source = browser.execute_script(
        "const c = document.getElementById('cue'); return [c.dataset.level, c.dataset.source];"
    )
    return str(level), str(source), _text(browser, "cue")


def test_live_page_shows_the_server_cue_with_the_plan_s_threshold(
    browser: Any, server: ThreadServer, api: httpx.Client
) -> None:
    athlete_id, session_id, set_id = _new_set(api, exercise="power_clean", load_kg=40.0)
    assert api.put(f"/api/athletes/{athlete_id}/plan", json=plan_body()).status_code == 200
    browser.get(f"{server.base_url}/live/sessions/{session_id}")  # the page's own threshold: 20 %
    _wait(browser, lambda d: _text(d, "connection").startswith("connected"), "a connection")
    # Peak velocity falls 0, 6.25, 11.25 %; mean velocity holds: only the server's cue (the plan's
    # 10 % on peak velocity) says stop.
    for index, peak in enumerate((1.60, 1.50, 1.42)):
        _post_rep(api, set_id, index, 1.0, peak_velocity_m_s=peak)
    _wait(browser, lambda d: _cue(d)[0] == "stop", "the plan's stop cue")
    _, source, text = _cue(browser)
    assert source == "server"
    assert text == "Stop the set: peak velocity loss 11 % ≥ 10 % (the plan's threshold)"
    assert _text(browser, "loss-label") == "Peak velocity loss (stop at 10 %, plan)"
    assert _text(browser, "loss").startswith("11")
    assert _js_errors(browser) == []


def test_live_page_says_stop_when_the_server_says_the_last_rep_failed(
    browser: Any, server: ThreadServer, api: httpx.Client
) -> None:
    _, session_id, set_id = _new_set(api)
    browser.get(f"{server.base_url}/live/sessions/{session_id}")
    _wait(browser, lambda d: _text(d, "connection").startswith("connected"), "a connection")
    _post_rep(api, set_id, 0, 0.80)
    _wait(browser, lambda d: _cue(d)[:2] == ("go", "server"), "the server's first cue")
    _post_rep(api, set_id, 1, None, status="failed")  # the page's own numbers see no loss at all
    _wait(browser, lambda d: _cue(d)[0] == "stop", "the stop after a failed rep")
    assert _cue(browser)[1:] == ("server", "Stop the set: the last rep failed")


def test_history_page_shows_the_plan_s_weeks(browser: Any, server: ThreadServer, api: httpx.Client) -> None:
    athlete_id, _, set_id = _new_set(api, exercise="power_clean", load_kg=20.0)
    _post_rep(api, set_id, 0, 1.0)
    next_monday = date.today() + timedelta(days=7 - date.today().weekday())
    body = plan_body(start_date=next_monday.isoformat(), weeks=4)
    plan = api.put(f"/api/athletes/{athlete_id}/plan", json=body).json()
    sessions = [s for week in plan["weeks"] for s in week["sessions"]]
    assert len(plan["weeks"]) == 4 and sessions

    browser.get(f"{server.base_url}/athletes/{athlete_id}/history?exercise=power_clean")
    _wait(
        browser,
        lambda d: (
            not d.execute_script("return document.getElementById('plan-panel').classList.contains('hidden')")
        ),
        "the plan panel",
    )
    rows = browser.execute_script(
        "return [...document.querySelectorAll('#plan-table tbody tr')].map("
        "(r) => [r.dataset.status, ...[...r.cells].map((c) => c.textContent)])"
    )
    assert len(rows) == len(sessions)
    assert [r[1] for r in rows if r[1]] == ["Week 1", "Week 2", "Week 3", "Week 4"]
    first, clean = sessions[0], sessions[0]["exercises"][0]
    assert rows[0][0] == first["status"] == "moved"  # Tuesday's session moves away from Wednesday's key run
    assert rows[0][3] == f"{clean['sets']} × {clean['reps']} @ 20 kg"
    assert rows[0][4].startswith(f"Box jump {clean['sets']} × 3 (superset), Front squat 3 × 5")
    assert rows[0][6].startswith("moved from ") and "key run" in rows[0][6]
    assert rows[0][5] == {"next": "next (earned)", "projected": "projected"}[first["load_status"]]
    assert "Current load 20 kg" in _text(browser, "plan-text")
    assert "1RM 70.0 kg" in _text(browser, "plan-text")
    assert _script_errors(browser) == []  # one power-clean set: the profile's 422 is expected


def test_history_page_without_a_plan_hides_the_panel(
    browser: Any, server: ThreadServer, api: httpx.Client
) -> None:
    athlete_id, _, set_id = _new_set(api)
    _post_rep(api, set_id, 0, 0.8)
    browser.get(f"{server.base_url}/athletes/{athlete_id}/history")
    _wait(browser, lambda d: _text(d, "profile-text") != "", "the profile text")
    assert browser.execute_script("return document.getElementById('plan-panel').classList.contains('hidden')")
    assert _script_errors(browser) == []


# ---------------------------------------------------------------- the set page's video


class CopyingAnalyzer(FakeAnalyzer):
    """The fake analysis of the service tests; its "annotated video" is the upload itself."""

    def __call__(self, path: Path, *, annotated_path: Path, **kw: Any) -> Any:
        report = super().__call__(path, annotated_path=annotated_path, **kw)
        shutil.copyfile(path, annotated_path)
        return report


@pytest.fixture
def h264_clip(tmp_path: Path) -> Path:
    """A 2 s, 25 fps H.264 test pattern (what browsers play), from imageio-ffmpeg's ffmpeg."""
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    out = tmp_path / "set.mp4"
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=25",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(out),
    ]  # fmt: skip
    subprocess.run(command, check=True, timeout=60)
    return out


@pytest.fixture
def video_server(tmp_path: Path) -> Iterator[tuple[ThreadServer, CopyingAnalyzer]]:
    analyzer = CopyingAnalyzer(report_with(2), annotated=None)
    analyzer.release = threading.Event()
    app = create_app(
        Settings(
            database_url=f"sqlite:///{tmp_path}/vbt.sqlite3",
            data_dir=tmp_path / "data",
            video_progress_interval_s=0.0,
        )
    )
    app.state.video_analyzer = analyzer
    with ThreadServer(app) as running:
        yield running, analyzer


def test_set_page_follows_the_analysis_and_plays_the_annotated_video(
    browser: Any, video_server: tuple[ThreadServer, CopyingAnalyzer], h264_clip: Path
) -> None:
    server, analyzer = video_server
    assert analyzer.release is not None
    with httpx.Client(base_url=server.base_url, timeout=10.0) as api:
        _, _, set_id = _new_set(api)
        with h264_clip.open("rb") as file:
            response = api.post(
                "/api/videos", files={"file": ("set.mp4", file, "video/mp4")}, data={"set_id": str(set_id)}
            )
        assert response.status_code == 202, response.text
        video_id = response.json()["id"]
        assert analyzer.started.wait(10.0)

        browser.get(f"{server.base_url}/sets/{set_id}")
        _wait(browser, lambda d: "analysis running" in _text(d, "video-status"), "the running analysis")
        assert browser.execute_script("return document.getElementById('video').classList.contains('hidden')")
        analyzer.release.set()
        # The page polls, sees the analysis end, reloads with the set's reps and the video.
        _wait(
            browser,
            lambda d: d.execute_script("return document.getElementById('video').readyState >= 1"),
            "the annotated video's metadata",
        )
        src, duration_s = browser.execute_script(
            "const v = document.getElementById('video'); return [v.currentSrc, v.duration];"
        )
        assert src == f"{server.base_url}/api/videos/{video_id}/annotated"
        assert duration_s == pytest.approx(2.0, abs=0.1)
        assert _text(browser, "video-status") == "set.mp4: annotated by the vbt analysis."
        assert browser.execute_script("return document.querySelectorAll('#reps-table tbody tr').length") == 2
        assert rep_body(0)["index"] == 0  # the fake's reps are the helpers' reps
    assert _js_errors(browser) == []
