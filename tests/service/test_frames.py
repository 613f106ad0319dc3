"""The live video: JPEG frames pushed over ``WS /api/sessions/{id}/frames``, shown as MJPEG at
``GET /api/sessions/{id}/live.mjpg``.

Known answers: the pushed bytes are what the viewer's part holds (decoded: its size and colour); a
viewer that was not ready gets the newest frame, never a queue; the "no video" image before any
frame and once the last one is stale; bad frames close the socket with a reason; auth as the other
writes; one frame held per session.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import numpy as np
import pytest
from starlette.testclient import WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from vbt.service.app import create_app
from vbt.service.auth import create_token
from vbt.service.stream.frames import (
    BOUNDARY,
    MJPEG_START,
    PART_HEAD,
    PLACEHOLDER_PATH,
    FrameHub,
    looks_like_jpeg,
    mjpeg_part,
    mjpeg_stream,
)

from .helpers import ThreadServer

cv2 = pytest.importorskip("cv2", reason="OpenCV (the capture extra) encodes and decodes the test frames")

TIMEOUT_S = 10.0


def jpeg(width: int, height: int, bgr: tuple[int, int, int]) -> bytes:
    image = np.zeros((height, width, 3), np.uint8)
    image[:] = bgr
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return bytes(data.tobytes())


def decode(data: bytes) -> Any:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None, "the part is not a decodable JPEG"
    return image


RED = (0, 0, 255)
BLUE = (255, 0, 0)


class MjpegParts:
    """Parse a multipart/x-mixed-replace body into its parts' JPEG bytes, as they arrive: a part ends
    where the next one's boundary and headers begin (they come with it)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.buffer = b""
        while len(self.buffer) < len(MJPEG_START):
            self.buffer += next(self.chunks)
        assert self.buffer.startswith(MJPEG_START), self.buffer[:80]
        self.buffer = self.buffer[len(MJPEG_START) :]

    def next(self) -> bytes:
        end = f"\r\n--{BOUNDARY}\r\n".encode() + PART_HEAD
        while end not in self.buffer:
            self.buffer += next(self.chunks)
        data, _, self.buffer = self.buffer.partition(end)
        return data


def _new_session(http: Any) -> int:
    athlete = http.post("/api/athletes", json={"name": "Ada"}).json()
    session_id: int = http.post("/api/sessions", json={"athlete_id": athlete["id"]}).json()["id"]
    return session_id


