"""Squat, bench press and deadlift: phase programs that build the exact bar motion.

Heights: y up from the floor. Squat and bench start in the rack (optionally unrack + walk-out), the
deadlift on the floor at the plate radius. A rep is the concentric phase: from the bottom reversal
(v crosses 0 upwards with a > 0) or from rest (pause, lift-off: v leaves 0 with a > 0) to lockout
(v returns to 0 with a finite deceleration).
"""

from __future__ import annotations

import numpy as np

from vbt.synth.joints import BarDrivenJoints, Body, pose_positions, toe_offset_in_front_of_shin
from vbt.synth.plans import (
    GhostPlan,
    Program,
    RepPlan,
    SetOptions,
    fatigue_factors,
    uniform,
)
from vbt.synth.profiles import (
    G_M_S2,
    Shape,
    VelocityBuilder,
    XPath,
    bounce_on_floor,
    rest_to_rest,
    shaped_move,
    sticking_concentric,
)
from vbt.types import Lift, RepStatus

#: Bar height (m) with the plates on the floor: the radius of a 450 mm plate.
PLATE_RADIUS_M = 0.225

_ROM_M = {Lift.SQUAT: (0.45, 0.65), Lift.BENCH: (0.25, 0.45), Lift.DEADLIFT: (0.45, 0.65)}
_MEAN_VELOCITY_M_S = {Lift.SQUAT: (0.3, 1.1), Lift.BENCH: (0.2, 1.0), Lift.DEADLIFT: (0.25, 0.9)}
#: Reps slower than this get a sticking-region dip when ``sticking`` is None.
_HEAVY_M_S = {Lift.SQUAT: 0.42, Lift.BENCH: 0.32, Lift.DEADLIFT: 0.38}
#: Reps faster than this peak later (40-60 % of the concentric) and stop harder.
_FAST_M_S = {Lift.SQUAT: 0.8, Lift.BENCH: 0.6, Lift.DEADLIFT: 0.7}
#: (hip, knee, ankle) at the top and at the bottom.
_POSES = {
    Lift.SQUAT: (((175, 180), (172, 178), (110, 116)), ((58, 75), (52, 68), (72, 85))),
    Lift.BENCH: (((186, 196), (85, 100), (100, 115)), ((190, 200), (83, 98), (100, 115))),
    Lift.DEADLIFT: (((175, 182), (170, 178), (110, 116)), ((65, 80), (85, 100), (82, 92))),
}


def build_strength(
    options: SetOptions, body: Body, rng: np.random.Generator, body_rng: np.random.Generator
) -> Program:
    """Generate a squat, bench or deadlift set (see `SetOptions`)."""
    return _StrengthSet(options, body, rng, body_rng).run()


