"""Provisional reps (live mode): posted at once, replaced by their final metrics or deleted.

Known answers over the HTTP API: which post replaces, replays or conflicts (status, seq, values);
which reps the per-set figures, the history (JSON and CSV) and the stream see; the deletion rules and
the ``rep_deleted`` event on the WebSocket and the SSE twin.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from vbt.service.app import create_app

from .helpers import ThreadServer, rep_body, sse_events, sse_json
from .test_stream import TIMEOUT_S, receive_json


def _provisional(index: int, **kw: Any) -> dict[str, Any]:
    return {**rep_body(index, **kw), "provisional": True}


def _post(client: Any, set_id: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = client.post(f"/api/sets/{set_id}/reps", json=body)
    return response.status_code, response.json()


def test_a_provisional_rep_is_stored_flagged_and_left_out_of_the_set_figures(client, make_set):
    set_id = make_set()["id"]
    assert _post(client, set_id, rep_body(0, mean_velocity_m_s=0.80))[0] == 201
    status, stored = _post(client, set_id, _provisional(1, mean_velocity_m_s=0.40))
    assert status == 201
    assert (stored["provisional"], stored["seq"], stored["mean_velocity_m_s"]) == (True, 2, 0.40)

    listed = client.get(f"/api/sets/{set_id}/reps").json()
    assert [(r["index"], r["provisional"]) for r in listed] == [(0, False), (1, True)]
    detail = client.get(f"/api/sets/{set_id}").json()
    assert [r["provisional"] for r in detail["reps"]] == [False, True]
    assert detail["summary"]["rep_count"] == 1  # the summary is of final reps
    velocity = client.get(f"/api/sets/{set_id}/velocity").json()
    assert [r["index"] for r in velocity["reps"]] == [0]
    # with the provisional 0.40 the loss would be 50 %; final reps only: no loss
    assert velocity["velocity_loss_pct"] == 0.0
    assert velocity["best_mean_velocity_m_s"] == 0.80


def test_the_final_rep_replaces_the_provisional_one_under_a_new_seq(client, make_set):
    set_id = make_set()["id"]
    _post(client, set_id, _provisional(0, mean_velocity_m_s=0.82))
    _post(client, set_id, rep_body(1, client_rep_id="other"))  # seq 2
    status, final = _post(client, set_id, rep_body(0, mean_velocity_m_s=0.79))
    assert status == 200
    assert (final["provisional"], final["seq"], final["mean_velocity_m_s"]) == (False, 3, 0.79)
    assert final["client_rep_id"] == "rep-0"
    reps = client.get(f"/api/sets/{set_id}/reps").json()
    assert [(r["client_rep_id"], r["seq"], r["mean_velocity_m_s"]) for r in reps] == [
        ("rep-0", 3, 0.79),
        ("other", 2, 0.8),
    ]
    assert client.get(f"/api/sets/{set_id}/velocity").json()["best_mean_velocity_m_s"] == 0.8


def test_a_provisional_rep_may_be_replaced_by_another_provisional_body_and_move_to_a_free_index(
    client, make_set
):
    set_id = make_set()["id"]
    _post(client, set_id, _provisional(0))
    status, moved = _post(
        client, set_id, {**_provisional(2, mean_velocity_m_s=0.5), "client_rep_id": "rep-0"}
    )
    assert status == 200
    assert (moved["index"], moved["provisional"], moved["seq"], moved["mean_velocity_m_s"]) == (
        2,
        True,
        2,
        0.5,
    )
    # the freed index takes a new rep
    assert _post(client, set_id, rep_body(0, client_rep_id="new-0"))[0] == 201


def test_moving_a_provisional_rep_onto_a_taken_index_is_a_conflict_that_changes_nothing(client, make_set):
    set_id = make_set()["id"]
    _post(client, set_id, rep_body(0, client_rep_id="first"))
    _post(client, set_id, _provisional(1, client_rep_id="second"))
    status, answer = _post(client, set_id, {**rep_body(0), "client_rep_id": "second"})
    assert status == 409
    assert "rep index 0" in answer["detail"] and "'first'" in answer["detail"]
    reps = client.get(f"/api/sets/{set_id}/reps").json()
    assert [(r["client_rep_id"], r["index"], r["provisional"], r["seq"]) for r in reps] == [
        ("first", 0, False, 1),
        ("second", 1, True, 2),
    ]


def test_the_same_provisional_body_again_is_a_replay_with_the_same_seq(client, make_set):
    set_id = make_set()["id"]
    first = _post(client, set_id, _provisional(0))[1]
    status, again = _post(client, set_id, _provisional(0))
    assert status == 200
    assert again == first
    assert _post(client, set_id, rep_body(1))[1]["seq"] == 2  # the replay took no seq


def test_a_final_rep_keeps_todays_rules(client, make_set):
    set_id = make_set()["id"]
    final = _post(client, set_id, rep_body(0, mean_velocity_m_s=0.7))[1]
    assert _post(client, set_id, rep_body(0, mean_velocity_m_s=0.7)) == (200, final)
    status, answer = _post(client, set_id, rep_body(0, mean_velocity_m_s=0.6))
    assert status == 409 and "different values" in answer["detail"]
    # a stale provisional post of a rep that is final already never replaces it
    status, answer = _post(client, set_id, _provisional(0, mean_velocity_m_s=0.7))
    assert status == 409 and "cannot replace a final one" in answer["detail"]
    assert client.get(f"/api/sets/{set_id}/reps").json() == [final]


def test_a_final_rep_may_only_be_marked_suspect_with_the_same_values_and_never_back(client, make_set):
    set_id = make_set()["id"]
    _post(client, set_id, rep_body(0, mean_velocity_m_s=0.9))
    _post(client, set_id, rep_body(1, mean_velocity_m_s=0.7))
    assert client.get(f"/api/sets/{set_id}/velocity").json()["best_mean_velocity_m_s"] == 0.9
    doubt = ["filmed from the front: film from the side"]
    # the same values, only status and reasons: the stored final rep is marked, under a new seq
    status, marked = _post(
        client, set_id, {**rep_body(0, mean_velocity_m_s=0.9, status="suspect"), "suspect_reasons": doubt}
    )
    assert status == 200
    assert (marked["status"], marked["suspect_reasons"], marked["seq"], marked["provisional"]) == (
        "suspect",
        doubt,
        3,
        False,
    )
    assert client.get(f"/api/sets/{set_id}/velocity").json()["best_mean_velocity_m_s"] == 0.7  # not counted
    # the mark again is a replay; a mark that changes a value, has no reason, or unmarks is a conflict
    assert _post(
        client, set_id, {**rep_body(0, mean_velocity_m_s=0.9, status="suspect"), "suspect_reasons": doubt}
    ) == (200, marked)
    changed = {**rep_body(1, mean_velocity_m_s=0.71, status="suspect"), "suspect_reasons": doubt}
    assert _post(client, set_id, changed)[0] == 409
    assert _post(client, set_id, rep_body(1, mean_velocity_m_s=0.7, status="suspect"))[0] == 409
    assert _post(client, set_id, rep_body(0, mean_velocity_m_s=0.9))[0] == 409
    reps = client.get(f"/api/sets/{set_id}/reps").json()
    assert [(r["index"], r["status"]) for r in reps] == [(0, "suspect"), (1, "ok")]


def test_deleting_a_provisional_rep(client, make_set):
    set_id = make_set()["id"]
    _post(client, set_id, rep_body(0))
    _post(client, set_id, _provisional(1))
    deleted = client.delete(f"/api/sets/{set_id}/reps/rep-1")
    assert deleted.status_code == 204 and deleted.content == b""
    assert [r["client_rep_id"] for r in client.get(f"/api/sets/{set_id}/reps").json()] == ["rep-0"]
    assert client.delete(f"/api/sets/{set_id}/reps/rep-1").status_code == 204  # a retry is harmless
    # its index is free again, and its client_rep_id can be posted anew
    assert _post(client, set_id, _provisional(1, client_rep_id="rep-1b"))[0] == 201
    assert _post(client, set_id, _provisional(2, client_rep_id="rep-1"))[0] == 201

    final = client.delete(f"/api/sets/{set_id}/reps/rep-0")
    assert final.status_code == 409
    assert "final" in final.json()["detail"]
    unknown = client.delete(f"/api/sets/{set_id}/reps/never-posted")
    assert unknown.status_code == 404
    assert "never-posted" in unknown.json()["detail"]
    assert client.delete("/api/sets/999/reps/rep-1").status_code == 404
    assert client.delete(f"/api/sets/{set_id}/reps/has%20space").status_code == 422


def test_history_counts_final_reps_and_says_how_many_are_provisional(client, make_set):
    lift_set = make_set(exercise="bench", load_kg=60)
    set_id = lift_set["id"]
    _post(client, set_id, rep_body(0, mean_velocity_m_s=0.60))
    _post(client, set_id, _provisional(1, mean_velocity_m_s=0.30))
    athlete_id = client.get(f"/api/sessions/{lift_set['session_id']}").json()["athlete_id"]
    [item] = client.get(f"/api/athletes/{athlete_id}/sets").json()
    assert (item["rep_count"], item["provisional_rep_count"], item["best_mean_velocity_m_s"]) == (1, 1, 0.6)
    assert item["velocity_loss_pct"] == 0.0
    text = client.get(f"/api/athletes/{athlete_id}/sets?format=csv").text
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["rep_count"], row["provisional_rep_count"]) == ("1", "1")


def test_websocket_listeners_get_the_replaced_rep_again_and_the_deletion(client, make_set):
    lift_set = make_set()
    set_id = lift_set["id"]
    with client.websocket_connect(f"/api/sessions/{lift_set['session_id']}/stream") as ws:
        events = []  # each change is received before the next, so none is folded into a later one
        _post(client, set_id, _provisional(0, mean_velocity_m_s=0.80))
        events.append(receive_json(ws))
        _post(client, set_id, _provisional(1, mean_velocity_m_s=0.50))
        events.append(receive_json(ws))
        _post(client, set_id, rep_body(0, mean_velocity_m_s=0.78))
        events.append(receive_json(ws))
        assert client.delete(f"/api/sets/{set_id}/reps/rep-1").status_code == 204
        events.append(receive_json(ws))
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    assert [e["type"] for e in events] == ["rep", "rep", "rep", "rep_deleted"]
    assert [(e["rep"]["client_rep_id"], e["rep"]["provisional"]) for e in events[:3]] == [
        ("rep-0", True),
        ("rep-1", True),
        ("rep-0", False),
    ]
    assert events[2]["rep"]["mean_velocity_m_s"] == 0.78
    gone = events[3]
    assert (gone["set_id"], gone["client_rep_id"], gone["index"], gone["exercise"]) == (
        set_id,
        "rep-1",
        1,
        "squat",
    )
    # the cue is live feedback: it counts provisional reps (0.50 after 0.80: 37.5 % loss) ...
    assert events[1]["cue"]["velocity_loss_pct"] == pytest.approx(37.5) and events[1]["cue"]["stop"] is True
    # ... and after the deletion it is the set's cue without the deleted rep
    assert gone["cue"]["rep_count"] == 1 and gone["cue"]["stop"] is False

    # a listener that comes later sees today's state: the final rep once, then the deletion
    with client.websocket_connect(f"/api/sessions/{lift_set['session_id']}/stream") as late:
        replay = [receive_json(late) for _ in range(2)]
    assert [(e["type"], e["seq"]) for e in replay] == [("rep", 3), ("rep_deleted", 4)]


def test_the_sse_twin_names_deletions_rep_deleted(settings):
    with (
        ThreadServer(create_app(settings)) as server,
        httpx.Client(base_url=server.base_url, timeout=TIMEOUT_S) as http,
    ):
        athlete = http.post("/api/athletes", json={"name": "Ada"}).json()
        session = http.post("/api/sessions", json={"athlete_id": athlete["id"]}).json()
        set_id = http.post(
            f"/api/sessions/{session['id']}/sets", json={"exercise": "clean", "load_kg": 80}
        ).json()["id"]
        http.post(f"/api/sets/{set_id}/reps", json=_provisional(0))
        assert http.delete(f"/api/sets/{set_id}/reps/rep-0").status_code == 204
        with http.stream("GET", f"/api/sessions/{session['id']}/events") as response:
            stream = sse_events(response.iter_lines())
            got = [next(stream)]
    assert [(e["event"], e["id"]) for e in got] == [("rep_deleted", "2")]
    assert sse_json(got[0])["client_rep_id"] == "rep-0"


def test_the_openapi_document_describes_provisional_reps_deletion_and_the_events(client):
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    assert "provisional" in components["RepCreate"]["properties"]
    assert components["RepDeletedEvent"]["properties"]["type"]["const"] == "rep_deleted"
    assert "rep_deleted" in str(components["RepDeletedEvent"])
    assert set(schema["paths"]["/api/sets/{set_id}/reps/{client_rep_id}"]["delete"]["responses"]) >= {
        "204",
        "404",
        "409",
    }
    item = schema["paths"]["/api/sessions/{session_id}/events"]["get"]["responses"]["200"]["content"][
        "text/event-stream"
    ]["itemSchema"]
    refs = [x["$ref"] for x in item["properties"]["data"]["contentSchema"]["oneOf"]]
    assert refs == ["#/components/schemas/RepEvent", "#/components/schemas/RepDeletedEvent"]
