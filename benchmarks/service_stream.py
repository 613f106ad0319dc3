"""The live stream's part of ``benchmarks/service.py``: fan-out to many WebSocket listeners, and replay.

- **Fan-out**: ``--fanout-listeners`` WebSocket listeners (default 200) of one session while
  ``--fanout-reps`` reps are posted to it at ``--fanout-rate`` reps/s (open loop: rep i is sent at
  t0 + i/rate whatever happens). The delay of a rep at a listener counts from its scheduled send time;
  every listener must receive every rep. Goal: p99 delay ≤ 250 ms.
- **Replay**: one listener opens the stream of a stored set from ``seq`` 0 and receives all of it,
  for sets of ``--replay-reps`` reps (default 2,500 and 10,000: the cost per rep shows whether it is
  linear). Goal: a 10,000-rep set in ≤ 2 s of server CPU.

Run only this part with ``benchmarks/service.py --only stream``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np
import websockets
from service_rows import rep_row, rep_values
from sqlalchemy import insert, update

from vbt.service.db import make_engine, make_sessionmakers, run_migrations
from vbt.service.models import Athlete, LiftSet, Rep, TrainingSession

GOALS = {"fanout_p99_ms": 250.0, "replay_10000_cpu_s": 2.0}
#: Listeners connected at once while the fan-out run opens them (the rest wait their turn).
CONNECT_AT_ONCE = 50


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fanout-listeners", type=int, default=200, help="WebSocket listeners (default 200)")
    parser.add_argument("--fanout-rate", type=float, default=10.0, help="reps/s posted to them (default 10)")
    parser.add_argument("--fanout-reps", type=int, default=100, help="reps posted to them (default 100)")
    parser.add_argument(
        "--replay-reps", type=int, nargs="+", default=[2_500, 10_000], help="sizes of the replayed sets"
    )


def fill_replay_sets(database_url: str, sizes: list[int]) -> list[tuple[int, int]]:
    """One new athlete, session and set per size, the set holding that many reps; their
    ``(session_id, size)``."""
    engine = make_engine(database_url)
    run_migrations(engine)
    _, writer = make_sessionmakers(engine)
    made = []
    with writer() as db:
        for size in sizes:
            athlete = Athlete(name=f"Replay {size}")
            db.add(athlete)
            db.flush()
            session = TrainingSession(athlete_id=athlete.id, started_at=datetime(2026, 1, 1, tzinfo=UTC))
            db.add(session)
            db.flush()
            lift_set = LiftSet(session_id=session.id, exercise="squat", load_kg=100.0)
            db.add(lift_set)
            db.flush()
            rows = [
                rep_row(
                    lift_set.id, session.id, i + 1, f"replay-{i}", rep_values(i, round(1.0 - 0.00003 * i, 5))
                )
                for i in range(size)
            ]
            for start in range(0, size, 5_000):
                db.execute(insert(Rep), rows[start : start + 5_000])
            db.execute(update(TrainingSession).where(TrainingSession.id == session.id).values(rep_seq=size))
            made.append((session.id, size))
        db.commit()
    engine.dispose()
    return made


@dataclass
class StreamResult:
    name: str
    listeners: int
    reps: int
    received_pct: float
    wall_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_s: float
    client_cpu_s: float = float("nan")

    def row(self) -> str:
        return (
            f"{self.name:<22} {self.listeners:>9} {self.reps:>7} {self.received_pct:>9.1f} {self.wall_s:>7.2f} "
            f"{self.p50_ms:>8.1f} {self.p99_ms:>8.1f} {self.max_ms:>8.1f} {self.server_cpu_s:>8.2f} "
            f"{1e6 * self.server_cpu_s / max(self.reps, 1):>10.0f} {self.client_cpu_s:>12.2f}"
        )


HEADER = (
    f"{'stream':<22} {'listeners':>9} {'reps':>7} {'received%':>9} {'wall s':>7} {'p50 ms':>8} {'p99 ms':>8} "
    f"{'max ms':>8} {'cpu s':>8} {'cpu µs/rep':>10} {'client cpu s':>12}"
)


def _client_rep_id(message: str | bytes) -> str:
    """The rep's ``client_rep_id`` in a stream message, without parsing all of it (the load
    generator shares the machine with the server; 200 listeners parse 2,000 messages a second)."""
    text = message if isinstance(message, str) else message.decode()
    start = text.index('"client_rep_id":"') + len('"client_rep_id":"')
    return text[start : text.index('"', start)]


async def fanout(base_url: str, pid: int, args: argparse.Namespace, cpu_s: Any) -> StreamResult:
    """Post reps at a fixed rate to a new set with many WebSocket listeners (see the module doc)."""
    n, rate, count = args.fanout_reps, args.fanout_rate, args.fanout_listeners
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        athlete = (await client.post("/api/athletes", json={"name": "Fan-out"})).json()
        session = (await client.post("/api/sessions", json={"athlete_id": athlete["id"]})).json()
        lift_set = (
            await client.post(
                f"/api/sessions/{session['id']}/sets", json={"exercise": "bench", "load_kg": 60}
            )
        ).json()
        ws_url = base_url.replace("http://", "ws://") + f"/api/sessions/{session['id']}/stream"
        arrivals: list[dict[str, float]] = [{} for _ in range(count)]
        gate = asyncio.Semaphore(CONNECT_AT_ONCE)
        connected = 0
        all_connected = asyncio.Event()

        async def listen(seen: dict[str, float]) -> None:
            nonlocal connected
            async with gate:
                connection = await websockets.connect(ws_url, max_queue=None)
            connected += 1
            if connected == count:
                all_connected.set()
            async with connection:
                while len(seen) < n:
                    text = await connection.recv()
                    seen[_client_rep_id(text)] = time.perf_counter()

        tasks = [asyncio.create_task(listen(seen)) for seen in arrivals]
        await asyncio.wait_for(all_connected.wait(), timeout=120)
        await asyncio.sleep(1.0)  # every listener subscribed
        cpu_before, own_cpu_before = cpu_s(pid), time.process_time()
        t0 = time.perf_counter() + 0.05
        scheduled = {f"fan-{i}": t0 + i / rate for i in range(n)}
        post_errors = 0

        async def post(i: int) -> None:
            await asyncio.sleep(max(0.0, t0 + i / rate - time.perf_counter()))
            body = {**rep_values(i, 0.7), "client_rep_id": f"fan-{i}"}
            nonlocal post_errors
            try:
                response = await client.post(f"/api/sets/{lift_set['id']}/reps", json=body)
                post_errors += response.status_code >= 300
            except httpx.HTTPError:
                post_errors += 1

        await asyncio.gather(*(post(i) for i in range(n)))
        _, pending = await asyncio.wait(tasks, timeout=30)
        for task in pending:
            task.cancel()
        wall_s = time.perf_counter() - t0
        server_cpu_s = cpu_s(pid) - cpu_before
        own_cpu_s = time.process_time() - own_cpu_before
    if post_errors:
        print(f"fan-out: {post_errors} of {n} rep posts failed")
    delays_ms = np.array(
        [1000 * (t - scheduled[k]) for seen in arrivals for k, t in seen.items()] or [np.nan]
    )
    received = sum(len(seen) for seen in arrivals)
    return StreamResult(
        f"fan-out {rate:g} reps/s",
        count,
        n,
        100.0 * received / (n * count),
        wall_s,
        float(np.percentile(delays_ms, 50)),
        float(np.percentile(delays_ms, 99)),
        float(np.max(delays_ms)),
        server_cpu_s,
        own_cpu_s,
    )


async def replay(base_url: str, pid: int, session_id: int, size: int, cpu_s: Any) -> StreamResult:
    """Receive a stored set of ``size`` reps from the start over one WebSocket."""
    ws_url = base_url.replace("http://", "ws://") + f"/api/sessions/{session_id}/stream?after=0"
    cpu_before = cpu_s(pid)
    t0 = time.perf_counter()
    received = 0
    async with websockets.connect(ws_url, max_queue=None) as connection:
        while received < size:
            await asyncio.wait_for(connection.recv(), timeout=60)
            received += 1
    wall_s = time.perf_counter() - t0
    nan = float("nan")
    return StreamResult(
        "replay from seq 0", 1, size, 100.0 * received / size, wall_s, nan, nan, nan, cpu_s(pid) - cpu_before
    )


async def measure(
    base_url: str,
    pid: int,
    args: argparse.Namespace,
    replay_sets: list[tuple[int, int]],
    cpu_s: Any,
) -> list[StreamResult]:
    results = [await replay(base_url, pid, session_id, size, cpu_s) for session_id, size in replay_sets]
    results.append(await fanout(base_url, pid, args, cpu_s))
    return results


def report(results: list[StreamResult], backend: str) -> None:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(
        f"\nvbt stream on loopback, {backend}; {os.cpu_count()} CPUs shared with the load generator (listeners in "
        f"one process), load average {load[0]:.1f} {load[1]:.1f}; delay from each rep's scheduled POST; "
        "cpu = server CPU"
    )
    print(HEADER)
    for result in results:
        print(result.row())
    fan = results[-1]
    replays = {r.reps: r for r in results if r.name.startswith("replay")}
    big = replays.get(10_000)
    print(
        f"\ngoals: fan-out p99 {fan.p99_ms:.0f} ms with {fan.received_pct:.1f} % received "
        f"(goal ≤ {GOALS['fanout_p99_ms']:.0f} ms, 100 %: "
        f"{'met' if fan.p99_ms <= GOALS['fanout_p99_ms'] and fan.received_pct == 100 else 'NOT met'})",
        end="",
    )
    if big is not None:
        ok = big.server_cpu_s <= GOALS["replay_10000_cpu_s"]
        print(
            f"; replay of 10,000 reps {big.server_cpu_s:.2f} s of server CPU "
            f"(goal ≤ {GOALS['replay_10000_cpu_s']:.0f}: {'met' if ok else 'NOT met'})",
            end="",
        )
    print()
    if len(replays) >= 2:
        small, large = min(replays), max(replays)
        ratio = (replays[large].server_cpu_s / large) / (replays[small].server_cpu_s / small)
        print(
            f"replay CPU per rep, {large} reps against {small}: x{ratio:.2f} (1 is linear, {large / small:g} quadratic)"
        )
