"""The live page with live mode, in headless Chromium against a real server: the video element shows
the pushed frames, a provisional rep is drawn lighter and replaced in place by its final
metrics, a deleted one disappears, and with the sound on the page beeps once when the set should stop.
"""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np
import pytest

from tests.e2e.test_pages_in_browser import WAIT_S, _text, _wait
from tests.service.helpers import rep_body
from vbt.live.client import FramePusher

cv2 = pytest.importorskip("cv2", reason="OpenCV (the capture extra) encodes the pushed frames")


def _js(browser: Any, script: str) -> Any:
    return browser.execute_script(f"return {script}")


def _width(browser: Any) -> int:
    """The natural width of the image the live video element shows."""
    return int(_js(browser, "document.getElementById('video').naturalWidth"))


def _bars(browser: Any) -> tuple[int, int]:
    """(bars, provisional bars) of the velocity chart."""
    return (
        int(_js(browser, "document.querySelectorAll('#bars-chart rect.bar').length")),
        int(_js(browser, "document.querySelectorAll('#bars-chart rect.bar.provisional').length")),
    )


def _post(api: httpx.Client, set_id: int, body: dict[str, Any], status: int) -> None:
    response = api.post(f"/api/sets/{set_id}/reps", json=body)
    assert response.status_code == status, response.text


def _frame(width: int, height: int) -> bytes:
    image = np.zeros((height, width, 3), np.uint8)
    image[:, :, 1] = 200
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return bytes(data.tobytes())


def test_the_live_page_shows_the_video_and_replaces_provisional_reps_in_place(browser, server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=WAIT_S) as api:
        athlete = api.post("/api/athletes", json={"name": "Ada"}).json()
        session = api.post("/api/sessions", json={"athlete_id": athlete["id"]}).json()
        set_id = api.post(
            f"/api/sessions/{session['id']}/sets", json={"exercise": "squat", "load_kg": 100}
        ).json()["id"]
        browser.get(f"{server.base_url}/live/sessions/{session['id']}")
        _wait(browser, lambda d: _text(d, "connection").startswith("connected"), "a connection")
        assert "not running" in _text(browser, "connection")  # no frames yet: live mode is not running

        # the video element shows the session's live frames: first the 640 x 360 "no video" image ...
        _wait(browser, lambda d: _width(d) == 640, "the no-video image")
        assert _js(browser, "document.getElementById('video').dataset.stale") == "1"
        # ... then the frames vbt live pushes, each as it comes
        with FramePusher(server.base_url, session["id"]) as pusher:
            pusher.push(_frame(320, 240))
            _wait(browser, lambda d: _width(d) == 320, "a pushed frame")
            assert _js(browser, "document.getElementById('video').dataset.stale") == "0"
            assert _text(browser, "connection") == "live"
            pusher.push(_frame(480, 270))
            _wait(browser, lambda d: _width(d) == 480, "the next frame")

        # a provisional rep shows at once, lighter ...
        _post(api, set_id, {**rep_body(0, mean_velocity_m_s=0.82), "provisional": True}, 201)
        _wait(browser, lambda d: _text(d, "last-velocity").startswith("0.82"), "the provisional rep")
        assert _js(browser, "document.getElementById('last-velocity').dataset.provisional") == "true"
        assert "provisional" in _text(browser, "rep-label")
        assert _bars(browser) == (1, 1)
        # ... and its final metrics replace it in place: still one rep, no longer provisional
        _post(api, set_id, rep_body(0, mean_velocity_m_s=0.80), 200)
        _wait(browser, lambda d: _text(d, "last-velocity").startswith("0.80"), "the final rep")
        assert _js(browser, "document.getElementById('last-velocity').dataset.provisional") == "false"
        assert _bars(browser) == (1, 0)
        assert _text(browser, "rep-count").startswith("1")

        # a provisional rep the final analysis did not keep disappears
        _post(api, set_id, {**rep_body(1, mean_velocity_m_s=0.77), "provisional": True}, 201)
        _wait(browser, lambda d: _bars(d) == (2, 1), "the second, provisional rep")
        assert api.delete(f"/api/sets/{set_id}/reps/rep-1").status_code == 204
        _wait(browser, lambda d: _bars(d) == (1, 0), "the deleted rep gone")
        assert _text(browser, "last-velocity").startswith("0.80")

        # sound on (a click: browsers allow sound after a gesture): one beep when the cue says stop
        browser.find_element("id", "sound").click()
        assert _js(browser, "document.getElementById('sound').getAttribute('aria-pressed')") == "true"
        assert _text(browser, "sound") == "Sound on"
        _post(api, set_id, rep_body(1, mean_velocity_m_s=0.70), 201)  # 12.5 % loss: keep going
        _wait(browser, lambda d: _text(d, "last-velocity").startswith("0.70"), "the second rep")
        assert _js(browser, "document.getElementById('sound').dataset.beeps") == "0"
        _post(api, set_id, {**rep_body(2, mean_velocity_m_s=0.60), "provisional": True}, 201)  # 25 %: stop
        _wait(
            browser,
            lambda d: _js(d, "document.getElementById('cue').dataset.level") == "stop",
            "the stop cue",
        )
        assert _js(browser, "document.getElementById('sound').dataset.beeps") == "1"
        _post(api, set_id, rep_body(2, mean_velocity_m_s=0.61), 200)  # final: still stop, no second beep
        _wait(browser, lambda d: _text(d, "last-velocity").startswith("0.61"), "the final third rep")
        assert _js(browser, "document.getElementById('sound').dataset.beeps") == "1"

    severe = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


