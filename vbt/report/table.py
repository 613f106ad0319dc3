"""A readable table of a set's reps for the terminal."""

from __future__ import annotations

import math

from vbt.analysis import SetAnalysis
from vbt.kinematics.summary import shown_best_and_loss, shown_velocity_m_s
from vbt.lifts import VelocityKind, velocity_kind
from vbt.report import style
from vbt.types import Lift, RepMetrics, RepStatus


def _cell(value: float, digits: int = 2) -> str:
    return "-" if not math.isfinite(value) else f"{value:.{digits}f}"


def _cell_sd(value: float, sd_value: float) -> str:
    """A value with its standard deviation ("2.65 ± 0.08"), the value alone without one."""
    return _cell(value) + (f" ± {sd_value:.2f}" if math.isfinite(value) and math.isfinite(sd_value) else "")


def format_table(analysis: SetAnalysis, *, title: str) -> str:
    """Reps as rows (time, status, velocities, range, and for Olympic lifts heights and extension);
    the peak velocity with its standard deviation from the track's noise (`vbt.kinematics.noise`)."""
    olympic = analysis.lift.is_olympic
    columns = ["rep", "start s", "status", "mean m/s", "MPV m/s", "peak m/s", "t-peak s", "ROM m", "dur s"]
    # the lift's one velocity (`vbt.lifts.velocity_kind`) is marked, and its zone named
    shown = columns.index(f"{velocity_kind(analysis.lift).value} m/s")
    columns[shown] += " *"
    columns.insert(shown + 1, "zone")
    if analysis.load_kg is not None:
        columns += ["power W"]
    if olympic:
        columns += ["peak h m", "catch h m", "extension"]
    rows = [columns] + [_row(r, analysis, olympic) for r in analysis.reps]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    lines = [title, ""]
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    s = analysis.summary
    lines.append("")
    suspect = f", {s.suspect_rep_count} suspect (not counted)" if s.suspect_rep_count else ""
    kind = velocity_kind(analysis.lift).value
    if s.rep_count:
        best, loss = shown_best_and_loss(s, analysis.lift)
        from_first = (
            f", {_cell(s.velocity_loss_from_first_pct, 1)} % from the first" if kind == "mean" else ""
        )
        lines.append(
            f"{s.rep_count} rep(s), {s.failed_rep_count} failed{suspect}; best {kind} velocity "
            f"{_cell(best)} m/s; {kind} velocity loss {_cell(loss, 1)} % from the best rep{from_first}"
        )
    else:
        lines.append(f"no successful rep; {s.failed_rep_count} failed{suspect}")
    lines.append(
        f"* the velocity shown and lost for the {analysis.lift.label}: {kind} "
        + ("(the catch blurs the mean)" if kind == "peak" else "(concentric)")
        + f"; zones: {style.legend_title(analysis.lift)}"
    )
    lines += quality_lines(analysis)
    lines += [f"note: {w}" for w in analysis.warnings]
    return "\n".join(lines)


def quality_lines(analysis: SetAnalysis) -> list[str]:
    """The verdict and why: the set's reasons (each rep's included), then what to know."""
    quality = analysis.quality
    lines = [f"quality: {quality.verdict.value.upper()}" + (":" if quality.reasons else "")]
    lines += [f"  - {reason}" for reason in quality.reasons]
    lines += [f"note: {note}" for note in quality.notes]
    return lines


def _zone(rep: RepMetrics, lift: Lift) -> str:
    """The rep's zone (the zones of `vbt.report.style`, the plot's and the pages'), "-" for none."""
    band = style.zone_for(shown_velocity_m_s(rep, lift), lift) if rep.status is RepStatus.OK else None
    return style.zone_name(band.zone) if band is not None else "-"


def _row(rep: RepMetrics, analysis: SetAnalysis, olympic: bool) -> list[str]:
    row = [
        str(rep.index),
        _cell(rep.start_s),
        rep.status.value,
        _cell(rep.mean_velocity_m_s),
        _cell(rep.mean_propulsive_velocity_m_s),
        _cell_sd(rep.peak_velocity_m_s, rep.peak_velocity_sd_m_s),
        _cell(rep.time_to_peak_velocity_s),
        _cell(rep.range_of_motion_m),
        _cell(rep.duration_s),
    ]
    shown = 5 if velocity_kind(analysis.lift) is VelocityKind.PEAK else 3
    row.insert(shown + 1, _zone(rep, analysis.lift))
    if analysis.load_kg is not None:
        row.append(_cell(rep.mean_power_w, 0))
    if olympic:
        te = rep.triple_extension
        if te is None:
            extension = "-"
        else:
            verdict = {True: "complete", False: "incomplete", None: "partly seen"}[te.complete]
            extension = verdict + " " + ">".join(te.order)
        row += [_cell(rep.peak_height_m), _cell(rep.catch_height_m), extension]
    return row
