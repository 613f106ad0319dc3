"""What is drawn on each frame of the annotated video: bar path, skeleton, velocity, reps.

``SetAnnotator`` takes a set's pixel track and its analysis once, then draws onto one frame at a time
through ``annotate(image, t_s)``: it holds no frames, so a video of any length is annotated in
constant memory. Frames are matched to track samples by time, never by index.

Drawn, with colours from ``vbt.report.style``:

- the bar path of the last ``trail_s`` seconds, each stretch coloured by the bar's speed there (the
  colour of its zone in the lift's zones, `vbt.report.style`), broken across gaps in the track;
- the skeleton of the side facing the camera (shoulder-hip-knee-ankle-toe), hip, knee and ankle in
  the plot's joint colours;
- top left, the bar's vertical velocity now (from the analysis's smoothed series), with its direction;
- top right, the rep counter and each finished rep's velocity (the lift's one velocity: peak for the
  Olympic pulls and the jerk, mean for the rest), with the velocity loss so far on it;
- below the readout, the legend of the zones' colours;
- bottom, each rep's velocity as it finishes (and the other velocity), large and coloured by its zone (red
  "FAILED" for a failed rep; grey with "?" and "SUSPECT: not counted" for a rep whose numbers are not
  to be trusted), for ``banner_s`` seconds or until the next rep finishes;
- bottom left, a scale bar when a calibration is given (a check that metres per pixel is right).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from vbt.analysis import SetAnalysis
from vbt.calibration import Calibration
from vbt.kinematics.summary import rep_velocity_m_s, shown_velocity_m_s
from vbt.lifts import VelocityKind, velocity_kind
from vbt.report import style
from vbt.report.draw import Image, Text, darken, draw_paths, draw_skeleton
from vbt.types import JOINT_NAMES, BoolArray, FloatArray, Lift, RepMetrics, RepStatus

_WHITE = style.hex_to_bgr(style.WHITE)
_SHADOW = style.hex_to_bgr(style.SHADOW)
_MUTED = style.hex_to_bgr(style.PALE)
#: Each joint's dot, in ``JOINT_NAMES`` order: the plot's joint colours, white for the others.
_JOINT_FILLS = tuple(style.hex_to_bgr(style.JOINT_COLOURS.get(name, style.WHITE)) for name in JOINT_NAMES)
#: Round lengths a scale bar may show, metres.
_SCALE_LENGTHS_M = (0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0)


def _rep_colour(rep: RepMetrics, lift: Lift) -> tuple[int, int, int]:
    """BGR of a rep: grey when suspect, red when failed, else its zone's (on the lift's velocity)."""
    return style.hex_to_bgr(
        style.rep_colour(
            shown_velocity_m_s(rep, lift),
            lift=lift,
            failed=rep.status is RepStatus.FAILED,
            suspect=rep.status is RepStatus.SUSPECT,
        )
    )


class PixelTrackLike(Protocol):
    """The per-frame positions the video is annotated with (the capture pipeline's ``PixelTrack``).

    Attributes:
        t_s: (N,) seconds on the video's clock, increasing.
        bar_xy_px: (N, 2) bar position in image pixels (x right, y down), NaN where not seen.
        joints_xy_px: (N, J, 2) joints in ``JOINT_NAMES`` order, NaN where not seen; J may be 0.
    """

    @property
    def t_s(self) -> FloatArray: ...

    @property
    def bar_xy_px(self) -> FloatArray: ...

    @property
    def joints_xy_px(self) -> FloatArray: ...


@dataclass(frozen=True)
class OverlaySettings:
    """What the annotated video shows and for how long.

    Attributes:
        trail_s: how much of the bar path stays drawn, seconds.
        banner_s: how long a finished rep's velocities stay on screen, seconds.
        max_gap_s: the bar path is not joined across a gap in the track longer than this.
        skeleton: draw the lifter's joints.
        history_rows: at most this many finished reps listed under the counter.
        legend: draw the legend of the zones' colours under the readout.
    """

    trail_s: float = 2.5
    banner_s: float = 2.5
    max_gap_s: float = 0.25
    skeleton: bool = True
    history_rows: int = 8
    legend: bool = True


def _check_track(track: PixelTrackLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    t_s = np.asarray(track.t_s, dtype=np.float64)
    bar = np.asarray(track.bar_xy_px, dtype=np.float64)
    joints = np.asarray(track.joints_xy_px, dtype=np.float64)
    n = t_s.shape[0] if t_s.ndim == 1 else -1
    if t_s.ndim != 1 or n < 1:
        raise ValueError(f"track.t_s must have shape (N,) with N >= 1, got {t_s.shape}")
    if bar.shape != (n, 2):
        raise ValueError(f"track.bar_xy_px must have shape ({n}, 2), got {bar.shape}")
    if joints.ndim != 3 or joints.shape[0] != n or joints.shape[2] != 2:
        raise ValueError(f"track.joints_xy_px must have shape ({n}, J, 2), got {joints.shape}")
    if n > 1 and not np.all(np.diff(t_s) > 0):
        raise ValueError("track.t_s must be strictly increasing")
    return t_s, bar, joints


def banner_rep(reps: list[RepMetrics], t_s: float, *, banner_s: float) -> RepMetrics | None:
    """The rep whose banner shows at ``t_s``: the last rep ended at or before ``t_s``, for ``banner_s``."""
    ended = [r for r in reps if math.isfinite(r.end_s) and r.end_s <= t_s]
    if not ended:
        return None
    last = max(ended, key=lambda r: r.end_s)
    return last if t_s - last.end_s < banner_s else None


def scale_bar_length_m(metres_per_px: float, *, max_px: float) -> float | None:
    """The longest round length (5 cm .. 2 m) no longer than ``max_px`` pixels; None if none fits."""
    fitting = [m for m in _SCALE_LENGTHS_M if m / metres_per_px <= max_px]
    return fitting[-1] if fitting else None


class SetAnnotator:
    """Draws a set's bar path, skeleton, velocity and reps onto frames of its video.

    Parameters:
        track: The set's per-frame pixel positions (``PixelTrackLike``).
        analysis: The set's analysis; velocities shown come from its smoothed series and rep metrics.
        size_px: (width, height) of the frames to annotate; sizes of lines and text follow it.
        calibration: When given, a scale bar shows what ``metres_per_px`` makes of the image.
        settings: Durations and switches (`OverlaySettings`).

    Raises:
        ValueError: The track's arrays do not have the shapes documented on ``PixelTrackLike``.
    """

    def __init__(
        self,
        track: PixelTrackLike,
        analysis: SetAnalysis,
        *,
        size_px: tuple[int, int],
        calibration: Calibration | None = None,
        settings: OverlaySettings | None = None,
    ) -> None:
        self.settings = settings or OverlaySettings()
        self._t_s, self._bar_px, self._joints_px = _check_track(track)
        self._analysis = analysis
        self._reps = sorted(analysis.reps, key=lambda r: r.end_s)
        self._calibration = calibration
        self._width, self._height = size_px
        unit = float(min(size_px))
        self._unit = unit
        self._line_px = style.VIDEO_STROKE.width_px(unit)
        self._text = Text()
        k = analysis.kinematics
        velocity = k.bar_velocity_m_s
        self._k_t_s = k.t_s
        self._k_vy = velocity[:, 1]
        speed = np.hypot(velocity[:, 0], velocity[:, 1])
        self.speed_m_s = self._at(speed, self._t_s)
        """(N,) the bar's speed at each track sample, m/s (NaN outside the analysis or in its gaps)."""
        self._lift = analysis.lift
        self._colours = style.velocity_bgr_array(self.speed_m_s, lift=analysis.lift)
        self._boxes: dict[int, tuple[int, int, int, int]] = {}
        steps = np.diff(self._t_s)
        self._tolerance_s = 0.6 * float(np.median(steps)) if steps.size else math.inf

    def _at(self, series: FloatArray, t_s: FloatArray) -> FloatArray:
        """``series`` (on the analysis's grid) at times ``t_s``; NaN outside the grid."""
        out = np.interp(t_s, self._k_t_s, series, left=np.nan, right=np.nan)
        return np.asarray(out, dtype=np.float64)

    def sample_index(self, t_s: float) -> int | None:
        """The track sample taken at the frame time ``t_s`` (nearest, within 0.6 of a track step)."""
        i = int(np.searchsorted(self._t_s, t_s))
        best = min((j for j in (i - 1, i) if 0 <= j < self._t_s.size), key=lambda j: abs(self._t_s[j] - t_s))
        return best if abs(self._t_s[best] - t_s) <= self._tolerance_s else None

    def annotate(self, image: Image, t_s: float) -> Image:
        """Draw everything for the frame taken at ``t_s`` onto ``image`` (in place) and return it."""
        index = self.sample_index(t_s)
        self._trail(image, t_s)
        if index is not None:
            if self.settings.skeleton and self._joints_px.shape[1] == len(JOINT_NAMES):
                self._skeleton(image, self._joints_px[index])
            self._bar_marker(image, index)
        rep = banner_rep(self._reps, t_s, banner_s=self.settings.banner_s)
        box = self.banner_box(rep) if rep is not None else None
        if self._calibration is not None and (box is None or box[0] > self._width // 3):
            self._scale_bar(image, self._calibration)  # bottom left, unless the banner is there
        self._readout(image, t_s)
        if self.settings.legend:
            self._legend(image)
        self._counter(image, t_s)
        if rep is not None:
            self._banner(image, rep)
        return image

    # -- the bar and the lifter ------------------------------------------------------------------

    def _trail(self, image: Image, t_s: float) -> None:
        first = int(np.searchsorted(self._t_s, t_s - self.settings.trail_s, side="left"))
        last = int(np.searchsorted(self._t_s, t_s + 1e-9, side="right"))
        if last - first < 2:
            return
        pts = self._bar_px[first:last]
        times = self._t_s[first:last]
        ok: BoolArray = np.all(np.isfinite(pts), axis=1)
        joined = ok[:-1] & ok[1:] & (np.diff(times) <= self.settings.max_gap_s)
        segments = np.flatnonzero(joined)
        if segments.size == 0:
            return
        ends = np.round(np.where(ok[:, None], pts, 0.0)).astype(np.int32)  # NaN rows are not drawn
        # each stretch in the colour of the bar's speed at its end
        colours = [(int(c[0]), int(c[1]), int(c[2])) for c in self._colours[first + segments + 1]]
        paths = [ends[s : s + 2] for s in segments]
        draw_paths(image, paths, colours, width_px=self._line_px, shadow=_SHADOW)

    def _skeleton(self, image: Image, joints_px: FloatArray) -> None:
        w = max(2, self._line_px - 1)
        draw_skeleton(
            image,
            joints_px,
            bone=_WHITE,
            bone_width_px=w,
            joint_colours=_JOINT_FILLS,
            joint_radius_px=w + 3,
            shadow=_SHADOW,
        )

    def _bar_marker(self, image: Image, index: int) -> None:
        point = self._bar_px[index]
        if not np.isfinite(point).all():
            return
        centre = (round(point[0]), round(point[1]))
        radius = 2 * self._line_px + 2
        colour = tuple(int(c) for c in self._colours[index])
        cv2.circle(image, centre, radius + 2, _SHADOW, -1, cv2.LINE_AA)
        cv2.circle(image, centre, radius, colour, -1, cv2.LINE_AA)
        cv2.circle(image, centre, max(2, radius // 3), _WHITE, -1, cv2.LINE_AA)

    # -- numbers ---------------------------------------------------------------------------------

    def _readout_box(self) -> tuple[int, int, int, int]:
        """The velocity readout's panel, top left; its size does not change with the digits."""
        u = self._unit
        small, big, pad = 0.034 * u, 0.075 * u, round(0.025 * u)
        width, _ = self._text.size("8.88", big, 700)
        unit_w, _ = self._text.size(" m/s", small * 1.2)
        x1 = pad + 3 * pad + round(0.5 * big) + width + unit_w
        return pad, pad, x1, pad + round(pad * 1.6 + small + big)

    def _readout(self, image: Image, t_s: float) -> None:
        u = self._unit
        small, big, pad = 0.034 * u, 0.075 * u, round(0.025 * u)
        vy = float(self._at(self._k_vy, np.array([t_s]))[0])
        text = f"{abs(vy):.2f}" if math.isfinite(vy) else "–"
        x0, y0, _, y1 = self._readout_box()
        darken(image, *self._readout_box())
        self._text.put(image, "BAR VELOCITY", (x0 + pad, y0 + round(pad * 0.6 + small)), _MUTED, small, 600)
        base = y1 - round(0.5 * pad)
        colour = style.velocity_bgr(abs(vy), lift=self._lift) if math.isfinite(vy) else _MUTED
        ax, arrow = x0 + pad, round(0.5 * big)
        if math.isfinite(vy) and abs(vy) >= 0.1:  # no arrow for the jitter of a bar at rest
            top, bottom = base - round(0.85 * big), base - round(0.1 * big)
            tip, tail = (top, bottom) if vy > 0 else (bottom, top)
            tri = np.array([[ax, tail], [ax + arrow, tail], [ax + arrow // 2, tip]], np.int32)
            cv2.fillConvexPoly(image, tri, colour, cv2.LINE_AA)
        x = ax + arrow + pad // 2
        self._text.put(image, text, (x, base), colour, big, 700)
        width, _ = self._text.size(text, big, 700)
        self._text.put(image, " m/s", (x + width, base), _WHITE, small * 1.2, 400)

    def _legend(self, image: Image) -> None:
        """The lift's zones under the readout: a swatch and the range of each (m/s), slowest last."""
        entries = style.legend(self._lift)
        if not entries:
            return
        u = self._unit
        size, pad = 0.026 * u, round(0.02 * u)
        title = f"{velocity_kind(self._lift).value.upper()} ZONES"
        texts = [e.span for e in entries]
        swatch = round(size * 0.8)
        width = max(
            [self._text.size(t.replace("≥", ">="), size)[0] for t in texts]
            + [self._text.size(title, size, 600)[0]]
        )
        x0, _, x1, y1 = self._readout_box()
        y0 = y1 + pad // 2
        height = round(pad * 1.2 + size * 1.4 * (len(texts) + 1))
        darken(image, x0, y0, x0 + max(x1 - x0, width + swatch + 3 * pad), y0 + height)
        y = y0 + round(pad * 0.5 + size)
        self._text.put(image, title, (x0 + pad, y), _MUTED, size, 600)
        for entry in reversed(entries):
            y += round(size * 1.4)
            bgr = style.hex_to_bgr(entry.colour)
            cv2.rectangle(image, (x0 + pad, y - swatch), (x0 + pad + swatch, y), bgr, -1)
            span = entry.span.replace("≥", ">=")  # the fallback font has ASCII only
            self._text.put(image, span, (x0 + 2 * pad + swatch, y), _WHITE, size, 400)

    def _counter_box(self, rows: int, *, with_loss: bool) -> tuple[int, int, int, int]:
        """The rep counter's panel, top right, holding ``rows`` finished reps (and the loss line, and
        the set's verdict when it is not good)."""
        u = self._unit
        small, big, row, pad = 0.034 * u, 0.075 * u, 0.042 * u, round(0.025 * u)
        x1 = self._width - pad
        rows_w = self._text.size("#00", row)[0] + self._text.size("failed", row, 700)[0] + 3 * pad
        verdict_w = self._text.size(self._verdict_text(), row * 0.9, 700)[0] + 2 * pad
        x0 = x1 - max(round(0.2 * u), rows_w, verdict_w, self._text.size("PULLS", small, 600)[0] + 2 * pad)
        height = round(pad * 1.6 + small + big) + round(rows * row * 1.3) + (pad // 2 if rows else 0)
        extra = (round(row * 1.4) if with_loss else 0) + (round(row * 1.4) if self._verdict_text() else 0)
        return x0, pad, x1, pad + height + extra

    def _verdict_text(self) -> str:
        """The set's verdict when it is not good ("" when it is)."""
        verdict = self._analysis.quality.verdict.value
        return "" if verdict == "good" else verdict.upper()

    def _counter(self, image: Image, t_s: float) -> None:
        done = [r for r in self._reps if math.isfinite(r.end_s) and r.end_s <= t_s]
        ok = [r for r in done if r.status is RepStatus.OK]
        u = self._unit
        small, big, row, pad = 0.034 * u, 0.075 * u, 0.042 * u, round(0.025 * u)
        shown = done[-self.settings.history_rows :]
        loss = _loss_pct(ok, self._lift)
        x0, y0, x1, _ = box = self._counter_box(len(shown), with_loss=loss is not None)
        darken(image, *box)
        label = "PULLS" if self._analysis.lift.is_olympic else "REPS"
        self._text.put(image, label, (x0 + pad, y0 + round(pad * 0.6 + small)), _MUTED, small, 600)
        y = y0 + round(pad * 1.1 + small + big)
        self._text.put(image, str(len(ok)), (x0 + pad, y), _WHITE, big, 700)
        for rep in shown:
            y += round(row * 1.3)
            colour = _rep_colour(rep, self._lift)
            value = (
                "failed" if rep.status is RepStatus.FAILED else f"{shown_velocity_m_s(rep, self._lift):.2f}"
            )
            value += "?" if rep.status is RepStatus.SUSPECT else ""
            self._text.put(image, f"#{rep.index}", (x0 + pad, y), _MUTED, row, 400)
            vw, _ = self._text.size(value, row, 700)
            self._text.put(image, value, (x1 - pad - vw, y), colour, row, 700)
        if loss is not None:
            y += round(row * 1.4)
            text = f"loss {loss:.0f} %"
            tw, _ = self._text.size(text, row * 0.9)
            self._text.put(image, text, (x1 - pad - tw, y), _WHITE, row * 0.9, 400)
        verdict = self._verdict_text()
        if verdict:
            y += round(row * 1.4)
            colour = style.hex_to_bgr(style.VERDICT_COLOURS[self._analysis.quality.verdict.value])
            tw, _ = self._text.size(verdict, row * 0.9, 700)
            self._text.put(image, verdict, (x1 - pad - tw, y), colour, row * 0.9, 700)

    def _banner_text(self, rep: RepMetrics) -> tuple[str, str, str, str]:
        """(title, headline, unit, other line) of a rep's banner: the headline is the lift's one
        velocity (`vbt.lifts.velocity_kind`), the other line the other one."""
        kind = velocity_kind(self._lift)
        shown = shown_velocity_m_s(rep, self._lift)
        other_kind = VelocityKind.MEAN if kind is VelocityKind.PEAK else VelocityKind.PEAK
        if rep.status is RepStatus.FAILED:
            headline, unit, title = "FAILED", "", f"REP {rep.index}"
        elif rep.status is RepStatus.SUSPECT:
            headline, unit, title = f"{shown:.2f}?", " m/s", f"REP {rep.index}  ·  SUSPECT"
            return title, headline, unit, "not counted: see the report"
        else:
            headline, unit, title = f"{shown:.2f}", " m/s", f"REP {rep.index}  ·  {kind.value.upper()}"
        other = rep_velocity_m_s(rep, other_kind)
        return title, headline, unit, f"{other_kind.value} {other:.2f} m/s" if math.isfinite(other) else ""

    def _banner_size(self, rep: RepMetrics) -> tuple[int, int]:
        u = self._unit
        big, mid, small = 0.1 * u, 0.045 * u, 0.034 * u
        pad = round(0.03 * u)
        title, headline, unit, peak = self._banner_text(rep)
        hw, _ = self._text.size(headline, big, 800)
        uw, _ = self._text.size(unit, mid) if unit else (0, 0)
        pw, _ = self._text.size(peak, mid, 600) if peak else (0, 0)
        tw, _ = self._text.size(title, small, 600)
        return max(hw + uw, pw, tw) + 2 * pad, round(pad * 2.2 + small + big + (mid * 1.4 if peak else 0))

    def banner_box(self, rep: RepMetrics) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) of the rep's banner, chosen once per rep: the first of bottom centre, bottom
        left, bottom right, middle left, middle right and top centre that hides fewest of the bar's and
        the joints' positions while it shows, and never covers the readout or the counter."""
        if rep.index in self._boxes:
            return self._boxes[rep.index]
        width, height = self._banner_size(rep)
        margin = round(0.04 * self._unit)
        w, h = self._width, self._height
        candidates = [
            ((w - width) // 2, h - margin - height),
            (margin, h - margin - height),
            (w - margin - width, h - margin - height),
            (margin, (h - height) // 2),
            (w - margin - width, (h - height) // 2),
            ((w - width) // 2, margin),
        ]
        window = (self._t_s >= rep.end_s) & (self._t_s < rep.end_s + self.settings.banner_s)
        points = np.concatenate([self._bar_px[window], self._joints_px[window].reshape(-1, 2)])
        points = points[np.all(np.isfinite(points), axis=1)]
        grow = 2 * self._line_px
        panels = [
            self._readout_box(),
            self._counter_box(min(len(self._reps), self.settings.history_rows), with_loss=True),
        ]

        def cost(corner: tuple[int, int]) -> int:
            x0, y0 = corner
            x1, y1 = x0 + width, y0 + height
            inside = (
                (points[:, 0] >= x0 - grow) & (points[:, 0] <= x1 + grow)
                & (points[:, 1] >= y0 - grow) & (points[:, 1] <= y1 + grow)
            )  # fmt: skip
            blocked = any(x0 < p[2] and p[0] < x1 and y0 < p[3] and p[1] < y1 for p in panels)
            outside = x0 < 0 or y0 < 0 or x1 > w or y1 > h
            return int(inside.sum()) + (10**9 if blocked or outside else 0)

        x0, y0 = min(candidates, key=cost)  # the first of equals
        box = (x0, y0, x0 + width, y0 + height)
        self._boxes[rep.index] = box
        return box

    def _banner(self, image: Image, rep: RepMetrics) -> None:
        u = self._unit
        big, mid, small = 0.1 * u, 0.045 * u, 0.034 * u
        pad = round(0.03 * u)
        colour = _rep_colour(rep, self._lift)
        title, headline, unit, peak = self._banner_text(rep)
        x0, y0, x1, y1 = self.banner_box(rep)
        centre = (x0 + x1) // 2
        darken(image, x0, y0, x1, y1, alpha=0.7)
        cv2.rectangle(image, (x0, y0), (x1 - 1, y0 + max(3, pad // 4)), colour, -1)
        tw, _ = self._text.size(title, small, 600)
        y = y0 + round(pad * 0.9 + small)
        self._text.put(image, title, (centre - tw // 2, y), _WHITE, small, 600)
        hw, _ = self._text.size(headline, big, 800)
        uw, _ = self._text.size(unit, mid) if unit else (0, 0)
        y += round(big * 1.02)
        x = centre - (hw + uw) // 2
        self._text.put(image, headline, (x, y), colour, big, 800)
        if unit:
            self._text.put(image, unit, (x + hw, y), _WHITE, mid, 400)
        if peak:
            pw, _ = self._text.size(peak, mid, 600)
            y += round(mid * 1.4)
            self._text.put(image, peak, (centre - pw // 2, y), _WHITE, mid, 600)

    def _scale_bar(self, image: Image, calibration: Calibration) -> None:
        u = self._unit
        length_m = scale_bar_length_m(calibration.metres_per_px, max_px=0.2 * self._width)
        if length_m is None:
            return
        length_px = round(length_m / calibration.metres_per_px)
        pad = round(0.03 * u)
        x0, y = pad, self._height - pad
        tick = max(4, self._line_px * 2)
        label = f"{length_m * 100:g} cm" if length_m < 1 else f"{length_m:g} m"
        size = 0.032 * u
        for colour, extra in ((_SHADOW, 2), (_WHITE, 0)):
            w = max(2, self._line_px // 2) + extra
            cv2.line(image, (x0, y), (x0 + length_px, y), colour, w, cv2.LINE_AA)
            for x in (x0, x0 + length_px):
                cv2.line(image, (x, y - tick), (x, y), colour, w, cv2.LINE_AA)
        lw, _ = self._text.size(label, size, 600)
        org = (x0 + (length_px - lw) // 2, y - tick // 2 - round(0.2 * size))
        self._text.put(image, label, (org[0] + 1, org[1] + 1), _SHADOW, size, 600)
        self._text.put(image, label, org, _WHITE, size, 600)


def _loss_pct(ok: list[RepMetrics], lift: Lift) -> float | None:
    """Velocity loss so far on the lift's one velocity, from the fastest rep to the last (percent);
    None before two reps."""
    values = [v for v in (shown_velocity_m_s(r, lift) for r in ok) if math.isfinite(v)]
    if len(values) < 2 or max(values) <= 0:
        return None
    return (max(values) - values[-1]) / max(values) * 100.0
