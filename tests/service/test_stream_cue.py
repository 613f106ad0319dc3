"""The stop-set cue on the live stream: after each rep, the set's velocity loss against the stop
threshold (the athlete's plan, else ``?threshold_pct=``, else 20 %), on WS and SSE alike."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from vbt.service.app import create_app
from vbt.service.stream.cue import threshold_for
from vbt.types import Lift

from .helpers import ThreadServer, rep_body, sse_events, sse_json
from .test_progression_routes import plan_body
from .test_stream import TIMEOUT_S, receive_json

#: Mean velocities with losses of 0, 10, 15 and 22 % from the first (best) rep.
SQUAT_M_S = (1.00, 0.90, 0.85, 0.78)
LOSSES_PCT = (0.0, 10.0, 15.0, 22.0)


def _post(client: Any, set_id: int, index: int, **kw: Any) -> None:
    response = client.post(f"/api/sets/{set_id}/reps", json=rep_body(index, **kw))
    assert response.status_code == 201, response.text


def _cues(events: list[dict[str, Any]]) -> list[tuple[bool, float | None, float, str]]:
    return [
        (
            e["cue"]["stop"],
            None if e["cue"]["velocity_loss_pct"] is None else round(e["cue"]["velocity_loss_pct"], 6),
            e["cue"]["threshold_pct"],
            e["cue"]["threshold_source"],
        )
        for e in events
    ]


def test_the_default_threshold_is_20_percent_of_mean_velocity(client, make_set):
    lift_set = make_set(exercise="squat", load_kg=100)
    url = f"/api/sessions/{lift_set['session_id']}/stream"
    with client.websocket_connect(url) as ws:
        events = []
        for index, v in enumerate(SQUAT_M_S):
            _post(client, lift_set["id"], index, mean_velocity_m_s=v)
            events.append(receive_json(ws))
    assert _cues(events) == [(loss >= 20.0, pytest.approx(loss), 20.0, "default") for loss in LOSSES_PCT]
    last = events[-1]["cue"]
    assert (last["velocity_kind"], last["best_velocity_m_s"], last["last_velocity_m_s"]) == (
        "mean",
        1.0,
        0.78,
    )
    assert last["rep_count"] == 4 and last["reason"].startswith("stop: mean velocity 0.78 m/s is 22 %")
    # backward compatible: every earlier key is still there
    assert {"type", "seq", "session_id", "set_id", "exercise", "load_kg", "rep"} < events[0].keys()


def test_the_stream_s_threshold_and_a_replay_give_the_same_cues(client, make_set):
    lift_set = make_set(exercise="squat", load_kg=100)
    for index, v in enumerate(SQUAT_M_S):
        _post(client, lift_set["id"], index, mean_velocity_m_s=v)
    url = f"/api/sessions/{lift_set['session_id']}/stream?threshold_pct=12"
    with client.websocket_connect(url) as ws:  # all four are replayed: each with its cue then
        events = [receive_json(ws) for _ in SQUAT_M_S]
    assert [c[0] for c in _cues(events)] == [False, False, True, True]
    assert {(c[2], c[3]) for c in _cues(events)} == {(12.0, "query")}
    assert [e["cue"]["rep_count"] for e in events] == [1, 2, 3, 4]


def test_each_set_has_its_own_cue_and_a_failed_rep_stops_the_set(client, make_set):
    first = make_set(exercise="bench", load_kg=60)
    second_id = client.post(
        f"/api/sessions/{first['session_id']}/sets", json={"exercise": "bench", "load_kg": 80}
    ).json()["id"]
    url = f"/api/sessions/{first['session_id']}/stream"
    with client.websocket_connect(url) as ws:
        _post(client, first["id"], 0, mean_velocity_m_s=0.8)
        _post(client, second_id, 0, mean_velocity_m_s=0.5)  # slower, but another set: no loss
        _post(client, first["id"], 1, mean_velocity_m_s=0.7)
        _post(client, second_id, 1, mean_velocity_m_s=None, peak_velocity_m_s=None, status="failed")
        events = [receive_json(ws) for _ in range(4)]
    assert [(e["set_id"], e["cue"]["stop"]) for e in events] == [
        (first["id"], False),
        (second_id, False),
        (first["id"], False),
        (second_id, True),
    ]
    assert [e["cue"]["velocity_loss_pct"] for e in events[:3]] == [0.0, 0.0, pytest.approx(12.5)]
    assert events[3]["cue"]["velocity_loss_pct"] is None
    assert events[3]["cue"]["reason"] == "stop: the last rep failed"


def test_a_power_clean_of_an_athlete_with_a_plan_uses_the_plan_s_10_percent_on_peak_velocity(settings):
    with (
        ThreadServer(create_app(settings)) as server,
        httpx.Client(base_url=server.base_url, timeout=TIMEOUT_S) as http,
    ):
        athlete_id = http.post("/api/athletes", json={"name": "Runner"}).json()["id"]
        assert http.put(f"/api/athletes/{athlete_id}/plan", json=plan_body()).status_code == 200
        session_id = http.post("/api/sessions", json={"athlete_id": athlete_id}).json()["id"]
        clean = http.post(f"/api/sessions/{session_id}/sets", json={"exercise": "power_clean", "load_kg": 40})
        squat = http.post(f"/api/sessions/{session_id}/sets", json={"exercise": "squat", "load_kg": 80})
        # peak velocity loses 0, 6.25, 11.25 %; mean velocity holds (it is not what counts here)
        for index, peak in enumerate((1.60, 1.50, 1.42)):
            _post(http, clean.json()["id"], index, mean_velocity_m_s=1.0, peak_velocity_m_s=peak)
        _post(http, squat.json()["id"], 0, mean_velocity_m_s=0.7)
        _post(http, squat.json()["id"], 1, mean_velocity_m_s=0.6)  # 14.3 % loss
        url = f"/api/sessions/{session_id}/events?threshold_pct=30"  # the plan wins for the clean
        with http.stream("GET", url) as response:
            assert response.status_code == 200
            lines = sse_events(response.iter_lines())
            events = [sse_json(next(lines)) for _ in range(5)]
        bad = http.get(f"/api/sessions/{session_id}/events?threshold_pct=0")
        assert bad.status_code == 422 and "threshold_pct" in bad.text
    cues = [e["cue"] for e in events]
    assert [(c["stop"], c["threshold_pct"], c["threshold_source"], c["velocity_kind"]) for c in cues] == [
        (False, 10.0, "plan", "peak"),
        (False, 10.0, "plan", "peak"),
        (True, 10.0, "plan", "peak"),
        (False, 30.0, "query", "mean"),
        (False, 30.0, "query", "mean"),
    ]
    assert cues[2]["velocity_loss_pct"] == pytest.approx(11.25)
    assert cues[4]["velocity_loss_pct"] == pytest.approx(100 / 7)


@pytest.mark.parametrize(
    ("lift", "has_plan", "query", "expected"),
    [
        (Lift.POWER_CLEAN, True, 30.0, (10.0, "plan")),
        (Lift.POWER_CLEAN, False, 30.0, (30.0, "query")),
        (Lift.SQUAT, True, None, (20.0, "default")),
        (Lift.SQUAT, False, 40.0, (40.0, "query")),
    ],
)
def test_threshold_for(lift, has_plan, query, expected):
    assert threshold_for(lift, has_plan=has_plan, query_pct=query) == expected
