"""Frame times from arrival times, without the bursts of a busy reader.

A live source stamps each frame when the reader gets it. When the computer is busy (pose, analysis,
other programs), frames wait in the socket or the driver and are then read in a burst, a few
milliseconds apart although they were taken a frame interval apart: the bar seems to stop, then jump,
and a rep can split in two. Delivery only ever delays a frame, and a camera or phone app sends at a
steady rate, so frame ``k`` (the source's count) was taken at about ``k P + c``: ``P`` is the slope
between the least-delayed frames of the first and second half of the last ``window`` frames, ``c`` the
smallest ``a_j - j P`` over them (the least-delayed frames fix the rhythm and its phase)::

    t_k = min(a_k, k P + min_j (a_j - j P))

``t_k`` is never later than the arrival, and frames stay in order, at least a quarter interval apart:
a frame that cannot be placed so (a burst before ten frames have set the rhythm) is skipped. A frame the camera itself skipped
shifts the phase by one interval: the frames after it are placed one interval early until the skip
leaves the window (``window`` frames), a smaller error than the bursts it removes.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

#: Before the rhythm is known, frames read closer together than this are skipped (a burst).
_MIN_GAP_S = 0.004


class ArrivalClock:
    """Corrects arrival times as above; call ``correct`` for each frame in order."""

    def __init__(self, *, window: int = 60) -> None:
        self.window = window
        self._seen: deque[tuple[int, float]] = deque()
        self._last_s = -math.inf

    def correct(self, index: int, arrival_s: float) -> float | None:
        """The time of frame ``index`` (the source's count, increasing) that arrived at ``arrival_s``;
        None for a frame that cannot be placed (read in a burst before the rhythm is known: skip it)."""
        self._seen.append((index, arrival_s))
        while self._seen[0][0] < index - self.window:
            self._seen.popleft()
        period = self._period()
        if math.isnan(period):
            t = arrival_s
            min_gap_s = _MIN_GAP_S
        else:
            k = np.array([i for i, _ in self._seen], dtype=np.float64)
            a = np.array([s for _, s in self._seen])
            t = min(arrival_s, index * period + float(np.min(a - k * period)))
            min_gap_s = 0.25 * period
        if t < self._last_s + min_gap_s:
            return None
        self._last_s = t
        return t

    def _period(self) -> float:
        """The camera's frame interval: the slope between the least-delayed frames of the window's
        two halves (delays are one-sided, so those frames are the ones closest to the rhythm)."""
        if len(self._seen) < 10:
            return math.nan
        k = np.array([i for i, _ in self._seen], dtype=np.float64)
        a = np.array([s for _, s in self._seen])
        rough = float(np.median(np.diff(a) / np.diff(k)))
        rest = a - k * rough
        half = k.size // 2
        i1, i2 = int(np.argmin(rest[:half])), half + int(np.argmin(rest[half:]))
        return float(rough + (rest[i2] - rest[i1]) / (k[i2] - k[i1]))

    def reset(self) -> None:
        """Forget the rhythm (a new source after a reconnect)."""
        self._seen.clear()
        self._last_s = -math.inf
