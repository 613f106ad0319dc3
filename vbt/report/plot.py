"""The picture of one set: bar velocity with every rep, bar height, and the lifter's joint angles.

``plot_set`` draws, top to bottom:

- the bar's vertical velocity over time, each rep shaded (grey when it counted, red when it failed),
  its mean velocity in a badge coloured by velocity zone, its peak velocity marked;
- the bar's height;
- when joints were tracked: hip, knee and ankle angles. For the Olympic lifts this is one small panel
  per pull, centred on the bar's peak velocity, with each joint's peak extension marked (the triple
  extension); for the other lifts one panel over the whole set.

A header gives the set summary (reps, best velocity, velocity loss). Works for any ``SetAnalysis``,
from a video or from a track CSV. matplotlib is imported inside the function (Agg canvas, no pyplot),
so importing this module costs nothing.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from vbt.analysis import SetAnalysis
from vbt.errors import InputError
from vbt.kinematics.extension import EXTENSION_JOINTS, anatomical_angles_deg, joint_angles_deg
from vbt.kinematics.summary import shown_best_and_loss, shown_velocity_m_s
from vbt.lifts import velocity_kind
from vbt.report import style
from vbt.types import JOINT_NAMES, FloatArray, RepMetrics, RepStatus

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: At most this many per-pull angle panels in a row.
_PULLS_PER_ROW = 5
#: Half-width of a per-pull angle panel around the bar's peak velocity, seconds.
_PULL_WINDOW_S = (-0.9, 0.5)
_DPI = 150
_WIDTH_IN = 9.0


def plot_set(
    analysis: SetAnalysis,
    out_path: str | Path,
    *,
    title: str | None = None,
    truth: dict[str, Any] | None = None,
) -> None:
    """Draw a set's velocity, bar height and joint angles to an image file (PNG, or SVG/PDF by suffix).

    Parameters:
        analysis: The analysed set.
        out_path: Where to write; the format follows the suffix (``.png`` is 1350 px wide).
        title: The heading; default the lift and load ("Power clean · 80 kg").
        truth: Synthetic truth (``SynthSet.truth``): each true rep's boundaries and peak velocity are drawn
            thin and dashed beside the measured ones.

    Raises:
        InputError: The file cannot be written (no such folder, no permission, unknown image format).
    """
    from matplotlib.figure import Figure

    k = analysis.kinematics
    angles = anatomical_angles_deg(joint_angles_deg(*(k.joint(name) for name in JOINT_NAMES)))
    has_angles = any(np.isfinite(angles[j]).any() for j in EXTENSION_JOINTS)
    pulls = [r for r in analysis.reps if r.triple_extension is not None] if analysis.lift.is_olympic else []
    per_pull = has_angles and bool(pulls)
    pull_rows = math.ceil(len(pulls) / _PULLS_PER_ROW) if per_pull else 0

    columns = max(min(len(pulls), _PULLS_PER_ROW), 3)
    legend_in = 0.45 if per_pull else 0.0
    heights = [3.0, 1.7] + ([2.2] * pull_rows if per_pull else [2.3] if has_angles else [])
    total_in = sum(heights) + 1.75 + legend_in
    fig = Figure(figsize=(_WIDTH_IN, total_in), dpi=_DPI, facecolor=style.WHITE)
    grid = fig.add_gridspec(
        len(heights), 1, height_ratios=heights, hspace=0.45, top=1 - 1.5 / total_in,
        bottom=(0.55 + legend_in) / total_in, left=0.1, right=0.97,
    )  # fmt: skip
    ax_v = fig.add_subplot(grid[0])
    ax_h = fig.add_subplot(grid[1], sharex=ax_v)
    for ax in (ax_v, ax_h):
        _tidy(ax)
    ax_v.tick_params(labelbottom=False)

    _velocity_panel(ax_v, analysis, truth)
    _height_panel(ax_h, analysis)
    ax_h.set_xlim(float(k.t_s[0]), float(k.t_s[-1]))
    if per_pull:
        first: Axes | None = None  # every pull on the same angle scale
        for row in range(pull_rows):
            chunk = pulls[row * _PULLS_PER_ROW : (row + 1) * _PULLS_PER_ROW]
            cells = grid[2 + row].subgridspec(1, columns, wspace=0.12)
            for n, rep in enumerate(chunk):
                ax = fig.add_subplot(cells[n], sharey=first)
                _tidy(ax)
                _pull_panel(ax, analysis, rep, angles, show_ylabel=n == 0)
                first = first or ax
                if n:
                    ax.tick_params(labelleft=False)
        fig.legend(
            handles=_angle_handles(with_peak_velocity=True), loc="lower center",
            bbox_to_anchor=(0.5, 0.15 / total_in), ncols=4, fontsize=9, frameon=False,
        )  # fmt: skip
    elif has_angles:
        ax_h.tick_params(labelbottom=False)
        ax_a = fig.add_subplot(grid[2], sharex=ax_v)
        _tidy(ax_a)
        _angles_panel(ax_a, analysis, angles)
        ax_a.set_xlabel("time (s)")
    if not has_angles or per_pull:
        ax_h.set_xlabel("time (s)")

    _header(fig, analysis, title, truth=bool(truth))
    _save(fig, Path(out_path))


def _tidy(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(style.MUTED)
    ax.tick_params(colors=style.INK, labelsize=9, length=3)
    ax.yaxis.label.set_color(style.INK)
    ax.xaxis.label.set_color(style.INK)
    ax.grid(axis="y", color="#e9ecef", linewidth=0.8)
    ax.set_axisbelow(True)


def _lift_name(analysis: SetAnalysis) -> str:
    name = analysis.lift.value.replace("_", " ").capitalize()
    if analysis.load_kg is not None:
        name += f" · {analysis.load_kg:g} kg"
    return name


def _header(fig: Figure, analysis: SetAnalysis, title: str | None, *, truth: bool) -> None:
    fig.text(
        0.035, 1 - 0.28 / fig.get_figheight(), title or _lift_name(analysis),
        fontsize=16, fontweight="bold", color=style.INK, va="top",
    )  # fmt: skip
    fig.text(
        0.035, 1 - 0.68 / fig.get_figheight(), summary_line(analysis),
        fontsize=11, color=style.INK, va="top",
    )  # fmt: skip
    kind = velocity_kind(analysis.lift).value
    key = f"badge: the rep's {kind} velocity, coloured by its zone (legend below), red: failed  ·  ○ peak velocity"
    if any(r.status is RepStatus.SUSPECT for r in analysis.reps):
        key += "  ·  hatched, grey ?: suspect (not counted)"
    fig.text(
        0.035, 1 - 0.98 / fig.get_figheight(), key + ("  ·  dotted, ◇: synthetic truth" if truth else ""),
        fontsize=8.5, color=style.MUTED, va="top",
    )  # fmt: skip
    quality = analysis.quality
    verdict = f"quality: {quality.verdict.value}"
    if quality.reasons:
        reasons = len(quality.reasons)
        verdict += f" ({reasons} reason{'s' if reasons > 1 else ''}: see the report)"
    fig.text(
        0.965, 1 - 0.28 / fig.get_figheight(), verdict, ha="right", fontsize=11, fontweight="bold",
        color=style.VERDICT_COLOURS[quality.verdict.value], va="top",
    )  # fmt: skip


def summary_line(analysis: SetAnalysis) -> str:
    """One line for a set: reps, best velocity and velocity loss, on the lift's one velocity (peak for
    the Olympic pulls and the jerk, mean for the rest: `vbt.lifts.velocity_kind`)."""
    s = analysis.summary
    noun = "pull" if analysis.lift.is_olympic else "rep"
    kind = velocity_kind(analysis.lift).value
    parts = []
    if s.rep_count:
        best, loss = shown_best_and_loss(s, analysis.lift)
        parts.append(f"{s.rep_count} {noun}{'s' if s.rep_count != 1 else ''}")
        parts.append(f"best {best:.2f} m/s {kind}")
        if math.isfinite(loss) and s.rep_count > 1:
            parts.append(f"{kind} velocity loss {loss:.0f} %")
    else:
        parts.append(f"no {noun} found")
    if s.failed_rep_count:
        parts.append(f"{s.failed_rep_count} failed")
    if s.suspect_rep_count:
        parts.append(f"{s.suspect_rep_count} suspect")
    return "  ·  ".join(parts)


def _shade_reps(ax: Axes, reps: list[RepMetrics]) -> None:
    for rep in reps:
        if rep.status is RepStatus.SUSPECT:  # hatched: its numbers are not to be trusted
            ax.axvspan(
                rep.start_s, rep.end_s, facecolor=style.LIGHT, edgecolor=style.SUSPECT,
                hatch=style.SUSPECT_HATCH, zorder=0, lw=0,
            )  # fmt: skip
            continue
        failed = rep.status is RepStatus.FAILED
        ax.axvspan(
            rep.start_s, rep.end_s, color=style.FAILED_LIGHT if failed else style.LIGHT, zorder=0, lw=0
        )


def _peak_time_s(rep: RepMetrics) -> float:
    return rep.start_s + rep.time_to_peak_velocity_s


def _velocity_panel(ax: Axes, analysis: SetAnalysis, truth: dict[str, Any] | None) -> None:
    k = analysis.kinematics
    v = k.bar_velocity_m_s[:, 1]
    _shade_reps(ax, analysis.reps)
    ax.axhline(0.0, color=style.MUTED, linewidth=0.8, zorder=1)
    ax.plot(k.t_s, v, color=style.BAR, linewidth=1.6, zorder=3)
    top = float(np.nanmax(v)) if np.isfinite(v).any() else 1.0
    bottom = float(np.nanmin(v)) if np.isfinite(v).any() else -1.0
    top = max(top, 0.3)
    if analysis.lift.is_olympic:
        bottom = max(bottom, -0.6 * top)  # the drop after the catch says nothing about the pull
    ax.set_ylim(min(bottom * 1.08, -0.1), top * 1.18)
    ax.set_ylabel("bar velocity, up (m/s)")
    badge_at = ax.get_xaxis_transform()
    for rep in analysis.reps:
        failed = rep.status is RepStatus.FAILED
        suspect = rep.status is RepStatus.SUSPECT
        shown = shown_velocity_m_s(rep, analysis.lift)
        colour = style.rep_colour(shown, lift=analysis.lift, failed=failed, suspect=suspect)
        mid = 0.5 * (rep.start_s + rep.end_s)
        text = "failed" if failed else _fmt(shown) + ("?" if suspect else "")
        ax.text(
            mid, 1.04, text, ha="center", va="bottom", fontsize=10, fontweight="bold",
            color=style.text_on(colour), zorder=5, transform=badge_at, clip_on=False,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": colour, "edgecolor": "none"},
        )  # fmt: skip
        if math.isfinite(rep.peak_velocity_m_s):
            t_peak = _peak_time_s(rep)
            ax.plot(
                t_peak, rep.peak_velocity_m_s, "o", ms=5.5, mfc=style.WHITE, mec=style.INK, mew=1.2, zorder=4
            )
            ax.annotate(
                _fmt(rep.peak_velocity_m_s), (t_peak, rep.peak_velocity_m_s), xytext=(5, 2),
                textcoords="offset points", fontsize=8, color=style.INK, zorder=5,
            )  # fmt: skip
    if truth:
        _truth_marks(ax, truth)
    _zone_legend(ax, analysis)


def _zone_legend(ax: Axes, analysis: SetAnalysis) -> None:
    """What the badges' colours mean: the lift's zones (failed and suspect are in the header's key)."""
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=e.colour, label=f"{e.name} {e.span}") for e in style.legend(analysis.lift)]
    ax.legend(
        handles=handles, title=style.legend_title(analysis.lift), loc="upper center",
        bbox_to_anchor=(0.5, -0.03), ncols=max(len(handles), 1), fontsize=7, title_fontsize=7.5,
        frameon=False, handlelength=1.0, columnspacing=1.0, handletextpad=0.4,    )  # fmt: skip


