"""``POST /api/sets/{id}/reps``: the report's keys, idempotent on client_rep_id, physical bounds."""

from __future__ import annotations

import json
import math

import pytest

from vbt.report.json_report import to_jsonable
from vbt.service.convert import rep_metrics
from vbt.types import RepMetrics, RepStatus, TripleExtension

from .helpers import rep_body, triple_extension_body


@pytest.fixture
def set_id(make_set):
    return make_set(exercise="power_clean", load_kg=80)["id"]


def test_a_new_rep_is_201_and_a_retry_is_200_with_the_stored_rep(client, set_id):
    body = rep_body(0, triple_extension=triple_extension_body())
    first = client.post(f"/api/sets/{set_id}/reps", json=body)
    assert first.status_code == 201
    again = client.post(f"/api/sets/{set_id}/reps", json=body)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert len(client.get(f"/api/sets/{set_id}/reps").json()) == 1


def test_a_retry_with_the_keys_in_another_order_or_ints_for_floats_is_the_same_rep(client, set_id):
    body = rep_body(0, mean_velocity_m_s=1.0)
    assert client.post(f"/api/sets/{set_id}/reps", json=body).status_code == 201
    shuffled = dict(reversed(list(body.items())))
    shuffled["mean_velocity_m_s"] = 1  # JSON 1 and 1.0 are the same number
    assert client.post(f"/api/sets/{set_id}/reps", json=shuffled).status_code == 200


def test_the_same_client_rep_id_with_other_values_is_409(client, set_id):
    client.post(f"/api/sets/{set_id}/reps", json=rep_body(0, mean_velocity_m_s=0.8))
    response = client.post(f"/api/sets/{set_id}/reps", json=rep_body(0, mean_velocity_m_s=0.9))
    assert response.status_code == 409
    assert "'rep-0'" in response.json()["detail"]
    stored = client.get(f"/api/sets/{set_id}/reps").json()
    assert [r["mean_velocity_m_s"] for r in stored] == [0.8]


def test_a_second_rep_with_a_taken_index_is_409(client, set_id):
    client.post(f"/api/sets/{set_id}/reps", json=rep_body(0))
    response = client.post(f"/api/sets/{set_id}/reps", json=rep_body(0, client_rep_id="other"))
    assert response.status_code == 409
    assert "index 0" in response.json()["detail"]


def test_the_same_client_rep_id_in_another_set_is_another_rep(client, make_set):
    a, b = make_set()["id"], make_set()["id"]
    assert client.post(f"/api/sets/{a}/reps", json=rep_body(0)).status_code == 201
    assert client.post(f"/api/sets/{b}/reps", json=rep_body(0)).status_code == 201


def test_reps_are_numbered_per_session_in_the_order_they_are_stored(client, make_set):
    lift_set = make_set()
    second = client.post(
        f"/api/sessions/{lift_set['session_id']}/sets", json={"exercise": "squat", "load_kg": 90}
    ).json()
    seqs = [
        client.post(f"/api/sets/{sid}/reps", json=rep_body(i)).json()["seq"]
        for i, sid in [(0, lift_set["id"]), (0, second["id"]), (1, lift_set["id"])]
    ]
    assert seqs == [1, 2, 3]
    # a rejected or replayed rep does not use up a number
    client.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(1))
    client.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(1, mean_velocity_m_s=0.1))
    assert client.post(f"/api/sets/{second['id']}/reps", json=rep_body(1)).json()["seq"] == 4


