"""Every numeric option is checked by one function (:func:`vbt.cli.options.checked_number`): a bad value
is a usage error (exit 2) that says what was expected, before any work."""

from __future__ import annotations

import argparse

import pytest

from vbt.cli import main
from vbt.cli.options import checked_number


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (
            ["live", "--file", "x.mp4", "--lift", "squat", "--threshold-pct", "150"],
            "not a percentage between 0",
        ),
        (
            ["live", "--file", "x.mp4", "--lift", "squat", "--threshold-pct", "nan"],
            "not a percentage between 0",
        ),
        (
            ["live", "--file", "x.mp4", "--lift", "squat", "--max-sets", "0"],
            "'0' is not a whole number of at least 1",
        ),
        (["live", "--file", "x.mp4", "--lift", "squat", "--end-after-s", "-1"], "positive number of seconds"),
        (["calibrate", "--marker-sheet", "s.png", "--marker-mm", "500"], "500 mm is not a marker size"),
        (["serve", "--max-upload-mb", "inf"], "not a positive size in MB"),
        (["analyze", "x.csv", "--lift", "squat", "--marker-m", "12"], "12 m is not a plausible length"),
    ],
)
def test_a_bad_number_is_a_usage_error_naming_what_was_expected(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2 and words in capsys.readouterr().err


def test_checked_number_keeps_a_good_value_and_names_a_bad_one() -> None:
    messages = {"not_a_number": "{text!r}: no number", "out_of_range": "{text}: out of range"}
    assert checked_number("2.5", lambda v: v > 0, **messages) == 2.5
    for text, words in (
        ("two", "'two': no number"),
        ("-1", "-1: out of range"),
        ("inf", "inf: out of range"),
    ):
        with pytest.raises(argparse.ArgumentTypeError, match=words):
            checked_number(text, lambda v: v > 0, **messages)