def _truth_marks(ax: Axes, truth: dict[str, Any]) -> None:
    for rep in truth.get("reps", []):
        for key in ("start_s", "end_s"):
            if rep.get(key) is not None:
                ax.axvline(rep[key], color=style.TRUTH, lw=0.9, ls=(0, (2, 2)), zorder=2)
        peak, ttp = rep.get("peak_velocity_m_s"), rep.get("time_to_peak_velocity_s")
        if peak is not None and ttp is not None and rep.get("start_s") is not None:
            ax.plot(rep["start_s"] + ttp, peak, "D", ms=5, mfc="none", mec=style.TRUTH, mew=1.0, zorder=4)


def _height_panel(ax: Axes, analysis: SetAnalysis) -> None:
    k = analysis.kinematics
    _shade_reps(ax, analysis.reps)
    y = k.bar_xy_m[:, 1]
    lowest = float(np.nanmin(y)) if np.isfinite(y).any() else 0.0
    ax.plot(k.t_s, y - lowest, color=style.BAR, linewidth=1.6, zorder=3)
    ax.set_ylabel("bar height above\nits lowest (m)")


def _angle_lines(ax: Axes, t_s: FloatArray, angles: dict[str, FloatArray], *, labels: bool) -> None:
    for joint in EXTENSION_JOINTS:
        ax.plot(
            t_s, angles[joint], color=style.JOINT_COLOURS[joint], linewidth=1.5,
            label=joint if labels else None, zorder=3,
        )  # fmt: skip


