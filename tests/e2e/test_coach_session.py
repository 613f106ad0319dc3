"""A coach runs a session from the browser, end to end: add and edit an athlete, start a session,
upload a set's video (the rendered sample clip, analysed for real with pose off) and see its reps
with their verdict; record a tested 1RM, start a plan and add a key run on the history page. Then
every page stays readable at phone, laptop and wall-screen widths: nothing overflows its box, and
the plan's schedule column and the set's triple-extension column keep a readable width."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.capture.video_fixtures import write_clip
from tests.e2e.test_pages_in_browser import _wait
from tests.e2e.test_progression_pages import _script_errors
from tests.service.helpers import ThreadServer
from vbt.service.app import create_app
from vbt.service.settings import Settings
from vbt.service.videos.jobs import analyze_with_pipeline

SAMPLE = Path(__file__).resolve().parents[2] / "sample_videos" / "power_clean_70kg_3reps.mp4"
#: The sample clip's analysis (pose off) takes some seconds on a busy machine.
ANALYSIS_WAIT_S = 90.0
#: (name, width px, height px) of the screens a coach uses.
SCREENS = (("phone", 390, 844), ("laptop", 1280, 800), ("wall", 1920, 1080))
#: The narrowest a wrapping text column may get on a wide screen (a dozen characters).
MIN_TEXT_COLUMN_PX = 120
#: The tallest a plan row may be on a wide screen (a few lines of its schedule's why).
MAX_PLAN_ROW_PX = 200


@pytest.fixture(scope="module")
def coach_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    if not SAMPLE.is_file():
        pytest.skip(f"{SAMPLE} (a rendered sample clip) is absent")
    folder = tmp_path_factory.mktemp("coach")
    app = create_app(
        Settings(
            database_url=f"sqlite:///{folder}/vbt.sqlite3",
            data_dir=folder / "data",
            video_progress_interval_s=0.1,
        )
    )
    app.state.video_analyzer = partial(analyze_with_pipeline, with_pose=False, annotate=False)  # fast
    with ThreadServer(app) as running:
        yield running


def _js(browser: Any, script: str) -> Any:
    return browser.execute_script(script)


def _fill(browser: Any, form_id: str, **values: str) -> None:
    """Type into the form's fields (selects by value) and submit it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    form = browser.find_element(By.ID, form_id)
    for name, value in values.items():
        field = form.find_element(By.NAME, name)
        if field.tag_name == "select":
            Select(field).select_by_value(value)
        elif field.get_attribute("type") in ("date", "time"):
            _js(browser, f"document.getElementById('{form_id}').elements['{name}'].value = '{value}'")
        else:
            field.clear()
            field.send_keys(value)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def _card_titles(browser: Any) -> list[str]:
    return list(
        _js(browser, "return [...document.querySelectorAll('.athlete h2')].map((h) => h.textContent)")
    )


def _overflows(browser: Any) -> list[str]:
    """Every box whose content is wider than it (the page, panels, table boxes)."""
    return list(
        _js(
            browser,
            """
            const bad = [];
            const page = document.documentElement;
            if (page.scrollWidth > window.innerWidth + 1) bad.push(`page: ${page.scrollWidth} > ${window.innerWidth}`);
            for (const box of document.querySelectorAll('.panel, .table-wrap, header.top')) {
              if (box.offsetParent !== null && box.scrollWidth > box.clientWidth + 1) {
                bad.push(`${box.id || box.getAttribute('aria-label') || box.className}: ${box.scrollWidth} > ${box.clientWidth}`);
              }
            }
            return bad;
            """,
        )
    )


def _widths(browser: Any, selector: str) -> list[float]:
    return [
        float(w)
        for w in _js(
            browser,
            f"return [...document.querySelectorAll('{selector}')].map((e) => e.getBoundingClientRect().width)",
        )
    ]


