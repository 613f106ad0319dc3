"""The trajectory checks on paths whose faults are known by construction."""

import numpy as np
import pytest

from tests.kinematics.paths import eased_path
from vbt.analysis import AnalysisSettings, analyze_trajectory
from vbt.kinematics.reps import default_segmentation
from vbt.quality import Verdict
from vbt.quality.limits import LIFT_LIMITS
from vbt.quality.motion import MotionCheckSettings, squeezed_times, track_jumps, uncertain_peaks
from vbt.quality.verdict import Severity
from vbt.types import Lift, RepMetrics, RepStatus, Trajectory


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


def read_late(t_s: np.ndarray, slow_from_s: float, slow_to_s: float) -> np.ndarray:
    """The times a reader stamps frames taken at ``t_s`` (30 a second) with when it needs 50 ms a
    frame between ``slow_from_s`` and ``slow_to_s`` and 20 ms otherwise: it falls behind, then reads
    what waited faster than it came (a live source timed by arrival on a machine that fell behind)."""
    stamps = t_s.copy()
    for i in range(1, t_s.size):
        busy_s = 0.050 if slow_from_s <= t_s[i] < slow_to_s else 0.020
        stamps[i] = max(t_s[i], stamps[i - 1] + busy_s)
    return stamps


def test_frames_read_faster_than_they_came_make_the_rep_suspect_its_velocity_too_fast():
    trajectory, bounds = eased_path(squats(2), y0_m=1.4, fps=30.0, noise_m=0.002)
    honest = analyze_trajectory(trajectory, lift=Lift.SQUAT)
    assert not checks(honest, "frames_squeezed")
    # Slow for the 2 s before rep 2's rise (1 s behind by then), it catches up during the rise.
    stamps = read_late(trajectory.t_s, bounds[5] - 2.0, bounds[5])
    assert np.diff(stamps).max() < 1.6 / 30  # no interval long enough to look like a dropped frame
    late_trajectory = Trajectory(t_s=stamps, bar_xy_m=trajectory.bar_xy_m)
    arrival = AnalysisSettings(checks=MotionCheckSettings(use_frame_rate=True))  # a camera's, a stream's
    late = analyze_trajectory(late_trajectory, lift=Lift.SQUAT, settings=arrival)
    rep_1, rep_2 = late.reps
    assert rep_2.mean_velocity_m_s > 1.5 * honest.reps[1].mean_velocity_m_s  # what the check is for
    assert rep_1.status is RepStatus.OK and rep_2.status is RepStatus.SUSPECT
    (finding,) = checks(late, "frames_squeezed")
    assert finding.reps == (2,) and "faster than the recording's own" in finding.message
    assert late.quality.verdict is Verdict.DOUBTFUL
    # A file's frames carry the times they were taken at: not checked (the default).
    assert not checks(analyze_trajectory(late_trajectory, lift=Lift.SQUAT), "frames_squeezed")
    # A stream whose frames come a little unevenly (+-30 % of an interval) is not squeezed.
    rng = np.random.default_rng(0)
    jittered = np.sort(trajectory.t_s + rng.uniform(-0.3, 0.3, trajectory.t_s.size) / 30.0)
    uneven = analyze_trajectory(Trajectory(t_s=jittered, bar_xy_m=trajectory.bar_xy_m), lift=Lift.SQUAT)
    assert squeezed_times(uneven.kinematics, list(uneven.reps)) == []


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
    # over the lift's 2.8 m/s): right after a fall, a bounce, not a jump
    snatch = [(1.0, 0.0), (0.9, 1.5), (0.8, 0.0), (0.55, -1.5), (0.18, 0.4), (0.18, -0.4), (1.0, 0.0)]
    dropped, _ = eased_path(snatch, y0_m=0.225, fps=60.0)
    assert not checks(analyze_trajectory(dropped, lift=Lift.SNATCH), "track_jumps")


def _rep(peak_m_s: float, sd_m_s: float, index: int = 1) -> RepMetrics:
    nan = float("nan")
    return RepMetrics(
        index, 1.0, 2.0, RepStatus.OK, 1.0, 1.0, peak_m_s, 0.5, 0.9, 1.0, 1.0, 0.0, nan, nan, nan, nan,
        peak_velocity_sd_m_s=sd_m_s,
    )  # fmt: skip


