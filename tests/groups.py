"""Which tests run together when the suite runs in parallel (``pytest -n auto --dist loadgroup``, the
README's test command): pytest-xdist hands each group to one worker as a whole.

Every module is its own group (``tests/conftest.py`` adds the mark), so its module-scoped fixtures (a
rendered clip, a browser, a server) are made once. A module marked with one of these instead joins a
group that spans modules:

- ``REALTIME``: tests that play a clip or a stream at its own speed and measure what live mode keeps
  up with. They run one after another on one worker, never two at once, so that they are not starved
  of the CPU by each other (the failure of issue 13: frames dropped when the analysis falls behind).
- ``FOOTAGE_ANALYSES``: modules that assert different things of the same ``vbt analyze`` of a real clip
  (``tests/footage/clips.py`` analyses each clip once per process): on one worker, each clip's
  MediaPipe run is made once.
"""

from __future__ import annotations

import pytest

REALTIME = pytest.mark.xdist_group("realtime")
FOOTAGE_ANALYSES = pytest.mark.xdist_group("footage-analyses")
