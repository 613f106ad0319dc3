"""Access: bearer tokens (stored hashed) for writes beyond loopback, optional for reads; CORS."""

from __future__ import annotations

import hashlib

import pytest
from starlette.testclient import WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from vbt.errors import InputError
from vbt.service.app import create_app
from vbt.service.auth import create_token, revoke_tokens
from vbt.service.settings import Settings

from .conftest import TestClient
from .helpers import rep_body


@pytest.fixture
def db_url(database_url):
    return database_url


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_beyond_loopback_writes_need_a_write_token_and_reads_a_read_token(db_url):
    writer = create_token(db_url, name="platform-1")
    reader = create_token(db_url, name="wall", scope="read")
    settings = Settings(database_url=db_url, host="0.0.0.0")
    with TestClient(create_app(settings)) as client:
        refused = client.post("/api/athletes", json={"name": "Ada"})
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        assert "vbt token create" in refused.json()["detail"]
        wrong = client.post("/api/athletes", json={"name": "Ada"}, headers=_bearer("vbt_guess"))
        assert wrong.status_code == 401
        assert "not known" in wrong.json()["detail"]
        created = client.post("/api/athletes", json={"name": "Ada"}, headers=_bearer(writer))
        assert created.status_code == 201
        athlete = f"/api/athletes/{created.json()['id']}"
        assert client.get(athlete).status_code == 401
        assert client.get(athlete, headers=_bearer(reader)).status_code == 200
        assert client.get(athlete, headers=_bearer(writer)).status_code == 200  # write includes read
        health = client.get("/api/health").json()
        assert health["writes_need_token"] is True and health["reads_need_token"] is True


def test_an_explicit_setting_opens_reads_beyond_loopback(db_url):
    settings = Settings(database_url=db_url, host="0.0.0.0", require_token_for_reads=False)
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/athletes").status_code == 200
        assert client.post("/api/athletes", json={"name": "Ada"}).status_code == 401


def test_on_loopback_writes_need_no_token_by_default(client):
    assert client.post("/api/athletes", json={"name": "Ada"}).status_code == 201
    assert client.get("/api/health").json()["writes_need_token"] is False


def test_tokens_are_stored_only_as_their_sha256(tmp_path):
    db_url = f"sqlite:///{tmp_path}/vbt.sqlite3"
    token = create_token(db_url, name="wall screen")
    assert token.startswith("vbt_")
    assert len(token) > 40
    assert create_token(db_url, name="wall screen") != token
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("vbt.sqlite3*"))
    assert token.encode() not in raw
    assert hashlib.sha256(token.encode()).hexdigest().encode() in raw


def test_a_revoked_token_stops_working(db_url):
    token = create_token(db_url, name="old laptop")
    assert revoke_tokens(db_url, name="old laptop") == 1
    settings = Settings(database_url=db_url, require_token_for_writes=True)
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/athletes", json={"name": "Ada"}, headers=_bearer(token))
        assert response.status_code == 401


def test_a_token_needs_a_name(db_url):
    with pytest.raises(InputError, match="1 to 100 characters"):
        create_token(db_url, name="  ")


def test_closed_reads_need_a_token_everywhere_including_the_stream(db_url):
    token = create_token(db_url, name="coach")
    settings = Settings(database_url=db_url, require_token_for_reads=True)
    with TestClient(create_app(settings)) as client:
        athlete = client.post("/api/athletes", json={"name": "Ada"}).json()  # loopback write
        session = client.post("/api/sessions", json={"athlete_id": athlete["id"]}).json()
        lift_set = client.post(
            f"/api/sessions/{session['id']}/sets", json={"exercise": "squat", "load_kg": 100}
        ).json()
        client.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(0))
        assert client.get(f"/api/athletes/{athlete['id']}").status_code == 401
        assert client.get(f"/api/sets/{lift_set['id']}/velocity").status_code == 401
        assert client.get(f"/api/sessions/{session['id']}/events").status_code == 401
        ok = client.get(f"/api/sets/{lift_set['id']}/velocity", headers=_bearer(token))
        assert ok.status_code == 200
        stream = f"/api/sessions/{session['id']}/stream"
        with (
            pytest.raises(WebSocketDenialResponse) as caught,
            client.websocket_connect(stream, headers=_bearer("x")),
        ):
            pass
        assert caught.value.status_code == 401
        with client.websocket_connect(stream) as ws:
            ws.send_json({"token": "vbt_guess"})
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
        assert closed.value.code == 1008 and "not known" in closed.value.reason
        with client.websocket_connect(stream) as ws:  # the token as the first message
            ws.send_json({"token": token})
            assert ws.receive_json()["seq"] == 1
        with client.websocket_connect(stream, headers=_bearer(token)) as ws:
            assert ws.receive_json()["seq"] == 1


def test_cors_allows_only_the_configured_origins(tmp_path):
    settings = Settings(database_url=str(tmp_path / "vbt.sqlite3"), cors_origins=("http://gym.local:8080",))
    preflight = {"Access-Control-Request-Method": "POST"}
    with TestClient(create_app(settings)) as client:
        allowed = client.options("/api/athletes", headers={"Origin": "http://gym.local:8080", **preflight})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "http://gym.local:8080"
        other = client.options("/api/athletes", headers={"Origin": "http://evil.example", **preflight})
        assert "access-control-allow-origin" not in other.headers
        get = client.get("/api/health", headers={"Origin": "http://gym.local:8080"})
        assert get.headers["access-control-allow-origin"] == "http://gym.local:8080"


def test_without_cors_origins_no_cors_headers_are_sent(client):
    response = client.get("/api/health", headers={"Origin": "http://gym.local"})
    assert "access-control-allow-origin" not in response.headers


def test_the_token_commands_create_list_and_revoke_with_scopes(tmp_path, capsys):
    import argparse

    from vbt.cli import token as token_command

    parser = argparse.ArgumentParser()
    token_command.add_command(parser.add_subparsers())
    db = str(tmp_path / "vbt.sqlite3")

    def run(*argv):
        args = parser.parse_args(list(argv))
        assert args.handler(args) == 0
        return capsys.readouterr().out

    token = run("token", "create", "wall", "--scope", "read", "--db", db).strip()
    run("token", "create", "camera", "--db", db)
    assert token.startswith("vbt_")
    assert run("token", "list", "--db", db) == "wall\tread\ncamera\twrite\n"
    assert "revoked 1 token(s) named 'wall'" in run("token", "revoke", "wall", "--db", db)
    with pytest.raises(SystemExit):
        parser.parse_args(["token", "create", "x", "--scope", "root"])
