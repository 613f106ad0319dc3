"""The dashboard in headless Chromium against a real server: reps posted through the API appear on
the live page (WebSocket, and Server-Sent Events when WebSockets are missing); the history, set and
docs pages render; the pages' number helpers give known answers in the browser."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.service.helpers import ThreadServer, rep_body
from vbt.service.app import create_app
from vbt.service.settings import Settings

WAIT_S = 10.0


def _wait(browser: Any, condition: Any, what: str) -> Any:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(browser, WAIT_S, poll_frequency=0.05).until(lambda d: condition(d))
    except TimeoutException:
        pytest.fail(f"the page did not show {what} within {WAIT_S} s")


def _text(browser: Any, element_id: str) -> str:
    return str(browser.execute_script(f"return document.getElementById('{element_id}').textContent"))


def _bar_count(browser: Any) -> int:
    return int(browser.execute_script("return document.querySelectorAll('#bars-chart rect.bar').length"))


def _new_set(api: httpx.Client, *, exercise: str = "squat", load_kg: float = 100.0) -> tuple[int, int, int]:
    athlete = api.post("/api/athletes", json={"name": "Ada"}).json()
    session = api.post("/api/sessions", json={"athlete_id": athlete["id"]}).json()
    lift_set = api.post(
        f"/api/sessions/{session['id']}/sets", json={"exercise": exercise, "load_kg": load_kg}
    ).json()
    return athlete["id"], session["id"], lift_set["id"]


def _post_rep(api: httpx.Client, set_id: int, index: int, velocity_m_s: float | None, **kw: Any) -> None:
    response = api.post(
        f"/api/sets/{set_id}/reps", json=rep_body(index, mean_velocity_m_s=velocity_m_s, **kw)
    )
    assert response.status_code == 201, response.text


#: The history page asks for the athlete's plan; "no plan" is a 404, which Chromium logs as an error.
NO_PLAN = "/plan - Failed to load resource: the server responded with a status of 404"


def _js_errors(browser: Any) -> list[str]:
    return [
        e["message"]
        for e in browser.get_log("browser")
        if e["level"] == "SEVERE" and NO_PLAN not in e["message"]
    ]


def _watch_reps_arrive(browser: Any, api: httpx.Client, set_id: int, stream: str) -> None:
    _wait(browser, lambda d: _text(d, "connection").startswith("connected"), f"a {stream} connection")
    assert _bar_count(browser) == 0
    assert _text(browser, "last-velocity").startswith("—")

    _post_rep(api, set_id, 0, 0.80)
    _wait(browser, lambda d: _text(d, "last-velocity").startswith("0.80"), "the first rep (0.80 m/s)")
    assert _bar_count(browser) == 1
    assert _text(browser, "last-zone") == "Strength-speed"

    _post_rep(api, set_id, 1, 0.70)
    _wait(browser, lambda d: _text(d, "last-velocity").startswith("0.70"), "the second rep (0.70 m/s)")
    assert _bar_count(browser) == 2
    assert _text(browser, "last-zone") == "Accelerative strength"
    assert _text(browser, "loss").startswith("13")  # (0.80 - 0.70) / 0.80 = 12.5 % -> "13"
    assert browser.execute_script("return document.getElementById('cue').dataset.level") == "go"

    _post_rep(api, set_id, 2, 0.62)  # 22.5 % loss: past the default 20 % threshold
    _wait(browser, lambda d: _text(d, "last-velocity").startswith("0.62"), "the third rep (0.62 m/s)")
    assert _bar_count(browser) == 3
    assert browser.execute_script("return document.getElementById('cue').dataset.level") == "stop"
    assert "Stop the set" in _text(browser, "cue")


def test_live_page_shows_reps_as_they_are_posted(
    browser: Any, server: ThreadServer, api: httpx.Client
) -> None:
    _, session_id, set_id = _new_set(api)
    browser.get(f"{server.base_url}/live/sessions/{session_id}")
    _watch_reps_arrive(browser, api, set_id, "WebSocket")
    assert _text(browser, "connection") == "connected · live mode not running"  # no frames: not "live"
    assert _js_errors(browser) == []


def test_live_page_follows_the_set_that_gets_the_latest_rep(
    browser: Any, server: ThreadServer, api: httpx.Client
) -> None:
    _, session_id, first_set = _new_set(api, load_kg=100.0)
    _post_rep(api, first_set, 0, 0.90)
    _post_rep(api, first_set, 1, 0.85)
    browser.get(f"{server.base_url}/live/sessions/{session_id}")
    _wait(browser, lambda d: _bar_count(d) == 2, "the first set's two reps")
    assert _text(browser, "set-line") == "Squat · 100 kg"
    second_set = api.post(
        f"/api/sessions/{session_id}/sets", json={"exercise": "squat", "load_kg": 120.0}
    ).json()["id"]
    _post_rep(api, second_set, 0, 0.60)
    _wait(browser, lambda d: _text(d, "set-line") == "Squat · 120 kg", "the second set")
    assert _bar_count(browser) == 1
    assert _text(browser, "last-velocity").startswith("0.60")
    sets = browser.execute_script(
        "return [...document.querySelectorAll('#sets button')].map((b) => b.textContent)"
    )
    assert sets[:2] == ["Squat · 100 kg (2)", "Squat · 120 kg (1)"]


def test_live_page_falls_back_to_server_sent_events(
    browser: Any, server: ThreadServer, api: httpx.Client
) -> None:
    _, session_id, set_id = _new_set(api)
    script = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": "delete window.WebSocket;"}
    )
    try:
        browser.get(f"{server.base_url}/live/sessions/{session_id}")
        _watch_reps_arrive(browser, api, set_id, "Server-Sent Events")
        assert _text(browser, "connection") == "connected (SSE) · live mode not running"
    finally:
        browser.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
        )


def test_live_page_shows_stored_reps_and_a_changed_threshold(
    browser: Any, server: ThreadServer, api: httpx.Client
) -> None:
    _, session_id, set_id = _new_set(api)
    for index, velocity in enumerate([0.80, 0.70, 0.66]):  # loss after the last: 17.5 %
        _post_rep(api, set_id, index, velocity)
    _post_rep(api, set_id, 3, None, status="failed")
    browser.get(f"{server.base_url}/live/sessions/{session_id}?threshold=15")
    _wait(browser, lambda d: _text(d, "rep-count").startswith("4"), "the four stored reps")
    assert _text(browser, "rep-count") == "4 (1 failed)"
    assert _text(browser, "last-velocity") == "✕ failed"
    assert browser.execute_script("return document.getElementById('cue').dataset.level") == "stop"
    browser.execute_script(
        "const t = document.getElementById('threshold'); t.value = '25';t.dispatchEvent(new Event('change'));"
    )
    assert browser.execute_script("return document.getElementById('cue').dataset.level") == "go"
    assert _text(browser, "loss-label") == "Velocity loss (stop at 25 %)"
    browser.execute_script("localStorage.clear()")


def test_live_page_says_when_the_session_does_not_exist(browser: Any, server: ThreadServer) -> None:
    browser.get(f"{server.base_url}/live/sessions/987654")
    _wait(browser, lambda d: "does not exist" in _text(d, "error"), "the service's 404 message")
    assert "Session 987654 does not exist" in _text(browser, "error")


def test_history_and_set_pages_render(browser: Any, server: ThreadServer, api: httpx.Client) -> None:
    athlete_id, session_id, first_set = _new_set(api, load_kg=100.0)
    set_ids = [first_set]
    for load_kg in (120.0, 140.0):
        set_ids.append(
            api.post(
                f"/api/sessions/{session_id}/sets", json={"exercise": "squat", "load_kg": load_kg}
            ).json()["id"]
        )
    for set_id, best in zip(set_ids, (1.0, 0.8, 0.6), strict=True):
        for index in range(3):
            _post_rep(api, set_id, index, round(best - 0.05 * index, 3))

    _js_errors(browser)  # forget what earlier pages logged
    browser.get(f"{server.base_url}/")
    _wait(
        browser,
        lambda d: d.find_elements("css selector", f'a[href="/live/sessions/{session_id}"]'),
        "the session link",
    )
    assert browser.find_elements("css selector", f'a[href="/athletes/{athlete_id}/history"]')

    browser.get(f"{server.base_url}/athletes/{athlete_id}/history?exercise=squat")
    _wait(browser, lambda d: _text(d, "profile-text") != "", "the load-velocity profile")
    assert (
        browser.execute_script("return document.querySelectorAll('#profile-chart circle.point').length") == 3
    )
    assert browser.execute_script("return document.querySelectorAll('#trend-chart circle.point').length") == 3
    assert browser.execute_script("return document.querySelectorAll('#sets-table tbody tr').length") == 3
    assert "Ada · Squat" in _text(browser, "title")
    # best mean velocity 1.0, 0.8, 0.6 m/s at 100, 120, 140 kg: v = 2.00 - 0.0100 x load exactly
    assert _text(browser, "profile-text").startswith("v = 2.00 − 0.0100 × load  ·  r² = 1.00  ·  n = 3 sets")

    browser.get(f"{server.base_url}/sets/{set_ids[0]}")
    _wait(browser, lambda d: _bar_count(d) == 3, "three rep bars")
    assert browser.execute_script("return document.querySelectorAll('#reps-table tbody tr').length") == 3
    assert browser.execute_script(
        "return document.getElementById('video-panel').classList.contains('hidden')"
    )
    assert _text(browser, "title") == "Squat · 100 kg"
    assert _js_errors(browser) == []


def test_number_helpers_give_known_answers_in_the_browser(browser: Any, server: ThreadServer) -> None:
    browser.get(f"{server.base_url}/")
    result = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        import('/static/js/stats.js').then((m) => m.loadLifts().then((lifts) => done({
          fit: m.linearFit([100, 120, 140], [1.0, 0.8, 0.6]),
          noFit: m.linearFit([100, 100], [1.0, 0.9]),
          loss: m.runningVelocityLossPct([
            {status: 'ok', mean_velocity_m_s: 0.8},
            {status: 'ok', mean_velocity_m_s: 1.0},
            {status: 'failed', mean_velocity_m_s: null},
            {status: 'ok', mean_velocity_m_s: 0.75},
          ]),
          zones: [0.3, 0.5, 0.8, 1.2, 1.6, NaN].map((v) => m.zoneFor(v, m.liftOf(lifts, 'squat').zones)?.name ?? null),
          cleanKey: m.velocityKey(m.liftOf(lifts, 'power_clean')),
          squatKey: m.velocityKey(m.liftOf(lifts, 'squat')),
          cue: m.stopCue([{status: 'ok', mean_velocity_m_s: 1.0}, {status: 'ok', mean_velocity_m_s: 0.84}], 20),
        }))).catch((e) => done({error: String(e)}));
        """
    )
    assert "error" not in result, result
    assert result["fit"]["slope"] == pytest.approx(-0.01)
    assert result["fit"]["intercept"] == pytest.approx(2.0)
    assert result["fit"]["r2"] == pytest.approx(1.0)
    assert result["fit"]["n"] == 3
    assert result["noFit"] is None
    assert result["loss"][0] == pytest.approx(0.0)
    assert result["loss"][1] == pytest.approx(0.0)
    assert result["loss"][2] is None
    assert result["loss"][3] == pytest.approx(25.0)
    assert result["zones"] == [
        "Absolute strength",
        "Accelerative strength",
        "Strength-speed",
        "Speed-strength",
        "Starting strength",
        None,
    ]
    assert (result["cleanKey"], result["squatKey"]) == ("peak_velocity_m_s", "mean_velocity_m_s")
    assert result["cue"]["level"] == "near"  # 16 % is past 75 % of 20 %
    assert result["cue"]["loss_pct"] == pytest.approx(16.0)


