"""The bar's vertical motion, built knot by knot as a velocity profile.

`VelocityBuilder` appends knots ``(t, v, a_left, a_right)``; each segment between two knots is the cubic
Hermite with those end velocities and accelerations, checked monotone when it is added. The position is
the exact antiderivative. The move helpers below append standard shapes and solve their peak velocity so
that the displacement is the one asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import PPoly

from vbt.synth.hermite import hermite_ppoly, is_monotone, monotone_ppoly, segment_integral
from vbt.types import FloatArray

#: Standard gravity, m/s^2 (the propulsive phase ends where the bar decelerates faster than this).
G_M_S2 = 9.80665


@dataclass(frozen=True, eq=False)
class BarMotion:
    """Exact vertical and horizontal bar motion.

    Attributes:
        knot_t_s: (K,) knot times of the velocity profile.
        knot_v_m_s: (K,) vertical velocity at the knots (exact, as constructed).
        knot_a_left_m_s2, knot_a_right_m_s2: (K,) acceleration just left / right of each knot.
        vy: vertical velocity, m/s, a piecewise cubic on ``knot_t_s``.
        y: vertical position, m, the antiderivative of ``vy`` plus the start height.
        x: horizontal position, m, monotone between its own knots ``x_knot_t_s``.
        x_knot_t_s, x_knot_m: (L,) knots of ``x``.
        toe_x: the lifter's toe x position, m (moves only during a walk-out or re-rack).
    """

    knot_t_s: FloatArray
    knot_v_m_s: FloatArray
    knot_a_left_m_s2: FloatArray
    knot_a_right_m_s2: FloatArray
    vy: PPoly
    y: PPoly
    x: PPoly
    x_knot_t_s: FloatArray
    x_knot_m: FloatArray
    toe_x: PPoly

    @property
    def duration_s(self) -> float:
        return float(self.knot_t_s[-1] - self.knot_t_s[0])


class VelocityBuilder:
    """Appends velocity knots; tracks the height at each knot while building.

    The profile starts at rest at ``t0_s`` with height ``y0_m``.
    """

    def __init__(self, *, y0_m: float, t0_s: float = 0.0) -> None:
        self._t = [t0_s]
        self._v = [0.0]
        self._al = [0.0]
        self._ar = [0.0]
        self._y = [y0_m]

    @property
    def index(self) -> int:
        """Index of the last knot."""
        return len(self._t) - 1

    @property
    def t_s(self) -> float:
        return self._t[-1]

    @property
    def v_m_s(self) -> float:
        return self._v[-1]

    @property
    def y_m(self) -> float:
        return self._y[-1]

    def knot_time(self, index: int) -> float:
        return self._t[index]

    def knot_height(self, index: int) -> float:
        return self._y[index]

    def exit_accel(self, a_m_s2: float) -> None:
        """Set the acceleration just right of the last knot (the start of the next segment)."""
        self._ar[-1] = a_m_s2

    def add(self, dt_s: float, v_m_s: float, *, a_left: float, a_right: float = 0.0) -> int:
        """Append a knot ``dt_s`` after the last one; returns its index.

        Raises `RuntimeError` if the new segment is not monotone (a construction bug).
        """
        if not dt_s > 0.0 or not math.isfinite(dt_s):
            raise RuntimeError(f"internal error: segment duration must be > 0, got {dt_s}")
        args = (dt_s, self._v[-1], v_m_s, self._ar[-1], a_left)
        if not is_monotone(*args):
            raise RuntimeError(
                f"internal error: velocity segment at t={self._t[-1]:.6f} s is not monotone "
                f"(v {self._v[-1]:.6g} -> {v_m_s:.6g} in {dt_s:.6g} s, "
                f"a {self._ar[-1]:.6g} -> {a_left:.6g})"
            )
        self._y.append(self._y[-1] + segment_integral(*args))
        self._t.append(self._t[-1] + dt_s)
        self._v.append(v_m_s)
        self._al.append(a_left)
        self._ar.append(a_right)
        return self.index

    def hold(self, dt_s: float) -> int:
        """Stay at rest for ``dt_s`` (the bar must be at rest with zero exit acceleration)."""
        self.exit_accel(0.0)
        return self.add(dt_s, 0.0, a_left=0.0)

    def build(self, x_path: XPath) -> BarMotion:
        """Assemble the exact motion; the x path is clamped to the same time span."""
        t = np.asarray(self._t)
        v = np.asarray(self._v)
        al = np.asarray(self._al)
        ar = np.asarray(self._ar)
        vy = hermite_ppoly(t, v, al, ar)
        y = vy.antiderivative()
        y.c[-1, :] += self._y[0]
        y.extrapolate = False
        xt, xv, toe = x_path.knots(t0_s=float(t[0]), t1_s=float(t[-1]))
        return BarMotion(
            knot_t_s=t,
            knot_v_m_s=v,
            knot_a_left_m_s2=al,
            knot_a_right_m_s2=ar,
            vy=vy,
            y=y,
            x=monotone_ppoly(xt, xv),
            x_knot_t_s=xt,
            x_knot_m=xv,
            toe_x=monotone_ppoly(xt, toe),
        )


class XPath:
    """Knots of the bar's horizontal position and of the lifter's toe x, added in time order."""

    def __init__(self, *, x0_m: float, toe0_m: float) -> None:
        self._t: list[float] = [0.0]
        self._x: list[float] = [x0_m]
        self._toe: list[float] = [toe0_m]

    @property
    def x_m(self) -> float:
        return self._x[-1]

    @property
    def toe_m(self) -> float:
        return self._toe[-1]

    def at(self, t_s: float, x_m: float, *, toe_m: float | None = None) -> None:
        """Put the bar at ``x_m`` at time ``t_s`` (and the toe at ``toe_m``, default unchanged).

        A knot at the same time as the previous one replaces it.
        """
        toe = self._toe[-1] if toe_m is None else toe_m
        if t_s <= self._t[-1] + 1e-9:
            if t_s < self._t[-1] - 1e-9:
                raise RuntimeError(f"internal error: x knot at {t_s} s before {self._t[-1]} s")
            self._x[-1], self._toe[-1] = x_m, toe
            return
        self._t.append(t_s)
        self._x.append(x_m)
        self._toe.append(toe)

    def knots(self, *, t0_s: float, t1_s: float) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(L,) times, bar x and toe x, with knots pinned at ``t0_s`` and ``t1_s``."""
        t, x, toe = list(self._t), list(self._x), list(self._toe)
        t[0] = t0_s
        if t1_s > t[-1] + 1e-9:
            t.append(t1_s)
            x.append(x[-1])
            toe.append(toe[-1])
        else:
            t[-1] = t1_s
        return np.asarray(t), np.asarray(x), np.asarray(toe)


