"""The live stream: every committed rep reaches every listener of its session, in order, once.

WebSocket through the TestClient; the SSE twin through a real uvicorn server on a loopback port.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest
from starlette.testclient import WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from vbt.service.app import create_app
from vbt.service.auth import create_token
from vbt.service.settings import Settings
from vbt.service.stream.fanout import StreamHub

from .helpers import ThreadServer, new_set, rep_body, sse_events, sse_json

TIMEOUT_S = 10.0


async def _receive_within(stream: Any, timeout_s: float) -> Any:
    with anyio.fail_after(timeout_s):
        return await stream.receive()


def receive_json(ws: Any) -> dict[str, Any]:
    """``ws.receive_json()`` that fails after TIMEOUT_S instead of waiting for ever."""
    message = ws.portal.call(_receive_within, ws._send_rx, TIMEOUT_S)
    assert message["type"] == "websocket.send", message
    data = json.loads(message["text"])
    assert isinstance(data, dict)
    return data


def _rep(client, set_id, index, **kw):
    response = client.post(f"/api/sets/{set_id}/reps", json=rep_body(index, **kw))
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_two_websocket_listeners_get_old_and_new_reps_in_order(client, make_set):
    lift_set = make_set(exercise="bench", load_kg=70)
    set_id, session_id = lift_set["id"], lift_set["session_id"]
    _rep(client, set_id, 0, mean_velocity_m_s=0.61)  # stored before anyone listens
    url = f"/api/sessions/{session_id}/stream"
    with client.websocket_connect(url) as coach, client.websocket_connect(url) as wall:
        first = [receive_json(coach), receive_json(wall)]
        for index, v in [(1, 0.58), (2, 0.52)]:
            _rep(client, set_id, index, mean_velocity_m_s=v)
        events = {
            "coach": first[:1] + [receive_json(coach) for _ in range(2)],
            "wall": first[1:] + [receive_json(wall) for _ in range(2)],
        }
    for seen in events.values():
        assert [e["seq"] for e in seen] == [1, 2, 3]
        assert [e["rep"]["index"] for e in seen] == [0, 1, 2]
        assert [e["rep"]["mean_velocity_m_s"] for e in seen] == [0.61, 0.58, 0.52]
        assert {(e["type"], e["set_id"], e["exercise"], e["load_kg"]) for e in seen} == {
            ("rep", set_id, "bench", 70)
        }


def test_a_listener_can_start_after_a_seq(client, make_set):
    lift_set = make_set()
    for index in range(3):
        _rep(client, lift_set["id"], index)
    session = client.get(f"/api/sessions/{lift_set['session_id']}").json()
    assert session["last_rep_seq"] == 3
    with client.websocket_connect(f"/api/sessions/{lift_set['session_id']}/stream?after=2") as ws:
        assert receive_json(ws)["seq"] == 3
        _rep(client, lift_set["id"], 3)
        assert receive_json(ws)["seq"] == 4


def test_rejected_and_replayed_reps_are_not_broadcast(client, make_set):
    lift_set = make_set()
    with client.websocket_connect(f"/api/sessions/{lift_set['session_id']}/stream") as ws:
        _rep(client, lift_set["id"], 0)
        _rep(client, lift_set["id"], 0)  # a retry: 200, nothing new
        conflict = client.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(0, mean_velocity_m_s=0.1))
        assert conflict.status_code == 409
        _rep(client, lift_set["id"], 1)
        seen = [receive_json(ws), receive_json(ws)]
    assert [(e["seq"], e["rep"]["index"]) for e in seen] == [(1, 0), (2, 1)]


def test_listeners_of_other_sessions_hear_nothing(client, make_set):
    mine, other = make_set(), make_set()
    with client.websocket_connect(f"/api/sessions/{other['session_id']}/stream") as ws:
        _rep(client, mine["id"], 0)
        _rep(client, other["id"], 0, client_rep_id="theirs")
        event = receive_json(ws)
    assert (event["session_id"], event["rep"]["client_rep_id"]) == (other["session_id"], "theirs")


def test_a_closed_listener_is_forgotten(client, make_set):
    lift_set = make_set()
    hub: StreamHub = client.app.state.hub
    with client.websocket_connect(f"/api/sessions/{lift_set['session_id']}/stream") as ws:
        _rep(client, lift_set["id"], 0)
        receive_json(ws)
        assert hub.listener_count(lift_set["session_id"]) == 1
    for _ in range(100):  # the server notices the close asynchronously
        if hub.listener_count(lift_set["session_id"]) == 0:
            break
        threading.Event().wait(0.02)
    assert hub.listener_count(lift_set["session_id"]) == 0


def test_the_stream_of_an_unknown_session_is_refused_with_a_404(client):
    with (
        pytest.raises(WebSocketDenialResponse) as caught,
        client.websocket_connect("/api/sessions/12345/stream"),
    ):
        pass
    assert caught.value.status_code == 404
    assert "Session 12345" in caught.value.json()["detail"]


def test_a_session_id_that_is_not_an_id_closes_the_socket_as_a_policy_violation(client):
    with (
        pytest.raises(WebSocketDisconnect) as caught,
        client.websocket_connect("/api/sessions/zero/stream") as ws,
    ):
        ws.receive_json()
    assert caught.value.code == 1008


# ------------------------------------------------------------------ SSE on a real server


def _events(response: httpx.Response) -> Iterator[dict[str, str]]:
    """The events of one response; keep the iterator (closing it closes the response)."""
    return sse_events(response.iter_lines())


def _next(events: Iterator[dict[str, str]], count: int) -> list[dict[str, str]]:
    return [next(events) for _ in range(count)]


def test_sse_twin_on_a_real_server(settings):
    with (
        ThreadServer(create_app(settings)) as server,
        httpx.Client(base_url=server.base_url, timeout=TIMEOUT_S) as http,
    ):
        lift_set = new_set(http, exercise="snatch", load_kg=60)
        url = f"/api/sessions/{lift_set['session_id']}/events"
        http.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(0))
        with http.stream("GET", url) as one, http.stream("GET", url) as two:
            assert one.status_code == 200
            assert one.headers["content-type"].startswith("text/event-stream")
            for index in (1, 2):
                http.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(index))
            got_one, got_two = _next(_events(one), 3), _next(_events(two), 3)
        for got in (got_one, got_two):
            assert [e["event"] for e in got] == ["rep"] * 3
            assert [e["id"] for e in got] == ["1", "2", "3"]
            assert [sse_json(e)["rep"]["index"] for e in got] == [0, 1, 2]
            assert {sse_json(e)["exercise"] for e in got} == {"snatch"}

        # a reconnecting EventSource sends Last-Event-ID and gets only what it missed
        http.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(3))
        with http.stream("GET", url, headers={"Last-Event-ID": "2"}) as again:
            assert [e["id"] for e in _next(_events(again), 2)] == ["3", "4"]

        missing = http.get("/api/sessions/999/events")
        assert missing.status_code == 404
        assert "Session 999" in missing.json()["detail"]


def test_open_sse_streams_hold_no_database_connection(database_url):
    """A stream holds no connection (nor a read snapshot that would keep the WAL from being
    checkpointed) while it waits; 20 listeners must not exhaust the pool."""
    token = create_token(database_url, name="wall")
    app = create_app(Settings(database_url=database_url, require_token_for_reads=True))
    with (
        ThreadServer(app) as server,
        httpx.Client(base_url=server.base_url, timeout=TIMEOUT_S) as http,
        contextlib.ExitStack() as streams,
    ):
        athlete = http.post("/api/athletes", json={"name": "Ada"}).json()
        session = http.post("/api/sessions", json={"athlete_id": athlete["id"]}).json()
        lift_set = http.post(
            f"/api/sessions/{session['id']}/sets", json={"exercise": "squat", "load_kg": 60}
        ).json()
        http.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(0))
        url = f"/api/sessions/{session['id']}/events"
        auth = {"Authorization": f"Bearer {token}"}
        opened = [_events(streams.enter_context(http.stream("GET", url, headers=auth))) for _ in range(20)]
        for events in opened:
            assert [e["id"] for e in _next(events, 1)] == ["1"]
        assert app.state.engine.pool.checkedout() == 0
        assert app.state.hub.listener_count(session["id"]) == 20
        http.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(1))
        for events in opened:
            assert [e["id"] for e in _next(events, 1)] == ["2"]
