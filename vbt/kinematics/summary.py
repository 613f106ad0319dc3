"""Per-set figures from the reps of one set, and the one velocity each lift is shown and judged by."""

from __future__ import annotations

import math
from collections.abc import Sequence

from vbt.lifts import Lift, VelocityKind, velocity_kind
from vbt.types import RepMetrics, RepStatus, SetSummary


def _loss_pct(reference: float, last: float) -> float:
    return (reference - last) / reference * 100.0 if reference > 0 else math.nan


def summarize_set(reps: Sequence[RepMetrics]) -> SetSummary:
    """Summarise a set over its successful reps (failed and suspect reps are counted, not averaged).

    - ``velocity_loss_pct``: mean velocity lost from the fastest rep to the last, in percent, as the
      commercial tools report it; ``velocity_loss_from_first_pct``: from the first rep to the last.
    - ``peak_velocity_loss_pct``: the same as ``velocity_loss_pct`` on peak velocity (the measure that
      matters for the Olympic lifts).

    Values that need a rep are NaN for a set without successful reps; losses are 0 for a single rep.
    """
    ok = [r for r in reps if r.status is RepStatus.OK and math.isfinite(r.mean_velocity_m_s)]
    failed = sum(1 for r in reps if r.status is RepStatus.FAILED)
    suspect = sum(1 for r in reps if r.status is RepStatus.SUSPECT)
    if not ok:
        nan = math.nan
        return SetSummary(0, failed, None, nan, nan, nan, nan, nan, nan, nan, nan, suspect_rep_count=suspect)
    best = max(ok, key=lambda r: r.mean_velocity_m_s)
    first, last = ok[0].mean_velocity_m_s, ok[-1].mean_velocity_m_s
    peaks = [r.peak_velocity_m_s for r in ok if math.isfinite(r.peak_velocity_m_s)]
    best_peak = max(peaks) if peaks else math.nan
    last_peak = ok[-1].peak_velocity_m_s
    return SetSummary(
        rep_count=len(ok),
        failed_rep_count=failed,
        best_rep_index=best.index,
        first_mean_velocity_m_s=first,
        best_mean_velocity_m_s=best.mean_velocity_m_s,
        last_mean_velocity_m_s=last,
        average_mean_velocity_m_s=sum(r.mean_velocity_m_s for r in ok) / len(ok),
        best_peak_velocity_m_s=best_peak,
        velocity_loss_pct=_loss_pct(best.mean_velocity_m_s, last),
        velocity_loss_from_first_pct=_loss_pct(first, last),
        peak_velocity_loss_pct=_loss_pct(best_peak, last_peak),
        suspect_rep_count=suspect,
    )


def rep_velocity_m_s(rep: RepMetrics, kind: VelocityKind) -> float:
    """A rep's velocity of one kind: its mean (concentric) or its peak velocity."""
    return rep.peak_velocity_m_s if kind is VelocityKind.PEAK else rep.mean_velocity_m_s


def shown_velocity_m_s(rep: RepMetrics, lift: Lift) -> float:
    """The rep's one velocity for display and loss (`vbt.lifts.velocity_kind`: peak for the Olympic
    pulls and the jerk, mean for the rest)."""
    return rep_velocity_m_s(rep, velocity_kind(lift))


def shown_best_and_loss(summary: SetSummary, lift: Lift) -> tuple[float, float]:
    """(best velocity in m/s, velocity loss in % from the best rep to the last) of a set, both on the
    lift's one velocity."""
    if velocity_kind(lift) is VelocityKind.PEAK:
        return summary.best_peak_velocity_m_s, summary.peak_velocity_loss_pct
    return summary.best_mean_velocity_m_s, summary.velocity_loss_pct
