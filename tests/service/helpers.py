"""Helpers of the service tests: rep bodies, a server in a subprocess or a thread, an SSE reader."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

REPO = Path(__file__).resolve().parents[2]


def rep_body(
    index: int,
    *,
    client_rep_id: str | None = None,
    mean_velocity_m_s: float | None = 0.8,
    peak_velocity_m_s: float | None = 1.4,
    status: str = "ok",
    triple_extension: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A rep with every report key, as ``vbt analyze --json`` writes it, plus client_rep_id."""
    start_s = 2.0 * index + 1.0
    return {
        "client_rep_id": client_rep_id or f"rep-{index}",
        "index": index,
        "start_s": start_s,
        "end_s": start_s + 0.75,
        "status": status,
        "mean_velocity_m_s": mean_velocity_m_s,
        "mean_propulsive_velocity_m_s": None if mean_velocity_m_s is None else mean_velocity_m_s + 0.05,
        "peak_velocity_m_s": peak_velocity_m_s,
        "time_to_peak_velocity_s": 0.4,
        "range_of_motion_m": 0.6,
        "duration_s": 0.75,
        "propulsive_duration_s": 0.6,
        "horizontal_excursion_m": 0.04,
        "mean_power_w": None,
        "peak_power_w": None,
        "peak_height_m": None,
        "catch_height_m": None,
        "triple_extension": triple_extension,
    }


def triple_extension_body() -> dict[str, Any]:
    return {
        "hip_peak_s": 1.50,
        "knee_peak_s": 1.52,
        "ankle_peak_s": 1.55,
        "hip_peak_deg": 178.0,
        "knee_peak_deg": 172.5,
        "ankle_peak_deg": 121.0,
        "order": ["hip", "knee", "ankle"],
        "spread_s": 0.05,
        "hip_offset_from_peak_velocity_s": -0.02,
        "knee_offset_from_peak_velocity_s": 0.0,
        "ankle_offset_from_peak_velocity_s": 0.03,
        "complete": True,
        "double_knee_bend": True,
        "knee_rebend_deg": 14.0,
        "second_pull_start_s": 1.30,
        "second_pull_duration_s": None,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base_url: str, *, deadline_s: float = 30.0, process: Any = None) -> None:
    """Poll ``/api/health`` until it answers (bounded)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            if httpx.get(f"{base_url}/api/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the server at {base_url} did not come up within {deadline_s} s")


class ServerProcess:
    """``python -m vbt.service`` on a free loopback port, in a subprocess that can be SIGKILLed."""

    def __init__(self, db_url: str, log_path: Path) -> None:
        self.db_url = db_url
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.base_url = ""

    def start(self) -> None:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        env = dict(os.environ, PYTHONPATH=str(REPO))
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "vbt.service", "--port", str(port), "--db", self.db_url],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(self.base_url, process=self.process)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as when the power goes."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


class ThreadServer:
    """A real uvicorn server for ``app`` on a loopback port, in a thread of the test process."""

    def __init__(self, app: FastAPI) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> ThreadServer:
        self.thread.start()
        wait_until_up(self.base_url)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def sse_events(lines: Iterator[str]) -> Iterator[dict[str, str]]:
    """Parse a text/event-stream into events ``{"event", "id", "data"}`` (comments skipped)."""
    event: dict[str, str] = {}
    for line in lines:
        if line == "":
            if "data" in event:
                yield event
            event = {}
        elif line.startswith(":"):
            continue
        else:
            key, _, value = line.partition(":")
            value = value.removeprefix(" ")
            event[key] = event[key] + "\n" + value if key in event else value


def sse_json(event: dict[str, str]) -> dict[str, Any]:
    data = json.loads(event["data"])
    assert isinstance(data, dict)
    return data


def new_set(http: httpx.Client, *, exercise: str = "squat", load_kg: float = 100.0) -> dict[str, Any]:
    """An athlete, a session and a set of it, made over HTTP; the set as the API returns it."""
    athlete = http.post("/api/athletes", json={"name": "Ada"}).json()
    session = http.post("/api/sessions", json={"athlete_id": athlete["id"]}).json()
    lift_set: dict[str, Any] = http.post(
        f"/api/sessions/{session['id']}/sets", json={"exercise": exercise, "load_kg": load_kg}
    ).json()
    return lift_set
