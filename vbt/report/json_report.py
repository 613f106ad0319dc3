"""The JSON report of one set (``vbt analyze --json``). Other tools read it: keys are never renamed."""

from __future__ import annotations

import dataclasses
import json
import math
from enum import Enum
from pathlib import Path
from typing import Any

import vbt
from vbt.analysis import SetAnalysis
from vbt.errors import InputError
from vbt.lifts import velocity_kind


def to_jsonable(value: Any) -> Any:
    """Dataclasses, enums, tuples and NumPy scalars to plain JSON values; NaN and inf become null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, bool | int | str) or value is None:
        return value
    number = float(value)
    return number if math.isfinite(number) else None


def set_report(
    analysis: SetAnalysis, *, input_name: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The report as a JSON-ready dict: ``quality`` (the verdict and its reasons), ``lift``, its
    ``lift_family`` and ``velocity_kind`` (the one velocity shown and lost for it), ``input``,
    ``reps`` (one dict per rep), ``set``, ...

    ``extra`` adds top-level sections (a video's ``video``, ``calibration`` and ``tracking``).
    """
    k = analysis.kinematics
    report: dict[str, Any] = {
        "vbt_version": vbt.__version__,
        "quality": analysis.quality.to_json(),
        "lift": analysis.lift.value,
        "lift_family": analysis.lift.family.value,
        "velocity_kind": velocity_kind(analysis.lift).value,
        "input": input_name,
        "load_kg": analysis.load_kg,
        "reps": [to_jsonable(r) for r in analysis.reps],
        "set": to_jsonable(analysis.summary),
        "analysis": {
            "source_rate_hz": to_jsonable(k.source_rate_hz),
            "cutoff_hz": to_jsonable(k.cutoff_hz),
            "grid_rate_hz": to_jsonable(k.sample_rate_hz),
            "duration_s": to_jsonable(k.t_s[-1] - k.t_s[0]),
        },
        "warnings": list(analysis.warnings),
    }
    report.update(extra or {})
    return report


def write_json(path: str | Path, report: dict[str, Any]) -> None:
    """Write a report as indented JSON, atomically (a partial file never replaces a good one)."""
    target = Path(path)
    temporary = target.with_name(target.name + ".partial")
    try:
        temporary.write_text(json.dumps(report, indent=2, allow_nan=False) + "\n", encoding="utf-8")
        temporary.replace(target)
    except OSError as exc:
        raise InputError(
            f"cannot write {target}: {exc.strerror}; check the folder exists and is writable"
        ) from None
