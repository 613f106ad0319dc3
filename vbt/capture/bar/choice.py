"""Which plate is the bar's: whole-frame search candidates scored, and when a track should switch.

Pure functions over ``search.Candidate``s (no state); ``PlateTracker`` calls them when it
starts a track and at its rechecks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vbt.capture.bar.search import Candidate
from vbt.types import FloatArray


@dataclass(frozen=True, eq=False)
class BarTrack:
    """The last track that was the bar's (it moved by more than the plate's radius, for a second).

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
    bar: BarTrack | None = None,
    t_s: float = math.nan,
) -> float:
    """How likely a candidate is the bar's near plate (larger is better, about 0..1.5).

    Parameters:
        c: the candidate.
        largest_px: the largest candidate's radius in the same search (the bar's plates are the
            largest discs in a side view).
        hands_xy: (2,) the lifter's hands, NaN when unknown.
        bar: the last track that was the bar's, to compare the candidate with (radius, place), at
            ``t_s``; None when there is none (a short track of a round shape on the lifter, or of
            a still plate, says nothing about where the bar is).
    """
    score = c.outline * math.sqrt(c.radius_px / largest_px)
    score *= 1.0 + 0.5 * min(1.0, c.motion / 10.0)
    if np.all(np.isfinite(hands_xy)):
        d = float(np.hypot(*(c.centre_px - hands_xy)))
        score *= 0.25 + 0.75 * math.exp(-0.5 * (d / (1.5 * c.radius_px)) ** 2)
    if bar is not None:
        # The plate keeps its size unless the lifter walks towards the camera: a disc of a
        # clearly different size is something else (a plate in a rack, a knee, a wheel).
        ratio = c.radius_px / bar.radius_px - 1.0
        score *= 0.2 + 0.8 * math.exp(-0.5 * (ratio / 0.15) ** 2) if abs(ratio) < 0.35 else 0.02
        if np.all(np.isfinite(bar.last_seen_xy)):
            reach = bar.radius_px * (1.0 + 4.0 * (t_s - bar.last_seen_t_s))
            d = float(np.hypot(*(c.centre_px - bar.last_seen_xy)))
            score *= 0.5 + 0.5 * math.exp(-0.5 * (d / reach) ** 2)
    return score


def plate_to_switch_to(
    candidates: list[Candidate],
    *,
    tracked_xy: FloatArray,
    radius_px: float,
    hands_xy: FloatArray,
    static: bool,
    hands_away: bool,
) -> Candidate | None:
    """The candidate a track should switch to, clearly apart from the tracked plate; None to stay.

    Parameters:
        candidates: a whole-frame search's plates.
        tracked_xy: (2,) where the tracked plate was last measured; radius_px: its radius.
        hands_xy: (2,) the lifter's hands, NaN when unknown.
        static: the tracked plate has not moved for half a second (a plate leaning on the wall,
            in a rack): a moving plate clearly larger than it (the loaded plate is the largest
            disc in a side view; a plate leaning on the wall is farther, so smaller) while nothing
            moves on or about it, or one at least about as large that looks more like the bar's
            plate (``plate_score``), takes over.
        hands_away: the hands are far from the tracked plate: a plate of its size at the hands
            takes over.
    """
    others = [c for c in candidates if np.hypot(*(c.centre_px - tracked_xy)) > 0.5 * radius_px]
    largest = max((c.radius_px for c in candidates), default=radius_px)
    # The tracked plate as this search sees it (it may have been missed: then as tracked).
    held = [c for c in candidates if np.hypot(*(c.centre_px - tracked_xy)) <= 0.5 * radius_px]
    held_score = max(
        (plate_score(c, largest, hands_xy) for c in held),
        default=math.sqrt(min(1.0, radius_px / largest)),
    )
    # Nothing moves on or about a wall plate; the lifter moves about the loaded plate (behind
    # it, the hands on the bar) before the bar does.
    held_still = all(c.motion < 5.0 and c.nearby_motion < 3.0 for c in held)
    better = [
        c
        for c in others
        if (
            static
            and c.motion >= 5.0
            and c.radius_px > 0.65 * radius_px
            and (
                (c.radius_px > 1.25 * radius_px and held_still)
                or plate_score(c, largest, hands_xy) > held_score
            )
        )
        or (
            hands_away
            and abs(c.radius_px / radius_px - 1.0) < 0.35
            and np.hypot(*(c.centre_px - hands_xy)) < 1.5 * c.radius_px
        )
    ]
    if not better:
        return None
    return max(better, key=lambda c: plate_score(c, largest, hands_xy))


def hands_far_from(hands_xy: FloatArray, tracked_xy: FloatArray, radius_px: float) -> bool:
    """True when the (2,) hands and the (2,) tracked plate are known and more than two plate
    radii apart: the track may have started on a round shape elsewhere while the lifter stood
    away from the bar."""
    if not (np.all(np.isfinite(hands_xy)) and np.all(np.isfinite(tracked_xy))):
        return False
    return bool(np.hypot(*(hands_xy - tracked_xy)) > 2.0 * radius_px)