def _angles_panel(ax: Axes, analysis: SetAnalysis, angles: dict[str, FloatArray]) -> None:
    k = analysis.kinematics
    _shade_reps(ax, analysis.reps)
    _angle_lines(ax, k.t_s, angles, labels=True)
    for rep in analysis.reps:
        if math.isfinite(rep.peak_velocity_m_s):
            ax.axvline(_peak_time_s(rep), color=style.INK, lw=0.9, ls=(0, (4, 3)), alpha=0.6, zorder=2)
    ax.set_ylabel("joint angle (°)")
    _angle_legend(ax, with_peak_velocity=bool(analysis.reps))


def _angle_handles(*, with_peak_velocity: bool) -> list[Artist]:
    from matplotlib.lines import Line2D

    handles: list[Artist] = [
        Line2D([], [], color=style.JOINT_COLOURS[j], lw=1.8, label=j) for j in EXTENSION_JOINTS
    ]
    if with_peak_velocity:
        handles.append(Line2D([], [], color=style.INK, lw=0.9, ls=(0, (4, 3)), label="bar peak velocity"))
    return handles


def _angle_legend(ax: Axes, *, with_peak_velocity: bool) -> None:
    handles = _angle_handles(with_peak_velocity=with_peak_velocity)
    ax.legend(
        handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=len(handles),
        fontsize=8, frameon=False, borderaxespad=0.2, handlelength=1.6, columnspacing=1.2,
    )  # fmt: skip


