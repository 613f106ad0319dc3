"""The next set's load (:func:`vbt.progression.recommend.recommend`) from records held in lists.

The squat profile is exactly ``v = 1.5 - 0.01 x load_kg``: a target of 0.76 m/s is 74 kg, rounded down to
72.5 kg (a 20 kg bar and pairs of 1.25 kg plates make multiples of 2.5 kg), where 0.775 m/s is predicted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from vbt.errors import InputError
from vbt.progression.profile import ProfilePoint, VelocityKind
from vbt.progression.recommend import (
    READINESS_BASELINE_SETS,
    LoadRequest,
    PlanState,
    StoredSet,
    recommend,
    warmup_baseline,
)
from vbt.progression.rules import VELOCITY_LOSS_THRESHOLD_PCT, Goal
from vbt.progression.units import LoadUnit
from vbt.progression.zones import Zone, default_zones
from vbt.types import Lift

TODAY = datetime(2025, 3, 10, tzinfo=UTC)


@dataclass
class Record:
    """An athlete's record in lists; ``asked`` logs what :func:`recommend` read."""

    plan_state: PlanState | None = None
    sets: list[StoredSet] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)

    def plan(self) -> PlanState | None:
        self.asked.append("plan")
        return self.plan_state

    def profile_points(self, lift: Lift) -> Sequence[ProfilePoint]:
        self.asked.append("points")
        return [ProfilePoint(load, 1.5 - 0.01 * load) for load in (40.0, 60.0, 80.0, 100.0)]

    def sets_before(self, lift: Lift, moment: datetime) -> Sequence[StoredSet]:
        assert moment == TODAY
        self.asked.append("sets")
        return self.sets


def warmup(load_kg: float, mean_m_s: float) -> StoredSet:
    return StoredSet(load_kg, mean_m_s, mean_m_s + 0.4)


def test_a_target_velocity_gets_the_profiles_load_rounded_down_to_plates() -> None:
    record = Record()
    rec = recommend(LoadRequest(Lift.SQUAT, target_velocity_m_s=0.76), record, today_start=TODAY)
    assert rec.source == "profile" and rec.load == 72.5 and rec.load_kg == 72.5 and rec.unit is LoadUnit.KG
    assert rec.predicted_velocity_m_s == pytest.approx(0.775)
    assert rec.plates_per_side == (25.0, 1.25) and rec.profile_sets == 4 and rec.readiness is None
    assert (
        rec.goal is Goal.STRENGTH
        and rec.stop_at_velocity_loss_pct == VELOCITY_LOSS_THRESHOLD_PCT[Goal.STRENGTH]
    )
    assert record.asked == ["points"]  # no plan is read for a squat, no history without a warm-up


def test_a_zone_aims_at_its_middle() -> None:
    target = default_zones(Lift.SQUAT).band(Zone.STRENGTH_SPEED).target_m_s
    rec = recommend(LoadRequest(Lift.SQUAT, zone=Zone.STRENGTH_SPEED), Record(), today_start=TODAY)
    assert rec.target_velocity_m_s == target and rec.zone is Zone.STRENGTH_SPEED
    assert rec.load == 20.0 + 2.5 * math.floor(((1.5 - target) / 0.01 - 20.0) / 2.5 + 1e-9)


def test_pounds_are_rounded_to_pound_plates() -> None:
    rec = recommend(
        LoadRequest(Lift.SQUAT, target_velocity_m_s=0.76, unit=LoadUnit.LB), Record(), today_start=TODAY
    )
    # 74 kg is 163.1 lb: a 45 lb bar and pairs of 2.5 lb plates make 160 lb
    assert rec.load == 160.0 and rec.load_kg == pytest.approx(160 * 0.45359237)


