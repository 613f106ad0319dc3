"""The parallel run's groups and scheduler (``tests/groups.py``, ``tests/conftest.py``): each group goes
to one worker whole, the long ones first, and the real-time groups run last, side by side, with no
other test beside them. The scheduler is driven here by stand-in workers that behave as pytest-xdist's
do (a worker holds its last test until it is sent more or told to stop; a real-time test waits at the
barrier until the scheduler opens it), with known test durations."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests import conftest
from tests.groups import (
    FOOTAGE_CLIP_OF,
    LONG_GROUPS_S,
    REALTIME_PARTS,
    SHARED_GROUPS,
    group_of,
    handing_out_order,
    is_realtime,
)

pytest.importorskip("xdist")


def test_every_test_the_tables_name_exists() -> None:
    # A renamed test would silently leave its group (a real-time test beside others, a clip analysed
    # twice): every name in the tables is a module, or a function of one.
    for name in [*SHARED_GROUPS, *FOOTAGE_CLIP_OF]:
        path, _, function = name.partition("::")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert not function or callable(getattr(module, function, None)), name


def test_groups_from_node_ids() -> None:
    verdicts = "tests/footage/test_footage_verdicts.py"
    assert group_of(f"{verdicts}::test_clean_side_on_clips_are_good[squat_side_3reps.mp4]") == (
        "footage:squat_side_3reps.mp4"
    )
    quarter = f"{verdicts}::test_a_plate_found_again_at_the_body_s_size_measures_quarter_squats"
    assert group_of(quarter) == "footage:squat_side_4reps_quarter.mp4"
    # analysed in one test with the friedich snatch: one group
    dark = f"{verdicts}::test_a_good_verdict_means_the_right_reps_at_believable_numbers[squat_front_2reps_dark.mp4]"
    assert group_of(dark) == "footage:snatch_front_snatch_-96kg_friedich_raphael_i1_ok_000001.mp4"
    assert group_of("tests/live/test_live_run.py::test_x") == REALTIME_PARTS[0]
    # a test named on its own joins its part before its file's entry is looked at
    outbox = "tests/live/test_live_run.py::test_reps_wait_on_disk_while_the_service_is_down_and_arrive_once_when_it_is_back"
    assert group_of(outbox) == REALTIME_PARTS[1]
    assert group_of("tests/live/test_live_capture.py::test_close_before_start_closes_the_source") == (
        "tests/live/test_live_capture.py"
    )
    assert group_of("tests/kinematics/test_reps.py::test_y[a-b]") == "tests/kinematics/test_reps.py"


def test_long_groups_are_handed_out_first_and_the_real_time_groups_last() -> None:
    longest = max(LONG_GROUPS_S, key=LONG_GROUPS_S.__getitem__)
    order = handing_out_order(["a.py", REALTIME_PARTS[1], "b.py", longest, REALTIME_PARTS[0]])
    assert order == [longest, "a.py", "b.py", *REALTIME_PARTS]
    assert all(is_realtime(part) for part in REALTIME_PARTS)
    assert not is_realtime("tests/live/test_realtime.py")


def test_the_installed_pytest_xdist_has_what_the_scheduler_overrides() -> None:
    from xdist.scheduler import LoadScopeScheduling

    assert conftest._xdist_mismatch(LoadScopeScheduling) == []

    class Changed(LoadScopeScheduling):  # type: ignore[misc]
        def _assign_work_unit(self, node: Any, now: bool) -> None: ...

    assert conftest._xdist_mismatch(Changed) == [
        "LoadScopeScheduling._assign_work_unit(self, node, now), expected (self, node)"
    ]


class Worker:
    """A stand-in for pytest-xdist's worker controller and the worker it drives."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.gateway = SimpleNamespace(id=name)
        self.queue: list[int] = []
        self.running: tuple[int, float] | None = None  # (test index, end time)
        self.stopping = False
        self.gone = False

    @property
    def shutting_down(self) -> bool:
        return self.stopping

    def shutdown(self) -> None:
        self.stopping = True

    def send_runtest_some(self, indices: list[int]) -> None:
        self.queue.extend(indices)


