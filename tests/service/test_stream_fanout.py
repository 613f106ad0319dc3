"""The stream's fan-out: one reader per session, bounded listener queues, linear replay, and (on
PostgreSQL) ``LISTEN/NOTIFY`` between replicas.

The stream polls only every 60 s here, so a rep that arrives within the tests' timeout was delivered
by a wake-up (this process's, or another replica's notification), not by a poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest

from vbt.progression.profile import VelocityKind
from vbt.progression.rules import stop_set_cue
from vbt.service.app import create_app
from vbt.service.convert import rep_metrics
from vbt.service.settings import Settings
from vbt.service.stream.events import SessionEvents
from vbt.service.stream.fanout import FanoutSettings, Message, SlowListenerError, StreamHub, follow

from .helpers import ThreadServer, new_set, rep_body, sse_events, sse_json
from .test_stream import TIMEOUT_S, _receive_within, receive_json

NO_POLL_S = 60.0


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, stream_poll_s=NO_POLL_S)


def _post(client: Any, set_id: int, index: int, **kw: Any) -> None:
    response = client.post(f"/api/sets/{set_id}/reps", json=rep_body(index, **kw))
    assert response.status_code in (200, 201), response.text


def test_a_new_rep_wakes_the_session_s_one_reader_and_reaches_every_listener(client, make_set):
    lift_set = make_set()
    set_id, session_id = lift_set["id"], lift_set["session_id"]
    url = f"/api/sessions/{session_id}/stream"
    with (
        client.websocket_connect(url) as one,
        client.websocket_connect(url) as two,
        client.websocket_connect(url + "?threshold_pct=5") as strict,
    ):
        _post(client, set_id, 0, mean_velocity_m_s=0.80)
        first = [receive_json(ws) for ws in (one, two, strict)]
        hub: StreamHub = client.app.state.hub
        assert (hub.reader_count(), hub.listener_count(session_id)) == (1, 3)
        _post(client, set_id, 1, mean_velocity_m_s=0.74)  # 7.5 % below the best
        second = [receive_json(ws) for ws in (one, two, strict)]
    assert [e["seq"] for e in first + second] == [1, 1, 1, 2, 2, 2]
    assert [e["cue"]["stop"] for e in second] == [False, False, True]
    assert [e["cue"]["threshold_pct"] for e in second] == [20, 20, 5]


def _set_reps(client: Any, set_id: int) -> list[dict[str, Any]]:
    reps: list[dict[str, Any]] = client.get(f"/api/sets/{set_id}/reps").json()
    return reps


def test_a_paged_replay_gives_each_rep_the_cue_of_its_set_so_far(client, make_set):
    squat = make_set()
    session_id = squat["session_id"]
    clean = client.post(
        f"/api/sessions/{session_id}/sets", json={"exercise": "power_clean", "load_kg": 60}
    ).json()
    velocities = [0.9, 0.85, 0.95, 0.7, 0.8, 0.6, 0.75]
    for index, v in enumerate(velocities):  # two sets, interleaved
        _post(client, squat["id"], index, mean_velocity_m_s=v, status="failed" if index == 4 else "ok")
        _post(client, clean["id"], index, peak_velocity_m_s=2 * v, client_rep_id=f"clean-{index}")
    sessions = client.app.state.read_sessions
    replay = SessionEvents(session_id, after_seq=3, limit=2)  # pages of 2 from the middle
    messages: list[Message] = []
    complete = False
    while not complete:
        with sessions() as db:
            out, complete = replay.read(db, (None,))
        messages += out[None]
    events = [json.loads(m.json) for m in messages]
    assert [e["seq"] for e in events] == list(range(4, 2 * len(velocities) + 1))
    stored = {s["id"]: [rep_metrics(r) for r in _set_reps(client, s["id"])] for s in (squat, clean)}
    for event in events:
        kind = VelocityKind.MEAN if event["set_id"] == squat["id"] else VelocityKind.PEAK
        so_far = stored[event["set_id"]][: event["rep"]["index"] + 1]
        expected = stop_set_cue(so_far, 20.0, kind=kind)
        assert event["cue"]["rep_count"] == expected.rep_count
        assert event["cue"]["stop"] == expected.stop
        assert event["cue"]["reason"] == expected.reason


def test_a_listener_that_falls_behind_is_dropped_and_the_others_get_everything(client, make_set):
    lift_set = make_set()
    set_id, session_id = lift_set["id"], lift_set["session_id"]
    _post(client, set_id, 0)

    async def scenario() -> tuple[list[int], str]:
        hub = StreamHub(
            client.app.state.read_sessions, settings=FanoutSettings(poll_s=NO_POLL_S, listener_queue=3)
        )
        await hub.start()
        fast = follow(hub, session_id)
        slow = follow(hub, session_id)
        seen: list[int] = []
        try:
            assert (await anext(slow)).seq == 1  # then it stops reading
            for index in range(1, 6):
                await asyncio.to_thread(_post, client, set_id, index)
                hub.notify(session_id)
                with anyio.fail_after(TIMEOUT_S):
                    while not seen or seen[-1] < index + 1:
                        seen.append((await anext(fast)).seq)
            with anyio.fail_after(TIMEOUT_S), pytest.raises(SlowListenerError) as dropped:
                await anext(slow)
            return seen, str(dropped.value)
        finally:
            await _close(fast, slow)
            hub.close()

    seen, reason = asyncio.run(scenario())
    assert seen == [1, 2, 3, 4, 5, 6]
    assert "over 3 messages behind" in reason
    assert "?after=1" in reason


def test_a_dropped_websocket_listener_is_closed_with_1013_and_told_where_to_resume(client, make_set):
    lift_set = make_set()
    set_id, session_id = lift_set["id"], lift_set["session_id"]
    _post(client, set_id, 0)
    client.app.state.hub.settings = FanoutSettings(poll_s=NO_POLL_S, listener_queue=0)  # no room at all
    with client.websocket_connect(f"/api/sessions/{session_id}/stream") as ws:
        assert receive_json(ws)["seq"] == 1  # the replay is the listener's own
        _post(client, set_id, 1)
        closing = ws.portal.call(_receive_within, ws._send_rx, TIMEOUT_S)
    assert (closing["type"], closing["code"]) == ("websocket.close", 1013)
    assert closing["reason"] == "too slow: over 0 messages behind; reconnect with ?after=1"


def test_a_dropped_sse_listener_gets_a_dropped_event_with_the_reason(settings):
    app = create_app(settings)
    with ThreadServer(app) as server, httpx.Client(base_url=server.base_url, timeout=TIMEOUT_S) as http:
        lift_set = new_set(http)
        http.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(0))
        app.state.hub.settings = FanoutSettings(poll_s=NO_POLL_S, listener_queue=0)
        with http.stream("GET", f"/api/sessions/{lift_set['session_id']}/events") as stream:
            events = sse_events(stream.iter_lines())
            assert next(events)["id"] == "1"
            http.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(1))
            dropped = next(events)
    assert dropped["event"] == "dropped"
    assert sse_json(dropped) == {"detail": "too slow: over 0 messages behind; reconnect with ?after=1"}


async def _close(*streams: AsyncIterator[Message]) -> None:
    for stream in streams:
        with contextlib.suppress(Exception):
            await stream.aclose()  # type: ignore[attr-defined]


def test_a_provisional_rep_moved_to_another_index_leaves_the_live_cue(client, make_set):
    lift_set = make_set()
    set_id, session_id = lift_set["id"], lift_set["session_id"]
    with client.websocket_connect(f"/api/sessions/{session_id}/stream") as ws:
        client.post(
            f"/api/sets/{set_id}/reps", json={**rep_body(0, mean_velocity_m_s=1.0), "provisional": True}
        )
        assert receive_json(ws)["cue"]["rep_count"] == 1
        moved = {**rep_body(2, mean_velocity_m_s=0.5, client_rep_id="rep-0"), "provisional": True}
        assert client.post(f"/api/sets/{set_id}/reps", json=moved).status_code == 200
        cue = receive_json(ws)["cue"]
    assert (cue["rep_count"], cue["best_velocity_m_s"], cue["velocity_loss_pct"]) == (1, 0.5, 0.0)


def test_replicas_on_one_postgresql_hear_each_other_s_reps_in_order(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY between replicas needs PostgreSQL")
    settings = Settings(database_url=database_url, stream_poll_s=NO_POLL_S)
    n = 12
    app_a = create_app(settings)
    with (
        ThreadServer(app_a) as a,
        ThreadServer(create_app(settings)) as b,
        httpx.Client(base_url=b.base_url, timeout=TIMEOUT_S) as via_b,
        httpx.Client(base_url=a.base_url, timeout=TIMEOUT_S) as on_a,
    ):
        lift_set = new_set(via_b)
        via_b.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(0))
        with on_a.stream("GET", f"/api/sessions/{lift_set['session_id']}/events") as stream:
            events = sse_events(stream.iter_lines())
            got = [sse_json(next(events))]  # subscribed on A
            for index in range(1, n):
                assert via_b.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(index)).status_code == 201
            got += [sse_json(next(events)) for _ in range(1, n)]
            # The notification connections are cut (a database restart): they come back, and a rep
            # posted meanwhile still arrives.
            with app_a.state.engine.connect() as db:
                cut = db.exec_driver_sql(_CUT_LISTENERS).scalars().all()
            assert cut == [True, True]
            assert via_b.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(n)).status_code == 201
            got.append(sse_json(next(events)))
    assert [e["seq"] for e in got] == list(range(1, n + 2))
    assert [e["rep"]["client_rep_id"] for e in got] == [f"rep-{i}" for i in range(n + 1)]


_CUT_LISTENERS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = current_database() AND query = 'LISTEN vbt_stream'"
)
