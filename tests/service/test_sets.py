"""Sets: creation and validation, the per-set velocity with hand-computed answers, an athlete's
history with filters, and its CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from vbt.service.history import CSV_COLUMNS

from .helpers import rep_body


def test_create_a_set(client, make_set):
    lift_set = make_set(exercise="power_clean", load_kg=72.5, performed_at="2025-03-01T10:00:00Z")
    assert lift_set["exercise"] == "power_clean"
    assert lift_set["load_kg"] == 72.5
    assert lift_set["performed_at"] == "2025-03-01T10:00:00Z"
    detail = client.get(f"/api/sets/{lift_set['id']}").json()
    assert detail["reps"] == []
    assert detail["summary"]["rep_count"] == 0
    assert detail["summary"]["best_mean_velocity_m_s"] is None


@pytest.mark.parametrize("exercise", ["front_squat", "romanian_deadlift", "hip_thrust", "clean_and_jerk"])
def test_the_catalogues_new_lifts_are_stored_and_read_back(client, make_set, exercise):
    lift_set = make_set(exercise=exercise, load_kg=60)
    assert client.get(f"/api/sets/{lift_set['id']}").json()["exercise"] == exercise


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Back Squat", "squat"),
        ("bench_press", "bench"),
        ("RDL", "romanian_deadlift"),
        ("Power-Clean", "power_clean"),
    ],
)
def test_a_set_s_lift_is_read_by_any_name_the_cli_takes(client, make_set, name, key):
    lift_set = make_set(exercise=name, load_kg=60)
    assert lift_set["exercise"] == key
    assert client.get(f"/api/sets/{lift_set['id']}").json()["exercise"] == key


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"exercise": "curl", "load_kg": 20}, "unknown lift 'curl': vbt knows squat, front_squat"),
        ({"exercise": "squat", "load_kg": -1}, "load_kg: Input should be greater than or equal to 0"),
        ({"exercise": "squat", "load_kg": 1000}, "load_kg: Input should be less than 1000"),
        ({"exercise": "squat"}, "load_kg: Field required"),
        ({"exercise": "squat", "load_kg": "100kg"}, "load_kg"),
        ({"exercise": "squat", "load_kg": 100, "performed_at": "yesterday"}, "performed_at"),
    ],
)
def test_bad_sets_get_a_422_sentence(client, make_set, body, words):
    session_id = make_set()["session_id"]
    response = client.post(f"/api/sessions/{session_id}/sets", json=body)
    assert response.status_code == 422
    assert words in response.json()["detail"]


def test_zero_load_is_allowed(make_set):
    assert make_set(load_kg=0)["load_kg"] == 0


def _post(client, set_id, body):
    response = client.post(f"/api/sets/{set_id}/reps", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_velocity_of_a_set_with_hand_computed_summary(client, make_set):
    lift_set = make_set(exercise="squat", load_kg=140)
    means = {0: 0.90, 1: 1.00, 2: 0.85, 3: 0.70}
    for index in (3, 0, 2, 1):  # arrival order must not matter: rep order is the index
        _post(
            client,
            lift_set["id"],
            rep_body(index, mean_velocity_m_s=means[index], peak_velocity_m_s=means[index] + 0.6),
        )
    _post(client, lift_set["id"], rep_body(4, mean_velocity_m_s=0.30, status="failed"))
    _post(
        client, lift_set["id"], rep_body(5, mean_velocity_m_s=None, peak_velocity_m_s=None, status="failed")
    )

    velocity = client.get(f"/api/sets/{lift_set['id']}/velocity").json()
    assert velocity["set_id"] == lift_set["id"]
    assert velocity["exercise"] == "squat"
    assert velocity["load_kg"] == 140
    assert [r["index"] for r in velocity["reps"]] == [0, 1, 2, 3, 4, 5]
    assert [r["mean_velocity_m_s"] for r in velocity["reps"]] == [0.9, 1.0, 0.85, 0.7, 0.3, None]
    assert velocity["reps"][0]["mean_propulsive_velocity_m_s"] == pytest.approx(0.95)
    assert velocity["reps"][0]["range_of_motion_m"] == 0.6
    assert velocity["rep_count"] == 4
    assert velocity["failed_rep_count"] == 2
    assert velocity["best_rep_index"] == 1
    assert velocity["best_mean_velocity_m_s"] == 1.0
    assert velocity["first_mean_velocity_m_s"] == 0.9
    assert velocity["last_mean_velocity_m_s"] == 0.7
    assert velocity["average_mean_velocity_m_s"] == pytest.approx(0.8625)
    assert velocity["velocity_loss_pct"] == pytest.approx(30.0)
    assert velocity["velocity_loss_from_first_pct"] == pytest.approx(200 / 9)
    assert velocity["best_peak_velocity_m_s"] == pytest.approx(1.6)
    assert velocity["peak_velocity_loss_pct"] == pytest.approx(18.75)

    detail = client.get(f"/api/sets/{lift_set['id']}").json()
    assert detail["summary"]["velocity_loss_pct"] == pytest.approx(30.0)
    assert [r["client_rep_id"] for r in detail["reps"]] == [f"rep-{i}" for i in range(6)]


def test_velocity_of_an_unknown_set_is_a_404_naming_it(client):
    response = client.get("/api/sets/31/velocity")
    assert response.status_code == 404
    assert "Set 31" in response.json()["detail"]


@pytest.fixture
def history(client, make_set):
    """One athlete's four sets over three weeks, and another athlete's set."""
    athlete_id = client.post("/api/athletes", json={"name": "Ada"}).json()["id"]
    plan = [
        ("squat", 100, "2025-03-01T10:00:00Z", 0.80),
        ("squat", 110, "2025-03-08T10:00:00Z", 0.70),
        ("bench", 60, "2025-03-08T11:00:00Z", 0.55),
        ("squat", 120, "2025-03-15T23:30:00Z", 0.60),
    ]
    ids = []
    for exercise, load, when, v in plan:
        lift_set = make_set(exercise=exercise, load_kg=load, performed_at=when, athlete_id=athlete_id)
        _post(client, lift_set["id"], rep_body(0, mean_velocity_m_s=v))
        _post(client, lift_set["id"], rep_body(1, mean_velocity_m_s=v - 0.1))
        ids.append(lift_set["id"])
    make_set(exercise="squat", load_kg=50)  # someone else
    return athlete_id, ids


def _loads(client, url, **params):
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return [item["load_kg"] for item in response.json()]


def test_history_filters_by_exercise_and_time(client, history):
    athlete_id, _ = history
    url = f"/api/athletes/{athlete_id}/sets"
    assert _loads(client, url) == [100, 110, 60, 120]
    assert _loads(client, url, exercise="squat") == [100, 110, 120]
    assert _loads(client, url, since="2025-03-08") == [110, 60, 120]
    assert _loads(client, url, until="2025-03-08") == [100, 110, 60]  # the whole day
    assert _loads(client, url, until="2025-03-08T10:30:00Z") == [100, 110]
    assert _loads(client, url, since="2025-03-08T10:00:00Z", until="2025-03-08T10:00:01Z") == [110]
    assert _loads(client, url, since="2025-03-15T23:00:00-01:00") == []  # 16 March, 00:00 UTC
    assert _loads(client, url, exercise="bench", since="2025-03-02") == [60]


def test_history_items_carry_the_set_summary(client, history):
    athlete_id, ids = history
    first = client.get(f"/api/athletes/{athlete_id}/sets").json()[0]
    assert first["set_id"] == ids[0]
    assert first["rep_count"] == 2
    assert first["best_mean_velocity_m_s"] == 0.8
    assert first["velocity_loss_pct"] == pytest.approx(12.5)


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"since": "last week"}, "since='last week' is not a date"),
        ({"until": "2025-02-30"}, "until='2025-02-30' is not a date"),
        ({"exercise": "curl"}, "exercise"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_history_filters_are_422(client, history, params, words):
    response = client.get(f"/api/athletes/{history[0]}/sets", params=params)
    assert response.status_code == 422
    assert words in response.json()["detail"]


def test_history_of_an_unknown_athlete_is_a_404(client):
    assert client.get("/api/athletes/5/sets").status_code == 404


@pytest.mark.parametrize(
    ("params", "headers"),
    [({"format": "csv"}, {}), ({}, {"Accept": "text/csv"}), ({}, {"Accept": "text/csv, */*;q=0.1"})],
)
def test_history_as_csv(client, history, params, headers):
    athlete_id, ids = history
    response = client.get(
        f"/api/athletes/{athlete_id}/sets", params={"exercise": "squat", **params}, headers=headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f"athlete-{athlete_id}-sets.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [int(r["set_id"]) for r in rows] == [ids[0], ids[1], ids[3]]
    assert [float(r["load_kg"]) for r in rows] == [100, 110, 120]
    assert rows[0]["performed_at"] == "2025-03-01T10:00:00Z"
    assert float(rows[0]["best_mean_velocity_m_s"]) == 0.8
    assert float(rows[0]["velocity_loss_pct"]) == pytest.approx(12.5)


def test_csv_leaves_missing_values_empty(client, make_set):
    lift_set = make_set()
    _post(client, lift_set["id"], rep_body(0, mean_velocity_m_s=None, status="failed"))
    athlete_id = lift_set["athlete_id"]
    rows = list(csv.DictReader(io.StringIO(client.get(f"/api/athletes/{athlete_id}/sets?format=csv").text)))
    assert rows[0]["rep_count"] == "0"
    assert rows[0]["failed_rep_count"] == "1"
    assert rows[0]["best_mean_velocity_m_s"] == ""
    assert rows[0]["best_rep_index"] == ""


def test_json_is_the_default_even_for_browsers(client, history):
    response = client.get(
        f"/api/athletes/{history[0]}/sets", headers={"Accept": "text/html,application/json"}
    )
    assert response.headers["content-type"] == "application/json"
