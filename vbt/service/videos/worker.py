"""An analysis worker: takes queued videos from the database one at a time and analyses them.

``vbt worker --db URL`` runs one in its own process (:func:`vbt.service.app.run_worker`: any number, on
any machine that reaches the database and the video store); ``vbt serve`` runs one in its process unless ``--no-worker``. The
queue itself is :mod:`vbt.service.videos.queue`.

A worker never ends on a database error: each database step is retried with a doubling wait
(:func:`~vbt.service.videos.queue.retry_database`), and its loop survives whatever a step raises. Its
heartbeat comes from a thread of its own, so a long analysis keeps it alive. The analysis stores
each rep through the rep route's own function with ``client_rep_id = "video-<id>-rep-<index>"``, so
a job run again stores nothing twice; only the worker that owns the running video may finish it.

Job outcomes: the video cannot be used (a :class:`VbtError`) → ``failed`` with its message at once;
any other error → queued again, and set aside as ``failed`` once it has had ``max_attempts``; a
clean stop → queued again without counting the attempt.
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from vbt.errors import InputError, VbtError
from vbt.service.errors import ConflictError
from vbt.service.models import LiftSet, Video, utc_now
from vbt.service.videos import queue
from vbt.service.videos.jobs import (
    Analyzer,
    JobCancelledError,
    ProgressFn,
    StoreRep,
    annotated_name_for,
    first_line,
)
from vbt.service.videos.queue import VideoStatus, WorkerSettings, retry_database
from vbt.service.videos.storage import VideoStorage
from vbt.types import Lift

log = logging.getLogger(__name__)


#: How long a stopping worker waits for a heartbeat in flight to end before it unregisters (the
#: same bound ``close`` gives the threads): a database write slower than this leaves the row, which
#: then goes stale like a killed worker's.
_BEAT_END_S = 5.0


class VideoWorker:
    """One worker: a thread analysing queued videos one at a time, and a heartbeat thread.

    Parameters:
        app: the application whose sessions and stream hub the reps go through (it need not be
            serving: a standalone worker makes one and never starts it).
        analyzer: what analyses a video file.
        storage: where the uploads are, and where the annotated videos go.
        store_rep: stores one rep body in a set the way ``POST /api/sets/{id}/reps`` does.
        settings: heartbeats, staleness, retries.
        progress_interval_s: the job's progress is written at most this often.
    """

    def __init__(
        self,
        app: FastAPI,
        *,
        analyzer: Analyzer,
        storage: VideoStorage,
        store_rep: StoreRep,
        settings: WorkerSettings,
        progress_interval_s: float = 0.5,
    ) -> None:
        self.id = queue.new_worker_id()
        self._app = app
        self._write: sessionmaker[Session] = app.state.write_sessions
        self._analyzer = analyzer
        self._storage = storage
        self._store_rep = store_rep
        self._settings = settings
        self._progress_interval_s = progress_interval_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._registered = threading.Event()
        self._last_recovery = -math.inf
        self._threads = [
            threading.Thread(target=self._work, name=f"vbt-worker-{self.id}", daemon=True),
            threading.Thread(target=self._beat, name=f"vbt-heartbeat-{self.id}", daemon=True),
        ]

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start the worker and its heartbeat (it registers itself from its thread)."""
        for thread in self._threads:
            thread.start()

    def wake(self) -> None:
        """Look for queued videos now (an upload was stored)."""
        self._wake.set()

    def request_stop(self) -> None:
        """Ask the worker to stop (safe from a signal handler): a running analysis stops at its
        next frame and its video is queued again."""
        self._stop.set()
        self._wake.set()

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop (see :meth:`request_stop`) and wait for the worker's threads."""
        self.request_stop()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout=timeout_s)

    def run_forever(self) -> None:
        """Run in the calling thread until :meth:`close` is called from another (``vbt worker``)."""
        self._threads[1].start()
        self._work()
        self._threads[1].join(timeout=5.0)

    def _retry(self, action: Any, what: str) -> Any:
        return retry_database(action, settings=self._settings, stop=self._stop, what=what)

    def _beat(self) -> None:
        while not self._stop.wait(self._settings.heartbeat_interval_s):
            if not self._registered.is_set():  # the worker's own thread registers it first
                continue
            try:
                queue.heartbeat(self._write, self.id)
            except Exception as exc:  # the next beat tries again; the worker goes on
                log.warning("worker %s: heartbeat failed: %s", self.id, first_line(exc))

    def _work(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    if not self._registered.is_set():
                        self._retry(lambda: queue.register_worker(self._write, self.id), "registering")
                        self._registered.set()
                    self._step()
                except Exception as exc:  # a bug, or a database error while stopping: never the end
                    if self._stop.is_set():
                        break
                    log.error("worker %s: %s", self.id, first_line(exc), exc_info=exc)
                    self._stop.wait(self._settings.retry_max_s)
        finally:
            # The heartbeat registers too (an upsert): one in flight now would put the row back after
            # the unregistering below, so it ends first.
            self._stop.set()
            beat = self._threads[1]
            if beat.is_alive() and beat is not threading.current_thread():
                beat.join(timeout=_BEAT_END_S)
            try:
                queue.unregister_worker(self._write, self.id)
            except Exception as exc:  # its heartbeat goes stale instead
                log.info("worker %s could not unregister: %s", self.id, first_line(exc))

    def _step(self) -> None:
        """Recover stalled jobs (once a heartbeat interval), then run one queued video, or wait for one."""
        if time.monotonic() - self._last_recovery >= self._settings.heartbeat_interval_s:
            self._retry(lambda: queue.recover_stalled(self._write, self._settings), "recovering stalled jobs")
            self._last_recovery = time.monotonic()
        video_id = self._retry(lambda: queue.claim(self._write, self.id), "taking a job")
        if video_id is None:
            self._wake.wait(self._settings.poll_interval_s)
            self._wake.clear()
            return
        self.run(video_id)

    # ------------------------------------------------------------ one job

    def run(self, video_id: int) -> None:
        """Analyse one video this worker has claimed and store its outcome."""
        job = self._retry(lambda: self._load(video_id), f"video {video_id}: reading the job")
        if job is None:
            return
        lift, load_kg, set_id, stored_name, filename, attempts = job
        workdir = Path(tempfile.mkdtemp(prefix=f"vbt-video-{video_id}-"))
        annotated = workdir / annotated_name_for(video_id)
        try:
            with self._storage.local_copy(stored_name, workdir) as path:
                try:
                    report = self._analyzer(
                        path,
                        lift=lift,
                        load_kg=load_kg,
                        progress=self._progress_writer(video_id),
                        annotated_path=annotated,
                    )
                except VbtError as exc:  # its message names the stored file: name the uploaded one
                    self._finish_failed(video_id, str(exc).replace(str(path), filename))
                    return
            stored, skipped = self._store_reps(video_id, set_id, report)
            annotated_name = None
            if annotated.is_file():
                self._storage.put(annotated.name, annotated)
                annotated_name = annotated.name
        except JobCancelledError:
            self._retry(lambda: queue.give_back(self._write, video_id, self.id), f"video {video_id}: requeue")
            return
        except FileNotFoundError:
            self._finish_failed(
                video_id,
                f"The uploaded file is missing from the video store ({self._storage.describe()}); "
                "upload the video again.",
            )
            return
        except Exception as exc:  # a bug or a store error: retried, then set aside
            if queue.is_transient(exc) and self._stop.is_set():
                return  # stopping during a database outage: the heartbeat goes stale, it is requeued
            self._attempt_failed(video_id, attempts, exc)
            return
        finally:
            _remove_tree(workdir)
        if skipped:
            report["warnings"] = [*report.get("warnings", []), *skipped]
        if "input" in report:  # the stored file's name means nothing to the user
            report["input"] = filename
        done = self._retry(
            lambda: queue.finish(
                self._write,
                video_id,
                self.id,
                status=VideoStatus.DONE,
                progress=1.0,
                rep_count=stored,
                report_json=json.dumps(report, allow_nan=False),
                annotated_name=annotated_name,
                finished_at=utc_now(),
            ),
            f"video {video_id}: storing the outcome",
        )
        if not done:
            log.warning("video %s: another worker took it over; this outcome is dropped", video_id)

    def _load(self, video_id: int) -> tuple[Lift, float, int, str, str, int] | None:
        with self._write() as db:
            video = db.get(Video, video_id)
            if video is None or video.status != VideoStatus.RUNNING or video.worker_id != self.id:
                return None
            lift_set = db.get(LiftSet, video.set_id)
            assert lift_set is not None  # a foreign key
            return (
                Lift(lift_set.exercise),
                lift_set.load_kg,
                lift_set.id,
                video.stored_name,
                video.filename,
                video.attempts,
            )

    def _finish_failed(self, video_id: int, message: str) -> None:
        self._retry(
            lambda: queue.finish(
                self._write,
                video_id,
                self.id,
                status=VideoStatus.FAILED,
                error=message,
                finished_at=utc_now(),
            ),
            f"video {video_id}: storing the failure",
        )

    def _attempt_failed(self, video_id: int, attempts: int, exc: Exception) -> None:
        log.error("video %s: attempt %s failed unexpectedly", video_id, attempts, exc_info=exc)
        why = f"the analysis stopped with an internal error ({type(exc).__name__}): {first_line(exc)[:200]}"
        if attempts >= self._settings.max_attempts:
            self._finish_failed(video_id, queue.set_aside_reason(attempts, why))
            return
        self._retry(
            lambda: queue.finish(
                self._write,
                video_id,
                self.id,
                status=VideoStatus.QUEUED,
                progress=0.0,
                started_at=None,
            ),
            f"video {video_id}: queueing it again",
        )

    def _progress_writer(self, video_id: int) -> ProgressFn:
        last_write = [-math.inf, 0.0]

        def progress(fraction: float) -> None:
            if self._stop.is_set():
                raise JobCancelledError
            now = time.monotonic()
            if now - last_write[0] >= self._progress_interval_s and fraction != last_write[1]:
                last_write[:] = [now, fraction]
                value = min(max(float(fraction), 0.0), 1.0) if math.isfinite(fraction) else 0.0
                try:  # progress is news, not state: a database hiccup must not stop the analysis
                    queue.set_progress(self._write, video_id, self.id, value)
                except Exception as exc:
                    if not queue.is_transient(exc):
                        raise
                    log.warning("video %s: progress not written: %s", video_id, first_line(exc))

        return progress

    def _store_reps(self, video_id: int, set_id: int, report: dict[str, Any]) -> tuple[int, list[str]]:
        """Store the report's reps in the set; returns how many and a warning per rep left out."""
        stored, skipped = 0, []
        for rep in report.get("reps", []):
            body = {**rep, "client_rep_id": f"video-{video_id}-rep-{rep.get('index')}"}

            def store(body: dict[str, Any] = body) -> None:
                with self._write() as db:
                    self._store_rep(self._app, db, set_id, body)

            try:
                self._retry(store, f"video {video_id}: storing rep {rep.get('index')}")
            except (ValidationError, InputError, ConflictError) as exc:
                skipped.append(f"rep {rep.get('index')} was not stored: {first_line(exc)}")
                continue
            stored += 1
        return stored, skipped


def _remove_tree(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
