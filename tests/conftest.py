"""Suite-wide hooks: the groups of a parallel run (see ``tests/groups.py``).

The scheduler builds on pytest-xdist's ``LoadScopeScheduling`` and overrides some of its private
members (pytest-xdist has no public way to say which tests run together, nor in which order): the
range of versions it was checked against is pinned in pyproject.toml's dev extra. Should those
members change, the run stops at once with a message saying what changed, rather than handing out
tests in a way nobody chose: before scheduling (the members and their parameters), once the tests are
grouped (every group formed as ``group_of`` says) and when the real-time group is handed out (no other
worker has tests left).
"""

from __future__ import annotations

import inspect
from collections import OrderedDict
from typing import Any

import pytest

from tests.groups import REALTIME, group_of, handing_out_order

#: The members of ``xdist.scheduler.LoadScopeScheduling`` the scheduler below overrides or calls, with
#: their parameters, as in pytest-xdist 3.6.1 to 3.8.0.
XDIST_MEMBERS = {
    "schedule": ("self",),
    "mark_test_complete": ("self", "node", "item_index", "duration"),
    "_split_scope": ("self", "nodeid"),
    "_assign_work_unit": ("self", "node"),
    "_reschedule": ("self", "node"),
    "_pending_of": ("self", "workload"),
}


def _xdist_mismatch(scheduling: type, worker: type) -> list[str]:
    """What differs, in the pytest-xdist installed, from the members the scheduler relies on."""
    problems = []
    for name, parameters in XDIST_MEMBERS.items():
        member = getattr(scheduling, name, None)
        if not callable(member):
            problems.append(f"LoadScopeScheduling.{name} is gone")
        elif tuple(inspect.signature(member).parameters) != parameters:
            found = ", ".join(inspect.signature(member).parameters)
            problems.append(f"LoadScopeScheduling.{name}({found}), expected ({', '.join(parameters)})")
    if not isinstance(inspect.getattr_static(worker, "shutting_down", None), property):
        problems.append("WorkerController.shutting_down is no longer a property")
    if not callable(getattr(worker, "shutdown", None)):
        problems.append("WorkerController.shutdown is gone")
    return problems


class SchedulingError(RuntimeError):
    """pytest-xdist did not hand out the tests as tests/groups.py says (its internals changed)."""


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: without xdist the suite runs in one process
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadgroup``, hand out work by ``group_of``: a module, or a group that spans
    modules, goes to one worker whole, the longest first (``handing_out_order``). The real-time group
    goes last and alone: a worker asking for work while only it is left stops if another worker
    still has tests; the last one runs it once no other worker has a test left."""
    if config.getvalue("dist") != "loadgroup":
        return None
    import xdist
    from xdist.scheduler import LoadScopeScheduling
    from xdist.workermanage import WorkerController

    problems = _xdist_mismatch(LoadScopeScheduling, WorkerController)
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

        def _others_pending(self, node: Any) -> int:
            return sum(
                self._pending_of(work) for other, work in self.assigned_work.items() if other is not node
            )

        def _assign_work_unit(self, node: Any) -> None:
            if not self._ordered:  # the first hand-out: the queue is complete
                for group in handing_out_order(list(self.workqueue)):
                    self.workqueue.move_to_end(group)
                self._ordered = True
            if next(iter(self.workqueue)) == REALTIME:
                if len(self.workqueue) > 1:
                    self.workqueue.move_to_end(REALTIME)
                elif self._others_pending(node):
                    return  # not beside other tests: _reschedule stops this worker or lets it wait
            super()._assign_work_unit(node)

        def _reschedule(self, node: Any) -> None:
            if not node.shutting_down and list(self.workqueue) == [REALTIME] and self._others_pending(node):
                if self._pending_of(self.assigned_work[node]) > 2:
                    return  # still busy: asks again after its next test
                if any(not other.shutting_down for other in self.assigned_work if other is not node):
                    node.shutdown()  # another worker will run the real-time group
                return  # the last worker: it waits for the others' last tests to end
            super()._reschedule(node)

        def mark_test_complete(self, node: Any, item_index: int, duration: float = 0) -> None:
            if group_of(self.registered_collections[node][item_index]) == REALTIME and self._others_pending(
                node
            ):
                raise SchedulingError(
                    "a real-time test ran beside other tests: tests/conftest.py's scheduler no longer "
                    f"fits pytest-xdist {xdist.__version__}"
                )
            super().mark_test_complete(node, item_index, duration)
            if list(self.workqueue) == [REALTIME]:  # a last test elsewhere may free the waiting worker
                for other in list(self.assigned_work):
                    if other is not node:
                        self._reschedule(other)

    return GroupScheduling(config, log)
