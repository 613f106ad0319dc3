"""Frames a frame-rate conversion repeated: found, dropped, and the real frames put back on their clock.

A clip filmed at 24 or 15 fps and converted to 30 or 60 fps shows each real picture in two or more
consecutive frames (re-encoded, so not bit-identical). Analysed as they are, the repeats put a
picture at a time it was not taken: velocity gets a ripple at the repeat's cadence (6 Hz for 24 to
30 fps) and inflated peaks. ``RepeatedFrameFilter`` wraps a ``FrameSource`` and leaves the repeats
out, before pose and the bar tracker (which then also do less work); ``ContentClock`` then gives the
real frames their own times: the first copy of a picture comes out up to one output frame after (or
before) the moment it was taken, and when the kept frames fall on a regular grid (a constant content
rate, as a converter makes) each is put on it, unless the tracked motion says otherwise
(``grid_fits_motion``: frames dropped from a recording and each stood in for by a repeat make the same
pattern of repeats, but every picture is at its own frame's time).

What a repeat is (``RepeatSettings``): a frame whose picture changed on the frame before by no more
than compression noise while the frames around it show motion (a run of such frames is bounded on
both sides by frames that changed several times more), whose run lasts at most one frame
interval of the slowest content rate, and which comes at the steady rhythm of the runs before it
(a converter repeats at a fixed cadence; a lifter stops once in a while). A still scene (the lifter set up, the bar racked) shows no
motion around its frames: they are kept, repeated or not, and their velocity is zero either way.
Real footage moves between every pair of its frames and keeps them all.

The picture's change is measured cheaply: grey, area-averaged to a small width (which also averages
sensor and compression noise away), and the high percentile of the absolute difference (motion
moves a region; noise is spread thin).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.sources import FrameSource, SourceWrapper
from vbt.errors import InputError
from vbt.types import BoolArray, FloatArray, Frame

Grey = npt.NDArray[np.uint8]

#: A run is a repeat only after this many spacings between runs were steady (a cadence): a converter
#: repeats at a fixed rhythm (every 5th frame for 24 to 30 fps, every 2nd and 3rd in turn for 24 to
#: 60); a lifter's stops come once or twice close together (a clean's peak and catch), not three times
#: at one rhythm.
CADENCE_RUNS = 3
#: The slowest content rate a regular grid is looked for at (see ``RepeatSettings.min_content_fps``).
MIN_GRID_FPS = 10.0
#: Share of the moving stretches' pictures that must fit a grid for the clip to be put on it: a
#: converter's grid fits them all; a few may be off where a repeat was taken for motion.
GRID_MIN_FIT = 0.95
#: The grid's rate is searched on the first this many seconds of pictures (the search's cost grows
#: with the square of the span), then checked on all of them.
GRID_FIT_SPAN_S = 20.0


@dataclass(frozen=True)
class RepeatSettings:
    """How repeated frames are told from real ones.

    Attributes:
        analysis_width_px: frames are compared as grey images this wide (area-averaged). Narrower is
            cheaper and averages more noise away, but a small moving bar covers fewer pixels; 160 px
            keeps a 0.45 m plate filmed whole at 20 px or more across.
        change_percentile: the picture's change is this percentile of the absolute grey difference:
            99.9 at 160 px wide is the ~15th largest of ~14,000 pixels, so a moving plate or limb
            (hundreds of pixels) counts and a few noisy pixels do not.
        noise_max_grey: a repeat differs from the frame it repeats by at most this (grey levels, of
            255, at the analysis width): the quantisation noise of a re-encode at delivery quality
            (PSNR 35 dB or better, RMS error under 4.5 levels per pixel before averaging). Raising it
            finds repeats in noisier encodes but risks taking slow real motion for noise.
        motion_ratio: the frames bounding a run of repeats changed at least this many times more
            than any frame of the run. Motion sampled evenly changes smoothly from frame to frame:
            a 3x dip and back within two intervals means the picture did not move. Lowering it
            finds repeats at the start and end of a movement, but risks dropping real frames where
            the motion turns.
        min_content_fps: the slowest frame rate content is filmed at (phones' low-light modes go
            down to 15 fps, animation on twos to 12); a run of unchanged frames longer than one such
            interval is a still scene, not a repeat.
        max_cadence_s: a conversion repeats frames again and again, at a steady rhythm: a run is
            left out only when the runs before it (``CADENCE_RUNS`` spacings) came at most this far
            apart, each spacing within one frame of the others. Conversions between the common rates
            (24, 25, 30, 50, 60 fps) repeat every 33-200 ms; a bar stopping for an instant (the
            bottom of a squat, the top of a pull) happens once, and a clean clip keeps that frame.
            Raising it catches slower cadences (24 to 25 fps repeats once a second) but risks taking
            two quick stops (a clean's peak and catch) for a cadence.
        grid_tolerance: the kept frames are put on a regular content clock only when every one of
            them lies within this fraction of a content interval of the grid, beyond the one output
            interval a converter's rounding moves a picture by. Lower is stricter.
        use_motion_clock: the grid is taken only when the tracked motion is at least as smooth on it
            as at the frames' own times (``grid_fits_motion``). The times alone cannot tell a
            converter's grid (24 fps shown at 30: each picture's first copy up to an output interval
            off its moment) from frames dropped and each replaced by a copy of the one before (30 fps
            with every third frame repeated: the same pattern of repeats, but every picture at its own
            frame's time): a clip put on the wrong clock gets a velocity ripple at the cadence. Off:
            a regular grid is always taken.
    """

    analysis_width_px: int = 160
    change_percentile: float = 99.9
    noise_max_grey: float = 6.0
    motion_ratio: float = 3.0
    min_content_fps: float = 12.0
    max_cadence_s: float = 0.25
    grid_tolerance: float = 0.05
    use_motion_clock: bool = True

    def __post_init__(self) -> None:
        if not 16 <= self.analysis_width_px <= 1920:
            raise InputError(f"analysis_width_px must be 16..1920, got {self.analysis_width_px}")
        if not 50.0 <= self.change_percentile <= 100.0:
            raise InputError(f"change_percentile must be 50..100, got {self.change_percentile}")
        if not (
            self.noise_max_grey >= 0
            and self.motion_ratio > 1
            and self.min_content_fps > 0
            and self.max_cadence_s > 0
        ):
            raise InputError(
                "noise_max_grey must be >= 0, motion_ratio > 1, min_content_fps and max_cadence_s > 0, got "
                f"{self.noise_max_grey}, {self.motion_ratio}, {self.min_content_fps}, {self.max_cadence_s}"
            )
        if not 0.0 <= self.grid_tolerance < 0.5:
            raise InputError(f"grid_tolerance must be within 0..0.5, got {self.grid_tolerance}")


def picture_change(a: Grey, b: Grey, *, percentile: float) -> float:
    """How much the picture changed between two small grey images: a percentile of |a - b|, grey levels."""
    diff = cv2.absdiff(a, b).ravel()
    k = min(diff.size - 1, max(0, math.ceil(percentile / 100.0 * diff.size) - 1))
    return float(np.partition(diff, k)[k])


def small_grey(image: npt.NDArray[np.uint8], width_px: int) -> Grey:
    """(h, width_px) uint8 grey copy of a BGR image, area-averaged (no wider than the image)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    height, width = grey.shape[:2]
    if width <= width_px:
        return np.asarray(grey, dtype=np.uint8)
    size = (width_px, max(1, round(height * width_px / width)))
    return np.asarray(cv2.resize(grey, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


@dataclass
class _Run:
    """Frames that changed no more than noise, held until the frame after them tells what they are."""

    before_change: float  # the change of the frame before the run (inf for the first frame)
    before_t_s: float
    frames: list[Frame] = field(default_factory=list)
    changes: list[float] = field(default_factory=list)


class RepeatedFrameFilter(SourceWrapper):
    """A ``FrameSource`` without the frames a frame-rate conversion repeated (see the module docstring).

    Frames keep their own times and indices (indices skip where a repeat was left out); at most the
    frames of one run (a few) are held back until the frame after them is read.

    Attributes:
        dropped_frame_count: repeats left out so far.
        frame_t_s, frame_dropped: every frame read so far: its time and whether it was left out;
            ``content_clock()`` uses them.
    """

    def __init__(self, source: FrameSource, settings: RepeatSettings | None = None) -> None:
        super().__init__(source)
        self.settings = settings or RepeatSettings()
        self.dropped_frame_count = 0
        self._t_s: list[float] = []
        self._dropped: list[bool] = []
        self._moving: list[bool] = []
        self._runs_t_s: list[float] = []  # when the last runs of unchanged frames between motion began

    def __iter__(self) -> Iterator[Frame]:
        s = self.settings
        previous: Grey | None = None
        last_change = math.inf
        last_t_s = -math.inf
        run: _Run | None = None
        still = False  # inside a still stretch: its frames go through as they come
        for frame in self.source:
            grey = small_grey(frame.grey, s.analysis_width_px)  # the frame's grey: the camera's too
            change = math.inf
            if previous is not None and previous.shape == grey.shape:
                change = picture_change(grey, previous, percentile=s.change_percentile)
            previous = grey
            self._t_s.append(frame.t_s)
            self._dropped.append(False)
            self._moving.append(change > s.noise_max_grey)
            if change > s.noise_max_grey:
                if run is not None:
                    yield from self._settle(run, change)
                    run = None
                still = False
            elif still:
                pass
            else:
                if run is None:
                    run = _Run(before_change=last_change, before_t_s=last_t_s)
                run.frames.append(frame)
                run.changes.append(change)
                if frame.t_s - run.before_t_s > 1.0 / s.min_content_fps:
                    yield from run.frames  # too long for a repeat: a still scene
                    run, still = None, True
                last_change, last_t_s = change, frame.t_s
                continue
            last_change, last_t_s = change, frame.t_s
            yield frame
        if run is not None:
            yield from run.frames  # nothing after it shows motion: kept

    def _settle(self, run: _Run, after_change: float) -> list[Frame]:
        """The frames of ``run`` to keep, now that the frame after it changed by ``after_change``."""
        bound = min(run.before_change, after_change)
        if max(run.changes, default=math.inf) * self.settings.motion_ratio > bound:
            return run.frames  # the frames around it hardly moved either: real, or harmless
        t_s = run.frames[0].t_s
        self._runs_t_s = [*self._runs_t_s[-CADENCE_RUNS:], t_s]
        if not self._in_cadence(interval_s=t_s - run.before_t_s):
            return run.frames  # no cadence (yet): a stop of the motion, or a conversion's first repeats
        n = len(run.frames)
        self.dropped_frame_count += n
        total = len(self._dropped)
        for k in range(total - 1 - n, total - 1):  # the run's rows, just before the current frame
            self._dropped[k] = True
        return []

    def _in_cadence(self, *, interval_s: float) -> bool:
        """True when the last runs (``CADENCE_RUNS`` spacings) came at a steady cadence: each spacing
        within ``max_cadence_s`` and all within one output frame (``interval_s``) of each other."""
        spacings = np.diff(self._runs_t_s)
        if spacings.size < CADENCE_RUNS:
            return False
        steady = float(spacings.max() - spacings.min()) <= 1.5 * interval_s
        return steady and float(spacings.max()) <= self.settings.max_cadence_s

    def content_clock(self) -> ContentClock:
        """What the frames read so far say about the content's own clock."""
        return ContentClock.fit(
            np.asarray(self._t_s, dtype=np.float64),
            np.asarray(self._dropped, dtype=np.bool_),
            np.asarray(self._moving, dtype=np.bool_),
            tolerance=self.settings.grid_tolerance,
            max_cadence_s=self.settings.max_cadence_s,
        )


@dataclass(frozen=True)
class ContentClock:
    """The clock of a converted clip's real pictures.

    Attributes:
        output_fps: the file's frame rate (its median frame interval's), NaN with fewer than 2 frames.
        content_fps: the real pictures' rate when they lie on a regular grid (a converter's constant
            rate), else NaN (no repeats, or an irregular cadence: a phone's variable rate converted).
        phase_s: the grid's offset: real picture ``n`` was taken at ``phase_s + n / content_fps``.
        repeats: how many frames were left out as repeats.
    """

    output_fps: float
    content_fps: float = math.nan
    phase_s: float = 0.0
    repeats: int = 0

    @classmethod
    def fit(
        cls,
        t_s: FloatArray,
        dropped: BoolArray,
        moving: BoolArray,
        *,
        tolerance: float,
        max_cadence_s: float,
    ) -> ContentClock:
        """The grid through the kept frames' times, if they lie on one.

        Only the kept frames of the moving stretches are used (there every repeat was found, so
        they are the content's pictures, one each). The first copy of a picture lies within one
        output interval of its grid time (however the converter rounds): on the right grid, every
        such time lies within half an output interval (plus ``tolerance`` content intervals) of the
        grid's circular mean phase, and consecutive pictures fall on consecutive grid times (a
        conversion to a higher rate skips no picture). Every rate from ``MIN_GRID_FPS`` up to one
        repeat per ``max_cadence_s`` below the output's is tried, finely enough that the phase
        drifts by less than the tolerance over ``GRID_FIT_SPAN_S``; the rate whose phases gather
        tightest (the longest mean phase vector) is taken when at least ``GRID_MIN_FIT`` of the
        pictures pass both tests.
        """
        steps = np.diff(t_s)
        output_fps = 1.0 / float(np.median(steps)) if steps.size else math.nan
        repeats = int(dropped.sum())
        clock = cls(output_fps=output_fps, repeats=repeats)
        sure = _sure_content_frames(dropped, moving)
        if repeats == 0 or sure.sum() < 8 or not math.isfinite(output_fps):
            return clock
        pictures = np.flatnonzero(sure)
        fitted = pictures[t_s[pictures] <= t_s[pictures[0]] + GRID_FIT_SPAN_S]
        top = output_fps - 1.0 / max_cadence_s
        span_s = float(t_s[fitted[-1]] - t_s[fitted[0]])
        if top <= MIN_GRID_FPS or span_s <= 0:
            return clock
        step = tolerance / (4.0 * span_s * top)  # relative: the phase drifts < tolerance / 4 over the span
        rates = MIN_GRID_FPS * np.exp(np.arange(0.0, math.log(top / MIN_GRID_FPS), step))
        gap = _stretch_gap(dropped)
        best: tuple[float, float, float, float] = (-1.0, -1.0, math.nan, 0.0)  # score, length, rate, phase
        for chunk in range(0, rates.size, 64):  # (rates, frames) at a time: bounded memory
            r = rates[chunk : chunk + 64]
            score, length, phase = _grid_scores(t_s, fitted, r, output_fps, tolerance=tolerance, gap=gap)
            k = int(np.lexsort((length, score))[-1])
            if (score[k], length[k]) > best[:2]:
                best = (float(score[k]), float(length[k]), float(r[k]), float(phase[k]))
        _, _, rate, phase_s = best
        check, _, _ = _grid_scores(t_s, pictures, np.array([rate]), output_fps, tolerance=tolerance, gap=gap)
        if best[0] < GRID_MIN_FIT or float(check[0]) < GRID_MIN_FIT:
            return clock
        return cls(output_fps=output_fps, content_fps=rate, phase_s=phase_s, repeats=repeats)

    @property
    def regular(self) -> bool:
        """True when the real pictures were found on a regular grid."""
        return math.isfinite(self.content_fps)

    def retime(self, t_s: FloatArray) -> tuple[BoolArray, FloatArray]:
        """The kept frames of times ``t_s`` (increasing), put on the content's grid: (keep, new times).

        Each frame goes to the nearest grid time; a frame that lands where an earlier one did is a
        repeat the filter kept (in a still stretch) and is left out. All times are shifted together
        so that the first frame keeps its time (a constant shift changes no velocity). Without a
        regular grid, every frame is kept at its own time.
        """
        t = np.asarray(t_s, dtype=np.float64)
        keep = np.ones(t.shape, dtype=np.bool_)
        if not self.regular or t.size == 0:
            return keep, t.copy()
        n = np.round((t - self.phase_s) * self.content_fps)
        keep[1:] = np.diff(n) > 0
        grid = self.phase_s + n / self.content_fps
        shifted = grid + (t[0] - grid[0])
        return keep, shifted[keep]


def roughness_px2(t_s: FloatArray, xy_px: FloatArray) -> float:
    """How far (N, ..., 2) positions at (N,) increasing times ``t_s`` depart from moving smoothly: the sum
    over every sample with both neighbours present of the squared distance from the straight line in
    time through them, px^2 (NaN positions are skipped, with the triples they belong to).

    Moving at a constant velocity gives 0; a constant acceleration a gives (a dt^2 / 2)^2 a sample at
    an even interval dt, the same on any clock close to the true one. A sample put at a time off its
    moment by dt_off adds (v dt_off)^2: the wrong clock shows as roughness wherever anything moves.
    """
    t = np.asarray(t_s, dtype=np.float64)
    xy = np.asarray(xy_px, dtype=np.float64)
    if t.size < 3:
        return 0.0
    t0, t1, t2 = t[:-2], t[1:-1], t[2:]
    share = ((t1 - t0) / (t2 - t0)).reshape((-1,) + (1,) * (xy.ndim - 1))
    off = xy[1:-1] - (xy[:-2] + (xy[2:] - xy[:-2]) * share)
    return float(np.nansum(off**2))


def grid_fits_motion(t_s: FloatArray, keep: BoolArray, grid_t_s: FloatArray, xy_px: FloatArray) -> bool:
    """True when positions (N, ..., 2) measured in frames at their own times (N,) ``t_s`` move at least as
    smoothly (``roughness_px2``) on the content grid (``ContentClock.retime``: the rows ``keep``, at
    ``grid_t_s``) as at their own times: the grid is then the pictures' clock; otherwise each picture was
    taken at its own frame's time (frames dropped and stood in for by repeats, not a converter's grid).
    Both are judged on the same rows; a tie (nothing moved) keeps the grid."""
    rows = np.asarray(keep, dtype=np.bool_)
    xy = np.asarray(xy_px, dtype=np.float64)[rows]
    return roughness_px2(grid_t_s, xy) <= roughness_px2(np.asarray(t_s, dtype=np.float64)[rows], xy)


def _moving_stretches(dropped: BoolArray, moving: BoolArray) -> list[tuple[int, int]]:
    """(first, last) frame of each stretch where every frame moved or was left out as a repeat: there
    every repeat was found, so the kept frames are the content's pictures, one each."""
    ok = np.r_[False, moving | dropped, False]
    edges = np.flatnonzero(np.diff(ok.astype(np.int8)))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _sure_content_frames(dropped: BoolArray, moving: BoolArray) -> BoolArray:
    """(N,) True for the kept frames of the moving stretches (``_moving_stretches``)."""
    sure = np.zeros(dropped.shape, dtype=np.bool_)
    for first, last in _moving_stretches(dropped, moving):
        sure[first : last + 1] = ~dropped[first : last + 1]
    return sure


def _stretch_gap(dropped: BoolArray) -> int:
    """Frames between two kept frames of one run of pictures: the longest run of repeats, plus one."""
    longest = run = 0
    for flag in dropped:
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return longest + 1


def _grid_scores(
    t_s: FloatArray,
    pictures: npt.NDArray[np.intp],
    rates: FloatArray,
    output_fps: float,
    *,
    tolerance: float,
    gap: int,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """For each rate (R,): the share of ``pictures`` (frame positions) that fit its grid (the lesser of
    the share within half an output interval plus ``tolerance`` of it, and the share of neighbours
    on consecutive grid times), how tightly their phases gather (0..1) and the grid's phase (s)."""
    t = t_s[pictures]
    cycles = (t[None, :] - t[0]) * rates[:, None]
    angle = 2.0 * math.pi * (cycles % 1.0)
    sin, cos = np.sin(angle).mean(axis=1), np.cos(angle).mean(axis=1)
    mean = np.arctan2(sin, cos) / (2.0 * math.pi)  # cycles
    n = np.round(cycles - mean[:, None])
    within = np.abs(cycles - mean[:, None] - n) <= (0.5 * rates / output_fps + tolerance)[:, None]
    neighbours = np.diff(pictures) <= gap  # pictures of one moving run (not across a still stretch)
    consecutive = (np.diff(n, axis=1) == 1)[:, neighbours]
    share = np.minimum(within.mean(axis=1), consecutive.mean(axis=1) if neighbours.any() else 0.0)
    return share, np.hypot(sin, cos), t[0] + mean / rates
