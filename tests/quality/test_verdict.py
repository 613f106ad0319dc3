"""The verdict from findings, and what findings do to a set (known answers by construction)."""

import numpy as np
import pytest

from tests.kinematics.paths import eased_path
from vbt.analysis import analyze_trajectory, with_findings
from vbt.quality import Finding, Severity, Verdict, judge, suspect_reasons
from vbt.types import Lift, RepStatus


def test_no_finding_is_good_a_doubt_is_doubtful_and_unusable_wins():
    assert judge([], counted_reps=3).verdict is Verdict.GOOD
    note = Finding("n", "a note", Severity.NOTE)
    doubt = Finding("d", "a doubt", Severity.DOUBT)
    unusable = Finding("u", "nothing to trust", Severity.UNUSABLE)
    quality = judge([note], counted_reps=3)
    assert quality.verdict is Verdict.GOOD and quality.notes == ("a note",) and quality.reasons == ()
    assert judge([note, doubt], counted_reps=3).verdict is Verdict.DOUBTFUL
    assert judge([doubt, unusable], counted_reps=3).verdict is Verdict.UNUSABLE


def test_a_set_with_no_rep_left_to_count_is_unusable():
    assert judge([], counted_reps=0).verdict is Verdict.UNUSABLE


def test_a_suspect_rep_makes_the_set_doubtful_and_is_named_in_the_reasons():
    finding = Finding("x", "the plate left the picture", Severity.NOTE, reps=(2,), suspect=True)
    quality = judge([finding], counted_reps=2)
    assert quality.verdict is Verdict.DOUBTFUL
    assert quality.reasons == ("rep 2: the plate left the picture",)
    assert suspect_reasons([finding, finding]) == {2: ("the plate left the picture",)}


def three_squats():
    segments = [(1.0, 0.0)]
    for _ in range(3):
        segments += [(1.2, -0.5), (0.9, 0.5), (0.8, 0.0)]
    trajectory, _ = eased_path(segments, y0_m=1.4, fps=30.0)
    return analyze_trajectory(trajectory, lift=Lift.SQUAT)


def test_a_suspect_rep_is_kept_shown_and_left_out_of_the_set_figures():
    analysis = three_squats()
    assert analysis.quality.verdict is Verdict.GOOD
    assert analysis.summary.rep_count == 3
    flagged = with_findings(analysis, [Finding("x", "it was not the bar", reps=(3,), suspect=True)])
    assert [r.status for r in flagged.reps] == [RepStatus.OK, RepStatus.OK, RepStatus.SUSPECT]
    assert flagged.reps[2].suspect_reasons == ("it was not the bar",)
    assert flagged.reps[2].mean_velocity_m_s == analysis.reps[2].mean_velocity_m_s  # shown as measured
    s = flagged.summary
    assert s.rep_count == 2 and s.suspect_rep_count == 1 and s.failed_rep_count == 0
    assert s.last_mean_velocity_m_s == pytest.approx(analysis.reps[1].mean_velocity_m_s)
    assert flagged.quality.verdict is Verdict.DOUBTFUL
    # a second finding on the same rep adds its reason once
    again = with_findings(flagged, [Finding("y", "frames were lost", reps=(3,), suspect=True)])
    assert again.reps[2].suspect_reasons == ("it was not the bar", "frames were lost")


def test_the_report_carries_the_verdict_and_each_rep_its_reasons():
    from vbt.report.json_report import set_report

    analysis = with_findings(three_squats(), [Finding("x", "it was not the bar", reps=(1,), suspect=True)])
    report = set_report(analysis, input_name="x.csv")
    assert report["quality"]["verdict"] == "doubtful"
    assert report["quality"]["reasons"] == ["rep 1: it was not the bar"]
    assert report["reps"][0]["status"] == "suspect"
    assert report["reps"][0]["suspect_reasons"] == ["it was not the bar"]
    assert report["set"]["suspect_rep_count"] == 1
    assert np.isfinite(report["reps"][0]["mean_velocity_m_s"])
