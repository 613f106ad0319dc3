"""Hostile callers: a foreign web page, a rebound Host, no token, a token of the wrong scope, a token
in a URL, a stalled upload, too many uploads at once, and who may read the files the server makes."""

from __future__ import annotations

import logging
import socket
import stat
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import WebSocketDenialResponse

from vbt.errors import InputError
from vbt.service.app import create_app
from vbt.service.auth import COOKIE_NAME, create_token
from vbt.service.doors import RedactTokens, host_matches, host_name
from vbt.service.private import make_private_dir
from vbt.service.settings import Settings, settings_from_env

from .conftest import TestClient
from .helpers import ThreadServer

EVIL = "http://evil.example"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _session(client: TestClient, headers: dict[str, str] | None = None) -> int:
    athlete = client.post("/api/athletes", json={"name": "Ada"}, headers=headers).json()
    response = client.post("/api/sessions", json={"athlete_id": athlete["id"]}, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_foreign_page_can_neither_write_nor_open_a_websocket(client: TestClient) -> None:
    refused = client.post("/api/athletes", json={"name": "Mallory"}, headers={"Origin": EVIL})
    assert refused.status_code == 403
    assert "evil.example" in refused.json()["detail"] and "VBT_CORS_ORIGINS" in refused.json()["detail"]
    sandboxed = client.post("/api/athletes", json={"name": "Mallory"}, headers={"Origin": "null"})
    assert sandboxed.status_code == 403
    assert client.get("/api/athletes").json() == []  # nothing was stored
    session_id = _session(client)  # no Origin: a script, live mode
    own_page = client.post("/api/athletes", json={"name": "Ada"}, headers={"Origin": "http://127.0.0.1"})
    assert own_page.status_code == 201  # the dashboard's own pages (same host and port)
    for path in (f"/api/sessions/{session_id}/stream", f"/api/sessions/{session_id}/frames"):
        with (
            pytest.raises(WebSocketDenialResponse) as denied,
            client.websocket_connect(path, headers={"Origin": EVIL}),
        ):
            pass
        assert denied.value.status_code == 403
    with client.websocket_connect(
        f"/api/sessions/{session_id}/stream", headers={"Origin": "http://127.0.0.1"}
    ):
        pass


def test_an_origin_in_the_cors_settings_may_write(tmp_path: Path) -> None:
    settings = Settings(database_url=str(tmp_path / "vbt.sqlite3"), cors_origins=("http://gym.local:8080",))
    with TestClient(create_app(settings)) as client:
        headers = {"Origin": "http://gym.local:8080"}
        assert client.post("/api/athletes", json={"name": "Ada"}, headers=headers).status_code == 201
        assert client.post("/api/athletes", json={"name": "Ada"}, headers={"Origin": EVIL}).status_code == 403


def test_a_rebound_host_is_refused_everywhere(client: TestClient) -> None:
    session_id = _session(client)
    rebound = {"Host": "evil.example:8000"}
    refused = client.get("/api/athletes", headers=rebound)
    assert refused.status_code == 400
    assert "'evil.example'" in refused.json()["detail"] and "--allowed-host" in refused.json()["detail"]
    assert client.get("/", headers=rebound).status_code == 400  # the pages too
    with (
        pytest.raises(WebSocketDenialResponse) as denied,
        client.websocket_connect(f"/api/sessions/{session_id}/stream", headers=rebound),
    ):
        pass
    assert denied.value.status_code == 400
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "LOCALHOST."):
        assert client.get("/api/athletes", headers={"Host": host}).status_code == 200, host


def test_a_configured_host_name_is_served_and_then_reads_and_writes_need_tokens(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path}/vbt.sqlite3"
    reader = create_token(db_url, name="screen", scope="read")
    settings = Settings(database_url=db_url, allowed_hosts=("gym.example.org",))  # behind a proxy
    assert settings.exposed and settings.writes_need_token and settings.reads_need_token
    with TestClient(create_app(settings), base_url="http://gym.example.org") as client:
        assert client.get("/api/athletes").status_code == 401
        assert client.get("/api/athletes", headers=_bearer(reader)).status_code == 200
        assert client.post("/api/athletes", json={"name": "Ada"}).status_code == 401
        assert client.get("/api/athletes", headers={"Host": "other.example.org"}).status_code == 400


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:8000", "127.0.0.1"),
        ("[::1]:8000", "::1"),
        ("Gym.Local.", "gym.local"),
        ("", ""),
        ("::1", "::1"),
    ],
)
def test_host_names_are_read_without_port_case_or_final_dot(header: str, name: str) -> None:
    assert host_name(header) == name


