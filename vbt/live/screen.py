"""What the lifter sees during a live set: the camera image with the bar's path, the skeleton, and the
last rep's velocity large and coloured by its zone; a banner when the set should stop.

``LiveScreen.draw`` annotates one frame from plain values (no analysis object), so the same picture
goes to the OpenCV window, to the browser view (``/live`` of ``vbt serve``) and nowhere else.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import cv2
import numpy as np

from vbt.kinematics.summary import shown_velocity_m_s
from vbt.progression.profile import VelocityKind, velocity_kind_for
from vbt.report import style
from vbt.report.draw import Image, Text, darken, draw_paths, draw_skeleton
from vbt.types import FloatArray, Lift, RepMetrics, RepStatus

_WHITE = style.hex_to_bgr(style.WHITE)
_SHADOW = style.hex_to_bgr(style.SHADOW)
_MUTED = style.hex_to_bgr(style.PALE)
_STOP = style.hex_to_bgr(style.STOP)


@dataclass(frozen=True)
class ScreenState:
    """What the screen shows besides the image.

    Attributes:
        status: one short line (what live mode is doing: looking for the plate, set 2, reconnecting...).
        reps: the set's reps so far (provisional or final), in order.
        provisional: for each rep, whether its metrics may still change.
        velocity_loss_pct: the set's velocity loss so far (NaN before two reps).
        stop: the velocity loss passed the threshold (or a rep failed): show the stop banner.
        stop_reason: the banner's second line.
    """

    status: str
    reps: tuple[RepMetrics, ...] = ()
    provisional: tuple[bool, ...] = ()
    velocity_loss_pct: float = math.nan
    stop: bool = False
    stop_reason: str = ""


class LiveScreen:
    """Draws live feedback onto frames of one size.

    Parameters:
        lift: decides the headline velocity (peak for the Olympic lifts, mean otherwise) and zones.
        trail_s: how much of the bar's recent path to draw.
    """

    def __init__(self, lift: Lift, *, trail_s: float = 2.0) -> None:
        self.lift = lift
        self.kind = velocity_kind_for(lift)
        self.trail_s = trail_s
        self._trail: deque[tuple[float, float, float]] = deque()
        self._text = Text()

    def add_bar(self, t_s: float, bar_xy_px: FloatArray) -> None:
        """Remember the bar's position at ``t_s`` for the trail (NaN: not seen)."""
        self._trail.append((t_s, float(bar_xy_px[0]), float(bar_xy_px[1])))
        while self._trail and self._trail[0][0] < t_s - self.trail_s:
            self._trail.popleft()

    def headline(self, rep: RepMetrics) -> float:
        """The velocity shown for a rep (m/s): the lift's one velocity."""
        return shown_velocity_m_s(rep, self.lift)

    def zone_name(self, rep: RepMetrics) -> str:
        """The rep's zone name (the one its colour is, `vbt.report.style.zone_for`), or '' when the
        lift has no zones."""
        band = style.zone_for(self.headline(rep), self.lift)
        return "" if band is None else style.zone_name(band.zone)

    def draw(self, image: Image, state: ScreenState, *, joints_xy_px: FloatArray | None = None) -> Image:
        """Annotate ``image`` (BGR, in place) and return it."""
        height, width = image.shape[:2]
        unit = float(min(width, height))
        line = style.LIVE_STROKE.width_px(unit)
        self._draw_trail(image, line)
        if joints_xy_px is not None:
            self._draw_skeleton(image, joints_xy_px, line)
        self._draw_status(image, state.status, unit)
        if state.reps:
            self._draw_last_rep(image, state, unit)
        if state.stop:
            self._draw_stop(image, state.stop_reason, unit)
        return image

    def _draw_trail(self, image: Image, line: int) -> None:
        if not self._trail:
            return
        xy = np.asarray(self._trail, dtype=float)[:, 1:]
        seen = np.isfinite(xy).all(axis=1)
        # a frame where the bar was not seen breaks the trail: no line drawn across what was not seen
        runs = np.split(xy, np.flatnonzero(~seen))
        paths = [np.round(run[np.isfinite(run).all(axis=1)]).astype(np.int32) for run in runs]
        paths = [path for path in paths if len(path) >= 2]
        if paths:
            draw_paths(image, paths, [_WHITE] * len(paths), width_px=line, shadow=_SHADOW)
        if seen.any():
            x, y = (round(v) for v in xy[np.flatnonzero(seen)[-1]])
            cv2.circle(image, (x, y), 3 * line, _WHITE, line, cv2.LINE_AA)

    def _draw_skeleton(self, image: Image, joints_xy_px: FloatArray, line: int) -> None:
        joints = [_WHITE] * len(joints_xy_px)
        draw_skeleton(
            image,
            joints_xy_px,
            bone=_MUTED,
            bone_width_px=line,
            joint_colours=joints,
            joint_radius_px=line + 1,
        )

    def _draw_status(self, image: Image, status: str, unit: float) -> None:
        size = 0.035 * unit
        pad = round(0.02 * unit)
        w, h = self._text.size(status, size, 600)
        darken(image, 0, 0, w + 2 * pad, h + 2 * pad, alpha=0.6)
        self._text.put(image, status, (pad, pad + h), _WHITE, size, 600)

    def _draw_last_rep(self, image: Image, state: ScreenState, unit: float) -> None:
        rep = state.reps[-1]
        provisional = bool(state.provisional and state.provisional[-1])
        value = self.headline(rep)
        failed = rep.status is RepStatus.FAILED
        suspect = rep.status is RepStatus.SUSPECT
        colour = style.hex_to_bgr(style.rep_colour(value, lift=self.lift, failed=failed, suspect=suspect))
        title = f"REP {len(state.reps)}" + (
            " · failed" if failed else " · suspect, not counted" if suspect else ""
        )
        number = "–" if not math.isfinite(value) else f"{value:.2f}" + ("?" if suspect else "")
        details = self.details(rep, state.velocity_loss_pct, provisional=provisional)
        big, small = 0.16 * unit, 0.04 * unit
        pad = round(0.025 * unit)
        nw, nh = self._text.size(number, big, 800)
        tw, th = self._text.size(title, small, 600)
        dw = max(self._text.size(d, small, 500)[0] for d in details)
        box_w = max(nw, tw, dw) + 2 * pad
        box_h = th + nh + len(details) * round(small * 1.4) + 3 * pad
        width = image.shape[1]
        x0, y0 = width - box_w - pad, pad
        darken(image, x0, y0, x0 + box_w, y0 + box_h, alpha=0.7)
        cv2.rectangle(image, (x0, y0), (x0 + box_w - 1, y0 + max(3, pad // 3)), colour, -1)
        y = y0 + pad + th
        self._text.put(image, title, (x0 + pad, y), _WHITE, small, 600)
        y += pad + nh
        self._text.put(image, number, (x0 + pad, y), _MUTED if provisional else colour, big, 800)
        for detail in details:
            y += round(small * 1.4)
            self._text.put(image, detail, (x0 + pad, y), _WHITE, small, 500)

    def details(self, rep: RepMetrics, velocity_loss_pct: float, *, provisional: bool) -> list[str]:
        """The lines under the last rep's number: its kind and unit (a peak with its standard deviation
        from the track's noise, when known), its zone, and the set's velocity loss."""
        kind = "peak" if self.kind is VelocityKind.PEAK else "mean"
        sd = rep.peak_velocity_sd_m_s if self.kind is VelocityKind.PEAK else math.nan
        spread = f" ± {sd:.2f}" if math.isfinite(sd) and math.isfinite(self.headline(rep)) else ""
        lines = [f"{kind} m/s{spread}" + ("  (measuring…)" if provisional else "")]
        zone = self.zone_name(rep)
        if zone:
            lines.append(zone)
        if math.isfinite(velocity_loss_pct):
            lines.append(f"loss {velocity_loss_pct:.0f} %")
        return lines

    def _draw_stop(self, image: Image, reason: str, unit: float) -> None:
        height, width = image.shape[:2]
        big, small = 0.09 * unit, 0.035 * unit
        pad = round(0.02 * unit)
        y1 = height - pad
        y0 = y1 - round(big + small * 1.6 + 2 * pad)
        cv2.rectangle(image, (0, y0), (width, y1), _STOP, -1)
        tw, _ = self._text.size("STOP THE SET", big, 800)
        self._text.put(image, "STOP THE SET", ((width - tw) // 2, y0 + pad + round(big)), _WHITE, big, 800)
        if reason:
            rw, _ = self._text.size(reason, small, 500)
            self._text.put(image, reason, ((width - rw) // 2, y1 - pad), _WHITE, small, 500)
