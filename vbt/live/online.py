"""One set analysed while it happens, with exactly the functions of the offline path.

``OnlineSet`` is fed one sample at a time and re-runs `vbt.analysis.analyze_trajectory` on everything
buffered so far (at most every ``rerun_every_s`` of new data). It computes nothing of its own: a rep
is emitted once it appears in that analysis and nothing that arrives later can change it (the rules
below), so the emitted reps are the ones ``analyze_trajectory`` finds on the whole recording (checked
on synthetic sets of every lift in ``tests/live``).

When a rep is final (the emission delay)
----------------------------------------
Times are on the trajectory's clock; ``t_end`` is the newest sample. The segmenter says, per rep,
from when nothing later can change it (``Rep.settled_s``, in ``SetAnalysis.segments``); the online
set asks it rather than restating the rule, and adds ``settle_s`` (0.25 s, about eight time
constants at a 5 Hz cutoff) so that the zero-phase filter's edge no longer moves the rep's samples:

- squat, bench, deadlift: settled ``rest_check_s[1]`` (0.35 s) past the end, where the segmenter
  stops looking for the stop at lockout: final 0.6 s after the end, plus one sample interval. (On
  the synthetic sets the emitted metrics equal the offline ones within 1e-9 with ``settle_s`` = 0.1 s
  when the final came up to ``rerun_every_s`` late; with 0 they differ by up to 1.3e-3 m/s; at
  0.15 s, emitted on time, a starved deadlift set sampled on every other frame differed by 1.05e-9.)
- power clean, clean, snatch (made): settled at the last sample of the hold after the catch
  (``hold_s``, counted in samples as the segmenter counts it); 1.3-3.4 s after the end of the pull
  on the synthetic sets.
- Olympic lifts (failed): settled when the bar is back on the floor; a failed lift that never comes
  back to the floor is final only at ``finish``.

Provisional reps (what the screen shows first)
----------------------------------------------
Waiting for the final metrics costs 0.5-3.4 s, too long for feedback at the bar. So every sample (at most
every ``provisional_every_s``) the last ``window_s`` seconds are analysed too, with the same function,
and a rep found there that ended at least ``provisional_lag_s`` before the newest sample is emitted at
once as ``provisional``. Its metrics are what the data so far say (the filter's edge and the unseen
rest after it move them slightly: see ``tests/live`` and ``benchmarks/live.py`` for how much); the
``final`` event for the same rep (same ``key``; the same rep: spans overlapping by half) follows
when the rep is final as above. A provisional
rep that the whole-set analysis still does not contain ``retract_after_s`` after its end (a walk-out
step, a re-rack taken for a rep) is ``retracted``.

Cost
----
The final reps come from analyses of the whole buffer, which is what keeps them identical to the
offline ones. One analysis of a 5-rep power clean with joints (about 1,000 samples) costs about
40-100 ms, mostly the reps' boundary fits on the raw samples and their triple-extension peaks, and
that grows with the set. So nothing is analysed that cannot change what is emitted, and the costly
per-rep work is done once per rep:

- the whole set is analysed only when a rep may become final (a provisional rep's end plus the stop
  check and ``settle_s``; a rep a look or the last analysis found, at its ``settled_s`` plus
  ``settle_s``) or a provisional rep may have to be retracted. Its pass leaves out what is final
  already: the boundaries of the reps emitted final are not fitted again (``refine_from_s``), the
  joints are left out, and a second pass with them measures the triple extension of the reps
  becoming final only (each rep's once);
- a look (`_look`) analyses the samples from just before what is not final yet (the latest final
  rep's end), exactly as the whole set is analysed: while the bar moves, every ``discover_every_s``,
  for reps the provisional look missed; while a rep waits for the segmenter to settle it (an
  Olympic lift's hold after the catch), every ``rerun_every_s``;
- the provisional look runs only while a rep may have just ended (the bar rising, or risen within
  the last second: ``provisional_recent_s``; for lifts from the floor, a rise from the floor), over
  the data from just before the latest rep's end (``window_lead_s``; ``window_s`` at most), without
  the joints, fitting the boundaries of the new rep only.

The looks' cost does not grow with the set; the whole set is analysed about once per rep.
``analyses`` and ``samples_analysed`` count the work. On the benchmark's synthetic 5-rep sets at
30 fps (``benchmarks/live.py``'s clips, fed as samples; CPU time on a machine at load 13-19):
squat 1.4-1.6 -> 0.8, bench 1.3-1.6 -> 0.7, deadlift 2.4-2.6 -> 0.8-1.2, power clean 4.6-5.0 ->
1.3-1.5 CPU-ms per sample; a 12-rep power clean 11.6-13.8 -> 2.1-2.4 (the triple extension computed
2,070 times before, 12 now; the boundary fits 2,006 times, 284 now).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vbt.analysis import AnalysisSettings, SetAnalysis, analyze_trajectory
from vbt.errors import InputError, NotEnoughDataError
from vbt.kinematics.floor_pulls import floor_level
from vbt.kinematics.reps import SegmentationSettings, default_segmentation
from vbt.live.events import RepEvent, RepEventKind, shown_reps
from vbt.live.samples import Samples
from vbt.quality.lost import LostFramesSettings, LostSpan, lost_spans, mark_lost_frames
from vbt.types import FloatArray, Lift, Rep, RepMetrics, Trajectory

#: Two analyses' reps whose spans overlap by this fraction of the shorter one are the same rep.
SAME_REP_OVERLAP = 0.5


def _never(rep: Rep) -> bool:
    return False


def _same_rep(rep: Rep | RepMetrics, start_s: float, end_s: float) -> bool:
    overlap = min(rep.end_s, end_s) - max(rep.start_s, start_s)
    return overlap > SAME_REP_OVERLAP * min(rep.end_s - rep.start_s, end_s - start_s)


@dataclass
class _Known:
    key: int
    start_s: float
    end_s: float
    final: bool = False
    retracted: bool = False


class OnlineSet:
    """A set analysed online: feed samples with `add`, get each rep once it is final, then `finish`.

    Parameters:
        lift: the lift performed.
        load_kg: the bar's load, for power.
        settings: the analysis settings, the same object the offline analysis would get.
        rerun_every_s: look again after at least this much new data (seconds on the samples' clock)
            while a rep waits for the segmenter to settle it, or is due but not final yet.
        settle_s: data needed after the last look of the segmenter before a rep is final (see above).
        provisional: emit provisional reps (see above); False: final ones only.
        provisional_every_s, provisional_lag_s, window_s, retract_after_s: see "Provisional reps".
        provisional_stop_check_s: the segmenter's ``stop_check_s`` for the provisional look (see
            ``SegmentationSettings``: where the stop at lockout is checked).
        window_edge_s: a rep starting this close to the window's first sample is not emitted
            provisionally (the filter's start-up transient there); the whole-set analysis decides.
        active_s: nothing is analysed while the bar's height has spanned less than the lift's
            smallest attempt over this long and no rep waits to become final (a bar at rest).
        provisional_rise_frac, provisional_recent_s, provisional_rising_s: the provisional look
            runs only while a rep may have just ended: in the last ``provisional_recent_s`` the bar
            was rising (at the segmenter's ``rest_speed_m_s`` or faster over
            ``provisional_rising_s``: 3 cm over 0.2 s, well above a tracker's few millimetres of
            noise) at least ``provisional_rise_frac`` of the lift's smallest attempt above its
            lowest since the latest rep's end. A rep's filtered rise is at least ``min_attempt_m``
            and the raw one about as large, so half of it leaves room for noise; 1 s is over three
            times the longest the look has taken to find a rep after its end (0.28 s). Raising the
            fraction or lowering the time saves CPU between reps; too far, and a rep is first
            shown when final.
        provisional_joints: the provisional look measures the joints too (an Olympic pull's triple
            extension: about as costly as the rest of the look); off, a provisional rep has no
            triple extension (the screen does not show one) and its final event brings it.
        discover_every_s: while the bar moves, what is not final yet is looked at this often
            (seconds on the samples' clock; None: ``rerun_every_s``; see "Cost"), to find reps the
            provisional look did not see. A rep the provisional look saw is re-analysed when it
            can first be final (see "Cost"). Raising it saves CPU when every rep is seen
            provisionally; it delays the final metrics of a rep that was not.
        window_lead_s: the provisional look starts ``window_edge_s`` plus this before the latest
            rep's end (not ``window_s`` back) once a rep is known: the next rep begins after that
            end, so the look covers it and its approach, and costs the same for every rep of a long
            set. Lowering it saves CPU; it must cover how far a re-analysis may move a rep's end.
        refine_margin_s: the whole set's rep boundaries are located on the raw samples (the costly
            part of segmenting) from this long after the latest final rep's end: its filtered end
            lies up to 0.08 s after the located one. Lowering it below that refines that rep again
            on every re-analysis (CPU only); raising it past the next rep's start is capped there.

    Attributes:
        analyses, samples_analysed: how many analyses ran, over how many samples in all (each
            whole-set pass and provisional look counts).
        emitted: every rep that became final in `add`, in order.
        emitted_at_s: for each of them, ``t_end`` (the newest sample's time) when it became final.
        events: every event so far (of `add` and `finish`), in order.
    """

    def __init__(
        self,
        *,
        lift: Lift,
        load_kg: float | None = None,
        settings: AnalysisSettings | None = None,
        rerun_every_s: float = 0.1,
        settle_s: float = 0.25,
        provisional: bool = True,
        provisional_every_s: float = 0.0,
        provisional_lag_s: float = 0.03,
        window_s: float = 8.0,
        retract_after_s: float = 1.0,
        active_s: float = 3.0,
        window_edge_s: float = 1.0,
        window_lead_s: float = 0.25,
        provisional_rise_frac: float = 0.5,
        provisional_recent_s: float = 1.0,
        provisional_rising_s: float = 0.2,
        provisional_joints: bool = False,
        discover_every_s: float | None = None,
        provisional_stop_check_s: tuple[float, float] = (0.02, 0.05),
        refine_margin_s: float = 0.25,
    ) -> None:
        if not (math.isfinite(rerun_every_s) and rerun_every_s >= 0):
            raise InputError(f"rerun_every_s must be 0 or more seconds, got {rerun_every_s}")
        if not (math.isfinite(settle_s) and settle_s >= 0):
            raise InputError(f"settle_s must be 0 or more seconds, got {settle_s}")
        self.lift = Lift(lift)
        self.load_kg = load_kg
        self.settings = settings or AnalysisSettings()
        self.rerun_every_s = rerun_every_s
        self.settle_s = settle_s
        self.provisional = provisional
        self.provisional_every_s = provisional_every_s
        self.provisional_lag_s = provisional_lag_s
        self.window_s = window_s
        self.retract_after_s = retract_after_s
        self.emitted: list[RepMetrics] = []
        self.emitted_at_s: list[float] = []
        self.events: list[RepEvent] = []
        self._known: list[_Known] = []
        self._last_window_t_s = -math.inf
        self.active_s = active_s
        self.window_edge_s = window_edge_s
        self.window_lead_s = window_lead_s
        self.provisional_rise_frac = provisional_rise_frac
        self.provisional_recent_s = provisional_recent_s
        self.provisional_rising_s = provisional_rising_s
        self.provisional_joints = provisional_joints
        self.discover_every_s = rerun_every_s if discover_every_s is None else discover_every_s
        self._next_final_s = math.inf  # when a rep may next become final (or be retracted)
        self._segmentation: SegmentationSettings = self.settings.segmentation or default_segmentation(
            self.lift
        )
        # The provisional look checks for the stop at lockout over the little data there is after it
        # (``provisional_stop_check_s``), so the end is located on the raw samples' hinge as in the
        # final analysis, instead of at the filtered zero crossing (20-80 ms late at an abrupt stop).
        self._provisional_settings = dataclasses.replace(
            self.settings,
            segmentation=dataclasses.replace(self._segmentation, stop_check_s=provisional_stop_check_s),
        )
        self._samples = Samples()
        self._last_run_t_s = -math.inf
        self._last_look_t_s = -math.inf
        self._unsettled = False  # a rep waits for the segmenter to settle it (`_look` watches it)
        self._finished = False
        self.final_events: list[RepEvent] = []
        self.refine_margin_s = refine_margin_s
        self.analyses = 0
        self.samples_analysed = 0

    def add(
        self,
        t_s: float,
        bar_xy_m: FloatArray,
        joints_xy_m: FloatArray | None = None,
        *,
        analyze: bool = True,
        finals: bool = True,
        lost: bool = False,
    ) -> list[RepEvent]:
        """Add one sample; return the events it caused (usually none): reps seen, final, retracted.

        ``analyze=False`` only stores the sample (a caller catching up on a backlog analyses once,
        with its last sample); ``finals=False`` looks for provisional reps only (the whole-set
        analysis waits for a sample with ``finals=True``: a caller with more samples waiting).
        ``lost=True``: the sample's frame was lost (the capture fell behind; the bar NaN): reps
        that lost frames touch become suspect, and a rep they cut is still reported
        (``vbt.quality.lost``).

        Parameters:
            t_s: the sample's time, seconds, later than the previous sample's.
            bar_xy_m: (2,) bar position, metres (x forward, y up), NaN when not seen.
            joints_xy_m: (J, 2) joints in ``JOINT_NAMES`` order, metres, or None when not measured.

        Raises:
            InputError: a sample after `finish`, time not increasing, or a wrong shape.
        """
        if self._finished:
            raise InputError("this set is finished; start a new OnlineSet for the next set")
        self._samples.append(t_s, bar_xy_m, joints_xy_m, lost=lost)
        t = self._samples.last_t_s
        events: list[RepEvent] = []
        if not analyze:
            return events
        moving = self._moved_recently(t)
        look = self.provisional and moving and t - self._last_window_t_s >= self.provisional_every_s
        rising = look and self._rose_lately(t)
        if rising:
            self._last_window_t_s = t
            provisional = self._provisional(t)
            self.events.extend(provisional)  # before the finals: they may retract one of them
            events += provisional
        if finals and self._whole_set_due(t, moving=moving, rising=rising):
            self._last_run_t_s = t
            analysis = self._whole_set()
            if analysis is not None:
                made_final = self._finals(analysis, t, closing=False)
                self.events.extend(made_final)
                events += made_final
                self._next_final_s = self._next_final(analysis, t)
        return events

    def _whole_set_due(self, t: float, *, moving: bool, rising: bool) -> bool:
        """Whether the whole set is re-analysed at ``t``: a rep may become final (or be retracted)
        now, or a look at what is not final yet (`_look`: while the bar moves, every
        ``discover_every_s``, but not while the provisional look runs (``rising``: the rep about
        to end is what it looks for, and a look's work then would delay it); while a rep waits
        for the segmenter to settle it, every ``rerun_every_s``) says a rep is due."""
        if t >= self._next_final_s:
            return True
        if self._unsettled:
            every_s = self.rerun_every_s
        elif moving and not rising:
            every_s = max(self.discover_every_s, self.rerun_every_s)
        else:
            return False
        if t - self._last_look_t_s < every_s:
            return False
        self._last_look_t_s = t
        return self._look(t)

    def _look(self, t: float) -> bool:
        """Analyse the samples from just before what is not final yet (`_pending_start_s`: the
        latest final rep's end, or an earlier rep not final yet) as the whole set is analysed, for
        reps not known yet and for when the reps there are settled; True when one is due now. The
        whole set is then analysed only when a rep may become final (its cost grows with the set,
        the look's does not); the emitted reps are still the whole set's."""
        start = int(np.searchsorted(self._samples.t_s, self._pending_start_s()))
        ends = [k.end_s for k in self._known if k.final]
        analysis = self._analyze(
            self.trajectory(first=start, joints=False),
            first=start,
            refine_from_s=max(ends) + self.refine_margin_s if ends else -math.inf,
            refine_unfinished=False,
        )
        self._unsettled = False
        if analysis is None:
            return False
        window_start_s = float(self._samples.t_s[start])
        for rep in analysis.reps:
            if self._is_emitted_final(rep) or (
                start > 0 and rep.start_s < window_start_s + self.window_edge_s
            ):
                continue
            due_s = self._settled_s(rep, analysis) + self.settle_s
            if due_s <= t:
                return True
            if math.isfinite(due_s):
                self._next_final_s = min(self._next_final_s, due_s)
            else:
                self._unsettled = True
        for known in self._missing(analysis):  # the whole set decides whether it is retracted
            self._next_final_s = min(self._next_final_s, known.end_s + self.retract_after_s)
        return False

    def _pending_start_s(self) -> float:
        """Where `_look` starts: ``window_edge_s`` plus ``window_lead_s`` before the latest final
        rep's end or an earlier known rep not final yet (the first sample when there is neither)."""
        finals = [k.end_s for k in self._known if k.final]
        pending = [k.start_s for k in self._known if not (k.final or k.retracted)]
        if not finals:
            return min(pending, default=-math.inf) - self.window_edge_s - self.window_lead_s
        return min([max(finals), *pending]) - self.window_edge_s - self.window_lead_s

    def _next_final(self, analysis: SetAnalysis, t: float) -> float:
        """When, after the whole-set analysis at ``t``, a rep may next become final or be retracted:
        a rep the segmenter says is settled at ``settled_s`` is final ``settle_s`` later (earlier
        runs could not make it final; one due already is looked at again ``rerun_every_s`` later);
        one not settled yet is watched by `_look` every ``rerun_every_s``; a provisional rep the
        analysis lacks is retracted ``retract_after_s`` after its end (one it has is not looked at
        for that again: `_look` watches it)."""
        self._unsettled = False
        due = []
        for rep in analysis.reps:
            if not self._is_emitted_final(rep):
                settled_s = self._settled_s(rep, analysis)
                if math.isfinite(settled_s):
                    due.append(settled_s + self.settle_s)
                else:
                    self._unsettled = True
        due += [k.end_s + self.retract_after_s for k in self._missing(analysis)]
        return min((d if d > t else t + self.rerun_every_s for d in due), default=math.inf)

    def _missing(self, analysis: SetAnalysis) -> list[_Known]:
        """The known reps, not final nor retracted, that ``analysis`` does not contain."""
        return [
            k
            for k in self._known
            if not (k.final or k.retracted)
            and not any(_same_rep(r, k.start_s, k.end_s) for r in analysis.reps)
        ]

    def reps_emitted(self) -> list[RepMetrics]:
        """The reps as the newest events say (final or provisional, not retracted), in time order."""
        return [event.rep for event, _ in shown_reps(self.events)]

    def finish(self) -> SetAnalysis:
        """The analysis of the whole set, exactly ``analyze_trajectory`` on every sample added.

        Reps in it that did not become final in `add` (the last rep when the set ends right after it,
        a failed Olympic lift) become final now, and provisional reps it does not contain are
        retracted: those events are in ``final_events`` (and ``events``).

        Raises:
            NotEnoughDataError: the set is too short to analyse.
        """
        self._finished = True
        analysis = self._with_lost(
            analyze_trajectory(
                self.trajectory(), lift=self.lift, load_kg=self.load_kg, settings=self.settings
            )
        )
        t = self._samples.last_t_s
        self.final_events = self._finals(analysis, t, closing=True)
        self.events.extend(self.final_events)
        return analysis

    @property
    def first_t_s(self) -> float:
        """The first sample's time (NaN before any)."""
        return self._samples.first_t_s

    def trajectory(self, *, first: int = 0, joints: bool = True) -> Trajectory:
        """The samples added so far (from the ``first``), as the offline path would read them
        (``joints=False``: without the joints)."""
        return self._samples.trajectory(first=first, joints=joints)

    def _whole_set(self) -> SetAnalysis | None:
        """The whole set analysed as the offline path analyses it, without the costly parts that
        cannot change what is emitted (see "Cost"): the boundaries of the reps already final are not
        located on the raw samples again (``refine_from_s``), and a rep's triple extension is
        measured only when it becomes final, on a second pass with the joints. The reps not yet
        final come out exactly as the offline analysis of these samples has them."""
        refine_from_s = self._refine_from_s()
        analysis = self._analyze(self.trajectory(joints=False), refine_from_s=refine_from_s)
        if analysis is None:
            return None
        if any(r.end_s < refine_from_s and not self._is_emitted_final(r) for r in analysis.reps):
            refine_from_s = -math.inf  # a rep not emitted yet among those not refined: all refined
            analysis = self._analyze(self.trajectory(joints=False))
            if analysis is None:
                return None
        if self.lift.is_olympic and self._samples.any_joints and any(self._due(r) for r in analysis.segments):
            analysis = self._analyze(self.trajectory(), refine_from_s=refine_from_s, extend=self._due)
        return analysis

    def _due(self, rep: Rep) -> bool:
        """The segmenter's rep is final now and was not emitted final yet (`_is_final`)."""
        if self._samples.last_t_s < rep.settled_s + self.settle_s:
            return False
        return not any(k.final and _same_rep(rep, k.start_s, k.end_s) for k in self._known)

    def _refine_from_s(self) -> float:
        """From when the whole set's rep boundaries must be located on the raw samples: after the
        latest rep emitted final (plus ``refine_margin_s``), not after a known rep that is not final
        yet, and before any final rep that lost frames lie close to (``vbt.quality.lost`` marks and
        renumbers reps by their boundaries' distance to the gap)."""
        finals = [k for k in self._known if k.final]
        if not finals:
            return -math.inf
        from_s = max(k.end_s for k in finals) + self.refine_margin_s
        pending = [k.start_s for k in self._known if not (k.final or k.retracted)]
        from_s = min([from_s, *pending])
        if self._samples.any_lost():
            guard_s = LostFramesSettings().motion_window_s + self.refine_margin_s
            for span in self.lost_spans:
                for k in finals:
                    if span.before_t_s <= k.end_s + guard_s and span.after_t_s >= k.start_s - guard_s:
                        from_s = min(from_s, k.start_s - guard_s)
        return from_s

    def _analyze(
        self,
        trajectory: Trajectory,
        *,
        settings: AnalysisSettings | None = None,
        first: int = 0,
        refine_from_s: float = -math.inf,
        refine_unfinished: bool = True,
        extend: Callable[[Rep], bool] | None = None,
    ) -> SetAnalysis | None:
        if len(trajectory) < 2 or np.isfinite(trajectory.bar_xy_m).all(axis=1).sum() < 2:
            return None
        self.analyses += 1
        self.samples_analysed += len(trajectory)
        try:
            analysis = analyze_trajectory(
                trajectory,
                lift=self.lift,
                load_kg=self.load_kg,
                settings=settings or self.settings,
                refine_from_s=refine_from_s,
                refine_unfinished=refine_unfinished,
                extend=extend if trajectory.has_joints else _never,
            )
        except NotEnoughDataError:  # too short yet: wait for more samples
            return None
        return self._with_lost(analysis, first=first)

    @property
    def lost(self) -> np.ndarray:
        """(N,) for each sample added, whether its frame was lost."""
        return self._samples.lost

    @property
    def lost_spans(self) -> list[LostSpan]:
        """The stretches of lost frames so far (every one, short ones included)."""
        return lost_spans(self._samples.t_s, self._samples.lost)

    def _with_lost(self, analysis: SetAnalysis, *, first: int = 0) -> SetAnalysis:
        """The analysis of the samples from ``first`` with the lost frames among them marked."""
        if not self._samples.any_lost(first=first):
            return analysis
        spans = lost_spans(self._samples.t_s[first:], self._samples.lost[first:])
        return mark_lost_frames(analysis, spans, segmentation=self._segmentation)

    def _find(self, rep: RepMetrics, *, retracted: bool = False) -> _Known | None:
        """The known rep that ``rep`` is (their spans overlap by most of the shorter one), if any."""
        for known in self._known:
            if (retracted or not known.retracted) and _same_rep(rep, known.start_s, known.end_s):
                return known
        return None

    def _is_emitted_final(self, rep: RepMetrics) -> bool:
        known = self._find(rep)
        return known is not None and known.final

    def _moved_recently(self, t: float) -> bool:
        """The bar's height spanned at least the lift's smallest attempt over the last ``active_s``:
        only then can a rep have ended (between reps and sets nothing is re-analysed)."""
        start = int(np.searchsorted(self._samples.t_s, t - self.active_s))
        heights = self._samples.height_m[start:]
        heights = heights[np.isfinite(heights)]
        return bool(heights.size) and float(np.ptp(heights)) >= self._segmentation.min_attempt_m

    def _numbered(self, rep: RepMetrics, known: _Known) -> RepMetrics:
        """A provisional rep numbered among the reps kept so far (the final analysis numbers its own)."""
        index = 1 + sum(1 for k in self._known if not k.retracted and k.start_s < known.start_s)
        return dataclasses.replace(rep, index=index)

    def _rose_lately(self, t: float) -> bool:
        """Whether a rep may have just ended: in the last ``provisional_recent_s`` the bar was still
        rising (by at least the segmenter's ``rest_speed_m_s`` over ``provisional_rising_s``) at a
        height at least ``provisional_rise_frac`` of the lift's smallest attempt above the lowest
        since the latest kept rep's end (or ``window_s`` back). Every rep ends where such a rise
        stops (``segment_reps``: rises smaller than ``min_attempt_m`` are never reps), so while the
        bar is lowered, held or at rest the provisional look would find nothing new. Lifts from the
        floor (a deadlift, an Olympic pull) count a rise only from near the floor: an Olympic
        lift's stand-up from the catch is no rep, and looking through it cost as much as the pull."""
        ends = [k.end_s for k in self._known if not k.retracted]
        origin_s = max(t - self.window_s, max(ends) if ends else -math.inf)
        first = int(np.searchsorted(self._samples.t_s, origin_s))
        t_s, height_m = self._samples.t_s[first:], self._samples.height_m[first:]
        seen = np.isfinite(height_m)
        if seen.sum() < 2:
            return False
        t_s, height_m = t_s[seen], height_m[seen]
        rise_m = height_m - np.minimum.accumulate(height_m)
        dt_s = self.provisional_rising_s
        rising = height_m - np.interp(t_s - dt_s, t_s, height_m) >= self._segmentation.rest_speed_m_s * dt_s
        seg = self._segmentation
        needed_m = self.provisional_rise_frac * seg.min_attempt_m
        lately = (t_s >= t - self.provisional_recent_s) & rising & (rise_m >= needed_m)
        if lately.any() and self.lift.rises_from_floor:
            # a rep of these lifts rises from the floor (``segment_reps``: a stand-up from a catch
            # starts more than the floor tolerance above it), as high as the set's floor says
            floor_m = floor_level(self._samples.height_m)
            low_m = np.minimum.accumulate(height_m)
            tolerance_m = np.maximum(seg.floor_tolerance_m, seg.floor_tolerance_fraction * rise_m)
            lately &= low_m <= floor_m + tolerance_m
        return bool(lately.any())

    def _window_start_s(self, t: float) -> float:
        """The provisional look's first time: ``window_s`` back, or from ``window_edge_s`` plus
        ``window_lead_s`` before the latest kept rep's end, whichever is later."""
        ends = [k.end_s for k in self._known if not k.retracted]
        if not ends:
            return t - self.window_s
        return max(t - self.window_s, max(ends) - self.window_edge_s - self.window_lead_s)

    def _provisional(self, t: float) -> list[RepEvent]:
        start = np.searchsorted(self._samples.t_s, self._window_start_s(t))
        ends = [k.end_s for k in self._known if not k.retracted]
        analysis = self._analyze(
            self.trajectory(first=int(start), joints=self.provisional_joints),
            settings=self._provisional_settings,
            first=int(start),
            # the reps known already are passed over below: their boundaries need not be located
            refine_from_s=max(ends) + self.refine_margin_s if ends else -math.inf,
            refine_unfinished=False,  # a rep still rising at the newest sample is not reported yet
        )
        if analysis is None:
            return []
        events = []
        window_start_s = float(self._samples.t_s[int(start)])
        for rep in analysis.reps:
            if rep.end_s > t - self.provisional_lag_s or self._find(rep, retracted=True) is not None:
                continue
            if start > 0 and rep.start_s < window_start_s + self.window_edge_s:
                continue  # the filter's start-up at the window's edge can fake a movement there
            known = _Known(key=len(self._known) + 1, start_s=rep.start_s, end_s=rep.end_s)
            self._known.append(known)
            events.append(RepEvent(RepEventKind.PROVISIONAL, known.key, self._numbered(rep, known), t))
            # the earliest it can be final: an Olympic lift's hold comes after its end, another
            # lift's stop at lockout is looked for up to the stop check's end
            lag_s = self.settle_s + (0.0 if self.lift.is_olympic else self._stop_check_end_s)
            self._next_final_s = min(self._next_final_s, rep.end_s + lag_s)
        return events

    def _finals(self, analysis: SetAnalysis, t: float, *, closing: bool) -> list[RepEvent]:
        """Final events for the reps of a whole-set analysis that are final now (all when closing),
        and retractions of provisional reps it does not contain."""
        events = []
        for rep in analysis.reps:
            known = self._find(rep)
            if (known is not None and known.final) or not (closing or self._is_final(rep, analysis)):
                continue
            if known is None:
                known = _Known(key=len(self._known) + 1, start_s=rep.start_s, end_s=rep.end_s)
                self._known.append(known)
            known.final, known.start_s, known.end_s = True, rep.start_s, rep.end_s
            events.append(RepEvent(RepEventKind.FINAL, known.key, rep, t))
            if not closing:
                self.emitted.append(rep)
                self.emitted_at_s.append(t)
        for known in self._known:
            if known.final or known.retracted:
                continue
            if not (closing or t >= known.end_s + self.retract_after_s):
                continue
            if any(_same_rep(rep, known.start_s, known.end_s) for rep in analysis.reps):
                continue
            known.retracted = True
            gone = next(e.rep for e in self.events if e.key == known.key)
            events.append(RepEvent(RepEventKind.RETRACTED, known.key, gone, t))
        return events

    def _is_final(self, rep: RepMetrics, analysis: SetAnalysis) -> bool:
        """The segmenter says the rep is settled (``Rep.settled_s``), and the filter's edge has
        moved far enough past it (``settle_s``)."""
        return self._samples.last_t_s >= self._settled_s(rep, analysis) + self.settle_s

    def _settled_s(self, rep: RepMetrics, analysis: SetAnalysis) -> float:
        """From when later samples cannot change what the segmenter says of ``rep``. A rep the
        segmenter did not make (one that lost frames cut: ``vbt.quality.lost``) is settled as a
        squat's would be, past its end."""
        segment = next((s for s in analysis.segments if _same_rep(rep, s.start_s, s.end_s)), None)
        if segment is not None:
            return segment.settled_s
        return rep.end_s + self._stop_check_end_s

    @property
    def _stop_check_end_s(self) -> float:
        """How far past a rep's end the segmenter looks for the stop at lockout."""
        return (self._segmentation.stop_check_s or self._segmentation.rest_check_s)[1]
