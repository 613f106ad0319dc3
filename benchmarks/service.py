"""Speed of the service on loopback: the per-set velocity read, rep ingest and the live stream.

Fills a database with ``--sets`` sets (bulk insert; ``--reps`` reps each), serves it with a real
uvicorn server in a separate process (``python -m vbt.service``), and measures from a load generator
(httpx, asyncio) in this process:

- ``GET /api/sets/{id}/velocity`` of random sets, open loop at ``--rate`` requests/s (latency counted
  from each request's scheduled start, so a stalled server is not hidden), then closed loop with
  ``--concurrency`` clients for the most the server does;
- ``POST /api/sets/{id}/reps`` of new reps into random sets, the same two ways (``--post-rate``);
- the delay from a rep's POST (before it is sent) to its arrival at a WebSocket listener of its
  session, for ``--stream-reps`` reps posted one after another at ``--stream-rate``.

Prints a table and the goals (p99 ≤ 20 ms for the read at 200 req/s, stream delay p99 ≤ 50 ms).

    .venv/bin/python benchmarks/service.py [--sets 10000] [--db URL] [--duration-s 10] [--json OUT]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import websockets
from sqlalchemy import func, insert, select

from vbt.service.db import make_engine, make_sessionmakers, run_migrations
from vbt.service.models import Athlete, LiftSet, Rep, TrainingSession
from vbt.service.settings import normalize_database_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
import service_stream
from service_rows import rep_row, rep_values

REPO = Path(__file__).resolve().parents[1]
GOALS = {"velocity_p99_ms": 20.0, "stream_p99_ms": 50.0}
SETS_PER_SESSION = 10
#: What went wrong, and how often (printed after the table).
ERRORS: Counter[str] = Counter()
SESSIONS_PER_ATHLETE = 50
EXERCISES = ("squat", "bench", "deadlift", "power_clean")


def fill(database_url: str, *, n_sets: int, reps_per_set: int) -> tuple[int, int]:
    """Create the schema and bulk-insert athletes, sessions, ``n_sets`` sets and their reps.

    Returns the numbers of sessions and reps.
    """
    engine = make_engine(database_url)
    run_migrations(engine)
    _, writer = make_sessionmakers(engine)
    with writer() as db:
        if db.scalar(select(func.count()).select_from(Athlete)):
            raise SystemExit(f"{database_url} already holds data; give the benchmark an empty database")
    n_sessions = -(-n_sets // SETS_PER_SESSION)
    n_athletes = -(-n_sessions // SESSIONS_PER_ATHLETE)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rng = random.Random(0)
    sets, reps = [], []
    for set_id in range(1, n_sets + 1):
        session_id = (set_id - 1) // SETS_PER_SESSION + 1
        sets.append(
            {
                "id": set_id,
                "session_id": session_id,
                "exercise": EXERCISES[set_id % len(EXERCISES)],
                "load_kg": 60.0 + 5 * (set_id % 12),
                "performed_at": start + timedelta(hours=set_id),
            }
        )
        v0 = rng.uniform(0.5, 1.1)
        for index in range(reps_per_set):
            values = rep_values(index, round(v0 * (1 - 0.04 * index), 3))
            seq = (set_id - 1) % SETS_PER_SESSION * reps_per_set + index + 1
            reps.append(rep_row(set_id, session_id, seq, f"seed-{set_id}-{index}", values))
    sessions = [
        {
            "id": s,
            "athlete_id": (s - 1) // SESSIONS_PER_ATHLETE + 1,
            "started_at": start + timedelta(days=s),
            "rep_seq": min(SETS_PER_SESSION, n_sets - (s - 1) * SETS_PER_SESSION) * reps_per_set,
        }
        for s in range(1, n_sessions + 1)
    ]
    with writer() as db:
        db.execute(insert(Athlete), [{"id": a, "name": f"Athlete {a}"} for a in range(1, n_athletes + 1)])
        db.execute(insert(TrainingSession), sessions)
        db.execute(insert(LiftSet), sets)
        for i in range(0, len(reps), 20_000):
            db.execute(insert(Rep), reps[i : i + 20_000])
        db.commit()
    if engine.dialect.name == "postgresql":  # explicit ids leave the sequences behind
        with engine.begin() as connection:
            for table in ("athletes", "sessions", "sets", "reps"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
    engine.dispose()
    return n_sessions, len(reps)


def cpu_s(pid: int) -> float:
    """CPU time (user + system) a process has used, seconds; NaN where /proc is absent."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(database_url: str, data_dir: Path, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(REPO), VBT_DATA_DIR=str(data_dir))
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "vbt.service", "--port", str(port), "--db", database_url],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if process.poll() is not None:
            raise SystemExit(f"the server exited ({process.returncode}); see {log_path}")
        try:
            if httpx.get(f"{base_url}/api/health", timeout=1.0).status_code == 200:
                return process, base_url
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the server did not come up within 60 s; see {log_path}")


