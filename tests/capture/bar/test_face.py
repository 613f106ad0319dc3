"""The bar finder has one face: nothing outside ``vbt/capture/bar`` imports its inner modules, and
the face gives what the rest of vbt uses."""

from __future__ import annotations

import ast
from pathlib import Path

import vbt.capture.bar as bar

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "vbt" / "capture" / "bar"


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_nothing_outside_the_package_imports_its_inner_modules() -> None:
    outside = [
        p
        for folder in ("vbt", "benchmarks")
        for p in sorted((ROOT / folder).rglob("*.py"))
        if PACKAGE not in p.parents
    ]
    assert len(outside) > 50
    reaching_in = {
        f"{p.relative_to(ROOT)}: {m}"
        for p in outside
        for m in _imported_modules(p)
        if m.startswith("vbt.capture.bar.")
    }
    assert reaching_in == set()


def test_the_face_exports_the_trackers_and_the_settings() -> None:
    for name in (
        "PlateTracker",
        "ArucoTracker",
        "ColorMarkerTracker",
        "WristMidpointTracker",
        "BarDetection",
        "BarMethod",
        "BarTracker",
        "RevisingBarTracker",
        "hands_midpoint",
        "stack_detections",
        "aruco_dictionary",
        "PlateSettings",
        "rule_names",
        "without",
    ):
        assert name in bar.__all__ and hasattr(bar, name), name
