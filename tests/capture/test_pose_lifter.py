"""Which person is the lifter: the pure choosing logic on synthetic skeletons with known sizes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from vbt.capture.pose import LifterChooser, LifterSettings
from vbt.capture.pose.people import box_overlap, same_person, seed_image, stature_px
from vbt.errors import InputError

#: Height above the floor of MediaPipe's landmarks as fractions of stature (Drillis & Contini),
#: and their sideways offset (+ right of the body's axis) as fractions of stature.
_HEIGHT = {
    range(0, 11): 0.936,  # face
    range(11, 13): 0.818,  # shoulders
    range(13, 15): 0.630,  # elbows
    range(15, 23): 0.485,  # wrists and hands
    range(23, 25): 0.530,  # hips
    range(25, 27): 0.285,  # knees
    range(27, 29): 0.039,  # ankles
    range(29, 33): 0.0,  # heels and toes
}


def standing(x_px: float, floor_px: float, stature: float) -> np.ndarray:
    """(33, 2) landmarks of a person standing at ``x_px`` on a floor at ``floor_px``."""
    points = np.zeros((33, 2))
    for indices, height in _HEIGHT.items():
        for i in indices:
            side = -1.0 if i % 2 else 1.0  # MediaPipe: odd left, even right (from landmark 11)
            points[i] = (x_px + side * 0.05 * stature, floor_px - height * stature)
    return points


def seated(x_px: float, floor_px: float, stature: float) -> np.ndarray:
    """A person sitting with the thighs pointing at the camera: the knees in front of the hips, so
    in the image at the same place; torso and shanks upright."""
    points = standing(x_px, floor_px, stature)
    lowered = 0.530 - 0.285  # the hips come down to the knees' height
    points[:25, 1] += lowered * stature
    points[25:27] = points[23:25]
    points[25:27, 1] = floor_px - 0.285 * stature  # knees where the hips are now
    return points


def test_stature_of_a_standing_person_is_its_height() -> None:
    assert stature_px(standing(300, 700, 400)) == pytest.approx(400)


def test_sitting_or_bending_keeps_the_stature() -> None:
    # The thighs point at the camera: zero length in the image; the torso and shanks still say 400.
    assert stature_px(seated(300, 700, 400)) == pytest.approx(400)
    bent = standing(300, 700, 400)
    bent[11:13] = bent[23:25] + np.array([0.288 * 400, 0.0])  # torso horizontal: shoulders at hip level
    assert stature_px(bent) == pytest.approx(400)


def test_stature_needs_landmarks() -> None:
    assert np.isnan(stature_px(np.full((33, 2), np.nan)))
    with pytest.raises(InputError, match=r"\(33, 2\)"):
        stature_px(np.zeros((5, 2)))


def test_same_person_needs_close_landmarks_and_overlapping_outlines() -> None:
    lifter = standing(300, 700, 400)
    assert same_person(lifter, lifter + 10.0, tolerance_frac=0.15)  # moved 14 px < 60 px
    assert not same_person(lifter, lifter + 50.0, tolerance_frac=0.15)  # 71 px
    # Relative to the shorter one: a spectator half the lifter's size 40 px off is not him.
    spectator = standing(340, 700, 200)
    assert not same_person(lifter, spectator, tolerance_frac=0.25)
    assert not same_person(lifter, np.full((33, 2), np.nan), tolerance_frac=0.15)
    # The same landmarks but the feet guessed 400 px lower: the median distance is 0, the boxes'
    # overlap is the first's height over the second's, 374.4 / 774.4 = 0.48.
    guessed = lifter.copy()
    guessed[27:33, 1] = 1100.0
    assert box_overlap(lifter, guessed) == pytest.approx(374.4 / 774.4)
    assert same_person(lifter, guessed, tolerance_frac=0.15, min_overlap=0.25)
    assert not same_person(lifter, guessed, tolerance_frac=0.15, min_overlap=0.5)


SETTINGS = LifterSettings(
    check_interval_s=1.0,
    doubt_interval_s=0.3,
    doubt_memory_s=2.0,
    min_check_gap_s=0.2,
    switch_ratio=1.25,
    undetected_ratio=1.0,
    confirm_checks=2,
)
LIFTER = standing(400, 700, 420)
SPECTATOR = seated(560, 600, 220)


def frames(chooser: LifterChooser, seconds: float, tracked: np.ndarray | None, found: list[np.ndarray]):
    """Feed 30 frames a second; the times of the checks and what each chose."""
    decisions = []
    for i in range(round(seconds * 30)):
        t_s = i / 30
        if chooser.check_due(t_s, tracked):
            choice = chooser.choose(t_s, tracked, found)
            decisions.append((round(t_s, 2), choice))
            if choice is not None:
                chooser.steered(t_s, followed=True)
                tracked = found[choice]
    return decisions


def test_a_spectator_tracked_gives_way_to_the_lifter_after_a_confirming_check() -> None:
    chooser = LifterChooser(SETTINGS)
    # The check sees the lifter only (its detector misses the seated spectator MediaPipe tracks).
    decisions = frames(chooser, 1.0, SPECTATOR, [LIFTER])
    # First check wins once, the next one 0.2 s later confirms and switches; then checks come every
    # 0.3 s (doubt, for 2 s after a switch) and keep the lifter.
    assert decisions[:2] == [(0.0, None), (0.2, 0)]
    assert all(choice is None for _, choice in decisions[2:])
    assert [t for t, _ in decisions[2:]] == [0.5, 0.8]
    assert chooser.switches == 1


def test_nobody_tracked_takes_the_most_prominent_at_once() -> None:
    chooser = LifterChooser(SETTINGS)
    assert chooser.check_due(0.0, None)
    assert chooser.choose(0.0, None, [SPECTATOR, LIFTER]) == 1
    # A lone person is left to MediaPipe's detector, which runs while it tracks nobody.
    chooser = LifterChooser(SETTINGS)
    assert chooser.choose(0.0, None, [LIFTER]) is None


def test_a_lone_lifter_is_checked_once_a_second() -> None:
    chooser = LifterChooser(SETTINGS)
    decisions = frames(chooser, 3.0, LIFTER, [LIFTER + 3.0])  # the check measures him 4 px off
    assert decisions == [(0.0, None), (1.0, None), (2.0, None)]


def test_someone_else_in_view_means_checks_every_doubt_interval() -> None:
    chooser = LifterChooser(SETTINGS)
    decisions = frames(chooser, 1.0, LIFTER, [LIFTER, SPECTATOR])
    assert [t for t, _ in decisions] == [0.0, 0.3, 0.6, 0.9]
    assert chooser.switches == 0


def test_people_of_a_size_do_not_take_turns() -> None:
    # Two people both found by the check, their measured sizes swapping from check to check by
    # up to 20 %: below the 1.25 ratio, the tracked one stays.
    chooser = LifterChooser(SETTINGS)
    a, b = standing(300, 700, 400), standing(700, 700, 400)
    for k in range(20):
        t_s = 0.3 * k
        bigger_b = b if k % 2 else standing(700, 700, 480)
        assert chooser.choose(t_s, a, [a, bigger_b]) is None
    assert chooser.switches == 0


def test_a_challenger_must_win_checks_in_a_row() -> None:
    chooser = LifterChooser(SETTINGS)
    big = standing(700, 750, 600)
    # Wins, loses (not found), wins: never two in a row, so no switch.
    assert chooser.choose(0.0, SPECTATOR, [big]) is None
    assert chooser.choose(0.2, SPECTATOR, []) is None
    assert chooser.choose(0.5, SPECTATOR, [big]) is None
    assert chooser.choose(0.7, SPECTATOR, [big + 20.0]) == 0  # the same person, moved a little
    # A different person winning the confirming check starts the count again.
    chooser = LifterChooser(SETTINGS)
    assert chooser.choose(0.0, SPECTATOR, [big]) is None
    assert chooser.choose(0.2, SPECTATOR, [standing(100, 750, 600)]) is None


def test_a_clearly_bigger_person_found_beside_the_tracked_one_takes_over() -> None:
    chooser = LifterChooser(SETTINGS)
    small = standing(300, 700, 300)
    assert chooser.choose(0.0, small, [small, LIFTER]) is None  # 420 / 300 = 1.4 > 1.25
    assert chooser.choose(0.2, small, [small, LIFTER]) == 1
    chooser = LifterChooser(SETTINGS)
    close = standing(300, 700, 360)  # 420 / 360 = 1.17: kept
    assert chooser.choose(0.0, close, [close, LIFTER]) is None
    assert chooser.choose(0.2, close, [close, LIFTER]) is None


def test_someone_found_elsewhere_after_none_is_checked_at_once_but_not_within_the_gap() -> None:
    chooser = LifterChooser(SETTINGS)
    assert chooser.check_due(0.0, LIFTER)
    chooser.choose(0.0, LIFTER, [LIFTER])
    assert not chooser.check_due(0.1, None)
    # The lifter found again where he was: no doubt, the next check as planned (1 s).
    assert not chooser.check_due(0.3, LIFTER + 5.0)
    assert not chooser.check_due(0.4, None)
    # Someone found 283 px away, beyond what 0.2 s of movement allows ((0.25 + 0.2) x 420 px).
    assert chooser.check_due(0.5, LIFTER + 200.0)
    chooser.choose(0.5, LIFTER + 200.0, [LIFTER + 200.0])
    # The same again 0.1 s later: due at once, but not within min_check_gap_s of the last check.
    assert not chooser.check_due(0.55, None)
    assert not chooser.check_due(0.6, LIFTER)
    assert chooser.check_due(0.75, LIFTER)


def test_a_switch_the_tracker_did_not_follow_is_checked_again_soon() -> None:
    chooser = LifterChooser(SETTINGS)
    assert chooser.choose(0.0, None, [SPECTATOR, LIFTER]) == 1
    chooser.steered(0.0, followed=False)
    assert not chooser.check_due(0.1, None)
    assert chooser.check_due(0.2, None)


def test_someone_clearly_smaller_found_after_the_lifter_was_lost_is_not_reported() -> None:
    chooser = LifterChooser(SETTINGS)
    chooser.check_due(0.0, LIFTER)
    chooser.choose(0.0, LIFTER, [LIFTER])
    chooser.check_due(0.1, LIFTER)
    chooser.check_due(0.2, None)  # MediaPipe loses the lifter...
    chooser.check_due(0.3, SPECTATOR)  # ...and finds the spectator: 1.25 x 220 < 420
    assert not chooser.tracked_is_lifter
    chooser.check_due(2.0, SPECTATOR)
    assert not chooser.tracked_is_lifter
    chooser.check_due(2.2, SPECTATOR)  # 2.1 s after the lifter was last seen: memory over
    assert chooser.tracked_is_lifter
    # Someone about as prominent found after a loss is taken for the lifter at once.
    chooser = LifterChooser(SETTINGS)
    chooser.check_due(0.0, LIFTER)
    chooser.choose(0.0, LIFTER, [LIFTER])
    chooser.check_due(0.2, None)
    chooser.check_due(0.3, standing(600, 700, 350))  # 1.25 x 350 > 420
    assert chooser.tracked_is_lifter
    # With the bystander tracked, checks come every min_check_gap_s, and the first person found
    # more prominent is taken at once (no confirming check), and is the lifter from then on.
    chooser = LifterChooser(SETTINGS)
    chooser.check_due(0.0, LIFTER)
    chooser.choose(0.0, LIFTER, [LIFTER])
    chooser.check_due(0.2, None)
    assert chooser.check_due(0.3, SPECTATOR)
    assert chooser.choose(0.3, SPECTATOR, [SPECTATOR]) is None
    assert not chooser.check_due(0.45, SPECTATOR)
    assert chooser.check_due(0.5, SPECTATOR)
    assert chooser.choose(0.5, SPECTATOR, [SPECTATOR, standing(100, 700, 400)]) == 1
    chooser.steered(0.5, followed=True)
    assert chooser.tracked_is_lifter


def posed_frames(
    chooser: LifterChooser,
    seconds: float,
    every: int,
    tracked_at: Callable[[float], np.ndarray],
    found_at: Callable[[float], list[np.ndarray]],
) -> list[tuple[float, int | None]]:
    """Feed one frame in ``every`` of 30 a second (live mode shedding pose), the person tracked and
    the people a check finds given by time; the times of the checks and what each chose."""
    chooser.shed(every)
    decisions = []
    for i in range(0, round(seconds * 30), every):
        t_s = i / 30
        tracked, found = tracked_at(t_s), found_at(t_s)
        if chooser.check_due(t_s, tracked):
            choice = chooser.choose(t_s, tracked, found)
            decisions.append((round(t_s, 2), choice))
            if choice is not None:
                chooser.steered(t_s, followed=True)
    return decisions


def test_checks_shed_with_pose_but_not_when_the_tracked_pose_jumps() -> None:
    # A lone lifter, pose on one frame in four: a check every 4 s instead of every second.
    chooser = LifterChooser(SETTINGS)
    decisions = posed_frames(chooser, 9.0, 4, lambda t: LIFTER, lambda t: [LIFTER])
    assert decisions == [(0.0, None), (4.0, None), (8.0, None)]
    # At 2 s MediaPipe's tracker slides onto the seated spectator without losing anyone (no frame
    # without a person): the jump (171 px of median landmark distance between two posed frames
    # 0.13 s apart, beyond (0.25 + 0.13) of the spectator's 220 px) brings the check due 1 s after
    # the last one, so at once; the lifter, found 1.9 times as long, wins it and the confirming
    # check 0.2 s later (the first posed frame after it, 2.27 s): switched back within 0.27 s,
    # where the shed schedule alone would have looked at 4 s.
    chooser = LifterChooser(SETTINGS)
    decisions = posed_frames(
        chooser,
        3.0,
        4,
        lambda t: LIFTER if t < 2.0 or chooser.switches else SPECTATOR,
        lambda t: [LIFTER] if t < 2.0 else [SPECTATOR, LIFTER],
    )
    assert decisions[:3] == [(0.0, None), (2.0, None), (2.27, 1)]
    assert chooser.switches == 1 and chooser.evidence_checks == 1


def test_shed_checks_come_sooner_when_the_tracked_person_changes_in_size() -> None:
    # Someone walking in front of the lifter towards the camera, the tracker gliding onto him: no
    # jump between posed frames, but his stature grows from 420 px at 1 s to 630 px at 3 s (+10.5 px
    # a posed frame). The median stature of the last second passes 1.25 x 420 = 525 px when the
    # stature half a second before it does (2 s + 0.5 s): the check comes then, not at 4 s.
    def walker(t_s: float) -> np.ndarray:
        return standing(400, 700, 420 + 210 * min(max(t_s - 1.0, 0.0), 2.0) / 2.0)

    chooser = LifterChooser(SETTINGS)
    decisions = posed_frames(chooser, 3.5, 4, walker, lambda t: [walker(t)])
    assert [t for t, _ in decisions] == [0.0, 2.53]
    assert chooser.evidence_checks == 1 and chooser.switches == 0
    # Unshed (pose on every frame), checks keep their schedule whatever the pose does.
    chooser = LifterChooser(SETTINGS)
    decisions = posed_frames(chooser, 3.5, 1, walker, lambda t: [walker(t)])
    assert [t for t, _ in decisions] == [0.0, 1.0, 2.0, 3.0]
    assert chooser.evidence_checks == 0
    with pytest.raises(InputError, match="pose_every"):
        chooser.shed(0)


def test_settings_are_checked() -> None:
    with pytest.raises(InputError, match="check_poses"):
        LifterSettings(check_poses=1)
    with pytest.raises(InputError, match="confirm_checks"):
        LifterSettings(confirm_checks=0)


def test_seed_image_leaves_only_the_chosen_person() -> None:
    rgb = np.full((800, 900, 3), 200, np.uint8)
    keep, hide = standing(300, 700, 400), standing(560, 700, 400)
    seeded = seed_image(rgb, keep, [hide], pad_frac=0.1, fill=127)
    # Kept: the lifter's box (x 280-320, y 326-700) widened by 40 px; hidden: the other's box
    # (x 540-580) and everything else.
    assert (seeded[330:700, 240:360] == 200).all()
    assert (seeded[330:700, 540:580] == 127).all()
    assert (seeded[:250] == 127).all()
    assert (seeded[:, 400:] == 127).all()
    # A hidden person overlapping the kept one's own box leaves that box untouched.
    seeded = seed_image(rgb, keep, [standing(310, 700, 400)], pad_frac=0.1)
    assert (seeded[330:700, 280:320] == 200).all()
    assert (seeded[330:700, 321:330] == 127).all()
