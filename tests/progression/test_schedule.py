"""The 24-hour rule between a clean session and the next key run."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from vbt.errors import InputError
from vbt.progression.schedule import KeyRun, conflict, key_run_times, schedule_week

MONDAY = date(2026, 1, 5)


def test_a_key_run_thirteen_hours_after_a_session_is_a_conflict() -> None:
    run = datetime(2026, 1, 7, 7, 0)
    reason = conflict(datetime(2026, 1, 6, 18, 0), [run])
    assert reason is not None
    assert "Wed 2026-01-07 07:00 would start 13 h after the clean session" in reason
    assert conflict(datetime(2026, 1, 6, 7, 0), [run]) is None  # exactly 24 h
    assert conflict(datetime(2026, 1, 7, 18, 0), [run]) is None  # the run came first


def test_weekly_and_one_off_key_runs_expand_over_the_plan() -> None:
    runs = key_run_times(
        [KeyRun(2, time(7)), KeyRun(5, time(8))],
        [datetime(2026, 1, 9, 9)],
        first_day=MONDAY,
        last_day=date(2026, 1, 11),
    )
    assert runs == [datetime(2026, 1, 7, 7), datetime(2026, 1, 9, 9), datetime(2026, 1, 10, 8)]
    with pytest.raises(InputError, match="weekday must be 0"):
        KeyRun(7)


def test_a_session_too_close_to_a_key_run_moves_to_the_nearest_free_day() -> None:
    runs = [datetime(2026, 1, 7, 7, 0)]  # Wednesday morning intervals
    slots = schedule_week(MONDAY, [1, 3], at=time(18), key_runs=runs)
    assert [s.status for s in slots] == ["moved", "planned"]
    moved = slots[0]
    assert moved.requested == datetime(2026, 1, 6, 18) and moved.when == datetime(2026, 1, 5, 18)
    assert moved.reason.startswith("moved from Tue 2026-01-06 18:00 to Mon 2026-01-05 18:00: the key run")


def test_sessions_keep_48_hours_apart_when_moved() -> None:
    runs = [datetime(2026, 1, 9, 7, 0)]  # Friday: Thursday's session must move, not onto Wednesday
    slots = schedule_week(MONDAY, [1, 3], at=time(18), key_runs=runs)
    times = [s.when for s in slots]
    assert all(abs((a - b).total_seconds()) >= 48 * 3600 for a in times for b in times if a != b)
    assert all(conflict(s.when, runs) is None for s in slots)


def test_a_session_with_no_possible_day_is_refused_with_the_reason() -> None:
    runs = [datetime(2026, 1, d, 7, 0) for d in range(5, 14)]  # a key run every morning
    slots = schedule_week(MONDAY, [1], at=time(18), key_runs=runs)
    assert [s.status for s in slots] == ["refused"]
    assert "no other day this week leaves 24 h before every key run" in slots[0].reason