def test_host_patterns_match_subdomains_only_when_asked() -> None:
    assert host_matches("a.example.org", {"*.example.org"})
    assert not host_matches("example.org.evil", {"*.example.org"})
    assert not host_matches("", {"*"})
    assert host_matches("anything", {"*"})


def test_no_token_and_the_wrong_scope_are_refused_beyond_loopback(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path}/vbt.sqlite3"
    tokens = {
        scope: create_token(db_url, name=f"t-{scope}", scope=scope) for scope in ("read", "write", "admin")
    }
    with TestClient(create_app(Settings(database_url=db_url, host="0.0.0.0"))) as client:
        assert client.get("/api/athletes").status_code == 401
        assert client.get("/api/athletes", headers=_bearer(tokens["read"])).status_code == 200
        refused = client.post("/api/athletes", json={"name": "Ada"}, headers=_bearer(tokens["read"]))
        assert refused.status_code == 403
        assert "read scope" in refused.json()["detail"] and "--scope write" in refused.json()["detail"]
        assert (
            client.post("/api/athletes", json={"name": "Ada"}, headers=_bearer(tokens["write"])).status_code
            == 201
        )
        assert client.get("/api/tokens", headers=_bearer(tokens["write"])).status_code == 403
        admin = _bearer(tokens["admin"])
        listed = client.get("/api/tokens", headers=admin).json()
        assert [(t["name"], t["scope"]) for t in listed] == [
            ("t-read", "read"),
            ("t-write", "write"),
            ("t-admin", "admin"),
        ]
        created = client.post("/api/tokens", json={"name": "wall", "scope": "read"}, headers=admin)
        assert created.status_code == 201
        assert client.get("/api/athletes", headers=_bearer(created.json()["token"])).status_code == 200
        assert client.delete("/api/tokens/wall", headers=admin).json() == {"revoked": 1}
        assert client.get("/api/athletes", headers=_bearer(created.json()["token"])).status_code == 401


def test_a_token_in_a_url_is_refused_and_kept_out_of_the_log(client: TestClient) -> None:
    session_id = _session(client)
    for query in ("access_token=vbt_secret", "after=0&token=vbt_secret"):
        refused = client.get(f"/api/sessions/{session_id}?{query}")
        assert refused.status_code == 400
        assert "Authorization" in refused.json()["detail"]
        with (
            pytest.raises(WebSocketDenialResponse) as denied,
            client.websocket_connect(f"/api/sessions/{session_id}/stream?{query}"),
        ):
            pass
        assert denied.value.status_code == 400
    # uvicorn's access log line for that request, through the filter `vbt serve` installs
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/sessions/1/events?after=3&access_token=vbt_secret", "1.1", 400), None,
    )  # fmt: skip
    assert RedactTokens().filter(record)
    assert "vbt_secret" not in record.getMessage()
    assert "access_token=[redacted]" in record.getMessage() and "after=3" in record.getMessage()


def test_pages_sign_in_with_an_http_only_cookie(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path}/vbt.sqlite3"
    token = create_token(db_url, name="coach", scope="read")
    with TestClient(create_app(Settings(database_url=db_url, require_token_for_reads=True))) as client:
        session_id = _session(client)
        assert client.post("/api/auth/cookie", json={"token": "vbt_guess"}).status_code == 401
        csrf = client.post("/api/auth/cookie", json={"token": token}, headers={"Origin": EVIL})
        assert csrf.status_code == 403  # a foreign page cannot sign the browser in either
        assert client.get(f"/api/sessions/{session_id}").status_code == 401
        signed_in = client.post("/api/auth/cookie", json={"token": token})
        assert signed_in.json() == {
            "name": "coach",
            "scope": "read",
            "created_at": signed_in.json()["created_at"],
        }
        cookie = signed_in.headers["set-cookie"].lower()
        assert f"{COOKIE_NAME}=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
        assert client.get(f"/api/sessions/{session_id}").status_code == 200  # the cookie goes along
        with client.websocket_connect(f"/api/sessions/{session_id}/stream"):
            pass  # accepted at once: the cookie authenticates the WebSocket too
        assert client.delete("/api/auth/cookie").status_code == 204
        client.cookies.clear()  # what the browser does with the expired cookie
        assert client.get(f"/api/sessions/{session_id}").status_code == 401


