"""Between stored rows and the core's types: reps back to :class:`vbt.types.RepMetrics` (null → NaN),
the core's :class:`vbt.types.SetSummary` out as JSON (NaN → null).

The service does no kinematics: per-set figures come from :func:`vbt.kinematics.summary.summarize_set`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any

from vbt.kinematics.summary import summarize_set
from vbt.service.models import LiftSet, Rep
from vbt.service.schemas import RepPublic, RepVelocity, SetSummaryPublic, finite_or_none
from vbt.types import RepMetrics, RepStatus, SetSummary, TripleExtension

_NAN = float("nan")


def rep_body(rep: Rep) -> dict[str, Any]:
    """The stored report keys of a rep."""
    body = json.loads(rep.body_json)
    assert isinstance(body, dict)
    return body


def rep_public(rep: Rep) -> RepPublic:
    return RepPublic(
        id=rep.id,
        set_id=rep.set_id,
        session_id=rep.session_id,
        seq=rep.session_seq,
        created_at=rep.created_at,
        client_rep_id=rep.client_rep_id,
        provisional=rep.provisional,
        **rep_body(rep),
    )


def final_reps(reps: Sequence[Rep]) -> list[Rep]:
    """The reps that are not provisional (what per-set figures, history, profiles and plans use)."""
    return [r for r in reps if not r.provisional]


def rep_velocity(rep: Rep) -> RepVelocity:
    return RepVelocity(client_rep_id=rep.client_rep_id, **rep_body(rep))


def _number(value: Any) -> float:
    return _NAN if value is None else float(value)


def _triple_extension(body: Mapping[str, Any] | None) -> TripleExtension | None:
    if body is None:
        return None
    values: dict[str, Any] = {}
    for f in dataclasses.fields(TripleExtension):
        value = body.get(f.name)
        if f.name == "order":
            values[f.name] = tuple(value or ())
        elif f.name == "complete":
            values[f.name] = None if value is None else bool(value)
        elif f.name == "double_knee_bend":
            values[f.name] = bool(value)
        elif f.name == "unseen":
            values[f.name] = dict(value or {})
        elif f.name == "complete_basis":
            values[f.name] = str(value or "")
        else:
            values[f.name] = _number(value)
    return TripleExtension(**values)


def rep_metrics(body: Mapping[str, Any]) -> RepMetrics:
    """A stored rep body as the core's ``RepMetrics`` (null becomes NaN)."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(RepMetrics):
        value = body.get(f.name)
        if f.name == "index":
            values[f.name] = int(body["index"])
        elif f.name == "status":
            values[f.name] = RepStatus(body["status"])
        elif f.name == "triple_extension":
            values[f.name] = _triple_extension(value)
        elif f.name in ("partial_start", "partial_end"):
            values[f.name] = bool(value)
        elif f.name == "suspect_reasons":
            values[f.name] = tuple(value or ())
        else:
            values[f.name] = _number(value)
    return RepMetrics(**values)


def summary_public(summary: SetSummary) -> SetSummaryPublic:
    return SetSummaryPublic.model_validate(
        {f.name: finite_or_none(getattr(summary, f.name)) for f in dataclasses.fields(summary)}
    )


def summarize_reps(reps: Sequence[Rep]) -> SetSummaryPublic:
    """The core's summary of a set's final reps (provisional ones left out), in rep order."""
    ordered = sorted(final_reps(reps), key=lambda r: r.rep_index)
    return summary_public(summarize_set([rep_metrics(rep_body(r)) for r in ordered]))


def set_fields(lift_set: LiftSet) -> dict[str, Any]:
    """The columns of a set that every set view shows."""
    return {
        "session_id": lift_set.session_id,
        "exercise": lift_set.exercise,
        "load_kg": lift_set.load_kg,
        "performed_at": lift_set.performed_at,
    }