# --- shapes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """A movement's velocity profile in normalised units, for an upward movement.

    Knots ``(tau, nu, alpha_left, alpha_right)``: time in units of the duration T, velocity in units of
    the peak V, acceleration in units of V/T. The first knot is ``(0, 0, ., alpha_right)`` (the current
    knot of the builder, at rest), the last has ``tau = 1``. A downward movement uses the same shape
    with a negative displacement (V < 0 flips every velocity and acceleration).
    """

    knots: tuple[tuple[float, float, float, float], ...]

    def integral(self) -> float:
        """Displacement of the normalised shape (so the real one is ``V * T * integral``)."""
        total = 0.0
        for (t0, v0, _, a0), (t1, v1, a1, _) in zip(self.knots[:-1], self.knots[1:], strict=True):
            total += segment_integral(t1 - t0, v0, v1, a0, a1)
        return total


def rest_to_rest(*, peak_frac: float, start_alpha: float, end_beta: float) -> Shape:
    """Rest, one velocity peak at ``peak_frac`` of the duration, rest.

    ``start_alpha`` in [0, 3]: acceleration when leaving rest, relative to the secant of the first half
    (0 = leaves rest with zero acceleration). ``end_beta`` in [0, 3]: deceleration when arriving, relative
    to the secant of the second half (> 0: a finite, non-zero deceleration at the end).
    """
    p = peak_frac
    return Shape(
        (
            (0.0, 0.0, 0.0, start_alpha / p),
            (p, 1.0, 0.0, 0.0),
            (1.0, 0.0, -end_beta / (1.0 - p), 0.0),
        )
    )


def sticking_concentric(
    *,
    peak_frac: float,
    dip_frac: float,
    second_frac: float,
    dip_velocity: float,
    second_velocity: float,
    start_alpha: float,
    end_beta: float,
) -> Shape:
    """A heavy concentric: first peak, a sticking-region dip, a lower second peak, then lockout.

    Velocities are relative to the first peak (``dip_velocity < second_velocity < 1``).
    """
    p, q, r = peak_frac, dip_frac, second_frac
    return Shape(
        (
            (0.0, 0.0, 0.0, start_alpha / p),
            (p, 1.0, 0.0, 0.0),
            (q, dip_velocity, 0.0, 0.0),
            (r, second_velocity, 0.0, 0.0),
            (1.0, 0.0, -end_beta * second_velocity / (1.0 - r), 0.0),
        )
    )


def shaped_move(
    builder: VelocityBuilder, displacement_m: float, duration_s: float, shape: Shape
) -> list[int]:
    """Append a movement of the given shape from rest; returns the knot indices (first = current).

    The peak velocity is solved so that the displacement is exactly ``displacement_m`` (up to round-off).
    """
    if builder.v_m_s != 0.0:
        raise RuntimeError("internal error: a shaped move starts from rest")
    peak = displacement_m / (duration_s * shape.integral())
    accel_unit = peak / duration_s
    builder.exit_accel(shape.knots[0][3] * accel_unit)
    indices = [builder.index]
    for (t0, _, _, _), (t1, v1, a_left, a_right) in zip(shape.knots[:-1], shape.knots[1:], strict=True):
        last = t1 == 1.0
        indices.append(
            builder.add(
                (t1 - t0) * duration_s,
                v1 * peak,
                a_left=a_left * accel_unit,
                a_right=0.0 if last else a_right * accel_unit,
            )
        )
    return indices


def solve_positive_quadratic(a: float, b: float, c: float) -> float:
    """The positive root of ``a u^2 + b u + c = 0`` (a > 0, c < 0 guarantees one)."""
    if a == 0.0:
        return -c / b
    disc = b * b - 4.0 * a * c
    return (-b + math.sqrt(disc)) / (2.0 * a) if b <= 0 else (-2.0 * c) / (b + math.sqrt(disc))


def fall_to_floor(
    builder: VelocityBuilder,
    floor_m: float,
    *,
    contact_s: float,
    fall_accel_m_s2: float = G_M_S2,
) -> int:
    """Let the bar fall freely onto the floor (bumper plates) and stop on it; returns the contact knot.

    The builder's last knot must have v <= 0 (at rest, or already falling); the fall starts with
    acceleration ``-fall_accel_m_s2``. The contact decelerates the bar linearly to v = 0 exactly at
    ``floor_m`` over ``contact_s``. The exit acceleration of the contact knot is left at 0 (at rest).
    """
    g = fall_accel_m_s2
    down_speed = -builder.v_m_s
    drop = builder.y_m - floor_m
    builder.exit_accel(-g)
    # free fall from down_speed to u, then a linear stop over contact_s:
    # (u^2 - down_speed^2) / (2 g) + u contact_s / 2 = drop
    impact = solve_positive_quadratic(1.0 / (2.0 * g), contact_s / 2.0, -(drop + down_speed**2 / (2.0 * g)))
    stop = impact / contact_s
    builder.add((impact - down_speed) / g, -impact, a_left=-g, a_right=stop)
    return builder.add(contact_s, 0.0, a_left=stop)


def bounce_on_floor(
    builder: VelocityBuilder,
    floor_m: float,
    *,
    contact_s: float,
    bounce_heights_m: tuple[float, ...],
) -> list[tuple[int, int]]:
    """Bounces of a bar that has just stopped on the floor (v = 0 at a contact knot).

    Each bounce rebounds linearly over ``contact_s`` to a speed w, rises and falls ballistically
    (``w contact_s / 2 + w^2 / (2 g)`` = the bounce height) and stops again on the floor.

    Returns:
        ``(rise_start_index, landing_index)`` per bounce.
    """
    g = G_M_S2
    bounces: list[tuple[int, int]] = []
    for height in bounce_heights_m:
        start = builder.index
        rebound = solve_positive_quadratic(1.0 / (2.0 * g), contact_s / 2.0, -height)
        builder.exit_accel(rebound / contact_s)
        builder.add(contact_s, rebound, a_left=rebound / contact_s, a_right=-g)
        builder.add(rebound / g, 0.0, a_left=-g, a_right=-g)
        bounces.append((start, fall_to_floor(builder, floor_m, contact_s=contact_s)))
    builder.exit_accel(0.0)
    return bounces
