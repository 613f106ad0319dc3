"""`generate_set` and `generate_corpus`: synthetic sets with exact truth."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from vbt.errors import InputError
from vbt.lifts import parse_lift
from vbt.synth.joints import ANGLE_NAMES, Body, JointModel, joint_positions
from vbt.synth.olympic import build_olympic
from vbt.synth.plans import Program, SetOptions
from vbt.synth.profiles import BarMotion
from vbt.synth.sampling import NTSC_FPS, Sampling, add_noise, frame_times
from vbt.synth.strength import build_strength
from vbt.synth.truth import build_truth
from vbt.types import JOINT_NAMES, FloatArray, Lift, Rep, RepStatus, Trajectory

#: Frame rates of the default corpus ("vfr": nominal 30 fps, variable).
CORPUS_RATES: tuple[float | str, ...] = (25.0, NTSC_FPS, 30.0, 60.0, 120.0, "vfr")
_JOINT_OPTIONS = ("hip", "knee", "ankle")
#: The lifts the generators draw (the others of the catalogue have no synthetic body yet).
SYNTH_LIFTS: tuple[Lift, ...] = (
    Lift.SQUAT,
    Lift.BENCH,
    Lift.DEADLIFT,
    Lift.POWER_CLEAN,
    Lift.CLEAN,
    Lift.SNATCH,
)


@dataclass(frozen=True, eq=False)
class SynthSet:
    """A synthetic set: what a tracker would give, the exact motion behind it, and the truth.

    Attributes:
        lift: the lift.
        trajectory: sampled, noisy bar (N, 2) and joints (N, 5, 2) in ``JOINT_NAMES`` order, metres;
            NaN where missing (joints all NaN without joints).
        truth: the JSON-serialisable truth (see the package docstring).
        motion: the exact bar motion (velocity profile, position, x path).
        joints: the exact joint model, None without joints.
    """

    lift: Lift
    trajectory: Trajectory
    truth: dict[str, Any]
    motion: BarMotion
    joints: JointModel | None

    def bar_y_m(self, t_s: FloatArray | float) -> FloatArray:
        """Exact bar height (m) at times; NaN outside the recording."""
        return np.asarray(self.motion.y(np.asarray(t_s, dtype=np.float64)), dtype=np.float64)

    def bar_x_m(self, t_s: FloatArray | float) -> FloatArray:
        """Exact bar x (m) at times; NaN outside the recording."""
        return np.asarray(self.motion.x(np.asarray(t_s, dtype=np.float64)), dtype=np.float64)

    def bar_vy_m_s(self, t_s: FloatArray | float) -> FloatArray:
        """Exact vertical bar velocity (m/s) at times."""
        return np.asarray(self.motion.vy(np.asarray(t_s, dtype=np.float64)), dtype=np.float64)

    def bar_ay_m_s2(self, t_s: FloatArray | float) -> FloatArray:
        """Exact vertical bar acceleration (m/s^2); at a knot, the value just right of it."""
        return np.asarray(self.motion.vy(np.asarray(t_s, dtype=np.float64), nu=1), dtype=np.float64)

    def joint_angles_deg(self, t_s: FloatArray | float) -> dict[str, FloatArray]:
        """Exact hip, knee and ankle angles (degrees) at times (N,); NaN without joints."""
        t = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
        if self.joints is None:
            return {name: np.full(t.shape, np.nan) for name in ANGLE_NAMES}
        angles = self.joints.angles_deg(t)
        return {name: angles[:, k] for k, name in enumerate(ANGLE_NAMES)}

    def joints_xy_m(self, t_s: FloatArray | float) -> FloatArray:
        """(N, 5, 2) exact joint positions in ``JOINT_NAMES`` order; NaN without joints."""
        t = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
        if self.joints is None:
            return np.full((t.shape[0], len(JOINT_NAMES), 2), np.nan)
        return joint_positions(self.joints, t)

    @property
    def reps(self) -> tuple[Rep, ...]:
        """The true reps as `vbt.types.Rep` (catch_s NaN where there is none)."""
        return tuple(
            Rep(
                index=r["index"],
                start_s=r["start_s"],
                end_s=r["end_s"],
                status=RepStatus(r["status"]),
                catch_s=r["catch_s"] if r["catch_s"] is not None else math.nan,
            )
            for r in self.truth["reps"]
        )


def generate_set(
    lift: Lift | str,
    *,
    n_reps: int = 5,
    seed: int = 0,
    sampling: Sampling | None = None,
    load_kg: float | None = None,
    fatigue: bool = True,
    walkout: bool | None = None,
    failed_last: bool = False,
    bounces: bool | None = None,
    partials: bool = False,
    paused: bool = False,
    sticking: bool | None = None,
    with_joints: bool = True,
    incomplete_extension: bool | Sequence[str] = False,
    double_knee_bend: bool = True,
    first_mean_velocity_m_s: float | None = None,
    rom_m: float | None = None,
) -> SynthSet:
    """Generate one synthetic set with exact truth.

    Parameters:
        lift: A `Lift` or its value ("squat", "bench", "deadlift", "power_clean", "clean", "snatch").
        n_reps: Reps attempted, 1..30 (with ``failed_last`` the last of them fails).
        seed: Everything is determined by the seed. The motion, the lifter and the sampling use separate
            streams, so the same seed at another frame rate gives the same motion and truth.
        sampling: Frame rate, noise and missing samples; default ``Sampling()`` (30 fps, 2 mm noise, none
            missing).
        load_kg: Bar load; power (``load * (a + g) * v``) is in the truth only with a load.
        fatigue: Mean velocity falls 2-6 % per rep (randomly); else reps vary by +-1.5 %.
        walkout: Squat/bench: unrack and walk out before the set, walk in and re-rack after it. None = True
            for squat and bench, False otherwise.
        failed_last: The last rep fails (squat/bench: stalls at 20-60 % of the range and sinks back to the
            bottom or below; deadlift: rises 10-30 cm and goes back down; Olympic lifts: the pull happens, no
            catch, the bar falls). The set ends there.
        bounces: Deadlift: touch-and-go bounce of 1-2.5 cm at each floor contact. Olympic lifts: the bar is
            dropped from the hold onto bumpers and bounces 1-2 times (2-8 cm) instead of being lowered.
            None = False for the deadlift, True for Olympic lifts; not available for squat and bench.
        partials: Add 3-6 cm movements between reps (a squat/bench half-dip, a lift of the bar off the floor)
            that a segmenter must not count.
        paused: Squat/bench: pause 0.5-2 s at the bottom of every rep.
        sticking: Squat/bench/deadlift: a sticking-region dip in the concentric; None = only on slow reps.
        with_joints: Generate joint positions (hip/knee/ankle angles through forward kinematics from the toe).
        incomplete_extension: Olympic lifts: True (the ankle does not plantarflex) or joint names ("hip",
            "knee", "ankle") that stop short of full extension in every pull.
        double_knee_bend: Olympic lifts: the knee re-bends 5-20 degrees between first and second pull.
        first_mean_velocity_m_s: Squat/bench/deadlift: the first rep's mean concentric velocity (default drawn
            per lift).
        rom_m: Squat/bench/deadlift: the range of motion (default drawn per lift).

    Raises:
        InputError: An unknown lift, an option that does not apply to the lift, or a value out of range.
    """
    options = _resolve_options(
        lift,
        n_reps=n_reps,
        load_kg=load_kg,
        fatigue=fatigue,
        walkout=walkout,
        failed_last=failed_last,
        bounces=bounces,
        partials=partials,
        paused=paused,
        sticking=sticking,
        with_joints=with_joints,
        incomplete_extension=incomplete_extension,
        double_knee_bend=double_knee_bend,
        first_mean_velocity_m_s=first_mean_velocity_m_s,
        rom_m=rom_m,
    )
    sampling = sampling if sampling is not None else Sampling()
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed must be a non-negative integer, got {seed!r}")
    motion_seq, body_seq, sampling_seq = np.random.SeedSequence(int(seed)).spawn(3)
    motion_rng = np.random.default_rng(motion_seq)
    body_rng = np.random.default_rng(body_seq)
    body = Body.random(body_rng)
    if options.lift.is_olympic:
        program = build_olympic(options, body, motion_rng, body_rng)
    else:
        program = build_strength(options, body, motion_rng, body_rng)
    trajectory, offset = _sample(program, options, sampling, np.random.default_rng(sampling_seq))
    truth: dict[str, Any] = {
        "lift": options.lift.value,
        "load_kg": options.load_kg,
        "sampling": {
            **sampling.to_dict(),
            "start_offset_s": offset,
            "n_samples": len(trajectory),
        },
        "seed": int(seed),
        "options": options.to_dict(),
        "duration_s": program.motion.duration_s,
        "body": {
            "foot_m": body.foot_m,
            "shank_m": body.shank_m,
            "thigh_m": body.thigh_m,
            "trunk_m": body.trunk_m,
        },
        **build_truth(program, lift=options.lift, load_kg=options.load_kg, with_joints=options.with_joints),
    }
    return SynthSet(
        lift=options.lift,
        trajectory=trajectory,
        truth=truth,
        motion=program.motion,
        joints=program.joints if options.with_joints else None,
    )


def generate_corpus(
    n_sets: int = 252,
    *,
    seed: int = 0,
    lifts: Sequence[Lift | str] = SYNTH_LIFTS,
    fps_list: Sequence[float | str] = CORPUS_RATES,
    sampling: Sampling | None = None,
    vary_options: bool = True,
) -> list[SynthSet]:
    """Many sets spread evenly over lifts and frame rates.

    Set ``i`` gets lift ``lifts[i % len(lifts)]`` and rate ``fps_list[(i // len(lifts)) % len(fps_list)]``
    (so 36 consecutive sets cover every pair of the defaults; the default 252 gives each pair 7 sets). With ``vary_options`` each set also draws
    its options (reps 1-8, load, fatigue, failed last rep, partials, bounces, pauses, incomplete extension,
    double knee bend, 0-3 % missing samples) from a generator seeded by ``seed``; its truth records them
    and its own seed, so ``generate_set`` reproduces it.
    """
    if n_sets < 0:
        raise InputError(f"n_sets must be >= 0, got {n_sets}")
    if not lifts or not fps_list:
        raise InputError("lifts and fps_list must not be empty")
    lift_list = [_lift(lift) for lift in lifts]
    base = sampling if sampling is not None else Sampling()
    rng = np.random.default_rng(np.random.SeedSequence(int(seed)))
    sets = []
    for i in range(n_sets):
        lift = lift_list[i % len(lift_list)]
        rate = fps_list[(i // len(lift_list)) % len(fps_list)]
        set_seed = int(rng.integers(0, 2**31 - 1))
        set_sampling = Sampling.at_rate(rate, base=base)
        options = _random_options(lift, rng) if vary_options else {}
        if vary_options and rng.random() < 0.3:
            set_sampling = replace(set_sampling, missing_fraction=float(rng.uniform(0.005, 0.03)))
        sets.append(generate_set(lift, seed=set_seed, sampling=set_sampling, **options))
    return sets


def _random_options(lift: Lift, rng: np.random.Generator) -> dict[str, Any]:
    loads = {
        Lift.SQUAT: (60, 220),
        Lift.BENCH: (40, 160),
        Lift.DEADLIFT: (80, 260),
        Lift.POWER_CLEAN: (40, 130),
        Lift.CLEAN: (40, 150),
        Lift.SNATCH: (30, 120),
    }
    options: dict[str, Any] = {
        "n_reps": int(rng.integers(1, 6 if lift.is_olympic else 9)),
        "load_kg": float(round(rng.uniform(*loads[lift]) / 2.5) * 2.5),
        "fatigue": bool(rng.random() < 0.85),
        "failed_last": bool(rng.random() < 0.15),
        "partials": bool(rng.random() < 0.3),
    }
    if lift in (Lift.SQUAT, Lift.BENCH):
        options["walkout"] = bool(rng.random() < 0.8)
        options["paused"] = bool(rng.random() < 0.2)
    if lift is Lift.DEADLIFT or lift.is_olympic:
        options["bounces"] = bool(rng.random() < (0.4 if lift is Lift.DEADLIFT else 0.7))
    if lift.is_olympic:
        options["double_knee_bend"] = bool(rng.random() < 0.85)
        if rng.random() < 0.25:
            chosen = [name for name in _JOINT_OPTIONS if rng.random() < 0.4]
            options["incomplete_extension"] = tuple(chosen) or ("ankle",)
    return options


def _lift(lift: Lift | str) -> Lift:
    the_lift = parse_lift(lift)
    if the_lift not in SYNTH_LIFTS:
        names = ", ".join(item.value for item in SYNTH_LIFTS)
        raise InputError(f"vbt cannot synthesise a {the_lift.label} yet; choose one of: {names}")
    return the_lift


def _resolve_options(
    lift: Lift | str,
    *,
    n_reps: int,
    walkout: bool | None,
    bounces: bool | None,
    paused: bool,
    sticking: bool | None,
    incomplete_extension: bool | Sequence[str],
    first_mean_velocity_m_s: float | None,
    rom_m: float | None,
    load_kg: float | None,
    **flags: bool,
) -> SetOptions:
    the_lift = _lift(lift)
    rack = the_lift in (Lift.SQUAT, Lift.BENCH)
    olympic = the_lift.is_olympic
    if not isinstance(n_reps, int | np.integer) or not 1 <= n_reps <= 30:
        raise InputError(f"n_reps must be an integer from 1 to 30, got {n_reps!r}")
    if walkout and not rack:
        raise InputError(f"walkout applies to squat and bench, not {the_lift.value}")
    if bounces and rack:
        raise InputError(f"bounces apply to the deadlift and the Olympic lifts, not {the_lift.value}")
    if paused and not rack:
        raise InputError(f"paused applies to squat and bench, not {the_lift.value}")
    if olympic and (sticking or first_mean_velocity_m_s is not None or rom_m is not None):
        raise InputError(
            "sticking, first_mean_velocity_m_s and rom_m apply to squat, bench and deadlift; "
            f"an Olympic lift's pull is drawn from its own ranges ({the_lift.value})"
        )
    if isinstance(incomplete_extension, bool):
        incomplete: tuple[str, ...] = ("ankle",) if incomplete_extension else ()
    else:
        incomplete = tuple(incomplete_extension)
        unknown = [name for name in incomplete if name not in _JOINT_OPTIONS]
        if unknown:
            raise InputError(f"incomplete_extension names unknown joints {unknown}; use hip, knee, ankle")
    if incomplete and not olympic:
        raise InputError(f"incomplete_extension applies to Olympic lifts, not {the_lift.value}")
    for name, value, low, high in (
        ("first_mean_velocity_m_s", first_mean_velocity_m_s, 0.05, 3.0),
        ("rom_m", rom_m, 0.1, 1.0),
        ("load_kg", load_kg, 0.0, 1000.0),
    ):
        if value is not None and not (math.isfinite(value) and low < value <= high):
            raise InputError(f"{name} must be in ({low}, {high}], got {value}")
    return SetOptions(
        lift=the_lift,
        n_reps=int(n_reps),
        load_kg=None if load_kg is None else float(load_kg),
        fatigue=bool(flags["fatigue"]),
        walkout=rack if walkout is None else bool(walkout),
        failed_last=bool(flags["failed_last"]),
        bounces=olympic if bounces is None else bool(bounces),
        partials=bool(flags["partials"]),
        paused=bool(paused),
        sticking=sticking,
        with_joints=bool(flags["with_joints"]),
        incomplete_extension=tuple(sorted(set(incomplete), key=_JOINT_OPTIONS.index)),
        double_knee_bend=bool(flags["double_knee_bend"]),
        first_mean_velocity_m_s=first_mean_velocity_m_s,
        rom_m=rom_m,
    )


def _sample(
    program: Program, options: SetOptions, sampling: Sampling, rng: np.random.Generator
) -> tuple[Trajectory, float]:
    """Sample the exact motion at frame times and add tracker noise and missing samples."""
    motion = program.motion
    t_s = frame_times(motion.duration_s, sampling, rng)
    offset = float(t_s[0])
    bar = np.stack([motion.x(t_s), motion.y(t_s)], axis=-1)
    bar = add_noise(
        bar,
        sigma_m=sampling.bar_noise_m,
        missing_fraction=sampling.missing_fraction,
        max_gap_frames=sampling.max_gap_frames,
        rng=rng,
    )
    if options.with_joints:
        joints = add_noise(
            joint_positions(program.joints, t_s),
            sigma_m=sampling.joint_noise_m,
            missing_fraction=sampling.missing_fraction,
            max_gap_frames=sampling.max_gap_frames,
            rng=rng,
        )
    else:
        joints = np.full((t_s.shape[0], len(JOINT_NAMES), 2), np.nan)
    trajectory = Trajectory(t_s=t_s, bar_xy_m=bar, joints_xy_m=joints, joint_names=JOINT_NAMES)
    return trajectory, offset