def test_a_warm_up_faster_than_the_baseline_moves_the_load_by_the_profiles_slope() -> None:
    # the last five warm-ups at 60 kg moved at 0.90 m/s; older ones and other loads do not count
    sets = [warmup(60.0, 0.60), *(warmup(60.0, 0.90) for _ in range(5)), warmup(40.0, 1.20)]
    request = LoadRequest(Lift.SQUAT, target_velocity_m_s=0.76, warmup_load_kg=60.0, warmup_velocity_m_s=0.95)
    rec = recommend(request, Record(sets=sets), today_start=TODAY)
    # 0.05 m/s faster shifts the profile by 0.05 / 0.01 = 5 kg: 72.5 -> 77.5 kg
    assert rec.readiness is not None and rec.readiness.baseline_m_s == pytest.approx(0.90)
    assert rec.load == 77.5 and "readiness" in rec.reason and rec.reason.endswith("-> 77.5 kg")


def test_the_baseline_is_the_last_sets_at_the_warm_up_load_of_the_profiles_kind() -> None:
    sets = [warmup(60.0, v) for v in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)] + [
        warmup(60.004, 1.1),
        warmup(62.5, 2.0),
    ]
    assert len(warmup_baseline(sets, 60.0, kind=VelocityKind.MEAN)) == READINESS_BASELINE_SETS
    assert warmup_baseline(sets, 60.0, kind=VelocityKind.MEAN) == pytest.approx([0.7, 0.8, 0.9, 1.0, 1.1])
    assert warmup_baseline(sets, 60.0, kind=VelocityKind.PEAK) == pytest.approx([1.1, 1.2, 1.3, 1.4, 1.5])


def test_a_power_clean_without_a_target_follows_the_plan() -> None:
    plan = PlanState(42.5, LoadUnit.KG, None, None, 1.6, last_reason="peak velocity held at 40 kg")
    record = Record(plan_state=plan)
    rec = recommend(LoadRequest(Lift.POWER_CLEAN), record, today_start=TODAY)
    assert rec.source == "plan" and rec.load == 42.5 and rec.reason == "42.5 kg: peak velocity held at 40 kg"
    assert rec.plates_per_side == (10.0, 1.25) and rec.target_velocity_m_s == 1.6
    assert rec.goal is Goal.POWER and rec.stop_at_velocity_loss_pct == VELOCITY_LOSS_THRESHOLD_PCT[Goal.POWER]
    assert record.asked == ["plan"]
    first = recommend(
        LoadRequest(Lift.POWER_CLEAN),
        Record(plan_state=PlanState(20.0, LoadUnit.KG, None, None, None)),
        today_start=TODAY,
    )
    assert first.reason == "20 kg: the plan starts with the empty bar" and first.plates_per_side == ()


def test_a_power_clean_with_a_target_follows_the_profile_not_the_plan() -> None:
    record = Record(plan_state=PlanState(42.5, LoadUnit.KG, None, None, 1.6))
    with pytest.raises(InputError):  # the fake profile is a squat's: outside any power clean's velocities
        recommend(LoadRequest(Lift.POWER_CLEAN, target_velocity_m_s=1.7), record, today_start=TODAY)
    assert record.asked == ["points"]


@pytest.mark.parametrize(
    ("request_", "words"),
    [
        (LoadRequest(Lift.SQUAT), "give target_velocity_m_s or zone"),
        (LoadRequest(Lift.POWER_CLEAN), "give target_velocity_m_s or zone"),  # no plan stored
        (LoadRequest(Lift.SQUAT, target_velocity_m_s=0.76, warmup_load_kg=60.0), "needs both"),
    ],
)
def test_what_cannot_be_answered_says_what_to_give(request_: LoadRequest, words: str) -> None:
    with pytest.raises(InputError, match=words):
        recommend(request_, Record(), today_start=TODAY)


def test_a_plan_waiting_for_prerequisites_names_them() -> None:
    plan = PlanState(
        20.0, LoadUnit.KG, None, None, None, blocked_by=("deadlift competence", "shoulder mobility")
    )
    with pytest.raises(InputError, match="waits for: deadlift competence, shoulder mobility; record them"):
        recommend(LoadRequest(Lift.POWER_CLEAN), Record(plan_state=plan), today_start=TODAY)
