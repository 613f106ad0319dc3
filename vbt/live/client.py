"""A small client of the vbt service for live mode: create the session and set, post reps (provisional,
then final), delete provisional reps, and push the annotated video frames.

Errors are :class:`vbt.errors.ServiceError` subclasses: :class:`ServiceUnavailableError` when the
service cannot be reached or is overloaded (keep the request and send it again later: reps are
idempotent on ``client_rep_id``), :class:`ServiceRefusedError` when it answered that the request is
wrong (sending it again will not help; ``status_code`` says why).

HTTP goes through ``httpx`` (one connection kept open); the frames through ``websockets``' threaded
client. Both are imported when a client is made, not at import.

Example::

    with ServiceClient("http://127.0.0.1:8000", token=None) as service:
        set_id = service.create_set(session_id, exercise="squat", load_kg=100)["id"]
        service.post_rep(set_id, {**rep, "client_rep_id": "set7-rep1", "provisional": True})
        service.post_rep(set_id, {**final_rep, "client_rep_id": "set7-rep1"})  # replaces it
    with FramePusher("http://127.0.0.1:8000", session_id) as frames:
        frames.push(jpeg_bytes)  # never blocks; a frame not sent yet is replaced (dropped)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from vbt.closing import Closing
from vbt.errors import ServiceError

if TYPE_CHECKING:
    import httpx


class ServiceUnavailableError(ServiceError):
    """The service cannot be reached, timed out, or is busy (5xx): try again later."""


class ServiceRefusedError(ServiceError):
    """The service refused the request (4xx); ``status_code`` and ``detail`` say why."""

    def __init__(self, message: str, *, status_code: int, detail: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.detail = detail


def _bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


class ServiceClient(Closing):
    """Calls of the service's HTTP API at ``base_url`` (e.g. ``http://127.0.0.1:8000``).

    Args:
        base_url: where ``vbt serve`` listens.
        token: a bearer token (``vbt token create``); needed for writes beyond loopback.
        timeout_s: the longest wait for connecting and for each answer (seconds).
    """

    def __init__(self, base_url: str, *, token: str | None = None, timeout_s: float = 5.0) -> None:
        try:
            import httpx
        except ImportError as exc:
            raise ServiceError("the service client needs httpx; install it with `pip install httpx`") from exc
        self.base_url = base_url.rstrip("/")
        self._httpx = httpx
        self._http = httpx.Client(base_url=self.base_url, headers=_bearer(token), timeout=timeout_s)

    def close(self) -> None:
        self._http.close()

    def _request(self, method: str, path: str, *, json: Mapping[str, Any] | None = None) -> httpx.Response:
        what = f"{method} {self.base_url}{path}"
        try:
            response = self._http.request(method, path, json=json)
        except self._httpx.TimeoutException as exc:
            raise ServiceUnavailableError(f"{what}: no answer in time ({exc}); try again later") from exc
        except self._httpx.TransportError as exc:
            raise ServiceUnavailableError(
                f"{what}: cannot reach the vbt service ({exc}); is `vbt serve` running there?"
            ) from exc
        if response.status_code < 400:
            return response
        try:
            detail = str(response.json().get("detail", response.text))
        except ValueError:
            detail = response.text[:200]
        if response.status_code >= 500:
            raise ServiceUnavailableError(f"{what}: the service answered {response.status_code}: {detail}")
        raise ServiceRefusedError(
            f"{what} was refused ({response.status_code}): {detail}",
            status_code=response.status_code,
            detail=detail,
        )

    def _json(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        answer = self._request(method, path, json=body).json()
        assert isinstance(answer, dict)
        return answer

    def health(self) -> dict[str, Any]:
        """``GET /api/health``: status, version, database and whether writes need a token."""
        return self._json("GET", "/api/health")

    def create_athlete(self, name: str, *, body_mass_kg: float | None = None) -> dict[str, Any]:
        """``POST /api/athletes``; returns the athlete (``id``, ...)."""
        body: dict[str, Any] = {"name": name}
        if body_mass_kg is not None:
            body["body_mass_kg"] = body_mass_kg
        return self._json("POST", "/api/athletes", body)

    def list_athletes(self) -> list[dict[str, Any]]:
        """``GET /api/athletes``: every athlete (``id``, ``name``, ...)."""
        answer = self._request("GET", "/api/athletes").json()
        assert isinstance(answer, list)
        return answer

    def create_session(self, athlete_id: int, *, notes: str | None = None) -> dict[str, Any]:
        """``POST /api/sessions``; returns the session (``id``, ``last_rep_seq``, ...)."""
        body: dict[str, Any] = {"athlete_id": athlete_id}
        if notes is not None:
            body["notes"] = notes
        return self._json("POST", "/api/sessions", body)

    def create_set(self, session_id: int, *, exercise: str, load_kg: float) -> dict[str, Any]:
        """``POST /api/sessions/{id}/sets``; returns the set (``id``, ...)."""
        return self._json(
            "POST", f"/api/sessions/{session_id}/sets", {"exercise": exercise, "load_kg": load_kg}
        )

    def post_rep(self, set_id: int, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /api/sets/{id}/reps``: store a rep (the report's keys, ``client_rep_id`` and
        ``provisional``), or replace the provisional rep with that ``client_rep_id``; returns the
        stored rep. Sending the same body again is harmless.

        Raises:
            ServiceUnavailableError: not reached or busy; keep the rep and send it later.
            ServiceRefusedError: e.g. 409, the id or index is taken by a different final rep.
        """
        return self._json("POST", f"/api/sets/{set_id}/reps", body)

    def delete_rep(self, set_id: int, client_rep_id: str) -> None:
        """``DELETE /api/sets/{id}/reps/{client_rep_id}``: remove a provisional rep the final analysis
        did not keep (deleting it again is fine).

        Raises:
            ServiceUnavailableError: not reached or busy; send it later.
            ServiceRefusedError: 409 for a final rep, 404 for an unknown set or rep.
        """
        self._request("DELETE", f"/api/sets/{set_id}/reps/{quote(client_rep_id, safe='')}")


