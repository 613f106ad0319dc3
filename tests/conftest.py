"""Suite-wide hooks: the groups of a parallel run (see ``tests/groups.py``)."""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test without an ``xdist_group`` mark joins its module's group: under ``--dist loadgroup`` a
    module runs on one worker and its module-scoped fixtures are made once. Without xdist the mark
    does nothing."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