@pytest.mark.parametrize("lift", [Lift.SNATCH, Lift.SQUAT])
def test_a_peak_is_doubted_exactly_when_two_sds_above_it_pass_the_limit(lift):
    limit = LIFT_LIMITS[lift].max_peak_velocity_m_s
    k = MotionCheckSettings().peak_confidence_sd
    below, at, beyond = (_rep(limit - 0.3, sd, index=i) for i, sd in enumerate((0.14, 0.1499, 0.1501)))
    found = uncertain_peaks([below, at, beyond], lift=lift)
    assert k == 2.0 and [f.reps for f in found] == [(2,)]
    assert uncertain_peaks([beyond], lift=lift)[0].message.startswith(
        f"peak velocity {limit - 0.3:.2f} ± 0.15 m/s from the track's noise may exceed the {limit:g} m/s"
    )
    # the peak is the Olympic pull's velocity (suspect: left out of the set's figures); a squat's mean
    # stands (the set is doubtful, the rep counts)
    (finding,) = uncertain_peaks([beyond], lift=lift)
    assert finding.suspect is (lift is Lift.SNATCH) and finding.severity is Severity.DOUBT
    assert ("mean velocity stands" in finding.message) is (lift is Lift.SQUAT)
    # beyond the limit itself it is `implausible_numbers`' case; no sd, no judgement; switched off
    assert not uncertain_peaks([_rep(limit + 0.1, 0.5), _rep(limit - 0.3, float("nan"))], lift=lift)
    off = MotionCheckSettings(peak_confidence_sd=0.0)
    assert not uncertain_peaks([beyond], lift=lift, settings=off)


def test_a_peak_uncertain_by_more_than_a_tenth_is_doubted_where_it_is_the_lifts_velocity():
    for lift, severity in ((Lift.SNATCH, Severity.DOUBT), (Lift.SQUAT, Severity.NOTE)):
        found = uncertain_peaks([_rep(1.0, 0.1), _rep(1.0, 0.11, index=2)], lift=lift)
        assert [f.reps for f in found] == [(2,)] and "uncertain by 11 %" in found[0].message
        # a snatch is shown by its peak: suspect; a squat by its mean, which stands: noted
        assert found[0].severity is severity and found[0].suspect is (lift is Lift.SNATCH)


def test_a_noisy_snatch_pull_near_the_limit_is_suspect_a_clean_one_is_good():
    # a snatch pulled 0.8 m in 0.5 s at 30 fps (peak pi/2 x 1.6 = 2.51 m/s, under the 2.8 m/s no
    # snatch exceeds), tracked with 10 mm of noise (about 0.17 m/s of peak): 2 sd reach past 2.8
    limit = LIFT_LIMITS[Lift.SNATCH].max_peak_velocity_m_s
    segments = [(1.0, 0.0), (0.5, 0.8), (0.2, -0.1), (0.4, 0.05), (1.5, 0.0)]
    noisy, _ = eased_path(segments, y0_m=0.225, fps=30.0, noise_m=0.01, seed=1)
    analysis = analyze_trajectory(noisy, lift=Lift.SNATCH)
    (rep,) = analysis.reps
    assert rep.peak_velocity_m_s < limit < rep.peak_velocity_m_s + 2 * rep.peak_velocity_sd_m_s
    assert rep.status is RepStatus.SUSPECT and checks(analysis, "peak_uncertain")
    assert analysis.quality.verdict is not Verdict.GOOD
    # filmed at 60 fps with 2 mm of noise, the same pull is good
    clean, _ = eased_path(segments, y0_m=0.225, fps=60.0, noise_m=0.002, seed=1)
    analysis = analyze_trajectory(clean, lift=Lift.SNATCH)
    assert analysis.reps[0].peak_velocity_m_s + 2 * analysis.reps[0].peak_velocity_sd_m_s < limit
    assert analysis.quality.verdict is Verdict.GOOD and not checks(analysis, "peak_uncertain")
