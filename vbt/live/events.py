"""What live mode says about each rep as a set goes on: provisional, final, retracted (``RepEvent``),
and the reps those events show.

``vbt.live.online.OnlineSet`` emits the events; the frame loop (``vbt.live.runner``), the screen,
the console and the service's posts read them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from vbt.types import RepMetrics, RepStatus


class RepEventKind(StrEnum):
    """What an event says about a rep."""

    PROVISIONAL = "provisional"  # seen: metrics from the data so far, may still change
    FINAL = "final"  # final: equal to the offline analysis of the whole set
    RETRACTED = "retracted"  # a provisional rep the whole-set analysis does not keep


@dataclass(frozen=True)
class RepEvent:
    """One event of a rep's life: ``key`` is the rep's id within the set (1, 2, ...), stable across
    its provisional, final and retracted events; ``t_s`` the newest sample's time when emitted."""

    kind: RepEventKind
    key: int
    rep: RepMetrics
    t_s: float


def shown_reps(events: list[RepEvent]) -> list[tuple[RepEvent, bool]]:
    """The reps as the newest events say, in time order, each with whether it is still provisional."""
    latest: dict[int, RepEvent] = {}
    for event in events:
        if event.kind is RepEventKind.RETRACTED:
            latest.pop(event.key, None)
        else:
            latest[event.key] = event
    ordered = sorted(latest.values(), key=lambda event: event.rep.start_s)
    return [(event, event.kind is RepEventKind.PROVISIONAL) for event in ordered]


def doubted_by_report(events: list[RepEvent], report_reps: Sequence[RepMetrics]) -> list[RepEvent]:
    """The final reps shown as counted that the set's report (same reps, by index) holds suspect,
    each as a new final event with the posted values, status ``suspect`` and the report's reasons:
    the report's whole-set checks (the camera's view, the scale against the body) see the set only
    once it is over."""
    report = {rep.index: rep for rep in report_reps}
    marked = []
    for event, provisional in shown_reps(events):
        doubted = report.get(event.rep.index)
        if provisional or doubted is None or event.rep.status is RepStatus.SUSPECT:
            continue
        if doubted.status is RepStatus.SUSPECT:
            rep = dataclasses.replace(
                event.rep, status=RepStatus.SUSPECT, suspect_reasons=doubted.suspect_reasons
            )
            marked.append(dataclasses.replace(event, rep=rep))
    return marked