class _StrengthSet:
    def __init__(
        self, options: SetOptions, body: Body, rng: np.random.Generator, body_rng: np.random.Generator
    ) -> None:
        self.o = options
        self.lift = options.lift
        self.rng = rng
        self.body = body
        top, bottom = _POSES[self.lift]
        self.top_deg = _pose(body_rng, top)
        self.bottom_deg = _pose(body_rng, bottom)
        self.reps: list[RepPlan] = []
        self.ghosts: list[GhostPlan] = []

    def u(self, low: float, high: float) -> float:
        return uniform(self.rng, low, high)

    # --- the set -------------------------------------------------------------------------------------

    def run(self) -> Program:
        o, lift = self.o, self.lift
        self.rom = o.rom_m if o.rom_m is not None else self.u(*_ROM_M[lift])
        first_v = o.first_mean_velocity_m_s
        self.mean_v = first_v if first_v is not None else self.u(*_MEAN_VELOCITY_M_S[lift])
        standing = pose_positions(self.top_deg, body=self.body)
        if lift is Lift.SQUAT:
            self.top_y = float(standing[0, 1]) + self.u(-0.02, 0.04)
            toe_offset = -float(standing[0, 0])  # bar over the shoulder
        elif lift is Lift.BENCH:
            self.top_y = self.u(0.66, 0.72) + self.rom
            toe_offset = -float(standing[0, 0]) + self.u(0.0, 0.04)
        else:
            self.top_y = PLATE_RADIUS_M + self.rom
            toe_offset = toe_offset_in_front_of_shin(
                self.bottom_deg, bar_y_m=PLATE_RADIUS_M, gap_m=0.02, body=self.body
            )
        self.toe_offset = toe_offset
        rack_rise = self.u(0.03, 0.05) if o.walkout else 0.0
        start_y = PLATE_RADIUS_M if lift is Lift.DEADLIFT else self.top_y - rack_rise
        self.b = VelocityBuilder(y0_m=start_y)
        walk_m = 0.0
        if o.walkout:
            walk_m = -self.u(0.3, 0.6) if lift is Lift.SQUAT else self.u(0.15, 0.3)
        toe0 = toe_offset - walk_m if lift is Lift.SQUAT else toe_offset
        self.x = XPath(x0_m=-walk_m, toe0_m=toe0)
        self.x_home = 0.0

        self.b.hold(self.u(0.5, 2.0))
        if o.walkout:
            self._walk(rise=rack_rise, walk_m=walk_m, kind="walkout")
            self.b.hold(self.u(0.5, 1.5))
        factors = fatigue_factors(self.rng, o.n_reps, fatigue=o.fatigue)
        partial_after = self._partial_gaps(o.n_reps)
        for i, factor in enumerate(factors):
            failed = o.failed_last and i == o.n_reps - 1
            if lift is Lift.DEADLIFT:
                self._deadlift_rep(factor, failed=failed)
            else:
                self._squat_rep(factor, failed=failed)
            if failed:
                break
            if i in partial_after:
                self._partial()
        if o.walkout and not o.failed_last:
            self._walk(rise=self.u(0.03, 0.05), walk_m=-walk_m, kind="rerack")
        self.b.hold(self.u(0.5, 1.5))
        motion = self.b.build(self.x)
        joints = BarDrivenJoints(
            body=self.body,
            bar_y=motion.y,
            toe_x=motion.toe_x,
            top_y_m=self.top_y,
            depth_m=self.rom,
            top_deg=self.top_deg,
            bottom_deg=self.bottom_deg,
        )
        return Program(motion, tuple(self.reps), tuple(self.ghosts), joints)

    def _partial_gaps(self, n_reps: int) -> set[int]:
        """Reps after which a partial movement happens (at least one when partials are on)."""
        if not self.o.partials:
            return set()
        n_ok = n_reps - int(self.o.failed_last)
        if n_ok <= 0:
            return set()
        gaps = {i for i in range(n_ok) if self.rng.random() < 0.5}
        return gaps or {int(self.rng.integers(0, n_ok))}

    # --- phases -------------------------------------------------------------------------------------

    def _walk(self, *, rise: float, walk_m: float, kind: str) -> None:
        """Unrack + walk-out (``rise`` first), or walk-in + re-rack (``rise`` last, then set down)."""
        b, start = self.b, self.b.t_s
        squat = self.lift is Lift.SQUAT
        if kind == "walkout":
            shaped_move(b, rise, self.u(0.5, 0.8), rest_to_rest(peak_frac=0.5, start_alpha=1.0, end_beta=1.0))
            b.hold(self.u(0.2, 0.5))
        n_steps = int(self.rng.integers(2, 5)) if squat else 1
        shares = self.rng.uniform(0.8, 1.2, size=n_steps)
        shares /= shares.sum()
        for share in shares:
            self.x.at(b.t_s, self.x.x_m)
            self._dip(self.u(0.01, 0.02), self.u(0.5, 0.9))
            new_x = self.x.x_m + walk_m * float(share)
            self.x.at(b.t_s, new_x, toe_m=new_x + self.toe_offset if squat else None)
        if kind == "rerack":
            b.hold(self.u(0.2, 0.4))
            shaped_move(b, rise, self.u(0.4, 0.7), rest_to_rest(peak_frac=0.5, start_alpha=1.0, end_beta=1.0))
            b.hold(self.u(0.2, 0.4))
            drop = rise + self.u(0.03, 0.06)
            shaped_move(
                b, -drop, self.u(0.4, 0.8), rest_to_rest(peak_frac=0.5, start_alpha=1.0, end_beta=1.0)
            )
        self.ghosts.append(GhostPlan(kind, start, b.t_s))
        self.x.at(b.t_s, self.x.x_m)

    def _dip(self, depth_m: float, duration_s: float) -> None:
        """Down and straight back up by ``depth_m`` (a walk-out bob or a partial squat)."""
        down = self.u(0.4, 0.6) * duration_s
        shaped_move(
            self.b, -depth_m, down, rest_to_rest(peak_frac=0.5, start_alpha=0.0, end_beta=self.u(1.0, 2.0))
        )
        shaped_move(
            self.b,
            depth_m,
            duration_s - down,
            rest_to_rest(peak_frac=0.45, start_alpha=self.u(1.0, 2.0), end_beta=self.u(0.5, 1.5)),
        )

    def _partial(self) -> None:
        b = self.b
        b.hold(self.u(0.3, 0.8))
        start = b.t_s
        depth = self.u(0.03, 0.06)
        if self.lift is Lift.DEADLIFT:
            self._floor_rest_partial(depth)
        else:
            self._dip(depth, self.u(0.6, 1.0))
        self.ghosts.append(GhostPlan("partial", start, b.t_s))
        b.hold(self.u(0.3, 0.8))

    def _floor_rest_partial(self, height_m: float) -> None:
        b = self.b
        shaped_move(
            b,
            height_m,
            self.u(0.3, 0.5),
            rest_to_rest(peak_frac=0.45, start_alpha=self.u(1.0, 2.0), end_beta=self.u(1.0, 2.0)),
        )
        b.hold(self.u(0.2, 0.5))
        shaped_move(
            b,
            -height_m,
            self.u(0.3, 0.5),
            rest_to_rest(peak_frac=0.5, start_alpha=self.u(0.5, 1.0), end_beta=self.u(1.0, 2.0)),
        )

    def _concentric_shape(self, mean_v: float, *, start_alpha: float) -> Shape:
        heavy = mean_v < _HEAVY_M_S[self.lift] if self.o.sticking is None else self.o.sticking
        if not heavy and mean_v > _FAST_M_S[self.lift]:
            # light and fast: a later peak and a hard stop (often a braking phase beyond -g)
            return rest_to_rest(
                peak_frac=self.u(0.4, 0.6), start_alpha=start_alpha, end_beta=self.u(1.5, 3.0)
            )
        end_beta = self.u(0.5, 3.0)
        if not heavy:
            return rest_to_rest(peak_frac=self.u(0.25, 0.45), start_alpha=start_alpha, end_beta=end_beta)
        dip = self.u(0.4, 0.7)
        return sticking_concentric(
            peak_frac=self.u(0.2, 0.3),
            dip_frac=self.u(0.45, 0.55),
            second_frac=self.u(0.65, 0.75),
            dip_velocity=dip,
            second_velocity=self.u(dip + 0.1, 0.95),
            start_alpha=start_alpha,
            end_beta=end_beta,
        )

    def _squat_rep(self, factor: float, *, failed: bool) -> None:
        b, lift = self.b, self.lift
        depth = self.rom * self.u(0.98, 1.02)
        top_x = self.x_home + self.u(-0.008, 0.008)
        if lift is Lift.BENCH:
            bottom_x = self.x_home + self.u(0.04, 0.10)  # lower chest, towards the feet
        else:
            bottom_x = self.x_home + self.u(-0.015, 0.015)
        self.x.at(b.t_s, top_x)
        shaped_move(
            b,
            -depth,
            self.u(0.8, 1.8),
            rest_to_rest(peak_frac=self.u(0.35, 0.6), start_alpha=0.0, end_beta=self.u(1.0, 2.5)),
        )
        self.x.at(b.t_s, bottom_x)
        if self.o.paused:
            b.hold(self.u(0.5, 2.0))
            self.x.at(b.t_s, bottom_x)
        if failed:
            self._failed_rise(depth, below_m=self.u(0.0, 0.05))
            return
        mean_v = self.mean_v * factor
        shape = self._concentric_shape(mean_v, start_alpha=self.u(1.0, 2.5))
        idx = shaped_move(b, depth, depth / mean_v, shape)
        self.x.at(b.knot_time(idx[1]), (top_x + bottom_x) / 2 + self.u(-0.01, 0.01))
        self.x.at(b.t_s, self.x_home + self.u(-0.008, 0.008))
        self.reps.append(RepPlan(idx[0], idx[-1], RepStatus.OK))
        b.hold(self.u(0.3, 1.5))
        self.x.at(b.t_s, self.x.x_m)

    def _failed_rise(self, rom: float, *, below_m: float) -> None:
        """A rep that rises 20-60 % of ``rom`` (deadlift: 10-30 cm), stalls and goes back down to
        ``below_m`` under where it started. A failed deadlift clears the partial movements (3-6 cm,
        `_partial`) by a margin, so the two stay distinguishable by range."""
        b = self.b
        deadlift = self.lift is Lift.DEADLIFT
        rise = self.u(0.10, 0.30) if deadlift else rom * self.u(0.2, 0.6)
        start = b.index
        idx = shaped_move(
            b,
            rise,
            rise / self.u(0.08, 0.2),
            rest_to_rest(
                peak_frac=self.u(0.25, 0.45), start_alpha=self.u(1.0, 2.5), end_beta=self.u(0.5, 1.5)
            ),
        )
        self.reps.append(RepPlan(start, idx[-1], RepStatus.FAILED))
        b.hold(self.u(0.3, 1.0))
        drop = rise + below_m
        shaped_move(
            b,
            -drop,
            self.u(0.8, 1.5),
            rest_to_rest(peak_frac=0.5, start_alpha=self.u(0.5, 1.0), end_beta=self.u(1.0, 2.0)),
        )
        self.x.at(b.t_s, self.x.x_m)

    def _deadlift_rep(self, factor: float, *, failed: bool) -> None:
        b = self.b
        floor_x = self.x.x_m
        self.x.at(b.t_s, floor_x)
        if failed:
            self._failed_rise(self.rom, below_m=0.0)
            return
        rom = self.top_y - b.y_m
        mean_v = self.mean_v * factor
        shape = self._concentric_shape(mean_v, start_alpha=self.u(1.0, 2.5))
        idx = shaped_move(b, rom, rom / mean_v, shape)
        self.x.at(b.knot_time(idx[1]), floor_x + self.u(-0.02, 0.01))
        self.x.at(b.t_s, floor_x + self.u(-0.02, 0.02))
        self.reps.append(RepPlan(idx[0], idx[-1], RepStatus.OK))
        b.hold(self.u(0.5, 1.5))
        self.x.at(b.t_s, self.x.x_m)
        start = b.t_s
        drop = b.y_m - PLATE_RADIUS_M
        if self.o.bounces:
            self._lower_touch_and_go(drop)
        else:
            shaped_move(
                b,
                -drop,
                self.u(1.0, 2.0),
                rest_to_rest(
                    peak_frac=self.u(0.4, 0.6), start_alpha=self.u(0.5, 1.5), end_beta=self.u(1.0, 2.5)
                ),
            )
            self.ghosts.append(GhostPlan("lowering", start, b.t_s))
        self.x.at(b.t_s, self.x_home + self.u(-0.02, 0.02))
        b.hold(self.u(0.5, 2.0))
        self.x.at(b.t_s, self.x.x_m)

    def _lower_touch_and_go(self, drop: float) -> None:
        """Lower fast, touch the floor at speed, bounce 1-2.5 cm, settle."""
        b = self.b
        start = b.t_s
        p, alpha, rho = self.u(0.4, 0.6), self.u(0.5, 1.5), self.u(0.5, 0.8)
        duration, contact_s = self.u(0.5, 0.9), self.u(0.02, 0.04)
        shape = Shape(((0.0, 0.0, 0.0, alpha / p), (p, 1.0, 0.0, 0.0), (1.0, rho, 0.0, 0.0)))
        # displacement: V T integral + rho V contact_s / 2 = -drop
        peak = -drop / (duration * shape.integral() + rho * contact_s / 2.0)
        shaped_move(b, peak * duration * shape.integral(), duration, shape)
        impact = -b.v_m_s
        b.exit_accel(impact / contact_s)
        contact = b.add(contact_s, 0.0, a_left=impact / contact_s)
        self.ghosts.append(GhostPlan("lowering", start, b.knot_time(contact)))
        # a bounce slower than 0.6 x the impact speed (rebound w, height w contact_s / 2 + w^2 / 2g)
        rebound_max = 0.6 * impact
        height_max = rebound_max * contact_s / 2.0 + rebound_max**2 / (2.0 * G_M_S2)
        height = min(self.u(0.01, 0.025), height_max)
        ((rise_start, landing),) = bounce_on_floor(
            b, PLATE_RADIUS_M, contact_s=contact_s, bounce_heights_m=(height,)
        )
        self.ghosts.append(GhostPlan("bounce", b.knot_time(rise_start), b.knot_time(landing)))


def _pose(rng: np.random.Generator, ranges: tuple[tuple[float, float], ...]) -> tuple[float, float, float]:
    hip, knee, ankle = (float(rng.uniform(lo, hi)) for lo, hi in ranges)
    return hip, knee, ankle
