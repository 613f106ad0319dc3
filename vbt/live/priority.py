"""The bar's path before pose on the cores: the pose model's own threads scheduled below live mode's.

Where a real-time frame's delay goes (``benchmarks/live_stages.py``): its stages (the decode, the
tracker, the analysis that finds the rep) spend most of their wall time waiting for a core, not for
Python's lock (MediaPipe releases it while it infers; the tracker waits 1-2 ms a frame for it beside
the analysis). MediaPipe lite infers on two threads of its own (about 18 and 23 CPU-ms a pose on the
2-core machine), so while a pose runs it takes both cores from the threads every frame needs. Pose is
the work live mode sheds first (``vbt.live.shedding``); the scheduler should shed it first too: the
model's threads run at a lower priority (a higher Linux nice value) than the frame loop's, so that
when both want a core the bar's path gets it, and pose takes the rest. Measured in one process on the
loaded machine (the plate tracker beside pose lite posing without a pause, alternated three times):
the tracker's wall time a frame p50 44 -> 30 -> 23 ms with the model's threads at nice 0 / 5 / 10,
the pose's 364 -> 738 -> 1385 ms. A slower pose shows in ``RoomMeter``'s pose time, so the levels
shed pose sooner when the cores are short, as they should.

The model's threads are not Python's (``threading`` does not know them) and were created by the
estimator, which live mode gets ready-made, so ``ModelThreads`` finds them by what they do: the
threads other than Python's that ran during each of the first ``calls`` poses. Linux only (the
per-thread scheduler counters and ``setpriority`` of a thread id); elsewhere nothing changes.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from vbt.errors import InputError

_TASKS = Path("/proc/self/task")


def threads_cpu_ns() -> dict[int, int]:
    """Each thread of this process (Linux thread id) and its nanoseconds on a core so far ({}
    where the kernel does not say)."""
    out = {}
    with contextlib.suppress(OSError):
        for task in _TASKS.iterdir():
            with contextlib.suppress(OSError, ValueError):
                out[int(task.name)] = int((task / "schedstat").read_text().split()[0])
    return out


def python_thread_ids() -> set[int]:
    """The Linux thread ids of the threads Python knows (``threading``)."""
    return {t.native_id for t in threading.enumerate() if t.native_id is not None}


def lower(thread_ids: Iterable[int], steps: int) -> list[int]:
    """Set each thread's nice value ``steps`` above the process's main thread's (a lower priority;
    allowed without privileges), unless it is that low already (lowering twice does not add up);
    the ids lowered (a thread gone, or a system that refuses, is left out)."""
    done = []
    with contextlib.suppress(OSError):
        target = os.getpriority(os.PRIO_PROCESS, os.getpid()) + steps
        for tid in thread_ids:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), target))
                done.append(tid)
    return done


class ModelThreads:
    """Finds the pose model's own threads by their work and lowers their priority.

    Parameters:
        steps: nice steps below the rest of the process (each about 1.25 times less weight in
            Linux's scheduler; 5: a third of the weight, so where both want a core the frame
            loop's threads get three quarters of it). Raising it gives the bar's path the cores
            more surely and slows the poses (more shed); 0 changes nothing.
        calls: the model calls watched: a thread counts as the model's when, not Python's, it ran
            during every one of them (a thread of other work that happened to run during one is
            left alone).
        cpu_ns, python_ids, renice: the scheduler's counters, Python's threads and the lowering
            (``threads_cpu_ns``, ``python_thread_ids``, ``lower``; tests replace them).

    ``before()`` and ``after()`` bracket each model call (from the pose's thread); after the
    ``calls``-th, the threads found are lowered once (``lowered``) and the watching stops.
    """

    def __init__(
        self,
        steps: int = 5,
        *,
        calls: int = 3,
        cpu_ns: Callable[[], dict[int, int]] = threads_cpu_ns,
        python_ids: Callable[[], set[int]] = python_thread_ids,
        renice: Callable[[Iterable[int], int], list[int]] = lower,
    ) -> None:
        if steps < 0 or calls < 1:
            raise InputError(f"need steps >= 0 and calls >= 1, got {steps}, {calls}")
        self.steps, self.calls = steps, calls
        self._cpu_ns, self._python_ids, self._renice = cpu_ns, python_ids, renice
        self._before: dict[int, int] | None = None
        self._ran: set[int] | None = None  # the threads that ran during every call watched
        self._watched = 0
        self.lowered: list[int] = []
        """The threads lowered (empty until the ``calls``-th call, or when none was found)."""

    @property
    def done(self) -> bool:
        """True once the threads were lowered (or nothing is to be done: ``steps`` 0)."""
        return self.steps == 0 or self._watched >= self.calls

    def before(self) -> None:
        """A model call starts."""
        if not self.done:
            self._before = self._cpu_ns()

    def after(self) -> None:
        """The model call started at the last ``before()`` ended."""
        if self.done or self._before is None:
            return
        before, self._before = self._before, None
        ran = {tid for tid, ns in self._cpu_ns().items() if ns > before.get(tid, -1)}  # or new
        ran -= self._python_ids()
        self._ran = ran if self._ran is None else self._ran & ran
        self._watched += 1
        if self._watched >= self.calls and self._ran:
            self.lowered = self._renice(sorted(self._ran), self.steps)