@dataclass
class Result:
    name: str
    mode: str
    target_rps: float | None
    sent: int
    errors: int
    achieved_rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_ms: float = float("nan")

    def row(self) -> str:
        target = f"{self.target_rps:.0f}" if self.target_rps else "max"
        return (
            f"{self.name:<26} {self.mode:<7} {target:>6} {self.sent:>7} {self.errors:>6} "
            f"{self.achieved_rps:>9.1f} {self.p50_ms:>8.2f} {self.p99_ms:>8.2f} {self.max_ms:>8.2f} "
            f"{self.server_cpu_ms:>8.2f}"
        )


def summarize(
    name: str, mode: str, target: float | None, latencies_s: list[float], errors: int, elapsed_s: float
) -> Result:
    ms = np.asarray(latencies_s) * 1000.0 if latencies_s else np.asarray([np.nan])
    return Result(
        name=name,
        mode=mode,
        target_rps=target,
        sent=len(latencies_s) + errors,
        errors=errors,
        achieved_rps=len(latencies_s) / elapsed_s,
        p50_ms=float(np.percentile(ms, 50)),
        p99_ms=float(np.percentile(ms, 99)),
        max_ms=float(np.max(ms)),
    )


Call = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


async def open_loop(
    client: httpx.AsyncClient, call: Call, *, rate: float, duration_s: float
) -> tuple[list[float], int, float]:
    """Start request i at t0 + i/rate whatever the server does; latency from the scheduled start."""
    latencies: list[float] = []
    errors = 0
    n = int(rate * duration_s)
    t0 = time.perf_counter() + 0.05

    async def one(i: int) -> None:
        nonlocal errors
        scheduled = t0 + i / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        try:
            response = await call(client, i)
            ok = response.status_code < 300
            if not ok:
                ERRORS[f"{response.status_code} {response.text[:120]}"] += 1
        except httpx.HTTPError as exc:
            ok = False
            ERRORS[type(exc).__name__] += 1
        if ok:
            latencies.append(time.perf_counter() - scheduled)
        else:
            errors += 1

    await asyncio.gather(*(one(i) for i in range(n)))
    return latencies, errors, time.perf_counter() - t0


