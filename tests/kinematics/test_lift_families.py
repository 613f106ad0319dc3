"""The lifts of the catalogue segmented by their family, on hand-made paths whose reps are known."""

from dataclasses import replace

import numpy as np
import pytest

from tests.kinematics.paths import eased_path
from tests.kinematics.test_reps import squat_set
from vbt.analysis import AnalysisSettings, analyze_trajectory
from vbt.kinematics.reps import default_segmentation
from vbt.lifts import LiftFamily
from vbt.live.events import RepEventKind
from vbt.live.online import OnlineSet
from vbt.types import JOINT_NAMES, Lift, RepStatus

OK = RepStatus.OK
FPS = 60.0


def _reps(segments, *, y0_m, lift, settings=None):
    trajectory, bounds = eased_path(segments, y0_m=y0_m, fps=FPS, noise_m=0.002)
    analysis_settings = AnalysisSettings(segmentation=settings) if settings else None
    return analyze_trajectory(trajectory, lift=lift, settings=analysis_settings).reps, bounds


def _rising(segments, dy_m):
    return [i for i, (_, dy) in enumerate(segments) if dy == dy_m]


def _start_at_the_rises_with_their_range(reps, bounds, segments, rise_m):
    """Each rep starts where a rise of ``rise_m`` starts in the path and covers it."""
    for rep, i in zip(reps, _rising(segments, rise_m), strict=True):
        assert rep.start_s == pytest.approx(bounds[i], abs=0.03)
        assert rep.range_of_motion_m == pytest.approx(rise_m, abs=0.01)


def test_a_front_squat_is_segmented_as_a_squat():
    assert Lift.FRONT_SQUAT.family is LiftFamily.SQUAT
    front, _ = _reps(squat_set(), y0_m=1.4, lift=Lift.FRONT_SQUAT)
    back, _ = _reps(squat_set(), y0_m=1.4, lift=Lift.SQUAT)
    assert [r.status for r in front] == [OK, OK, OK]
    assert [(r.start_s, r.end_s) for r in front] == [(r.start_s, r.end_s) for r in back]


def test_romanian_deadlifts_after_a_pick_up_from_the_floor_count_only_the_hinges():
    # from the floor (0.55 m pick-up, not a rep), then three hinges of 0.35 m from standing
    segments = [(1.0, 0.0), (1.0, 0.55), (1.0, 0.0)]
    segments += [(1.2, -0.35), (0.9, 0.35), (0.6, 0.0)] * 3
    reps, bounds = _reps(segments, y0_m=0.225, lift=Lift.ROMANIAN_DEADLIFT)
    assert [r.status for r in reps] == [OK, OK, OK]
    _start_at_the_rises_with_their_range(reps, bounds, segments, 0.35)


def test_rows_from_the_hang_after_a_pick_up_count_only_the_rows():
    # pick-up (0.5 m), hinge to the hang (0.3 m down), two rows of 0.25 m with a squeeze at the top
    segments = [(0.6, 0.0), (1.2, 0.5), (0.4, 0.0), (0.8, -0.3), (0.4, 0.0)]
    segments += [(0.6, 0.25), (0.2, 0.0), (0.7, -0.25), (0.5, 0.0)] * 2
    reps, _ = _reps(segments, y0_m=0.225, lift=Lift.ROW)
    assert [r.status for r in reps] == [OK, OK]
    assert [r.range_of_motion_m for r in reps] == pytest.approx([0.25, 0.25], abs=0.01)


def test_a_recording_that_starts_at_the_hang_starts_with_a_row():
    # the first frame has the bar at rest in the hang; each row is lowered straight after its squeeze
    segments = [(0.5, 0.0)] + [(0.6, 0.25), (0.2, 0.0), (0.7, -0.25), (0.5, 0.0)] * 2
    reps, bounds = _reps(segments, y0_m=0.45, lift=Lift.ROW)
    assert [r.status for r in reps] == [OK, OK]
    _start_at_the_rises_with_their_range(reps, bounds, segments, 0.25)


def overhead_press_set() -> list[tuple[float, float]]:
    """Off the rack hooks (4 cm) at the shoulders, then three presses of 0.45 m, each from rest."""
    segments = [(1.0, 0.0), (0.3, 0.04), (0.8, 0.0)]
    segments += [(0.8, 0.45), (0.5, 0.0), (0.9, -0.45), (0.6, 0.0)] * 3
    return segments


def test_overhead_presses_from_rest_at_the_shoulders_are_all_reps():
    segments = overhead_press_set()
    reps, bounds = _reps(segments, y0_m=1.45, lift=Lift.OVERHEAD_PRESS)
    assert [r.status for r in reps] == [OK, OK, OK]
    for rep, i in zip(reps, _rising(segments, 0.45), strict=True):
        assert rep.start_s == pytest.approx(bounds[i], abs=0.03)
        assert rep.end_s == pytest.approx(bounds[i + 1], abs=0.04)
        assert rep.mean_velocity_m_s == pytest.approx(0.45 / 0.8, abs=0.03)


