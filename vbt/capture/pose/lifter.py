"""Which person is the lifter, and when to look again: ``LifterSettings`` and ``LifterChooser``.

MediaPipe's pose landmarker in video mode detects a person once and then tracks that person from
frame to frame. With one pose it keeps whoever it found first (a seated spectator, a spotter behind
the bench) for the whole clip; with several it runs its person detector on every frame in which it
tracks fewer people than that, about four times the cost. ``MediaPipePose`` keeps the cheap
single-person tracking and checks it now and then with a multi-person detection on the same frame;
``LifterChooser`` decides when and whom:

- **The lifter is the most prominent person**: the one whose body is longest in the image, which
  among people of a height is the nearest to the camera (the camera is set up for the lifter).
  The length is ``stature_px``: the longest of the torso, the thigh and the shank, each over its
  fraction of stature (Drillis & Contini), so that bending, squatting, sitting, lying on a bench or
  pointing a limb at the camera, which only shorten some segments, change it little.
- **A challenger must be clearly more prominent**: a person the check found replaces the tracked
  one when ``switch_ratio`` times as long, both measured by the check. When the check does not find
  the tracked person at all (MediaPipe's tracker stays on, or drifts to, people its detector does
  not take for one: seated, half hidden behind the lifter) it is enough to be ``undetected_ratio``
  times as long. The same challenger must win ``confirm_checks`` checks in a row. With nobody
  tracked, the most prominent of several people found is taken at once (a lone one MediaPipe's
  detector finds itself).
- **Checks are cheap while there is no doubt**: at the first frame, then every ``check_interval_s``
  while the checks find the tracked person alone. In doubt, for ``doubt_memory_s`` after a check
  found someone else or missed the tracked person, after a switch, or after the tracker lost the
  lifter and found someone not where the lifter was: at once, then every ``doubt_interval_s``.
  Never closer together than ``min_check_gap_s``.
- **Checks shed with pose** (live mode under load, ``vbt.live.shedding``): when pose runs on one
  frame in ``pose_every`` (``LifterChooser.shed``), the intervals between checks are that many
  times as long, so a check costs the same share of pose's work at every level. What the tracked
  pose itself shows is still answered at the unshed interval: when it jumps between two posed
  frames further than a body moves (``body_speed_stature_per_s``) or its stature leaves the
  stature of the last check by ``switch_ratio`` either way (the tracker on someone else, or someone
  walking in front of the lifter), the next check comes ``check_interval_s`` after the last.
- **A bystander is not reported for a lost lifter**: when MediaPipe loses the lifter and finds,
  within ``lifter_memory_s``, someone who is not where the lifter was and is clearly less
  prominent than the lifter (``switch_ratio``), that person's joints are not reported (NaN: the
  lifter is unseen) until a check switches to someone, the lifter is found again or the memory
  ends. A seated spectator is what MediaPipe finds when the lifter, moving fast under the bar, is
  briefly not detectable. Meanwhile checks come every ``min_check_gap_s`` and the first person
  found more prominent than the bystander is taken without confirmation.

What the person does with the bar is not used: the pose runs beside the bar finder, which itself
picks the plate by the lifter's hands. Landmarks here are MediaPipe's 33, as (33, 2) pixel
positions (x right, y down), finite however visible (MediaPipe guesses hidden ones).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vbt.capture.pose.people import same_person, stature_px
from vbt.errors import InputError
from vbt.types import FloatArray


@dataclass(frozen=True)
class LifterSettings:
    """How the lifter is chosen among the people in the picture (see the module docstring).

    Attributes:
        enabled: False follows whoever MediaPipe finds first, checking nothing (vbt before
            lifter-following; kept to show what the checks buy).
        check_poses: people a check looks for (MediaPipe's ``num_poses``). Raising it finds the
            lifter in a bigger crowd; each person found costs one more landmark run in that check.
        check_interval_s: seconds between checks while the checks find the tracked person alone.
            Lowering it catches a wrong person sooner in clips that looked like one person's; a
            check costs about two tracked frames. With pose shed to one frame in n
            (``LifterChooser.shed``), n times as long unless the tracked pose changes.
        doubt_interval_s: seconds between checks while in doubt (see ``doubt_memory_s``); n times
            as long with pose shed, as ``check_interval_s``.
        doubt_memory_s: how long doubt lasts after a check found someone else or missed the
            tracked person, after a switch, or after the tracker lost the lifter and found someone
            not where the lifter was. Raising either costs checks in crowded clips, lowering lets
            a drift to someone else last longer.
        min_check_gap_s: no two checks closer together, whatever the tracker does (it can lose and
            find people every frame).
        switch_ratio: how many times as long in the image a challenger must be when the check
            found both it and the tracked person. Raising it keeps the tracked person through
            bigger differences; lowering it towards 1 lets two people of a size take turns.
        undetected_ratio: the same when the check did not find the tracked person (1: whoever is
            longer). Raising it trusts MediaPipe's tracker more than its detector.
        confirm_checks: checks in a row the same challenger must win (1: switch at once). Guards
            against a false detection in one frame at the cost of ``min_check_gap_s`` per check.
        same_person_frac: two skeletons of one frame are one person when their landmarks lie
            closer than this fraction of the shorter one's stature (the median distance)...
        same_person_overlap: ...and their landmarks' boxes overlap by at least this much
            (intersection over union). The tracker's landmarks are smoothed over frames and lag the
            check's in fast moves: on real clips one person measured both ways lies within 0.18
            statures and overlaps by 0.34 or more, a spectator behind the lifter lies 0.2 statures
            from him and overlaps by 0.15. Raising the first or lowering the second confuses people
            close together in the image; the other way misses a person measured twice.
        body_speed_stature_per_s: how fast a body's landmarks can move between two checks (their
            median), in statures per second, to be the same challenger still (a snatch moves the
            hips about 1.5 m/s, 0.9 statures per second).
        seed_pad_frac: room left visible around the chosen person, as a fraction of its stature,
            in the frame that steers MediaPipe's tracker to it.
        lifter_memory_s: how long the lifter is remembered after MediaPipe lost it. A person found
            in that time, not where the lifter was and clearly less prominent than the lifter
            (``switch_ratio``), is not reported (NaN: the lifter is unseen) until a check switches
            to someone, the lifter is found again or the memory ends. Raising it leaves longer gaps
            where the lifter comes back measured short (half hidden); lowering it reports a
            bystander sooner.
        stature_memory_s: the lifter's stature is the median measured over this much following
            (one frame's measure varies by a quarter as MediaPipe guesses hidden limbs).
    """

    enabled: bool = True
    check_poses: int = 3
    check_interval_s: float = 1.0
    doubt_interval_s: float = 0.33
    doubt_memory_s: float = 3.0
    min_check_gap_s: float = 0.2
    switch_ratio: float = 1.25
    undetected_ratio: float = 1.0
    confirm_checks: int = 2
    same_person_frac: float = 0.25
    same_person_overlap: float = 0.25
    body_speed_stature_per_s: float = 1.0
    seed_pad_frac: float = 0.3
    lifter_memory_s: float = 2.0
    stature_memory_s: float = 1.0

    def __post_init__(self) -> None:
        if self.check_poses < 2:
            raise InputError(f"check_poses must be at least 2 to compare people, got {self.check_poses}")
        if self.confirm_checks < 1:
            raise InputError(f"confirm_checks must be at least 1, got {self.confirm_checks}")
        if not (self.switch_ratio > 0 and self.undetected_ratio > 0 and self.check_interval_s > 0):
            raise InputError("switch_ratio, undetected_ratio and check_interval_s must be positive")


class LifterChooser:
    """When to check whom MediaPipe tracks, and whom to follow instead (see the module docstring).

    An explicit state machine fed one frame at a time, in time order: ``check_due`` every frame,
    ``choose`` on the frames it says, ``steered`` after a switch. ``tracked_is_lifter`` says whether
    the person tracked is taken for the lifter (not when MediaPipe lost the lifter and found someone
    clearly less prominent). ``checks`` and ``switches`` count what it did.
    """

    def __init__(self, settings: LifterSettings | None = None) -> None:
        self.settings = settings if settings is not None else LifterSettings()
        self.checks = 0
        self.switches = 0
        self._last_check_s = -math.inf
        self._next_check_s = -math.inf  # the first frame is checked
        self._doubt_until_s = -math.inf
        self._was_tracking = False
        self._challenger: FloatArray | None = None
        self._challenger_t_s = math.nan
        self._wins = 0
        self._chosen: FloatArray | None = None
        self._statures: deque[tuple[float, float]] = deque()  # (t_s, stature_px) of the lifter
        self._lifter_t_s = -math.inf  # when the lifter was last tracked
        self._lifter_xy: FloatArray | None = None  # where
        self.tracked_is_lifter = True
        self.pose_every = 1
        self.evidence_checks = 0
        self._previous: tuple[float, FloatArray] | None = None  # the last posed frame's tracked person
        self._checked_stature_px = math.nan  # the lifter's stature at the last check

    def shed(self, pose_every: int) -> None:
        """Pose runs on one frame in ``pose_every`` from now on: checks that often fewer, except when
        the tracked pose changes (see the module docstring). 1: every frame, the intervals as set."""
        if pose_every < 1:
            raise InputError(f"pose_every must be at least 1, got {pose_every}")
        self.pose_every = pose_every

    def check_due(self, t_s: float, tracked_xy_px: FloatArray | None) -> bool:
        """Whether to check this frame.

        Parameters:
            t_s: the frame's time.
            tracked_xy_px: (33, 2) landmarks of the person MediaPipe tracks in this frame, or None.
        """
        s = self.settings
        found_again = tracked_xy_px is not None and not self._was_tracking
        self._was_tracking = tracked_xy_px is not None
        if tracked_xy_px is not None:
            remembered = t_s - self._lifter_t_s <= s.lifter_memory_s
            if found_again and self.checks > 0:
                again = remembered and self._is_last_lifter(t_s, tracked_xy_px)
                smaller = s.switch_ratio * stature_px(tracked_xy_px) < self._lifter_stature_px()
                self.tracked_is_lifter = again or not (remembered and smaller)
                if not again:
                    self._doubt_until_s = t_s + s.doubt_memory_s  # maybe someone else: check now
                    self._next_check_s = min(self._next_check_s, t_s)
            elif not remembered:
                self.tracked_is_lifter = True  # the lifter did not come back: whoever is there now
            if self.tracked_is_lifter:
                self._remember(t_s, tracked_xy_px)
        if self.pose_every > 1:
            self._watch(t_s, tracked_xy_px)
        self._previous = None if tracked_xy_px is None else (t_s, tracked_xy_px)
        return t_s >= self._next_check_s and t_s - self._last_check_s >= s.min_check_gap_s

    def choose(
        self, t_s: float, tracked_xy_px: FloatArray | None, candidates_xy_px: Sequence[FloatArray]
    ) -> int | None:
        """At a check: the candidate to follow from this frame on, or None to keep the tracked person.

        Parameters:
            t_s: the frame's time.
            tracked_xy_px: (33, 2) landmarks of the person tracked in this frame, or None.
            candidates_xy_px: (33, 2) landmarks of each person the check found in the same frame.
        """
        s = self.settings
        self.checks += 1
        self._last_check_s = t_s
        statures = [stature_px(c) for c in candidates_xy_px]
        mine = None
        if tracked_xy_px is not None:
            mine = next(
                (
                    i
                    for i, c in enumerate(candidates_xy_px)
                    if same_person(
                        tracked_xy_px,
                        c,
                        tolerance_frac=s.same_person_frac,
                        min_overlap=s.same_person_overlap,
                    )
                ),
                None,
            )
        others = [i for i in range(len(statures)) if i != mine and math.isfinite(statures[i])]
        if others or (tracked_xy_px is not None and mine is None):
            self._doubt_until_s = t_s + s.doubt_memory_s
        best = max(others, key=statures.__getitem__) if others else None
        if best is not None and tracked_xy_px is None:
            # Nobody tracked: MediaPipe's detector, which runs until it finds someone, takes a lone
            # person itself; among several, it is steered to the most prominent at once.
            if len(others) > 1:
                self._switch(t_s, candidates_xy_px[best])
                return best
            best = None
        if best is None or not self._wins_over(statures[best], tracked_xy_px, mine, statures):
            self._forget_challenger()
            if not self.tracked_is_lifter:  # a bystander tracked, the lifter unseen: look again soon
                self._next_check_s = t_s + s.min_check_gap_s
            elif t_s < self._doubt_until_s:
                self._next_check_s = t_s + s.doubt_interval_s * self.pose_every
            else:
                self._next_check_s = t_s + s.check_interval_s * self.pose_every
            self._checked_stature_px = self._lifter_stature_px()
            return None
        self._count_win(t_s, candidates_xy_px[best])
        if self._wins < s.confirm_checks and self.tracked_is_lifter:
            self._next_check_s = t_s + s.min_check_gap_s  # confirm soon
            return None
        self._switch(t_s, candidates_xy_px[best])
        return best

    def _switch(self, t_s: float, chosen_xy_px: FloatArray) -> None:
        s = self.settings
        self._forget_challenger()
        self._chosen = chosen_xy_px
        self.switches += 1
        self._doubt_until_s = t_s + s.doubt_memory_s
        self._next_check_s = t_s + s.doubt_interval_s

    def steered(self, t_s: float, *, followed: bool) -> None:
        """After a switch: whether MediaPipe's tracker now follows the person chosen, who is the
        lifter from now on. When it does not, the next check comes as soon as ``min_check_gap_s``
        allows."""
        self._was_tracking = followed
        self.tracked_is_lifter = True
        self._statures.clear()
        if self._chosen is not None:
            self._remember(t_s, self._chosen)
        if not followed:
            self._next_check_s = t_s + self.settings.min_check_gap_s
        self._checked_stature_px = self._lifter_stature_px()

    def _watch(self, t_s: float, tracked_xy_px: FloatArray | None) -> None:
        """While checks are shed: the next check ``check_interval_s`` after the last (not the shed
        interval) when the tracked person jumped since the last posed frame or changed in size."""
        s = self.settings
        if tracked_xy_px is None or self._previous is None or not self.tracked_is_lifter:
            return  # a person lost and found is answered in check_due
        previous_t_s, previous_xy = self._previous
        jumped = not same_person(
            previous_xy,
            tracked_xy_px,
            tolerance_frac=s.same_person_frac + s.body_speed_stature_per_s * (t_s - previous_t_s),
            min_overlap=s.same_person_overlap,
        )
        ratio = self._lifter_stature_px() / self._checked_stature_px
        resized = math.isfinite(ratio) and not (1.0 / s.switch_ratio < ratio < s.switch_ratio)
        due_s = self._last_check_s + s.check_interval_s
        if (jumped or resized) and due_s < self._next_check_s:
            self._next_check_s = due_s
            self.evidence_checks += 1

    def _is_last_lifter(self, t_s: float, person_xy_px: FloatArray) -> bool:
        """Whether a person is where the lifter last was, as far as it can have moved since."""
        s = self.settings
        moved = s.body_speed_stature_per_s * (t_s - self._lifter_t_s)
        return self._lifter_xy is not None and same_person(
            self._lifter_xy,
            person_xy_px,
            tolerance_frac=s.same_person_frac + moved,
            min_overlap=s.same_person_overlap,
        )

    def _remember(self, t_s: float, lifter_xy_px: FloatArray) -> None:
        self._lifter_t_s = t_s
        self._lifter_xy = lifter_xy_px
        stature = stature_px(lifter_xy_px)
        if math.isfinite(stature):
            self._statures.append((t_s, stature))
        while self._statures and self._statures[0][0] < t_s - self.settings.stature_memory_s:
            self._statures.popleft()

    def _lifter_stature_px(self) -> float:
        """The lifter's stature lately: the median of its last ``stature_memory_s`` (NaN: none)."""
        if not self._statures:
            return math.nan
        return float(np.median([stature for _, stature in self._statures]))

    def _wins_over(
        self, stature: float, tracked_xy_px: FloatArray | None, mine: int | None, statures: list[float]
    ) -> bool:
        """Whether a challenger this long beats the tracked person (measured by the check when it
        found it, else by the tracker)."""
        if tracked_xy_px is None:
            return False
        s = self.settings
        own = statures[mine] if mine is not None else stature_px(tracked_xy_px)
        ratio = s.switch_ratio if mine is not None else s.undetected_ratio
        return not math.isfinite(own) or stature >= ratio * own

    def _count_win(self, t_s: float, challenger: FloatArray) -> None:
        s = self.settings
        moved = s.body_speed_stature_per_s * (t_s - self._challenger_t_s)
        again = self._challenger is not None and same_person(
            self._challenger, challenger, tolerance_frac=s.same_person_frac + moved
        )
        self._wins = self._wins + 1 if again else 1
        self._challenger, self._challenger_t_s = challenger, t_s

    def _forget_challenger(self) -> None:
        self._challenger, self._challenger_t_s, self._wins = None, math.nan, 0