def test_a_rep_from_the_analysis_report_round_trips_to_the_core_type(client, set_id, settings):
    nan = math.nan
    extension = TripleExtension(
        1.5,
        1.52,
        nan,
        178.0,
        172.5,
        nan,
        ("hip", "knee"),
        nan,
        -0.02,
        0.0,
        nan,
        False,
        True,
        14.0,
        1.3,
        0.21,
    )
    metrics = RepMetrics(
        3,
        1.25,
        2.0,
        RepStatus.OK,
        1.31,
        1.45,
        2.2,
        0.55,
        1.02,
        0.75,
        0.61,
        0.07,
        1012.5,
        2400.0,
        1.05,
        0.92,
        extension,
    )
    body = to_jsonable(metrics) | {"client_rep_id": "0b7d2a4e-3c1f-4f5e-9a8b-1d2c3e4f5a6b"}
    assert body["triple_extension"]["ankle_peak_s"] is None  # NaN is null in JSON
    response = client.post(f"/api/sets/{set_id}/reps", json=body)
    assert response.status_code == 201, response.text
    public = response.json()
    assert {k: public[k] for k in body} == body
    with client.app.state.read_sessions() as db:
        from vbt.service.models import Rep

        row = db.get(Rep, public["id"])
        assert row is not None
        assert row.mean_velocity_m_s == 1.31
        assert row.peak_velocity_m_s == 2.2
        back = rep_metrics(json.loads(row.body_json))
    assert to_jsonable(back) == to_jsonable(metrics)
    assert math.isnan(back.triple_extension.ankle_peak_s)


def test_a_rep_with_only_the_required_keys_stores_nulls(client, set_id):
    body = {"client_rep_id": "min", "index": 0, "start_s": 0.0, "end_s": 0.5, "status": "failed"}
    response = client.post(f"/api/sets/{set_id}/reps", json=body)
    assert response.status_code == 201
    assert response.json()["mean_velocity_m_s"] is None
    assert response.json()["triple_extension"] is None


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"mean_velocity_m_s": 42.0}, "mean_velocity_m_s: Input should be less than or equal to 10"),
        ({"peak_velocity_m_s": -11}, "peak_velocity_m_s: Input should be greater than or equal to -10"),
        ({"range_of_motion_m": 7.5}, "range_of_motion_m"),
        ({"duration_s": -0.1}, "duration_s"),
        ({"mean_power_w": 1e6}, "mean_power_w"),
        ({"status": "great"}, "status: Input should be 'ok', 'failed' or 'suspect'"),
        ({"index": -1}, "index"),
        ({"index": 2**70}, "index"),
        ({"end_s": 0.5, "start_s": 0.9}, "end_s (0.5) must be later than start_s (0.9)"),
        ({"client_rep_id": ""}, "client_rep_id"),
        ({"client_rep_id": "has space"}, "client_rep_id"),
        ({"client_rep_id": "x" * 101}, "client_rep_id"),
        ({"mean_velocity_ms": 0.8}, "mean_velocity_ms is not a field"),
        ({"mean_velocity_m_s": "fast"}, "mean_velocity_m_s"),
        ({"triple_extension": {"order": ["hip"]}}, "triple_extension.double_knee_bend: Field required"),
        (
            {"triple_extension": triple_extension_body() | {"order": ["hip", "hip"]}},
            "order names a joint twice",
        ),
        ({"triple_extension": triple_extension_body() | {"knee_peak_deg": 400}}, "knee_peak_deg"),
        ({"triple_extension": triple_extension_body() | {"order": ["elbow"]}}, "order.0"),
    ],
)
def test_nonsense_gets_a_clear_422(client, set_id, change, words):
    response = client.post(f"/api/sets/{set_id}/reps", json=rep_body(0) | change)
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]
    assert client.get(f"/api/sets/{set_id}/reps").json() == []


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_refused_with_advice_to_send_null(client, set_id, literal):
    text = json.dumps(rep_body(0)).replace('"peak_velocity_m_s": 1.4', f'"peak_velocity_m_s": {literal}')
    response = client.post(
        f"/api/sets/{set_id}/reps", content=text, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "send null" in response.json()["detail"]


def test_reps_of_an_unknown_set_are_404(client):
    response = client.post("/api/sets/808/reps", json=rep_body(0))
    assert response.status_code == 404
    assert "Set 808" in response.json()["detail"]
    assert client.get("/api/sets/808/reps").status_code == 404


def test_a_huge_body_is_413_with_a_sentence(client, set_id):
    response = client.post(
        f"/api/sets/{set_id}/reps",
        content=b'{"client_rep_id": "' + b"x" * 2_000_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
