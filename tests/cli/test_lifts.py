"""``vbt lifts`` lists the catalogue, and every ``--lift`` takes a lift's key, label or alias in any case."""

from __future__ import annotations

import pytest

from vbt.cli import main
from vbt.cli.command import build_parser
from vbt.types import Lift


def test_vbt_lifts_lists_every_lift_with_its_family_and_velocity(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lifts"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert {lift.value for lift in Lift} <= rows.keys()
    assert "Olympic pull" in rows["power_clean"] and "peak" in rows["power_clean"]
    assert "press" in rows["bench"] and "mean" in rows["bench"]


@pytest.mark.parametrize(
    ("argv", "lift"),
    [
        (["analyze", "x.mp4", "--lift", "Power Clean"], Lift.POWER_CLEAN),
        (["analyze", "x.mp4", "--lift", "SQUAT"], Lift.SQUAT),
        (["analyze", "x.mp4", "--lift", "back_squat"], Lift.SQUAT),
        (["live", "--file", "x.mp4", "--lift", "bench_press"], Lift.BENCH),
        (["live", "--file", "x.mp4", "--lift", "rdl"], Lift.ROMANIAN_DEADLIFT),
    ],
)
def test_lift_options_take_any_case_and_the_aliases(argv: list[str], lift: Lift) -> None:
    assert build_parser().parse_args(argv).lift is lift


def test_profile_exercise_takes_an_alias_too() -> None:
    args = build_parser().parse_args(["profile", "--athlete", "1", "--exercise", "Bench Press"])
    assert args.exercise is Lift.BENCH


def test_an_unknown_lift_is_a_usage_error_listing_the_lifts(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["analyze", "x.mp4", "--lift", "zercher squat"])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert "unknown lift 'zercher squat'" in err and "power_clean" in err and "vbt lifts" in err
