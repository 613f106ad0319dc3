"""The start of a set under load: the plate tracker's stirred rechecks (a whole-frame search at every
frame while the scene moves and no hands are known) shed with the rest of live mode's work, and the
switch to the loaded plate at the lift-off still comes; a start-up stall that hides a rep's whole
rise still leaves the rep, suspect (known answers: a drawn scene whose plates and lift-off time are
set, synthetic sets whose reps are known; no thread, no clock)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.capture.bar.scenes import FLOOR_Y, disc, gym
from vbt.analysis import analyze_trajectory
from vbt.capture.bar import PlateTracker
from vbt.errors import InputError
from vbt.live.drops import Drops, replay, score
from vbt.live.shedding import Shed, Shedder, SheddingSettings, StirredBudget
from vbt.quality.lost import lost_frames_in, lost_spans, mark_lost_frames
from vbt.synth import Sampling, generate_set
from vbt.types import Frame, Lift, RepStatus, Trajectory

FPS = 30.0
LIFT_OFF_S = 1.5
LOADED_XY, LOADED_R = (300.0, FLOOR_Y + 6.0), 36.0  # the loaded plate, half hidden by the floor


def _wall_plate_scene(t_s: float, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """A red plate leaning on the wall and the loaded black plate resting half hidden against the
    black floor until ``LIFT_OFF_S``, then rising at 60 px/s (0.6 m/s at 1 mm a pixel); the noisy
    image and the loaded plate's y. The tracker starts on the wall plate (nothing else tells them
    apart without pose) and must move to the loaded one when it rises."""
    y = LOADED_XY[1] - max(0.0, t_s - LIFT_OFF_S) * 60.0
    image = gym()
    disc(image, 520.0, FLOOR_Y - 21.0, 20.0, (40, 40, 200))
    disc(image, LOADED_XY[0], y, LOADED_R, (28, 28, 30))
    return np.clip(image + rng.normal(0.0, 2.0, image.shape), 0, 255).astype(np.uint8), y


def _track(level: Shed, settings: SheddingSettings) -> tuple[float, list[tuple[float, bool]], Shedder]:
    """The scene tracked for 2.5 s with live mode's budget at a fixed shedding ``level``: when the
    tracker first reported the loaded plate (to a pixel; it never leaves it after), each stirred
    recheck asked for (its time, whether it ran), and the shedder."""
    shedder = Shedder(settings, level=level)
    budget = StirredBudget(lambda: shedder)
    asked: list[tuple[float, bool]] = []

    def allowed(t_s: float) -> bool:
        asked.append((t_s, budget(t_s)))
        return asked[-1][1]

    tracker = PlateTracker()
    tracker.stirred_allowed = allowed
    rng = np.random.default_rng(1)
    switched_at = math.nan
    for k in range(round(2.5 * FPS)):
        t_s = k / FPS
        image, y = _wall_plate_scene(t_s, rng)
        detection = tracker.update(Frame(image=image, t_s=t_s, index=k))
        on_loaded = detection.detected and math.hypot(*(detection.xy_px - (LOADED_XY[0], y))) < 1.0
        if on_loaded and math.isnan(switched_at):
            switched_at = t_s
        if not math.isnan(switched_at):
            assert on_loaded, (t_s, detection.xy_px, y)
    return switched_at, asked, shedder


def test_while_nothing_is_shed_every_stirred_recheck_runs_as_offline() -> None:
    switched_at, asked, shedder = _track(Shed.NOTHING, SheddingSettings())
    assert len(asked) >= 2 and all(ran for _, ran in asked)
    assert shedder.stirred_skipped == 0 and shedder.summary()["stirred_search"] == 0
    assert LIFT_OFF_S <= switched_at < LIFT_OFF_S + 0.15


def test_while_shedding_a_stirred_recheck_runs_at_most_every_stirred_every_s_and_the_switch_follows() -> None:
    """With work shed, the rechecks asked for at consecutive frames run one in 0.15 s at most (the
    others counted as shed); the move to the loaded plate comes at most that much later."""
    settings = SheddingSettings(stirred_every_s=0.15)
    switched_at, asked, shedder = _track(Shed.VIEW, settings)
    ran = [t_s for t_s, ok in asked if ok]
    assert np.all(np.diff(ran) >= 0.15 - 1e-9)
    skipped = sum(1 for _, ok in asked if not ok)
    assert skipped > 0 and shedder.stirred_skipped == skipped
    assert shedder.summary()["stirred_search"] == skipped
    assert LIFT_OFF_S <= switched_at < LIFT_OFF_S + 0.15 + 0.15


def test_the_budget_spaces_the_rechecks_on_the_frames_clock() -> None:
    """Asked at every frame of 30 fps while shedding: frames 0, 5, 10, ... run (5 / 30 s is the
    first interval of at least 0.15 s); with nothing shed, every frame runs."""
    shedder = Shedder(SheddingSettings(stirred_every_s=0.15), level=Shed.POSE_OFF)
    budget = StirredBudget(lambda: shedder)
    ran = [k for k in range(30) if budget(k / FPS)]
    assert ran == [0, 5, 10, 15, 20, 25]
    assert shedder.stirred_skipped == 24
    shedder.level = Shed.NOTHING
    assert all(budget(k / FPS) for k in range(30, 40))
    with pytest.raises(InputError, match="stirred_every_s"):
        SheddingSettings(stirred_every_s=-1.0)


def _clean_with_stall(end_s: float) -> tuple[Trajectory, np.ndarray, list[tuple[float, float]]]:
    """Two power cleans at 30 fps (the first pull from 1.07 s to 2.01 s) and the frames lost as a
    start-up stall loses them: the first frame is processed, and while it is (the pose model's
    first inference, the first whole-frame search) the capture's queue keeps only the newest
    frames, so every frame after the first until ``end_s`` is lost. The trajectory, the lost
    frames and the truth's reps."""
    synth = generate_set(Lift.POWER_CLEAN, n_reps=2, seed=3, sampling=Sampling(fps=30.0), load_kg=80.0)
    t = synth.trajectory.t_s
    lost = (t > t[0]) & (t < end_s)
    return synth.trajectory, lost, [(r["start_s"], r["end_s"]) for r in synth.truth["reps"]]