def _pull_panel(
    ax: Axes, analysis: SetAnalysis, rep: RepMetrics, angles: dict[str, FloatArray], *, show_ylabel: bool
) -> None:
    te = rep.triple_extension
    assert te is not None
    k = analysis.kinematics
    t0 = _peak_time_s(rep)
    t_rel = k.t_s - t0
    window = (t_rel >= _PULL_WINDOW_S[0]) & (t_rel <= _PULL_WINDOW_S[1])
    _angle_lines(ax, t_rel[window], {j: angles[j][window] for j in EXTENSION_JOINTS}, labels=False)
    ax.axvline(0.0, color=style.INK, lw=0.9, ls=(0, (4, 3)), alpha=0.6, zorder=2)
    peaks = {
        "hip": (te.hip_peak_s, te.hip_peak_deg),
        "knee": (te.knee_peak_s, te.knee_peak_deg),
        "ankle": (te.ankle_peak_s, te.ankle_peak_deg),
    }
    for joint, (t_s, deg) in peaks.items():
        if math.isfinite(t_s) and math.isfinite(deg):
            ax.plot(
                t_s - t0, deg, "o", ms=6, mfc=style.JOINT_COLOURS[joint], mec=style.WHITE, mew=1.2, zorder=5
            )
    ax.set_xlim(*_PULL_WINDOW_S)
    ax.set_xticks([-0.8, -0.4, 0.0, 0.4])
    verdict = {True: "complete", False: "incomplete", None: "not all joints seen"}[te.complete]
    colour = {True: style.INK, False: style.FAILED, None: style.SUSPECT}[te.complete]
    ax.set_title(
        f"rep {rep.index} · {verdict}", fontsize=9, color=colour, loc="left", pad=3,
        fontweight="bold",
    )  # fmt: skip
    ax.set_xlabel("s from peak velocity", fontsize=8, color=style.MUTED)
    if show_ylabel:
        ax.set_ylabel("joint angle (°)")


def _fmt(value: float) -> str:
    return f"{value:.2f}" if math.isfinite(value) else "–"


def _save(fig: Figure, path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    try:
        fig.savefig(path, dpi=_DPI, facecolor=style.WHITE)
    except OSError as exc:
        raise InputError(
            f"cannot write the plot {path}: {exc.strerror or exc}; check the folder exists and is writable"
        ) from None
    except ValueError as exc:
        raise InputError(
            f"cannot write the plot {path}: {exc}. Use a .png, .svg or .pdf file name."
        ) from None
