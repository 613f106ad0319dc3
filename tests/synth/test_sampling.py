import numpy as np
import pytest

from vbt.errors import InputError
from vbt.synth import NTSC_FPS, Sampling, generate_set
from vbt.synth.sampling import frame_times, missing_mask
from vbt.types import JOINT_NAMES


@pytest.mark.parametrize("fps", [25.0, NTSC_FPS, 30.0, 60.0, 120.0])
def test_constant_rate_frames_are_exactly_one_period_apart(fps):
    t = frame_times(20.0, Sampling(fps=fps), np.random.default_rng(0))
    assert 0.0 <= t[0] < 1.0 / fps
    assert t[-1] <= 20.0
    assert np.max(np.abs(np.diff(t) - 1.0 / fps)) < 1e-12
    assert len(t) == pytest.approx(20.0 * fps, abs=1.0)


def test_ntsc_intervals_are_1001_over_30000_not_a_thirtieth():
    s = generate_set("squat", n_reps=1, seed=0, sampling=Sampling(fps=NTSC_FPS))
    dt = np.diff(s.trajectory.t_s)
    assert np.max(np.abs(dt - 1001 / 30000)) < 1e-12
    assert abs(np.mean(dt) - 1 / 30) > 1e-5


def test_variable_frame_rate_jitters_and_drops_frames_but_stays_increasing():
    s = generate_set("bench", n_reps=5, seed=1, sampling=Sampling(vfr=True))
    dt = np.diff(s.trajectory.t_s)
    assert np.all(dt > 0)
    assert dt.min() >= 0.85 / 30 - 1e-12
    assert np.std(dt) > 0.002
    assert np.any(dt > 1.7 / 30)  # a dropped frame
    assert np.mean(dt < 1.2 / 30) > 0.9  # mostly single intervals
    assert s.truth["sampling"]["vfr"] is True


def test_start_offset_is_random_unless_switched_off():
    offsets = {generate_set("deadlift", n_reps=1, seed=k).trajectory.t_s[0] for k in range(5)}
    assert len(offsets) == 5
    fixed = generate_set("deadlift", n_reps=1, seed=0, sampling=Sampling(random_start=False))
    assert fixed.trajectory.t_s[0] == 0.0
    assert fixed.truth["sampling"]["start_offset_s"] == 0.0


def test_noise_has_the_configured_sigma():
    sampling = Sampling(fps=120.0, bar_noise_m=0.002, joint_noise_m=0.004)
    s = generate_set("power_clean", n_reps=3, seed=4, sampling=sampling)
    traj = s.trajectory
    bar_error = traj.bar_xy_m - np.stack([s.bar_x_m(traj.t_s), s.bar_y_m(traj.t_s)], axis=-1)
    joint_error = traj.joints_xy_m - s.joints_xy_m(traj.t_s)
    assert bar_error.shape[0] > 2000
    for error, sigma in ((bar_error, 0.002), (joint_error, 0.004)):
        measured = np.std(error)
        assert abs(measured - sigma) < 0.1 * sigma
        assert abs(np.mean(error)) < 0.1 * sigma


def test_missing_samples_are_nan_in_both_coordinates_isolated_and_in_gaps():
    s = generate_set("clean", n_reps=4, seed=6, sampling=Sampling(missing_fraction=0.1))
    traj = s.trajectory
    missing = np.isnan(traj.bar_xy_m)
    assert np.array_equal(missing[:, 0], missing[:, 1])
    assert missing[:, 0].sum() == round(0.1 * len(traj))
    runs = np.diff(np.flatnonzero(np.diff(np.r_[0, missing[:, 0].astype(int), 0])))[::2]
    assert (runs == 1).any()
    assert (runs > 1).any()
    assert runs.max() <= 4 * 2
    joints_missing = np.isnan(traj.joints_xy_m[..., 0])
    assert np.array_equal(joints_missing, np.isnan(traj.joints_xy_m[..., 1]))
    per_joint = joints_missing.sum(axis=0)
    assert np.all(per_joint == round(0.1 * len(traj)))
    hip, knee = JOINT_NAMES.index("hip"), JOINT_NAMES.index("knee")
    assert not np.array_equal(joints_missing[:, hip], joints_missing[:, knee])


def test_missing_mask_hits_its_count():
    mask = missing_mask(1000, fraction=0.2, max_gap_frames=5, rng=np.random.default_rng(1))
    assert mask.sum() == 200
    assert not missing_mask(50, fraction=0.0, max_gap_frames=3, rng=np.random.default_rng(1)).any()


def test_at_rate():
    assert Sampling.at_rate(60).fps == 60.0
    vfr = Sampling.at_rate("vfr", base=Sampling(bar_noise_m=0.001))
    assert vfr.vfr
    assert vfr.fps == 30.0
    assert vfr.bar_noise_m == 0.001
    with pytest.raises(InputError, match="vfr"):
        Sampling.at_rate("fast")


@pytest.mark.parametrize(
    "settings",
    [{"fps": 0.0}, {"bar_noise_m": -0.001}, {"missing_fraction": 0.7}, {"max_gap_frames": 0}],
)
def test_bad_sampling_is_an_input_error(settings):
    with pytest.raises(InputError):
        Sampling(**settings)