def test_the_live_page_numbers_reps_as_stored_speaks_them_and_sums_up_the_set_at_its_end(
    browser, server
) -> None:
    with httpx.Client(base_url=server.base_url, timeout=WAIT_S) as api:
        athlete = api.post("/api/athletes", json={"name": "Bo"}).json()
        session = api.post("/api/sessions", json={"athlete_id": athlete["id"]}).json()
        sets = f"/api/sessions/{session['id']}/sets"
        set_id = api.post(sets, json={"exercise": "squat", "load_kg": 0}).json()["id"]
        browser.get(f"{server.base_url}/live/sessions/{session['id']}")
        # before any frame: the "no video" image (never a broken one), and live mode not running
        assert _js(browser, "document.getElementById('video').complete") is True
        assert _width(browser) == 640
        _wait(browser, lambda d: _text(d, "connection").startswith("connected"), "a connection")
        # read each rep aloud (the choice is a click: browsers speak after a gesture)
        browser.execute_script(
            "const s = document.getElementById('speech'); s.value = 'reps'; s.dispatchEvent(new Event('change'))"
        )
        for i, v in enumerate((0.80, 0.77, 0.74)):
            _post(api, set_id, {**rep_body(i, mean_velocity_m_s=v), "provisional": True}, 201)
        _wait(browser, lambda d: _bars(d) == (3, 3), "three provisional reps")
        assert _text(browser, "set-line") == "Squat · load not given"  # no --load-kg: not "0 kg"
        assert _js(browser, "document.getElementById('speech').dataset.said") == "3"
        assert _js(browser, "document.getElementById('speech').dataset.last") == "0.74"
        assert _text(browser, "rep-label").startswith("Rep 3")
        # the middle one was no rep after all: the last one is rep 2 now
        assert api.delete(f"/api/sets/{set_id}/reps/rep-1").status_code == 204
        _wait(browser, lambda d: _bars(d) == (2, 2), "the deleted rep gone")
        assert _text(browser, "rep-label").startswith("Rep 2")
        # the next set has reps: this one is over, and its summary replaces "Keep going"
        browser.find_element("css selector", "#sets button").click()  # stay on the first set
        next_set = api.post(sets, json={"exercise": "squat", "load_kg": 100}).json()["id"]
        _post(api, next_set, rep_body(0, client_rep_id="next-0"), 201)
        _wait(
            browser,
            lambda d: _js(d, "document.getElementById('cue').dataset.level") == "over",
            "the set over",
        )
        assert _text(browser, "cue").startswith("Set over: 2 reps")
