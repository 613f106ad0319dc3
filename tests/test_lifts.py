"""The lift catalogue: names, families, ranges, limits and the one velocity per family."""

import itertools

import pytest

from vbt.errors import InputError
from vbt.lifts import CATALOGUE, LiftFamily, VelocityKind, lifts, lifts_table, parse_lift, velocity_kind
from vbt.progression.one_rm import default_mvt
from vbt.progression.zones import default_zones
from vbt.types import Lift


@pytest.mark.parametrize(
    ("text", "lift"),
    [
        ("squat", Lift.SQUAT),
        ("back_squat", Lift.SQUAT),
        ("Back Squat", Lift.SQUAT),
        ("bench_press", Lift.BENCH),
        ("BENCH", Lift.BENCH),
        ("incline bench", Lift.BENCH),
        ("power-clean", Lift.POWER_CLEAN),
        ("Power Clean", Lift.POWER_CLEAN),
        ("  power__clean ", Lift.POWER_CLEAN),
        ("rdl", Lift.ROMANIAN_DEADLIFT),
        ("Romanian Deadlift", Lift.ROMANIAN_DEADLIFT),
        ("ohp", Lift.OVERHEAD_PRESS),
        ("military press", Lift.OVERHEAD_PRESS),
        ("bent-over row", Lift.ROW),
        ("Push Press", Lift.PUSH_PRESS),
        ("hip thrust", Lift.HIP_THRUST),
        ("split jerk", Lift.JERK),
        ("C&J", Lift.CLEAN_AND_JERK),
        ("clean and jerk", Lift.CLEAN_AND_JERK),
        ("front-squat", Lift.FRONT_SQUAT),
    ],
)
def test_any_case_and_the_common_aliases_name_a_lift(text, lift):
    assert parse_lift(text) is lift


def test_an_unknown_lift_is_one_input_error_listing_the_lifts():
    with pytest.raises(InputError) as caught:
        parse_lift("curl")
    message = str(caught.value)
    assert "'curl'" in message
    for lift in Lift:
        assert lift.value in message


def test_no_two_lifts_share_a_name():
    def key(name):
        return name.lower().replace(" ", "_").replace("-", "_")

    per_lift = [{key(n) for n in (spec.lift.value, spec.label, *spec.aliases)} for spec in lifts()]
    every = [k for keys in per_lift for k in keys]
    assert len(every) == len(set(every))


def test_the_catalogue_lists_every_lift_with_a_family_a_range_inside_its_limits():
    listed = lifts()
    assert [s.lift for s in listed] == list(Lift)
    assert len(listed) == 14
    for spec in listed:
        assert CATALOGUE[spec.lift] is spec
        assert 0 < spec.min_attempt_m < spec.min_range_m < spec.limits.max_range_m
        assert spec.limits.min_duration_s < spec.limits.max_duration_s


def test_the_families_of_the_new_lifts():
    assert {lift: lift.family for lift in Lift} == {
        Lift.SQUAT: LiftFamily.SQUAT,
        Lift.FRONT_SQUAT: LiftFamily.SQUAT,
        Lift.ROMANIAN_DEADLIFT: LiftFamily.SQUAT,
        Lift.ROW: LiftFamily.SQUAT,
        Lift.DEADLIFT: LiftFamily.FLOOR_PULL,
        Lift.BENCH: LiftFamily.PRESS,
        Lift.OVERHEAD_PRESS: LiftFamily.PRESS,
        Lift.PUSH_PRESS: LiftFamily.PRESS,
        Lift.HIP_THRUST: LiftFamily.PRESS,
        Lift.POWER_CLEAN: LiftFamily.OLYMPIC_PULL,
        Lift.CLEAN: LiftFamily.OLYMPIC_PULL,
        Lift.SNATCH: LiftFamily.OLYMPIC_PULL,
        Lift.CLEAN_AND_JERK: LiftFamily.OLYMPIC_PULL,
        Lift.JERK: LiftFamily.JERK_DRIVE,
    }


def test_peak_velocity_for_the_olympic_pulls_and_the_jerk_mean_for_the_rest():
    peak = {lift for lift in Lift if velocity_kind(lift) is VelocityKind.PEAK}
    assert peak == {Lift.POWER_CLEAN, Lift.CLEAN, Lift.SNATCH, Lift.CLEAN_AND_JERK, Lift.JERK}
    assert all(lift.spec.velocity_kind is velocity_kind(lift) for lift in Lift)


@pytest.mark.parametrize("lift", [lift for lift in Lift if lift is not Lift.SNATCH])
def test_every_lift_but_the_snatch_has_a_threshold_and_zones_on_its_own_velocity(lift):
    mvt = default_mvt(lift)
    zones = default_zones(lift)
    assert mvt.kind is zones.kind is velocity_kind(lift)
    assert mvt.source
    bands = zones.bands
    assert all(b.low_m_s < b.high_m_s for b in bands)
    assert all(a.high_m_s == b.low_m_s for a, b in itertools.pairwise(bands))


def test_a_lift_without_its_own_threshold_takes_its_familys_and_says_so():
    front = default_mvt(Lift.FRONT_SQUAT)
    assert front.velocity_m_s == default_mvt(Lift.SQUAT).velocity_m_s
    assert "by family (squat-like concentric)" in front.source
    assert default_mvt(Lift.OVERHEAD_PRESS).velocity_m_s == default_mvt(Lift.BENCH).velocity_m_s
    # the row has its own: a pull to the torso is far faster at 1RM than a press
    assert default_mvt(Lift.ROW).velocity_m_s == pytest.approx(0.52)


def test_the_table_for_vbt_lifts_has_a_row_per_lift_with_its_family_and_velocity():
    lines = lifts_table().splitlines()
    rows = {line.split()[0]: line for line in lines[2 : 2 + len(Lift)]}
    assert list(rows) == [lift.value for lift in Lift]
    assert "jerk drive" in rows["jerk"] and " peak " in rows["jerk"]
    assert "squat-like concentric" in rows["romanian_deadlift"] and " mean " in rows["romanian_deadlift"]
    assert "rdl" in rows["romanian_deadlift"]


def test_the_lifts_that_rise_from_the_floor_are_the_deadlift_and_the_olympic_pulls() -> None:
    rising = {lift for lift in Lift if lift.rises_from_floor}
    assert rising == {Lift.DEADLIFT} | {lift for lift in Lift if lift.is_olympic}
    assert Lift.DEADLIFT in rising and Lift.POWER_CLEAN in rising
    assert not {Lift.SQUAT, Lift.BENCH, Lift.ROMANIAN_DEADLIFT, Lift.JERK} & rising