def _at_every_width(browser: Any, check: Any) -> None:
    try:
        for name, width, height in SCREENS:
            browser.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
            )
            assert _overflows(browser) == [], f"{name} ({width} px)"
            check(name, width)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_coach_runs_a_session_from_the_browser(
    browser: Any, coach_server: ThreadServer, tmp_path: Path
) -> None:
    base = coach_server.base_url
    browser.get(f"{base}/")
    _wait(
        browser,
        lambda d: "No athletes yet" in _js(d, "return document.body.textContent"),
        "the empty start page",
    )

    # Add an athlete, then correct her name.
    _fill(browser, "add-athlete", name="Ada", body_mass_kg="61.5")
    _wait(browser, lambda d: _card_titles(d) == ["Ada · 61.5 kg"], "the new athlete's card")
    _js(browser, "document.querySelector('.athlete .actions button:nth-child(2)').click()")  # Edit
    form_id = _js(browser, "const f = document.querySelector('.athlete form'); f.id = 'edit'; return f.id")
    _fill(browser, form_id, name="Ada Lindqvist")
    _wait(browser, lambda d: _card_titles(d) == ["Ada Lindqvist · 61.5 kg"], "the renamed athlete")
    _at_every_width(browser, lambda name, width: None)

    # Start a session: the session page opens.
    _js(browser, "document.querySelector('.athlete button.primary').click()")
    _wait(
        browser,
        lambda d: (
            "/sessions/" in d.current_url
            and _js(d, "return document.querySelector('#add-set select').options.length > 0")
        ),
        "the session page",
    )
    session_id = int(browser.current_url.rsplit("/", 1)[1])

    # Upload the set's video with its lift and load; its reps appear with their verdict.
    from selenium.webdriver.common.by import By

    browser.find_element(By.CSS_SELECTOR, "#add-set input[type=file]").send_keys(str(SAMPLE))
    _fill(browser, "add-set", exercise="power_clean", load_kg="70")
    _wait(
        browser,
        lambda d: (
            _js(d, "return document.querySelector('.set-card')?.dataset.state")
            in ("uploading", "queued", "running", "done")
        ),
        "the upload",
    )
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(browser, ANALYSIS_WAIT_S, poll_frequency=0.2).until(
            lambda d: (
                # the analysis over: its reps are stored one at a time while it runs
                _js(d, "return document.querySelector('.set-card')?.dataset.state") in ("done", "failed")
                and (
                    _js(d, "return document.querySelectorAll('.set-card tbody tr').length") > 0
                    or _js(d, "return document.querySelector('.set-card .problem')") is not None
                )
            )
        )
    except TimeoutException:
        pytest.fail(f"the set's reps did not appear within {ANALYSIS_WAIT_S:g} s")
    rows = _js(
        browser,
        "return [...document.querySelectorAll('.set-card tbody tr')].map((r) => [...r.cells].map((c) => c.textContent))",
    )
    with httpx.Client(base_url=base) as api:
        lift_set = api.get(f"/api/sessions/{session_id}").json()["sets"][0]
        reps = api.get(f"/api/sets/{lift_set['id']}").json()["reps"]
    assert (lift_set["exercise"], lift_set["load_kg"]) == ("power_clean", 70.0)
    assert len(reps) == 3  # the clip was rendered from a 3-rep set
    assert [row[1] for row in rows] == [f"{r['mean_velocity_m_s']:.2f}" for r in reps]
    assert [row[4] for row in rows] == ["counted"] * 3
    assert "Quality: good" in _js(browser, "return document.querySelector('.set-card .quality').textContent")
    _at_every_width(browser, lambda name, width: None)

    # A video without a bar: the set says why in words (no server path) and takes another video.
    clip = write_clip(tmp_path / "no-bar.mp4", 12, 30.0)
    browser.find_element(By.CSS_SELECTOR, "#add-set input[type=file]").send_keys(str(clip))
    _fill(browser, "add-set", exercise="squat", load_kg="100")
    problem = _wait(
        browser,
        lambda d: _js(
            d, "return document.querySelector('.set-card[data-state=failed] .problem')?.textContent"
        ),
        "the failed analysis's problem",
    )
    assert "no-bar.mp4" in problem or "plate" in problem or "bar" in problem, problem
    assert "/" not in problem.replace("m/s", ""), problem  # no path of the server's
    assert _js(
        browser,
        "return document.querySelector('.set-card[data-state=failed] form input[type=file]') !== null",
    )

    # A file that is not a video is refused next to the form, and no set is made for it.
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a video, just words")
    browser.find_element(By.CSS_SELECTOR, "#add-set input[type=file]").send_keys(str(notes))
    _fill(browser, "add-set", exercise="squat", load_kg="100")
    refused = _wait(
        browser,
        lambda d: _js(d, "return document.querySelector('#add-set .form-error:not(.hidden)')?.textContent"),
        "the refusal",
    )
    assert "not a video" in refused, refused
    assert _js(browser, "return document.querySelectorAll('.set-card').length") == 2

    # The failed set's page says the problem where its reps would be.
    failed_set = _js(browser, "return document.querySelector('.set-card[data-state=failed]').dataset.setId")
    browser.get(f"{base}/sets/{failed_set}")
    _wait(
        browser,
        lambda d: _js(d, "return document.querySelector('#reps-table td.empty')?.textContent") == problem,
        "the problem in the set page's table",
    )

    # The set page: its table keeps the triple-extension column readable.
    browser.get(f"{base}/sets/{lift_set['id']}")
    _wait(
        browser,
        lambda d: _js(d, "return document.querySelectorAll('#reps-table tbody tr').length") == 3,
        "the set page's reps",
    )

    def set_columns(name: str, width: int) -> None:
        assert min(_widths(browser, "#reps-table td.te")) >= MIN_TEXT_COLUMN_PX, name

    _at_every_width(browser, set_columns)

    # The history page: record a tested 1RM, start a plan, add a key run; the plan shows its weeks.
    browser.get(f"{base}/athletes/{lift_set['athlete_id']}/history")
    _wait(
        browser,
        lambda d: _js(d, "return !document.getElementById('start-plan').classList.contains('hidden')"),
        "the history page's forms",
    )
    _fill(browser, "add-max", exercise="power_clean", load_kg="75")
    _wait(
        browser,
        lambda d: "Power clean: 75 kg" in _js(d, "return document.getElementById('maxes').textContent"),
        "the tested 1RM",
    )
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    _js(browser, "document.querySelectorAll('#start-plan input[type=checkbox]').forEach((c) => c.click())")
    _fill(browser, "start-plan", start_date=monday.isoformat(), day1="1", day2="3")
    _wait(
        browser,
        lambda d: _js(d, "return !document.getElementById('add-weekly-run').classList.contains('hidden')"),
        "the key-run form",
    )
    _fill(browser, "add-weekly-run", weekday="2", start_time="07:00")
    _wait(
        browser,
        lambda d: (
            "Every Wednesday at 07:00" in _js(d, "return document.getElementById('key-runs').textContent")
        ),
        "the key run",
    )
    _wait(
        browser,
        lambda d: "moved" in _js(d, "return document.getElementById('plan-table').textContent"),
        "the plan's moved sessions",
    )
    assert "1RM 75.0 kg" in _js(browser, "return document.getElementById('plan-text').textContent")

    def plan_columns(name: str, width: int) -> None:
        assert min(_widths(browser, "#plan-table td.why")) >= MIN_TEXT_COLUMN_PX, name
        if width >= 1000:
            heights = [
                float(h)
                for h in _js(
                    browser,
                    "return [...document.querySelectorAll('#plan-table tbody tr')].map((r) => r.getBoundingClientRect().height)",
                )
            ]
            assert max(heights) <= MAX_PLAN_ROW_PX, (name, heights)

    _at_every_width(browser, plan_columns)
    assert _script_errors(browser) == []
