"""Suite-wide hooks: the groups of a parallel run (see ``tests/groups.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.groups import REALTIME, group_of


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: without xdist the suite runs in one process
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadgroup``, hand out work by ``group_of``: a module, or a group that spans
    modules, goes to one worker whole. The real-time group goes last and alone: a worker asking for
    work while only it is left stops if another worker is still busy, and the last one runs it."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

        def _assign_work_unit(self, node: Any) -> None:
            if len(self.workqueue) > 1 and next(iter(self.workqueue)) == REALTIME:
                self.workqueue.move_to_end(REALTIME)
            super()._assign_work_unit(node)

        def _reschedule(self, node: Any) -> None:
            others_busy = any(
                other is not node and not other.shutting_down and self._pending_of(work) > 0
                for other, work in self.assigned_work.items()
            )
            if (
                not node.shutting_down
                and list(self.workqueue) == [REALTIME]
                and self._pending_of(self.assigned_work[node]) <= 2
                and others_busy
            ):
                node.shutdown()
                return
            super()._reschedule(node)

    return GroupScheduling(config, log)
