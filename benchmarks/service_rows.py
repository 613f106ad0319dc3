"""Rep bodies and rows for the service benchmarks (bulk-inserted as the service would store them)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: the tests' rep bodies
from tests.service.helpers import rep_body


def rep_values(index: int, velocity_m_s: float) -> dict[str, Any]:
    """A rep with every report key (as ``vbt analyze --json`` writes it): the service tests' rep body
    without its client_rep_id, its peak 0.6 m/s above its mean."""
    body = rep_body(index, mean_velocity_m_s=velocity_m_s, peak_velocity_m_s=round(velocity_m_s + 0.6, 3))
    del body["client_rep_id"]
    return body


def rep_row(
    set_id: int, session_id: int, seq: int, client_rep_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    """A ``reps`` table row of a rep body, as ``POST /api/sets/{id}/reps`` would store it."""
    return {
        "set_id": set_id,
        "session_id": session_id,
        "session_seq": seq,
        "client_rep_id": client_rep_id,
        "rep_index": values["index"],
        "status": values["status"],
        "start_s": values["start_s"],
        "end_s": values["end_s"],
        "mean_velocity_m_s": values["mean_velocity_m_s"],
        "mean_propulsive_velocity_m_s": values["mean_propulsive_velocity_m_s"],
        "peak_velocity_m_s": values["peak_velocity_m_s"],
        "range_of_motion_m": values["range_of_motion_m"],
        "body_json": json.dumps(values, sort_keys=True),
    }
