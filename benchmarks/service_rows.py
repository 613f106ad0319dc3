"""Rep bodies and rows for the service benchmarks (bulk-inserted as the service would store them)."""

from __future__ import annotations

import json
from typing import Any


def rep_values(index: int, velocity_m_s: float) -> dict[str, Any]:
    """A rep with every report key (as ``vbt analyze --json`` writes it)."""
    start_s = 2.0 * index + 1.0
    return {
        "index": index,
        "start_s": start_s,
        "end_s": start_s + 0.75,
        "status": "ok",
        "mean_velocity_m_s": velocity_m_s,
        "mean_propulsive_velocity_m_s": round(velocity_m_s + 0.05, 3),
        "peak_velocity_m_s": round(velocity_m_s + 0.6, 3),
        "time_to_peak_velocity_s": 0.4,
        "range_of_motion_m": 0.6,
        "duration_s": 0.75,
        "propulsive_duration_s": 0.6,
        "horizontal_excursion_m": 0.04,
        "mean_power_w": None,
        "peak_power_w": None,
        "peak_height_m": None,
        "catch_height_m": None,
        "triple_extension": None,
    }


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
