"""Suite-wide hooks: the groups of a parallel run (see ``tests/groups.py``).

The scheduler builds on pytest-xdist's ``LoadScopeScheduling`` and overrides some of its private
members (pytest-xdist has no public way to say which tests run together, nor in which order): the
range of versions it was checked against is pinned in pyproject.toml's dev extra. Should those
members change, the run stops at once with a message saying what changed, rather than handing out
tests in a way nobody chose: before scheduling (the members and their parameters), once the tests are
grouped (every group formed as ``group_of`` says) and when a real-time test ends (no other test was
left).

The real-time groups are handed out last, like any group, to the workers that ask; their tests wait
at a barrier until every other test has ended: the scheduler, in the controlling process, creates a
file once no other test is left, and each worker waits for it before a real-time test's setup
(``pytest_runtest_setup``). A worker cannot simply be left waiting for work: pytest-xdist's worker
runs a test only once it knows the next one (or is told to stop), so two workers waiting for each
other's last test would wait for ever.
"""

from __future__ import annotations

import inspect
import shutil
import tempfile
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest

from tests.groups import group_of, handing_out_order, is_realtime

#: The longest a real-time test waits for the other tests to end (the whole suite takes 15 minutes).
REALTIME_WAIT_S = 1800.0
_BARRIER = "vbt_realtime_barrier"  # the worker input naming the barrier's file
_BARRIER_KEY = pytest.StashKey[Path]()

#: The members of ``xdist.scheduler.LoadScopeScheduling`` the scheduler below overrides or calls, with
#: their parameters, as in pytest-xdist 3.6.1 to 3.8.0.
XDIST_MEMBERS = {
    "schedule": ("self",),
    "mark_test_complete": ("self", "node", "item_index", "duration"),
    "_split_scope": ("self", "nodeid"),
    "_assign_work_unit": ("self", "node"),
}


def _xdist_mismatch(scheduling: type) -> list[str]:
    """What differs, in the pytest-xdist installed, from the members the scheduler relies on."""
    problems = []
    for name, parameters in XDIST_MEMBERS.items():
        member = getattr(scheduling, name, None)
        if not callable(member):
            problems.append(f"LoadScopeScheduling.{name} is gone")
        elif tuple(inspect.signature(member).parameters) != parameters:
            found = ", ".join(inspect.signature(member).parameters)
            problems.append(f"LoadScopeScheduling.{name}({found}), expected ({', '.join(parameters)})")
    return problems


