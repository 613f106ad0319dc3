"""Screenshots of the dashboard's pages for the README, taken in headless Chromium.

A server runs on loopback with a fresh database in a temporary folder; a coach's data is made
through the API (an athlete with earlier power-clean sets, a tested 1RM, a plan with key runs, and
today's session with the rendered sample clip uploaded into a set and analysed for real, pose off);
then each page is captured at its full height and saved as a small palette PNG::

    python docs/screenshots.py                 # -> docs/img/*.png
    python docs/screenshots.py --out /tmp/shots --width 1920

Needs Chromium, chromedriver and selenium (as the browser tests do).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.browser import chromium_driver  # noqa: E402
from tests.service.helpers import ThreadServer, rep_body  # noqa: E402
from vbt.service.app import create_app  # noqa: E402
from vbt.service.settings import Settings  # noqa: E402
from vbt.service.videos.jobs import analyze_with_pipeline  # noqa: E402

SAMPLE = REPO / "sample_videos" / "power_clean_70kg_3reps.mp4"
#: Colours kept in a screenshot: the dark theme, text and the zone colours fit in this many.
PALETTE_COLOURS = 128
#: The phone width the session page is also captured at (a coach at the platform).
PHONE_WIDTH_PX = 390
ANALYSIS_TIMEOUT_S = 120.0


def still_clip(path: Path) -> Path:
    """Two seconds of a plate that never moves: an analysis that finds no rep (its problem shown)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30.0, (320, 240))
    for _ in range(60):
        frame = np.full((240, 320, 3), 90, np.uint8)
        cv2.circle(frame, (160, 120), 40, (20, 20, 20), -1)
        writer.write(frame)
    writer.release()
    return path


def wait_analysed(api: httpx.Client, video_id: int) -> dict[str, Any]:
    end = time.monotonic() + ANALYSIS_TIMEOUT_S
    while time.monotonic() < end:
        video: dict[str, Any] = api.get(f"/api/videos/{video_id}").json()
        if video["status"] in ("done", "failed"):
            return video
        time.sleep(0.2)
    raise SystemExit(f"video {video_id} was not analysed within {ANALYSIS_TIMEOUT_S:g} s")


def upload(api: httpx.Client, set_id: int, path: Path) -> dict[str, Any]:
    with path.open("rb") as file:
        response = api.post(
            "/api/videos", files={"file": (path.name, file, "video/mp4")}, data={"set_id": set_id}
        )
    response.raise_for_status()
    return wait_analysed(api, response.json()["id"])


def seed(api: httpx.Client, folder: Path) -> dict[str, int]:
    """A coach's data: returns the ids of the athlete, today's session and its analysed set."""
    ada = api.post("/api/athletes", json={"name": "Ada Lindqvist", "body_mass_kg": 61.5}).json()["id"]
    api.post("/api/athletes", json={"name": "Ben Okafor", "body_mass_kg": 78.0})
    now = datetime.now(UTC)
    for weeks_ago, load_kg in ((6, 40.0), (5, 45.0), (4, 50.0), (3, 55.0), (2, 60.0), (1, 65.0)):
        when = (now - timedelta(weeks=weeks_ago)).isoformat()
        session = api.post("/api/sessions", json={"athlete_id": ada, "started_at": when}).json()["id"]
        lift_set = api.post(
            f"/api/sessions/{session}/sets",
            json={"exercise": "power_clean", "load_kg": load_kg, "performed_at": when},
        ).json()["id"]
        peak = 2.35 - 0.0125 * load_kg  # a load-velocity line: 1.85 m/s at 40 kg, 1.54 at 65
        for index in range(3):
            body = rep_body(index, mean_velocity_m_s=round(peak * 0.6 - 0.02 * index, 3))
            body["peak_velocity_m_s"] = round(peak - 0.03 * index, 3)
            api.post(f"/api/sets/{lift_set}/reps", json=body).raise_for_status()
    api.post(
        f"/api/athletes/{ada}/maxes", json={"exercise": "power_clean", "load_kg": 75.0}
    ).raise_for_status()
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    plan = {
        "start_date": monday.isoformat(),
        "weeks": 4,
        "weekdays": [1, 3],
        "key_runs": [{"weekday": 2, "start_time": "07:00"}],
        "key_run_dates": [f"{(monday + timedelta(days=10)).isoformat()}T09:00"],
        "prerequisites": {
            "deadlift_competent": True,
            "front_squat_competent": True,
            "shoulder_mobility": True,
        },
    }
    api.put(f"/api/athletes/{ada}/plan", json=plan).raise_for_status()
    today = api.post("/api/sessions", json={"athlete_id": ada}).json()["id"]
    still = api.post(f"/api/sessions/{today}/sets", json={"exercise": "power_clean", "load_kg": 70.0}).json()[
        "id"
    ]
    upload(api, still, still_clip(folder / "warm-up.mp4"))
    analysed = api.post(
        f"/api/sessions/{today}/sets", json={"exercise": "power_clean", "load_kg": 70.0}
    ).json()
    video = upload(api, analysed["id"], SAMPLE)
    if video["status"] != "done" or not video["rep_count"]:
        raise SystemExit(f"the sample clip was not analysed as expected: {video}")
    return {"athlete": ada, "session": today, "set": analysed["id"]}


