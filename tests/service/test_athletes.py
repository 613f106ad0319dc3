"""``/api/athletes``: create, read, update, list; 404 and 422 that a person can read."""

from __future__ import annotations

import pytest


def test_create_then_read_an_athlete(client):
    created = client.post("/api/athletes", json={"name": "  Ada  ", "body_mass_kg": 63.5})
    assert created.status_code == 201
    athlete = created.json()
    assert athlete["name"] == "Ada"
    assert athlete["body_mass_kg"] == 63.5
    assert athlete["created_at"].endswith("Z")
    assert client.get(f"/api/athletes/{athlete['id']}").json() == athlete


def test_patch_changes_only_the_keys_given(client):
    athlete = client.post("/api/athletes", json={"name": "Bo", "body_mass_kg": 80}).json()
    changed = client.patch(f"/api/athletes/{athlete['id']}", json={"body_mass_kg": 82.5})
    assert changed.status_code == 200
    assert changed.json()["name"] == "Bo"
    assert changed.json()["body_mass_kg"] == 82.5


def test_list_is_in_creation_order(client):
    for name in ("A", "B", "C"):
        client.post("/api/athletes", json={"name": name})
    assert [a["name"] for a in client.get("/api/athletes").json()] == ["A", "B", "C"]
    assert [a["name"] for a in client.get("/api/athletes?offset=1&limit=1").json()] == ["B"]


def test_an_unknown_athlete_is_a_404_naming_the_id(client):
    response = client.get("/api/athletes/4242")
    assert response.status_code == 404
    assert "4242" in response.json()["detail"]
    assert client.patch("/api/athletes/4242", json={"name": "X"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "name: Field required"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "at most 200 characters"),
        ({"name": "Ada\x00"}, "control characters"),
        ({"name": "Ada", "body_mass_kg": -3}, "body_mass_kg"),
        ({"name": "Ada", "body_mass_kg": "heavy"}, "body_mass_kg"),
        ({"name": "Ada", "age": 30}, "age is not a field"),
        ([1, 2], "valid dictionary"),
    ],
)
def test_bad_athletes_get_a_422_sentence(client, body, words):
    response = client.post("/api/athletes", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("The request is not valid:")
    assert words in detail


@pytest.mark.parametrize("athlete_id", ["abc", "0", "-1", "1.5", str(2**63)])
def test_ids_that_are_not_ids_are_422_not_500(client, athlete_id):
    response = client.get(f"/api/athletes/{athlete_id}")
    assert response.status_code == 422
    assert "athlete_id" in response.json()["detail"]
