"""``GET /api/lifts``: the catalogue and the zones' colours the pages draw with, which are the plot's
and the annotated video's for the same velocity."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from vbt.kinematics.summary import shown_velocity_m_s
from vbt.report import style
from vbt.report.overlay import _rep_colour
from vbt.types import Lift, RepMetrics, RepStatus


def _rep(mean_m_s: float, peak_m_s: float) -> RepMetrics:
    nan = math.nan
    return RepMetrics(
        1, 0.0, 1.0, RepStatus.OK, mean_m_s, mean_m_s, peak_m_s, 0.4, 0.5, 1.0, 1.0, 0.0, *[nan] * 4
    )


def _page_colour(body: dict, lift: Lift, velocity_m_s: float) -> str:
    """The colour the pages' stats.js zoneFor picks from the served zones (open ends infinite)."""
    entry = next(item for item in body["lifts"] if item["lift"] == lift.value)
    for zone in entry["zones"]:
        low = -math.inf if zone["min_m_s"] is None else zone["min_m_s"]
        high = math.inf if zone["max_m_s"] is None else zone["max_m_s"]
        if low <= velocity_m_s < high:
            return str(zone["color"])
    return str(body["palette"]["no_zone"])


def test_the_catalogue_is_served_with_each_lifts_velocity_and_zones(client: TestClient) -> None:
    body = client.get("/api/lifts").json()
    by_lift = {item["lift"]: item for item in body["lifts"]}
    assert list(by_lift) == [lift.value for lift in Lift]
    assert by_lift["row"]["family"] == "squat_like"
    assert by_lift["jerk"]["family_label"] == "jerk drive"
    assert by_lift["power_clean"]["velocity_kind"] == "peak"
    assert by_lift["front_squat"]["velocity_kind"] == "mean"
    assert "rdl" in by_lift["romanian_deadlift"]["aliases"]
    squat = by_lift["squat"]["zones"]
    assert squat[0]["name"] == "absolute strength"
    assert squat[0]["min_m_s"] is None and squat[-1]["max_m_s"] is None  # every velocity has a zone
    assert [z["max_m_s"] for z in squat[:-1]] == [0.5, 0.75, 1.0, 1.3]
    assert by_lift["snatch"]["zones"] == [] and by_lift["snatch"]["zones_source"] is None
    assert body["palette"]["failed"] == style.FAILED


@pytest.mark.parametrize(
    ("lift", "mean_m_s", "peak_m_s"),
    [
        (Lift.SQUAT, 0.72, 1.1),
        (Lift.SQUAT, 0.80, 1.2),
        (Lift.BENCH, 0.31, 0.6),
        (Lift.POWER_CLEAN, 0.72, 1.7),
    ],
)
def test_a_velocity_has_one_colour_on_the_page_the_plot_and_the_video(
    client: TestClient, lift: Lift, mean_m_s: float, peak_m_s: float
) -> None:
    body = client.get("/api/lifts").json()
    rep = _rep(mean_m_s, peak_m_s)
    shown = shown_velocity_m_s(rep, lift)  # the power clean's is its peak
    page = _page_colour(body, lift, shown)
    assert page == style.rep_colour(shown, lift=lift)  # the plot's badge and the terminal's zone
    assert style.hex_to_bgr(page) == _rep_colour(rep, lift)  # the annotated video's counter and banner
    assert tuple(style.velocity_bgr(shown, lift=lift)) == style.hex_to_bgr(page)  # its trail


def test_the_png_badge_has_the_pages_colour(client: TestClient, tmp_path: Path) -> None:
    from PIL import Image

    from tests.report.test_plot import synth
    from vbt.report.plot import plot_set

    _, analysis = synth("power_clean", with_joints=False)
    out = tmp_path / "clean.png"
    plot_set(analysis, out)
    body = client.get("/api/lifts").json()
    first = analysis.reps[0]
    colour = _page_colour(body, Lift.POWER_CLEAN, first.peak_velocity_m_s)
    pixels = np.asarray(Image.open(out).convert("RGB")).reshape(-1, 3)
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    assert int((np.abs(pixels.astype(int) - rgb).max(axis=1) <= 2).sum()) > 200  # the badge
