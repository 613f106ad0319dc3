"""The capture checks' settings (``vbt.quality.capture`` and ``vbt.quality.holder``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaptureCheckSettings:
    """Settings of the capture checks.

    Attributes:
        hands_min_seen_frac: the hands check runs on a rep when pose saw the hands (or what else holds
            the bar in the lift, `vbt.lifts.Holder`) in at least this share of its frames ...
        ends_s: ... and within this long of its start and of its end.
        hands_rise_range: the hands' rise over the tracked bar's rise in a rep must lie within this
            range: they hold the bar (or, in a squat, the bar on the back), so they rise as much, give
            or take perspective (the wrists are 0.2-0.5 m further from the camera than the near plate)
            and a landmark's error. Narrowing it catches more wrong tracks but flags more real ones.
        min_rise_px: reps whose bar rise is under this many pixels are not compared (too small to
            measure a ratio).
        cut_radius_frac: a plate whose circle reaches beyond the picture by more than this share of
            its radius is partly outside it (a third of its rim is then off the picture, and the centre
            and size rest on the rest).
        cut_min_frames_frac: ... in at least this share of a rep's frames, it is noted.
        size_change_doubt, size_change_suspect: the plate's radius growing or shrinking within a rep
            by more than this factor (90th over 10th percentile) means the bar moved towards or away
            from the camera (or the camera moved): velocity is off by as much. Doubt, then suspect.
            The same factors bound the rep's plate (its median radius) against the plate the scale
            was measured on: a scale that far from the rep's plate is off by as much for it.
        front_view_deg: a view further than this from the side is a front (or back) view: the plates
            are edge-on.
        oblique_view_deg: further than this, horizontal motion is foreshortened (a note).
        edge_on_axis_ratio: a plate outline flatter than this (minor over major) is nearly edge-on:
            cos(60 degrees).
        max_unknown_camera_frac: a rep with more than this share of its frames where the camera's
            motion could not be measured is doubted (its path assumes steady motion there).
        camera_moved_frac: a camera that moved more than this share of the frame is noted.
    """

    hands_min_seen_frac: float = 0.6
    ends_s: float = 0.15
    hands_rise_range: tuple[float, float] = (0.5, 2.0)
    min_rise_px: float = 8.0
    cut_radius_frac: float = 0.5
    cut_min_frames_frac: float = 0.3
    size_change_doubt: float = 1.10
    size_change_suspect: float = 1.20
    front_view_deg: float = 60.0
    oblique_view_deg: float = 30.0
    edge_on_axis_ratio: float = 0.5
    max_unknown_camera_frac: float = 0.3
    camera_moved_frac: float = 0.02
