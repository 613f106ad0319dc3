"""A ``vbt worker`` process for the fault tests, with a slow fake analysis instead of the pipeline:

    python -m tests.service.worker_process DB_URL DATA_DIR SECONDS   # store: VBT_VIDEO_STORE

The analysis takes SECONDS (reporting progress every 50 ms, so a stop or a kill lands mid-job),
appends a line to ``DATA_DIR/analyses.log`` when it starts, and returns three reps. Heartbeats
every 0.2 s, stale after 1.5 s, so a killed worker's job is recovered quickly.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from vbt.service.app import run_worker
from vbt.service.settings import settings_from_env
from vbt.service.videos.queue import WorkerSettings
from vbt.types import Lift

from .helpers import rep_body

FAST = WorkerSettings(
    heartbeat_interval_s=0.2, stale_after_s=1.5, poll_interval_s=0.1, retry_initial_s=0.1, retry_max_s=1.0
)


def report_of(n_reps: int) -> dict[str, Any]:
    reps = []
    for i in range(n_reps):
        rep = rep_body(i, mean_velocity_m_s=round(0.8 - 0.05 * i, 3))
        del rep["client_rep_id"]
        reps.append(rep)
    return {"lift": "squat", "reps": reps, "set": {"rep_count": n_reps}, "warnings": []}


class SlowAnalyzer:
    def __init__(self, log_path: Path, seconds: float) -> None:
        self.log_path = log_path
        self.seconds = seconds

    def __call__(
        self, path: Path, *, lift: Lift, load_kg: float, progress: Any, annotated_path: Path
    ) -> dict[str, Any]:
        with self.log_path.open("a") as log:
            log.write(f"{path.name}\n")
        end = time.monotonic() + self.seconds
        while time.monotonic() < end:
            progress(1 - (end - time.monotonic()) / self.seconds)
            time.sleep(0.05)
        annotated_path.write_bytes(b"annotated")
        return report_of(3)


def main() -> None:
    db_url, data_dir, seconds = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
    # The video store comes from VBT_VIDEO_STORE / VBT_S3_ENDPOINT_URL, as for `vbt worker`.
    settings = settings_from_env(database_url=db_url, data_dir=data_dir, video_progress_interval_s=0.0)
    run_worker(settings, FAST, SlowAnalyzer(data_dir / "analyses.log", seconds))


if __name__ == "__main__":
    main()
