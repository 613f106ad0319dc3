"""Every setting of the background motion estimator, in one place, each with its unit and its trade.

"Work pixels" are the pixels of the small grey image the estimator works on (the frame shrunk so
that its long side is ``work_long_side_px``); transforms are reported in the video's own pixels.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CameraMotionSettings:
    """How ``BackgroundMotion`` finds, follows and trusts background features.

    Image:
        work_long_side_px: the long side of the grey image worked on, pixels (never enlarged).
            Optical flow finds a corner to about 0.05 px and the transform averages dozens, so
            320 px resolves a 1280 px video's motion to a few hundredths of its pixels. Raising
            it finds finer texture but costs time with the square of the size; lowering it loses
            small or low-contrast backgrounds.

    Features (corners, ``cv2.goodFeaturesToTrack``), detected on a key frame only:
        max_features: corners kept per key frame. Raising it steadies the transform (its error
            falls as one over the square root) and costs flow time per frame; lowering it leaves
            fewer to survive occlusion by the lifter.
        feature_quality: a corner's score relative to the strongest corner's (OpenCV's
            ``qualityLevel``). Raising it keeps only crisp corners (fewer on a plain wall).
        feature_spacing_px: least distance between corners, work pixels: spreads them over the
            background, which fixes rotation and scale better than a cluster. Raising it spreads
            them further but gives fewer.

    Flow (``cv2.calcOpticalFlowPyrLK``) from the key frame to each frame:
        flow_window_px: the matched patch's side, work pixels (OpenCV's default).
        flow_levels: pyramid levels. The largest motion followed between frames is about
            ``flow_window_px / 2 * 2 ** flow_levels`` work pixels (84 at 21 and 3: a quarter of
            the frame per frame, faster than a person pans); anything faster is taken as a cut.
            Raising it follows faster pans and risks converging on a look-alike far away.

    Trust (``cv2.estimateAffinePartial2D`` by RANSAC):
        inlier_px: how far a feature may sit from where the transform puts it and still agree,
            work pixels (4 video pixels of a 1280 px frame at 320). Flow is exact to ~0.05 px,
            so the rest is parallax: a hand-held phone also shifts, and near and far things then
            move by different amounts. Raising it tolerates more parallax and rolling shutter but
            lets slowly moving things that are not background (a spotter, a mirror) vote.
        min_inliers: fewer agreeing features than this and the frame's motion is not measured:
            a similarity has 4 unknowns and two features fix it, so a dozen are needed before
            agreement means more than chance among the followed corners.
        min_inlier_fraction: of the features in view (outside the lifter and the plate), at
            least this share must agree. With the lifter and plate left out the background is
            most of what is left; when fewer agree, another motion dominates (a crowd, a cut).
        still_significance: a frame keeps the last frame's transform unless the fit moves the
            agreeing corners (RMS) by more than this many standard errors of the fit (their
            residual's RMS times sqrt(4 / n): 4 unknowns, n corners). 3 keeps a tripod's transform
            still with 99.7 % confidence per frame; raising it lets slow drift build up longer (it
            is caught up, not lost, once it is that large); lowering it lets the flow's noise through.
        renew_fraction: new corners are detected (the current frame becomes the key frame) when
            fewer than this share of the key frame's corners still agree. Each renewal chains
            one more measurement (its small error stays), so raising it renews more often and
            drifts more on a long clip; lowering it rests on fewer corners before renewing.

    What is not background:
        lifter_margin_trunks: the lifter's region is the outline of the pose's joints (one side:
            shoulder, hip, knee, ankle, toe, heel, wrists) grown by this many trunk lengths
            (shoulder to hip). The top of the head is 0.63 trunk lengths above the shoulder
            (segment lengths as fractions of height: shoulder to head top 0.182, trunk 0.288;
            Winter, Biomechanics and Motor Control of Human Movement, 4th ed., fig. 4.1), and the
            far arm, chest and clothes stand out about half a trunk. Raising it leaves less
            background near the lifter; lowering it lets the hair or the far arm vote.
        plate_margin_radii: the plate's region is its circle grown to this many radii: the blurred
            rim (a bar at 2 m/s moves 3 cm, 0.15 of a bumper's radius, in a 1/60 s exposure), the
            collar and the sleeve's end.
    """

    work_long_side_px: int = 320
    max_features: int = 80
    feature_quality: float = 0.01
    feature_spacing_px: float = 8.0
    flow_window_px: int = 15
    flow_levels: int = 3
    inlier_px: float = 1.0
    min_inliers: int = 12
    min_inlier_fraction: float = 0.5
    still_significance: float = 3.0
    renew_fraction: float = 0.5
    lifter_margin_trunks: float = 0.7
    plate_margin_radii: float = 1.3

    def __post_init__(self) -> None:
        if self.work_long_side_px < 32:
            raise ValueError(f"work_long_side_px must be at least 32, got {self.work_long_side_px}")
        if self.min_inliers < 3:
            raise ValueError(f"min_inliers must be at least 3 (a similarity needs 2), got {self.min_inliers}")
        for name in ("min_inlier_fraction", "renew_fraction"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be within (0, 1], got {value}")
        if self.max_features < self.min_inliers:
            raise ValueError(
                f"max_features ({self.max_features}) must be at least min_inliers ({self.min_inliers})"
            )