def capture(browser: Any, url: str, out: Path, *, width: int, ready_js: str) -> None:
    """Load ``url`` at ``width`` px, wait until ``ready_js`` is true, save the whole page as a palette PNG."""
    browser.set_window_size(width, 900)
    browser.get(url)
    end = time.monotonic() + 15
    while not browser.execute_script(f"return Boolean({ready_js})"):
        if time.monotonic() > end:
            raise SystemExit(f"{url} was not ready ({ready_js}) within 15 s")
        time.sleep(0.1)
    time.sleep(0.3)  # charts redraw on resize
    height = int(browser.execute_script("return document.documentElement.scrollHeight"))
    browser.set_window_size(width, height + 140)  # the window's frame is not page
    time.sleep(0.3)
    png = out.with_suffix(".full.png")
    browser.save_screenshot(str(png))
    image = Image.open(png).convert("RGB")
    image.quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        out, optimize=True
    )
    png.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    parser.add_argument("--width", type=int, default=1280, help="window width in CSS pixels")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        app = create_app(Settings(database_url=f"sqlite:///{folder}/vbt.sqlite3", data_dir=folder / "data"))
        app.state.video_analyzer = partial(analyze_with_pipeline, with_pose=False)
        browser = chromium_driver(folder / "chromium", width=args.width, height=900)
        try:
            with ThreadServer(app) as server, httpx.Client(base_url=server.base_url, timeout=30.0) as api:
                ids = seed(api, folder)
                base = server.base_url
                session = (
                    f"/sessions/{ids['session']}",
                    "document.querySelectorAll('.set-card table').length === 1",
                )
                pages = {
                    "home": ("/", "document.querySelector('.athlete')"),
                    "session": session,
                    "session-phone": session,
                    "set": (
                        f"/sets/{ids['set']}",
                        "document.querySelectorAll('#reps-table tbody tr').length === 3",
                    ),
                    "history": (
                        f"/athletes/{ids['athlete']}/history?exercise=power_clean",
                        "!document.getElementById('plan-panel').classList.contains('hidden')",
                    ),
                }
                for name, (path, ready) in pages.items():
                    out = args.out / f"{name}.png"
                    width = PHONE_WIDTH_PX if name.endswith("-phone") else args.width
                    capture(browser, base + path, out, width=width, ready_js=ready)
                    print(
                        f"{out.relative_to(REPO) if out.is_relative_to(REPO) else out}: {out.stat().st_size // 1024} kB"
                    )
        finally:
            browser.quit()


if __name__ == "__main__":
    main()
