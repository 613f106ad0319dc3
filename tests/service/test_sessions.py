"""``/api/sessions``: start a session for an athlete, read it with its sets."""

from __future__ import annotations


def test_a_session_lists_its_sets_in_order(client):
    athlete = client.post("/api/athletes", json={"name": "Ada"}).json()
    session = client.post(
        "/api/sessions",
        json={"athlete_id": athlete["id"], "started_at": "2025-03-01T09:30:00+01:00", "notes": "heavy"},
    )
    assert session.status_code == 201
    session_id = session.json()["id"]
    assert session.json()["started_at"] == "2025-03-01T08:30:00Z"  # stored and shown as UTC
    for load in (60, 80, 100):
        client.post(f"/api/sessions/{session_id}/sets", json={"exercise": "squat", "load_kg": load})
    detail = client.get(f"/api/sessions/{session_id}").json()
    assert detail["notes"] == "heavy"
    assert [s["load_kg"] for s in detail["sets"]] == [60, 80, 100]
    assert {s["athlete_id"] for s in detail["sets"]} == {athlete["id"]}
    listed = client.get(f"/api/athletes/{athlete['id']}/sessions").json()
    assert [s["id"] for s in listed] == [session_id]


def test_a_session_for_an_unknown_athlete_is_a_404(client):
    response = client.post("/api/sessions", json={"athlete_id": 77})
    assert response.status_code == 404
    assert "Athlete 77" in response.json()["detail"]


def test_an_unknown_session_is_a_404_naming_it(client):
    assert "Session 9" in client.get("/api/sessions/9").json()["detail"]
    response = client.post("/api/sessions/9/sets", json={"exercise": "squat", "load_kg": 50})
    assert response.status_code == 404
    assert "Session 9" in response.json()["detail"]


def test_a_naive_start_time_is_taken_as_utc(client):
    athlete = client.post("/api/athletes", json={"name": "Ada"}).json()
    session = client.post(
        "/api/sessions", json={"athlete_id": athlete["id"], "started_at": "2025-03-01T09:30:00"}
    ).json()
    assert session["started_at"] == "2025-03-01T09:30:00Z"