def test_the_press_rule_is_what_counts_the_first_press():
    # the same path with the squat-like rule (a rep needs a descent before it) loses the first press:
    # the family's rule, not the lift's name, decides
    squat_like = replace(default_segmentation(Lift.OVERHEAD_PRESS), rise_counts_as_depth=False)
    reps, _ = _reps(overhead_press_set(), y0_m=1.45, lift=Lift.OVERHEAD_PRESS, settings=squat_like)
    assert len(reps) == 2


def test_push_presses_count_the_drive_from_the_dip():
    # rest at the shoulders, dip 0.10 m, drive 0.55 m to lockout, hold, lower
    segments = [(1.0, 0.0)]
    segments += [(0.3, -0.10), (0.4, 0.55), (0.6, 0.0), (0.9, -0.45), (0.8, 0.0)] * 3
    reps, bounds = _reps(segments, y0_m=1.45, lift=Lift.PUSH_PRESS)
    assert [r.status for r in reps] == [OK, OK, OK]
    _start_at_the_rises_with_their_range(reps, bounds, segments, 0.55)


def test_a_jerk_is_its_drive_and_is_shown_on_peak_velocity():
    # dip, drive 0.5 m, a 5 cm drop into the split, hold overhead, lower; twice
    segments = [(1.0, 0.0)]
    segments += [(0.25, -0.10), (0.3, 0.5), (0.15, -0.05), (1.0, 0.0), (0.9, -0.35), (0.8, 0.0)] * 2
    reps, bounds = _reps(segments, y0_m=1.45, lift=Lift.JERK)
    assert [r.status for r in reps] == [OK, OK]
    for rep, i in zip(reps, _rising(segments, 0.5), strict=True):
        assert rep.start_s == pytest.approx(bounds[i], abs=0.03)
        # the eased drive peaks at π/2 times its mean
        assert rep.peak_velocity_m_s == pytest.approx(3.1416 / 2 * 0.5 / 0.3, rel=0.08)


def test_hip_thrusts_from_the_lap_are_all_reps():
    segments = [(1.0, 0.0)]
    segments += [(0.6, 0.22), (0.8, 0.0), (0.6, -0.22), (0.5, 0.0)] * 3
    reps, _ = _reps(segments, y0_m=0.35, lift=Lift.HIP_THRUST)
    assert [r.status for r in reps] == [OK, OK, OK]
    assert [r.range_of_motion_m for r in reps] == pytest.approx([0.22] * 3, abs=0.01)


def test_a_clean_and_jerk_is_one_pull_its_jerk_is_not_a_rep():
    segments = [(1.0, 0.0), (0.9, 0.95), (0.3, -0.35), (1.0, 0.3), (1.0, 0.0)]  # pull, catch, stand
    segments += [(0.25, -0.10), (0.3, 0.55), (0.15, -0.05), (1.0, 0.0)]  # the jerk, held overhead
    segments += [(0.6, -1.35), (1.0, 0.0)]  # lowered to the floor
    reps, bounds = _reps(segments, y0_m=0.225, lift=Lift.CLEAN_AND_JERK)
    assert [r.status for r in reps] == [OK]
    assert reps[0].start_s == pytest.approx(bounds[1], abs=0.05)
    assert reps[0].range_of_motion_m == pytest.approx(0.95, abs=0.02)


@pytest.mark.parametrize(
    ("lift", "segments", "y0_m"),
    [
        (Lift.OVERHEAD_PRESS, overhead_press_set(), 1.45),
        (
            Lift.JERK,
            [(1.0, 0.0)] + [(0.25, -0.10), (0.3, 0.5), (0.15, -0.05), (1.0, 0.0), (0.9, -0.35)] * 2,
            1.45,
        ),
        (Lift.ROW, [(0.5, 0.0)] + [(0.6, 0.25), (0.2, 0.0), (0.7, -0.25), (0.5, 0.0)] * 2, 0.45),
    ],
)
def test_live_mode_finds_the_new_lifts_reps_as_the_offline_analysis_does(lift, segments, y0_m):
    # the press rule waits for the hold, the opening row for the lowering: live mode sees both
    trajectory, _ = eased_path([*segments, (1.0, 0.0)], y0_m=y0_m, fps=30.0, noise_m=0.002)
    offline = analyze_trajectory(trajectory, lift=lift)
    online = OnlineSet(lift=lift, provisional=False)
    no_joints = np.full((len(JOINT_NAMES), 2), np.nan)
    events = [
        e
        for i in range(len(trajectory))
        for e in online.add(trajectory.t_s[i], trajectory.bar_xy_m[i], no_joints)
    ]
    final = [e.rep for e in events if e.kind is RepEventKind.FINAL]
    assert len(final) == len(offline.reps) >= 2  # each rep made final during the set
    assert [(r.start_s, r.end_s, r.status) for r in online.finish().reps] == [
        (r.start_s, r.end_s, r.status) for r in offline.reps
    ]
