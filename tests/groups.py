"""Which tests run together when the suite runs in parallel (``pytest -n auto --dist loadgroup``, the
README's test command), and in which order the groups are handed out: pytest-xdist hands each group to
one worker as a whole, and the worker runs its tests one after another.

Every test module is its own group, so its module-scoped fixtures (a rendered clip, a browser, a
server) are made once. Some tests join a group that spans modules instead:

- ``realtime:1``, ``realtime:2``: tests that play a clip or a stream at its own speed and measure what
  live mode keeps up with. They run last, once every other test has ended (``tests/conftest.py``'s
  barrier), so that no other test starves them of the CPU (the failure of issue 13: frames dropped
  when the analysis falls behind, a rep lost). They wait on the clock, not the CPU (about 25 CPU-s in
  140 s of playing): two parts of about 70 s play side by side, one on each of the two workers,
  instead of one worker playing all of them while the other idles.
- ``footage:<clip>``: the tests of ``FOOTAGE_MODULES`` that assert different things of the same
  ``vbt analyze`` of a real clip (``tests/footage/clips.py`` analyses each clip once per process), or
  of its pose (``test_pose_lifter.py``: the lifter followed): on one worker, each clip's MediaPipe
  run is made once, and the clips spread over the workers.

The groups are read from the test's node id (``tests/conftest.py``'s scheduler): pytest-xdist's own
``xdist_group`` mark renames node ids, which pytest 9 no longer lets a plugin do.
"""

from __future__ import annotations

import re

REALTIME = "realtime"
#: The real-time groups (``is_realtime``), handed out in this order.
REALTIME_1, REALTIME_2 = f"{REALTIME}:1", f"{REALTIME}:2"
REALTIME_PARTS = (REALTIME_1, REALTIME_2)
FOOTAGE = "footage:"

#: A test file, or one test's node id, and the group it joins (the first entry that matches: a test's
#: own before its file's). The real-time parts, as estimated for the quiet machine (wall seconds): 1:
#: the stream measured and the stream that drops (25 s each, the 19 s sample clip played), the
#: window (22 s), the paced file and loop (2 s); 2: the reps posted to vbt serve and the outbox
#: (27 s each, the clip played and a server started), the analysed stream that drops (8 s), the
#: starved analysis (6 s), the real-speed captures (4 s).
SHARED_GROUPS = {
    "tests/live/test_live_run.py::test_vbt_live_on_a_stream_posts_reps_to_a_running_vbt_serve_that_match_analyze": REALTIME_2,
    "tests/live/test_live_run.py::test_reps_wait_on_disk_while_the_service_is_down_and_arrive_once_when_it_is_back": REALTIME_2,
    "tests/live/test_live_run.py": REALTIME_1,
    "tests/live/test_live_capture.py::test_real_speed_mjpeg_stream_with_a_slow_consumer_drops_the_oldest_frames": REALTIME_2,
    "tests/live/test_live_capture.py::test_real_speed_mjpeg_stream_with_a_fast_consumer_drops_nothing": REALTIME_2,
    "tests/live/test_live_capture.py::test_close_mid_stream_stops_the_reader_and_closes_the_stream": REALTIME_2,
    "tests/live/test_live_degrade.py::test_a_starved_loop_sheds_in_order_and_drops_no_frame_from_its_first_on": REALTIME_2,
    "tests/live/test_live_parts.py::test_a_paced_file_comes_at_its_own_speed_with_its_own_times": REALTIME_1,
    "tests/live/test_live_parts.py::test_a_live_loop_that_keeps_up_finishes_each_frame_before_the_next_arrives": REALTIME_1,
    "tests/live/test_live_window.py": REALTIME_1,
    "tests/cli/test_analyze_video.py::test_a_stream_that_drops_reports_what_came_before": REALTIME_2,
}

#: The modules whose tests share each clip's default analysis (``tests/footage/clips.py``).
FOOTAGE_MODULES = (
    "tests/footage/test_footage_verdicts.py",
    "tests/footage/test_video_footage.py",
    "tests/footage/test_pose_lifter.py",
)

