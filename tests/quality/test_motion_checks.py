"""The trajectory checks on paths whose faults are known by construction."""

import numpy as np
import pytest

from tests.kinematics.paths import eased_path
from vbt.analysis import analyze_trajectory
from vbt.kinematics.reps import default_segmentation
from vbt.quality import Verdict
from vbt.quality.limits import LIFT_LIMITS
from vbt.quality.motion import track_jumps
from vbt.quality.verdict import Severity
from vbt.types import Lift, RepStatus, Trajectory


def squats(n: int = 2, *, depth_m: float = 0.5, up_s: float = 0.9) -> list[tuple[float, float]]:
    segments = [(1.0, 0.0)]
    for _ in range(n):
        segments += [(1.2, -depth_m), (up_s, depth_m), (0.8, 0.0)]
    return segments


def checks(analysis, code):
    return [f for f in analysis.findings if f.code == code]


def test_a_scale_three_times_too_large_makes_every_rep_suspect_and_the_set_unusable():
    # a 0.5 m squat at 0.55 m/s, measured with a wrong scale: 1.5 m at 1.7 m/s (a thigh taken for the plate)
    trajectory, _ = eased_path(squats(), y0_m=1.4, fps=30.0, noise_m=0.002)
    wrong = Trajectory(t_s=trajectory.t_s, bar_xy_m=3.0 * trajectory.bar_xy_m)
    analysis = analyze_trajectory(wrong, lift=Lift.SQUAT)
    assert [r.status for r in analysis.reps] == [RepStatus.SUSPECT, RepStatus.SUSPECT]
    assert all("no lifter moves the bar more than" in r.suspect_reasons[0] for r in analysis.reps)
    assert analysis.quality.verdict is Verdict.UNUSABLE
    assert analysis.summary.rep_count == 0 and analysis.summary.suspect_rep_count == 2
    # the same path at its true scale is good
    assert analyze_trajectory(trajectory, lift=Lift.SQUAT).quality.verdict is Verdict.GOOD


def test_a_velocity_no_deadlift_reaches_is_suspect():
    limit = LIFT_LIMITS[Lift.DEADLIFT].max_peak_velocity_m_s
    # a 0.5 m pull in 0.2 s: peak velocity pi/2 * 0.5 / 0.2 = 3.9 m/s
    segments = [(1.0, 0.0), (0.2, 0.5), (1.0, 0.0), (1.0, -0.5), (1.0, 0.0)]
    trajectory, _ = eased_path(segments, y0_m=0.225, fps=60.0)
    analysis = analyze_trajectory(trajectory, lift=Lift.DEADLIFT)
    (rep,) = analysis.reps
    assert rep.peak_velocity_m_s > limit
    assert rep.status is RepStatus.SUSPECT and "peak velocity" in rep.suspect_reasons[0]


def test_a_gap_where_a_rep_starts_makes_it_suspect_one_at_its_peak_is_a_doubt():
    trajectory, bounds = eased_path(squats(2), y0_m=1.4, fps=30.0, noise_m=0.002)
    t, bar = trajectory.t_s, trajectory.bar_xy_m.copy()
    start_1 = bounds[2]  # rep 1's concentric starts here
    bar[(t > start_1 - 0.1) & (t < start_1 + 0.15)] = np.nan  # 0.25 s without the bar at its start
    mid_2 = 0.5 * (bounds[5] + bounds[6])  # an eased rise peaks in the middle
    bar[(t > mid_2 - 0.05) & (t < mid_2 + 0.05)] = np.nan  # 0.13 s without the bar at rep 2's peak
    analysis = analyze_trajectory(Trajectory(t_s=t, bar_xy_m=bar), lift=Lift.SQUAT)
    rep_1, rep_2 = analysis.reps
    assert rep_1.status is RepStatus.SUSPECT
    assert "mean velocity is uncertain by" in rep_1.suspect_reasons[0]
    assert "the bar was not seen" in rep_1.suspect_reasons[0]
    assert rep_2.status is RepStatus.OK  # its mean velocity stands ...
    assert any(
        "rep 2" in r and "interpolated" in r for r in analysis.quality.reasons
    )  # ... its peak is doubted
    assert analysis.quality.verdict is Verdict.DOUBTFUL


