"""Which tests run together when the suite runs in parallel (``pytest -n auto --dist loadgroup``, the
README's test command): pytest-xdist hands each group to one worker as a whole, and the worker runs its
tests one after another.

Every test module is its own group, so its module-scoped fixtures (a rendered clip, a browser, a
server) are made once. The tests named in ``SHARED_GROUPS`` join a group that spans modules instead:

- ``realtime``: tests that play a clip or a stream at its own speed and measure what live mode keeps up
  with. They run last, alone (the other workers stop first), so that no other test starves them of
  the CPU (the failure of issue 13: frames dropped when the analysis falls behind, a rep lost).
- ``footage-analyses``: modules that assert different things of the same ``vbt analyze`` of a real clip
  (``tests/footage/clips.py`` analyses each clip once per process): on one worker, each clip's
  MediaPipe run is made once.

The groups are read from the test's node id (``tests/conftest.py``'s scheduler): pytest-xdist's own
``xdist_group`` mark renames node ids, which pytest 9 no longer lets a plugin do.
"""

from __future__ import annotations

REALTIME = "realtime"
FOOTAGE_ANALYSES = "footage-analyses"

#: A test file, or one test's node id, and the group it joins.
SHARED_GROUPS = {
    "tests/live/test_live_run.py": REALTIME,
    "tests/live/test_live_capture.py": REALTIME,
    "tests/live/test_live_degrade.py": REALTIME,
    "tests/live/test_live_parts.py": REALTIME,
    "tests/live/test_live_window.py": REALTIME,
    "tests/cli/test_analyze_video.py::test_a_stream_that_drops_reports_what_came_before": REALTIME,
    "tests/footage/test_footage_verdicts.py": FOOTAGE_ANALYSES,
    "tests/footage/test_video_footage.py": FOOTAGE_ANALYSES,
}


def group_of(nodeid: str) -> str:
    """The group of a test: its entry in ``SHARED_GROUPS``, else its module's path."""
    for prefix, group in SHARED_GROUPS.items():
        if nodeid == prefix or nodeid.startswith(f"{prefix}::") or nodeid.startswith(f"{prefix}["):
            return group
    return nodeid.split("::", 1)[0]
