"""Bar tracking: where the bar is in each frame, in pixels.

Choose a tracker and feed it frames in time order; each ``update`` returns a ``BarDetection``:

>>> tracker = PlateTracker()                                  # doctest: +SKIP
>>> for frame in source:                                      # doctest: +SKIP
...     detection = tracker.update(frame, hands_xy_px=wrists)
...     detection.xy_px, detection.confidence                 # NaN, 0.0 where not seen

- ``PlateTracker``: markerless; follows the near plate (its centre is on the bar's axis).
- ``ArucoTracker``: an ArUco marker taped to the sleeve end; also gives metres per pixel.
- ``ColorMarkerTracker``: a coloured dot on the sleeve end (HSV range).
- ``WristMidpointTracker``: the wrists' midpoint from pose; a last resort, low accuracy.

Modules: ``barbell_types`` (BarDetection, BarTracker), ``barbell_rim`` (rim fitting),
``barbell_search`` (plate search), ``barbell_vote`` (circles by gradient voting, optionally among
moving edges), ``barbell_motion`` (Kalman filter), ``barbell_plate``, ``barbell_markers``.
"""

from vbt.capture.barbell_markers import (
    ArucoTracker,
    ColorMarkerTracker,
    WristMidpointTracker,
    aruco_dictionary,
)
from vbt.capture.barbell_plate import PlateTracker
from vbt.capture.barbell_types import (
    BarDetection,
    BarMethod,
    BarTracker,
    hands_midpoint,
    stack_detections,
)

__all__ = [
    "ArucoTracker",
    "BarDetection",
    "BarMethod",
    "BarTracker",
    "ColorMarkerTracker",
    "PlateTracker",
    "WristMidpointTracker",
    "aruco_dictionary",
    "hands_midpoint",
    "stack_detections",
]
