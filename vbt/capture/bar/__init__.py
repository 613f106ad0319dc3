"""Bar tracking: where the bar is in each frame, in pixels.

Choose a tracker and feed it frames in time order; each ``update`` returns a ``BarDetection``:

>>> tracker = PlateTracker()                                  # doctest: +SKIP
>>> for frame in source:                                      # doctest: +SKIP
...     detection = tracker.update(frame, hands_xy_px=wrists)
...     detection.xy_px, detection.confidence                 # NaN, 0.0 where not seen

- ``PlateTracker``: markerless; follows the near plate (its centre is on the bar's axis). A
  ``RevisingBarTracker``: ``take_revisions()`` gives earlier frames it measured again. Every
  threshold is in ``PlateSettings`` (grouped by stage), and each rule can be switched off
  (``rule_names``, ``without``): ``PlateTracker(without(PlateSettings(), "choice.use_hands"))``.
- ``ArucoTracker``: an ArUco marker taped to the sleeve end; also gives metres per pixel.
- ``ColorMarkerTracker``: a coloured dot on the sleeve end (HSV range).
- ``EdgeOnPlateTracker``: a front (or back) view: the bar between the two plate stacks seen
  edge-on, their height (a 45 cm plate's) the scale (``EdgeOnSettings``).
- ``WristMidpointTracker``: the wrists' midpoint from pose; a last resort, low accuracy.

Everything outside this package imports from here only. Inside: ``types`` (BarDetection,
BarTracker), ``image`` (crops of the frame, reduced), ``rim`` (rim fitting), ``vote`` (circles and
centres by gradient voting, optionally among moving edges), ``search`` (the whole-frame plate
search), ``fit`` (a rim fitted near a guess), ``choice`` (which plate is the bar's), ``gate`` (what a barbell can do between frames), ``backfill``
(earlier frames measured again), ``motion`` (Kalman filter, scene watch), ``plate``
(``PlateTracker``), ``markers`` (the marker and wrist trackers), ``settings`` (``PlateSettings``),
``edge_on`` (the front view's plates), ``lattice`` (the one path through a clip's candidates) and
``whole_clip`` (``WholeClipTracker``: a file's plate chosen by the whole clip, ``WholeClipSettings``).
"""

from vbt.capture.bar.edge_on import (
    EdgeOnCandidates,
    EdgeOnPlates,
    EdgeOnPlateTracker,
    EdgeOnSettings,
    detection_of,
    edge_on_candidates,
    find_edge_on_plates,
    gap_ruler,
)
from vbt.capture.bar.markers import (
    ArucoTracker,
    ColorMarkerTracker,
    WristMidpointTracker,
    aruco_dictionary,
)
from vbt.capture.bar.plate import PlateTracker
from vbt.capture.bar.settings import (
    BackfillSettings,
    ChoiceSettings,
    ConfidenceSettings,
    FitSettings,
    GateSettings,
    PlateSettings,
    RimSettings,
    SearchSettings,
    SwitchSettings,
    TrackingSettings,
    VoteSettings,
    WatchSettings,
    WholeClipSettings,
    rule_names,
    without,
)
from vbt.capture.bar.types import (
    BarDetection,
    BarMethod,
    BarTracker,
    RevisingBarTracker,
    hands_midpoint,
    stack_detections,
)
from vbt.capture.bar.whole_clip import ContribEllipses, VotedCircles, WholeClipTracker

__all__ = [
    "ArucoTracker",
    "BackfillSettings",
    "BarDetection",
    "BarMethod",
    "BarTracker",
    "ChoiceSettings",
    "ColorMarkerTracker",
    "ConfidenceSettings",
    "ContribEllipses",
    "EdgeOnCandidates",
    "EdgeOnPlateTracker",
    "EdgeOnPlates",
    "EdgeOnSettings",
    "FitSettings",
    "GateSettings",
    "PlateSettings",
    "PlateTracker",
    "RevisingBarTracker",
    "RimSettings",
    "SearchSettings",
    "SwitchSettings",
    "TrackingSettings",
    "VoteSettings",
    "VotedCircles",
    "WatchSettings",
    "WholeClipSettings",
    "WholeClipTracker",
    "WristMidpointTracker",
    "aruco_dictionary",
    "detection_of",
    "edge_on_candidates",
    "find_edge_on_plates",
    "gap_ruler",
    "hands_midpoint",
    "rule_names",
    "stack_detections",
    "without",
]
