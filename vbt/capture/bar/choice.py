"""Which plate is the bar's: whole-frame search candidates scored, and when a track should switch.

Pure functions over ``search.Candidate``s (no state); ``PlateTracker`` calls them when it
starts a track and at its rechecks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vbt.capture.bar.search import Candidate
from vbt.capture.bar.settings import ChoiceSettings, PlateSettings
from vbt.types import FloatArray


@dataclass(frozen=True, eq=False)
class BarTrack:
    """The last track that was the bar's (it moved by more than ``ChoiceSettings.bar_moved_radii``
    and lasted ``bar_track_min_s``).

    Attributes:
        radius_px: the plate's radius on that track.
        last_seen_xy: (2,) where the plate was last measured.
        last_seen_t_s: when.
    """

    radius_px: float
    last_seen_xy: FloatArray
    last_seen_t_s: float


def plate_score(
    c: Candidate,
    largest_px: float,
    hands_xy: FloatArray,
    *,
    settings: ChoiceSettings,
    bar: BarTrack | None = None,
    t_s: float = math.nan,
) -> float:
    """How likely a candidate is the bar's near plate (larger is better, about 0..1.5).

    Parameters:
        c: the candidate.
        largest_px: the largest candidate's radius in the same search (the bar's plates are the
            largest discs in a side view).
        hands_xy: (2,) the lifter's hands, NaN when unknown.
        settings: the weights, and which of them count (``use_size``, ``use_motion``,
            ``use_hands``, ``use_bar_size``, ``use_bar_place``).
        bar: the last track that was the bar's, to compare the candidate with (radius, place), at
            ``t_s``; None when there is none (a short track of a round shape on the lifter, or of
            a still plate, says nothing about where the bar is).
    """
    s = settings
    score = c.outline * math.sqrt(c.radius_px / largest_px) if s.use_size else c.outline
    if s.use_motion:
        score *= 1.0 + s.motion_bonus_frac * min(1.0, c.motion / s.motion_full_levels)
    if s.use_hands and np.all(np.isfinite(hands_xy)):
        d = float(np.hypot(*(c.centre_px - hands_xy)))
        floor = s.hands_floor_frac
        score *= floor + (1.0 - floor) * math.exp(-0.5 * (d / (s.hands_reach_radii * c.radius_px)) ** 2)
    if bar is not None:
        if s.use_bar_size:
            # The plate keeps its size unless the lifter walks towards the camera: a disc of a
            # clearly different size is something else (a plate in a rack, a knee, a wheel).
            ratio = c.radius_px / bar.radius_px - 1.0
            floor = s.bar_size_floor_frac
            score *= (
                floor + (1.0 - floor) * math.exp(-0.5 * (ratio / s.bar_size_spread_frac) ** 2)
                if abs(ratio) < s.bar_size_max_frac
                else s.bar_size_other_frac
            )
        if s.use_bar_place and np.all(np.isfinite(bar.last_seen_xy)):
            reach = bar.radius_px * (
                s.bar_place_reach_radii + s.bar_place_growth_radii_s * (t_s - bar.last_seen_t_s)
            )
            d = float(np.hypot(*(c.centre_px - bar.last_seen_xy)))
            floor = s.bar_place_floor_frac
            score *= floor + (1.0 - floor) * math.exp(-0.5 * (d / reach) ** 2)
    return score


def plate_to_switch_to(
    candidates: list[Candidate],
    *,
    tracked_xy: FloatArray,
    radius_px: float,
    hands_xy: FloatArray,
    static: bool,
    hands_away: bool,
    settings: PlateSettings,
    held_rim_px: FloatArray | None = None,
) -> Candidate | None:
    """The candidate a track should switch to, clearly apart from the tracked plate; None to stay.

    Parameters:
        candidates: a whole-frame search's plates.
        tracked_xy: (2,) where the tracked plate was last measured; radius_px: its radius.
        hands_xy: (2,) the lifter's hands, NaN when unknown.
        static: the tracked plate has not moved for ``SwitchSettings.still_min_s`` (a plate leaning
            on the wall, in a rack): a moving plate clearly larger than it (the loaded plate is the
            largest disc in a side view; a plate leaning on the wall is farther, so smaller) while
            nothing moves on or about it (``use_larger_moving``), or one at least about as large
            that looks more like the bar's plate (``plate_score``), takes over.
        hands_away: the hands are far from the tracked plate: a plate of its size at the hands
            takes over.
        settings: the switch's thresholds (``SwitchSettings``) and the score's (``ChoiceSettings``).
        held_rim_px: (K, 2) the tracked plate's rim points found in this frame (``Found.rim_px``),
            None when it was not found: a static switch never goes to a circle that would hide
            that rim if it were a plate in front (``SwitchSettings.use_seen_rim_behind``).
    """
    sw, choice = settings.switch, settings.choice
    apart_px = sw.apart_radii * radius_px
    others = [c for c in candidates if np.hypot(*(c.centre_px - tracked_xy)) > apart_px]
    largest = max((c.radius_px for c in candidates), default=radius_px)
    # The tracked plate as this search sees it (it may have been missed: then as tracked).
    held = [c for c in candidates if np.hypot(*(c.centre_px - tracked_xy)) <= apart_px]
    held_score = max(
        (plate_score(c, largest, hands_xy, settings=choice) for c in held),
        default=math.sqrt(min(1.0, radius_px / largest)) if choice.use_size else 1.0,
    )
    # Nothing moves on or about a wall plate; the lifter moves about the loaded plate (behind
    # it, the hands on the bar) before the bar does.
    held_still = all(c.motion < sw.moving_levels and c.nearby_motion < sw.still_nearby_levels for c in held)
    better = [
        c
        for c in others
        if (
            static
            and not _behind_seen_rim(c, held_rim_px, settings=settings)
            and c.motion >= sw.moving_levels
            and c.radius_px > sw.min_size_radii * radius_px
            and (
                (sw.use_larger_moving and c.radius_px > sw.larger_radii * radius_px and held_still)
                or plate_score(c, largest, hands_xy, settings=choice) > held_score
            )
        )
        or (
            hands_away
            and abs(c.radius_px / radius_px - 1.0) < sw.hands_size_frac
            and np.hypot(*(c.centre_px - hands_xy)) < sw.hands_reach_radii * c.radius_px
        )
    ]
    if not better:
        return None
    return max(better, key=lambda c: plate_score(c, largest, hands_xy, settings=choice))


def _behind_seen_rim(c: Candidate, held_rim_px: FloatArray | None, *, settings: PlateSettings) -> bool:
    """True when ``c``'s disc holds at least ``SwitchSettings.seen_rim_inside_frac`` of the tracked
    plate's rays as rim seen in this frame (``held_rim_px``, (K, 2)): ``c`` is not a plate in front of it
    (it would hide that rim), so not the loaded plate passing before a still one."""
    sw = settings.switch
    if not sw.use_seen_rim_behind or held_rim_px is None or len(held_rim_px) == 0:
        return False
    inside_px = c.radius_px * (1.0 - settings.rim.tolerance_radii)
    inside = np.hypot(*(held_rim_px - c.centre_px).T) < inside_px
    return bool(np.count_nonzero(inside) >= sw.seen_rim_inside_frac * settings.rim.n_rays)


def hands_far_from(
    hands_xy: FloatArray, tracked_xy: FloatArray, radius_px: float, *, far_radii: float
) -> bool:
    """True when the (2,) hands and the (2,) tracked plate are known and more than ``far_radii``
    plate radii apart: the track may have started on a round shape elsewhere while the lifter
    stood away from the bar."""
    if not (np.all(np.isfinite(hands_xy)) and np.all(np.isfinite(tracked_xy))):
        return False
    return bool(np.hypot(*(hands_xy - tracked_xy)) > far_radii * radius_px)
