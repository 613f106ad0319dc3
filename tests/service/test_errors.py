"""Errors are JSON sentences with the right 4xx; fuzzed rep bodies never cause a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from vbt.errors import CalibrationError, InputError, ServiceError, VbtError
from vbt.service.app import create_app
from vbt.service.errors import AuthError, ConflictError, NotFoundError, describe_validation_errors
from vbt.service.settings import Settings

from .conftest import TestClient
from .helpers import rep_body


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFoundError("Set 3 does not exist."), 404),
        (ConflictError("taken"), 409),
        (AuthError("who are you"), 401),
        (InputError("bad file"), 422),
        (ServiceError("db down"), 503),
        (CalibrationError("no plate"), 400),
        (VbtError("anything else"), 400),
    ],
)
def test_vbt_errors_become_4xx_json_with_their_message(tmp_path, error, status):
    app = create_app(Settings(database_url=str(tmp_path / "vbt.sqlite3")))

    @app.get("/boom")
    def boom() -> None:
        raise error

    with TestClient(app) as client:
        response = client.get("/boom")
    assert response.status_code == status
    assert response.json() == {"detail": str(error)}


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("INSERT ...", {}, Exception("database is locked")),
        PoolTimeoutError("QueuePool limit of size 5 overflow 10 reached"),
    ],
)
def test_a_busy_or_unreachable_database_is_a_503_asking_to_retry(tmp_path, error):
    app = create_app(Settings(database_url=str(tmp_path / "vbt.sqlite3")))

    @app.get("/locked")
    def locked() -> None:
        raise error

    with TestClient(app) as client:
        response = client.get("/locked")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert "Retry" in response.json()["detail"]


def test_even_a_bug_answers_with_a_json_sentence(tmp_path):
    app = create_app(Settings(database_url=str(tmp_path / "vbt.sqlite3")))

    @app.get("/bug")
    def bug() -> None:
        raise ZeroDivisionError

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/bug")
    assert response.status_code == 500
    assert "bug" in response.json()["detail"]


def test_a_streamed_body_over_the_limit_is_stopped_with_a_413(tmp_path):
    settings = Settings(database_url=str(tmp_path / "vbt.sqlite3"), max_body_bytes=10_000)

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/api/athletes", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413
        assert "too large" in response.json()["detail"]
        assert client.get("/api/athletes").json() == []


def test_validation_sentences_are_short_even_for_many_errors():
    errors = [{"loc": ("body", f"f{i}"), "msg": "Field required", "type": "missing"} for i in range(30)]
    text = describe_validation_errors(errors)
    assert text.startswith("The request is not valid: f0: Field required; f1:")
    assert text.endswith("and 20 more problems.")


# ------------------------------------------------------------------ fuzz


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory) -> Iterator[tuple[TestClient, int]]:
    path = tmp_path_factory.mktemp("fuzz") / "vbt.sqlite3"
    with TestClient(create_app(Settings(database_url=str(path)))) as client:
        athlete = client.post("/api/athletes", json={"name": "Fuzz"}).json()
        session = client.post("/api/sessions", json={"athlete_id": athlete["id"]}).json()
        lift_set = client.post(
            f"/api/sessions/{session['id']}/sets", json={"exercise": "clean", "load_kg": 90}
        ).json()
        yield client, lift_set["id"]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
keys = st.sampled_from([*list(rep_body(0)), "extra", ""])


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.dictionaries(keys, json_values, max_size=4), drop=st.sets(keys, max_size=3))
def test_fuzzed_rep_bodies_never_cause_a_500(fuzz_client, changes, drop):
    client, set_id = fuzz_client
    body = {k: v for k, v in rep_body(0, client_rep_id="fuzz").items() if k not in drop} | changes
    response = client.post(f"/api/sets/{set_id}/reps", json=body)
    assert response.status_code in (200, 201, 409, 422), response.text
    assert isinstance(response.json().get("detail", ""), str)
