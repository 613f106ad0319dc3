"""``/api/athletes/{id}/profile | recommendation | plan | maxes | thresholds`` on a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.service.helpers import rep_body, triple_extension_body

from .conftest import TestClient


def athlete(client: TestClient) -> int:
    response = client.post("/api/athletes", json={"name": "Runner"})
    assert response.status_code == 201
    return int(response.json()["id"])


def add_set(
    client: TestClient,
    athlete_id: int,
    *,
    exercise: str,
    load_kg: float,
    velocities: list[float],
    peak: bool = False,
    performed_at: datetime | None = None,
    complete: bool = True,
) -> int:
    body: dict[str, Any] = {"athlete_id": athlete_id}
    if performed_at is not None:
        body["started_at"] = performed_at.isoformat()
    session = client.post("/api/sessions", json=body).json()
    set_body: dict[str, Any] = {"exercise": exercise, "load_kg": load_kg}
    if performed_at is not None:
        set_body["performed_at"] = performed_at.isoformat()
    lift_set = client.post(f"/api/sessions/{session['id']}/sets", json=set_body).json()
    for i, v in enumerate(velocities):
        extension = dict(triple_extension_body(), complete=complete) if peak else None
        rep = rep_body(i, mean_velocity_m_s=v / 2 if peak else v, peak_velocity_m_s=v if peak else v + 0.5)
        rep["triple_extension"] = extension
        response = client.post(f"/api/sets/{lift_set['id']}/reps", json=rep)
        assert response.status_code == 201, response.text
    return int(lift_set["id"])


def squat_line(client: TestClient, athlete_id: int, loads: tuple[float, ...] = (40, 60, 80, 100)) -> None:
    for load in loads:  # best rep on v = 1.5 - 0.01 L, a slower rep after it
        best = 1.5 - 0.01 * load
        add_set(client, athlete_id, exercise="squat", load_kg=load, velocities=[best, best - 0.05])


def test_the_profile_of_stored_sets(client: TestClient) -> None:
    a = athlete(client)
    squat_line(client, a)
    response = client.get(f"/api/athletes/{a}/profile", params={"exercise": "squat"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["n_sets"] == 4 and body["velocity_kind"] == "mean"
    assert body["slope_m_s_per_kg"] == pytest.approx(-0.01)
    assert body["intercept_m_s"] == pytest.approx(1.5)
    assert body["r_squared"] == pytest.approx(1.0)
    assert body["one_rm"]["value_kg"] == pytest.approx(120.0)  # 0.30 m/s squat threshold
    assert body["one_rm"]["source"] == "profile"
    assert body["one_rm"]["low_kg"] < 120 < body["one_rm"]["high_kg"]
    assert body["zones"][0]["zone"] == "absolute_strength"
    two = client.get(f"/api/athletes/{a}/profile", params={"exercise": "squat", "method": "two_point"}).json()
    assert two["one_rm"]["confidence"] == "unknown" and two["r_squared"] is None


def test_a_tested_max_and_an_own_threshold_change_the_1rm(client: TestClient) -> None:
    a = athlete(client)
    squat_line(client, a)
    response = client.put(f"/api/athletes/{a}/thresholds/squat", json={"velocity_m_s": 0.25})
    assert response.status_code == 200
    own = client.get(f"/api/athletes/{a}/profile", params={"exercise": "squat"}).json()
    assert own["one_rm"]["value_kg"] == pytest.approx(125.0)
    assert own["one_rm"]["mvt_source"] == "athlete's own threshold"
    client.put(f"/api/athletes/{a}/thresholds/squat", json={"velocity_m_s": 0.30})
    assert (
        client.post(f"/api/athletes/{a}/maxes", json={"exercise": "squat", "load_kg": 115}).status_code == 201
    )
    tested = client.get(f"/api/athletes/{a}/profile", params={"exercise": "squat"}).json()
    assert (tested["one_rm"]["value_kg"], tested["one_rm"]["source"]) == (115.0, "tested")
    assert tested["estimated_one_rm"]["value_kg"] == pytest.approx(120.0)  # own threshold still wins
    assert len(client.get(f"/api/athletes/{a}/maxes").json()) == 1


def test_too_few_sets_and_flat_profiles_say_what_is_missing(client: TestClient) -> None:
    a = athlete(client)
    response = client.get(f"/api/athletes/{a}/profile", params={"exercise": "bench"})
    assert response.status_code == 422
    assert "needs at least 3 sets" in response.json()["detail"]
    for load in (40, 60, 80):
        add_set(client, a, exercise="bench", load_kg=load, velocities=[0.8])
    flat = client.get(f"/api/athletes/{a}/profile", params={"exercise": "bench"})
    assert flat.status_code == 422 and "is flat with load" in flat.json()["detail"]
    assert client.get("/api/athletes/999/profile", params={"exercise": "bench"}).status_code == 404


def test_the_recommendation_for_a_target_velocity_or_zone(client: TestClient) -> None:
    a = athlete(client)
    squat_line(client, a)
    rec = client.get(
        f"/api/athletes/{a}/recommendation", params={"exercise": "squat", "target_velocity_m_s": 0.76}
    )
    assert rec.status_code == 200, rec.text
    body = rec.json()
    assert (body["load"], body["unit"], body["source"]) == (72.5, "kg", "profile")
    assert body["plates_per_side"] == [25.0, 1.25]
    assert body["stop_at_velocity_loss_pct"] == 20.0
    zone = client.get(
        f"/api/athletes/{a}/recommendation",
        params={"exercise": "squat", "zone": "strength_speed", "goal": "power"},
    ).json()
    assert zone["target_velocity_m_s"] == pytest.approx(0.875) and zone["load"] == 62.5
    assert zone["stop_at_velocity_loss_pct"] == 10.0
    lb = client.get(
        f"/api/athletes/{a}/recommendation",
        params={"exercise": "squat", "target_velocity_m_s": 0.75, "unit": "lb"},
    ).json()
    assert lb["load"] == 165.0
    outside = client.get(
        f"/api/athletes/{a}/recommendation", params={"exercise": "squat", "target_velocity_m_s": 0.3}
    )
    assert outside.status_code == 422 and "does not extrapolate" in outside.json()["detail"]
    missing = client.get(f"/api/athletes/{a}/recommendation", params={"exercise": "squat"})
    assert missing.status_code == 422 and "target_velocity_m_s or zone" in missing.json()["detail"]


def test_readiness_moves_the_recommended_load(client: TestClient) -> None:
    a = athlete(client)
    before = datetime.now(UTC) - timedelta(days=10)
    for i, v in enumerate((0.90, 0.92, 0.88)):  # warm-ups at 60 kg, mean 0.90 m/s
        add_set(
            client, a, exercise="squat", load_kg=60, velocities=[v], performed_at=before + timedelta(days=i)
        )
    squat_line(client, a, (40, 80, 100))
    params = {
        "exercise": "squat",
        "target_velocity_m_s": 0.7,
        "warmup_load_kg": 60,
        "warmup_velocity_m_s": 0.96,
    }
    body = client.get(f"/api/athletes/{a}/recommendation", params=params).json()
    assert body["readiness"]["adjustment_pct"] > 0
    assert body["load"] > 80.0 and "readiness" in body["reason"]


def plan_body(**extra: Any) -> dict[str, Any]:
    return {
        "start_date": "2026-01-05",
        "weekdays": [1, 3],
        "key_runs": [{"weekday": 2, "start_time": "07:00"}],
        "prerequisites": {
            "deadlift_competent": True,
            "front_squat_competent": True,
            "shoulder_mobility": True,
        },
        "one_rm_kg": 70,
        "one_rm_tested": True,
        **extra,
    }


def test_the_plan_round_trip_moves_sessions_and_starts_with_the_empty_bar(client: TestClient) -> None:
    a = athlete(client)
    assert client.get(f"/api/athletes/{a}/plan").status_code == 404
    next_monday = date.today() + timedelta(days=7 - date.today().weekday())
    response = client.put(f"/api/athletes/{a}/plan", json=plan_body(start_date=next_monday.isoformat()))
    assert response.status_code == 200, response.text
    plan = client.get(f"/api/athletes/{a}/plan").json()
    assert plan["settings"]["weekdays"] == [1, 3] and plan["one_rm"] == 70.0
    assert len(plan["weeks"]) == 12
    first = plan["weeks"][0]["sessions"][0]
    assert first["status"] == "moved" and "key run" in first["reason"]
    assert first["when"] == f"{next_monday.isoformat()}T18:00:00"
    assert first["load_status"] == "next"
    clean = first["exercises"][0]
    assert (clean["name"], clean["load"], clean["superset_with"]) == ("power_clean", 20.0, "box_jump")
    last = plan["weeks"][-1]["sessions"][-1]["exercises"][0]
    assert last["load"] == 55.0  # projected to the 80 % ceiling of 70 kg, rounded down
    blocked = client.put(f"/api/athletes/{a}/plan", json=plan_body(prerequisites={})).json()
    assert blocked["weeks"] == [] and "deadlift competence" in blocked["blocked_by"]
    bad = client.put(f"/api/athletes/{a}/plan", json=plan_body(weekdays=[1, 1]))
    assert bad.status_code == 422 and "one or two different days" in bad.json()["detail"]


def test_the_plan_follows_stored_power_cleans(client: TestClient) -> None:
    a = athlete(client)
    monday = date.today() - timedelta(days=date.today().weekday())
    start = monday - timedelta(days=14)
    client.put(f"/api/athletes/{a}/plan", json=plan_body(start_date=start.isoformat(), key_runs=[]))
    for day, load in ((0, 20.0), (3, 20.0)):  # week 1 at the bar, fast and complete
        when = datetime.combine(start + timedelta(days=day), datetime.min.time(), tzinfo=UTC) + timedelta(
            hours=18
        )
        add_set(
            client,
            a,
            exercise="power_clean",
            load_kg=load,
            velocities=[2.0, 2.0, 1.95],
            peak=True,
            performed_at=when,
        )
    plan = client.get(f"/api/athletes/{a}/plan").json()
    assert [s["decision"] for s in plan["steps"]] == ["hold", "increase"]
    assert plan["current_load"] == 25.0
    rec = client.get(f"/api/athletes/{a}/recommendation", params={"exercise": "power_clean"}).json()
    assert (rec["source"], rec["load"]) == ("plan", 25.0)
    assert "velocity and extension held" in rec["reason"]


def test_a_one_off_key_run_moves_that_week_s_session(client: TestClient) -> None:
    a = athlete(client)
    body = plan_body(
        start_date="2099-01-05", key_runs=[], key_run_dates=["2099-01-09T09:00"]
    )  # a Friday race
    plan = client.put(f"/api/athletes/{a}/plan", json=body).json()
    thursday = plan["weeks"][0]["sessions"][-1]
    assert thursday["status"] == "moved" and "Fri 2099-01-09 09:00" in thursday["reason"]
    assert all(s["status"] == "planned" for w in plan["weeks"][1:] for s in w["sessions"])
    bad = client.put(f"/api/athletes/{a}/plan", json=plan_body(key_run_dates=["2099-02-30T09:00"]))
    assert bad.status_code == 422 and "key_run_dates" in bad.json()["detail"]


def test_a_plan_without_a_1rm_or_prerequisites_says_so(client: TestClient) -> None:
    a = athlete(client)
    plan = client.put(f"/api/athletes/{a}/plan", json=plan_body(one_rm_kg=None, one_rm_tested=False)).json()
    assert plan["one_rm"] is None
    assert plan["one_rm_source"].startswith("none: no tested 1RM and too few power-clean sets")
    assert any("ceiling cannot be enforced" in n for n in plan["notes"])
    client.put(f"/api/athletes/{a}/plan", json=plan_body(prerequisites={"shoulder_mobility": True}))
    rec = client.get(f"/api/athletes/{a}/recommendation", params={"exercise": "power_clean"})
    assert rec.status_code == 422 and "waits for: deadlift competence" in rec.json()["detail"]
