"""Which side of the body faces the camera, chosen with hysteresis."""

from __future__ import annotations

import math

import numpy as np

from vbt.capture.pose.result import Side
from vbt.types import FloatArray


class SideChooser:
    """Chooses the side facing the camera, with hysteresis.

    Each frame's score is the mean visibility of the right-side cue landmarks minus the left's, plus
    ``depth_weight`` times how much nearer the right side is (MediaPipe's z, smaller is nearer). The
    score is smoothed (exponential, ``smoothing`` per frame) and the side changes only when the
    smoothed score favours the other side by more than ``margin``.
    """

    def __init__(self, *, margin: float = 0.1, smoothing: float = 0.3, depth_weight: float = 0.5) -> None:
        self.margin = margin
        self.smoothing = smoothing
        self.depth_weight = depth_weight
        self.side: Side | None = None
        self._score: float | None = None

    def reset(self) -> None:
        """Forget the side and the score (another person is followed from now on)."""
        self.side = None
        self._score = None

    def update(self, visibility_lr: FloatArray, z_lr: FloatArray) -> Side:
        """Feed one frame's cue landmarks and get the side to report.

        Parameters:
            visibility_lr: (K, 2) visibility of each cue landmark, columns left and right.
            z_lr: (K, 2) MediaPipe depth of the same landmarks (smaller: nearer the camera).
        """
        score = float(np.mean(visibility_lr[:, 1] - visibility_lr[:, 0]))
        depth = float(np.mean(z_lr[:, 0] - z_lr[:, 1]))
        if math.isfinite(depth):
            score += self.depth_weight * depth
        if self._score is None:
            self._score = score
        else:
            self._score += self.smoothing * (score - self._score)
        if self.side is None:
            self.side = "right" if self._score >= 0 else "left"
        elif self.side == "left" and self._score > self.margin:
            self.side = "right"
        elif self.side == "right" and self._score < -self.margin:
            self.side = "left"
        return self.side
