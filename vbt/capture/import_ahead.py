"""``ImportAhead``: the modules the work after the frame loop needs, imported on a thread during it.

The analysis after the loop needs SciPy (``scipy.signal``, ``scipy.interpolate``, ``scipy.optimize``:
about 1.4 CPU-s to import on the 2-core test machine, Python code that holds Python's lock). Imported
after the loop, nothing overlaps it: the report waits for it. ``track_source`` imports them on a thread
of its own while the loop runs instead, from the moment the pose model is loaded (started beside the
model's load, both imports hold the lock and the model is late). The loop's own threads mostly run
native code that lets the lock go (the decoder, MediaPipe's graph, OpenCV and NumPy in the tracker),
so with a core to spare the import costs the loop little; on a machine whose cores are all busy it
costs what it would have after the loop.

An import is the same import whichever thread makes it (Python's import lock makes a second importer
wait for the first): nothing the analysis computes changes.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable, Sequence

from vbt.closing import Closing

#: What ``analyze_tracked`` and the report import (SciPy through ``vbt.analysis``'s kinematics).
AFTER_THE_LOOP = (
    "vbt.analysis",
    "vbt.quality.capture",
    "vbt.capture.camera.scene",
    "vbt.capture.second_pass",
    "vbt.report.json_report",
    "vbt.report.table",
)


class ImportAhead(Closing):
    """Import ``modules`` in order on a thread of its own, once ``after()`` has returned.

    ``after`` waits for whatever the import must not compete with (the pose model's load); what it
    raises is left to its owner (the import goes ahead). An import that fails is left to the caller's
    own import, which raises it where it belongs.

    ``close()`` imports nothing more and waits for the module under way (a caller that is about to
    import it itself waits as long); safe to call more than once.
    """

    def __init__(
        self,
        modules: Sequence[str] = AFTER_THE_LOOP,
        *,
        after: Callable[[], object] | None = None,
        name: str = "vbt-import-ahead",
    ) -> None:
        self._modules = tuple(modules)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(after,), name=name, daemon=True)
        self._thread.start()

    def _run(self, after: Callable[[], object] | None) -> None:
        if after is not None:
            with contextlib.suppress(Exception):  # its owner reports it (a model that failed to load)
                after()
        for module in self._modules:
            if self._stop.is_set():
                return
            try:
                importlib.import_module(module)
            except Exception:  # raised again by the caller's own import, on its thread
                return

    @property
    def done(self) -> bool:
        """True once every module was imported (or the thread stopped)."""
        return not self._thread.is_alive()

    def close(self) -> None:
        """Import nothing more; wait for the import under way."""
        self._stop.set()
        self._thread.join()