def test_api_docs_render_offline(browser: Any, server: ThreadServer) -> None:
    browser.get(f"{server.base_url}/docs")
    _wait(
        browser,
        lambda d: d.execute_script("return document.querySelectorAll('.swagger-ui .opblock').length") > 10,
        "Swagger UI's list of operations",
    )
    paths = browser.execute_script(
        "return [...document.querySelectorAll('.opblock-summary-path')].map((e) => e.textContent)"
    )
    assert any("/api/sets/{set_id}/velocity" in p for p in paths)


def test_pages_sign_in_once_with_a_token_and_never_put_it_in_a_url(browser: Any, tmp_path: Any) -> None:
    from vbt.service.auth import create_token

    database_url = f"sqlite:///{tmp_path}/closed.sqlite3"
    token = create_token(database_url, name="wall-screen", scope="read")
    settings = Settings(database_url=database_url, require_token_for_reads=True)
    with ThreadServer(create_app(settings)) as closed, httpx.Client(base_url=closed.base_url) as api:
        _, session_id, set_id = _new_set(api)
        _post_rep(api, set_id, 0, 0.75)
        assert api.get(f"/api/sessions/{session_id}").status_code == 401
        browser.get(f"{closed.base_url}/live/sessions/{session_id}")
        _wait(browser, lambda d: "token" in _text(d, "error"), "the 401 message")
        browser.execute_script(
            "const form = document.querySelector('#error form.sign-in');"
            "form.querySelector('input[name=token]').value = arguments[0]; form.requestSubmit();",
            token,
        )
        _wait(browser, lambda d: _text(d, "last-velocity").startswith("0.75"), "the stored rep")
        _post_rep(api, set_id, 1, 0.70)
        _wait(browser, lambda d: _text(d, "last-velocity").startswith("0.70"), "a new rep over the stream")
        assert token not in browser.current_url
        assert token not in str(browser.execute_script("return document.cookie"))  # HttpOnly
        browser.get(f"{closed.base_url}/live/sessions/{session_id}")  # remembered by the browser
        _wait(browser, lambda d: _bar_count(d) == 2, "both reps, signed in by the cookie")
        browser.delete_all_cookies()
        browser.get("about:blank")  # close the stream, so the server stops at once
    # the browser is shared: take this test's expected 401s out of its log, so later tests see only theirs
    unexpected = [e for e in _js_errors(browser) if "status of 401 (Unauthorized)" not in e]
    assert unexpected == []