async def closed_loop(
    client: httpx.AsyncClient, call: Call, *, concurrency: int, duration_s: float
) -> tuple[list[float], int, float]:
    """``concurrency`` clients, each sending its next request when the last one was answered."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(10**9))
    end = time.perf_counter() + duration_s
    t0 = time.perf_counter()

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < end:
            start = time.perf_counter()
            try:
                response = await call(client, next(counter))
                ok = response.status_code < 300
                if not ok:
                    ERRORS[f"{response.status_code} {response.text[:120]}"] += 1
            except httpx.HTTPError as exc:
                ok = False
                ERRORS[type(exc).__name__] += 1
            if ok:
                latencies.append(time.perf_counter() - start)
            else:
                errors += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - t0


async def stream_delays(
    base_url: str, *, session_id: int, set_id: int, after: int, n: int, rate: float
) -> tuple[list[float], int]:
    """Post ``n`` reps to a set, one at a time; the delay from each POST to its WebSocket arrival."""
    sent_at: dict[str, float] = {}
    arrived_at: dict[str, float] = {}
    ws_url = base_url.replace("http://", "ws://") + f"/api/sessions/{session_id}/stream?after={after}"
    async with (
        websockets.connect(ws_url) as listener,
        httpx.AsyncClient(base_url=base_url, timeout=30) as client,
    ):

        async def listen() -> None:
            while len(arrived_at) < n:
                event = json.loads(await listener.recv())
                arrived_at[event["rep"]["client_rep_id"]] = time.perf_counter()

        listening = asyncio.create_task(listen())
        await asyncio.sleep(0.2)  # the listener is subscribed
        errors = 0
        for i in range(n):
            rep_id = f"stream-{i}"
            body = {**rep_values(8000 + i, 0.7), "client_rep_id": rep_id}
            sent_at[rep_id] = time.perf_counter()
            try:
                response = await client.post(f"/api/sets/{set_id}/reps", json=body)
                errors += response.status_code >= 300
            except httpx.HTTPError as exc:
                ERRORS[f"stream post: {type(exc).__name__}"] += 1
                errors += 1
            await asyncio.sleep(1.0 / rate)
        try:
            await asyncio.wait_for(listening, timeout=10)
        except TimeoutError:
            listening.cancel()
    delays = [arrived_at[k] - sent_at[k] for k in sent_at if k in arrived_at]
    return delays, errors + (n - len(delays))


async def measure(base_url: str, pid: int, args: argparse.Namespace, n_sessions: int) -> list[Result]:
    rng = random.Random(1)
    results: list[Result] = []

    async def timed(name: str, mode: str, target: float | None, run: Awaitable[Any]) -> None:
        cpu_before = cpu_s(pid)
        latencies, errors, elapsed = await run
        result = summarize(name, mode, target, latencies, errors, elapsed)
        result.server_cpu_ms = (cpu_s(pid) - cpu_before) * 1000.0 / max(result.sent, 1)
        results.append(result)

    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:

        async def read(c: httpx.AsyncClient, i: int) -> httpx.Response:
            return await c.get(f"/api/sets/{rng.randint(1, args.sets)}/velocity")

        async def post(c: httpx.AsyncClient, i: int) -> httpx.Response:
            set_id = rng.randint(1, args.sets)
            index = (100 if mode == "open" else 4000) + i % 3900  # indices unique per set and run
            body = {**rep_values(index, 0.6), "client_rep_id": f"bench-{mode}-{i}"}
            return await c.post(f"/api/sets/{set_id}/reps", json=body)

        await open_loop(client, read, rate=50, duration_s=1)  # warm-up (connections, caches)
        name = "GET /api/sets/{id}/velocity"
        await timed(
            name, "open", args.rate, open_loop(client, read, rate=args.rate, duration_s=args.duration_s)
        )
        closed = closed_loop(client, read, concurrency=args.concurrency, duration_s=args.duration_s / 2)
        await timed(name, "closed", None, closed)
        name, mode = "POST /api/sets/{id}/reps", "open"
        await timed(
            name,
            mode,
            args.post_rate,
            open_loop(client, post, rate=args.post_rate, duration_s=args.duration_s),
        )
        mode = "closed"
        closed = closed_loop(client, post, concurrency=args.concurrency, duration_s=args.duration_s / 2)
        await timed(name, mode, None, closed)
    session_id = rng.randint(1, n_sessions)
    set_id = (session_id - 1) * SETS_PER_SESSION + 1
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        after = (await client.get(f"/api/sessions/{session_id}")).json()["last_rep_seq"]

    async def stream() -> tuple[list[float], int, float]:
        t0 = time.perf_counter()
        delays, errors = await stream_delays(
            base_url,
            session_id=session_id,
            set_id=set_id,
            after=after,
            n=args.stream_reps,
            rate=args.stream_rate,
        )
        return delays, errors, time.perf_counter() - t0

    await timed("POST rep -> WebSocket", "stream", args.stream_rate, stream())
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sets", type=int, default=10_000, help="stored sets (default 10000)")
    parser.add_argument("--reps", type=int, default=5, help="reps per stored set (default 5)")
    parser.add_argument("--db", default=None, help="database URL (default: a new SQLite file in a temp dir)")
    parser.add_argument("--rate", type=float, default=200.0, help="velocity reads per second (open loop)")
    parser.add_argument("--post-rate", type=float, default=50.0, help="rep posts per second (open loop)")
    parser.add_argument("--concurrency", type=int, default=8, help="clients in the closed-loop runs")
    parser.add_argument("--duration-s", type=float, default=10.0, help="seconds per open-loop run")
    parser.add_argument("--stream-reps", type=int, default=200, help="reps posted for the stream delay")
    parser.add_argument("--stream-rate", type=float, default=20.0, help="stream reps per second")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--only", choices=("all", "stream"), default="all", help="stream: only the stream part"
    )
    service_stream.add_arguments(parser)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vbt-bench-") as folder:
        work = Path(folder)
        database_url = normalize_database_url(args.db) if args.db else f"sqlite:///{work}/vbt.sqlite3"
        t0 = time.perf_counter()
        n_sessions = 0
        if args.only == "all":
            n_sessions, n_reps = fill(database_url, n_sets=args.sets, reps_per_set=args.reps)
            print(
                f"stored {args.sets} sets, {n_sessions} sessions, {n_reps} reps in {time.perf_counter() - t0:.1f} s"
            )
        replay_sets = service_stream.fill_replay_sets(database_url, args.replay_reps)
        process, base_url = start_server(database_url, work / "data", work / "server.log")
        try:
            results = (
                [] if args.only == "stream" else asyncio.run(measure(base_url, process.pid, args, n_sessions))
            )
            stream_results = asyncio.run(
                service_stream.measure(base_url, process.pid, args, replay_sets, cpu_s)
            )
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    backend = database_url.split(":", 1)[0].split("+", 1)[0]
    service_stream.report(stream_results, backend)
    if args.only == "stream":
        return 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\nvbt service on loopback, {backend}, {args.sets} sets; {os.cpu_count()} CPUs shared with the "
        f"load generator, 1-minute load average {load:.1f}; cpu ms = server CPU per request"
    )
    header = (
        "operation",
        "mode",
        "target",
        "sent",
        "errors",
        "req/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "cpu ms",
    )
    print(
        f"{header[0]:<26} {header[1]:<7} {header[2]:>6} {header[3]:>7} {header[4]:>6} {header[5]:>9}", end=""
    )
    print("".join(f" {h:>8}" for h in header[6:]))
    for result in results:
        print(result.row())
    velocity_p99 = results[0].p99_ms
    stream_p99 = results[-1].p99_ms
    print(
        f"\ngoals: velocity read p99 {velocity_p99:.1f} ms at {args.rate:.0f} req/s "
        f"(goal ≤ {GOALS['velocity_p99_ms']:.0f}: {'met' if velocity_p99 <= GOALS['velocity_p99_ms'] else 'NOT met'}); "
        f"stream delay p99 {stream_p99:.1f} ms (goal ≤ {GOALS['stream_p99_ms']:.0f}: "
        f"{'met' if stream_p99 <= GOALS['stream_p99_ms'] else 'NOT met'})"
    )
    for what, count in ERRORS.most_common():
        print(f"error x{count}: {what}")
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