#: Tests of ``FOOTAGE_MODULES`` whose node id does not name the clip they analyse: that clip.
FOOTAGE_CLIP_OF = {
    "tests/footage/test_footage_verdicts.py::test_a_front_view_is_measured_between_its_plates_edge_on_or_says_why_not": "snatch_front_snatch_-96kg_friedich_raphael_i1_ok_000001.mp4",
    "tests/footage/test_footage_verdicts.py::test_a_plate_scale_the_lifter_s_body_refutes_gives_way_to_the_body_s": "deadlift_side_2reps_60fps.mp4",
    "tests/footage/test_footage_verdicts.py::test_plates_smaller_than_45_cm_are_never_presented_as_measured": "squat_side_3reps_red_plates.mp4",
    "tests/footage/test_footage_verdicts.py::test_a_plate_found_again_at_the_body_s_size_measures_quarter_squats": "squat_side_4reps_quarter.mp4",
    "tests/footage/test_footage_verdicts.py::test_a_clip_that_ends_at_the_last_lockout_has_its_reps_whole": "bench_oblique_3reps_subtitles.mp4",
    "tests/footage/test_footage_verdicts.py::test_rows_after_a_pick_up_are_never_presented_as_measured_when_the_track_misses_them": "row_side_2reps_pickup.mp4",
    "tests/footage/test_video_footage.py::test_oblique_squat_with_stacked_plates_gives_the_manifest_rep_count": "squat_oblique_3reps.mp4",
    "tests/footage/test_video_footage.py::test_squat_bar_path_follows_the_hand_clicked_bar_end": "squat_side_1rep_60fps.mp4",
    "tests/footage/test_pose_lifter.py::test_snatch_follows_the_lifter_not_the_seated_spectator": "snatch_side_1rep.mp4",
    "tests/footage/test_pose_lifter.py::test_snatch_lifters_wrists_hold_the_tracked_plate": "snatch_side_1rep.mp4",
    "tests/footage/test_pose_lifter.py::test_snatch_follows_the_lifter_with_pose_and_checks_on_one_frame_in_four": "snatch_side_1rep.mp4",
}

#: Clips analysed in one test together with another clip: their tests join that clip's group.
FOOTAGE_SAME_GROUP = {
    "squat_front_2reps_dark.mp4": "snatch_front_snatch_-96kg_friedich_raphael_i1_ok_000001.mp4",
}