def test_looks_like_jpeg_knows_a_jpeg() -> None:
    assert looks_like_jpeg(jpeg(16, 16, RED))
    assert looks_like_jpeg(jpeg(16, 16, RED) + b"\x00" * 8)  # trailing padding
    assert not looks_like_jpeg(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert not looks_like_jpeg(jpeg(16, 16, RED)[:-40])  # cut short: no end marker
    assert not looks_like_jpeg(b"")


def test_a_pushed_frame_becomes_the_sessions_newest_and_only_frame(client) -> None:
    session_id = _new_session(client)
    frames = [jpeg(64, 48, RED), jpeg(64, 48, BLUE)]
    with client.websocket_connect(f"/api/sessions/{session_id}/frames") as ws:
        for frame in frames:
            ws.send_bytes(frame)
    hub: FrameHub = client.app.state.frames
    for _ in range(200):  # the server takes the frames asynchronously
        if (latest := hub.latest(session_id)) is not None and latest.seq == 2:
            break
        time.sleep(0.01)
    latest = hub.latest(session_id)
    assert latest is not None and latest.seq == 2
    assert latest.jpeg == frames[1]
    assert hub.latest(session_id + 1) is None


@pytest.mark.parametrize(
    ("message", "code", "words"),
    [
        ({"text": "hello"}, 1003, "binary message"),
        ({"bytes": b"GIF89a" + b"\x00" * 64}, 1003, "Not a JPEG"),
        ({"bytes": jpeg(400, 400, RED)}, 1009, "limit"),
    ],
)
def test_bad_frames_close_the_socket_with_a_reason(settings, message, code, words) -> None:
    from .conftest import TestClient

    small = replace(settings, max_frame_bytes=2_000)
    with TestClient(create_app(small)) as client:
        session_id = _new_session(client)
        with client.websocket_connect(f"/api/sessions/{session_id}/frames") as ws:
            ws.send_bytes(jpeg(8, 8, BLUE))  # a good frame first
            if "text" in message:
                ws.send_text(message["text"])
            else:
                ws.send_bytes(message["bytes"])
            closed = ws.receive()
        assert closed["type"] == "websocket.close"
        assert closed["code"] == code
        assert words in closed["reason"]
        assert len(closed["reason"].encode()) <= 123
        latest = client.app.state.frames.latest(session_id)
        assert latest is not None and latest.jpeg == jpeg(8, 8, BLUE)


def test_pushing_to_an_unknown_session_is_refused_with_a_404(client) -> None:
    with (
        pytest.raises(WebSocketDenialResponse) as denied,
        client.websocket_connect("/api/sessions/999/frames"),
    ):
        pass
    assert denied.value.status_code == 404
    assert "Session 999" in denied.value.json()["detail"]


def test_beyond_loopback_pushing_frames_needs_a_token(settings) -> None:
    from .conftest import TestClient

    guarded = replace(settings, require_token_for_writes=True)
    token = create_token(guarded.database_url, name="camera")
    with TestClient(create_app(guarded)) as client:
        session_id = client.post(
            "/api/sessions",
            json={
                "athlete_id": client.post("/api/athletes", json={"name": "A"}, headers=_auth(token)).json()[
                    "id"
                ]
            },
            headers=_auth(token),
        ).json()["id"]
        url = f"/api/sessions/{session_id}/frames"
        reader = create_token(guarded.database_url, name="screen", scope="read")
        for headers, status in ((_auth("vbt_wrong"), 401), (_auth(reader), 403)):
            with (
                pytest.raises(WebSocketDenialResponse) as denied,
                client.websocket_connect(url, headers=headers),
            ):
                pass
            assert denied.value.status_code == status
            assert "token" in denied.value.json()["detail"]
        with client.websocket_connect(url) as ws:
            ws.send_bytes(jpeg(8, 8, RED))  # a frame where the token should come first
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_bytes()
        assert closed.value.code == 1008 and "first message" in closed.value.reason
        newest = f"/api/sessions/{session_id}/live.jpg"
        with client.websocket_connect(url, headers=_auth(token)) as ws:
            ws.send_bytes(jpeg(8, 8, RED))
            # leaving the block cancels the server's side: wait until the frame is in
            seq = client.get(f"{newest}?after=0&wait_s=5", headers=_auth(token)).headers["X-Frame-Seq"]
            assert seq == "1"
        with client.websocket_connect(url) as ws:
            ws.send_json({"token": token})
            ws.send_bytes(jpeg(8, 8, RED))
            seq = client.get(f"{newest}?after=1&wait_s=5", headers=_auth(token)).headers["X-Frame-Seq"]
            assert seq == "2"  # one frame through each way of sending the token


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_mjpeg_of_an_unknown_session_is_a_404(client) -> None:
    response = client.get("/api/sessions/999/live.mjpg")
    assert response.status_code == 404
    assert "Session 999" in response.json()["detail"]


def test_a_viewer_that_was_not_ready_gets_the_newest_frame_not_a_queue() -> None:
    async def scenario() -> list[int]:
        hub = FrameHub()
        parts = mjpeg_stream(hub, 7, placeholder=b"placeholder", stale_s=60.0)
        assert await anext(parts) == MJPEG_START
        frames = [f"frame {i}".encode() for i in range(1, 9)]
        for frame in frames[:5]:
            hub.publish(7, frame)
        shown = [await anext(parts)]  # the viewer was busy while five frames came: it gets the 5th
        for frame in frames[5:]:
            hub.publish(7, frame)
        shown.append(await anext(parts))
        waiting = asyncio.ensure_future(anext(parts))  # nothing new: it waits ...
        await asyncio.sleep(0.05)
        assert not waiting.done()
        hub.publish(7, b"frame 9")  # ... until the next frame
        shown.append(await asyncio.wait_for(waiting, TIMEOUT_S))
        assert hub.latest(7) is not None and hub.latest(7).seq == 9  # type: ignore[union-attr]
        hub.close()
        await parts.aclose()
        return [int(part.removesuffix(mjpeg_part(b"")).removeprefix(b"frame ")) for part in shown]

    assert asyncio.run(scenario()) == [5, 8, 9]


def test_each_image_comes_with_the_start_of_the_next_part() -> None:
    image = b"\xff\xd8\xff1234\xff\xd9"
    assert f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n\r\n".encode() == MJPEG_START
    assert mjpeg_part(image) == image + f"\r\n--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n\r\n".encode()


def test_viewers_see_the_placeholder_then_the_pushed_frames_then_the_placeholder_again(settings) -> None:
    from websockets.sync.client import connect

    app = create_app(replace(settings, frame_stale_s=0.5))
    placeholder = PLACEHOLDER_PATH.read_bytes()
    red, blue = jpeg(320, 240, RED), jpeg(320, 240, BLUE)
    with ThreadServer(app) as server, httpx.Client(base_url=server.base_url, timeout=TIMEOUT_S) as http:
        session_id = _new_session(http)
        url = f"/api/sessions/{session_id}/live.mjpg"
        push_url = server.base_url.replace("http://", "ws://") + f"/api/sessions/{session_id}/frames"
        with http.stream("GET", url) as one, http.stream("GET", url) as two:
            assert one.status_code == 200
            assert one.headers["content-type"] == f"multipart/x-mixed-replace; boundary={BOUNDARY}"
            assert one.headers["cache-control"] == "no-store"
            viewers = [MjpegParts(one.iter_bytes()), MjpegParts(two.iter_bytes())]
            for viewer in viewers:
                first = viewer.next()
                assert first == placeholder  # nothing pushed yet: "no video"
                assert decode(first).shape == (360, 640, 3)
            with connect(push_url, open_timeout=TIMEOUT_S) as pusher:
                pusher.send(red)
                for viewer in viewers:
                    frame = viewer.next()
                    assert frame == red
                    image = decode(frame)
                    assert image.shape == (240, 320, 3)
                    assert image[..., 2].mean() > 240 and image[..., 0].mean() < 15
                pusher.send(blue)
                assert [viewer.next() for viewer in viewers] == [blue, blue]
            # no frame for longer than frame_stale_s: back to "no video"
            assert [viewer.next() for viewer in viewers] == [placeholder, placeholder]


def _get_jpeg(client: Any, session_id: int, **params: Any) -> tuple[bytes, str, str]:
    response = client.get(f"/api/sessions/{session_id}/live.jpg", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"] == "no-store"
    return response.content, response.headers["x-frame-seq"], response.headers["x-frame-stale"]


def test_live_jpg_gives_the_newest_frame_one_at_a_time(settings) -> None:
    from .conftest import TestClient

    with TestClient(create_app(replace(settings, frame_stale_s=0.3))) as client:
        session_id = _new_session(client)
        placeholder = PLACEHOLDER_PATH.read_bytes()
        assert _get_jpeg(client, session_id) == (placeholder, "0", "1")  # nothing pushed yet
        frames = [jpeg(32, 24, (10 * i, 0, 0)) for i in range(1, 6)]
        hub: FrameHub = client.app.state.frames
        with client.websocket_connect(f"/api/sessions/{session_id}/frames") as ws:
            for frame in frames:
                ws.send_bytes(frame)
        for _ in range(200):  # the server takes the frames asynchronously
            if (latest := hub.latest(session_id)) is not None and latest.seq == 5:
                break
            time.sleep(0.01)
        # a viewer that last saw frame 1 skips straight to the newest
        assert _get_jpeg(client, session_id, after=1) == (frames[4], "5", "0")
        # nothing newer within wait_s: the same frame again, with its seq
        assert _get_jpeg(client, session_id, after=5, wait_s=0.05) == (frames[4], "5", "0")
        time.sleep(0.35)  # longer than frame_stale_s: "no video", still naming the last seq
        assert _get_jpeg(client, session_id, after=5) == (placeholder, "5", "1")
        assert client.get("/api/sessions/999/live.jpg").status_code == 404
        assert client.get(f"/api/sessions/{session_id}/live.jpg?wait_s=11").status_code == 422


def test_waiting_for_a_newer_frame_returns_when_it_arrives() -> None:
    async def scenario() -> tuple[int, bool]:
        hub = FrameHub()
        hub.publish(3, b"one")
        waiting = asyncio.ensure_future(hub.wait_newer(3, 1, timeout_s=TIMEOUT_S))
        await asyncio.sleep(0.05)
        was_waiting = not waiting.done()
        hub.publish(3, b"two")
        frame = await asyncio.wait_for(waiting, TIMEOUT_S)
        assert frame is not None and frame.jpeg == b"two"
        return frame.seq, was_waiting

    assert asyncio.run(scenario()) == (2, True)