class SchedulingError(RuntimeError):
    """pytest-xdist did not hand out the tests as tests/groups.py says (its internals changed)."""


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: without xdist the suite runs in one process
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadgroup``, hand out work by ``group_of``: a module, or a group that spans
    modules, goes to one worker whole, the longest first (``handing_out_order``). The real-time groups
    go last, each to the worker that asks; their tests start once no other test is left (the
    barrier: see the module docstring), side by side on two workers."""
    if config.getvalue("dist") != "loadgroup":
        return None
    barrier = _barrier_of(config)
    import xdist
    from xdist.scheduler import LoadScopeScheduling

    problems = _xdist_mismatch(LoadScopeScheduling)
    if problems:
        raise pytest.UsageError(
            f"pytest-xdist {xdist.__version__} changed what tests/conftest.py's scheduler builds on: "
            + "; ".join(problems)
            + ". Install the pytest-xdist of pyproject.toml's dev extra, or update the scheduler."
        )

    class GroupScheduling(LoadScopeScheduling):  # type: ignore[misc]
        def __init__(self, config: pytest.Config, log: Any = None) -> None:
            super().__init__(config, log)
            attributes = (self.workqueue, self.assigned_work, self.registered_collections)
            if not isinstance(attributes[0], OrderedDict) or not all(isinstance(a, dict) for a in attributes):
                raise SchedulingError(
                    f"pytest-xdist {xdist.__version__}: LoadScopeScheduling's workqueue, assigned_work or "
                    "registered_collections changed type; tests/conftest.py's scheduler needs updating"
                )
            self._ordered = False
            self._open = False

        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

        def schedule(self) -> None:
            first = self.collection is None  # later calls only hand out more (a worker added)
            super().schedule()
            if first and self.collection:
                handed = set(self.workqueue) | {g for work in self.assigned_work.values() for g in work}
                wanted = {group_of(nodeid) for nodeid in self.collection}
                if handed != wanted:
                    raise SchedulingError(
                        f"pytest-xdist {xdist.__version__} formed other groups than tests/groups.py's "
                        f"(e.g. {sorted(handed ^ wanted)[:3]}): it no longer groups by _split_scope"
                    )

        @property
        def realtime_open(self) -> bool:
            """Whether the real-time tests may start: no other test is left to hand out or to end."""
            return self._open

        def _others_left(self) -> int:
            """The tests of groups other than the real-time ones not yet handed out or not yet ended."""
            queued = sum(len(work) for group, work in self.workqueue.items() if not is_realtime(group))
            running = sum(
                list(tests.values()).count(False)
                for work in self.assigned_work.values()
                for group, tests in work.items()
                if not is_realtime(group)
            )
            return queued + running

        def _open_when_done(self) -> None:
            if not self._open and self.collection is not None and not self._others_left():
                self._open = True
                if barrier is not None:
                    barrier.touch()

        def _assign_work_unit(self, node: Any) -> None:
            if not self._ordered:  # the first hand-out: the queue is complete
                for group in handing_out_order(list(self.workqueue)):
                    self.workqueue.move_to_end(group)
                self._ordered = True
            super()._assign_work_unit(node)
            self._open_when_done()  # only real-time groups from the start

        def mark_test_complete(self, node: Any, item_index: int, duration: float = 0) -> None:
            if is_realtime(group_of(self.registered_collections[node][item_index])) and self._others_left():
                raise SchedulingError(
                    "a real-time test ran beside other tests: tests/conftest.py's barrier no longer "
                    f"holds them under pytest-xdist {xdist.__version__}"
                )
            super().mark_test_complete(node, item_index, duration)
            self._open_when_done()

    return GroupScheduling(config, log)


def _barrier_of(config: pytest.Config) -> Path | None:
    """The barrier's file of this run (``pytest_configure``), None when there is none (a stand-in
    config, a run without pytest-xdist)."""
    stash = getattr(config, "stash", None)
    return None if stash is None else stash.get(_BARRIER_KEY, None)


def pytest_configure(config: pytest.Config) -> None:
    """The controlling process of a parallel run: a folder for the real-time tests' barrier."""
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("xdist"):
        return
    if config.getvalue("dist") == "loadgroup":
        config.stash[_BARRIER_KEY] = Path(tempfile.mkdtemp(prefix="vbt-realtime-")) / "open"


def pytest_unconfigure(config: pytest.Config) -> None:
    barrier = _barrier_of(config)
    if barrier is not None:
        shutil.rmtree(barrier.parent, ignore_errors=True)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist
def pytest_configure_node(node: Any) -> None:
    """Each worker learns where the barrier's file is."""
    barrier = _barrier_of(node.config)
    if barrier is not None:
        node.workerinput[_BARRIER] = str(barrier)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A real-time test of a parallel run waits, before its fixtures are made, until the scheduler
    says no other test is left (see the module docstring)."""
    barrier = getattr(item.config, "workerinput", {}).get(_BARRIER)
    if barrier is None or not is_realtime(group_of(item.nodeid)):
        return
    deadline = time.monotonic() + REALTIME_WAIT_S
    while not Path(barrier).exists():
        if time.monotonic() > deadline:
            raise SchedulingError(
                f"{item.nodeid} waited {REALTIME_WAIT_S:.0f} s for the other tests to end: "
                "tests/conftest.py's scheduler did not open the real-time tests' barrier"
            )
        time.sleep(0.05)