#: Groups that take long, the longest first: CPU seconds of a worker (user+sys of the test process and
#: the subprocesses it waited for), measured per test in one parallel run of the whole suite (suite8:
#: 2026-12-07, the 2-core machine at a load of 3-23 from other engineers' jobs, so about 1.5 times the
#: quiet machine's; only the order matters). Those marked "after" are the same groups measured alone
#: after suite8 cut their work. They are handed out before all others, so that the workers end their
#: shares together rather than one waiting on another's long group at the end; the groups not named here
#: (each under 13 CPU-s; every footage clip's is named) follow in pytest-xdist's order (most tests first).
LONG_GROUPS_S: dict[str, float] = {
    # the snatch's 25 and squat_front_2reps_dark's 103 (1920x926 at 60 fps, analysed with it)
    "footage:snatch_front_snatch_-96kg_friedich_raphael_i1_ok_000001.mp4": 130,
    "tests/capture/test_front_pass.py": 124,  # after; 201 before (six renders of 228 frames, now 150)
    "tests/capture/bar/test_plate_edge.py": 75,  # 12 before: it went out 31 minutes into the run
    # 41 and 37 CPU-s for SQLite's and PostgreSQL's 1553 requests, measured alone (the server was down
    # for PostgreSQL's in the whole run); suite12: 89 in a whole run, 67 alone with each request
    # generated once and sent to both (load 15-20)
    "tests/service/test_fuzz.py": 67,
    "tests/cli/test_analyze_video.py": 56,
    "tests/capture/test_mirrored_clip.py": 39,
    "tests/service/test_reliability.py": 36,  # SQLite's 18 twice: PostgreSQL's were not measured  # unnamed before: it went out 51 minutes into the run
    "tests/capture/test_camera_compensation.py": 42,  # after; 56 before
    "tests/synth/test_derived.py": 42,  # after; 53 before
    "tests/service/test_videos.py": 41,  # after; 67 before (the sample clip analysed without pose)
    # with test_pose_lifter.py's 10 s of it followed and not (suite12: 37 + 22; its picture is not the
    # file's every frame, so the analysis's poses are not those)
    "footage:deadlift_side_4reps.mp4": 59,
    "footage:deadlift_side_2reps_60fps.mp4": 35,
    "footage:squat_oblique_3reps.mp4": 35,
    "footage:rdl_rear_oblique_3reps.mp4": 31,
    "footage:row_side_2reps_pickup.mp4": 31,
    "footage:snatch_front_snatch_-96kg_moeini_sedeh_alireza_i1_ok_000012.mp4": 31,
    "tests/live/test_live_online.py": 30,
    "tests/service/test_sets.py": 25,
    "footage:snatch_front_snatch_-96kg_nasar_karlos_i2_fail_000015.mp4": 23,
    "tests/service/test_reps.py": 21,
    "footage:row_side_2reps.mp4": 20,
    "footage:squat_side_4reps_quarter.mp4": 19,
    "footage:deadlift_side_1rep_hold.mp4": 19,
    "tests/capture/test_pipeline.py": 18,
    "tests/capture/bar/test_whole_clip.py": 18,  # unnamed before: it went out 49 minutes into the run
    "footage:bench_oblique_3reps_subtitles.mp4": 16,
    "tests/e2e/test_coach_session.py": 16,
    "footage:squat_side_3reps_red_plates.mp4": 16,
    "tests/capture/bar/test_plate_footage.py": 15,
    "footage:squat_side_1rep_60fps.mp4": 15,  # 45 while OpenCV colour-managed its HLG frames (decode4)
    "tests/service/test_no_server_error.py": 14,  # and 138 s of wall time: it waits on PostgreSQL
    "footage:squat_side_3reps.mp4": 24,  # with test_pose_lifter.py's 10 s of it not followed (suite12)
    "tests/capture/bar/test_plate_switch.py": 13,
    # The other clips' groups, though short: a group of one to three tests goes out last in pytest-xdist's
    # order, and these three did, on one worker for 86 s after the other had ended (load 15)
    "footage:squat_side_1rep_plate_leaves_top.mp4": 15,
    "footage:snatch_side_1rep.mp4": 27,  # with test_pose_lifter.py's snatch tests (suite12: 13 + 14)
    "footage:bench_side_1rep_spotter.mp4": 8,
    "footage:snatch_side_1rep_trimmed_upscaled.mp4": 8,
    "footage:deadlift_side_1rep.mp4": 7,
    "footage:clean_side_1rep.mp4": 4,
}


def _footage_clip(nodeid: str) -> str | None:
    if nodeid.split("::", 1)[0] not in FOOTAGE_MODULES:
        return None
    name = FOOTAGE_CLIP_OF.get(nodeid.split("[", 1)[0])
    if name is None:
        found = re.search(r"\[([^\]]+\.mp4)\]$", nodeid)
        name = found.group(1) if found else "other"
    return FOOTAGE_SAME_GROUP.get(name, name)


def group_of(nodeid: str) -> str:
    """The group of a test: its entry in ``SHARED_GROUPS``, its clip's for the footage analyses, else
    its module's path."""
    for prefix, group in SHARED_GROUPS.items():
        if nodeid == prefix or nodeid.startswith(f"{prefix}::") or nodeid.startswith(f"{prefix}["):
            return group
    clip = _footage_clip(nodeid)
    if clip is not None:
        return FOOTAGE + clip
    return nodeid.split("::", 1)[0]


def is_realtime(group: str) -> bool:
    """Whether ``group`` is one of the real-time groups (``REALTIME_PARTS``, or any named after them)."""
    return group == REALTIME or group.startswith(f"{REALTIME}:")


def handing_out_order(groups: list[str]) -> list[str]:
    """``groups`` in the order to hand them out: ``LONG_GROUPS_S``'s, longest first, then the others
    as given, the real-time groups last (in their names' order)."""
    long = sorted((g for g in groups if g in LONG_GROUPS_S), key=lambda g: -LONG_GROUPS_S[g])
    rest = [g for g in groups if g not in LONG_GROUPS_S and not is_realtime(g)]
    return long + rest + sorted(g for g in groups if is_realtime(g))
