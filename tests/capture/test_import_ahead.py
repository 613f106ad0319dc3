"""The analysis's modules imported on a thread during the frame loop (``ImportAhead``): only once what
they must not compete with is done, in order, a failed import left to the caller's own, nothing more
after ``close``; and every module named is one ``analyze_tracked`` and the report import."""

from __future__ import annotations

import importlib
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from vbt.capture.import_ahead import ImportAhead

#: Each fake module appends its name to this list when it is imported.
IMPORTED: list[str] = []


@pytest.fixture
def modules(tmp_path: Path) -> Iterator[list[str]]:
    """Three fresh modules (``ahead_a``, ``ahead_b``, ``ahead_c``) that record their import, and one that fails."""
    names = [f"ahead_{letter}_{tmp_path.name}" for letter in "abc"]
    for name in names:
        (tmp_path / f"{name}.py").write_text(
            f"from tests.capture.test_import_ahead import IMPORTED\nIMPORTED.append({name!r})\n"
        )
    (tmp_path / f"broken_{tmp_path.name}.py").write_text("raise RuntimeError('broken on purpose')\n")
    sys.path.insert(0, str(tmp_path))
    IMPORTED.clear()
    yield names
    sys.path.remove(str(tmp_path))
    for name in [*names, f"broken_{tmp_path.name}"]:
        sys.modules.pop(name, None)


def test_nothing_is_imported_before_after_returns_then_everything_in_order(modules: list[str]) -> None:
    go = threading.Event()
    ahead = ImportAhead(modules, after=go.wait)
    assert not go.wait(0.05) and IMPORTED == [] and not ahead.done
    go.set()
    ahead._thread.join()
    assert modules == IMPORTED and ahead.done
    ahead.close()  # a second close is harmless
    ahead.close()


def test_a_failing_after_still_lets_the_import_go_ahead(modules: list[str]) -> None:
    def failed_load() -> None:
        raise RuntimeError("the model did not load")

    with ImportAhead(modules, after=failed_load) as ahead:
        ahead._thread.join()
    assert modules == IMPORTED


def test_a_failed_import_stops_the_thread_and_is_raised_by_the_callers_own_import(
    modules: list[str], tmp_path: Path
) -> None:
    broken = f"broken_{tmp_path.name}"
    with ImportAhead([modules[0], broken, modules[1]]) as ahead:
        ahead._thread.join()
    assert modules[:1] == IMPORTED
    with pytest.raises(RuntimeError, match="broken on purpose"):
        importlib.import_module(broken)


def test_close_imports_nothing_more(modules: list[str]) -> None:
    go = threading.Event()
    ahead = ImportAhead(modules, after=go.wait)
    ahead._stop.set()  # what close() sets first, before the model is loaded
    go.set()
    ahead.close()
    assert IMPORTED == [] and ahead.done


def test_the_modules_named_import_and_bring_scipy_with_them() -> None:
    # in a fresh process (this one has SciPy already): each name must import (a name that no longer
    # exists would only be skipped), and what they bring must include the SciPy the analysis uses
    code = (
        "import sys\n"
        "from vbt.capture.import_ahead import AFTER_THE_LOOP, ImportAhead\n"
        "assert 'scipy' not in sys.modules\n"
        "with ImportAhead() as ahead:\n"
        "    ahead._thread.join()\n"
        "print(all(m in sys.modules for m in AFTER_THE_LOOP),"
        " all(f'scipy.{m}' in sys.modules for m in ('signal', 'interpolate', 'optimize')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True"]