def frames_url(base_url: str, session_id: int) -> str:
    """The WebSocket URL of a session's frame push (``ws://`` for ``http://``, ``wss://`` for
    ``https://``)."""
    url = base_url.rstrip("/")
    for plain, secure in (("http://", "ws://"), ("https://", "wss://")):
        if url.startswith(plain):
            url = secure + url[len(plain) :]
    return f"{url}/api/sessions/{session_id}/frames"


class FramePusher(Closing):
    """Keeps one WebSocket to ``WS /api/sessions/{id}/frames`` open and sends JPEG frames on a thread
    of its own.

    :meth:`push` never blocks: it leaves the frame in a one-frame slot; a frame still waiting there
    when the next one comes is dropped (``dropped`` counts them), so a slow network costs frames, not
    delay. A lost connection is reopened every ``retry_s``; a refused one (unknown session, missing
    token: ``refused`` and ``error`` say so) ends the pusher.

    Args:
        base_url: where ``vbt serve`` listens (``http://host:port``).
        session_id: the training session whose live video this is.
        token: a bearer token, needed beyond loopback.
        connect_timeout_s: the longest wait to open the WebSocket (seconds).
        retry_s: the wait before reconnecting after a failure (seconds).
    """

    def __init__(
        self,
        base_url: str,
        session_id: int,
        *,
        token: str | None = None,
        connect_timeout_s: float = 3.0,
        retry_s: float = 1.0,
    ) -> None:
        try:
            from websockets.sync.client import connect
        except ImportError as exc:
            raise ServiceError(
                "pushing frames needs the websockets package; install it with `pip install websockets`"
            ) from exc
        self.url = frames_url(base_url, session_id)
        self._connect = connect
        self._headers = _bearer(token)
        self._connect_timeout_s = connect_timeout_s
        self._retry_s = retry_s
        self._slot: bytes | None = None
        self._wakeup = threading.Condition()
        self._stopping = False
        self.sent = 0
        self.dropped = 0
        self.refused = False
        self.error: str | None = None
        self.connected = False
        self._thread = threading.Thread(target=self._run, name="vbt-frame-pusher", daemon=True)
        self._thread.start()

    def push(self, jpeg: bytes) -> None:
        """Hand over a JPEG frame to send (returns at once)."""
        with self._wakeup:
            if self._slot is not None or self.refused or self._stopping:
                self.dropped += 1
            if self.refused or self._stopping:
                return
            self._slot = jpeg
            self._wakeup.notify()

    def close(self, timeout_s: float = 2.0) -> None:
        """Stop sending (a frame not sent yet is dropped) and close the WebSocket."""
        with self._wakeup:
            self._stopping = True
            if self._slot is not None:
                self._slot = None
                self.dropped += 1
            self._wakeup.notify()
        self._thread.join(timeout=timeout_s)

    def _next_frame(self) -> bytes | None:
        with self._wakeup:
            while self._slot is None and not self._stopping:
                self._wakeup.wait()
            frame, self._slot = self._slot, None
            return None if self._stopping else frame

    def _run(self) -> None:
        from websockets.exceptions import InvalidStatus, WebSocketException

        frame = self._next_frame()
        while frame is not None:
            try:
                with self._connect(
                    self.url,
                    additional_headers=self._headers,
                    open_timeout=self._connect_timeout_s,
                    close_timeout=1.0,
                ) as connection:
                    self.connected, self.error = True, None
                    while frame is not None:
                        connection.send(frame)
                        self.sent += 1
                        frame = self._next_frame()
                    return
            except InvalidStatus as exc:
                status = exc.response.status_code
                body = exc.response.body.decode("utf-8", "replace")[:200] if exc.response.body else ""
                self.error = f"{self.url} refused the frames ({status}): {body}"
                self.refused = status in (401, 403, 404)
            except (OSError, TimeoutError, WebSocketException) as exc:
                what = "lost the connection to" if self.connected else "cannot open"
                self.error = f"{what} {self.url} ({exc}); is `vbt serve` running there?"
            finally:
                self.connected = False
            self._count_drop()  # the frame in hand was not sent
            if self.refused:
                return
            self._pause()
            frame = self._next_frame()

    def _count_drop(self) -> None:
        with self._wakeup:
            self.dropped += 1

    def _pause(self) -> None:
        end = time.monotonic() + self._retry_s
        with self._wakeup:
            while not self._stopping and (left := end - time.monotonic()) > 0:
                self._wakeup.wait(left)
