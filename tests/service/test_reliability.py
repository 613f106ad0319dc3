"""Reliability against a real server process on loopback: a SIGKILL mid-ingest loses no acknowledged
rep; 20 concurrent writers and 5 stream listeners lose nothing, duplicate nothing, keep the order."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from .helpers import ServerProcess, rep_body, sse_events, sse_json

TIMEOUT_S = 20.0


@pytest.fixture
def server(database_url, tmp_path):
    process = ServerProcess(database_url, tmp_path / "server.log")
    process.start()
    yield process
    process.stop()


def _new_sets(base_url: str, count: int) -> tuple[int, list[int]]:
    with httpx.Client(base_url=base_url, timeout=TIMEOUT_S) as http:
        athlete = http.post("/api/athletes", json={"name": "Ada"}).json()
        session = http.post("/api/sessions", json={"athlete_id": athlete["id"]}).json()
        set_ids = [
            http.post(
                f"/api/sessions/{session['id']}/sets", json={"exercise": "squat", "load_kg": 100 + i}
            ).json()["id"]
            for i in range(count)
        ]
    return session["id"], set_ids


def test_no_acknowledged_rep_is_lost_when_the_server_is_killed_mid_ingest(server):
    _, (set_id,) = _new_sets(server.base_url, 1)
    url = f"{server.base_url}/api/sets/{set_id}/reps"
    attempted: list[str] = []
    acknowledged: list[str] = []
    refused: list[int] = []

    def ingest() -> None:
        with httpx.Client(timeout=5.0) as http:
            for index in range(10_000):
                client_rep_id = f"rep-{index}"
                attempted.append(client_rep_id)
                try:
                    response = http.post(url, json=rep_body(index, client_rep_id=client_rep_id))
                except httpx.TransportError:
                    return  # the server is gone
                if response.status_code in (200, 201):
                    acknowledged.append(client_rep_id)
                else:
                    refused.append(response.status_code)

    writer = threading.Thread(target=ingest)
    writer.start()
    deadline = time.monotonic() + TIMEOUT_S
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()
    writer.join(timeout=TIMEOUT_S)
    assert not writer.is_alive()
    assert len(acknowledged) >= 40
    assert refused == []

    server.start()  # same database file
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT_S) as http:
        stored = http.get(f"/api/sets/{set_id}/reps").json()
        stored_ids = [r["client_rep_id"] for r in stored]
        assert set(acknowledged) <= set(stored_ids)
        assert len(stored_ids) == len(set(stored_ids))
        # the rep in flight at the kill may or may not be there; retrying it is safe either way
        for index, client_rep_id in enumerate(attempted):
            if client_rep_id not in acknowledged:
                retry = http.post(
                    f"/api/sets/{set_id}/reps", json=rep_body(index, client_rep_id=client_rep_id)
                )
                assert retry.status_code in (200, 201)
        final = http.get(f"/api/sets/{set_id}/reps").json()
    assert [r["client_rep_id"] for r in final] == attempted
    assert [r["seq"] for r in final] == list(range(1, len(attempted) + 1))  # no gap, no double


def test_twenty_writers_and_five_listeners_lose_nothing_and_keep_order(server):
    writers, reps_per_writer, listeners = 20, 8, 5
    total = writers * reps_per_writer
    session_id, set_ids = _new_sets(server.base_url, writers)
    ws_url = server.base_url.replace("http://", "ws://") + f"/api/sessions/{session_id}/stream"
    sse_url = f"{server.base_url}/api/sessions/{session_id}/events"
    heard: list[list[dict[str, Any]]] = [[] for _ in range(listeners)]
    ready = threading.Barrier(listeners + 1, timeout=TIMEOUT_S)
    failures: list[BaseException] = []

    def listen_ws(seen: list[dict[str, Any]]) -> None:
        with connect(ws_url, open_timeout=TIMEOUT_S) as ws:
            ready.wait()
            while len(seen) < total:
                seen.append(json.loads(ws.recv(timeout=TIMEOUT_S)))

    def listen_sse(seen: list[dict[str, Any]]) -> None:
        with httpx.Client(timeout=TIMEOUT_S) as http, http.stream("GET", sse_url) as response:
            ready.wait()
            for event in sse_events(response.iter_lines()):
                seen.append(sse_json(event))
                if len(seen) == total:
                    return

    def guarded(target: Any, *args: Any) -> None:
        try:
            target(*args)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    listening = [
        threading.Thread(target=guarded, args=(listen_ws if i < 3 else listen_sse, heard[i]))
        for i in range(listeners)
    ]
    for thread in listening:
        thread.start()
    ready.wait()

    statuses: list[int] = []

    def write(set_id: int) -> None:
        with httpx.Client(base_url=server.base_url, timeout=TIMEOUT_S) as http:
            for index in range(reps_per_writer):
                body = rep_body(index, client_rep_id=f"{set_id}-{index}")
                statuses.append(http.post(f"/api/sets/{set_id}/reps", json=body).status_code)

    writing = [threading.Thread(target=guarded, args=(write, s)) for s in set_ids]
    for thread in writing:
        thread.start()
    for thread in writing + listening:
        thread.join(timeout=2 * TIMEOUT_S)
    assert failures == []
    assert statuses == [201] * total

    expected = {f"{s}-{i}" for s in set_ids for i in range(reps_per_writer)}
    for seen in heard:
        assert [e["seq"] for e in seen] == list(range(1, total + 1))
        assert {e["rep"]["client_rep_id"] for e in seen} == expected
        for set_id in set_ids:  # each writer's reps arrive in the order it posted them
            assert [e["rep"]["index"] for e in seen if e["set_id"] == set_id] == list(range(reps_per_writer))
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT_S) as http:
        stored = sum(len(http.get(f"/api/sets/{s}/reps").json()) for s in set_ids)
    assert stored == total
