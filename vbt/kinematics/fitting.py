"""Many small least-squares fits at once (the grid searches of `onsets` and `peaks`)."""

from __future__ import annotations

import numpy as np

from vbt.types import FloatArray


def batched_lstsq(design: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Least squares of (N,) ``y`` on each of (G, N, K) designs: residual sums (G,), coefficients (G, K).

    The minimum-norm solution with `numpy.linalg.lstsq`'s default cutoff for small singular values, so
    a design whose columns are not independent (a hinge past the last samples, an empty side of a
    parabola) gets the answer lstsq would give, one design at a time, only 10-50 times faster.
    """
    cutoff = np.finfo(np.float64).eps * max(design.shape[1:])
    coefficients = np.asarray(np.linalg.pinv(design, rcond=cutoff) @ y, dtype=np.float64)
    residual = y[None, :] - np.einsum("gnk,gk->gn", design, coefficients)
    return np.asarray(np.sum(residual**2, axis=1), dtype=np.float64), coefficients
