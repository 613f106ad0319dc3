"""The drawing functions the annotated video and the live screen share: known pictures, and both
callers drawing exactly what these functions draw."""

from __future__ import annotations

import math

import numpy as np

from tests.report.clips import Track, analyse
from vbt.calibration import Calibration
from vbt.live.screen import LiveScreen, ScreenState
from vbt.report import style
from vbt.report.draw import BONES, draw_paths, draw_skeleton
from vbt.report.overlay import OverlaySettings, SetAnnotator
from vbt.types import JOINT_NAMES, Lift

WHITE = (255, 255, 255)
SHADOW = style.hex_to_bgr(style.SHADOW)
WIDTH, HEIGHT = 320, 240
#: A lifter's joints in the lower right of a 320 x 240 frame (away from the video's panels), the
#: knee (index 2) not seen.
JOINTS = np.array([[210.0, 110.0], [220.0, 150.0], [math.nan, math.nan], [240.0, 200.0], [270.0, 215.0]])


def blank() -> np.ndarray:
    return np.zeros((HEIGHT, WIDTH, 3), np.uint8)


def test_a_path_is_drawn_in_its_colour_over_a_wider_shadow_and_paths_are_not_joined() -> None:
    image = blank()
    first = np.array([[20, 50], [120, 50]], np.int32)
    second = np.array([[160, 50], [260, 50]], np.int32)
    out = draw_paths(image, [first, second], [WHITE, (0, 0, 255)], width_px=3, shadow=(40, 40, 40))
    assert out is image  # drawn in place
    assert tuple(image[50, 70]) == WHITE
    assert tuple(image[50, 210]) == (0, 0, 255)
    bare = draw_paths(blank(), [first], [WHITE], width_px=3)
    lit, lit_bare = np.flatnonzero(image[:, 70, 0]), np.flatnonzero(bare[:, 70, 0])
    assert (lit[0], lit[-1]) == (lit_bare[0] - 1, lit_bare[-1] + 1)  # the shadow: 1 px more each side
    assert image[lit[0], 70, 0] <= 40 and image[lit[-1], 70, 0] <= 40  # in the shadow's colour at most
    assert not image[50, 135:145].any()  # nothing between the two paths
    assert not image[60:].any() and not image[:40].any()


def test_a_joint_not_seen_leaves_out_its_bones_and_each_joint_has_its_colour() -> None:
    fills = [(0, 0, 200 + j) for j in range(len(JOINT_NAMES))]
    image = draw_skeleton(
        blank(), JOINTS, bone=WHITE, bone_width_px=2, joint_colours=fills, joint_radius_px=3
    )
    for j in (0, 1, 3, 4):  # every seen joint's dot, in its own colour
        x, y = JOINTS[j].astype(int)
        assert tuple(image[y, x]) == fills[j]
    assert tuple(image[130, 215]) == WHITE  # the bone between the two first joints
    assert tuple(image[207, 255]) != (0, 0, 0)  # and between the last two
    assert not image[170:185, 225:235].any()  # none to or from the knee


def test_the_live_screen_draws_its_skeleton_with_the_shared_function() -> None:
    line = style.LIVE_STROKE.width_px(min(WIDTH, HEIGHT))
    live = LiveScreen(Lift.SQUAT).draw(blank(), ScreenState(status=""), joints_xy_px=JOINTS)
    white = [WHITE] * len(JOINT_NAMES)
    muted = style.hex_to_bgr(style.PALE)
    expected = draw_skeleton(
        blank(), JOINTS, bone=muted, bone_width_px=line, joint_colours=white, joint_radius_px=line + 1
    )
    assert np.array_equal(live, expected)


def annotated(*, skeleton: bool) -> np.ndarray:
    """A frame of a still bar (bottom left) with the lifter of ``JOINTS``, annotated."""
    t_s = np.arange(60) / 30.0
    bar = np.column_stack([np.full(t_s.size, 40.0), 200.0 - 10.0 * t_s])
    track = Track(t_s=t_s, bar_xy_px=bar, joints_xy_px=np.repeat(JOINTS[None], t_s.size, axis=0))
    calibration = Calibration(metres_per_px=0.005, method="known_length", origin_xy_px=np.array([0.0, 240.0]))
    analysis = analyse(track, calibration, lift=Lift.SQUAT)
    settings = OverlaySettings(skeleton=skeleton, legend=False)
    annotator = SetAnnotator(track, analysis, size_px=(WIDTH, HEIGHT), settings=settings)
    return annotator.annotate(np.full((HEIGHT, WIDTH, 3), 70, np.uint8), 1.0)


def test_the_annotated_video_draws_its_skeleton_with_the_shared_function_and_its_bones_where_live_does() -> (
    None
):
    line = style.VIDEO_STROKE.width_px(min(WIDTH, HEIGHT)) - 1
    fills = [style.hex_to_bgr(style.JOINT_COLOURS.get(name, style.WHITE)) for name in JOINT_NAMES]
    with_skeleton = annotated(skeleton=True)
    expected = draw_skeleton(
        annotated(skeleton=False),
        JOINTS,
        bone=WHITE,
        bone_width_px=line,
        joint_colours=fills,
        joint_radius_px=line + 3,
        shadow=SHADOW,
    )
    assert np.array_equal(with_skeleton, expected)
    # the two pictures differ in look, not in where the bones are: the same bones drawn, the same left out
    live = LiveScreen(Lift.SQUAT).draw(blank(), ScreenState(status=""), joints_xy_px=JOINTS)
    video_drawn = np.any(with_skeleton != annotated(skeleton=False), axis=2)
    live_drawn = np.any(live != 0, axis=2)
    for a, b in BONES:
        x, y = (
            np.round((JOINTS[a] + JOINTS[b]) / 2).astype(int) if np.isfinite(JOINTS[[a, b]]).all() else (0, 0)
        )
        if (x, y) != (0, 0):
            assert video_drawn[y, x] and live_drawn[y, x]
    assert not video_drawn[170:185, 225:235].any() and not live_drawn[170:185, 225:235].any()
