"""What a bar tracker reports for one frame."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vbt.capture.bar import BarDetection, BarMethod


def test_bar_detection_checks_its_shapes() -> None:
    with pytest.raises(ValueError, match=r"xy_px must have shape \(2,\)"):
        BarDetection(t_s=0.0, xy_px=np.zeros(3), confidence=0.5, method=BarMethod.PLATE)
    with pytest.raises(ValueError, match="confidence"):
        BarDetection(t_s=0.0, xy_px=np.zeros(2), confidence=1.5, method=BarMethod.PLATE)
    missing = BarDetection.missing(1.0, BarMethod.PLATE)
    assert not missing.detected
    assert math.isnan(missing.axis_ratio)
