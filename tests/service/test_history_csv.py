"""The history CSV's cells: rounded to what each unit can carry, empty where a value is missing."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from vbt.service.history import history_csv
from vbt.service.schemas import SetHistoryItem
from vbt.types import Lift


def test_the_history_csv_writes_rounded_values_not_float_noise() -> None:
    item = SetHistoryItem(
        set_id=1,
        session_id=2,
        exercise=Lift.SQUAT,
        load_kg=102.49999999999999,
        performed_at=datetime(2025, 3, 1, 10, tzinfo=UTC),
        rep_count=3,
        failed_rep_count=0,
        best_rep_index=0,
        first_mean_velocity_m_s=0.9199999999999999,
        best_mean_velocity_m_s=0.92,
        last_mean_velocity_m_s=0.81234,
        average_mean_velocity_m_s=0.8666666666666667,
        best_peak_velocity_m_s=1.5005,
        velocity_loss_pct=11.956521739130435,
        velocity_loss_from_first_pct=None,
        peak_velocity_loss_pct=0.04,
    )
    text = history_csv([item])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["first_mean_velocity_m_s"] == "0.92" and row["best_mean_velocity_m_s"] == "0.92"
    assert row["last_mean_velocity_m_s"] == "0.812" and row["average_mean_velocity_m_s"] == "0.867"
    assert row["velocity_loss_pct"] == "12.0" and row["peak_velocity_loss_pct"] == "0.0"
    assert row["load_kg"] == "102.5" and row["velocity_loss_from_first_pct"] == ""
    assert row["set_id"] == "1" and row["rep_count"] == "3" and row["performed_at"] == "2025-03-01T10:00:00Z"
    assert "99999" not in text and "66666" not in text
