"""The online analysis on a thread of its own, so that the frame loop never waits for it.

Re-analysing a set costs 5-50 ms (more on a loaded machine); run in the frame loop, that would stall
capture, drop frames in bursts and leave gaps in the very reps being measured. ``Analyst`` takes
samples through a queue (samples are small: none is ever dropped) and hands back rep events through
another; the frame loop only puts and drains.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from vbt.errors import NotEnoughDataError, VbtError
from vbt.live.cost import CpuMeter
from vbt.live.events import RepEvent
from vbt.live.online import OnlineSet
from vbt.types import FloatArray, Lift


@dataclass(frozen=True)
class _Sample:
    t_s: float
    bar_xy_m: FloatArray
    joints_xy_m: FloatArray | None
    lost: bool = False


_FINISH = object()


class Analyst:
    """An ``OnlineSet`` fed on a worker thread.

    Parameters:
        lift, load_kg: the set's lift and load.
        idle_keep_s: while no rep has been seen, samples older than this are forgotten (a long wait
            before the first rep must not slow every re-analysis down).
        meter: counts the worker's CPU time as the ``"analysis"`` stage.
        **online: passed on to ``OnlineSet``.

    ``on_events`` is called on the worker thread with each batch of new events (the caller makes it
    thread-safe); without it, ``events()`` returns the events produced since the last call.
    ``finish()`` stops the worker, runs the whole-set analysis and returns its closing events.
    """

    def __init__(
        self,
        *,
        lift: Lift,
        load_kg: float | None,
        idle_keep_s: float = 10.0,
        on_events: Callable[[list[RepEvent]], None] | None = None,
        meter: CpuMeter | None = None,
        **online: Any,
    ) -> None:
        self.meter = meter if meter is not None else CpuMeter()
        self.lift, self.load_kg, self.idle_keep_s = lift, load_kg, idle_keep_s
        self.on_events = on_events
        self._online_options = online
        self.online = OnlineSet(lift=lift, load_kg=load_kg, **online)
        self.error: VbtError | None = None
        self._inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._outbox: queue.SimpleQueue[RepEvent] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="vbt-live-analyst", daemon=True)
        self._thread.start()
        self._closing: list[RepEvent] = []

    def add(
        self, t_s: float, bar_xy_m: FloatArray, joints_xy_m: FloatArray | None, *, lost: bool = False
    ) -> None:
        """Queue one sample (returns at once); ``lost``: its frame was lost (see ``OnlineSet.add``)."""
        self._inbox.put(_Sample(t_s, bar_xy_m, joints_xy_m, lost))

    def events(self) -> list[RepEvent]:
        """The events produced since the last call, in order."""
        out = []
        while True:
            try:
                out.append(self._outbox.get_nowait())
            except queue.Empty:
                return out

    def finish(self) -> list[RepEvent]:
        """Analyse every sample queued, end the worker, close the set; the events not yet taken
        with ``events()`` plus the closing ones (final reps, retractions)."""
        self._inbox.put(_FINISH)
        self._thread.join()
        return self.events() + self._closing

    def _run(self) -> None:
        with self.meter.stage("analysis"):
            self._analyse_all()

    def _analyse_all(self) -> None:
        finishing = False
        while not finishing:
            batch = [self._inbox.get()]
            while True:  # catch up on a backlog with one analysis, at its newest sample
                try:
                    batch.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            if batch[-1] is _FINISH:
                finishing = True
                batch.pop()
            for i, item in enumerate(batch):
                try:
                    last = i == len(batch) - 1
                    events = self.online.add(
                        item.t_s,
                        item.bar_xy_m,
                        item.joints_xy_m,
                        analyze=last,
                        finals=last and self._inbox.empty(),  # provisional first when behind
                        lost=item.lost,
                    )
                except VbtError as exc:  # a sample out of order after a reconnect: skipped
                    self.error = exc
                    continue
                self._emit(events)
            if batch:
                self._forget_idle(batch[-1].t_s)
        try:
            self.online.finish()
            self._closing = list(self.online.final_events)
        except NotEnoughDataError:
            self._closing = []

    def _emit(self, events: list[RepEvent]) -> None:
        if not events:
            return
        if self.on_events is not None:
            self.on_events(events)
        else:
            for event in events:
                self._outbox.put(event)

    def _forget_idle(self, t_s: float) -> None:
        online = self.online
        if online.events or t_s - online.first_t_s < 2 * self.idle_keep_s:
            return
        trajectory, lost = online.trajectory(), online.lost
        keep = np.flatnonzero(trajectory.t_s >= t_s - self.idle_keep_s)
        fresh = OnlineSet(lift=self.lift, load_kg=self.load_kg, **self._online_options)
        for i in keep:
            joints = trajectory.joints_xy_m[i] if trajectory.has_joints else None
            self._emit(
                fresh.add(float(trajectory.t_s[i]), trajectory.bar_xy_m[i], joints, lost=bool(lost[i]))
            )
        self.online = fresh