def run(nodeids: list[str], durations_s: list[float], workers: int) -> list[tuple[str, float, float, str]]:
    """Run the suite ``nodeids`` (each taking its duration) on stand-in workers under the scheduler;
    each test's (node id, start, end, worker)."""
    config = SimpleNamespace(
        option=SimpleNamespace(loadscopereorder=True),
        getvalue=lambda name: {"dist": "loadgroup", "tx": [f"{workers}*popen"]}[name],
    )
    scheduler = conftest.pytest_xdist_make_scheduler(config, None)  # type: ignore[arg-type]
    nodes = [Worker(f"gw{i}") for i in range(workers)]
    for node in nodes:
        scheduler.add_node(node)
    for node in nodes:
        scheduler.add_node_collection(node, nodeids)
    scheduler.schedule()
    ran, now = [], 0.0
    while True:
        for node in nodes:  # a worker runs a test once it knows the next one, or is stopping
            if node.running is None and node.queue and (len(node.queue) >= 2 or node.stopping):
                if is_realtime(group_of(nodeids[node.queue[0]])) and not scheduler.realtime_open:
                    continue  # at the barrier
                index = node.queue.pop(0)
                node.running = (index, now + durations_s[index])
                ran.append((nodeids[index], now, now + durations_s[index], node.name))
            if node.stopping and not node.queue and node.running is None and not node.gone:
                node.gone = True
                if node in scheduler.assigned_work:
                    assert scheduler.remove_node(node) is None
        busy = [node for node in nodes if node.running is not None]
        if not busy:
            break
        node = min(busy, key=lambda n: n.running[1])  # type: ignore[index]
        index, now = node.running  # type: ignore[misc]
        node.running = None
        scheduler.mark_test_complete(node, index, durations_s[index])
    return ran


def _suite() -> tuple[list[str], list[float]]:
    realtime = [f"tests/live/test_live_run.py::test_{i}" for i in range(3)]  # the first part
    window = ["tests/live/test_live_window.py::test_w"]
    second = [name for name, part in SHARED_GROUPS.items() if part == REALTIME_PARTS[1] and "::" in name][:2]
    steady = [f"tests/x/test_steady.py::test_{i}" for i in range(10)]
    short = [f"tests/x/test_m{m}.py::test_{i}" for m in range(6) for i in range(4)]
    long_last = [f"tests/x/test_long.py::test_{i}" for i in range(3)]  # handed out last, ends last
    nodeids = realtime + steady + short + long_last + window + second
    durations = [20.0] * 3 + [10.0] * 10 + [1.0] * len(short) + [1.0, 1.0, 200.0] + [8.0] + [30.0] * 2
    return nodeids, durations


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_every_test_runs_once_each_group_on_one_worker_and_real_time_alone_at_the_end(workers: int) -> None:
    nodeids, durations = _suite()
    ran = run(nodeids, durations, workers)
    assert sorted(r[0] for r in ran) == sorted(nodeids)
    by_group: dict[str, set[str]] = {}
    for nodeid, _, _, worker in ran:
        by_group.setdefault(group_of(nodeid), set()).add(worker)
    assert all(len(w) == 1 for w in by_group.values()), by_group
    realtime = [r for r in ran if is_realtime(group_of(r[0]))]
    others = [r for r in ran if not is_realtime(group_of(r[0]))]
    assert {group_of(r[0]) for r in realtime} == set(REALTIME_PARTS) and len(realtime) == 6
    first_realtime_s = min(start for _, start, _, _ in realtime)
    # The long module's 200 s test ends after the others have run out of work: the real-time tests
    # wait for it, even those handed out to a worker long before.
    assert max(end for _, _, end, _ in others) <= first_realtime_s
    played_s = max(end for _, _, end, _ in realtime) - first_realtime_s
    if workers == 1:
        assert played_s == sum(end - start for _, start, end, _ in realtime)
    else:
        assert len({r[3] for r in others}) > 1  # the others were shared out
        # the two parts (68 and 60 s) side by side on two workers, not one after the other
        assert len({by_group[part].pop() for part in REALTIME_PARTS}) == 2
        assert played_s == 68.0


def test_a_real_time_test_waits_for_the_barrier_before_its_setup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    barrier = tmp_path / "open"
    config = SimpleNamespace(workerinput={conftest._BARRIER: str(barrier)})
    realtime = SimpleNamespace(nodeid="tests/live/test_live_run.py::test_x", config=config)
    other = SimpleNamespace(nodeid="tests/x/test_m.py::test_y", config=config)
    monkeypatch.setattr(conftest, "REALTIME_WAIT_S", 0.2)
    conftest.pytest_runtest_setup(other)  # type: ignore[arg-type]  # not held back
    with pytest.raises(conftest.SchedulingError, match="waited 0 s for the other tests to end"):
        conftest.pytest_runtest_setup(realtime)  # type: ignore[arg-type]
    barrier.touch()
    conftest.pytest_runtest_setup(realtime)  # type: ignore[arg-type]
