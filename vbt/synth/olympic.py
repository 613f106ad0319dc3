"""Power clean, clean and snatch: the pull, the drop under the bar, the catch, and the triple extension.

The pull's velocity knots: lift-off (v = 0, a > 0), first-pull maximum (v1 near the knee), transition
minimum (the double knee bend), peak velocity, then a deceleration ramp into a constant deceleration of
1.02-1.3 g up to the peak height (v = 0). The drop under the bar falls to the catch (the lowest point
after the peak, where v crosses 0 upwards), the recovery stands up, the bar is held, then lowered or
dropped onto bumpers. Hip, knee and ankle angles are monotone Hermite curves whose peaks are knots.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vbt.kinematics.extension import ExtensionSettings
from vbt.synth.hermite import monotone_ppoly
from vbt.synth.joints import (
    ANGLE_NAMES,
    Body,
    KnotJoints,
    pose_positions,
    toe_offset_in_front_of_shin,
)
from vbt.synth.plans import (
    ExtensionPlan,
    GhostPlan,
    Program,
    RepPlan,
    SetOptions,
    fatigue_factors,
    uniform,
)
from vbt.synth.profiles import (
    G_M_S2,
    VelocityBuilder,
    XPath,
    bounce_on_floor,
    fall_to_floor,
    rest_to_rest,
    shaped_move,
    solve_positive_quadratic,
)
from vbt.synth.strength import PLATE_RADIUS_M
from vbt.types import Lift, RepStatus

Range = tuple[float, float]
Pose = tuple[float, float, float]


@dataclass(frozen=True)
class _LiftSpec:
    peak_velocity_m_s: Range
    peak_height_m: Range  # lift-off to peak height
    drop_m: Range  # peak height to catch
    recovery_s: Range
    catch_pose: tuple[Range, Range, Range]  # hip, knee, ankle
    overhead: bool


_SPECS = {
    Lift.POWER_CLEAN: _LiftSpec(
        (1.5, 2.0), (0.75, 1.1), (0.03, 0.15), (0.5, 1.0), ((95, 130), (100, 130), (90, 105)), False
    ),
    Lift.CLEAN: _LiftSpec(
        (1.4, 1.8), (0.75, 1.1), (0.25, 0.5), (1.2, 2.2), ((45, 70), (45, 65), (68, 85)), False
    ),
    Lift.SNATCH: _LiftSpec(
        (1.7, 2.2), (1.0, 1.3), (0.2, 0.5), (1.3, 2.5), ((60, 85), (40, 60), (65, 80)), True
    ),
}
_START_POSE = ((55.0, 72.0), (80.0, 95.0), (82.0, 92.0))
_STAND_POSE = ((176.0, 180.0), (172.0, 177.0), (110.0, 116.0))
#: Peak angle ranges (hip, knee, ankle) for complete extension (hip >= 175, knee >= 165, ankle >= 130).
_COMPLETE_PEAK = ((178.0, 195.0), (168.0, 178.0), (133.0, 150.0))
#: An ankle that stops short stays this far under what vbt calls complete (``ExtensionSettings``).
_INCOMPLETE_ANKLE_MAX_DEG = ExtensionSettings().ankle_deg - 3.0


@dataclass(frozen=True)
class _Pull:
    v1: float  # first-pull maximum
    v2: float  # transition minimum
    v3: float  # peak velocity
    decel: float  # deceleration to the peak height (> g)
    ramp_s: float  # from peak velocity to constant deceleration
    first_s: float  # lift-off to v1
    transition_s: float  # v1 to v2
    second_s: float  # v2 to v3
    liftoff_alpha: float


def build_olympic(
    options: SetOptions, body: Body, rng: np.random.Generator, body_rng: np.random.Generator
) -> Program:
    """Generate a power clean, clean or snatch set (see `SetOptions`)."""
    return _OlympicSet(options, body, rng, body_rng).run()


class _OlympicSet:
    def __init__(
        self, options: SetOptions, body: Body, rng: np.random.Generator, body_rng: np.random.Generator
    ) -> None:
        self.o = options
        self.spec = _SPECS[options.lift]
        self.rng = rng
        self.jrng = body_rng
        self.body = body
        self.start_pose = self._pose(_START_POSE)
        self.stand_pose = self._pose(_STAND_POSE)
        self.b = VelocityBuilder(y0_m=PLATE_RADIUS_M)
        toe = toe_offset_in_front_of_shin(self.start_pose, bar_y_m=PLATE_RADIUS_M, gap_m=0.02, body=body)
        self.x = XPath(x0_m=0.0, toe0_m=toe)
        self.knots: dict[str, list[tuple[float, float]]] = {name: [] for name in ANGLE_NAMES}
        self.reps: list[RepPlan] = []
        self.ghosts: list[GhostPlan] = []
        shoulder_y = float(pose_positions(self.stand_pose, body=body)[0, 1])
        if self.spec.overhead:
            self.hold_y = shoulder_y + 0.6 * body.foot_m / 0.17 + self.u(-0.05, 0.05)
        else:
            self.hold_y = shoulder_y + self.u(-0.02, 0.04)

    def u(self, low: float, high: float) -> float:
        return uniform(self.rng, low, high)

    def ju(self, low: float, high: float) -> float:
        return uniform(self.jrng, low, high)

    def _pose(self, ranges: tuple[Range, Range, Range], jitter: float = 0.0) -> Pose:
        hip, knee, ankle = (self.ju(lo, hi) + self.ju(-jitter, jitter) for lo, hi in ranges)
        return hip, knee, ankle

    def pose_at(self, t_s: float, pose: Pose) -> None:
        for name, value in zip(ANGLE_NAMES, pose, strict=True):
            self.angle_at(name, t_s, value)

    def angle_at(self, name: str, t_s: float, value: float) -> None:
        knots = self.knots[name]
        if knots and t_s <= knots[-1][0] + 1e-9:
            if t_s < knots[-1][0] - 1e-9:
                raise RuntimeError(f"internal error: {name} knot at {t_s} s before {knots[-1][0]} s")
            knots[-1] = (knots[-1][0], value)
            return
        knots.append((t_s, value))

    def last_pose(self) -> Pose:
        hip, knee, ankle = (self.knots[name][-1][1] for name in ANGLE_NAMES)
        return hip, knee, ankle

    # --- the set -------------------------------------------------------------------------------------

    def run(self) -> Program:
        o, b = self.o, self.b
        self.pose_at(0.0, self.start_pose)
        b.hold(self.u(0.5, 2.0))
        self.pull = self._pull_params()
        factors = fatigue_factors(self.rng, o.n_reps, fatigue=o.fatigue)
        partial_before: set[int] = set()
        if o.partials:
            partial_before = {i for i in range(o.n_reps) if self.rng.random() < 0.5}
            partial_before = partial_before or {int(self.rng.integers(0, o.n_reps))}
        for i, factor in enumerate(factors):
            last = i == o.n_reps - 1
            if i in partial_before:
                self._partial()
            self._rep(factor, failed=o.failed_last and last, last=last)
        b.hold(self.u(1.0, 2.0))
        self.pose_at(b.t_s, self.last_pose())
        motion = b.build(self.x)
        curves = {
            name: monotone_ppoly([t for t, _ in knots], [v for _, v in knots])
            for name, knots in self.knots.items()
        }
        joints = KnotJoints(
            body=self.body,
            hip=curves["hip"],
            knee=curves["knee"],
            ankle=curves["ankle"],
            toe_x=motion.toe_x,
        )
        return Program(motion, tuple(self.reps), tuple(self.ghosts), joints)

    def _partial(self) -> None:
        """Lift the bar 3-6 cm off the floor and set it back down (a hitch, not a rep)."""
        b = self.b
        start = b.t_s
        height = self.u(0.03, 0.06)
        shape_up = rest_to_rest(peak_frac=0.45, start_alpha=self.u(1.0, 2.0), end_beta=self.u(1.0, 2.0))
        shaped_move(b, height, self.u(0.3, 0.5), shape_up)
        b.hold(self.u(0.2, 0.5))
        shape_down = rest_to_rest(peak_frac=0.5, start_alpha=self.u(0.5, 1.0), end_beta=self.u(1.0, 2.0))
        shaped_move(b, -(b.y_m - PLATE_RADIUS_M), self.u(0.3, 0.5), shape_down)
        self.ghosts.append(GhostPlan("partial", start, b.t_s))
        b.hold(self.u(0.8, 1.5))

    def _pull_params(self) -> _Pull:
        """Draw the set's pull: peak velocity 0.5-0.8 s after lift-off, peak height in range."""
        spec = self.spec
        for _ in range(500):
            v1 = self.u(0.8, 1.2)
            v2 = v1 - self.u(0.05, 0.2)
            v3 = self.u(*spec.peak_velocity_m_s)
            decel = self.u(1.02, 1.3) * G_M_S2
            ramp, transition = self.u(0.03, 0.06), self.u(0.05, 0.12)
            alpha, first = self.u(1.2, 2.5), self.u(0.3, 0.55)
            height = self.u(*spec.peak_height_m)
            v3b = v3 - decel * ramp / 2.0
            after_peak = ramp * (v3 + v3b) / 2.0 + ramp * ramp * decel / 12.0 + v3b**2 / (2.0 * decel)
            before = first * v1 * (0.5 + alpha / 12.0) + transition * (v1 + v2) / 2.0
            second = (height - after_peak - before) / ((v2 + v3) / 2.0)
            if 0.12 <= second <= 0.3 and 0.5 <= first + transition + second <= 0.8:
                return _Pull(v1, v2, v3, decel, ramp, first, transition, second, alpha)
        second = float(np.clip(second, 0.12, 0.3))
        return _Pull(v1, v2, v3, decel, ramp, first, transition, second, alpha)

    # --- one rep -------------------------------------------------------------------------------------

    def _rep(self, factor: float, *, failed: bool, last: bool) -> None:
        b, x = self.b, self.x
        # a tired (or failing) pull: the same timing, slower
        f = factor * (0.92 if failed else 1.0)
        pull = replace(self.pull, v1=self.pull.v1 * f, v2=self.pull.v2 * f, v3=self.pull.v3 * f)
        x0 = x.x_m
        t0 = b.t_s
        hip, knee, ankle = (value + self.ju(-3.0, 3.0) for value in self.start_pose)
        start_pose = (hip, knee, ankle)
        self.pose_at(t0, start_pose)
        x.at(t0, x0)
        # the pull
        i0 = b.index
        b.exit_accel(pull.liftoff_alpha * pull.v1 / pull.first_s)
        i1 = b.add(pull.first_s, pull.v1, a_left=0.0)
        i2 = b.add(pull.transition_s, pull.v2, a_left=0.0)
        i3 = b.add(pull.second_s, pull.v3, a_left=0.0)
        v3b = pull.v3 - pull.decel * pull.ramp_s / 2.0
        b.add(pull.ramp_s, v3b, a_left=-pull.decel, a_right=-pull.decel)
        i4 = b.add(v3b / pull.decel, 0.0, a_left=-pull.decel)
        t1, t2, t3, t4 = (b.knot_time(i) for i in (i1, i2, i3, i4))
        x.at(t1, x0 - self.u(0.01, 0.04))
        x.at(t3, x0 + self.u(-0.01, 0.03))
        x.at(t4, x0 + self.u(0.0, 0.05))
        extension = self._extension(start_pose, t1, t2, t3)
        if failed:
            self.reps.append(RepPlan(i0, i4, RepStatus.FAILED, None, extension))
            after = t4 + self.ju(0.1, 0.25)
            for name, peak in zip(ANGLE_NAMES, self._peaks(extension), strict=True):
                self.angle_at(name, after, peak - self.ju(8.0, 15.0))
            self._to_floor(drop=True, start_s=t4)
            return
        i6 = self._catch(pull)
        self.reps.append(RepPlan(i0, i4, RepStatus.OK, i6, extension))
        t6 = b.knot_time(i6)
        self.pose_at(t6, self._pose(self.spec.catch_pose, jitter=2.0))
        x.at(t6, x0 + self.u(-0.03, 0.02))
        # recovery: stand up with the bar
        rise = max(self.hold_y - b.y_m, 0.12)
        shape = rest_to_rest(
            peak_frac=self.u(0.3, 0.5), start_alpha=self.u(1.0, 2.0), end_beta=self.u(0.5, 1.5)
        )
        shaped_move(b, rise, self.u(*self.spec.recovery_s), shape)
        self.ghosts.append(GhostPlan("recovery", t6, b.t_s))
        self.pose_at(b.t_s, self.stand_pose)
        x.at(b.t_s, x0 + self.u(-0.02, 0.02))
        b.hold(self.u(0.7, 1.3))
        self.pose_at(b.t_s, self.stand_pose)
        x.at(b.t_s, x.x_m)
        self._to_floor(drop=self.o.bounces, start_s=b.t_s)
        if last:
            return
        rest = self.u(2.0, 5.0)
        self.pose_at(b.t_s + rest * self.u(0.3, 0.7), self.start_pose)
        b.hold(rest)

    def _catch(self, pull: _Pull) -> int:
        """Drop under the bar from the peak height to the catch; returns the catch knot."""
        b = self.b
        drop = self.u(*self.spec.drop_m)
        fall = self.u(0.6, 1.0) * G_M_S2
        alpha, beta = self.u(1.0, 2.0), self.u(1.0, 2.5)
        brake_s = self.u(0.08, 0.2) if self.o.lift is Lift.POWER_CLEAN else self.u(0.15, 0.35)
        # drop = vd^2 alpha (1/2 + alpha/12) / fall + vd brake_s (1/2 + beta/12)
        speed = solve_positive_quadratic(
            alpha * (0.5 + alpha / 12.0) / fall, brake_s * (0.5 + beta / 12.0), -drop
        )
        b.exit_accel(-fall)
        b.add(alpha * speed / fall, -speed, a_left=0.0)
        catch = b.add(brake_s, 0.0, a_left=beta * speed / brake_s)
        return catch

    def _to_floor(self, *, drop: bool, start_s: float) -> None:
        """Lower the bar under control, or drop it onto bumpers (1-2 bounces when bounces are on)."""
        b, x = self.b, self.x
        if drop:
            contact_s = self.u(0.02, 0.04)
            contact = fall_to_floor(b, PLATE_RADIUS_M, contact_s=contact_s)
            self.ghosts.append(GhostPlan("lowering", start_s, b.knot_time(contact)))
            heights: tuple[float, ...] = ()
            if self.o.bounces:
                first = self.u(0.04, 0.08)
                heights = (first,) if self.rng.random() < 0.5 else (first, self.u(0.02, 0.6 * first))
            for rise_start, landing in bounce_on_floor(
                b, PLATE_RADIUS_M, contact_s=contact_s, bounce_heights_m=heights
            ):
                self.ghosts.append(GhostPlan("bounce", b.knot_time(rise_start), b.knot_time(landing)))
            self.pose_at(b.t_s, self.last_pose())
        else:
            shape = rest_to_rest(
                peak_frac=self.u(0.4, 0.6), start_alpha=self.u(0.5, 1.5), end_beta=self.u(1.0, 2.5)
            )
            shaped_move(b, -(b.y_m - PLATE_RADIUS_M), self.u(1.2, 2.5), shape)
            self.ghosts.append(GhostPlan("lowering", start_s, b.t_s))
            self.pose_at(b.t_s, self.start_pose)
        x.at(b.t_s, x.x_m + self.u(-0.03, 0.03))

    # --- joints --------------------------------------------------------------------------------------

    def _extension(self, start: Pose, t1: float, t2: float, t3: float) -> ExtensionPlan:
        """Joint knots of the pull, from lift-off to the joints' peaks; returns the exact peaks."""
        incomplete = set(self.o.incomplete_extension)
        if self.jrng.random() < 0.8:  # the usual order: knee, hip, ankle
            knee_off = self.ju(-0.06, -0.01)
            hip_off = knee_off + self.ju(0.0, 0.04)
            ankle_off = min(max(knee_off, hip_off) + self.ju(0.01, 0.05), 0.08)
        else:
            knee_off, hip_off, ankle_off = (self.ju(-0.08, 0.08) for _ in range(3))
        first_peak = min(knee_off, hip_off, ankle_off) + t3
        t_first = t1 + self.ju(0.0, 0.3) * (t2 - t1)
        t_second = t2 + self.ju(0.05, 0.3) * (first_peak - 0.03 - t2)
        knee0 = start[1]
        (h_lo, h_hi), (k_lo, k_hi), (a_lo, a_hi) = _COMPLETE_PEAK
        knee_first = self.ju(140.0, 150.0)
        if "knee" in incomplete:
            knee_peak = self.ju(max(knee_first + 5.0, 150.0), 160.0)
        else:
            knee_peak = self.ju(k_lo, k_hi)
        dkb = self.o.double_knee_bend
        rebend = self.ju(5.0, 20.0) if dkb else 0.0
        if dkb:
            self.angle_at("knee", t_first, knee_first)
            self.angle_at("knee", t_second, knee_first - rebend)
        else:
            self.angle_at("knee", t_second, knee0 + self.ju(0.55, 0.7) * (knee_peak - knee0))
        self.angle_at("knee", t3 + knee_off, knee_peak)
        # hip
        hip_first = self.ju(95.0, 120.0)
        hip_second = hip_first + self.ju(15.0, 30.0)
        if "hip" in incomplete:
            hip_peak = self.ju(max(hip_second + 3.0, 150.0), 168.0)
        else:
            hip_peak = self.ju(h_lo, h_hi)
        self.angle_at("hip", t_first, hip_first)
        self.angle_at("hip", t_second, hip_second)
        self.angle_at("hip", t3 + hip_off, hip_peak)
        # ankle
        ankle_first = self.ju(102.0, 112.0)
        short = "ankle" in incomplete
        ankle_peak = self.ju(ankle_first + 3.0, _INCOMPLETE_ANKLE_MAX_DEG) if short else self.ju(a_lo, a_hi)
        self.angle_at("ankle", t_first, ankle_first)
        self.angle_at("ankle", t_second, ankle_first - self.ju(2.0, 8.0))
        self.angle_at("ankle", t3 + ankle_off, ankle_peak)
        return ExtensionPlan(
            hip_peak_s=t3 + hip_off,
            knee_peak_s=t3 + knee_off,
            ankle_peak_s=t3 + ankle_off,
            hip_peak_deg=hip_peak,
            knee_peak_deg=knee_peak,
            ankle_peak_deg=ankle_peak,
            double_knee_bend=dkb,
            knee_rebend_deg=rebend,
            second_pull_start_s=t_second if dkb else None,
            complete_intended=not incomplete,
        )

    @staticmethod
    def _peaks(extension: ExtensionPlan) -> Pose:
        return extension.hip_peak_deg, extension.knee_peak_deg, extension.ankle_peak_deg