@pytest.mark.parametrize("stall_end_s", [2.1, 2.7])
def test_a_start_up_stall_over_a_cleans_whole_pull_leaves_the_rep_suspect(stall_end_s: float) -> None:
    """Frames lost after the first (the bar at rest on the floor) until after the catch (2.1 s) or
    until the bar rests again high up (2.7 s): the rise of at least a complete rep's range happened
    unseen. The one sample before the gap is too few for the filter, so without the rule the
    first clean is simply gone (what ``benchmarks/live.py`` showed with four busy loops); with
    it, the rep is there, unmeasured and suspect, online and in the report, and nothing else is
    added."""
    trajectory, lost, truth = _clean_with_stall(stall_end_s)
    bar = trajectory.bar_xy_m.copy()
    bar[lost] = np.nan
    gapped = analyze_trajectory(Trajectory(t_s=trajectory.t_s, bar_xy_m=bar), lift=Lift.POWER_CLEAN)
    first_s = truth[0]  # the segmenter alone has no rep over the first clean (at most its recovery)
    assert not any(r.start_s < first_s[1] and r.end_s > first_s[0] for r in gapped.reps)
    marked = mark_lost_frames(gapped, lost_spans(trajectory.t_s, lost))
    assert [r.status for r in marked.reps] == [RepStatus.SUSPECT, RepStatus.OK]
    first = marked.reps[0]
    assert lost_frames_in(first) and math.isnan(first.mean_velocity_m_s)
    assert first.start_s <= first_s[0] and first.end_s >= first_s[1]
    drops = Drops(lost=lost, pose_shed=np.zeros_like(lost), reduced=np.zeros_like(lost))
    online = score(replay(trajectory, drops, lift=Lift.POWER_CLEAN, load_kg=80.0), truth)
    assert (online.lost, online.extra_good, online.suspect, online.good) == (0, 0, 1, 1)


def test_one_sample_below_the_floor_does_not_move_the_floor_a_hidden_rise_is_measured_from() -> None:
    """The stall over the first clean's pull, and one sample 0.15 m below the floor while the bar
    rests between the cleans (the track caught a shadow for a frame): the floor a hidden rise must
    start from is where the bar rests (``floor_level``, as the segmenter places it), not the lowest
    sample, so the hidden clean is still there, suspect."""
    trajectory, lost, truth = _clean_with_stall(2.1)
    bar = trajectory.bar_xy_m.copy()
    resting = int(np.searchsorted(trajectory.t_s, 6.0))  # between the cleans (4.3-8.6 s on the floor)
    bar[resting, 1] -= 0.15
    bar[lost] = np.nan
    gapped = analyze_trajectory(Trajectory(t_s=trajectory.t_s, bar_xy_m=bar), lift=Lift.POWER_CLEAN)
    marked = mark_lost_frames(gapped, lost_spans(trajectory.t_s, lost))
    assert [r.status for r in marked.reps] == [RepStatus.SUSPECT, RepStatus.OK]
    assert marked.reps[0].start_s <= truth[0][0] and marked.reps[0].end_s >= truth[0][1]


def test_a_stall_over_a_cleans_recovery_alone_adds_no_rep() -> None:
    """Frames lost from just after the catch (the bar high, not on the floor) to standing: the bar
    rises from above the floor, a recovery, no rep of its own: the two cleans stay two."""
    trajectory, _, truth = _clean_with_stall(0.0)
    end_s = truth[0][1]
    lost = (trajectory.t_s > end_s + 0.05) & (trajectory.t_s < end_s + 0.6)
    bar = trajectory.bar_xy_m.copy()
    bar[lost] = np.nan
    gapped = analyze_trajectory(Trajectory(t_s=trajectory.t_s, bar_xy_m=bar), lift=Lift.POWER_CLEAN)
    marked = mark_lost_frames(gapped, lost_spans(trajectory.t_s, lost))
    assert len(marked.reps) == 2
