"""Suite-wide hooks: the groups of a parallel run (see ``tests/groups.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.groups import group_of


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: without xdist the suite runs in one process
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadgroup``, hand out work by ``group_of``: a module, or a group that spans
    modules, goes to one worker whole."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    return GroupScheduling(config, log)
