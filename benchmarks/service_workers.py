"""Analysis workers under faults, on a PostgreSQL cluster of the benchmark's own (never the shared one).

Starts a PostgreSQL cluster on ``--pg-port`` (default 55433, data in ``--pg-data``) with
``.ci/postgres.sh``, ``--replicas`` API replicas (``python -m vbt.service --no-worker``) and
``--workers`` worker processes (``vbt worker``, the real capture pipeline), all on loopback and one
shared data folder; uploads ``--uploads`` rendered sample clips (``sample_videos/*.mp4``, spread
over the replicas), then, while the workers analyse them:

- kills one worker with SIGKILL mid-job (and starts a new one);
- stops PostgreSQL for ``--outage-s`` seconds (``pg_ctl stop -m immediate``, then start);
- holds ``LOCK TABLE videos IN ACCESS EXCLUSIVE MODE`` for ``--lock-s`` seconds.

It polls ``/api/health`` of every replica each second and prints, at the end: every video's state
and attempts, whether each ended ``done`` exactly once with its reps stored once (one rep per
``client_rep_id``, consecutive indexes), and what health said during each fault.

    .venv/bin/python benchmarks/service_workers.py [--uploads 30] [--workers 3] [--replicas 2]
        [--lock-s 75] [--outage-s 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, text

from vbt.service.models import Rep, Video

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_cluster(port: int, data: str) -> str:
    env = dict(os.environ, VBT_PG_PORT=str(port), VBT_PG_DATA=data, VBT_PG_DB="vbt_workers_bench")
    out = subprocess.run(
        ["bash", str(REPO / ".ci/postgres.sh")], env=env, check=True, capture_output=True, text=True
    ).stdout
    return out.strip().split("=", 1)[1]


def pg_ctl(data: str, *args: str) -> None:
    (bin_dir,) = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1:]
    command = [f"{bin_dir}/pg_ctl", "-D", data, *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True)


def reset_database(url: str) -> None:
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


class Processes:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        with (self.folder / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, *args], cwd=REPO, stdout=log, stderr=subprocess.STDOUT
            )
        self.running.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.terminate()
        for process in self.running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_up(base: str, deadline_s: float = 60.0) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base} did not come up")


class HealthLog(threading.Thread):
    """Polls every replica's /api/health each second; records (time, phase, replica, status)."""

    def __init__(self, bases: list[str]) -> None:
        super().__init__(daemon=True)
        self.bases = bases
        self.phase = "start"
        self.records: list[tuple[float, str, int, str]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(1.0):
            for i, base in enumerate(self.bases):
                try:
                    body = httpx.get(f"{base}/api/health", timeout=5).json()
                    status = f"{body['status']} (workers {body.get('workers_alive')}, queued {body.get('videos_queued')})"
                    if body.get("problem"):
                        status = f"{body['status']}: {body['problem'][:60]}"
                except (httpx.HTTPError, ValueError) as exc:
                    status = f"no answer ({type(exc).__name__})"
                self.records.append((time.monotonic(), self.phase, i, status))


def upload(base: str, clip: Path, athlete_id: int) -> int:
    found = re.match(r"(?P<lift>[a-z_]+?)_(?P<load>\d+(?:\.\d+)?)kg", clip.stem)
    assert found is not None, f"{clip.name} is not named LIFT_LOADkg_..."
    lift, load = found["lift"], found["load"]
    with clip.open("rb") as file:
        response = httpx.post(
            f"{base}/api/videos",
            files={"file": (clip.name, file, "video/mp4")},
            data={"athlete_id": str(athlete_id), "exercise": lift, "load_kg": load},
            timeout=120,
        )
    response.raise_for_status()
    return int(response.json()["id"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--uploads", type=int, default=30)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--lock-s", type=float, default=75.0)
    parser.add_argument("--outage-s", type=float, default=5.0)
    parser.add_argument("--pg-port", type=int, default=55433)
    parser.add_argument("--pg-data", default="/var/lib/vbt-pg-workers")
    parser.add_argument("--deadline-s", type=float, default=3600.0, help="give up waiting after this")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if args.pg_port == 55432:
        parser.error("55432 is the shared test server: this benchmark stops its server; use another port")

    shared_models = REPO.parent / "shared" / "models"  # the pose model, where the machine has no internet
    if shared_models.is_dir():
        os.environ.setdefault("VBT_MODEL_DIR", str(shared_models))
    url = start_cluster(args.pg_port, args.pg_data)
    reset_database(url)
    folder = Path(tempfile.mkdtemp(prefix="vbt-workers-bench-"))
    data = folder / "data"
    processes = Processes(folder)
    clips = sorted((REPO / "sample_videos").glob("*.mp4"))
    try:
        bases = []
        for i in range(args.replicas):
            port = free_port()
            processes.start(
                f"replica{i}",
                "-m",
                "vbt.service",
                "--port",
                str(port),
                "--db",
                url,
                "--data-dir",
                str(data),
                "--no-worker",
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            wait_up(base)
        worker_args = ["-m", "vbt", "worker", "--db", url, "--data-dir", str(data)]
        workers = [processes.start(f"worker{i}", *worker_args) for i in range(args.workers)]
        health = HealthLog(bases)
        health.start()
        athlete = httpx.post(f"{bases[0]}/api/athletes", json={"name": "Bench"}).json()["id"]
        t0 = time.monotonic()
        ids = [upload(bases[i % len(bases)], clips[i % len(clips)], athlete) for i in range(args.uploads)]
        upload_s = time.monotonic() - t0
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))

        def running_count() -> int:
            with engine.connect() as c:
                return int(c.scalar(select(func.count()).where(Video.status == "running")) or 0)

        # Fault 1: kill -9 a worker mid-job, start another.
        health.phase = "kill -9 a worker"
        deadline = time.monotonic() + 300
        while running_count() == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        workers[0] = processes.start("worker-replacement", *worker_args)
        time.sleep(5.0)
        # Fault 2: PostgreSQL down for outage_s.
        health.phase = f"PostgreSQL stopped {args.outage_s:g} s"
        engine.dispose()
        pg_ctl(args.pg_data, "stop", "-m", "immediate")
        time.sleep(args.outage_s)
        pg_ctl(
            args.pg_data,
            "start",
            "-w",
            "-l",
            f"{args.pg_data}/server.log",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {args.pg_port} -k {args.pg_data}",
        )
        health.phase = "after the outage"
        time.sleep(5.0)
        # Fault 3: a lock on the queue held for lock_s.
        health.phase = f"videos locked {args.lock_s:g} s"
        with engine.connect() as locker:
            locker.execute(text("LOCK TABLE videos IN ACCESS EXCLUSIVE MODE"))
            time.sleep(args.lock_s)
            locker.rollback()
        health.phase = "after the lock"
        while True:
            with engine.connect() as c:
                left = c.scalar(select(func.count()).where(Video.status.in_(["queued", "running"])))
            if not left or time.monotonic() - t0 > args.deadline_s:
                break
            time.sleep(1.0)
        total_s = time.monotonic() - t0
        health.stop.set()
        with engine.connect() as c:
            videos = c.execute(
                select(
                    Video.id, Video.status, Video.attempts, Video.rep_count, Video.set_id, Video.error
                ).where(Video.id.in_(ids))
            ).all()
            reps = c.execute(select(Rep.set_id, Rep.client_rep_id, Rep.rep_index)).all()
        engine.dispose()
    finally:
        processes.stop_all()
        pg_ctl(args.pg_data, "stop", "-m", "fast")

    by_set: dict[int, list[Any]] = {}
    for rep in reps:
        by_set.setdefault(rep.set_id, []).append(rep)
    problems = []
    for video in videos:
        got = by_set.get(video.set_id, [])
        ids_ = [r.client_rep_id for r in got]
        if video.status != "done":
            problems.append(f"video {video.id}: {video.status} {video.error}")
        elif len(ids_) != len(set(ids_)) or len(got) != video.rep_count:
            problems.append(f"video {video.id}: {len(got)} reps stored for rep_count {video.rep_count}")
        elif (indexes := sorted(r.rep_index for r in got)) and indexes != list(
            range(indexes[0], indexes[0] + len(got))
        ):
            problems.append(f"video {video.id}: rep indexes {sorted(r.rep_index for r in got)}")
    attempts = Counter(v.attempts for v in videos)
    print(
        f"vbt workers under faults: PostgreSQL on loopback, {args.replicas} API replicas, {args.workers} workers "
        f"(real pipeline), {args.uploads} uploads of {len(clips)} rendered clips; {os.cpu_count()} CPUs shared, "
        f"1-minute load average {os.getloadavg()[0]:.1f}"
    )
    print(f"uploads took {upload_s:.1f} s; all analysed after {total_s:.1f} s")
    print(
        f"videos done: {sum(v.status == 'done' for v in videos)}/{len(videos)}; attempts per video: "
        + ", ".join(f"{n} attempt(s): {count}" for n, count in sorted(attempts.items()))
    )
    print(f"reps stored: {len(reps)} in {len(by_set)} sets; duplicates or gaps: {len(problems)}")
    for problem in problems:
        print("  ", problem)
    print("health during each phase (replica: what it said, how many times):")
    phases: dict[str, Counter[str]] = {}
    for _, phase, replica, status in health.records:
        phases.setdefault(phase, Counter())[f"replica {replica}: {status}"] += 1
    for phase, said in phases.items():
        print(f"  {phase}:")
        for status, count in said.most_common(4):
            print(f"    {status} x{count}")
    if args.json:
        args.json.write_text(
            json.dumps({"total_s": total_s, "problems": problems, "attempts": dict(attempts)})
        )
    print(f"logs: {folder}")


if __name__ == "__main__":
    main()
