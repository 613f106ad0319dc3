"""The pose model's own threads found by their work and scheduled below live mode's
(``vbt.live.priority``): known answers from simulated scheduler counters, and one real thread."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest

from tests.capture.test_pipeline import _Pose
from vbt.errors import InputError
from vbt.live.priority import ModelThreads, lower, python_thread_ids, threads_cpu_ns
from vbt.live.room import RoomMeter, TimedPose
from vbt.types import Frame

PYTHON = {1, 2}  # the loop's and the pose caller's thread (Python's)


def _watcher(snapshots: list[dict[int, int]], *, steps: int = 5, calls: int = 3) -> tuple[ModelThreads, list]:
    """A watcher reading ``snapshots`` in turn (before and after each call); the lowerings it asked."""
    asked: list[tuple[list[int], int]] = []

    def renice(ids: Iterable[int], by: int) -> list[int]:
        asked.append((list(ids), by))
        return list(ids)

    counters = iter(snapshots)
    threads = ModelThreads(
        steps, calls=calls, cpu_ns=lambda: next(counters), python_ids=lambda: PYTHON, renice=renice
    )
    return threads, asked


def test_the_threads_not_pythons_that_ran_during_every_watched_call_are_lowered_once() -> None:
    snapshots = [
        {1: 0, 2: 0, 13: 0},  # before the first call: the model's threads 11 and 12 are not there yet
        {1: 5, 2: 1, 11: 10, 12: 10, 13: 3},  # created during it: they ran; 13 ran too (other work)
        {1: 5, 2: 1, 11: 10, 12: 10, 13: 3},
        {1: 9, 2: 2, 11: 20, 12: 22, 13: 3},  # 13 idle during the second
        {1: 9, 2: 2, 11: 20, 12: 22, 13: 3},
        {1: 12, 2: 3, 11: 30, 12: 31, 13: 9, 14: 2},  # 14 new during the third only
    ]
    threads, asked = _watcher(snapshots)
    for _ in range(3):
        assert not threads.done and threads.lowered == []
        threads.before()
        threads.after()
    assert asked == [([11, 12], 5)]
    assert threads.done and threads.lowered == [11, 12]
    threads.before()  # done: no more counters read (the iterator is exhausted), nothing lowered again
    threads.after()
    assert asked == [([11, 12], 5)]


def test_no_steps_or_no_thread_found_lowers_nothing() -> None:
    threads, asked = _watcher([], steps=0)
    assert threads.done
    threads.before()
    threads.after()
    assert asked == []
    idle = {1: 0, 2: 0, 11: 0}
    threads, asked = _watcher([idle, {1: 4, 2: 1, 11: 0}], calls=1)  # only Python's threads ran
    threads.before()
    threads.after()
    assert threads.done and asked == [] and threads.lowered == []
    with pytest.raises(InputError):
        ModelThreads(-1)
    with pytest.raises(InputError):
        ModelThreads(5, calls=0)


def test_a_timed_pose_brackets_each_model_call_for_the_watcher() -> None:
    seen: list[str] = []

    class Watcher(ModelThreads):
        def before(self) -> None:
            seen.append("before")

        def after(self) -> None:
            seen.append("after")

    pose = TimedPose(_Pose(), RoomMeter(), threads=Watcher())
    frame = Frame(image=np.zeros((8, 8, 3), np.uint8), t_s=0.0, index=0)
    pose.detect(frame)
    pose.detect_prepared(frame, pose.prepare(frame))
    assert seen == ["before", "after"] * 2


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux's per-thread counters")
def test_a_real_thread_is_counted_and_lowered_alone() -> None:
    started, finish = threading.Event(), threading.Event()
    found: dict[str, object] = {}

    def work() -> None:
        tid = threading.get_native_id()
        found["tid"] = tid
        found["before"] = os.getpriority(os.PRIO_PROCESS, tid)
        started.set()
        finish.wait(10.0)

    thread = threading.Thread(target=work)
    thread.start()
    try:
        started.wait(10.0)
        tid = int(found["tid"])  # type: ignore[call-overload]
        assert tid in threads_cpu_ns() and tid in python_thread_ids()
        main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        assert int(found["before"]) == main_before  # type: ignore[call-overload]
        assert lower([tid], 1) == [tid]
        assert os.getpriority(os.PRIO_PROCESS, tid) == main_before + 1
        assert lower([tid], 1) == [tid]  # twice: no lower than asked
        assert os.getpriority(os.PRIO_PROCESS, tid) == main_before + 1
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before  # this one alone
    finally:
        finish.set()
        thread.join()