def test_frames_dropped_by_the_source_are_named_as_such():
    trajectory, bounds = eased_path(squats(1), y0_m=1.4, fps=30.0, noise_m=0.002)
    keep = ~((trajectory.t_s > bounds[2] - 0.12) & (trajectory.t_s < bounds[2] + 0.12))
    dropped = Trajectory(t_s=trajectory.t_s[keep], bar_xy_m=trajectory.bar_xy_m[keep])
    (rep,) = analyze_trajectory(dropped, lift=Lift.SQUAT).reps
    assert rep.status is RepStatus.SUSPECT
    assert "frames missing from the video" in rep.suspect_reasons[0]
    assert "not seen" not in rep.suspect_reasons[0]


def test_no_rep_at_all_is_unusable_and_says_what_to_check():
    trajectory, _ = eased_path([(3.0, 0.0), (0.5, 0.03), (2.0, 0.0)], y0_m=1.4, fps=30.0, noise_m=0.002)
    analysis = analyze_trajectory(trajectory, lift=Lift.SQUAT)
    assert analysis.reps == []
    assert analysis.quality.verdict is Verdict.UNUSABLE
    assert "no squat rep was found" in analysis.quality.reasons[0]


@pytest.mark.parametrize("lift", [Lift.SQUAT, Lift.BENCH, Lift.DEADLIFT, Lift.CLEAN, Lift.SNATCH])
def test_every_lift_has_limits_a_real_rep_stays_inside(lift):
    limits = LIFT_LIMITS[lift]
    assert 1.5 <= limits.max_mean_velocity_m_s <= limits.max_peak_velocity_m_s
    assert 0.6 <= limits.max_range_m <= 1.5
    assert 0 < limits.min_duration_s < 1 < limits.max_duration_s


def test_a_track_that_jumps_between_reps_makes_the_count_doubtful_a_bounce_does_not():
    # rows (0.35 m in 0.7 s); the track jumps 0.6 m up in 0.1 s (another circle: a 9.4 m/s peak rise,
    # over 2.8 m/s even low-passed: faster than any row) and back 0.5 s later
    row = [(0.8, -0.35), (0.7, 0.35), (0.5, 0.0)]
    jump = [(0.5, 0.0), (0.1, 0.6), (0.5, 0.0), (0.3, -0.6), (0.5, 0.0)]
    between, _ = eased_path([(1.0, 0.0), *row, *jump, *row], y0_m=0.6, fps=60.0)
    analysis = analyze_trajectory(between, lift=Lift.ROW)
    assert len(analysis.reps) == 2  # the second taken as failed: short of the jump's "lockout"
    (found,) = checks(analysis, "track_jumps")
    assert "between reps: faster than any row (2.8 m/s at most)" in found.message and not found.reps
    assert found.severity is Severity.DOUBT and analysis.quality.verdict is Verdict.DOUBTFUL
    # with the first rep suspect (another check's doing) the jump lies before the counted set, whose
    # one rep is the failed one: still a doubt, no rep of the set was counted whole
    seg = default_segmentation(Lift.ROW)
    (noted,) = track_jumps(
        analysis.kinematics, analysis.reps, lift=Lift.ROW, segmentation=seg, suspect=frozenset({1})
    )
    assert "before the first rep" in noted.message and noted.severity is Severity.DOUBT
    # the same glitch after the last rep (a re-rack) is noted: the two rows were each seen whole
    after, _ = eased_path([(1.0, 0.0), *row, *row, *jump], y0_m=0.6, fps=60.0)
    analysis = analyze_trajectory(after, lift=Lift.ROW)
    (found,) = checks(analysis, "track_jumps")
    assert "after the last rep" in found.message and found.severity is Severity.NOTE
    assert analysis.quality.verdict is Verdict.GOOD
    # a snatch dropped from 1.5 m rebounds off its bumpers at 3.4 m/s (peak of a 0.4 m rise in 0.18 s,
    # over the lift's 3.2 m/s): right after a fall, a bounce, not a jump
    snatch = [(1.0, 0.0), (0.9, 1.5), (0.8, 0.0), (0.55, -1.5), (0.18, 0.4), (0.18, -0.4), (1.0, 0.0)]
    dropped, _ = eased_path(snatch, y0_m=0.225, fps=60.0)
    assert not checks(analyze_trajectory(dropped, lift=Lift.SNATCH), "track_jumps")
