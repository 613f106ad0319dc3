"""Right, or marked doubtful, on real footage filmed by other people (../shared/footage; skipped when
absent, CI runs them).

For every clip here: a report whose verdict is ``good`` has the manifest's rep count and only numbers a
coach would believe; anything else carries a verdict that says so. Then, for clips whose fault is
known (the manifest's notes), the reason the report gives. Lite pose model, default plate tracker, as
a user's ``vbt analyze``.
"""

from __future__ import annotations

import pytest

from tests.footage.clips import analysed, manifest_reps
from vbt.quality import Verdict
from vbt.types import RepStatus

pytestmark = [pytest.mark.footage, pytest.mark.slow]

#: Per lift, what a coach would believe of any counted rep: mean velocity (m/s) and range (m).
BELIEVABLE = {
    "squat": ((0.08, 1.6), (0.12, 0.85)),
    "bench": ((0.05, 1.7), (0.12, 0.6)),
    "deadlift": ((0.08, 1.6), (0.25, 0.85)),
    "clean": ((0.3, 2.0), (0.3, 1.5)),
    "snatch": ((0.3, 2.0), (0.3, 1.6)),
}


CLIPS = {
    "squat_side_3reps.mp4": "squat",
    "deadlift_side_1rep.mp4": "deadlift",
    "squat_oblique_3reps.mp4": "squat",
    "squat_side_3reps_red_plates.mp4": "squat",
    "deadlift_side_2reps_60fps.mp4": "deadlift",
    "squat_side_1rep_plate_leaves_top.mp4": "squat",
    "snatch_front_snatch_-96kg_friedich_raphael_i1_ok_000001.mp4": "snatch",
    "squat_front_2reps_dark.mp4": "squat",
    "snatch_side_1rep_trimmed_upscaled.mp4": "snatch",
    "bench_side_1rep_spotter.mp4": "bench",
    "squat_side_4reps_quarter.mp4": "squat",
}


@pytest.mark.parametrize("name", list(CLIPS))
def test_a_good_verdict_means_the_right_reps_at_believable_numbers(name: str) -> None:
    lift = CLIPS[name]
    result = analysed(name, lift)
    quality = result.analysis.quality
    counted = [r for r in result.analysis.reps if r.status is not RepStatus.SUSPECT]
    (mean_lo, mean_hi), (rom_lo, rom_hi) = BELIEVABLE[lift]
    right = len(counted) == manifest_reps()[name] and all(
        mean_lo <= r.mean_velocity_m_s <= mean_hi and rom_lo <= r.range_of_motion_m <= rom_hi for r in counted
    )
    if quality.verdict is Verdict.GOOD:
        assert right, (
            f"{name}: presented as good but wrong: {[(r.status, r.mean_velocity_m_s) for r in counted]}"
        )
    else:
        assert quality.reasons, f"{name}: a {quality.verdict} verdict must say why"
    for rep in result.analysis.reps:
        assert (rep.status is RepStatus.SUSPECT) == bool(rep.suspect_reasons)


@pytest.mark.parametrize(
    "name", ["squat_side_3reps.mp4", "deadlift_side_1rep.mp4", "squat_oblique_3reps.mp4"]
)
def test_clean_side_on_clips_are_good(name: str) -> None:
    result = analysed(name, CLIPS[name])
    assert result.analysis.quality.verdict is Verdict.GOOD, result.analysis.quality.reasons
    assert result.analysis.summary.rep_count == manifest_reps()[name]
    body = result.report_extra["calibration"]["body_metres_per_px"]
    assert body is not None  # the lifter's legs were seen, and agreed with the plate


def test_a_front_view_with_plates_edge_on_is_never_presented_as_measured() -> None:
    for name in ("snatch_front_snatch_-96kg_friedich_raphael_i1_ok_000001.mp4", "squat_front_2reps_dark.mp4"):
        result = analysed(name, CLIPS[name])
        assert result.analysis.quality.verdict is Verdict.UNUSABLE
        assert any("filmed from the front" in r for r in result.analysis.quality.reasons)


def test_a_plate_scale_the_lifter_s_body_refutes_gives_way_to_the_body_s() -> None:
    # small red plates (not 0.45 m) on the bar: taken as 0.45 m, the squat measured 2.7 m of range at
    # 2.1-2.3 m/s; the legs say the scale is about a third of that
    result = analysed("squat_side_3reps_red_plates.mp4", "squat")
    assert result.calibration.method == "body"
    assert any("lifter's body" in r for r in result.analysis.quality.reasons)
    assert result.analysis.quality.verdict is not Verdict.GOOD


def test_a_plate_found_again_at_the_body_s_size_measures_quarter_squats() -> None:
    # The first pass follows a round weight at the lifter's hip (a quarter of the loaded plate's size,
    # refuted by the legs); the second look, searching only plate sizes the body allows, finds the
    # big plate close to the camera. The shoulders are behind it, so the pose's lagging guess of them
    # is not held against it: four quarter squats, measured on the plate's scale.
    result = analysed("squat_side_4reps_quarter.mp4", "squat")
    assert result.calibration.method == "plate"
    assert any("looked for again" in n for n in result.analysis.quality.notes)
    assert result.analysis.quality.verdict is Verdict.GOOD
    reps = result.analysis.reps
    assert (
        [r.status for r in reps]
        == [RepStatus.OK] * 4
        == [RepStatus.OK] * manifest_reps()["squat_side_4reps_quarter.mp4"]
    )
    for rep in reps:
        assert 0.15 <= rep.range_of_motion_m <= 0.45  # a quarter squat: 0.34-0.36 m measured