def test_a_suspect_rep_is_shown_with_its_reason_and_left_out_of_the_figures(
    browser: Any, server: ThreadServer, api: httpx.Client
) -> None:
    _, session_id, set_id = _new_set(api)
    _post_rep(api, set_id, 0, 0.80)
    reason = (
        "the tracked plate rose 60 cm but the lifter's hands 5 cm: what was tracked is probably not the bar"
    )
    body = rep_body(1, mean_velocity_m_s=2.4, status="suspect") | {
        "suspect_reasons": [reason],
        "peak_velocity_m_s": 2.9,
        "peak_velocity_sd_m_s": 0.35,
    }
    assert api.post(f"/api/sets/{set_id}/reps", json=body).status_code == 201
    summary = api.get(f"/api/sets/{set_id}").json()["summary"]
    assert summary["rep_count"] == 1 and summary["suspect_rep_count"] == 1
    assert summary["best_mean_velocity_m_s"] == 0.8  # the suspect 2.4 m/s counts nowhere

    browser.get(f"{server.base_url}/sets/{set_id}")
    _wait(browser, lambda d: _bar_count(d) == 2, "two rep bars")
    peaks = browser.execute_script(
        "return [...document.querySelectorAll('#reps-table tbody tr')].map(r => r.cells[4].textContent)"
    )
    assert peaks == ["1.40", "2.90 ± 0.35"]  # a peak with its noise, when the report gave it
    row = browser.find_elements("css selector", '#reps-table tbody tr[data-status="suspect"]')
    assert len(row) == 1 and "suspect: not counted" in row[0].text and reason in row[0].text
    assert "+1 suspect, not counted" in _text(browser, "summary")

    browser.get(f"{server.base_url}/live/sessions/{session_id}")
    _wait(browser, lambda d: _text(d, "rep-count").startswith("2"), "the two stored reps")
    assert _text(browser, "rep-count") == "2 (1 suspect)"
    assert "suspect" in _text(browser, "rep-label")
    assert _text(browser, "last-zone").startswith("Not counted: the tracked plate rose")
    assert _text(browser, "last-peak") == "2.90 ± 0.35 m/s"

    browser.get(f"{server.base_url}/sessions/{session_id}")
    _wait(
        browser,
        lambda d: d.execute_script("return document.querySelectorAll('table.reps tbody tr').length") == 2,
        "the session's reps",
    )
    peaks = browser.execute_script(
        "return [...document.querySelectorAll('table.reps tbody tr')].map(r => r.cells[2].textContent)"
    )
    assert peaks == ["1.40", "2.90 ± 0.35"]
    assert _js_errors(browser) == []
