"""The service client live mode uses (:mod:`vbt.live.client`), against a real server on loopback.

Known answers: what each call stores; which error a refused, an unreachable and a busy service give;
the frame pusher's frames arrive byte for byte, a refused pusher stops and says why, and ``push``
never waits for the network (every pushed frame is either sent or counted as dropped).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from vbt.errors import ServiceError
from vbt.live.client import (
    FramePusher,
    ServiceClient,
    ServiceRefusedError,
    ServiceUnavailableError,
    frames_url,
)
from vbt.service.app import create_app
from vbt.service.auth import create_token
from vbt.service.stream.frames import FrameHub

from .helpers import ThreadServer, free_port, rep_body

JPEG_A = b"\xff\xd8\xff\xe0" + b"A" * 100 + b"\xff\xd9"
JPEG_B = b"\xff\xd8\xff\xe0" + b"B" * 100 + b"\xff\xd9"
WAIT_S = 10.0


@pytest.fixture
def server(settings) -> Iterator[ThreadServer]:
    with ThreadServer(create_app(settings)) as running:
        yield running


def _wait_for(condition, what: str) -> None:
    end = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < end, f"{what} did not happen within {WAIT_S} s"
        time.sleep(0.01)


def test_the_client_creates_posts_replaces_and_deletes(server) -> None:
    with ServiceClient(server.base_url) as service:
        assert service.health()["status"] == "ok"
        athlete = service.create_athlete("Ada", body_mass_kg=61.5)
        session = service.create_session(athlete["id"], notes="platform 2")
        lift_set = service.create_set(session["id"], exercise="squat", load_kg=100)
        assert (lift_set["exercise"], lift_set["load_kg"], lift_set["session_id"]) == (
            "squat",
            100,
            session["id"],
        )
        set_id = lift_set["id"]

        first = service.post_rep(set_id, {**rep_body(0, mean_velocity_m_s=0.81), "provisional": True})
        assert (first["provisional"], first["seq"]) == (True, 1)
        final = service.post_rep(set_id, rep_body(0, mean_velocity_m_s=0.79))
        assert (final["provisional"], final["seq"], final["mean_velocity_m_s"]) == (False, 2, 0.79)
        assert service.post_rep(set_id, rep_body(0, mean_velocity_m_s=0.79)) == final  # a retry

        service.post_rep(set_id, {**rep_body(1), "client_rep_id": "ghost/1", "provisional": True})
        service.delete_rep(set_id, "ghost/1")  # a '/' in the id is quoted in the path
        service.delete_rep(set_id, "ghost/1")  # and deleting again is fine
    reps = httpx.get(f"{server.base_url}/api/sets/{set_id}/reps").json()
    assert [(r["client_rep_id"], r["provisional"]) for r in reps] == [("rep-0", False)]


def test_refusals_are_refused_errors_with_the_status_and_the_servers_words(server) -> None:
    with ServiceClient(server.base_url) as service:
        athlete = service.create_athlete("Ada")
        set_id = service.create_set(
            service.create_session(athlete["id"])["id"], exercise="bench", load_kg=60
        )["id"]
        service.post_rep(set_id, rep_body(0))
        with pytest.raises(ServiceRefusedError) as conflict:
            service.post_rep(set_id, rep_body(0, mean_velocity_m_s=0.1))
        assert conflict.value.status_code == 409
        assert "different values" in conflict.value.detail and "409" in str(conflict.value)
        with pytest.raises(ServiceRefusedError) as final:
            service.delete_rep(set_id, "rep-0")
        assert final.value.status_code == 409
        with pytest.raises(ServiceRefusedError) as missing:
            service.post_rep(999, rep_body(0))
        assert missing.value.status_code == 404 and "Set 999" in missing.value.detail
        with pytest.raises(ServiceRefusedError) as invalid:
            service.create_set(1, exercise="curl", load_kg=10)
        assert invalid.value.status_code == 422


def test_an_unreachable_service_is_unavailable_so_the_caller_can_queue() -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with ServiceClient(url, timeout_s=2.0) as service, pytest.raises(ServiceUnavailableError) as down:
        service.post_rep(1, rep_body(0))
    assert isinstance(down.value, ServiceError)
    assert "cannot reach the vbt service" in str(down.value) and url in str(down.value)


def test_a_busy_service_is_unavailable_too(server, monkeypatch) -> None:
    def busy(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"detail": "The database is busy or unreachable"})

    with ServiceClient(server.base_url) as service:
        service._http = httpx.Client(base_url=server.base_url, transport=httpx.MockTransport(busy))
        with pytest.raises(ServiceUnavailableError, match="503: The database is busy"):
            service.post_rep(1, rep_body(0))


def test_the_client_sends_its_token(settings) -> None:
    guarded = replace(settings, require_token_for_writes=True)
    token = create_token(guarded.database_url, name="platform")
    with ThreadServer(create_app(guarded)) as running:
        with ServiceClient(running.base_url) as anonymous, pytest.raises(ServiceRefusedError) as refused:
            anonymous.create_athlete("Ada")
        assert refused.value.status_code == 401
        with ServiceClient(running.base_url, token=token) as service:
            assert service.create_athlete("Ada")["name"] == "Ada"


def test_frames_url_follows_the_scheme() -> None:
    assert frames_url("http://gym.local:8000/", 3) == "ws://gym.local:8000/api/sessions/3/frames"
    assert frames_url("https://gym.example", 12) == "wss://gym.example/api/sessions/12/frames"


def test_the_pusher_sends_frames_byte_for_byte(server) -> None:
    with ServiceClient(server.base_url) as service:
        session_id = service.create_session(service.create_athlete("Ada")["id"])["id"]
    hub: FrameHub = server.server.config.app.state.frames
    with FramePusher(server.base_url, session_id) as pusher:
        pusher.push(JPEG_A)
        _wait_for(lambda: (f := hub.latest(session_id)) is not None and f.jpeg == JPEG_A, "frame A")
        pusher.push(JPEG_B)
        _wait_for(lambda: (f := hub.latest(session_id)) is not None and f.jpeg == JPEG_B, "frame B")
        assert pusher.connected and pusher.error is None
    assert (pusher.sent, pusher.dropped) == (2, 0)
    assert not pusher.connected


def test_a_refused_pusher_stops_and_says_why(server) -> None:
    pusher = FramePusher(server.base_url, 999)
    try:
        pusher.push(JPEG_A)
        _wait_for(lambda: pusher.refused, "the refusal")
        pusher.push(JPEG_B)
    finally:
        pusher.close()
    assert pusher.error is not None and "404" in pusher.error and "Session 999" in pusher.error
    assert (pusher.sent, pusher.dropped) == (0, 2)


def test_push_never_waits_for_the_network() -> None:
    """A server that accepts the TCP connection but never answers the WebSocket handshake: every
    push returns, and each frame is either sent or dropped (here: dropped)."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    pusher = FramePusher(
        f"http://127.0.0.1:{listener.getsockname()[1]}", 1, connect_timeout_s=0.5, retry_s=0.1
    )
    pushed = 0
    try:
        end = time.monotonic() + WAIT_S
        while pusher.error is None and time.monotonic() < end:  # the handshake times out meanwhile
            pusher.push(JPEG_A)
            pushed += 1
            time.sleep(0.001)
    finally:
        pusher.close()
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()
    assert pushed > 1
    assert pusher.sent == 0
    assert pusher.dropped == pushed
    assert pusher.error is not None and "cannot open" in pusher.error