def _stalled_upload(base_url: str, *, declared_bytes: int = 1_000_000) -> socket.socket:
    """Open an upload that sends its headers and the start of its body, then nothing."""
    host, port = httpx.URL(base_url).host, httpx.URL(base_url).port
    sock = socket.create_connection((host, port or 80), timeout=10)
    start = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n'
        b"Content-Type: video/mp4\r\n\r\n\x00\x00\x00\x18ftypmp42"
    )
    head = (
        f"POST /api/videos HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: multipart/form-data; boundary=B\r\nContent-Length: {declared_bytes}\r\n\r\n"
    ).encode()
    sock.sendall(head + start)
    return sock


def _answer(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):  # until the server closes the connection
        data += chunk
    return data


def test_a_stalled_upload_gets_408_its_file_is_removed_and_uploads_are_bounded(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/vbt.sqlite3",
        data_dir=tmp_path / "data",
        body_idle_timeout_s=1.0,
        max_concurrent_uploads=1,
    )
    with ThreadServer(create_app(settings)) as server:
        stalled = _stalled_upload(server.base_url)
        incoming = tmp_path / "data" / "videos" / "incoming"
        deadline = time.monotonic() + 5
        while not list(incoming.glob("*.part")):  # the server has begun to receive it
            assert time.monotonic() < deadline, "the stalled upload never reached the server"
            time.sleep(0.02)
        files = {"file": ("b.mp4", b"\x00\x00\x00\x18ftypmp42" + bytes(100), "video/mp4")}
        busy = httpx.post(f"{server.base_url}/api/videos", files=files, data={"set_id": "1"})
        assert busy.status_code == 503
        assert busy.headers["retry-after"] == "5" and "limit" in busy.json()["detail"]
        with stalled:
            answer = _answer(stalled)  # the server answers, then closes the connection
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b"stopped arriving for 1 s" in answer
        assert list(incoming.glob("*.part")) == []
        after = httpx.post(f"{server.base_url}/api/videos", files=files, data={"set_id": "1"})
        assert after.status_code == 422, after.text  # admitted again (and found not to be a video)


def test_the_database_and_the_data_folder_are_created_private(tmp_path: Path) -> None:
    database = tmp_path / "new" / "db" / "vbt.sqlite3"
    settings = Settings(database_url=str(database), data_dir=tmp_path / "data")
    with TestClient(create_app(settings)) as client:
        _session(client)
        files = {"file": ("a.mp4", b"\x00\x00\x00\x18ftypmp42" + bytes(100), "video/mp4")}
        client.post("/api/videos", files=files, data={"set_id": "99"})  # creates the video folder
        modes = {
            path: stat.S_IMODE(path.stat().st_mode)
            for path in (
                database,
                database.with_name("vbt.sqlite3-wal"),  # SQLite gives it the database's mode
                database.parent,
                database.parent.parent,
                tmp_path / "data",
                tmp_path / "data" / "videos",
            )
        }
    assert modes == {path: 0o700 if path.is_dir() else 0o600 for path in modes}


def test_an_existing_folder_keeps_its_permissions(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    make_private_dir(shared / "a" / "b")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    assert stat.S_IMODE((shared / "a").stat().st_mode) == 0o700


def test_the_door_settings_come_from_the_environment() -> None:
    env: dict[str, Any] = {
        "VBT_DATABASE_URL": "x.db",
        "VBT_ALLOWED_HOSTS": "gym.local, *.example.org",
        "VBT_BODY_IDLE_TIMEOUT_S": "2.5",
        "VBT_IDLE_TIMEOUT_S": "10",
        "VBT_MAX_CONCURRENT_UPLOADS": "2",
    }
    settings = settings_from_env(env)
    assert settings.allowed_hosts == ("gym.local", "*.example.org")
    assert (settings.body_idle_timeout_s, settings.idle_timeout_s, settings.max_concurrent_uploads) == (
        2.5,
        10.0,
        2,
    )
    assert settings.exposed
    with pytest.raises(
        InputError, match="VBT_BODY_IDLE_TIMEOUT_S='soon' is not a positive number of seconds"
    ):
        settings_from_env({**env, "VBT_BODY_IDLE_TIMEOUT_S": "soon"})
    with pytest.raises(InputError, match="VBT_MAX_CONCURRENT_UPLOADS='0' is not a count"):
        settings_from_env({**env, "VBT_MAX_CONCURRENT_UPLOADS": "0"})


def test_serve_takes_its_host_names_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vbt.cli import main

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("vbt.service.app.run", lambda *args, **kwargs: calls.append(kwargs))
    db = str(tmp_path / "vbt.sqlite3")
    assert main(["serve", "--db", db, "--allowed-host", "gym.local", "--allowed-host", "*.example.org"]) == 0
    assert calls[0]["allowed_hosts"] == ("gym.local", "*.example.org")
